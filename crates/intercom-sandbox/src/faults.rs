//! Injected faults (`/_sandbox/faults`): which requests they match, and what they do, before
//! the handler runs or after it has committed its write.
//!
//! A fault matches by path prefix and method and fires `times` times. Its `when` is `before`
//! (the request never reaches the handler, as a failing proxy would) or `after` (the handler
//! runs and commits, then the answer is lost, which is when clients send duplicates). Its
//! `action` is `status` (an `error.list` with the chosen status), `reset` (the connection is
//! closed without an answer) or `hang` (the answer is held until the client goes away, or for
//! `hang_seconds`, then sent).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use axum::Json;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::StatusCode;
use serde_json::{Value, json};

use crate::api::JsonResult;
use crate::error::ApiError;
use crate::http::default_fault_code;
use crate::state::{AppState, Body, lock};

/// The longest a hang may hold an answer.
pub(crate) const MAX_HANG_SECONDS: u64 = 300;
/// How long a hang holds an answer when the fault does not say.
pub(crate) const DEFAULT_HANG_SECONDS: u64 = 30;

/// When a fault fires relative to the handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum When {
    Before,
    After,
}

/// What a fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// Answer an `error.list` with the fault's status.
    Status,
    /// Close the connection without an answer.
    Reset,
    /// Hold the answer.
    Hang,
}

/// An injected failure waiting for matching requests.
#[derive(Debug, Clone)]
pub(crate) struct Fault {
    pub path_prefix: String,
    pub method: Option<String>,
    pub when: When,
    pub action: Action,
    pub status: StatusCode,
    pub remaining: u32,
    pub retry_after: Option<u64>,
    pub code: Option<String>,
    pub message: Option<String>,
    pub hang_seconds: u64,
}

/// The faults of one sandbox: those waiting, and how many answers are being held now.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    pending: Mutex<Vec<Fault>>,
    held: AtomicUsize,
}

impl Faults {
    fn pending(&self) -> MutexGuard<'_, Vec<Fault>> {
        lock(&self.pending)
    }

    /// Takes one firing of the first fault matching the request, if any.
    fn take(&self, method: &str, path: &str) -> Option<Fault> {
        let mut faults = self.pending();
        let index = faults.iter().position(|f| {
            path.starts_with(&f.path_prefix)
                && f.method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(method))
        })?;
        let fault = &mut faults[index];
        let taken = fault.clone();
        fault.remaining = fault.remaining.saturating_sub(1);
        if fault.remaining == 0 {
            faults.remove(index);
        }
        Some(taken)
    }
}

/// Marks a response whose connection the server must close without sending it. Over
/// [`crate::Sandbox::bind`] the client sees the connection drop; in-process callers of the
/// router see the marked response (a 502 `error.list` saying so).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResetConnection;

/// Counts a held answer while it lives, so a hang released by the client going away (the
/// server drops the request's future) is seen.
struct Held<'a>(&'a AtomicUsize);

impl<'a> Held<'a> {
    fn new(count: &'a AtomicUsize) -> Held<'a> {
        count.fetch_add(1, Ordering::SeqCst);
        Held(count)
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs the request through the handler, applying the first matching fault.
pub(crate) async fn run(state: &AppState, request: Request, next: Next) -> Response {
    let fault = state
        .faults
        .take(request.method().as_str(), request.uri().path());
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    match fault.when {
        When::Before => match fault.action {
            Action::Status => error(&fault).into_response(),
            Action::Reset => reset(),
            Action::Hang => {
                hang(state, &fault).await;
                next.run(request).await
            }
        },
        When::After => {
            let answer = next.run(request).await;
            match fault.action {
                Action::Status => error(&fault).into_response(),
                Action::Reset => reset(),
                Action::Hang => {
                    hang(state, &fault).await;
                    answer
                }
            }
        }
    }
}

fn error(fault: &Fault) -> ApiError {
    let status = fault.status;
    let code = fault
        .code
        .clone()
        .unwrap_or_else(|| default_fault_code(status).to_owned());
    let message = fault.message.clone().unwrap_or_else(|| match fault.when {
        When::Before => format!("Injected sandbox fault ({})", status.as_u16()),
        When::After => format!(
            "Injected sandbox fault ({}) after the request was applied",
            status.as_u16()
        ),
    });
    let mut err = ApiError::new(status, code, message);
    err.retry_after = fault.retry_after;
    err
}

fn reset() -> Response {
    let mut response = ApiError::new(
        StatusCode::BAD_GATEWAY,
        "connection_reset",
        "Injected sandbox fault: over a socket this connection is closed without an answer",
    )
    .into_response();
    response.extensions_mut().insert(ResetConnection);
    response
}

async fn hang(state: &AppState, fault: &Fault) {
    let _held = Held::new(&state.faults.held);
    tokio::time::sleep(Duration::from_secs(fault.hang_seconds)).await;
}

fn fault_json(f: &Fault) -> Value {
    json!({
        "path_prefix": f.path_prefix,
        "method": f.method,
        "when": match f.when { When::Before => "before", When::After => "after" },
        "action": match f.action {
            Action::Status => "status",
            Action::Reset => "reset",
            Action::Hang => "hang",
        },
        "status": (f.action == Action::Status).then_some(f.status.as_u16()),
        "times": f.remaining,
        "retry_after": f.retry_after,
        "code": f.code,
        "message": f.message,
        "hang_seconds": (f.action == Action::Hang).then_some(f.hang_seconds),
    })
}

/// `GET /_sandbox/faults`: the faults waiting, and how many answers are held now.
pub(crate) async fn list(State(state): State<Arc<AppState>>) -> JsonResult {
    let faults: Vec<Value> = state.faults.pending().iter().map(fault_json).collect();
    Ok(Json(json!({
        "faults": faults,
        "held": state.faults.held.load(Ordering::SeqCst),
    })))
}

/// `DELETE /_sandbox/faults`.
pub(crate) async fn clear(State(state): State<Arc<AppState>>) -> StatusCode {
    state.faults.pending().clear();
    StatusCode::NO_CONTENT
}

/// `POST /_sandbox/faults`.
pub(crate) async fn add(State(state): State<Arc<AppState>>, body: Bytes) -> JsonResult {
    let fault = parse(&Body::parse(&body)?)?;
    let answer = fault_json(&fault);
    state.faults.pending().push(fault);
    Ok(Json(answer))
}

fn parse(body: &Body) -> Result<Fault, ApiError> {
    body.only(&[
        "path_prefix",
        "method",
        "when",
        "action",
        "status",
        "times",
        "retry_after",
        "code",
        "message",
        "hang_seconds",
    ])?;
    let path_prefix = body
        .str_opt("path_prefix")?
        .unwrap_or_else(|| "/".to_owned());
    if !path_prefix.starts_with('/') {
        return Err(ApiError::invalid(
            "path_prefix",
            "path_prefix must start with /",
        ));
    }
    let when = match body.enum_opt("when", &["before", "after"])?.as_deref() {
        Some("after") => When::After,
        _ => When::Before,
    };
    let action = match body
        .enum_opt("action", &["status", "reset", "hang"])?
        .as_deref()
    {
        Some("reset") => Action::Reset,
        Some("hang") => Action::Hang,
        _ => Action::Status,
    };
    let status = match (action, body.i64_opt("status")?) {
        (Action::Status, None) => {
            return Err(ApiError::missing(
                "status",
                "status is required (400..=599; 500..=599 with when: after)",
            ));
        }
        (Action::Status, Some(status)) => {
            let range = if when == When::After {
                500..=599
            } else {
                400..=599
            };
            u16::try_from(status)
                .ok()
                .filter(|s| range.contains(s))
                .and_then(|s| StatusCode::from_u16(s).ok())
                .ok_or_else(|| {
                    ApiError::invalid(
                        "status",
                        format!(
                            "status must be between {} and {}{}, not {status}",
                            range.start(),
                            range.end(),
                            if when == When::After {
                                " after the write"
                            } else {
                                ""
                            }
                        ),
                    )
                })?
        }
        (_, Some(_)) => {
            return Err(ApiError::invalid(
                "status",
                "status goes with action \"status\" only; a reset or a hang sends no status",
            ));
        }
        (_, None) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let times = body.i64_opt("times")?.unwrap_or(1);
    if !(1..=1_000_000).contains(&times) {
        return Err(ApiError::invalid(
            "times",
            "times must be between 1 and 1000000",
        ));
    }
    let retry_after = body.i64_opt("retry_after")?;
    if retry_after.is_some_and(|r| r < 0) {
        return Err(ApiError::invalid(
            "retry_after",
            "retry_after must not be negative",
        ));
    }
    let hang_seconds = match (action, body.i64_opt("hang_seconds")?) {
        (Action::Hang, None) => DEFAULT_HANG_SECONDS,
        (Action::Hang, Some(s)) => u64::try_from(s)
            .ok()
            .filter(|s| (1..=MAX_HANG_SECONDS).contains(s))
            .ok_or_else(|| {
                ApiError::invalid(
                    "hang_seconds",
                    format!("hang_seconds must be between 1 and {MAX_HANG_SECONDS}, not {s}"),
                )
            })?,
        (_, Some(_)) => {
            return Err(ApiError::invalid(
                "hang_seconds",
                "hang_seconds goes with action \"hang\" only",
            ));
        }
        (_, None) => 0,
    };
    Ok(Fault {
        path_prefix,
        method: body.str_opt("method")?.map(|m| m.to_ascii_uppercase()),
        when,
        action,
        status,
        remaining: times as u32,
        retry_after: retry_after.map(|r| r as u64),
        code: body.str_opt("code")?,
        message: body.str_opt("message")?,
        hang_seconds,
    })
}
