//! Conversations: list, search, retrieve, create, reply, state changes, attributes, tags.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use bytes::Bytes;
use serde_json::{Value, json};

use super::model::{
    apply_tag, as_html, contact_reference, full_conversation, get_contact, get_conversation,
    get_tag, merge_attributes, part_doc, refresh_conversation, remove_tag,
};
use super::{JsonResult, cursor_page, docs, parse_search};
use crate::error::{ApiError, ApiResult};
use crate::search::{SearchModel, SqlFilter};
use crate::state::{AppState, Body, Params};
use crate::store::{Key, Keys, Kind, Order, Rel, Store};

const MAX_PER_PAGE: usize = 150;

/// A new conversation document (derived fields are filled by `derive_conversation`).
pub(crate) fn blank_conversation(
    id: &str,
    created_at: i64,
    source: Value,
    contacts: Vec<Value>,
) -> Value {
    json!({
        "type": "conversation",
        "id": id,
        "created_at": created_at,
        "updated_at": created_at,
        "waiting_since": null,
        "snoozed_until": null,
        "source": source,
        "contacts": {"type": "contact.list", "contacts": contacts},
        "first_contact_reply": null,
        "admin_assignee_id": null,
        "team_assignee_id": null,
        "open": true,
        "state": "open",
        "read": false,
        "tags": {"type": "tag.list", "tags": []},
        "priority": "not_priority",
        "sla_applied": null,
        "statistics": null,
        "conversation_rating": null,
        "teammates": null,
        "title": null,
        "custom_attributes": {},
        "topics": {},
        "ticket": null,
        "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": false},
        "ai_agent": null,
        "ai_agent_participated": false,
    })
}

/// The author object of a part written by a contact.
pub(crate) fn contact_author(contact: &Value) -> Value {
    json!({
        "id": contact["id"],
        "type": contact["role"].as_str().unwrap_or("user"),
        "name": contact["name"],
        "email": contact["email"],
    })
}

fn admin_author(admin: &Value) -> Value {
    json!({"id": admin["id"], "type": "admin", "name": admin["name"], "email": admin["email"]})
}

pub(crate) async fn list(State(state): State<Arc<AppState>>, RawQuery(q): RawQuery) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let per_page = params.int("per_page", 20, 1, MAX_PER_PAGE)?;
    let page = state.tx(|s| {
        cursor_page(
            s,
            Kind::Conversation,
            None,
            per_page,
            params.get("starting_after"),
            "starting_after",
        )
    })?;
    Ok(Json(json!({
        "type": "conversation.list",
        "pages": page.pages,
        "total_count": page.total,
        "conversations": docs(page.rows),
    })))
}

pub(crate) async fn search(State(state): State<Arc<AppState>>, body: Bytes) -> JsonResult {
    let request = parse_search(&body, SearchModel::Conversations, 20)?;
    let page = state.tx(|s| request.page(s, Kind::Conversation))?;
    Ok(Json(json!({
        "type": "conversation.list",
        "pages": page.pages,
        "total_count": page.total,
        "conversations": docs(page.rows),
    })))
}

fn plaintext(params: &Params) -> ApiResult<bool> {
    match params.get("display_as") {
        None | Some("html") => Ok(false),
        Some("plaintext") => Ok(true),
        Some(other) => Err(ApiError::invalid(
            "display_as",
            format!("display_as must be plaintext or html, not {other:?}"),
        )),
    }
}

pub(crate) async fn retrieve(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let plain = plaintext(&params)?;
    Ok(Json(state.tx(|s| full_conversation(s, &id, plain))?))
}

pub(crate) async fn create(State(state): State<Arc<AppState>>, body: Bytes) -> JsonResult {
    let body = Body::parse(&body)?;
    let from = body.nested("from")?.ok_or_else(|| {
        ApiError::missing("from", "from is required: {type: user|lead|contact, id}")
    })?;
    let from_type = from.str_req("type")?;
    if !["user", "lead", "contact"].contains(&from_type.as_str()) {
        return Err(ApiError::invalid(
            "from.type",
            format!(
                "from.type must be user, lead or contact, not {from_type:?}; conversations from an admin start with POST /messages"
            ),
        ));
    }
    let contact_id = from.id_req("id")?;
    let text = body.str_req("body")?;
    if text.trim().is_empty() {
        return Err(ApiError::invalid("body", "body must not be empty"));
    }
    let subject = body.str_opt("subject")?.unwrap_or_default();
    let now = state.now();
    let created_at = body.i64_opt("created_at")?.unwrap_or(now);
    let message = state.tx(|s| {
        let contact = get_contact(s, &contact_id)?;
        let conversation_id = s.next_counter("conversation_counter", 1_000)?.to_string();
        let message_id = s.next_counter("message_counter", 400_000_000)?.to_string();
        let source = json!({
            "type": "conversation",
            "id": message_id,
            "delivered_as": "customer_initiated",
            "subject": subject,
            "body": as_html(&text),
            "author": contact_author(&contact),
            "attachments": [],
            "url": null,
            "redacted": false,
        });
        let doc = blank_conversation(
            &conversation_id,
            created_at,
            source,
            vec![contact_reference(&contact)],
        );
        s.insert(Kind::Conversation, &conversation_id, &Keys::none(), &doc)?;
        refresh_conversation(s, &conversation_id)?;
        Ok(json!({
            "type": "user_message",
            "id": message_id,
            "created_at": created_at,
            "body": text,
            "message_type": "inapp",
            "conversation_id": conversation_id,
        }))
    })?;
    Ok(Json(message))
}

/// A part to append to a conversation.
struct NewPart<'a> {
    part_type: &'a str,
    body: Option<&'a str>,
    at: i64,
    author: Value,
    assigned_to: Value,
    state: &'a str,
}

fn add_part(s: &Store, conversation_id: &str, part: NewPart<'_>) -> ApiResult<()> {
    let part_id = s.next_counter("part_counter", 100_000)?.to_string();
    let doc = part_doc(
        &part_id,
        part.part_type,
        part.body,
        part.at,
        part.author,
        part.assigned_to,
        part.state,
    );
    s.insert(
        Kind::Part,
        &part_id,
        &Keys::k1(Some(conversation_id.to_owned())),
        &doc,
    )?;
    Ok(())
}

fn set_state(doc: &mut Value, state: &str) {
    doc["state"] = json!(state);
    doc["open"] = json!(state != "closed");
    if state != "snoozed" {
        doc["snoozed_until"] = Value::Null;
    }
}

/// The admin named by `admin_id` in `body`, or a 400/404 naming the field.
fn body_admin(s: &Store, body: &Body) -> ApiResult<Value> {
    let admin_id = body.id_req("admin_id")?;
    s.get(Kind::Admin, &admin_id)?.ok_or_else(|| {
        ApiError::not_found("admin_not_found", "Admin not found").with_field("admin_id")
    })
}

/// The most recent conversation the contact takes part in (for `/conversations/last/reply`).
fn last_conversation_of(s: &Store, contact_id: &str) -> ApiResult<String> {
    let filter = SqlFilter {
        where_clause: "EXISTS (SELECT 1 FROM json_each(doc, '$.contacts.contacts') WHERE json_extract(value, '$.id') = ?)".to_owned(),
        params: vec![contact_id.to_owned().into()],
    };
    s.page(Kind::Conversation, Some(&filter), None, Order::Desc, 1)?
        .into_iter()
        .next()
        .map(|r| r.id)
        .ok_or_else(|| ApiError::not_found("not_found", "Resource Not Found"))
}

pub(crate) async fn reply(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    let kind = body
        .enum_opt("type", &["admin", "user"])?
        .ok_or_else(|| ApiError::missing("type", "type is required: admin or user"))?;
    let now = state.now();
    let at = body.i64_opt("created_at")?.unwrap_or(now);
    let doc = state.tx(|s| {
        if kind == "admin" {
            let message_type = body
                .enum_opt("message_type", &["comment", "note", "quick_reply"])?
                .ok_or_else(|| {
                    ApiError::missing(
                        "message_type",
                        "message_type is required: comment, note or quick_reply",
                    )
                })?;
            get_conversation(s, &id)?;
            let admin = body_admin(s, &body)?;
            let text = body.str_opt("body")?;
            if message_type != "quick_reply" && text.as_deref().is_none_or(|t| t.trim().is_empty())
            {
                return Err(ApiError::missing(
                    "body",
                    format!("body is required for a {message_type}"),
                ));
            }
            if message_type == "quick_reply" && body.array_opt("reply_options")?.is_none() {
                return Err(ApiError::missing(
                    "reply_options",
                    "reply_options is required for a quick_reply",
                ));
            }
            let mut doc = get_conversation(s, &id)?;
            let state_now = doc["state"].as_str().unwrap_or("open").to_owned();
            let html = text.as_deref().map(as_html);
            add_part(
                s,
                &id,
                NewPart {
                    part_type: &message_type,
                    body: html.as_deref(),
                    at,
                    author: admin_author(&admin),
                    assigned_to: Value::Null,
                    state: &state_now,
                },
            )?;
            doc["updated_at"] = json!(at.max(doc["updated_at"].as_i64().unwrap_or(0)));
            s.update_doc(Kind::Conversation, &id, &doc)?;
            refresh_conversation(s, &id)?;
            full_conversation(s, &id, false)
        } else {
            if let Some(mt) = body.str_opt("message_type")?
                && mt != "comment"
                && mt != "quick_reply"
            {
                return Err(ApiError::invalid(
                    "message_type",
                    format!(
                        "message_type for a user reply must be comment or quick_reply, not {mt:?}"
                    ),
                ));
            }
            let contact = if let Some(cid) = body.id_opt("intercom_user_id")? {
                get_contact(s, &cid)?
            } else if let Some(external) = body.id_opt("user_id")? {
                s.find_by(Kind::Contact, Key::K2, &external)?
                    .into_iter()
                    .next()
                    .map(|r| r.doc)
                    .ok_or_else(|| ApiError::not_found("not_found", "User Not Found"))?
            } else if let Some(email) = body.str_opt("email")? {
                s.find_by(Kind::Contact, Key::K1, &email.to_lowercase())?
                    .into_iter()
                    .next()
                    .map(|r| r.doc)
                    .ok_or_else(|| ApiError::not_found("not_found", "User Not Found"))?
            } else {
                return Err(ApiError::missing(
                    "intercom_user_id",
                    "a user reply needs one of intercom_user_id, user_id or email",
                ));
            };
            let text = body.str_req("body")?;
            let contact_id = contact["id"].as_str().unwrap_or_default().to_owned();
            let id = if id == "last" {
                last_conversation_of(s, &contact_id)?
            } else {
                id.clone()
            };
            let mut doc = get_conversation(s, &id)?;
            let reopen = doc["state"].as_str() != Some("open");
            if reopen {
                set_state(&mut doc, "open");
            }
            let part_type = if reopen { "open" } else { "comment" };
            add_part(
                s,
                &id,
                NewPart {
                    part_type,
                    body: Some(&as_html(&text)),
                    at,
                    author: contact_author(&contact),
                    assigned_to: Value::Null,
                    state: "open",
                },
            )?;
            doc["updated_at"] = json!(at.max(doc["updated_at"].as_i64().unwrap_or(0)));
            s.update_doc(Kind::Conversation, &id, &doc)?;
            refresh_conversation(s, &id)?;
            full_conversation(s, &id, false)
        }
    })?;
    Ok(Json(doc))
}

pub(crate) async fn manage(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    let message_type = body
        .enum_opt("message_type", &["close", "snoozed", "open", "assignment"])?
        .ok_or_else(|| {
            ApiError::missing(
                "message_type",
                "message_type is required: close, snoozed, open or assignment",
            )
        })?;
    let now = state.now();
    let doc = state.tx(|s| {
        let mut doc = get_conversation(s, &id)?;
        let admin = body_admin(s, &body)?;
        let text = body
            .str_opt("body")?
            .filter(|t| !t.trim().is_empty())
            .map(|t| as_html(&t));
        let author = admin_author(&admin);
        match message_type.as_str() {
            "close" => {
                if let Some(t) = body.str_opt("type")?
                    && t != "admin"
                {
                    return Err(ApiError::invalid(
                        "type",
                        format!("type must be admin, not {t:?}"),
                    ));
                }
                set_state(&mut doc, "closed");
                add_part(
                    s,
                    &id,
                    NewPart {
                        part_type: "close",
                        body: text.as_deref(),
                        at: now,
                        author,
                        assigned_to: Value::Null,
                        state: "closed",
                    },
                )?;
            }
            "snoozed" => {
                let until = body.i64_opt("snoozed_until")?.ok_or_else(|| {
                    ApiError::missing(
                        "snoozed_until",
                        "snoozed_until (unix seconds) is required to snooze",
                    )
                })?;
                if until <= now {
                    return Err(ApiError::invalid(
                        "snoozed_until",
                        "snoozed_until must be in the future",
                    ));
                }
                set_state(&mut doc, "snoozed");
                doc["snoozed_until"] = json!(until);
                add_part(
                    s,
                    &id,
                    NewPart {
                        part_type: "snoozed",
                        body: text.as_deref(),
                        at: now,
                        author,
                        assigned_to: Value::Null,
                        state: "snoozed",
                    },
                )?;
            }
            "open" => {
                set_state(&mut doc, "open");
                add_part(
                    s,
                    &id,
                    NewPart {
                        part_type: "open",
                        body: text.as_deref(),
                        at: now,
                        author,
                        assigned_to: Value::Null,
                        state: "open",
                    },
                )?;
            }
            _ => {
                let target = body.enum_opt("type", &["admin", "team"])?.ok_or_else(|| {
                    ApiError::missing("type", "type is required for an assignment: admin or team")
                })?;
                let assignee = body.id_req("assignee_id")?;
                let unassign = assignee == "0";
                if !unassign {
                    let exists = match target.as_str() {
                        "admin" => s.get(Kind::Admin, &assignee)?.is_some(),
                        _ => s.get(Kind::Team, &assignee)?.is_some(),
                    };
                    if !exists {
                        return Err(ApiError::not_found(
                            if target == "admin" {
                                "admin_not_found"
                            } else {
                                "team_not_found"
                            },
                            &format!("No {target} with id {assignee}"),
                        )
                        .with_field("assignee_id"));
                    }
                }
                let value = if unassign {
                    Value::Null
                } else {
                    json!(assignee.parse::<i64>().ok())
                };
                let field = if target == "admin" {
                    "admin_assignee_id"
                } else {
                    "team_assignee_id"
                };
                doc[field] = value;
                let reopen = doc["state"].as_str() == Some("closed");
                if reopen {
                    set_state(&mut doc, "open");
                }
                let part_type = if reopen {
                    "assign_and_reopen"
                } else {
                    "assignment"
                };
                let assigned_to = if unassign {
                    Value::Null
                } else {
                    json!({"type": target, "id": assignee})
                };
                let state_now = doc["state"].as_str().unwrap_or("open").to_owned();
                add_part(
                    s,
                    &id,
                    NewPart {
                        part_type,
                        body: text.as_deref(),
                        at: now,
                        author,
                        assigned_to,
                        state: &state_now,
                    },
                )?;
            }
        }
        doc["updated_at"] = json!(now);
        s.update_doc(Kind::Conversation, &id, &doc)?;
        refresh_conversation(s, &id)?;
        full_conversation(s, &id, false)
    })?;
    Ok(Json(doc))
}

pub(crate) async fn update(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let plain = plaintext(&params)?;
    let body = Body::parse(&body)?;
    let read = body.bool_opt("read")?;
    let title = body.str_opt("title")?;
    let attrs = body.object_opt("custom_attributes")?;
    let now = state.now();
    let doc = state.tx(|s| {
        let mut doc = get_conversation(s, &id)?;
        if let Some(read) = read {
            doc["read"] = json!(read);
        }
        if let Some(title) = title {
            doc["title"] = json!(title);
        }
        if let Some(attrs) = attrs {
            merge_attributes(&mut doc, attrs);
        }
        doc["updated_at"] = json!(now);
        s.update_doc(Kind::Conversation, &id, &doc)?;
        full_conversation(s, &id, plain)
    })?;
    Ok(Json(doc))
}

pub(crate) async fn attach_tag(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    let tag_id = body.id_req("id")?;
    let now = state.now();
    let tag = state.tx(|s| {
        let admin = body_admin(s, &body)?;
        let admin_id = admin["id"].as_str().unwrap_or_default().to_owned();
        get_conversation(s, &id)?;
        let tag = get_tag(s, &tag_id)?;
        let applied = apply_tag(s, Rel::ConversationTag, &id, &tag_id, &tag, now, &admin_id)?;
        refresh_conversation(s, &id)?;
        Ok(applied)
    })?;
    Ok(Json(tag))
}

pub(crate) async fn detach_tag(
    State(state): State<Arc<AppState>>,
    Path((id, tag_id)): Path<(String, String)>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    let tag = state.tx(|s| {
        if body.has("admin_id") {
            body_admin(s, &body)?;
        }
        get_conversation(s, &id)?;
        let tag = get_tag(s, &tag_id)?;
        let not_attached =
            ApiError::not_found("not_found", "Tag is not attached to this conversation");
        let removed = remove_tag(s, Rel::ConversationTag, &id, &tag_id, &tag, not_attached)?;
        refresh_conversation(s, &id)?;
        Ok(removed)
    })?;
    Ok(Json(tag))
}
