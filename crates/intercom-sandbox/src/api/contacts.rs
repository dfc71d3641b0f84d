//! Contacts and their tags, segments and companies.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use bytes::Bytes;
use serde_json::{Value, json};

use super::model::{
    applied_tags, apply_tag, blank_contact, contact_keys, get_company, get_contact, get_tag,
    linked_docs, new_object_id, refresh_company, refresh_contact, remove_tag,
};
use super::{JsonResult, cursor_page, docs, parse_search};
use crate::error::{ApiError, ApiResult};
use crate::search::SearchModel;
use crate::state::{AppState, Body, Params};
use crate::store::{Key, Kind, Rel, Store};

pub(crate) async fn list(State(state): State<Arc<AppState>>, RawQuery(q): RawQuery) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let per_page = params.int("per_page", 50, 1, 150)?;
    let page = state.tx(|s| {
        cursor_page(
            s,
            Kind::Contact,
            None,
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

pub(crate) async fn search(State(state): State<Arc<AppState>>, body: Bytes) -> JsonResult {
    let request = parse_search(&body, SearchModel::Contacts, 50)?;
    let page = state.tx(|s| request.page(s, Kind::Contact))?;
    Ok(Json(json!({
        "type": "list",
        "data": docs(page.rows),
        "total_count": page.total,
        "pages": page.pages,
    })))
}

/// Refuses an email or external id another contact already has.
fn check_unique(s: &Store, doc: &Value, own_id: &str) -> ApiResult<()> {
    let keys = contact_keys(doc);
    for (key, value) in [(Key::K1, keys.k1), (Key::K2, keys.k2)] {
        let Some(value) = value else { continue };
        if let Some(other) = s
            .find_by(Kind::Contact, key, &value)?
            .into_iter()
            .find(|r| r.id != own_id)
        {
            return Err(ApiError::conflict(format!(
                "A contact matching those details already exists with id={}",
                other.id
            )));
        }
    }
    Ok(())
}

/// Applies the writable fields of `body` to `doc`.
fn apply_fields(s: &Store, doc: &mut Value, body: &Body) -> ApiResult<()> {
    if let Some(role) = body.enum_opt("role", &["user", "lead"])? {
        doc["role"] = json!(role);
    }
    if body.has("external_id") {
        doc["external_id"] = json!(body.id_opt("external_id")?);
    }
    if body.has("email") {
        let email = body.str_opt("email")?;
        if let Some(email) = &email {
            let valid = email
                .split_once('@')
                .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
            if !valid {
                return Err(ApiError::invalid(
                    "email",
                    format!("email {email:?} is not a valid email address"),
                ));
            }
        }
        doc["email_domain"] = json!(
            email
                .as_deref()
                .and_then(|e| e.split_once('@'))
                .map(|(_, d)| d.to_lowercase())
        );
        doc["email"] = json!(email);
    }
    for field in ["phone", "name", "language_override"] {
        if body.has(field) {
            doc[field] = json!(body.str_opt(field)?);
        }
    }
    if body.has("avatar") {
        doc["avatar"] = match body.str_opt("avatar")? {
            Some(url) => json!({"type": "avatar", "image_url": url}),
            None => Value::Null,
        };
    }
    for field in ["signed_up_at", "last_seen_at"] {
        if body.has(field) {
            doc[field] = json!(body.i64_opt(field)?);
        }
    }
    if body.has("owner_id") {
        let owner = body.id_opt("owner_id")?;
        if let Some(owner) = &owner
            && s.get(Kind::Admin, owner)?.is_none()
        {
            return Err(ApiError::invalid(
                "owner_id",
                format!("owner_id {owner} is not an admin of this workspace"),
            ));
        }
        doc["owner_id"] = json!(owner.and_then(|o| o.parse::<i64>().ok()));
    }
    if let Some(flag) = body.bool_opt("unsubscribed_from_emails")? {
        doc["unsubscribed_from_emails"] = json!(flag);
    }
    if let Some(attrs) = body.object_opt("custom_attributes")? {
        super::model::merge_attributes(doc, attrs);
    }
    Ok(())
}

pub(crate) async fn create(State(state): State<Arc<AppState>>, body: Bytes) -> JsonResult {
    let body = Body::parse(&body)?;
    if !["email", "external_id", "role"]
        .iter()
        .any(|f| body.raw(f).is_some_and(|v| !v.is_null()))
    {
        return Err(ApiError::missing(
            "email",
            "A contact needs at least one of email, external_id or role",
        ));
    }
    let now = state.now();
    let workspace_id = state.app["id_code"].as_str().unwrap_or_default().to_owned();
    let doc = state.tx(|s| {
        let id = new_object_id(s, now)?;
        let mut doc = blank_contact(&id, &workspace_id, now);
        apply_fields(s, &mut doc, &body)?;
        check_unique(s, &doc, &id)?;
        s.insert(Kind::Contact, &id, &contact_keys(&doc), &doc)?;
        Ok(doc)
    })?;
    Ok(Json(doc))
}

pub(crate) async fn retrieve(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> JsonResult {
    Ok(Json(state.tx(|s| get_contact(s, &id))?))
}

pub(crate) async fn find_by_external_id(
    State(state): State<Arc<AppState>>,
    Path(external_id): Path<String>,
) -> JsonResult {
    let doc = state.tx(|s| {
        s.find_by(Kind::Contact, Key::K2, &external_id)?
            .into_iter()
            .next()
            .map(|r| r.doc)
            .ok_or_else(|| ApiError::not_found("not_found", "User Not Found"))
    })?;
    Ok(Json(doc))
}

pub(crate) async fn update(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    let now = state.now();
    let doc = state.tx(|s| {
        let mut doc = get_contact(s, &id)?;
        apply_fields(s, &mut doc, &body)?;
        check_unique(s, &doc, &id)?;
        doc["updated_at"] = json!(now);
        s.update(Kind::Contact, &id, &contact_keys(&doc), &doc)?;
        Ok(doc)
    })?;
    Ok(Json(doc))
}

pub(crate) async fn remove(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> JsonResult {
    let doc = state.tx(|s| {
        let doc = get_contact(s, &id)?;
        let companies = s.links_from(Rel::ContactCompany, &id)?;
        for rel in [
            Rel::ContactCompany,
            Rel::ContactTag,
            Rel::ContactSegment,
            Rel::ContactArchived,
        ] {
            s.unlink_all_from(rel, &id)?;
        }
        s.delete(Kind::Contact, &id)?;
        for link in companies {
            refresh_company(s, &link.b)?;
        }
        Ok(doc)
    })?;
    Ok(Json(json!({
        "type": "contact",
        "id": doc["id"],
        "external_id": doc["external_id"],
        "deleted": true,
    })))
}

async fn set_archived(state: Arc<AppState>, id: String, archived: bool) -> JsonResult {
    let now = state.now();
    let doc = state.tx(|s| {
        let doc = get_contact(s, &id)?;
        if archived {
            s.link(Rel::ContactArchived, &id, "archived", now, None)?;
        } else {
            s.unlink(Rel::ContactArchived, &id, "archived")?;
        }
        Ok(doc)
    })?;
    Ok(Json(json!({
        "type": "contact",
        "id": doc["id"],
        "external_id": doc["external_id"],
        "archived": archived,
    })))
}

pub(crate) async fn archive(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> JsonResult {
    set_archived(state, id, true).await
}

pub(crate) async fn unarchive(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> JsonResult {
    set_archived(state, id, false).await
}

pub(crate) async fn list_tags(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> JsonResult {
    let tags = state.tx(|s| {
        get_contact(s, &id)?;
        applied_tags(s, Rel::ContactTag, &id)
    })?;
    Ok(Json(json!({"type": "list", "data": tags})))
}

pub(crate) async fn attach_tag(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    let tag_id = body.id_req("id")?;
    let by = body.id_opt("admin_id")?;
    let now = state.now();
    let me = state.me_admin_id.clone();
    let tag = state.tx(|s| {
        get_contact(s, &id)?;
        let tag = get_tag(s, &tag_id)?;
        let by = by.unwrap_or(me);
        let applied = apply_tag(s, Rel::ContactTag, &id, &tag_id, &tag, now, &by)?;
        refresh_contact(s, &id)?;
        Ok(applied)
    })?;
    Ok(Json(tag))
}

pub(crate) async fn detach_tag(
    State(state): State<Arc<AppState>>,
    Path((id, tag_id)): Path<(String, String)>,
) -> JsonResult {
    let tag = state.tx(|s| {
        get_contact(s, &id)?;
        let tag = get_tag(s, &tag_id)?;
        let not_attached = ApiError::not_found("not_found", "Tag is not attached to this contact");
        let removed = remove_tag(s, Rel::ContactTag, &id, &tag_id, &tag, not_attached)?;
        refresh_contact(s, &id)?;
        Ok(removed)
    })?;
    Ok(Json(tag))
}

pub(crate) async fn list_segments(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> JsonResult {
    let segments = state.tx(|s| {
        get_contact(s, &id)?;
        linked_docs(s, Rel::ContactSegment, &id, Kind::Segment)
    })?;
    Ok(Json(json!({"type": "list", "data": segments})))
}

pub(crate) async fn list_companies(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> JsonResult {
    let companies = state.tx(|s| {
        get_contact(s, &id)?;
        linked_docs(s, Rel::ContactCompany, &id, Kind::Company)
    })?;
    let total = companies.len();
    Ok(Json(json!({
        "type": "list",
        "data": companies,
        "pages": {"type": "pages", "next": null, "page": 1, "per_page": total.max(1), "total_pages": 1},
        "total_count": total,
    })))
}

pub(crate) async fn attach_company(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    let company_id = body
        .id_opt("id")?
        .ok_or_else(|| ApiError::missing("id", "company not specified"))?;
    let now = state.now();
    let company = state.tx(|s| {
        get_contact(s, &id)?;
        get_company(s, &company_id)?;
        s.link(Rel::ContactCompany, &id, &company_id, now, None)?;
        refresh_contact(s, &id)?;
        refresh_company(s, &company_id)
    })?;
    Ok(Json(company))
}

pub(crate) async fn detach_company(
    State(state): State<Arc<AppState>>,
    Path((id, company_id)): Path<(String, String)>,
) -> JsonResult {
    let company = state.tx(|s| {
        get_contact(s, &id)?;
        get_company(s, &company_id)?;
        if !s.unlink(Rel::ContactCompany, &id, &company_id)? {
            return Err(ApiError::not_found(
                "company_not_found",
                "Company is not attached to this contact",
            ));
        }
        refresh_contact(s, &id)?;
        refresh_company(s, &company_id)
    })?;
    Ok(Json(company))
}
