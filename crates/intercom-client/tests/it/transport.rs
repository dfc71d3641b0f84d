//! What goes on the wire and how answers become values or errors.

use intercom_client::{ConnectionFailure, Error, ErrorItem, Request};
use serde_json::json;

use crate::mock::{Mock, Reply, chain, client, client_with, config};

#[tokio::test]
async fn sends_auth_version_accept_and_user_agent_headers() {
    let mock = Mock::scripted(vec![
        Reply::ok(json!({"type": "admin"})),
        Reply::ok(json!({"ok": true})),
    ])
    .await;
    let (client, _) = client(&mock.base_url);
    let body = client.json(&Request::get("/me")).await.unwrap();
    assert_eq!(body, json!({"type": "admin"}));
    client
        .json(&Request::post("/contacts", json!({"email": "a@b.c"})).version("2.16"))
        .await
        .unwrap();

    let seen = mock.requests();
    let get = &seen[0];
    assert_eq!((get.method.as_str(), get.path.as_str()), ("GET", "/me"));
    assert_eq!(
        get.header("authorization"),
        Some("Bearer test-token-s3cr3t")
    );
    assert_eq!(get.header("accept"), Some("application/json"));
    assert_eq!(get.header("intercom-version"), Some("2.14"));
    assert_eq!(get.header("content-type"), None, "no body, no content type");
    assert_eq!(
        get.header("user-agent"),
        Some(format!("intercom-agent-tools/{}", env!("CARGO_PKG_VERSION")).as_str())
    );

    let post = &seen[1];
    assert_eq!(post.method, "POST");
    assert_eq!(post.header("content-type"), Some("application/json"));
    assert_eq!(
        post.header("intercom-version"),
        Some("2.16"),
        "the request's own version wins"
    );
    assert_eq!(post.json(), json!({"email": "a@b.c"}));
}

#[tokio::test]
async fn query_pairs_are_encoded_and_a_path_prefix_is_kept() {
    let mock = Mock::scripted(vec![Reply::ok(json!({}))]).await;
    let (client, _) = client_with(config(&format!("{}/proxy/intercom/", mock.base_url)));
    let req = Request::get("/contacts/find")
        .query("email", "a b+c@x.com")
        .query("tag", "é&=?");
    assert_eq!(
        client.url(&req).unwrap(),
        format!(
            "{}/proxy/intercom/contacts/find?email=a+b%2Bc%40x.com&tag=%C3%A9%26%3D%3F",
            mock.base_url
        )
    );
    client.json(&req).await.unwrap();
    let seen = &mock.requests()[0];
    assert_eq!(seen.path, "/proxy/intercom/contacts/find");
    assert_eq!(
        seen.query_pairs(),
        vec![
            ("email".to_owned(), "a b+c@x.com".to_owned()),
            ("tag".to_owned(), "é&=?".to_owned())
        ]
    );
}

#[tokio::test]
async fn bad_paths_are_refused_before_sending() {
    let mock = Mock::scripted(vec![]).await;
    let (client, _) = client(&mock.base_url);
    let cases = [
        ("contacts", "must start with `/`"),
        (
            "/contacts?x=1",
            "must not contain `?` or `#`; pass query parameters as query pairs",
        ),
        (
            "/contacts#x",
            "must not contain `?` or `#`; pass query parameters as query pairs",
        ),
        ("/contacts/../admins", "must not contain `..`"),
        (
            "/contacts/a b",
            "must be percent-encoded: spaces, control and non-ASCII characters are not allowed",
        ),
        (
            "/contacts/é",
            "must be percent-encoded: spaces, control and non-ASCII characters are not allowed",
        ),
        (
            "/contacts/%2e%2e/admins",
            "changes when read as a URL path; percent-encode each segment (no backslashes, quotes, braces or encoded dot segments)",
        ),
        (
            "/contacts/{id}",
            "changes when read as a URL path; percent-encode each segment (no backslashes, quotes, braces or encoded dot segments)",
        ),
    ];
    for (path, why) in cases {
        let err = client.json(&Request::get(path)).await.unwrap_err();
        match &err {
            Error::InvalidRequest(msg) => assert_eq!(msg, &format!("field `path`: `{path}` {why}")),
            other => panic!("{path}: {other:?}"),
        }
    }
    let err = client
        .json(&Request::get("/me").version("2.14\r\nX: y"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.starts_with("field `version`")),
        "{err:?}"
    );
    assert_eq!(mock.count(), 0, "nothing was sent");
    // An already-encoded segment passes through untouched.
    assert!(
        client
            .url(&Request::get("/contacts/a%2Fb%20c"))
            .unwrap()
            .ends_with("/contacts/a%2Fb%20c")
    );
}

#[tokio::test]
async fn empty_and_204_bodies_are_null() {
    let mock = Mock::scripted(vec![
        Reply::text(204, ""),
        Reply::json(200, json!(null)).header("x-request-id", "r-1"),
    ])
    .await;
    let (client, _) = client(&mock.base_url);
    let res = client.send(&Request::delete("/tags/1")).await.unwrap();
    assert_eq!(
        (res.status, res.body.clone()),
        (204, serde_json::Value::Null)
    );
    let res = client.send(&Request::get("/x")).await.unwrap();
    assert_eq!(res.request_id.as_deref(), Some("r-1"));
}

#[tokio::test]
async fn error_list_becomes_an_api_error() {
    let mock = Mock::scripted(vec![
        Reply::json(
            404,
            json!({
                "type": "error.list",
                "request_id": "b0d5-body",
                "errors": [
                    {"code": "not_found", "message": "Contact Not Found"},
                    {"code": "parameter_invalid", "message": "bad", "field": "email"}
                ]
            }),
        )
        .header("x-request-id", "from-header"),
    ])
    .await;
    let (client, _) = client(&mock.base_url);
    let err = client
        .json(&Request::get("/contacts/42"))
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status, 404);
    assert_eq!(
        api.request_id.as_deref(),
        Some("b0d5-body"),
        "the body's request id wins"
    );
    assert_eq!(api.raw_body, None);
    assert_eq!(api.errors.len(), 2);
    assert_eq!(api.errors[1].field.as_deref(), Some("email"));
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.api(), Some(api));
    assert_eq!(
        err.to_string(),
        "Intercom API error (HTTP 404): not_found: Contact Not Found; parameter_invalid: bad (field `email`)"
    );
    let first: &ErrorItem = &api.errors[0];
    assert_eq!(
        (first.code.as_str(), first.message.as_deref()),
        ("not_found", Some("Contact Not Found"))
    );
    assert_eq!(mock.count(), 1, "404 is not retried");
}

#[tokio::test]
async fn request_id_falls_back_to_the_header_and_odd_items_are_read_leniently() {
    let mock = Mock::scripted(vec![
        Reply::json(422, json!({"errors": [{"message": 12}]})).header("x-request-id", "hdr-7"),
    ])
    .await;
    let (client, _) = client(&mock.base_url);
    let err = client
        .json(&Request::post("/contacts", json!({})))
        .await
        .unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.request_id.as_deref(), Some("hdr-7"));
    assert_eq!(api.errors[0].code, "unknown");
    assert_eq!(api.errors[0].message.as_deref(), Some("12"));
}

#[tokio::test]
async fn non_json_error_bodies_are_kept_truncated() {
    let big = "<html>".to_owned() + &"x".repeat(10_000) + "</html>";
    let mock = Mock::scripted(vec![Reply::text(500, &big), Reply::text(500, "oops")]).await;
    let (client, _) = client(&mock.base_url);
    let err = client.json(&Request::get("/x")).await.unwrap_err();
    let raw = err.api().unwrap().raw_body.clone().unwrap();
    assert!(raw.starts_with("<html>xxx"), "{raw}");
    assert!(
        raw.ends_with(&format!("… ({} bytes in all)", big.len())),
        "{}",
        &raw[raw.len() - 40..]
    );
    assert!(raw.len() < 4200);
    let err = client.json(&Request::get("/x")).await.unwrap_err();
    assert_eq!(err.to_string(), "Intercom API error (HTTP 500): oops");
}

#[tokio::test]
async fn unauthorized_never_shows_the_token() {
    let mock = Mock::scripted(vec![Reply::error(
        401,
        "unauthorized",
        "Access Token Invalid",
    )])
    .await;
    let (client, _) = client(&mock.base_url);
    let err = client.json(&Request::get("/me")).await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "authentication failed (HTTP 401): unauthorized: Access Token Invalid"
    );
    assert!(!format!("{err:?}").contains("s3cr3t"));
    assert_eq!(mock.count(), 1);
}

#[tokio::test]
async fn a_2xx_that_is_not_json_is_a_decode_error() {
    let mock = Mock::scripted(vec![Reply::text(200, "<html>hi</html>")]).await;
    let (client, _) = client(&mock.base_url);
    let err = client
        .json(&Request::get("/me").query("email", "private@x.com"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let lines = chain(&err);
    assert_eq!(
        lines[0],
        format!("could not decode the response of {}/me", mock.base_url),
        "no query in errors"
    );
    assert_eq!(lines.len(), 2, "{lines:?}");
}

/// A redirect is an answer: its address comes back, and nothing is fetched from it (a call's
/// recording redirects to audio on another host). A `text/plain` body comes back as a string.
#[tokio::test]
async fn redirects_are_not_followed_and_plain_text_is_a_string() {
    let mock = Mock::scripted(vec![
        Reply::text(302, "").header("location", "http://127.0.0.1:9/files/rec.wav?sig=1"),
        Reply {
            status: 200,
            headers: vec![("content-type".into(), "text/plain; charset=utf-8".into())],
            body: "[00:00:01] Hello\n".into(),
        },
    ])
    .await;
    let (client, _) = client(&mock.base_url);
    let res = client
        .send(&Request::get("/calls/1/recording"))
        .await
        .unwrap();
    assert_eq!(res.status, 302);
    assert_eq!(
        res.body,
        json!({"type": "redirect", "status": 302, "location": "http://127.0.0.1:9/files/rec.wav?sig=1"})
    );
    let res = client
        .send(&Request::get("/calls/1/transcript"))
        .await
        .unwrap();
    assert_eq!(res.body, json!("[00:00:01] Hello\n"));
    assert_eq!(mock.count(), 2, "the redirect's address was not fetched");
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_that_was_not_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let (client, clock) = client_with(config(&base).max_attempts(2));
    let err = client
        .json(&Request::post("/messages", json!({})))
        .await
        .unwrap_err();
    let Error::Transport { url, source } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(url, &format!("{base}/messages"));
    assert!(matches!(
        source.downcast_ref::<ConnectionFailure>(),
        Some(ConnectionFailure::NotSent(_))
    ));
    let lines = chain(&err);
    assert_eq!(
        lines[0],
        format!("network error talking to {base}/messages")
    );
    assert_eq!(lines[1], "could not connect; the request was not sent");
    assert!(
        lines.len() > 2,
        "the reqwest cause is kept below: {lines:?}"
    );
    // Our two layers never repeat what is below them.
    for pair in lines[..3].windows(2) {
        assert!(
            !pair[0].contains(&pair[1]),
            "Display repeats its source: {lines:?}"
        );
    }
    // A refused connection proves the write was not processed: it was retried once.
    assert_eq!(clock.sleeps().len(), 1);
}

#[tokio::test]
async fn futures_are_send_and_clones_share_state() {
    let mock = Mock::scripted(vec![
        Reply::ok(json!({}))
            .header("x-ratelimit-limit", 100)
            .header("x-ratelimit-remaining", 97)
            .header("x-ratelimit-reset", crate::mock::T0 + 10),
    ])
    .await;
    let (client, _) = client(&mock.base_url);
    let other = client.clone();
    tokio::spawn(async move { other.json(&Request::get("/me")).await.unwrap() })
        .await
        .unwrap();
    let seen = client
        .rate_limit()
        .expect("the clone's response is visible");
    assert_eq!(
        (seen.limit, seen.remaining, seen.reset),
        (Some(100), 97, crate::mock::T0 + 10)
    );
}

#[test]
fn public_types_are_send_and_sync_where_callers_need_it() {
    fn send_sync<T: Send + Sync + 'static>() {}
    fn send_unpin<T: Send + Unpin + 'static>() {}
    send_sync::<intercom_client::Client>();
    send_sync::<intercom_client::Error>();
    send_unpin::<intercom_client::Pages>();
}

/// Collects what the `tracing` fmt layer writes.
#[derive(Clone, Default)]
struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn debug_logs_name_the_call_but_never_the_token_or_headers() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // Global, not per-thread: a scoped subscriber misses events whose callsites other tests,
    // running at the same time, registered first. The buffer then also holds the other tests'
    // logs, which the token check below covers as well.
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let mock = Mock::scripted(vec![
        Reply::error(503, "unavailable", "x"),
        Reply::ok(json!({})),
    ])
    .await;
    let (client, _) = client(&mock.base_url);
    client
        .json(&Request::get("/contacts/7").query("email", "who@x.com"))
        .await
        .unwrap();

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let ours: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("intercom_client"))
        .collect();
    assert!(
        ours.iter().any(|l| l.contains("method=\"GET\"")
            && l.contains("path=/contacts/7")
            && l.contains("status=503")
            && l.contains("attempt=1")),
        "{text}"
    );
    assert!(
        ours.iter().any(|l| l.contains("status=200")
            && l.contains("attempt=2")
            && l.contains("duration_ms=")),
        "{text}"
    );
    assert!(
        ours.iter()
            .any(|l| l.contains("retrying") && l.contains("wait_ms=500")),
        "{text}"
    );
    for secret in ["s3cr3t", "Bearer", "who@x.com", "authorization"] {
        assert!(
            !text.to_lowercase().contains(&secret.to_lowercase()),
            "`{secret}` in logs:\n{text}"
        );
    }
}

#[tokio::test]
async fn a_url_over_the_limit_is_refused_before_sending() {
    use intercom_client::MAX_URL_BYTES;
    let mock = Mock::scripted(vec![]).await;
    let (client, _) = client(&mock.base_url);
    let huge_id = "7".repeat(10 * 1024 * 1024);
    for request in [
        Request::get(format!("/contacts/{huge_id}")),
        Request::get("/contacts").query("email", "x".repeat(MAX_URL_BYTES)),
    ] {
        let err = client.send(&request).await.unwrap_err();
        let Error::InvalidRequest(message) = &err else {
            panic!("expected InvalidRequest, got {err:?}")
        };
        assert!(
            message.contains("over the 8192 this client sends"),
            "{message}"
        );
        assert!(
            message.len() < 400,
            "the id is not echoed: {} bytes",
            message.len()
        );
    }
    // Just under the limit goes out.
    let fits = Request::get("/contacts").query("q", "x".repeat(MAX_URL_BYTES - 200));
    let _ = client.send(&fits).await;
    assert_eq!(mock.count(), 1, "only the request that fits was sent");
}
