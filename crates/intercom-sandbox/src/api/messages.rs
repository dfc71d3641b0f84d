//! `POST /messages`: a message an admin sends to contacts, in-app or by email.
//!
//! Intercom keeps such a message as a conversation whose source is the message (delivered as
//! `admin_initiated`, written by the admin), with the recipients as its contacts; the answer
//! is the message object, carrying the `conversation_id`. A WhatsApp message (2.16) goes to a
//! phone number, not a contact, and is answered by the resource engine as before.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::StatusCode;
use serde_json::{Value, json};

use super::conversations::blank_conversation;
use super::model::{as_html, contact_reference, get_contact, refresh_conversation};
use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, Body};
use crate::store::{Key, Keys, Kind, Store};

pub(crate) async fn create(State(state): State<Arc<AppState>>, bytes: Bytes) -> Response {
    match create_inner(&state, &bytes) {
        Ok(Some(message)) => Json(message).into_response(),
        Ok(None) => crate::http::not_handled(),
        Err(err) => err.into_response(),
    }
}

fn create_inner(state: &AppState, bytes: &[u8]) -> ApiResult<Option<Value>> {
    let body = Body::parse(bytes)?;
    let kind = body
        .enum_opt("message_type", &["in_app", "inapp", "email", "whatsapp"])?
        .unwrap_or_else(|| "in_app".to_owned());
    if kind == "whatsapp" {
        return Ok(None);
    }
    let email = kind == "email";
    let from = body
        .nested("from")?
        .ok_or_else(|| ApiError::missing("from", "from is required: {type: admin, id}"))?;
    if let Some(t) = from.str_opt("type")?
        && t != "admin"
    {
        return Err(ApiError::invalid(
            "from.type",
            format!(
                "from.type must be admin, not {t:?}; a contact starts a conversation with POST /conversations"
            ),
        ));
    }
    let admin_id = from.id_req("id")?;
    let text = body.str_opt("body")?.filter(|t| !t.trim().is_empty());
    let Some(text) = text else {
        return Err(ApiError::invalid("body", "Body is required"));
    };
    let subject = body.str_opt("subject")?.filter(|t| !t.trim().is_empty());
    if email && subject.is_none() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "parameter_not_found",
            "No subject supplied for email message",
        )
        .with_field("subject"));
    }
    let recipients: Vec<Body> = match body.raw("to") {
        None | Some(Value::Null) => {
            return Err(ApiError::missing(
                "to",
                "to is required: {type: user|lead, id} or an array of them",
            ));
        }
        Some(Value::Array(items)) if items.is_empty() => {
            return Err(ApiError::invalid("to", "to must name at least one contact"));
        }
        Some(Value::Array(items)) => (0..items.len())
            .map(|i| recipient(&body, "to", Some(i)))
            .collect::<ApiResult<_>>()?,
        Some(_) => vec![recipient(&body, "to", None)?],
    };
    let created_at = body.i64_opt("created_at")?.unwrap_or_else(|| state.now());
    let message = state.tx(|s| {
        let admin = s.get(Kind::Admin, &admin_id)?.ok_or_else(|| {
            ApiError::not_found("admin_not_found", "Admin not found").with_field("from.id")
        })?;
        let mut contacts = Vec::with_capacity(recipients.len());
        for to in &recipients {
            let contact = recipient_contact(s, to)?;
            if !contacts.iter().any(|c: &Value| c["id"] == contact["id"]) {
                contacts.push(contact);
            }
        }
        let conversation_id = s.next_counter("conversation_counter", 1_000)?.to_string();
        let message_id = s.next_counter("message_counter", 400_000_000)?.to_string();
        let source = json!({
            "type": if email { "email" } else { "conversation" },
            "id": message_id,
            "delivered_as": "admin_initiated",
            "subject": subject.clone().unwrap_or_default(),
            "body": as_html(&text),
            "author": {"id": admin["id"], "type": "admin", "name": admin["name"], "email": admin["email"]},
            "attachments": [],
            "url": null,
            "redacted": false,
        });
        let doc = blank_conversation(
            &conversation_id,
            created_at,
            source,
            contacts.iter().map(contact_reference).collect(),
        );
        s.insert(Kind::Conversation, &conversation_id, &Keys::none(), &doc)?;
        refresh_conversation(s, &conversation_id)?;
        let mut message = json!({
            "type": "admin_message",
            "id": message_id,
            "created_at": created_at,
            "body": text,
            "message_type": if email { "email" } else { "inapp" },
            "conversation_id": conversation_id,
        });
        if let Some(subject) = &subject {
            message["subject"] = json!(subject);
        }
        Ok(message)
    })?;
    Ok(Some(message))
}

/// The recipient at `to` (or `to[i]`), checked for its type.
fn recipient(body: &Body, field: &str, index: Option<usize>) -> ApiResult<Body> {
    let (value, path) = match index {
        None => (body.raw(field), field.to_owned()),
        Some(i) => (
            body.raw(field)
                .and_then(Value::as_array)
                .and_then(|a| a.get(i)),
            format!("{field}[{i}]"),
        ),
    };
    let bytes = match value {
        Some(v @ Value::Object(_)) => v.to_string(),
        Some(other) => {
            return Err(ApiError::invalid(
                &path,
                format!(
                    "{path} must be an object {{type: user|lead, id}}, not {}",
                    crate::state::json_type(other)
                ),
            ));
        }
        None => return Err(ApiError::missing(&path, format!("{path} is required"))),
    };
    let to = Body::parse(bytes.as_bytes())?;
    if let Some(t) = to.str_opt("type")?
        && t != "user"
        && t != "lead"
    {
        return Err(ApiError::invalid(
            &format!("{path}.type"),
            format!("{path}.type must be user or lead, not {t:?}"),
        ));
    }
    if !(to.has("id") || to.has("email") || to.has("user_id")) {
        return Err(ApiError::missing(
            &format!("{path}.id"),
            format!("{path} needs one of id, email or user_id"),
        ));
    }
    Ok(to)
}

/// The contact a recipient names by id, email or user_id.
fn recipient_contact(s: &Store, to: &Body) -> ApiResult<Value> {
    let not_found = || ApiError::not_found("not_found", "User Not Found").with_field("to.id");
    if let Some(id) = to.id_opt("id")? {
        return get_contact(s, &id).map_err(|_| not_found());
    }
    let found = if let Some(email) = to.str_opt("email")? {
        s.find_by(Kind::Contact, Key::K1, &email.to_lowercase())?
    } else {
        let external = to.id_opt("user_id")?.unwrap_or_default();
        s.find_by(Kind::Contact, Key::K2, &external)?
    };
    found
        .into_iter()
        .next()
        .map(|r| r.doc)
        .ok_or_else(not_found)
}
