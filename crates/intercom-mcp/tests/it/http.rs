//! The `/mcp` endpoint in-process (`router`), plus one test over a real socket.

use std::net::SocketAddr;

use axum::body::Body;
use http::{Request, StatusCode};
use intercom_client::Config;
use intercom_mcp::http::{ENDPOINT, check_bind, serve};
use intercom_mcp::{
    Connector, HttpOptions, HttpState, IntercomServer, McpError, Selection, router,
};
use intercom_sandbox::DEFAULT_TOKEN;
use intercom_tools::Registry;
use serde_json::{Value, json};
use tower::ServiceExt as _;

use crate::{sandbox, server};

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"it","version":"1"}}}"#;

fn post() -> http::request::Builder {
    Request::post(ENDPOINT)
        .header("host", "127.0.0.1:8787")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-06-18")
}

fn call(name: &str) -> String {
    json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": name, "arguments": {}}})
        .to_string()
}

/// Sends `request`; the body is the JSON answer, or the response (the message with an `id`) of
/// an event stream, or the text.
async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, http::HeaderMap, Value) {
    let (status, headers, body, _) = send_streamed(app, request).await;
    (status, headers, body)
}

/// [`send`], plus the notifications an event stream carried before the response.
async fn send_streamed(
    app: &axum::Router,
    request: Request<Body>,
) -> (StatusCode, http::HeaderMap, Value, Vec<Value>) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 22)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if headers
        .get("content-type")
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"))
    {
        let messages: Vec<Value> = text
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str(d.trim()).ok())
            .collect();
        let (responses, notes): (Vec<Value>, Vec<Value>) =
            messages.into_iter().partition(|m| m.get("id").is_some());
        let body = responses.into_iter().next().unwrap_or(Value::Null);
        return (status, headers, body, notes);
    }
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::String(text));
    (status, headers, body, Vec::new())
}

fn app(server: IntercomServer, options: HttpOptions) -> axum::Router {
    router(HttpState::new(server, options))
}

#[tokio::test]
async fn initialize_answers_with_json() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let app = app(server(&sb, Selection::new()), HttpOptions::new());
    let (status, headers, body) = send(&app, post().body(Body::from(INITIALIZE)).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        headers.get("mcp-session-id").is_none(),
        "the server is stateless"
    );
    assert_eq!(body["result"]["protocolVersion"], "2025-06-18");
    sb.shutdown().await;
}

#[tokio::test]
async fn foreign_origins_and_hosts_are_refused() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let app = app(server(&sb, Selection::new()), HttpOptions::new());
    let (status, _, body) = send(
        &app,
        post()
            .header("origin", "https://evil.example")
            .body(Body::from(INITIALIZE))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body, "Forbidden: Origin header is not allowed");

    let (status, _, _) = send(
        &app,
        post()
            .header("origin", "http://localhost:6274")
            .body(Body::from(INITIALIZE))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "a local origin is fine");

    let rebound = Request::post(ENDPOINT)
        .header("host", "attacker.example")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(Body::from(INITIALIZE))
        .unwrap();
    let (status, _, body) = send(&app, rebound).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body, "Forbidden: Host header is not allowed");

    // Behind a reverse proxy: its public name is allowed, and the browser app's origin.
    let proxied = self::app(
        server(&sb, Selection::new()),
        HttpOptions::new()
            .allowed_hosts(["mcp.example.com"])
            .allowed_origins(["https://app.example.com:443"]),
    );
    let request = Request::post(ENDPOINT)
        .header("host", "mcp.example.com")
        .header("origin", "https://app.example.com")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(Body::from(INITIALIZE))
        .unwrap();
    let (status, _, body) = send(&proxied, request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    sb.shutdown().await;
}

#[tokio::test]
async fn the_bearer_token_is_required_when_configured() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let app = app(
        server(&sb, Selection::new()),
        HttpOptions::new().bearer_token(Some("s3cret".to_owned())),
    );
    let (status, headers, body) = send(&app, post().body(Body::from(INITIALIZE)).unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers["www-authenticate"], "Bearer realm=\"intercom-mcp\"");
    assert_eq!(
        body,
        json!({"error": "this MCP server requires `Authorization: Bearer <token>`"})
    );

    let (status, _, body) = send(
        &app,
        post()
            .header("authorization", "Bearer s3cret-not")
            .body(Body::from(INITIALIZE))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        json!({"error": "the bearer token is not the one this MCP server was given"})
    );

    let (status, _, body) = send(
        &app,
        post()
            .header("authorization", "bearer s3cret")
            .body(Body::from(INITIALIZE))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    sb.shutdown().await;
}

#[tokio::test]
async fn non_loopback_addresses_need_a_bearer_token() {
    let open: SocketAddr = "0.0.0.0:8787".parse().unwrap();
    let lan: SocketAddr = "192.0.2.10:8787".parse().unwrap();
    let local: SocketAddr = "127.0.0.1:8787".parse().unwrap();
    let v6: SocketAddr = "[::1]:8787".parse().unwrap();
    let none = HttpOptions::new();
    let bearer = HttpOptions::new().bearer_token(Some("t0ken".to_owned()));
    assert!(matches!(
        check_bind(open, &none),
        Err(McpError::InsecureBind { .. })
    ));
    assert!(matches!(
        check_bind(lan, &none),
        Err(McpError::InsecureBind { .. })
    ));
    assert!(check_bind(local, &none).is_ok());
    assert!(check_bind(v6, &none).is_ok());
    assert!(check_bind(open, &bearer).is_ok());
    assert_eq!(
        check_bind(open, &none).unwrap_err().to_string(),
        "refusing to listen on 0.0.0.0:8787 without a bearer token: anyone who can reach it could use the Intercom token; set --bearer-token (or INTERCOM_MCP_BEARER_TOKEN), or listen on 127.0.0.1"
    );
    let spaced = HttpOptions::new().bearer_token(Some(" t0ken".to_owned()));
    assert!(matches!(
        check_bind(local, &spaced),
        Err(McpError::BearerToken(_))
    ));

    // serve() refuses before binding anything.
    let sb = sandbox(DEFAULT_TOKEN).await;
    let state = HttpState::new(server(&sb, Selection::new()), HttpOptions::new());
    assert!(matches!(
        serve("0.0.0.0:0".parse().unwrap(), state).await,
        Err(McpError::InsecureBind { .. })
    ));
    sb.shutdown().await;
}

#[tokio::test]
async fn each_request_may_bring_its_own_intercom_token() {
    let sb = sandbox("alpha").await;
    let catalog = Selection::new().resolve(&Registry::builtin()).unwrap();
    let template = Config::new("unused").base_url(&sb.base_url()).unwrap();
    let server = IntercomServer::new(catalog, Connector::per_request(None, template));
    let app = app(server.clone(), HttpOptions::new());
    let body = call("intercom_list_admins");

    let (status, _, with_alpha) = send(
        &app,
        post()
            .header("x-intercom-token", "alpha")
            .body(Body::from(body.clone()))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(with_alpha["result"]["isError"], false, "{with_alpha}");
    assert!(with_alpha["result"]["structuredContent"]["admins"].is_array());

    let (_, _, with_beta) = send(
        &app,
        post()
            .header("x-intercom-token", "beta")
            .body(Body::from(body.clone()))
            .unwrap(),
    )
    .await;
    assert_eq!(with_beta["result"]["isError"], true, "{with_beta}");
    assert_eq!(
        with_beta["result"]["structuredContent"]["error"]["kind"],
        "auth"
    );
    assert_eq!(server.connector().cached_clients(), 2, "a client per token");

    let (_, _, without) = send(&app, post().body(Body::from(body.clone())).unwrap()).await;
    assert_eq!(without["result"]["isError"], true);
    let text = without["result"]["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("X-Intercom-Token"), "{text}");

    // A server that keeps to its own token refuses the header outright.
    let strict = self::app(server, HttpOptions::new().refuse_token_header(true));
    let (status, _, refused) = send(
        &strict,
        post()
            .header("x-intercom-token", "alpha")
            .body(Body::from(body.clone()))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        refused,
        json!({"error": "this MCP server does not accept X-Intercom-Token: it uses its own Intercom token"})
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn serves_over_a_real_socket() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let state = HttpState::new(
        server(&sb, Selection::new().toolsets(["all"])),
        HttpOptions::new(),
    );
    let running = serve("127.0.0.1:0".parse().unwrap(), state).await.unwrap();
    let url = running.url();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/mcp"),
        "{url}"
    );
    let http = reqwest::Client::new();
    let post = |body: String| {
        http.post(&url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-06-18")
            .body(body)
            .send()
    };
    let init: Value = post(INITIALIZE.to_owned())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(init["result"]["serverInfo"]["name"], "intercom");
    let list: Value =
        post(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}).to_string())
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(
        list["result"]["tools"].as_array().unwrap().len(),
        Registry::builtin().tools().len()
    );
    let counts: Value = post(call("intercom_get_counts"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(counts["result"]["isError"], false, "{counts}");
    running.shutdown().await.unwrap();
    sb.shutdown().await;
}

#[tokio::test]
async fn bad_posts_get_jsonrpc_errors() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let app = app(server(&sb, Selection::new()), HttpOptions::new());
    let list = r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#;
    let builder = |content_type: &str, version: &str| {
        Request::post(ENDPOINT)
            .header("host", "127.0.0.1:8787")
            .header("content-type", content_type)
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", version)
    };
    let cases: Vec<(http::request::Builder, String, StatusCode, i64, Value, &str)> = vec![
        (
            builder("application/json", "1999-01-01"),
            list.into(),
            StatusCode::BAD_REQUEST,
            -32600,
            json!(2),
            "unsupported MCP-Protocol-Version `1999-01-01`: this server speaks 2025-06-18",
        ),
        (
            builder("application/json", "2025-03-26"),
            list.into(),
            StatusCode::BAD_REQUEST,
            -32600,
            json!(2),
            "unsupported MCP-Protocol-Version `2025-03-26`",
        ),
        (
            builder("text/plain", "2025-06-18"),
            list.into(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            -32600,
            json!(null),
            "Content-Type: application/json",
        ),
        (
            builder("application/json", "2025-06-18"),
            "{not json".into(),
            StatusCode::BAD_REQUEST,
            -32700,
            json!(null),
            "not valid JSON",
        ),
        (
            builder("application/json", "2025-06-18"),
            String::new(),
            StatusCode::BAD_REQUEST,
            -32700,
            json!(null),
            "the body is empty",
        ),
        (
            builder("application/json; charset=utf-8", "2025-06-18"),
            r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"arguments":{}}}"#.into(),
            StatusCode::BAD_REQUEST,
            -32602,
            json!(3),
            "missing field `name`",
        ),
        (
            builder("application/json", "2025-06-18"),
            r#"{"jsonrpc":"2.0","id":"s","method":"tools/call","params":{"name":"\ud800"}}"#.into(),
            StatusCode::BAD_REQUEST,
            -32600,
            json!("s"),
            "lone UTF-16 surrogate",
        ),
        (
            builder("application/json", "2025-06-18"),
            format!(
                r#"{{"jsonrpc":"2.0","id":4,"method":"tools/list","params":{{"x":{}{}}}}}"#,
                "[".repeat(129),
                "]".repeat(129)
            ),
            StatusCode::BAD_REQUEST,
            -32600,
            json!(4),
            "deeper than 128 levels",
        ),
        (
            builder("application/json", "2025-06-18"),
            r#"{"jsonrpc":"2.0","method":"notifications/initialized","params":[]}"#.into(),
            StatusCode::BAD_REQUEST,
            -32602,
            json!(null),
            "`params` must be an object",
        ),
    ];
    for (request, body, status, code, id, says) in cases {
        let shown: String = body.chars().take(60).collect();
        let (got, headers, answer) = send(&app, request.body(Body::from(body)).unwrap()).await;
        assert_eq!(got, status, "{shown}: {answer}");
        assert_eq!(
            headers.get("content-type").unwrap(),
            "application/json",
            "{shown}"
        );
        assert_eq!(answer["jsonrpc"], "2.0", "{shown}: {answer}");
        assert_eq!(answer["error"]["code"], code, "{shown}: {answer}");
        assert_eq!(answer["id"], id, "{shown}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{shown}: {message}");
    }
    // The versions served pass.
    for version in ["2025-06-18", "2025-11-25"] {
        let (status, _, answer) = send(
            &app,
            builder("application/json", version)
                .body(Body::from(list))
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{version}: {answer}");
        assert!(answer["result"]["tools"].is_array(), "{answer}");
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn log_notifications_ride_the_request_stream() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let client = intercom_client::Client::with_clock(
        Config::new(DEFAULT_TOKEN).base_url(&sb.base_url()).unwrap(),
        std::sync::Arc::new(intercom_client::TestClock::at_unix(1_750_000_000)),
    )
    .unwrap();
    let catalog = Selection::new().resolve(&Registry::builtin()).unwrap();
    let app = app(
        IntercomServer::new(catalog, Connector::fixed(client.clone())),
        HttpOptions::new(),
    );
    client
        .json(&intercom_client::Request::post(
            "/_sandbox/faults",
            json!({"path_prefix": "/admins", "method": "GET", "status": 503, "times": 1, "retry_after": 2}),
        ))
        .await
        .unwrap();
    let (status, headers, response, notes) = send_streamed(
        &app,
        post()
            .body(Body::from(call("intercom_list_admins")))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers
            .get("content-type")
            .unwrap()
            .as_bytes()
            .starts_with(b"text/event-stream"),
        "{headers:?}"
    );
    assert_eq!(response["id"], 2, "{response}");
    assert_eq!(response["result"]["isError"], false, "{response}");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["method"], "notifications/message");
    assert_eq!(notes[0]["params"]["level"], "warning");
    assert_eq!(
        notes[0]["params"]["data"]["message"],
        "GET /admins failed (503); retrying in 2000 ms (attempt 2)"
    );
    // A call with nothing to log is one JSON answer.
    let (status, headers, response, notes) = send_streamed(
        &app,
        post()
            .body(Body::from(call("intercom_list_admins")))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get("content-type").unwrap(), "application/json");
    assert_eq!(response["result"]["isError"], false, "{response}");
    assert!(notes.is_empty());
    sb.shutdown().await;
}
