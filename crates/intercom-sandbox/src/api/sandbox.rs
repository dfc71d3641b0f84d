//! `/_sandbox/*`: the request log and fault injection (no auth, not logged).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use http::StatusCode;
use serde_json::json;

use super::JsonResult;
use crate::state::AppState;

pub(crate) async fn requests(State(state): State<Arc<AppState>>) -> JsonResult {
    Ok(Json(json!({"requests": state.log_snapshot()})))
}

pub(crate) async fn clear_requests(State(state): State<Arc<AppState>>) -> StatusCode {
    state.clear_log();
    StatusCode::NO_CONTENT
}

pub(crate) use crate::faults::{add as add_fault, clear as clear_faults, list as list_faults};
