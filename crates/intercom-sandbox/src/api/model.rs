//! The documents the API returns, and how they are kept current.
//!
//! Each stored `doc` is exactly the API's JSON for that object; the functions here rebuild the
//! derived parts (tag and company lists, user counts, conversation statistics) after writes.

use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::store::{Key, Keys, Kind, Link, Rel, Store};

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
    let tags: Vec<Value> = s
        .linked(Rel::CompanyTag, id, Kind::Tag)?
        .into_iter()
        .map(|(_, tag)| json!({"type": "tag", "id": tag["id"], "name": tag["name"]}))
        .collect();
    doc["tags"] = json!({"type": "tag.list", "tags": tags});
    let segments = linked_docs(s, Rel::CompanySegment, id, Kind::Segment)?;
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

/// The documents of `kind` linked from `owner` through `rel`, in link order.
pub(crate) fn linked_docs(s: &Store, rel: Rel, owner: &str, kind: Kind) -> ApiResult<Vec<Value>> {
    Ok(s.linked(rel, owner, kind)?
        .into_iter()
        .map(|(_, doc)| doc)
        .collect())
}

/// The tags on `owner` through `rel`, as applied (when and by whom).
pub(crate) fn applied_tags(s: &Store, rel: Rel, owner: &str) -> ApiResult<Vec<Value>> {
    Ok(s.linked(rel, owner, Kind::Tag)?
        .into_iter()
        .map(|(link, tag)| applied_tag(&tag, link.at, link.by.as_deref()))
        .collect())
}

/// Puts tag `tag_id` (the document `tag`) on `owner` through `rel`, applied by admin `by` at
/// `now`, and returns it as applied. A tag already there keeps its first application's time and
/// admin, as Intercom's tagging is idempotent.
pub(crate) fn apply_tag(
    s: &Store,
    rel: Rel,
    owner: &str,
    tag_id: &str,
    tag: &Value,
    now: i64,
    by: &str,
) -> ApiResult<Value> {
    s.link(rel, owner, tag_id, now, Some(by))?;
    Ok(match tag_link(s, rel, owner, tag_id)? {
        Some(link) => applied_tag(tag, link.at, link.by.as_deref()),
        None => applied_tag(tag, now, Some(by)),
    })
}

/// Takes tag `tag_id` off `owner` and returns it as it was applied; `not_attached` when it was
/// not on `owner`.
pub(crate) fn remove_tag(
    s: &Store,
    rel: Rel,
    owner: &str,
    tag_id: &str,
    tag: &Value,
    not_attached: ApiError,
) -> ApiResult<Value> {
    let link = tag_link(s, rel, owner, tag_id)?.ok_or(not_attached)?;
    s.unlink(rel, owner, tag_id)?;
    Ok(applied_tag(tag, link.at, link.by.as_deref()))
}

fn tag_link(s: &Store, rel: Rel, owner: &str, tag_id: &str) -> ApiResult<Option<Link>> {
    Ok(s.links_from(rel, owner)?
        .into_iter()
        .find(|l| l.b == tag_id))
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
        // Tickets do not show their tags, so only the links go.
        s.unlink_all_to(Rel::TicketTag, tag_id)?;
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
        if is_admin_author(part)
            && let Some(id) = part["author"]["id"].as_str()
            && !teammates.iter().any(|t| t == id)
        {
            teammates.push(id.to_owned());
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
    let tags = applied_tags(s, Rel::ConversationTag, id)?;
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

// ---------------------------------------------------------------- ticket types and states

/// The categories a ticket type (and so its tickets) can have.
pub(crate) const TICKET_CATEGORIES: &[&str] = &["Customer", "Back-office", "Tracker"];
/// The categories of ticket states, in workflow order.
pub(crate) const STATE_CATEGORIES: &[&str] = &[
    "submitted",
    "in_progress",
    "waiting_on_customer",
    "resolved",
];
/// The data types of ticket type attributes.
pub(crate) const ATTRIBUTE_TYPES: &[&str] = &[
    "string", "list", "integer", "decimal", "boolean", "datetime", "files",
];
/// The icon a ticket type gets when none is given.
pub(crate) const DEFAULT_TICKET_ICON: &str = "\u{1F39F}\u{FE0F}";
/// The keys of the two attributes every ticket type has.
pub(crate) const DEFAULT_TITLE: &str = "_default_title_";
pub(crate) const DEFAULT_DESCRIPTION: &str = "_default_description_";

pub(crate) fn get_ticket_type(s: &Store, id: &str) -> ApiResult<Value> {
    s.get(Kind::TicketType, id)?
        .ok_or_else(|| ApiError::not_found("ticket_type_not_found", "Ticket type not found"))
}

pub(crate) fn ticket_type_keys(doc: &Value) -> Keys {
    Keys::k1(doc["name"].as_str().map(str::to_lowercase))
}

/// A stored ticket state (GET /ticket_states adds its `ticket_types`).
pub(crate) fn ticket_state_doc(
    id: &str,
    category: &str,
    internal_label: &str,
    external_label: &str,
) -> Value {
    json!({
        "type": "ticket_state",
        "id": id,
        "category": category,
        "internal_label": internal_label,
        "external_label": external_label,
        "archived": false,
    })
}

/// A ticket state as embedded in ticket types and tickets.
pub(crate) fn state_reference(state: &Value) -> Value {
    json!({
        "type": "ticket_state",
        "id": state["id"],
        "category": state["category"],
        "internal_label": state["internal_label"],
        "external_label": state["external_label"],
    })
}

/// A new ticket type without attributes or states (see [`refresh_ticket_type`]).
pub(crate) fn blank_ticket_type(id: &str, workspace_id: &str, at: i64) -> Value {
    json!({
        "type": "ticket_type",
        "id": id,
        "name": "",
        "description": "",
        "icon": DEFAULT_TICKET_ICON,
        "workspace_id": workspace_id,
        "archived": false,
        "created_at": at,
        "updated_at": at,
        "is_internal": false,
        "ticket_type_attributes": {"type": "list", "data": []},
        "category": "Customer",
        "ticket_states": {"type": "list", "data": []},
    })
}

/// What a new ticket type attribute says about itself.
pub(crate) struct AttributeSpec<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub data_type: &'a str,
    pub input_options: Value,
    pub required_to_create: bool,
    pub required_to_create_for_contacts: bool,
    pub visible_on_create: bool,
    pub visible_to_contacts: bool,
    pub default: bool,
}

impl AttributeSpec<'_> {
    /// The built-in title (`order` 0) or description (`order` 1) attribute.
    pub fn builtin(name: &str) -> AttributeSpec<'_> {
        AttributeSpec {
            name,
            description: "",
            data_type: "string",
            input_options: json!({"multiline": name == DEFAULT_DESCRIPTION}),
            required_to_create: false,
            required_to_create_for_contacts: false,
            visible_on_create: true,
            visible_to_contacts: true,
            default: true,
        }
    }
}

/// A ticket type attribute document.
pub(crate) fn ticket_type_attribute(
    id: &str,
    workspace_id: &str,
    ticket_type_id: &str,
    order: usize,
    spec: AttributeSpec<'_>,
    at: i64,
) -> Value {
    json!({
        "type": "ticket_type_attribute",
        "id": id,
        "workspace_id": workspace_id,
        "name": spec.name,
        "description": spec.description,
        "data_type": spec.data_type,
        "input_options": spec.input_options,
        "order": order,
        "required_to_create": spec.required_to_create,
        "required_to_create_for_contacts": spec.required_to_create_for_contacts,
        "visible_on_create": spec.visible_on_create,
        "visible_to_contacts": spec.visible_to_contacts,
        "default": spec.default,
        "ticket_type_id": ticket_type_id.parse::<i64>().ok(),
        "archived": false,
        "created_at": at,
        "updated_at": at,
    })
}

/// The attributes of a ticket type document.
pub(crate) fn type_attributes(ticket_type: &Value) -> &[Value] {
    ticket_type["ticket_type_attributes"]["data"]
        .as_array()
        .map_or(&[], Vec::as_slice)
}

/// The ticket type as a ticket embeds it: without its states.
fn embedded_ticket_type(ticket_type: &Value) -> Value {
    let mut doc = ticket_type.clone();
    if let Some(map) = doc.as_object_mut() {
        map.remove("ticket_states");
    }
    doc
}

/// The states a ticket type offers, in link order.
pub(crate) fn states_of_type(s: &Store, type_id: &str) -> ApiResult<Vec<Value>> {
    linked_docs(s, Rel::TicketTypeState, type_id, Kind::TicketState)
}

/// Rebuilds a ticket type's state list, stores it, and refreshes the tickets of that type.
pub(crate) fn refresh_ticket_type(s: &Store, id: &str) -> ApiResult<Value> {
    let mut doc = get_ticket_type(s, id)?;
    let states: Vec<Value> = states_of_type(s, id)?.iter().map(state_reference).collect();
    doc["ticket_states"] = json!({"type": "list", "data": states});
    s.update(Kind::TicketType, id, &ticket_type_keys(&doc), &doc)?;
    for row in s.find_by(Kind::Ticket, Key::K1, id)? {
        let mut ticket = row.doc;
        let state = match ticket["ticket_state"]["id"].as_str() {
            Some(state_id) => s.get(Kind::TicketState, state_id)?,
            None => None,
        };
        derive_ticket(&mut ticket, &doc, state.as_ref());
        s.update(Kind::Ticket, &row.id, &ticket_keys(&ticket), &ticket)?;
    }
    Ok(doc)
}

// ---------------------------------------------------------------- tickets

pub(crate) fn get_ticket(s: &Store, id: &str) -> ApiResult<Value> {
    s.get(Kind::Ticket, id)?
        .ok_or_else(|| ApiError::not_found("ticket_not_found", "Ticket not found"))
}

pub(crate) fn ticket_keys(doc: &Value) -> Keys {
    Keys::both(
        doc["ticket_type"]["id"].as_str().map(str::to_owned),
        doc["ticket_id"].as_str().map(str::to_owned),
    )
}

/// A new ticket document; [`derive_ticket`] fills its type, category and state.
pub(crate) fn blank_ticket(
    id: &str,
    ticket_id: &str,
    created_at: i64,
    contacts: Vec<Value>,
) -> Value {
    json!({
        "type": "ticket",
        "id": id,
        "ticket_id": ticket_id,
        "category": "Customer",
        "ticket_attributes": {},
        "ticket_state": null,
        "ticket_type": null,
        "contacts": {"type": "contact.list", "contacts": contacts},
        "admin_assignee_id": "0",
        "team_assignee_id": "0",
        "created_at": created_at,
        "updated_at": created_at,
        "open": true,
        "snoozed_until": null,
        "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": false},
        "ticket_parts": {"type": "ticket_part.list", "ticket_parts": [], "total_count": 0},
        "is_shared": true,
    })
}

/// Fills a ticket's derived fields: the embedded type, its category, the state and the part count.
pub(crate) fn derive_ticket(ticket: &mut Value, ticket_type: &Value, state: Option<&Value>) {
    ticket["ticket_type"] = embedded_ticket_type(ticket_type);
    ticket["category"] = ticket_type["category"].clone();
    if let Some(state) = state {
        ticket["ticket_state"] = state_reference(state);
    }
    let count = ticket["ticket_parts"]["ticket_parts"]
        .as_array()
        .map_or(0, Vec::len);
    ticket["ticket_parts"]["total_count"] = json!(count);
    let links = ticket["linked_objects"]["data"]
        .as_array()
        .map_or(0, Vec::len);
    ticket["linked_objects"]["total_count"] = json!(links);
}

/// Rebuilds a ticket's derived fields from its type and state and stores it.
pub(crate) fn refresh_ticket(s: &Store, id: &str) -> ApiResult<Value> {
    let mut doc = get_ticket(s, id)?;
    let type_id = doc["ticket_type"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let ticket_type = get_ticket_type(s, &type_id)?;
    let state = match doc["ticket_state"]["id"].as_str() {
        Some(state_id) => s.get(Kind::TicketState, state_id)?,
        None => None,
    };
    derive_ticket(&mut doc, &ticket_type, state.as_ref());
    s.update(Kind::Ticket, id, &ticket_keys(&doc), &doc)?;
    Ok(doc)
}

/// A ticket part. State changes carry `previous_ticket_state` and `ticket_state` (categories).
pub(crate) fn ticket_part(
    id: &str,
    part_type: &str,
    body: Option<&str>,
    at: i64,
    author: Value,
    assigned_to: Value,
) -> Value {
    json!({
        "type": "ticket_part",
        "id": id,
        "part_type": part_type,
        "body": body,
        "created_at": at,
        "updated_at": at,
        "assigned_to": assigned_to,
        "author": author,
        "attachments": [],
        "external_id": null,
        "redacted": false,
    })
}

/// A `ticket_state_updated_by_admin` part moving from `previous` to `current` (categories).
pub(crate) fn ticket_state_part(
    id: &str,
    previous: &str,
    current: &str,
    at: i64,
    author: Value,
) -> Value {
    let mut part = ticket_part(
        id,
        "ticket_state_updated_by_admin",
        None,
        at,
        author,
        Value::Null,
    );
    part["previous_ticket_state"] = json!(previous);
    part["ticket_state"] = json!(current);
    part
}

/// Appends a part to a ticket document (the caller stores it).
pub(crate) fn push_ticket_part(ticket: &mut Value, part: Value) {
    if let Some(parts) = ticket["ticket_parts"]["ticket_parts"].as_array_mut() {
        parts.push(part);
    }
    let count = ticket["ticket_parts"]["ticket_parts"]
        .as_array()
        .map_or(0, Vec::len);
    ticket["ticket_parts"]["total_count"] = json!(count);
}

/// The author of a ticket part written by an admin.
pub(crate) fn ticket_admin_author(admin: &Value) -> Value {
    json!({"type": "admin", "id": admin["id"], "name": admin["name"], "email": admin["email"]})
}

/// The author of a ticket part written by a contact (ticket parts call every contact `user`).
pub(crate) fn ticket_contact_author(contact: &Value) -> Value {
    json!({"type": "user", "id": contact["id"], "name": contact["name"], "email": contact["email"]})
}

// ---------------------------------------------------------------- id counters

/// A counter in the store's meta table that hands out numeric ids.
pub(crate) struct Counter {
    name: &'static str,
    start: i64,
}

impl Counter {
    /// The next id, as Intercom's numeric-string ids.
    pub fn next(&self, s: &Store) -> rusqlite::Result<String> {
        Ok(s.next_counter(self.name, self.start)?.to_string())
    }
}

/// Ticket ids (`id`).
pub(crate) const TICKET_IDS: Counter = Counter {
    name: "ticket_counter",
    start: 2_000_000,
};
/// The human-facing ticket numbers (`ticket_id`).
pub(crate) const TICKET_NUMBERS: Counter = Counter {
    name: "ticket_number_counter",
    start: 0,
};
pub(crate) const TICKET_PART_IDS: Counter = Counter {
    name: "ticket_part_counter",
    start: 5_000_000,
};
pub(crate) const TICKET_TYPE_IDS: Counter = Counter {
    name: "ticket_type_counter",
    start: 40,
};
pub(crate) const TICKET_ATTRIBUTE_IDS: Counter = Counter {
    name: "ticket_attribute_counter",
    start: 100,
};
pub(crate) const TICKET_STATE_IDS: Counter = Counter {
    name: "ticket_state_counter",
    start: 8_000,
};
