//! Companies: create-or-update, retrieve, page-number lists, scroll, attached contacts.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::model::{company_keys, get_company, new_object_id, refresh_contact};
use super::{JsonResult, cursor_page, docs};
use crate::error::ApiError;
use crate::search::SqlFilter;
use crate::state::{AppState, Body, Params, Scroll, lock};
use crate::store::{Key, Kind, Order, Rel, Store};

const FIELDS: &[&str] = &[
    "name",
    "company_id",
    "plan",
    "size",
    "website",
    "industry",
    "custom_attributes",
    "remote_created_at",
    "monthly_spend",
];
const DEFAULT_PER_PAGE: usize = 15;
const MAX_PER_PAGE: usize = 60;
const MAX_PAGE: usize = 1_000_000;
const SCROLL_IDLE_SECONDS: i64 = 60;

pub(crate) fn blank_company(id: &str, app_id: &str, now: i64) -> Value {
    json!({
        "type": "company",
        "company_id": null,
        "id": id,
        "app_id": app_id,
        "name": null,
        "remote_created_at": null,
        "created_at": now,
        "updated_at": now,
        "monthly_spend": 0,
        "session_count": 0,
        "user_count": 0,
        "tags": {"type": "tag.list", "tags": []},
        "segments": {"type": "segment.list", "segments": []},
        "plan": {},
        "custom_attributes": {},
    })
}

fn apply_fields(doc: &mut Value, body: &Body) -> Result<(), ApiError> {
    if let Some(name) = body.str_opt("name")? {
        doc["name"] = json!(name);
    }
    if let Some(plan) = body.str_opt("plan")? {
        let plan_id = plan
            .bytes()
            .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
            % 1_000_000;
        doc["plan"] = json!({"type": "plan", "id": plan_id.to_string(), "name": plan});
    }
    for field in ["size", "remote_created_at", "monthly_spend"] {
        if let Some(n) = body.i64_opt(field)? {
            doc[field] = json!(n);
        }
    }
    for field in ["website", "industry"] {
        if let Some(text) = body.str_opt(field)? {
            doc[field] = json!(text);
        }
    }
    if let Some(attrs) = body.object_opt("custom_attributes")? {
        super::model::merge_attributes(doc, attrs);
    }
    Ok(())
}

fn reject_unknown(body: &Body, allowed: &[&str]) -> Result<(), ApiError> {
    match body.keys().find(|k| !allowed.contains(&k.as_str())) {
        None => Ok(()),
        Some(key) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("bad '{key}' parameter; allowed: {}", allowed.join(", ")),
        )
        .with_field(key.clone())),
    }
}

pub(crate) async fn create_or_update(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    reject_unknown(&body, FIELDS)?;
    let company_id = body.id_opt("company_id")?;
    let name = body.str_opt("name")?;
    if company_id.is_none() && name.is_none() {
        return Err(ApiError::missing(
            "company_id",
            "company_id (or name) is required to create or update a company",
        ));
    }
    let now = state.now();
    let app_id = state.app["id_code"].as_str().unwrap_or_default().to_owned();
    let doc = state.tx(|s| {
        let existing = match (&company_id, &name) {
            (Some(cid), _) => s.find_by(Kind::Company, Key::K1, cid)?.into_iter().next(),
            (None, Some(name)) => s
                .find_by(Kind::Company, Key::K2, &name.to_lowercase())?
                .into_iter()
                .next(),
            (None, None) => None,
        };
        match existing {
            Some(row) => {
                let mut doc = row.doc;
                apply_fields(&mut doc, &body)?;
                doc["updated_at"] = json!(now);
                s.update(Kind::Company, &row.id, &company_keys(&doc), &doc)?;
                Ok(doc)
            }
            None => {
                let id = new_object_id(s, now)?;
                let mut doc = blank_company(&id, &app_id, now);
                doc["company_id"] = json!(company_id);
                apply_fields(&mut doc, &body)?;
                s.insert(Kind::Company, &id, &company_keys(&doc), &doc)?;
                Ok(doc)
            }
        }
    })?;
    Ok(Json(doc))
}

pub(crate) async fn update(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    reject_unknown(&body, FIELDS)?;
    let now = state.now();
    let doc = state.tx(|s| {
        let mut doc = get_company(s, &id)?;
        if let Some(cid) = body.id_opt("company_id")?
            && doc["company_id"].as_str() != Some(cid.as_str())
        {
            return Err(ApiError::invalid(
                "company_id",
                "company_id can't be updated",
            ));
        }
        apply_fields(&mut doc, &body)?;
        doc["updated_at"] = json!(now);
        s.update(Kind::Company, &id, &company_keys(&doc), &doc)?;
        Ok(doc)
    })?;
    Ok(Json(doc))
}

pub(crate) async fn retrieve(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> JsonResult {
    Ok(Json(state.tx(|s| get_company(s, &id))?))
}

pub(crate) async fn remove(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> JsonResult {
    state.tx(|s| {
        get_company(s, &id)?;
        let contacts = s.links_to(Rel::ContactCompany, &id)?;
        s.unlink_all_to(Rel::ContactCompany, &id)?;
        s.unlink_all_from(Rel::CompanyTag, &id)?;
        s.unlink_all_from(Rel::CompanySegment, &id)?;
        s.delete(Kind::Company, &id)?;
        for link in contacts {
            refresh_contact(s, &link.a)?;
        }
        Ok(())
    })?;
    Ok(Json(
        json!({"id": id, "object": "company", "deleted": true}),
    ))
}

fn and_filters(filters: Vec<SqlFilter>) -> Option<SqlFilter> {
    if filters.is_empty() {
        return None;
    }
    let where_clause = filters
        .iter()
        .map(|f| format!("({})", f.where_clause))
        .collect::<Vec<_>>()
        .join(" AND ");
    let params = filters.into_iter().flat_map(|f| f.params).collect();
    Some(SqlFilter {
        where_clause,
        params,
    })
}

fn key_filter(column: &str, value: String) -> SqlFilter {
    SqlFilter {
        where_clause: format!("{column} = ?"),
        params: vec![value.into()],
    }
}

/// One page-number page of companies, in the list envelope.
fn numbered_page(
    s: &Store,
    filter: Option<&SqlFilter>,
    order: Order,
    page: usize,
    per_page: usize,
    next_url: impl Fn(usize) -> String,
) -> Result<Value, ApiError> {
    let total = s.count(Kind::Company, filter, None)?;
    let rows = s.page_number(Kind::Company, filter, order, page, per_page)?;
    let total_pages = total.div_ceil(per_page);
    let next = if page < total_pages {
        json!(next_url(page + 1))
    } else {
        Value::Null
    };
    Ok(json!({
        "type": "list",
        "data": docs(rows),
        "pages": {"type": "pages", "next": next, "page": page, "per_page": per_page, "total_pages": total_pages},
        "total_count": total,
    }))
}

fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

pub(crate) async fn list_or_find(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let page = params.int("page", 1, 1, MAX_PAGE)?;
    let per_page = params.int("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)?;
    let mut filters = Vec::new();
    let by_identity = params.get("company_id").is_some() || params.get("name").is_some();
    if let Some(cid) = params.get("company_id") {
        filters.push(key_filter("k1", cid.to_owned()));
    }
    if let Some(name) = params.get("name") {
        filters.push(key_filter("k2", name.to_lowercase()));
    }
    if let Some(tag_id) = params.get("tag_id") {
        filters.push(Store::linked_to_filter(Rel::CompanyTag, tag_id));
    }
    if let Some(segment_id) = params.get("segment_id") {
        filters.push(Store::linked_to_filter(Rel::CompanySegment, segment_id));
    }
    let filter = and_filters(filters);
    let base = base_url(&headers);
    let listed = state.tx(|s| {
        let listed = numbered_page(s, filter.as_ref(), Order::Asc, page, per_page, |n| {
            format!("{base}/companies?page={n}&per_page={per_page}")
        })?;
        if by_identity && listed["total_count"] == json!(0) {
            return Err(ApiError::not_found(
                "company_not_found",
                "Company Not Found",
            ));
        }
        Ok(listed)
    })?;
    Ok(Json(listed))
}

pub(crate) async fn list_post(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let page = params.int("page", 1, 1, MAX_PAGE)?;
    let per_page = params.int("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)?;
    let order = match params.get("order") {
        None | Some("desc") => Order::Desc,
        Some("asc") => Order::Asc,
        Some(other) => {
            return Err(ApiError::invalid(
                "order",
                format!("order must be asc or desc, not {other:?}"),
            ));
        }
    };
    let base = base_url(&headers);
    let order_name = if order == Order::Asc { "asc" } else { "desc" };
    let listed = state.tx(|s| {
        numbered_page(s, None, order, page, per_page, |n| {
            format!("{base}/companies/list?page={n}&per_page={per_page}&order={order_name}")
        })
    })?;
    Ok(Json(listed))
}

pub(crate) async fn scroll(
    State(state): State<Arc<AppState>>,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let per_page = params.int("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)?;
    let now = state.now();
    let mut scroll = lock(&state.scroll);
    if scroll
        .as_ref()
        .is_some_and(|open| now - open.last_used >= SCROLL_IDLE_SECONDS)
    {
        *scroll = None;
    }
    let current = match params.get("scroll_param").filter(|p| !p.is_empty()) {
        None => {
            if scroll.is_some() {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "scroll_exists",
                    "A scroll is already open for this workspace; finish it (until data is empty) or let it expire after 1 minute idle",
                ));
            }
            Scroll {
                param: uuid::Uuid::new_v4().to_string(),
                after_seq: None,
                last_used: now,
            }
        }
        Some(param) => match scroll.as_ref() {
            Some(open) if open.param == param => open.clone(),
            _ => {
                return Err(ApiError::not_found(
                    "scroll_param_not_found",
                    "scroll_param is unknown or expired; start a new scroll without it",
                )
                .with_field("scroll_param"));
            }
        },
    };
    let rows = state
        .tx(|s| Ok(s.page(Kind::Company, None, current.after_seq, Order::Asc, per_page)?))?;
    let param = current.param.clone();
    if rows.is_empty() {
        *scroll = None;
    } else {
        *scroll = Some(Scroll {
            param: param.clone(),
            after_seq: rows.last().map(|r| r.seq),
            last_used: now,
        });
    }
    Ok(Json(json!({
        "type": "list",
        "data": docs(rows),
        "pages": null,
        "total_count": null,
        "scroll_param": param,
    })))
}

pub(crate) async fn list_contacts(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let per_page = params.int("per_page", 50, 1, 150)?;
    let page = state.tx(|s| {
        get_company(s, &id)?;
        let filter = Store::linked_to_filter(Rel::ContactCompany, &id);
        cursor_page(
            s,
            Kind::Contact,
            Some(&filter),
            per_page,
            params.get("starting_after"),
            "starting_after",
        )
    })?;
    Ok(Json(json!({
        "type": "list",
        "data": docs(page.rows),
        "total_count": page.total,
        "pages": page.pages,
    })))
}

pub(crate) async fn list_segments(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> JsonResult {
    let segments = state.tx(|s| {
        let doc = get_company(s, &id)?;
        Ok(doc["segments"]["segments"].clone())
    })?;
    Ok(Json(json!({"type": "list", "data": segments})))
}
