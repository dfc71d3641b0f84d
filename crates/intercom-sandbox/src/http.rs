//! The HTTP layer: the router, and the gate every API request passes (request id, panic guard,
//! request log, auth, rate limit, version, injected faults).

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, post, put};
use futures::FutureExt;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::json;

use crate::api;
use crate::error::{ApiError, ApiResult, REQUEST_ID};
use crate::openapi::{self, Shape};
use crate::state::{AppState, VERSIONS, lock};

const WINDOW_SECONDS: i64 = 10;
const LOG_CAPACITY: usize = 10_000;

/// The hand-written handlers, with the path shapes they serve.
struct Handwritten {
    router: Router<Arc<AppState>>,
    shapes: Vec<String>,
}

impl Handwritten {
    fn route(mut self, path: &str, method_router: MethodRouter<Arc<AppState>>) -> Self {
        self.shapes.push(openapi::template_shape(path));
        self.router = self.router.route(path, method_router);
        self
    }
}

/// Marks the answer of a request no hand-written route takes, so the engine can serve it.
#[derive(Debug, Clone, Copy)]
struct NoRoute;

pub(crate) fn router(state: Arc<AppState>) -> Router {
    let handwritten = Handwritten {
        router: Router::new(),
        shapes: Vec::new(),
    }
    .route("/me", get(api::admins::me))
    .route("/admins", get(api::admins::list))
    .route("/admins/{id}", get(api::admins::retrieve))
    .route("/admins/{id}/away", put(api::admins::set_away))
    .route("/teams", get(api::admins::list_teams))
    .route("/teams/{id}", get(api::admins::retrieve_team))
    .route(
        "/contacts",
        get(api::contacts::list).post(api::contacts::create),
    )
    .route("/contacts/search", post(api::contacts::search))
    .route(
        "/contacts/find_by_external_id/{external_id}",
        get(api::contacts::find_by_external_id),
    )
    .route(
        "/contacts/{id}",
        get(api::contacts::retrieve)
            .put(api::contacts::update)
            .delete(api::contacts::remove),
    )
    .route("/contacts/{id}/archive", post(api::contacts::archive))
    .route("/contacts/{id}/unarchive", post(api::contacts::unarchive))
    .route(
        "/contacts/{id}/tags",
        get(api::contacts::list_tags).post(api::contacts::attach_tag),
    )
    .route(
        "/contacts/{id}/tags/{tag_id}",
        delete(api::contacts::detach_tag),
    )
    .route("/contacts/{id}/segments", get(api::contacts::list_segments))
    .route(
        "/contacts/{id}/companies",
        get(api::contacts::list_companies).post(api::contacts::attach_company),
    )
    .route(
        "/contacts/{id}/companies/{company_id}",
        delete(api::contacts::detach_company),
    )
    .route(
        "/companies",
        get(api::companies::list_or_find).post(api::companies::create_or_update),
    )
    .route("/companies/list", post(api::companies::list_post))
    .route("/companies/scroll", get(api::companies::scroll))
    .route(
        "/companies/{id}",
        get(api::companies::retrieve)
            .put(api::companies::update)
            .delete(api::companies::remove),
    )
    .route(
        "/companies/{id}/contacts",
        get(api::companies::list_contacts),
    )
    .route(
        "/companies/{id}/segments",
        get(api::companies::list_segments),
    )
    .route("/segments", get(api::tags::list_segments))
    .route("/segments/{id}", get(api::tags::retrieve_segment))
    .route(
        "/tags",
        get(api::tags::list).post(api::tags::create_or_update),
    )
    .route(
        "/tags/{id}",
        get(api::tags::retrieve).delete(api::tags::remove),
    )
    .route(
        "/conversations",
        get(api::conversations::list).post(api::conversations::create),
    )
    .route("/conversations/search", post(api::conversations::search))
    .route(
        "/conversations/{id}",
        get(api::conversations::retrieve).put(api::conversations::update),
    )
    .route("/conversations/{id}/reply", post(api::conversations::reply))
    .route(
        "/conversations/{id}/parts",
        post(api::conversations::manage),
    )
    .route(
        "/conversations/{id}/tags",
        post(api::conversations::attach_tag),
    )
    .route(
        "/conversations/{id}/tags/{tag_id}",
        delete(api::conversations::detach_tag),
    )
    .route(
        "/conversations/{id}/convert",
        post(api::tickets::convert_conversation),
    )
    .route("/ticket_states", get(api::ticket_types::list_states))
    .route(
        "/ticket_types",
        get(api::ticket_types::list).post(api::ticket_types::create),
    )
    .route(
        "/ticket_types/{id}",
        get(api::ticket_types::retrieve).put(api::ticket_types::update),
    )
    .route(
        "/ticket_types/{id}/attributes",
        post(api::ticket_types::create_attribute),
    )
    .route(
        "/ticket_types/{id}/attributes/{attribute_id}",
        put(api::ticket_types::update_attribute),
    )
    .route("/messages", post(api::messages::create))
    .route("/tickets", post(api::tickets::create))
    .route("/tickets/search", post(api::tickets::search))
    .route(
        "/tickets/{id}",
        get(api::tickets::retrieve)
            .put(api::tickets::update)
            .delete(api::tickets::remove),
    )
    .route("/tickets/{id}/reply", post(api::tickets::reply))
    .route("/tickets/{id}/tags", post(api::tickets::attach_tag))
    .route(
        "/tickets/{id}/tags/{tag_id}",
        delete(api::tickets::detach_tag),
    )
    .route("/calls/{id}/recording", get(api::calls::recording))
    .route("/calls/{id}/transcript", get(api::calls::transcript))
    .route(
        "/_sandbox/files/calls/{id}/recording.wav",
        get(api::calls::recording_file),
    )
    .route(
        "/_sandbox/requests",
        get(api::sandbox::requests).delete(api::sandbox::clear_requests),
    )
    .route(
        "/_sandbox/faults",
        get(api::sandbox::list_faults)
            .post(api::sandbox::add_fault)
            .delete(api::sandbox::clear_faults),
    );
    let shapes = Arc::new(handwritten.shapes);
    let inner = handwritten
        .router
        .fallback(unknown_route)
        .method_not_allowed_fallback(unknown_route)
        .with_state(state.clone());
    let dispatch_state = state.clone();
    Router::new()
        .fallback(move |request: Request| {
            dispatch(
                dispatch_state.clone(),
                inner.clone(),
                shapes.clone(),
                request,
            )
        })
        .layer(middleware::from_fn_with_state(state.clone(), gate))
        .layer(middleware::from_fn_with_state(state.clone(), outer))
}

/// Largest request body read.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Sends a request to the operation it names in the version asked: the hand-written handler
/// when one serves that path shape, the resource engine otherwise; then renders a JSON success
/// answer in that version's shape. An operation the version does not have is a 404.
async fn dispatch(
    state: Arc<AppState>,
    inner: Router,
    shapes: Arc<Vec<String>>,
    request: Request,
) -> Response {
    let path = request.uri().path().to_owned();
    if is_sandbox_path(&path) {
        return call(inner, request).await;
    }
    let version = request
        .headers()
        .get("intercom-version")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned())
        .unwrap_or_else(|| state.default_version.clone());
    let shape = Shape::for_version(&version);
    let method = request.method().as_str().to_owned();
    let Some((newest, params)) = openapi::table(Shape::V2_16).find(&method, &path) else {
        return call(inner, request).await;
    };
    let Some((asked, _)) = openapi::table(shape).find(&method, &path) else {
        return ApiError::not_found(
            "not_found",
            &format!(
                "{method} {} is not part of API version {version}; it is available from version 2.15 (send Intercom-Version: 2.16)",
                newest.path
            ),
        )
        .into_response();
    };
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "parameter_invalid",
                format!("The request body is larger than {BODY_LIMIT} bytes"),
            )
            .with_field("body")
            .into_response();
        }
    };
    let mut response = None;
    if shapes.contains(&newest.shape()) {
        let request = Request::from_parts(parts.clone(), axum::body::Body::from(bytes.clone()));
        let answered = call(inner, request).await;
        if answered.extensions().get::<NoRoute>().is_none() {
            response = Some(answered);
        }
    }
    let response = match response {
        Some(r) => r,
        None => api::engine::serve(&state, shape, newest, &params, parts.uri.query(), &bytes),
    };
    render(response, shape, asked).await
}

async fn call(router: Router, request: Request) -> Response {
    match tower::ServiceExt::oneshot(router, request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// A JSON success answer in the shape of the version's schema for the operation.
async fn render(response: Response, shape: Shape, op: &openapi::Operation) -> Response {
    let Some(schema) = &op.response else {
        return response;
    };
    let is_json = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !response.status().is_success() || !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return ApiError::internal("The sandbox could not read its own answer").into_response();
    };
    let rendered = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(value) => {
            let table = openapi::table(shape);
            if table.fits(&value, schema) {
                bytes
            } else {
                bytes::Bytes::from(table.conform(value, schema).to_string())
            }
        }
        Err(_) => bytes,
    };
    parts.headers.remove(http::header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(rendered))
}

/// The answer of a hand-written handler that leaves this request to the resource engine.
pub(crate) fn not_handled() -> Response {
    let mut response = StatusCode::NOT_FOUND.into_response();
    response.extensions_mut().insert(NoRoute);
    response
}

async fn unknown_route(request: Request) -> Response {
    let mut response = ApiError::not_found(
        "not_found",
        &format!(
            "Resource Not Found: no route for {} {}",
            request.method(),
            request.uri().path()
        ),
    )
    .into_response();
    response.extensions_mut().insert(NoRoute);
    response
}

fn is_sandbox_path(path: &str) -> bool {
    path == "/_sandbox" || path.starts_with("/_sandbox/")
}

/// Outermost layer: request id, panic guard, request log.
async fn outer(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let version = request
        .headers()
        .get("intercom-version")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned())
        .unwrap_or_else(|| state.default_version.clone());

    let run = REQUEST_ID.scope(
        request_id.clone(),
        AssertUnwindSafe(next.run(request)).catch_unwind(),
    );
    let mut response = match run.await {
        Ok(response) => response,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            tracing::error!(%method, %path, panic = %what, "sandbox handler panicked");
            REQUEST_ID.sync_scope(request_id.clone(), || {
                ApiError::internal(format!(
                    "The sandbox failed while handling this request: {what}"
                ))
                .into_response()
            })
        }
    };
    if needs_error_list(&response) {
        response = as_error_list(response, &request_id).await;
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    if !is_sandbox_path(&path) {
        let entry = json!({
            "method": method,
            "path": path,
            "query": query,
            "status": response.status().as_u16(),
            "time": state.now(),
            "version": version,
            "request_id": request_id,
        });
        let mut log = lock(&state.log);
        if log.len() >= LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(entry);
    }
    response
}

/// An error answer that did not come from our handlers (an extractor's rejection, say).
fn needs_error_list(response: &Response) -> bool {
    let status = response.status();
    let json = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    (status.is_client_error() || status.is_server_error()) && !json
}

/// Rewrites a non-JSON error answer as an Intercom `error.list`, keeping its status and text.
async fn as_error_list(response: Response, request_id: &str) -> Response {
    let status = response.status();
    let text = axum::body::to_bytes(response.into_body(), 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let message = if text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("Request failed")
            .to_owned()
    } else {
        text
    };
    REQUEST_ID.sync_scope(request_id.to_owned(), || {
        ApiError::new(status, default_fault_code(status), message).into_response()
    })
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// API gate: auth, rate limit, version, injected faults.
async fn gate(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if is_sandbox_path(&path) {
        return next.run(request).await;
    }
    let authorized = bearer_token(request.headers())
        .is_some_and(|t| state.tokens.iter().any(|known| known == t));
    if !authorized {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Access Token Invalid",
        )
        .into_response();
    }

    let now = state.now();
    let (allowed, remaining, reset) = {
        let mut window = lock(&state.window);
        let start = now - now.rem_euclid(WINDOW_SECONDS);
        if window.start != start {
            window.start = start;
            window.used = 0;
        }
        let allowed = window.used < state.rate_limit;
        if allowed {
            window.used += 1;
        }
        (
            allowed,
            state.rate_limit - window.used,
            start + WINDOW_SECONDS,
        )
    };
    let mut response = if !allowed {
        let mut err = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_exceeded",
            format!("Exceeded rate limit of {} in 10_seconds", state.rate_limit),
        );
        err.retry_after = Some((reset - now).max(1) as u64);
        err.into_response()
    } else {
        match check_version(&state, request.headers()) {
            Err(err) => err.into_response(),
            Ok(()) => crate::faults::run(&state, request, next).await,
        }
    };
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-ratelimit-limit", state.rate_limit.to_string()),
        ("x-ratelimit-remaining", remaining.to_string()),
        ("x-ratelimit-reset", reset.to_string()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    response
}

fn check_version(_state: &AppState, headers: &HeaderMap) -> ApiResult<()> {
    let Some(raw) = headers.get("intercom-version") else {
        return Ok(());
    };
    let value = String::from_utf8_lossy(raw.as_bytes()).trim().to_owned();
    if VERSIONS.contains(&value.as_str()) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::BAD_REQUEST,
        "intercom_version_invalid",
        format!(
            "The requested version {value:?} is not valid; use one of {}",
            VERSIONS.join(", ")
        ),
    )
    .with_field("Intercom-Version"))
}

pub(crate) fn default_fault_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 | 413 | 415 => "parameter_invalid",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        422 => "validation_error",
        429 => "rate_limit_exceeded",
        503 => "service_unavailable",
        _ => "server_error",
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::Router;
    use axum::body::Body;
    use axum::middleware;
    use axum::routing::get;
    use http::Request;
    use tower::ServiceExt;

    use super::outer;
    use crate::config::SandboxConfig;
    use crate::state::AppState;

    async fn boom() -> &'static str {
        panic!("handler exploded")
    }

    async fn plain_rejection() -> (http::StatusCode, &'static str) {
        (http::StatusCode::PAYLOAD_TOO_LARGE, "length limit exceeded")
    }

    #[tokio::test]
    async fn panics_and_plain_errors_become_error_lists() {
        let state = Arc::new(
            AppState::open(SandboxConfig::default().contacts(1).conversations(1)).unwrap(),
        );
        let router = Router::new()
            .route("/boom", get(boom))
            .route("/plain", get(plain_rejection))
            .layer(middleware::from_fn_with_state(state.clone(), outer))
            .with_state(state);
        for (path, status, code, text) in [
            ("/boom", 500, "server_error", "handler exploded"),
            ("/plain", 413, "parameter_invalid", "length limit exceeded"),
        ] {
            let response = router
                .clone()
                .oneshot(Request::get(path).body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), status);
            let rid = response.headers()["x-request-id"]
                .to_str()
                .unwrap()
                .to_owned();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(body["type"], "error.list");
            assert_eq!(body["request_id"], rid.as_str());
            assert_eq!(body["errors"][0]["code"], code);
            assert!(
                body["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains(text),
                "{body}"
            );
        }
    }
}
