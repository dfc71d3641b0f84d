//! Admins, `/me` and teams.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use bytes::Bytes;
use serde_json::{Value, json};

use super::JsonResult;
use super::model::get_admin;
use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, Body};
use crate::store::{Kind, Order, Store};

/// The engine's resource holding away status reasons.
const AWAY_STATUS_REASONS: &str = "away_status_reasons";

pub(crate) async fn list(State(state): State<Arc<AppState>>) -> JsonResult {
    let admins =
        state.tx(|s| Ok(s.page(Kind::Admin, None, None, Order::Asc, usize::MAX >> 1)?))?;
    let admins: Vec<Value> = super::docs(admins)
        .into_iter()
        .map(with_avatar_object)
        .collect();
    Ok(Json(json!({
        "type": "admin.list",
        "admins": admins,
    })))
}

pub(crate) async fn me(State(state): State<Arc<AppState>>) -> JsonResult {
    let admin = state.tx(|s| get_admin(s, &state.me_admin_id))?;
    Ok(Json(json!({
        "type": "admin",
        "id": admin["id"],
        "email": admin["email"],
        "name": admin["name"],
        "job_title": admin["job_title"],
        "away_mode_enabled": admin["away_mode_enabled"],
        "away_mode_reassign": admin["away_mode_reassign"],
        "has_inbox_seat": admin["has_inbox_seat"],
        "team_ids": admin["team_ids"],
        "email_verified": true,
        "app": state.app,
        "avatar": {"type": "avatar", "image_url": admin["avatar"]},
    })))
}

pub(crate) async fn retrieve(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> JsonResult {
    Ok(Json(with_avatar_object(state.tx(|s| get_admin(s, &id))?)))
}

/// An admin as `GET /admins` and `/admins/{id}` answer it: `avatar` as the object
/// `{type: "avatar", image_url}` that `/me` gives, which Intercom's official SDKs and bulk
/// extractors parse, where the spec's `admin` schema says a URL string (see the README's list of
/// places where the sandbox follows clients over the spec).
fn with_avatar_object(mut admin: Value) -> Value {
    if let Some(url) = admin
        .get("avatar")
        .and_then(Value::as_str)
        .map(str::to_owned)
    {
        admin["avatar"] = json!({"type": "avatar", "image_url": url});
    }
    admin
}

pub(crate) async fn set_away(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    let doc = state.tx(|s| {
        let mut admin = get_admin(s, &id)?;
        let enabled = body.bool_req("away_mode_enabled")?;
        let reassign = body.bool_req("away_mode_reassign")?;
        let reason = match body.id_opt("away_status_reason_id")? {
            None => None,
            Some(raw) => Some(away_status_reason(s, &raw)?),
        };
        admin["away_mode_enabled"] = json!(enabled);
        admin["away_mode_reassign"] = json!(reassign);
        admin["away_status_reason_id"] = json!(if enabled { reason } else { None });
        s.update_doc(Kind::Admin, &id, &admin)?;
        Ok(admin)
    })?;
    Ok(Json(doc))
}

/// The integer id of a known away status reason (the ones `GET /away_status_reasons` lists).
fn away_status_reason(s: &Store, raw: &str) -> ApiResult<i64> {
    let known = s.record_get(AWAY_STATUS_REASONS, raw)?.is_some();
    match raw.trim().parse::<i64>() {
        Ok(id) if known => Ok(id),
        _ => Err(ApiError::invalid(
            "away_status_reason_id",
            format!(
                "away_status_reason_id {raw:?} is not a known away status reason; GET /away_status_reasons lists them"
            ),
        )),
    }
}

pub(crate) async fn list_teams(State(state): State<Arc<AppState>>) -> JsonResult {
    let teams = state.tx(|s| Ok(s.page(Kind::Team, None, None, Order::Asc, usize::MAX >> 1)?))?;
    Ok(Json(
        json!({"type": "team.list", "teams": super::docs(teams)}),
    ))
}

pub(crate) async fn retrieve_team(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> JsonResult {
    let team = state.tx(|s| {
        s.get(Kind::Team, &id)?
            .ok_or_else(|| ApiError::not_found("team_not_found", "Team not found"))
    })?;
    Ok(Json(team))
}
