//! Streamable HTTP: the MCP endpoint `/mcp`, with the checks a deployment needs.
//!
//! - `Host` must be an allowed host (loopback names by default) and `Origin`, when a browser
//!   sends one, an allowed origin (loopback origins by default): DNS-rebinding protection, as
//!   the MCP specification requires. rmcp enforces both.
//! - With a bearer token configured, every request must send `Authorization: Bearer <token>`;
//!   a non-loopback address is refused without one ([`check_bind`]).
//! - `X-Intercom-Token` (when accepted) carries the caller's own Intercom token: the request is
//!   served with a client for that token, so one server can serve several workspaces.
//!
//! - Every POST body is checked by our own framing before rmcp reads it: a body that is not
//!   JSON, not a JSON-RPC message, or a known method with params of the wrong shape, gets 400
//!   with a JSON-RPC error that says what is wrong; a body that is not `application/json` gets
//!   415 with a JSON-RPC error; an `MCP-Protocol-Version` this server does not speak gets 400
//!   with a JSON-RPC error that lists the versions it does.
//!
//! The server is stateless (no `Mcp-Session-Id`), so any replica can answer any request. Each
//! POST is answered with JSON, or with an event stream when its call sends notifications (logs,
//! progress) before the response.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt as _;
use http::{HeaderValue, StatusCode, header};
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::json;

use rmcp::model::{ClientRequest, ErrorCode, JsonRpcMessage};

use crate::McpError;
use crate::connector::RequestToken;
use crate::framing::{self, Checked};
use crate::server::IntercomServer;

/// The MCP endpoint's path.
pub const ENDPOINT: &str = "/mcp";
/// The header that carries a caller's own Intercom token.
pub const TOKEN_HEADER: &str = "x-intercom-token";

/// `Host` values accepted when none are configured.
pub const LOOPBACK_HOSTS: &[&str] = &["localhost", "127.0.0.1", "::1"];
/// `Origin` values accepted when none are configured (any port).
pub const LOOPBACK_ORIGINS: &[&str] = &[
    "http://localhost:*",
    "http://127.0.0.1:*",
    "http://[::1]:*",
    "https://localhost:*",
    "https://127.0.0.1:*",
];

/// How the HTTP endpoint guards itself.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct HttpOptions {
    /// Token every request must send as `Authorization: Bearer`.
    pub bearer_token: Option<String>,
    /// Accepted `Host` values (`name` or `name:port`); empty means [`LOOPBACK_HOSTS`].
    pub allowed_hosts: Vec<String>,
    /// Accepted `Origin` values (`scheme://host[:port|:*]`); empty means [`LOOPBACK_ORIGINS`].
    pub allowed_origins: Vec<String>,
    /// Refuse `X-Intercom-Token` (every call uses the server's own token).
    pub refuse_token_header: bool,
}

impl std::fmt::Debug for HttpOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpOptions")
            .field(
                "bearer_token",
                &self.bearer_token.as_ref().map(|_| "<redacted>"),
            )
            .field("allowed_hosts", &self.allowed_hosts)
            .field("allowed_origins", &self.allowed_origins)
            .field("refuse_token_header", &self.refuse_token_header)
            .finish()
    }
}

impl HttpOptions {
    pub fn new() -> HttpOptions {
        HttpOptions::default()
    }
    pub fn bearer_token(mut self, token: Option<String>) -> HttpOptions {
        self.bearer_token = token.filter(|t| !t.is_empty());
        self
    }
    pub fn allowed_hosts<S: Into<String>>(
        mut self,
        hosts: impl IntoIterator<Item = S>,
    ) -> HttpOptions {
        self.allowed_hosts = hosts.into_iter().map(Into::into).collect();
        self
    }
    pub fn allowed_origins<S: Into<String>>(
        mut self,
        origins: impl IntoIterator<Item = S>,
    ) -> HttpOptions {
        self.allowed_origins = origins.into_iter().map(Into::into).collect();
        self
    }
    pub fn refuse_token_header(mut self, refuse: bool) -> HttpOptions {
        self.refuse_token_header = refuse;
        self
    }
}

/// What [`router`] serves.
#[derive(Clone, Debug)]
pub struct HttpState {
    pub server: IntercomServer,
    pub options: Arc<HttpOptions>,
}

impl HttpState {
    pub fn new(server: IntercomServer, options: HttpOptions) -> HttpState {
        HttpState {
            server,
            options: Arc::new(options),
        }
    }
}

/// Refuses to serve a non-loopback address without a bearer token, and a bearer token that
/// cannot be sent.
pub fn check_bind(addr: SocketAddr, options: &HttpOptions) -> Result<(), McpError> {
    if let Some(token) = &options.bearer_token
        && (HeaderValue::from_str(&format!("Bearer {token}")).is_err() || token.trim() != token)
    {
        return Err(McpError::BearerToken(
            "it must be visible ASCII without surrounding spaces",
        ));
    }
    if !addr.ip().is_loopback() && options.bearer_token.is_none() {
        return Err(McpError::InsecureBind { addr });
    }
    Ok(())
}

/// The MCP endpoint as a router, for in-process use and for [`serve`].
pub fn router(state: HttpState) -> axum::Router {
    let options = &state.options;
    let hosts: Vec<String> = if options.allowed_hosts.is_empty() {
        LOOPBACK_HOSTS.iter().map(|h| (*h).to_owned()).collect()
    } else {
        options.allowed_hosts.clone()
    };
    let origins: Vec<String> = if options.allowed_origins.is_empty() {
        LOOPBACK_ORIGINS.iter().map(|o| (*o).to_owned()).collect()
    } else {
        options.allowed_origins.clone()
    };
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_allowed_hosts(hosts)
        .with_allowed_origins(origins)
        .enforce_origin_validation();
    let server = state.server.clone();
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(NeverSessionManager::default()),
        config,
    );
    axum::Router::new()
        .route_service(ENDPOINT, service)
        .layer(middleware::from_fn_with_state(state.clone(), check_message))
        .layer(middleware::from_fn_with_state(state, guard))
}

/// A JSON-RPC error as an HTTP response.
fn jsonrpc_refusal(status: StatusCode, error: serde_json::Value) -> Response {
    (status, axum::Json(error)).into_response()
}

/// The `MCP-Protocol-Version` header, refused when this server does not speak it.
#[allow(clippy::result_large_err)]
fn check_protocol_header(
    headers: &http::HeaderMap,
    server: &IntercomServer,
    id: Option<&serde_json::Value>,
) -> Result<(), Response> {
    let Some(value) = headers.get("mcp-protocol-version") else {
        return Ok(());
    };
    let served = server.protocol_versions();
    if let Ok(version) = value.to_str()
        && served.iter().any(|v| v.as_str() == version)
    {
        return Ok(());
    }
    let list: Vec<&str> = served.iter().map(|v| v.as_str()).collect();
    let message = format!(
        "unsupported MCP-Protocol-Version `{}`: this server speaks {}",
        String::from_utf8_lossy(value.as_bytes()),
        list.join(", ")
    );
    Err(jsonrpc_refusal(
        StatusCode::BAD_REQUEST,
        framing::error_response(ErrorCode::INVALID_REQUEST, id, &message),
    ))
}

/// Checks a POST body with our own framing (and the protocol version header of every request)
/// before rmcp sees it, so that every bad message gets a JSON-RPC error.
async fn check_message(State(state): State<HttpState>, request: Request, next: Next) -> Response {
    if request.method() != http::Method::POST {
        if let Err(refusal) = check_protocol_header(request.headers(), &state.server, None) {
            return refusal;
        }
        return next.run(request).await;
    }
    let json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return jsonrpc_refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            framing::error_response(
                ErrorCode::INVALID_REQUEST,
                None,
                "invalid request: send the JSON-RPC message with `Content-Type: application/json`",
            ),
        );
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, framing::MAX_MESSAGE_BYTES).await else {
        return jsonrpc_refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            framing::error_response(
                ErrorCode::INVALID_REQUEST,
                None,
                &format!(
                    "invalid request: the body is longer than {} MiB, or was cut off",
                    framing::MAX_MESSAGE_BYTES >> 20
                ),
            ),
        );
    };
    match framing::check(&bytes) {
        Checked::Message(message) => {
            let (initialize, id) = match &*message {
                JsonRpcMessage::Request(r) => (
                    matches!(r.request, ClientRequest::InitializeRequest(_)),
                    Some(r.id.clone().into_json_value()),
                ),
                _ => (false, None),
            };
            // rmcp checks that an initialize's header matches the version in its body.
            if !initialize
                && let Err(refusal) =
                    check_protocol_header(&parts.headers, &state.server, id.as_ref())
            {
                return refusal;
            }
            next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
                .await
        }
        Checked::Reply(error) | Checked::Unanswerable(error) => {
            jsonrpc_refusal(StatusCode::BAD_REQUEST, error)
        }
        Checked::Ignore => jsonrpc_refusal(
            StatusCode::BAD_REQUEST,
            framing::error_response(
                ErrorCode::PARSE_ERROR,
                None,
                "parse error: the body is empty; send one JSON-RPC message",
            ),
        ),
    }
}

/// Bearer check, then `X-Intercom-Token` moved from the headers into a request extension.
async fn guard(State(state): State<HttpState>, mut request: Request, next: Next) -> Response {
    if let Some(expected) = &state.options.bearer_token {
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            });
        let ok = given.is_some_and(|g| constant_time_eq(g.as_bytes(), expected.as_bytes()));
        if !ok {
            let message = if given.is_some() {
                "the bearer token is not the one this MCP server was given"
            } else {
                "this MCP server requires `Authorization: Bearer <token>`"
            };
            tracing::warn!(path = %request.uri().path(), "refused a request without the bearer token");
            let mut response = (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({ "error": message })),
            )
                .into_response();
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"intercom-mcp\""),
            );
            return response;
        }
    }
    if let Some(value) = request.headers_mut().remove(TOKEN_HEADER) {
        if state.options.refuse_token_header {
            return refuse(
                StatusCode::BAD_REQUEST,
                "this MCP server does not accept X-Intercom-Token: it uses its own Intercom token",
            );
        }
        let Ok(token) = value.to_str() else {
            return refuse(
                StatusCode::BAD_REQUEST,
                "X-Intercom-Token must be visible ASCII",
            );
        };
        let token = token.trim().to_owned();
        if !token.is_empty() {
            request.extensions_mut().insert(RequestToken(token));
        }
    }
    next.run(request).await
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// An HTTP MCP server on a socket.
#[derive(Debug)]
pub struct RunningHttp {
    local_addr: SocketAddr,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), std::io::Error>>,
}

impl RunningHttp {
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }
    /// `http://IP:PORT/mcp`.
    pub fn url(&self) -> String {
        format!("http://{}{ENDPOINT}", self.local_addr)
    }
    /// Stops accepting connections and waits for in-flight requests.
    pub async fn shutdown(self) -> Result<(), McpError> {
        let _ = self.shutdown.send(());
        match self.task.await {
            Ok(result) => result.map_err(McpError::Transport),
            Err(join) => Err(McpError::Transport(std::io::Error::other(join))),
        }
    }
    /// Waits until the server stops by itself (it does not, unless the socket fails).
    pub async fn wait(self) -> Result<(), McpError> {
        let RunningHttp { shutdown, task, .. } = self;
        let result = task.await;
        drop(shutdown);
        match result {
            Ok(result) => result.map_err(McpError::Transport),
            Err(join) => Err(McpError::Transport(std::io::Error::other(join))),
        }
    }
}

/// Checks the address ([`check_bind`]), binds it and serves [`router`] on a background task.
/// A specific non-loopback address is added to the allowed hosts.
pub async fn serve(addr: SocketAddr, mut state: HttpState) -> Result<RunningHttp, McpError> {
    check_bind(addr, &state.options)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| McpError::Bind { addr, source })?;
    let local_addr = listener
        .local_addr()
        .map_err(|source| McpError::Bind { addr, source })?;
    let ip = local_addr.ip();
    if !ip.is_loopback() && !ip.is_unspecified() && state.options.allowed_hosts.is_empty() {
        let mut options = (*state.options).clone();
        options.allowed_hosts = LOOPBACK_HOSTS.iter().map(|h| (*h).to_owned()).collect();
        options.allowed_hosts.push(ip.to_string());
        state.options = Arc::new(options);
    }
    let app = router(state);
    // Answers are small and sent whole: do not hold them back for Nagle's algorithm.
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::debug!(error = %err, "cannot set TCP_NODELAY");
        }
    });
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await
    });
    Ok(RunningHttp {
        local_addr,
        shutdown: tx,
        task,
    })
}
