//! Serving the router on a socket: one HTTP/1.1 connection task per client.
//!
//! Three things happen here rather than in the router, because they concern the connection:
//! - every request body is read to its end (up to [`MAX_BODY_BYTES`]) before the router sees
//!   the request. An answer given without reading the body (a 404, a 401, a 429) would otherwise
//!   leave unread bytes on the connection, and hyper then closes it instead of keeping it alive,
//!   which a client that reuses connections sees as a failed request;
//! - the control endpoints (`/_sandbox/*`, unauthenticated) answer only peers on a loopback
//!   address unless [`crate::SandboxConfig::expose_controls`] is set: 403 `error.list` otherwise;
//! - an answer marked [`ResetConnection`] (an injected fault) is not sent: the connection is
//!   closed instead.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

use crate::error::{ApiError, REQUEST_ID};
use crate::faults::ResetConnection;

/// The largest request body read; a larger one is answered 413 and its connection closed.
pub(crate) const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// How the connection level treats requests.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    pub expose_controls: bool,
}

/// Why a connection was closed on purpose.
#[derive(Debug, thiserror::Error)]
#[error("connection closed without an answer (injected reset)")]
struct Reset;

/// Accepts connections until `shutdown` turns true, then lets open connections finish their
/// current request and close.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    options: Options,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => break,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(err) => {
                tracing::warn!(error = %err, "sandbox accept failed");
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let mut stop = shutdown.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                answer(router.clone(), options, peer, request)
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                _ = stop.changed() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(err) = result {
                tracing::debug!(error = %err, %peer, "sandbox connection ended");
            }
        });
        // Reap finished connection tasks as we go.
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
}

async fn answer<B>(
    router: Router,
    options: Options,
    peer: SocketAddr,
    request: Request<B>,
) -> Result<Response, Reset>
where
    B: axum::body::HttpBody<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let (parts, body) = request.into_parts();
    let path = parts.uri.path();
    if (path == "/_sandbox" || path.starts_with("/_sandbox/"))
        && !options.expose_controls
        && !peer.ip().to_canonical().is_loopback()
    {
        // The body is still read, so the connection stays usable.
        let _ = axum::body::to_bytes(Body::new(body), MAX_BODY_BYTES).await;
        return Ok(standalone(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "The sandbox control endpoints (/_sandbox/*) answer loopback clients only; start the \
             sandbox with expose_controls (`intercom sandbox --expose-controls`) to allow others",
        )));
    }
    let bytes = match axum::body::to_bytes(Body::new(body), MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(err) => {
            // Too large, or the client stopped sending: answer if we can, and close.
            let mut response = standalone(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "parameter_invalid",
                format!(
                    "The request body could not be read in full (at most {MAX_BODY_BYTES} bytes \
                     are accepted): {err}"
                ),
            ));
            response.headers_mut().insert(
                http::header::CONNECTION,
                http::HeaderValue::from_static("close"),
            );
            return Ok(response);
        }
    };
    let request = Request::from_parts(parts, Body::from(bytes));
    let response = match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    if response.extensions().get::<ResetConnection>().is_some() {
        return Err(Reset);
    }
    Ok(response)
}

/// An `error.list` answered outside the router, with a request id of its own.
fn standalone(err: ApiError) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let mut response = REQUEST_ID.sync_scope(request_id.clone(), || err.into_response());
    if let Ok(value) = http::HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use axum::body::Body;
    use http::Request;

    use super::{Options, answer};
    use crate::{DEFAULT_TOKEN, Sandbox, SandboxConfig};

    async fn status(peer: &str, expose: bool, path: &str) -> u16 {
        let sandbox = Sandbox::open(SandboxConfig::default().contacts(1).conversations(1)).unwrap();
        let peer: SocketAddr = peer.parse().unwrap();
        let request = Request::get(path)
            .header("authorization", format!("Bearer {DEFAULT_TOKEN}"))
            .body(Body::empty())
            .unwrap();
        let options = Options {
            expose_controls: expose,
        };
        let response = answer(sandbox.router(), options, peer, request)
            .await
            .unwrap();
        let status = response.status().as_u16();
        if status == 403 {
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(body["type"], "error.list");
            assert_eq!(body["errors"][0]["code"], "forbidden");
        }
        status
    }

    #[tokio::test]
    async fn control_endpoints_answer_loopback_peers_unless_exposed() {
        for peer in ["127.0.0.1:5000", "[::1]:5000", "[::ffff:127.0.0.1]:5000"] {
            assert_eq!(
                status(peer, false, "/_sandbox/requests").await,
                200,
                "{peer}"
            );
        }
        for peer in [
            "10.1.2.3:5000",
            "[2001:db8::1]:5000",
            "[::ffff:192.168.1.9]:5000",
        ] {
            assert_eq!(
                status(peer, false, "/_sandbox/requests").await,
                403,
                "{peer}"
            );
            assert_eq!(status(peer, false, "/_sandbox/faults").await, 403, "{peer}");
            assert_eq!(
                status(peer, true, "/_sandbox/requests").await,
                200,
                "{peer}"
            );
            // The API itself is for every peer (it has its own token).
            assert_eq!(status(peer, false, "/me").await, 200, "{peer}");
        }
    }
}
