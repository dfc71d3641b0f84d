//! `/_sandbox/*`: the request log and fault injection (no auth, not logged).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use bytes::Bytes;
use http::StatusCode;
use serde_json::{Value, json};

use super::JsonResult;
use crate::error::ApiError;
use crate::state::{AppState, Body, Fault, lock};

pub(crate) async fn requests(State(state): State<Arc<AppState>>) -> JsonResult {
    Ok(Json(json!({"requests": state.log_snapshot()})))
}

pub(crate) async fn clear_requests(State(state): State<Arc<AppState>>) -> StatusCode {
    state.clear_log();
    StatusCode::NO_CONTENT
}

fn fault_json(f: &Fault) -> Value {
    json!({
        "path_prefix": f.path_prefix,
        "method": f.method,
        "status": f.status.as_u16(),
        "times": f.remaining,
        "retry_after": f.retry_after,
        "code": f.code,
        "message": f.message,
    })
}

pub(crate) async fn list_faults(State(state): State<Arc<AppState>>) -> JsonResult {
    let faults: Vec<Value> = lock(&state.faults).iter().map(fault_json).collect();
    Ok(Json(json!({"faults": faults})))
}

pub(crate) async fn add_fault(State(state): State<Arc<AppState>>, body: Bytes) -> JsonResult {
    let body = Body::parse(&body)?;
    body.only(&[
        "path_prefix",
        "method",
        "status",
        "times",
        "retry_after",
        "code",
        "message",
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
    let status = body
        .i64_opt("status")?
        .ok_or_else(|| ApiError::missing("status", "status is required (400..=599)"))?;
    let status = u16::try_from(status)
        .ok()
        .filter(|s| (400..=599).contains(s))
        .and_then(|s| StatusCode::from_u16(s).ok())
        .ok_or_else(|| {
            ApiError::invalid(
                "status",
                format!("status must be between 400 and 599, not {status}"),
            )
        })?;
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
    let fault = Fault {
        path_prefix,
        method: body.str_opt("method")?.map(|m| m.to_ascii_uppercase()),
        status,
        remaining: times as u32,
        retry_after: retry_after.map(|r| r as u64),
        code: body.str_opt("code")?,
        message: body.str_opt("message")?,
    };
    let answer = fault_json(&fault);
    lock(&state.faults).push(fault);
    Ok(Json(answer))
}

pub(crate) async fn clear_faults(State(state): State<Arc<AppState>>) -> StatusCode {
    lock(&state.faults).clear();
    StatusCode::NO_CONTENT
}
