//! Tags and segments.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use bytes::Bytes;
use http::StatusCode;
use serde_json::{Value, json};

use super::JsonResult;
use super::model::{
    get_contact, get_segment, get_tag, refresh_company, refresh_contact, refresh_tag_holders,
};
use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, Body, Params};
use crate::store::{Key, Keys, Kind, Order, Rel, Store};

const ALL: usize = usize::MAX >> 2;

pub(crate) async fn list(State(state): State<Arc<AppState>>) -> JsonResult {
    let tags = state.tx(|s| Ok(s.page(Kind::Tag, None, None, Order::Asc, ALL)?))?;
    Ok(Json(json!({"type": "list", "data": super::docs(tags)})))
}

pub(crate) async fn retrieve(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> JsonResult {
    Ok(Json(state.tx(|s| get_tag(s, &id))?))
}

fn tag_keys(name: &str) -> Keys {
    Keys::k1(Some(name.to_lowercase()))
}

/// Finds a tag by name (case-insensitive) or creates it.
fn find_or_create(s: &Store, name: &str) -> ApiResult<Value> {
    if let Some(row) = s
        .find_by(Kind::Tag, Key::K1, &name.to_lowercase())?
        .into_iter()
        .next()
    {
        return Ok(row.doc);
    }
    let id = s.next_counter("tag_counter", 7_000_000)?.to_string();
    let doc = json!({"type": "tag", "id": id, "name": name});
    s.insert(Kind::Tag, &id, &tag_keys(name), &doc)?;
    Ok(doc)
}

/// Reads `items[i].<field>` ids for the bulk tagging forms.
fn bulk_items(body: &Body, list: &str) -> ApiResult<Vec<(String, Option<String>, bool)>> {
    let Some(items) = body.array_opt(list)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let field = format!("{list}[{i}]");
        let Some(obj) = item.as_object() else {
            return Err(ApiError::invalid(
                &field,
                format!("{field} must be an object"),
            ));
        };
        let text = |k: &str| match obj.get(k) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let untag = obj.get("untag").and_then(Value::as_bool).unwrap_or(false);
        let id = text("id");
        let external = text("company_id");
        if id.is_none() && external.is_none() {
            return Err(ApiError::missing(
                &format!("{field}.id"),
                format!("{field} needs an id"),
            ));
        }
        out.push((id.unwrap_or_default(), external, untag));
    }
    Ok(out)
}

pub(crate) async fn create_or_update(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    body.only(&["name", "id", "companies", "users"])
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "parameter_invalid", e.message))?;
    let name = body.str_req("name")?;
    if name.trim().is_empty() {
        return Err(ApiError::invalid("name", "name must not be empty"));
    }
    let id = body.id_opt("id")?;
    let companies = bulk_items(&body, "companies")?;
    let users = bulk_items(&body, "users")?;
    let now = state.now();
    let me = state.me_admin_id.clone();
    let tag = state.tx(|s| {
        let tag = match id {
            Some(id) => {
                let mut tag = get_tag(s, &id)?;
                if let Some(other) = s
                    .find_by(Kind::Tag, Key::K1, &name.to_lowercase())?
                    .into_iter()
                    .find(|r| r.id != id)
                {
                    return Err(ApiError::conflict(format!(
                        "A tag named {name:?} already exists with id={}",
                        other.id
                    )));
                }
                tag["name"] = json!(name);
                s.update(Kind::Tag, &id, &tag_keys(&name), &tag)?;
                refresh_tag_holders(s, &id, false)?;
                tag
            }
            None => find_or_create(s, &name)?,
        };
        let tag_id = tag["id"].as_str().unwrap_or_default().to_owned();
        for (id, external, untag) in companies {
            let company_id = if id.is_empty() {
                let external = external.unwrap_or_default();
                s.find_by(Kind::Company, Key::K1, &external)?
                    .into_iter()
                    .next()
                    .map(|r| r.id)
            } else {
                s.get(Kind::Company, &id)?.map(|_| id)
            };
            let company_id = company_id
                .ok_or_else(|| ApiError::not_found("company_not_found", "Company Not Found"))?;
            if untag {
                s.unlink(Rel::CompanyTag, &company_id, &tag_id)?;
            } else {
                s.link(Rel::CompanyTag, &company_id, &tag_id, now, Some(&me))?;
            }
            refresh_company(s, &company_id)?;
        }
        for (id, _, untag) in users {
            get_contact(s, &id)?;
            if untag {
                s.unlink(Rel::ContactTag, &id, &tag_id)?;
            } else {
                s.link(Rel::ContactTag, &id, &tag_id, now, Some(&me))?;
            }
            refresh_contact(s, &id)?;
        }
        Ok(tag)
    })?;
    Ok(Json(tag))
}

pub(crate) async fn remove(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.tx(|s| {
        get_tag(s, &id)?;
        refresh_tag_holders(s, &id, true)?;
        s.delete(Kind::Tag, &id)?;
        Ok(())
    })?;
    Ok(StatusCode::OK)
}

pub(crate) async fn list_segments(
    State(state): State<Arc<AppState>>,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let include_count = params.flag("include_count")?;
    let segments = state.tx(|s| {
        let mut out = Vec::new();
        for row in s.page(Kind::Segment, None, None, Order::Asc, ALL)? {
            let mut doc = row.doc;
            if include_count {
                let n = s.count_links_to(Rel::ContactSegment, &row.id)?
                    + s.count_links_to(Rel::CompanySegment, &row.id)?;
                doc["count"] = json!(n);
            }
            out.push(doc);
        }
        Ok(out)
    })?;
    Ok(Json(json!({"type": "segment.list", "segments": segments})))
}

pub(crate) async fn retrieve_segment(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> JsonResult {
    Ok(Json(state.tx(|s| get_segment(s, &id))?))
}
