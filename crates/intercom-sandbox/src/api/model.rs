//! The documents the API returns, and how they are kept current.
//!
//! Each stored `doc` is exactly the API's JSON for that object; the functions here rebuild the
//! derived parts (tag and company lists, user counts, conversation statistics) after writes.

use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::store::{Key, Keys, Kind, Rel, Store};

/// How many related objects a contact document embeds before `has_more`.
const EMBED_LIMIT: usize = 10;

// ---------------------------------------------------------------- ids

/// A 24-hex-digit id like Intercom's object ids, unique per (time, counter).
pub(crate) fn object_id(time: i64, counter: i64, salt: u64) -> String {
    format!(
        "{:08x}{:06x}{:010x}",
        time as u32,
        (counter as u64) & 0xff_ffff,
        salt & 0xff_ffff_ffff
    )
}

/// A fresh object id for a new write.
pub(crate) fn new_object_id(s: &Store, now: i64) -> ApiResult<String> {
    let counter = s.next_counter("object_counter", 0)?;
    let salt = uuid::Uuid::new_v4().as_u128() as u64;
    Ok(object_id(now, counter, salt))
}

// ---------------------------------------------------------------- admins

pub(crate) fn get_admin(s: &Store, admin_id: &str) -> ApiResult<Value> {
    s.get(Kind::Admin, admin_id)?
        .ok_or_else(|| ApiError::not_found("admin_not_found", "Admin not found"))
}

// ---------------------------------------------------------------- contacts

/// A contact document with every field at its empty value.
pub(crate) fn blank_contact(id: &str, workspace_id: &str, now: i64) -> Value {
    let list = |what: &str| json!({"type": "list", "data": [], "url": format!("/contacts/{id}/{what}"), "total_count": 0, "has_more": false});
    json!({
        "type": "contact",
        "id": id,
        "workspace_id": workspace_id,
        "external_id": null,
        "role": "user",
        "email": null,
        "email_domain": null,
        "phone": null,
        "name": null,
        "avatar": null,
        "owner_id": null,
        "social_profiles": {"type": "list", "data": []},
        "has_hard_bounced": false,
        "marked_email_as_spam": false,
        "unsubscribed_from_emails": false,
        "created_at": now,
        "updated_at": now,
        "signed_up_at": null,
        "last_seen_at": null,
        "last_replied_at": null,
        "last_contacted_at": null,
        "last_email_opened_at": null,
        "last_email_clicked_at": null,
        "language_override": null,
        "browser": null,
        "browser_version": null,
        "browser_language": null,
        "os": null,
        "location": {"type": "location", "country": null, "region": null, "city": null, "country_code": null, "continent_code": null},
        "android_app_name": null,
        "android_app_version": null,
        "android_device": null,
        "android_os_version": null,
        "android_sdk_version": null,
        "android_last_seen_at": null,
        "ios_app_name": null,
        "ios_app_version": null,
        "ios_device": null,
        "ios_os_version": null,
        "ios_sdk_version": null,
        "ios_last_seen_at": null,
        "custom_attributes": {},
        "tags": list("tags"),
        "notes": list("notes"),
        "companies": list("companies"),
        "opted_out_subscription_types": list("subscriptions"),
        "opted_in_subscription_types": list("subscriptions"),
        "utm_campaign": null,
        "utm_content": null,
        "utm_medium": null,
        "utm_source": null,
        "utm_term": null,
        "referrer": null,
        "enabled_push_messaging": null,
    })
}

pub(crate) fn contact_keys(doc: &Value) -> Keys {
    Keys::both(
        doc["email"].as_str().map(str::to_lowercase),
        doc["external_id"].as_str().map(str::to_owned),
    )
}

pub(crate) fn get_contact(s: &Store, id: &str) -> ApiResult<Value> {
    s.get(Kind::Contact, id)?
        .ok_or_else(|| ApiError::not_found("not_found", "User Not Found"))
}

fn embedded_list(s: &Store, rel: Rel, id: &str, kind: &str, path: &str) -> ApiResult<Value> {
    let links = s.links_from(rel, id)?;
    let data: Vec<Value> = links
        .iter()
        .take(EMBED_LIMIT)
        .map(|l| json!({"type": kind, "id": l.b, "url": format!("/{path}/{}", l.b)}))
        .collect();
    Ok(json!({
        "type": "list",
        "data": data,
        "url": format!("/contacts/{id}/{path}"),
        "total_count": links.len(),
        "has_more": links.len() > EMBED_LIMIT,
    }))
}

/// Rebuilds a contact's tag and company lists and stores the document.
pub(crate) fn refresh_contact(s: &Store, id: &str) -> ApiResult<Value> {
    let mut doc = get_contact(s, id)?;
    doc["tags"] = embedded_list(s, Rel::ContactTag, id, "tag", "tags")?;
    doc["companies"] = embedded_list(s, Rel::ContactCompany, id, "company", "companies")?;
    s.update(Kind::Contact, id, &contact_keys(&doc), &doc)?;
    Ok(doc)
}

pub(crate) fn contact_reference(doc: &Value) -> Value {
    json!({"type": "contact", "id": doc["id"], "external_id": doc["external_id"]})
}

// ---------------------------------------------------------------- companies

pub(crate) fn get_company(s: &Store, id: &str) -> ApiResult<Value> {
    s.get(Kind::Company, id)?
        .ok_or_else(|| ApiError::not_found("company_not_found", "Company Not Found"))
}

pub(crate) fn company_keys(doc: &Value) -> Keys {
    Keys::both(
        doc["company_id"].as_str().map(str::to_owned),
        doc["name"].as_str().map(str::to_lowercase),
    )
}

/// Rebuilds a company's user count, tags and segments and stores the document.
pub(crate) fn refresh_company(s: &Store, id: &str) -> ApiResult<Value> {
    let mut doc = get_company(s, id)?;
    doc["user_count"] = json!(s.count_links_to(Rel::ContactCompany, id)?);
    let mut tags = Vec::new();
    for link in s.links_from(Rel::CompanyTag, id)? {
        if let Some(tag) = s.get(Kind::Tag, &link.b)? {
            tags.push(json!({"type": "tag", "id": tag["id"], "name": tag["name"]}));
        }
    }
    doc["tags"] = json!({"type": "tag.list", "tags": tags});
    let mut segments = Vec::new();
    for link in s.links_from(Rel::CompanySegment, id)? {
        if let Some(segment) = s.get(Kind::Segment, &link.b)? {
            segments.push(segment);
        }
    }
    doc["segments"] = json!({"type": "segment.list", "segments": segments});
    s.update(Kind::Company, id, &company_keys(&doc), &doc)?;
    Ok(doc)
}

// ---------------------------------------------------------------- tags

pub(crate) fn get_tag(s: &Store, id: &str) -> ApiResult<Value> {
    s.get(Kind::Tag, id)?
        .ok_or_else(|| ApiError::not_found("not_found", "Resource Not Found"))
}

/// A tag as returned by tagging operations.
pub(crate) fn applied_tag(tag: &Value, at: i64, by: Option<&str>) -> Value {
    json!({
        "type": "tag",
        "id": tag["id"],
        "name": tag["name"],
        "applied_at": at,
        "applied_by": by.map(|id| json!({"type": "admin", "id": id})),
    })
}

/// Refreshes every document that shows `tag_id` (companies and conversations embed its name).
pub(crate) fn refresh_tag_holders(s: &Store, tag_id: &str, before_delete: bool) -> ApiResult<()> {
    let contacts = s.links_to(Rel::ContactTag, tag_id)?;
    let companies = s.links_to(Rel::CompanyTag, tag_id)?;
    let conversations = s.links_to(Rel::ConversationTag, tag_id)?;
    if before_delete {
        s.unlink_all_to(Rel::ContactTag, tag_id)?;
        s.unlink_all_to(Rel::CompanyTag, tag_id)?;
        s.unlink_all_to(Rel::ConversationTag, tag_id)?;
        for link in &contacts {
            refresh_contact(s, &link.a)?;
        }
    }
    for link in &companies {
        refresh_company(s, &link.a)?;
    }
    for link in &conversations {
        refresh_conversation(s, &link.a)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- segments

pub(crate) fn get_segment(s: &Store, id: &str) -> ApiResult<Value> {
    s.get(Kind::Segment, id)?
        .ok_or_else(|| ApiError::not_found("not_found", "Resource Not Found"))
}

// ---------------------------------------------------------------- conversations

pub(crate) fn get_conversation(s: &Store, id: &str) -> ApiResult<Value> {
    s.get(Kind::Conversation, id)?
        .ok_or_else(|| ApiError::not_found("not_found", "Resource Not Found"))
}

/// Parts of a conversation in order.
pub(crate) fn parts_of(s: &Store, conversation_id: &str) -> ApiResult<Vec<Value>> {
    Ok(s.find_by(Kind::Part, Key::K1, conversation_id)?
        .into_iter()
        .map(|r| r.doc)
        .collect())
}

/// A conversation part document.
#[allow(clippy::too_many_arguments)]
pub(crate) fn part_doc(
    id: &str,
    part_type: &str,
    body: Option<&str>,
    at: i64,
    author: Value,
    assigned_to: Value,
    state: &str,
) -> Value {
    json!({
        "type": "conversation_part",
        "id": id,
        "part_type": part_type,
        "body": body,
        "created_at": at,
        "updated_at": at,
        "notified_at": at,
        "assigned_to": assigned_to,
        "author": author,
        "attachments": [],
        "external_id": null,
        "redacted": false,
        "metadata": {},
        "email_message_metadata": null,
        "state": state,
        "tags": [],
        "event_details": null,
        "app_package_code": null,
    })
}

/// Wraps plain text in a paragraph, leaving HTML alone.
pub(crate) fn as_html(body: &str) -> String {
    let trimmed = body.trim_start();
    if trimmed.starts_with('<') {
        body.to_owned()
    } else {
        let escaped = body
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        format!("<p>{escaped}</p>")
    }
}

fn is_contact_author(part: &Value) -> bool {
    matches!(
        part["author"]["type"].as_str(),
        Some("user" | "lead" | "contact")
    )
}

fn is_admin_author(part: &Value) -> bool {
    part["author"]["type"].as_str() == Some("admin")
}

/// Fills the derived fields of a conversation from its parts: `statistics`, `teammates`,
/// `first_contact_reply` and `waiting_since`.
pub(crate) fn derive_conversation(doc: &mut Value, parts: &[Value]) {
    let created = doc["created_at"].as_i64().unwrap_or(0);
    let mut first_contact_reply: Option<i64> = None;
    let mut last_contact_reply: Option<i64> = None;
    let mut first_admin_reply: Option<i64> = None;
    let mut last_admin_reply: Option<i64> = None;
    let mut first_assignment: Option<i64> = None;
    let mut last_assignment: Option<i64> = None;
    let mut last_assignment_admin_reply: Option<i64> = None;
    let mut first_close: Option<i64> = None;
    let mut last_close: Option<i64> = None;
    let mut last_closed_by: Option<String> = None;
    let mut count_assignments = 0;
    let mut count_reopens = 0;
    let mut was_closed = false;
    let mut teammates: Vec<String> = Vec::new();
    let mut reply_times: Vec<i64> = Vec::new();
    // The source message is the contact's first word when the contact started it.
    let mut waiting: Option<i64> = match doc["source"]["author"]["type"].as_str() {
        Some("user" | "lead" | "contact") => Some(created),
        _ => None,
    };
    for part in parts {
        let at = part["created_at"].as_i64().unwrap_or(created);
        let part_type = part["part_type"].as_str().unwrap_or("");
        if is_admin_author(part) {
            if let Some(id) = part["author"]["id"].as_str() {
                if !teammates.iter().any(|t| t == id) {
                    teammates.push(id.to_owned());
                }
            }
        }
        match part_type {
            "comment" | "open" if is_contact_author(part) => {
                first_contact_reply.get_or_insert(at);
                last_contact_reply = Some(at);
                waiting.get_or_insert(at);
                if part_type == "open" && was_closed {
                    count_reopens += 1;
                    was_closed = false;
                }
            }
            "comment" | "quick_reply" if is_admin_author(part) => {
                first_admin_reply.get_or_insert(at);
                last_admin_reply = Some(at);
                if last_assignment.is_some() && last_assignment_admin_reply.is_none() {
                    last_assignment_admin_reply = Some(at);
                }
                if let Some(since) = waiting.take() {
                    reply_times.push(at - since);
                }
            }
            "assignment" | "assign_and_reopen" | "default_assignment" => {
                count_assignments += 1;
                first_assignment.get_or_insert(at);
                last_assignment = Some(at);
                last_assignment_admin_reply = None;
                if part_type == "assign_and_reopen" && was_closed {
                    count_reopens += 1;
                    was_closed = false;
                }
            }
            "close" => {
                first_close.get_or_insert(at);
                last_close = Some(at);
                last_closed_by = part["author"]["id"].as_str().map(str::to_owned);
                was_closed = true;
                waiting = None;
            }
            "open" if was_closed => {
                count_reopens += 1;
                was_closed = false;
            }
            _ => {}
        }
    }
    reply_times.sort_unstable();
    let median = if reply_times.is_empty() {
        None
    } else {
        Some(reply_times[reply_times.len() / 2])
    };
    let since = |t: Option<i64>| t.map(|t| t - created);
    doc["statistics"] = json!({
        "type": "conversation_statistics",
        "time_to_assignment": since(first_assignment),
        "time_to_admin_reply": since(first_admin_reply),
        "time_to_first_close": since(first_close),
        "time_to_last_close": since(last_close),
        "median_time_to_reply": median,
        "first_contact_reply_at": first_contact_reply,
        "first_assignment_at": first_assignment,
        "first_admin_reply_at": first_admin_reply,
        "first_close_at": first_close,
        "last_assignment_at": last_assignment,
        "last_assignment_admin_reply_at": last_assignment_admin_reply,
        "last_contact_reply_at": last_contact_reply,
        "last_admin_reply_at": last_admin_reply,
        "last_close_at": last_close,
        "last_closed_by_id": last_closed_by,
        "count_reopens": count_reopens,
        "count_assignments": count_assignments,
        "count_conversation_parts": parts.len() + 1,
    });
    doc["first_contact_reply"] = match first_contact_reply {
        Some(at) => json!({"created_at": at, "type": "conversation", "url": null}),
        None => Value::Null,
    };
    doc["teammates"] = json!({
        "type": "admin.list",
        "teammates": teammates.iter().map(|id| json!({"type": "admin", "id": id})).collect::<Vec<_>>(),
    });
    let open = doc["state"].as_str() == Some("open");
    doc["waiting_since"] = match (open, waiting) {
        (true, Some(at)) => json!(at),
        _ => Value::Null,
    };
}

/// Rebuilds a conversation's tags and derived fields and stores the document.
pub(crate) fn refresh_conversation(s: &Store, id: &str) -> ApiResult<Value> {
    let mut doc = get_conversation(s, id)?;
    let mut tags = Vec::new();
    for link in s.links_from(Rel::ConversationTag, id)? {
        if let Some(tag) = s.get(Kind::Tag, &link.b)? {
            tags.push(applied_tag(&tag, link.at, link.by.as_deref()));
        }
    }
    doc["tags"] = json!({"type": "tag.list", "tags": tags});
    let parts = parts_of(s, id)?;
    derive_conversation(&mut doc, &parts);
    s.update_doc(Kind::Conversation, id, &doc)?;
    Ok(doc)
}

/// The conversation with its parts, as GET /conversations/{id} returns it.
pub(crate) fn full_conversation(s: &Store, id: &str, plaintext: bool) -> ApiResult<Value> {
    let mut doc = get_conversation(s, id)?;
    let mut parts = parts_of(s, id)?;
    if plaintext {
        if let Some(body) = doc["source"]["body"].as_str() {
            doc["source"]["body"] = json!(crate::plaintext::html_to_text(body));
        }
        for part in &mut parts {
            if let Some(body) = part["body"].as_str() {
                part["body"] = json!(crate::plaintext::html_to_text(body));
            }
        }
    }
    let total = parts.len();
    doc["conversation_parts"] = json!({
        "type": "conversation_part.list",
        "conversation_parts": parts,
        "total_count": total,
    });
    Ok(doc)
}

/// Merges `attrs` into `doc["custom_attributes"]`; a null value removes the key.
pub(crate) fn merge_attributes(doc: &mut Value, attrs: Map<String, Value>) {
    if !doc["custom_attributes"].is_object() {
        doc["custom_attributes"] = json!({});
    }
    if let Some(target) = doc["custom_attributes"].as_object_mut() {
        for (k, v) in attrs {
            if v.is_null() {
                target.remove(&k);
            } else {
                target.insert(k, v);
            }
        }
    }
}
