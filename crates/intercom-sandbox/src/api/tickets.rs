//! Tickets: create, retrieve, update, delete, search, replies, tags, and converting a
//! conversation into a ticket.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::model::{
    DEFAULT_DESCRIPTION, DEFAULT_TITLE, STATE_CATEGORIES, TICKET_IDS, TICKET_NUMBERS,
    TICKET_PART_IDS, apply_tag, as_html, blank_contact, blank_ticket, contact_keys,
    contact_reference, derive_ticket, get_admin, get_company, get_conversation, get_tag,
    get_ticket, get_ticket_type, new_object_id, push_ticket_part, refresh_ticket, remove_tag,
    states_of_type, ticket_admin_author, ticket_contact_author, ticket_keys, ticket_part,
    ticket_state_part, type_attributes,
};
use super::ticket_types::workspace_id;
use super::{JsonResult, docs, parse_search_with};
use crate::error::{ApiError, ApiResult};
use crate::search::{AttributeType, SearchModel, SearchOptions, TicketAttribute};
use crate::state::{AppState, Body, json_type};
use crate::store::{Key, Kind, Order, Rel, Store};

const ALL: usize = usize::MAX >> 2;

// ---------------------------------------------------------------- attributes

/// Checks `given` against the unarchived attributes of `ticket_type` and returns the values
/// to store (list values as their labels, datetimes as Unix seconds).
fn check_attributes(
    ticket_type: &Value,
    given: &Map<String, Value>,
    field: &str,
) -> ApiResult<Map<String, Value>> {
    let attributes: Vec<&Value> = type_attributes(ticket_type)
        .iter()
        .filter(|a| a["archived"] != true)
        .collect();
    let mut out = Map::new();
    for (key, value) in given {
        let path = format!("{field}.{key}");
        let Some(attribute) = attributes.iter().find(|a| a["name"] == key.as_str()) else {
            let names: Vec<&str> = attributes
                .iter()
                .filter_map(|a| a["name"].as_str())
                .collect();
            return Err(ApiError::invalid(
                &path,
                format!(
                    "{key:?} is not an attribute of the ticket type {:?}; its attributes are: {}",
                    ticket_type["name"].as_str().unwrap_or_default(),
                    names.join(", ")
                ),
            ));
        };
        out.insert(key.clone(), attribute_value(attribute, value, &path)?);
    }
    Ok(out)
}

fn attribute_value(attribute: &Value, value: &Value, path: &str) -> ApiResult<Value> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let data_type = attribute["data_type"].as_str().unwrap_or("string");
    let wrong = |wanted: &str| {
        ApiError::invalid(
            path,
            format!(
                "{path} is a {data_type} attribute and must be {wanted}, not {}",
                json_type(value)
            ),
        )
    };
    match data_type {
        "string" if value.is_string() => Ok(value.clone()),
        "string" => Err(wrong("a string")),
        "integer" if value.is_i64() || value.is_u64() => Ok(value.clone()),
        "integer" => Err(wrong("an integer")),
        "decimal" if value.is_number() => Ok(value.clone()),
        "decimal" => Err(wrong("a number")),
        "boolean" if value.is_boolean() => Ok(value.clone()),
        "boolean" => Err(wrong("true or false")),
        "datetime" => match value {
            Value::Number(n) if n.is_i64() => Ok(value.clone()),
            Value::String(text) => text
                .parse::<jiff::Timestamp>()
                .map(|t| json!(t.as_second()))
                .map_err(|_| wrong("Unix seconds or an RFC 3339 time")),
            _ => Err(wrong("Unix seconds or an RFC 3339 time")),
        },
        "list" => {
            let options: Vec<&Value> = attribute["input_options"]["list_options"]
                .as_array()
                .map(|o| o.iter().filter(|o| o["archived"] != true).collect())
                .unwrap_or_default();
            let text = value
                .as_str()
                .ok_or_else(|| wrong("the label or id of a list item"))?;
            options
                .iter()
                .find(|o| o["label"] == text || o["id"] == text)
                .map(|o| o["label"].clone())
                .ok_or_else(|| {
                    let labels: Vec<&str> =
                        options.iter().filter_map(|o| o["label"].as_str()).collect();
                    ApiError::invalid(
                        path,
                        format!(
                            "{path} must be one of {} (or a list item id), not {text:?}",
                            labels.join(", ")
                        ),
                    )
                })
        }
        "files" if value.is_array() => Ok(value.clone()),
        "files" => Err(wrong("an array")),
        _ => Ok(value.clone()),
    }
}

/// Refuses a ticket missing an attribute its type requires when teammates create tickets.
fn check_required(ticket_type: &Value, values: &Map<String, Value>, field: &str) -> ApiResult<()> {
    for attribute in type_attributes(ticket_type) {
        if attribute["archived"] == true || attribute["required_to_create"] != true {
            continue;
        }
        let name = attribute["name"].as_str().unwrap_or_default();
        let present = match values.get(name) {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) => !s.trim().is_empty(),
            Some(_) => true,
        };
        if !present {
            return Err(ApiError::missing(
                &format!("{field}.{name}"),
                format!(
                    "{field}.{name} is required to create a {:?} ticket",
                    ticket_type["name"].as_str().unwrap_or_default()
                ),
            ));
        }
    }
    Ok(())
}

/// The search options that make `ticket_attribute.{id}` typed, from every ticket type.
fn search_options(s: &Store) -> ApiResult<SearchOptions> {
    let mut ticket_attributes = BTreeMap::new();
    for row in s.page(Kind::TicketType, None, None, Order::Asc, ALL)? {
        for attribute in type_attributes(&row.doc) {
            let (Some(id), Some(name)) = (attribute["id"].as_str(), attribute["name"].as_str())
            else {
                continue;
            };
            let data_type = match attribute["data_type"].as_str() {
                Some("string" | "list") => Some(AttributeType::String),
                Some("integer") => Some(AttributeType::Integer),
                Some("decimal") => Some(AttributeType::Float),
                Some("boolean") => Some(AttributeType::Boolean),
                Some("datetime") => Some(AttributeType::Date),
                _ => None,
            };
            ticket_attributes.insert(
                id.to_owned(),
                TicketAttribute {
                    name: name.to_owned(),
                    data_type,
                },
            );
        }
    }
    Ok(SearchOptions {
        ticket_attributes,
        ..SearchOptions::default()
    })
}

// ---------------------------------------------------------------- lookups

/// The admin named by `field` of `body`, or a 404 naming the field.
fn body_admin(s: &Store, body: &Body, field: &str) -> ApiResult<Option<Value>> {
    let Some(admin_id) = body.id_opt(field)? else {
        return Ok(None);
    };
    s.get(Kind::Admin, &admin_id)?.map(Some).ok_or_else(|| {
        ApiError::not_found("admin_not_found", &format!("No admin with id {admin_id}"))
            .with_field(body.path(field))
    })
}

fn first_contact(s: &Store, key: Key, value: &str) -> ApiResult<Option<Value>> {
    Ok(s.find_by(Kind::Contact, key, value)?
        .into_iter()
        .next()
        .map(|r| r.doc))
}

/// The contact an item of `contacts` names by `id`, `external_id` or `email`; an unknown email
/// makes a new contact, as Intercom does.
fn ticket_contact(
    s: &Store,
    item: &Value,
    field: &str,
    workspace: &str,
    now: i64,
) -> ApiResult<Value> {
    let Some(obj) = item.as_object() else {
        return Err(ApiError::invalid(
            field,
            format!(
                "{field} must be an object with id, external_id or email, not {}",
                json_type(item)
            ),
        ));
    };
    let text = |key: &str| match obj.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let not_found = |key: &str, value: &str| {
        ApiError::not_found(
            "not_found",
            &format!("User Not Found: no contact with {key} {value:?}"),
        )
        .with_field(format!("{field}.{key}"))
    };
    if let Some(id) = text("id") {
        return s
            .get(Kind::Contact, &id)?
            .ok_or_else(|| not_found("id", &id));
    }
    if let Some(external) = text("external_id") {
        return first_contact(s, Key::K2, &external)?
            .ok_or_else(|| not_found("external_id", &external));
    }
    if let Some(email) = text("email") {
        if let Some(found) = first_contact(s, Key::K1, &email.to_lowercase())? {
            return Ok(found);
        }
        let Some((_, domain)) = email
            .split_once('@')
            .filter(|(user, domain)| !user.is_empty() && domain.contains('.'))
        else {
            return Err(ApiError::invalid(
                &format!("{field}.email"),
                format!("{field}.email {email:?} is not a valid email address"),
            ));
        };
        let id = new_object_id(s, now)?;
        let mut doc = blank_contact(&id, workspace, now);
        doc["email"] = json!(email);
        doc["email_domain"] = json!(domain.to_lowercase());
        s.insert(Kind::Contact, &id, &contact_keys(&doc), &doc)?;
        return Ok(doc);
    }
    Err(ApiError::missing(
        field,
        format!("{field} needs one of id, external_id or email"),
    ))
}

/// The contact a contact reply names by `intercom_user_id`, `user_id` or `email`.
fn replying_contact(s: &Store, body: &Body) -> ApiResult<Value> {
    let not_found = |field: &str| {
        ApiError::not_found("not_found", "User Not Found").with_field(field.to_owned())
    };
    if let Some(id) = body.id_opt("intercom_user_id")? {
        return s
            .get(Kind::Contact, &id)?
            .ok_or_else(|| not_found("intercom_user_id"));
    }
    if let Some(external) = body.id_opt("user_id")? {
        return first_contact(s, Key::K2, &external)?.ok_or_else(|| not_found("user_id"));
    }
    if let Some(email) = body.str_opt("email")? {
        return first_contact(s, Key::K1, &email.to_lowercase())?.ok_or_else(|| not_found("email"));
    }
    Err(ApiError::missing(
        "intercom_user_id",
        "a contact reply needs one of intercom_user_id, user_id or email",
    ))
}

/// The first state of `category` the ticket type offers.
fn state_of_category(s: &Store, type_id: &str, category: &str) -> ApiResult<Option<Value>> {
    Ok(states_of_type(s, type_id)?
        .into_iter()
        .find(|st| st["category"] == category && st["archived"] != true))
}

fn new_part_id(s: &Store) -> ApiResult<String> {
    Ok(TICKET_PART_IDS.next(s)?)
}

// ---------------------------------------------------------------- create

/// What a new ticket starts with.
struct NewTicket {
    ticket_type: Value,
    contacts: Vec<Value>,
    attributes: Map<String, Value>,
    created_at: i64,
    /// Parts before the opening state part (a converted conversation's message).
    lead_parts: Vec<Value>,
    /// Who the opening state part is attributed to.
    author: Value,
}

fn insert_ticket(s: &Store, new: NewTicket) -> ApiResult<Value> {
    let type_id = new.ticket_type["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let state = match state_of_category(s, &type_id, "submitted")? {
        Some(state) => state,
        None => states_of_type(s, &type_id)?
            .into_iter()
            .next()
            .ok_or_else(|| {
                ApiError::invalid("ticket_type_id", "the ticket type offers no ticket states")
            })?,
    };
    let id = TICKET_IDS.next(s)?;
    let number = TICKET_NUMBERS.next(s)?;
    let mut doc = blank_ticket(&id, &number, new.created_at, new.contacts);
    let mut attributes = Map::new();
    attributes.insert(DEFAULT_TITLE.to_owned(), Value::Null);
    attributes.insert(DEFAULT_DESCRIPTION.to_owned(), Value::Null);
    attributes.extend(new.attributes);
    doc["ticket_attributes"] = Value::Object(attributes);
    doc["is_shared"] = json!(new.ticket_type["category"] == "Customer");
    for part in new.lead_parts {
        push_ticket_part(&mut doc, part);
    }
    let category = state["category"].as_str().unwrap_or("submitted").to_owned();
    let part_id = new_part_id(s)?;
    push_ticket_part(
        &mut doc,
        ticket_state_part(&part_id, &category, &category, new.created_at, new.author),
    );
    derive_ticket(&mut doc, &new.ticket_type, Some(&state));
    s.insert(Kind::Ticket, &id, &ticket_keys(&doc), &doc)?;
    Ok(doc)
}

/// A linked object entry for `doc` (a ticket or a conversation).
fn linked_object(kind: &str, id: &str, category: Value) -> Value {
    json!({"type": kind, "id": id, "category": category})
}

fn push_linked(doc: &mut Value, entry: Value) {
    if !doc["linked_objects"]["data"].is_array() {
        doc["linked_objects"] =
            json!({"type": "list", "data": [], "total_count": 0, "has_more": false});
    }
    if let Some(data) = doc["linked_objects"]["data"].as_array_mut() {
        data.push(entry);
        let n = data.len();
        doc["linked_objects"]["total_count"] = json!(n);
    }
}

fn drop_linked(doc: &mut Value, kind: &str, id: &str) -> bool {
    let Some(data) = doc["linked_objects"]["data"].as_array_mut() else {
        return false;
    };
    let before = data.len();
    data.retain(|o| !(o["type"] == kind && o["id"] == id));
    let n = data.len();
    doc["linked_objects"]["total_count"] = json!(n);
    n != before
}

pub(crate) async fn create(State(state): State<Arc<AppState>>, body: Bytes) -> JsonResult {
    let body = Body::parse(&body)?;
    body.only(&[
        "ticket_type_id",
        "contacts",
        "ticket_attributes",
        "company_id",
        "created_at",
        "assignment",
        "conversation_to_link_id",
        "skip_notifications",
    ])?;
    let type_id = body.id_req("ticket_type_id")?;
    let contacts = body.array_opt("contacts")?.ok_or_else(|| {
        ApiError::missing(
            "contacts",
            "contacts is required: a list of one contact given as {id}, {external_id} or {email}",
        )
    })?;
    if contacts.len() != 1 {
        return Err(ApiError::invalid(
            "contacts",
            format!(
                "contacts must list exactly one contact, not {}",
                contacts.len()
            ),
        ));
    }
    let given = body.object_opt("ticket_attributes")?.unwrap_or_default();
    let company_id = body.id_opt("company_id")?;
    let created_at = body.i64_opt("created_at")?;
    let assignment = body.nested("assignment")?;
    if let Some(a) = &assignment {
        a.only(&["admin_assignee_id", "team_assignee_id"])?;
    }
    let link_to = body.id_opt("conversation_to_link_id")?;
    body.bool_opt("skip_notifications")?;
    let now = state.now();
    let workspace = workspace_id(&state);
    let doc = state.tx(|s| {
        let ticket_type =
            get_ticket_type(s, &type_id).map_err(|e| e.with_field("ticket_type_id"))?;
        if ticket_type["archived"] == true {
            return Err(ApiError::invalid(
                "ticket_type_id",
                format!("the ticket type {type_id} is archived; unarchive it to create tickets"),
            ));
        }
        let attributes = check_attributes(&ticket_type, &given, "ticket_attributes")?;
        check_required(&ticket_type, &attributes, "ticket_attributes")?;
        let contact = ticket_contact(s, &contacts[0], "contacts[0]", &workspace, now)?;
        if let Some(cid) = &company_id {
            get_company(s, cid).map_err(|e| e.with_field("company_id"))?;
        }
        let mut admin_assignee = None;
        let mut team_assignee = None;
        if let Some(a) = &assignment {
            if let Some(admin) = a.id_opt("admin_assignee_id")?.filter(|v| v != "0") {
                if s.get(Kind::Admin, &admin)?.is_none() {
                    return Err(
                        ApiError::not_found("assignee_not_found", "Assignee not found")
                            .with_field("assignment.admin_assignee_id"),
                    );
                }
                admin_assignee = Some(admin);
            }
            if let Some(team) = a.id_opt("team_assignee_id")?.filter(|v| v != "0") {
                if s.get(Kind::Team, &team)?.is_none() {
                    return Err(
                        ApiError::not_found("assignee_not_found", "Assignee not found")
                            .with_field("assignment.team_assignee_id"),
                    );
                }
                team_assignee = Some(team);
            }
        }
        let conversation = match &link_to {
            Some(cid) => Some(
                get_conversation(s, cid).map_err(|e| e.with_field("conversation_to_link_id"))?,
            ),
            None => None,
        };
        let me = get_admin(s, &state.me_admin_id)?;
        let mut doc = insert_ticket(
            s,
            NewTicket {
                ticket_type: ticket_type.clone(),
                contacts: vec![contact_reference(&contact)],
                attributes,
                created_at: created_at.unwrap_or(now),
                lead_parts: Vec::new(),
                author: ticket_admin_author(&me),
            },
        )?;
        let id = doc["id"].as_str().unwrap_or_default().to_owned();
        let assigned_to = match (&admin_assignee, &team_assignee) {
            (Some(admin), _) => Some(json!({"type": "admin", "id": admin})),
            (None, Some(team)) => Some(json!({"type": "team", "id": team})),
            (None, None) => None,
        };
        if let Some(assigned_to) = assigned_to {
            doc["admin_assignee_id"] = json!(admin_assignee.as_deref().unwrap_or("0"));
            doc["team_assignee_id"] = json!(team_assignee.as_deref().unwrap_or("0"));
            let part_id = new_part_id(s)?;
            let at = doc["created_at"].as_i64().unwrap_or(now);
            push_ticket_part(
                &mut doc,
                ticket_part(
                    &part_id,
                    "assignment",
                    None,
                    at,
                    ticket_admin_author(&me),
                    assigned_to,
                ),
            );
        }
        if let Some(cid) = &company_id {
            s.link(Rel::TicketCompany, &id, cid, now, None)?;
        }
        if let Some(mut conversation) = conversation {
            let cid = conversation["id"].as_str().unwrap_or_default().to_owned();
            push_linked(&mut doc, linked_object("conversation", &cid, Value::Null));
            push_linked(
                &mut conversation,
                linked_object("ticket", &id, ticket_type["category"].clone()),
            );
            s.update_doc(Kind::Conversation, &cid, &conversation)?;
        }
        s.update(Kind::Ticket, &id, &ticket_keys(&doc), &doc)?;
        refresh_ticket(s, &id)
    })?;
    Ok(Json(doc))
}

// ---------------------------------------------------------------- read, search, delete

pub(crate) async fn retrieve(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> JsonResult {
    Ok(Json(state.tx(|s| get_ticket(s, &id))?))
}

pub(crate) async fn search(State(state): State<Arc<AppState>>, body: Bytes) -> JsonResult {
    let options = state.tx(search_options)?;
    let request = parse_search_with(&body, SearchModel::Tickets, 20, &options)?;
    let page = state.tx(|s| request.page(s, Kind::Ticket))?;
    Ok(Json(json!({
        "type": "ticket.list",
        "pages": page.pages,
        "total_count": page.total,
        "tickets": docs(page.rows),
    })))
}

pub(crate) async fn remove(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> JsonResult {
    state.tx(|s| {
        let doc = get_ticket(s, &id)?;
        for linked in doc["linked_objects"]["data"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if linked["type"] == "conversation"
                && let Some(cid) = linked["id"].as_str()
                && let Some(mut conversation) = s.get(Kind::Conversation, cid)?
                && drop_linked(&mut conversation, "ticket", &id)
            {
                s.update_doc(Kind::Conversation, cid, &conversation)?;
            }
        }
        s.unlink_all_from(Rel::TicketTag, &id)?;
        s.unlink_all_from(Rel::TicketCompany, &id)?;
        s.delete(Kind::Ticket, &id)?;
        Ok(())
    })?;
    Ok(Json(json!({"id": id, "object": "ticket", "deleted": true})))
}

// ---------------------------------------------------------------- update

pub(crate) async fn update(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    body.only(&[
        "ticket_attributes",
        "ticket_state_id",
        "state",
        "company_id",
        "open",
        "is_shared",
        "snoozed_until",
        "admin_id",
        "assignee_id",
        "assignment",
        "skip_notifications",
    ])?;
    let given = body.object_opt("ticket_attributes")?;
    let state_id = body.id_opt("ticket_state_id")?;
    let category = body.enum_opt("state", STATE_CATEGORIES)?;
    if state_id.is_some() && category.is_some() {
        return Err(ApiError::invalid(
            "state",
            "send ticket_state_id or state, not both",
        ));
    }
    let open = body.bool_opt("open")?;
    let is_shared = body.bool_opt("is_shared")?;
    let snoozed_until = body.i64_opt("snoozed_until")?;
    if open == Some(false) && snoozed_until.is_some() {
        return Err(ApiError::invalid(
            "snoozed_until",
            "a ticket being closed cannot be snoozed; send open: false or snoozed_until, not both",
        ));
    }
    let company = if body.has("company_id") {
        Some(body.id_opt("company_id")?)
    } else {
        None
    };
    // 2.14 puts admin_id and assignee_id at the top; earlier versions nest them in `assignment`.
    let assignment = body.nested("assignment")?;
    if let Some(a) = &assignment {
        a.only(&["admin_id", "assignee_id"])?;
    }
    let actor_body = match &assignment {
        Some(a) if !body.has("admin_id") => a,
        _ => &body,
    };
    let assignee_body = match &assignment {
        Some(a) if !body.has("assignee_id") => a,
        _ => &body,
    };
    let assignee = assignee_body.id_opt("assignee_id")?;
    body.bool_opt("skip_notifications")?;
    let now = state.now();
    let doc = state.tx(|s| {
        let mut doc = get_ticket(s, &id)?;
        let type_id = doc["ticket_type"]["id"].as_str().unwrap_or_default().to_owned();
        let ticket_type = get_ticket_type(s, &type_id)?;
        let actor = match body_admin(s, actor_body, "admin_id")? {
            Some(admin) => admin,
            None => get_admin(s, &state.me_admin_id)?,
        };
        let author = ticket_admin_author(&actor);

        if let Some(given) = &given {
            let values = check_attributes(&ticket_type, given, "ticket_attributes")?;
            for (key, value) in values {
                if doc["ticket_attributes"][&key] == value {
                    continue;
                }
                let attribute = type_attributes(&ticket_type)
                    .iter()
                    .find(|a| a["name"] == key.as_str())
                    .cloned()
                    .unwrap_or(Value::Null);
                let shown = match &value {
                    Value::String(text) => json!(text),
                    Value::Null => Value::Null,
                    other => json!(other.to_string()),
                };
                if let Some(map) = doc["ticket_attributes"].as_object_mut() {
                    map.insert(key.clone(), value);
                }
                let part_id = new_part_id(s)?;
                let mut part = ticket_part(
                    &part_id,
                    "ticket_attribute_updated_by_admin",
                    None,
                    now,
                    author.clone(),
                    Value::Null,
                );
                part["updated_attribute_data"] = json!({
                    "attribute": {"type": "attribute", "id": attribute["id"], "label": key},
                    "value": {"type": "value", "id": shown, "label": shown},
                });
                push_ticket_part(&mut doc, part);
            }
        }

        let target = if let Some(state_id) = &state_id {
            let offered = states_of_type(s, &type_id)?
                .into_iter()
                .find(|st| st["id"] == state_id.as_str());
            Some(offered.ok_or_else(|| {
                ApiError::invalid(
                    "ticket_state_id",
                    format!(
                        "Ticket state id {state_id} is not valid or is not associated with the ticket type {type_id}"
                    ),
                )
                .with_code("ticket_state_id_invalid")
            })?)
        } else if let Some(category) = &category {
            Some(state_of_category(s, &type_id, category)?.ok_or_else(|| {
                ApiError::invalid(
                    "state",
                    format!("the ticket type {type_id} has no state in the category {category}"),
                )
            })?)
        } else {
            None
        };
        if let Some(target) = target
            && doc["ticket_state"]["id"] != target["id"] {
                let previous = doc["ticket_state"]["category"]
                    .as_str()
                    .unwrap_or("submitted")
                    .to_owned();
                let current = target["category"].as_str().unwrap_or("submitted").to_owned();
                let part_id = new_part_id(s)?;
                push_ticket_part(
                    &mut doc,
                    ticket_state_part(&part_id, &previous, &current, now, author.clone()),
                );
                doc["ticket_state"] = target.clone();
                if current == "resolved" {
                    doc["open"] = json!(false);
                    doc["snoozed_until"] = Value::Null;
                } else if previous == "resolved" {
                    doc["open"] = json!(true);
                }
            }

        if let Some(open) = open {
            if doc["open"] != open {
                doc["open"] = json!(open);
                let part_id = new_part_id(s)?;
                let kind = if open { "open" } else { "close" };
                push_ticket_part(
                    &mut doc,
                    ticket_part(&part_id, kind, None, now, author.clone(), Value::Null),
                );
            }
            if !open {
                doc["snoozed_until"] = Value::Null;
            }
        }

        if let Some(until) = snoozed_until {
            if until <= now {
                return Err(ApiError::invalid(
                    "snoozed_until",
                    format!("snoozed_until must be in the future (now is {now}), not {until}"),
                ));
            }
            doc["snoozed_until"] = json!(until);
            doc["open"] = json!(true);
            let part_id = new_part_id(s)?;
            push_ticket_part(
                &mut doc,
                ticket_part(&part_id, "snoozed", None, now, author.clone(), Value::Null),
            );
        }

        if let Some(shared) = is_shared {
            doc["is_shared"] = json!(shared);
        }

        if let Some(assignee) = &assignee {
            let assigned_to = if assignee == "0" {
                doc["admin_assignee_id"] = json!("0");
                doc["team_assignee_id"] = json!("0");
                Value::Null
            } else if s.get(Kind::Admin, assignee)?.is_some() {
                doc["admin_assignee_id"] = json!(assignee);
                json!({"type": "admin", "id": assignee})
            } else if s.get(Kind::Team, assignee)?.is_some() {
                doc["team_assignee_id"] = json!(assignee);
                json!({"type": "team", "id": assignee})
            } else {
                return Err(ApiError::not_found(
                    "assignee_not_found",
                    &format!("Assignee not found: no admin or team with id {assignee}"),
                )
                .with_field(assignee_body.path("assignee_id")));
            };
            let part_id = new_part_id(s)?;
            push_ticket_part(
                &mut doc,
                ticket_part(&part_id, "assignment", None, now, author.clone(), assigned_to),
            );
        }

        if let Some(company) = &company {
            s.unlink_all_from(Rel::TicketCompany, &id)?;
            if let Some(cid) = company {
                get_company(s, cid).map_err(|e| e.with_field("company_id"))?;
                s.link(Rel::TicketCompany, &id, cid, now, Some(&actor_id(&actor)))?;
            }
        }

        doc["updated_at"] = json!(now);
        s.update(Kind::Ticket, &id, &ticket_keys(&doc), &doc)?;
        refresh_ticket(s, &id)
    })?;
    Ok(Json(doc))
}

fn actor_id(admin: &Value) -> String {
    admin["id"].as_str().unwrap_or_default().to_owned()
}

// ---------------------------------------------------------------- replies

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
    body.bool_opt("skip_notifications")?;
    if let Some(urls) = body.array_opt("attachment_urls")?
        && urls.len() > 10
    {
        return Err(ApiError::invalid(
            "attachment_urls",
            format!("attachment_urls holds at most 10 URLs, not {}", urls.len()),
        ));
    }
    let part = state.tx(|s| {
        let mut doc = get_ticket(s, &id)?;
        let part = if kind == "admin" {
            body.only(&[
                "type",
                "message_type",
                "admin_id",
                "body",
                "created_at",
                "reply_options",
                "attachment_urls",
                "cross_post",
                "skip_notifications",
            ])?;
            let message_type = body
                .enum_opt("message_type", &["comment", "note", "quick_reply"])?
                .ok_or_else(|| {
                    ApiError::missing(
                        "message_type",
                        "message_type is required: comment, note or quick_reply",
                    )
                })?;
            body.bool_opt("cross_post")?;
            let admin = body_admin(s, &body, "admin_id")?.ok_or_else(|| {
                ApiError::missing("admin_id", "admin_id is required for an admin reply")
            })?;
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
            let html = text
                .as_deref()
                .filter(|_| message_type != "quick_reply")
                .map(as_html);
            let part_id = new_part_id(s)?;
            ticket_part(
                &part_id,
                &message_type,
                html.as_deref(),
                at,
                ticket_admin_author(&admin),
                Value::Null,
            )
        } else {
            body.only(&[
                "type",
                "message_type",
                "intercom_user_id",
                "user_id",
                "email",
                "body",
                "created_at",
                "attachment_urls",
                "reply_options",
                "skip_notifications",
            ])?;
            if let Some(mt) = body.str_opt("message_type")?
                && mt != "comment"
            {
                return Err(ApiError::invalid(
                    "message_type",
                    format!("message_type for a contact reply must be comment, not {mt:?}"),
                ));
            }
            if doc["category"] != "Customer" {
                return Err(ApiError::invalid(
                    "type",
                    format!(
                        "User replies are not allowed on {} tickets",
                        doc["category"].as_str().unwrap_or_default()
                    ),
                )
                .with_code("parameter_mismatch"));
            }
            let contact = replying_contact(s, &body)?;
            let text = body.str_req("body")?;
            if text.trim().is_empty() {
                return Err(ApiError::invalid("body", "body must not be empty"));
            }
            let part_id = new_part_id(s)?;
            ticket_part(
                &part_id,
                "comment",
                Some(&as_html(&text)),
                at,
                ticket_contact_author(&contact),
                Value::Null,
            )
        };
        push_ticket_part(&mut doc, part.clone());
        let updated = doc["updated_at"].as_i64().unwrap_or(0).max(at);
        doc["updated_at"] = json!(updated);
        s.update(Kind::Ticket, &id, &ticket_keys(&doc), &doc)?;
        refresh_ticket(s, &id)?;
        Ok(part)
    })?;
    Ok(Json(part))
}

// ---------------------------------------------------------------- tags

pub(crate) async fn attach_tag(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    body.only(&["id", "admin_id"])?;
    let tag_id = body.id_req("id")?;
    body.id_req("admin_id")?;
    let now = state.now();
    let tag = state.tx(|s| {
        let admin = body_admin(s, &body, "admin_id")?.unwrap_or(Value::Null);
        let admin_id = actor_id(&admin);
        get_ticket(s, &id)?;
        let tag = get_tag(s, &tag_id)
            .map_err(|_| ApiError::not_found("tag_not_found", "Tag not found").with_field("id"))?;
        apply_tag(s, Rel::TicketTag, &id, &tag_id, &tag, now, &admin_id)
    })?;
    Ok(Json(tag))
}

pub(crate) async fn detach_tag(
    State(state): State<Arc<AppState>>,
    Path((id, tag_id)): Path<(String, String)>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    body.only(&["admin_id"])?;
    let tag = state.tx(|s| {
        body_admin(s, &body, "admin_id")?;
        get_ticket(s, &id)?;
        let tag = get_tag(s, &tag_id)
            .map_err(|_| ApiError::not_found("tag_not_found", "Tag not found"))?;
        let not_attached =
            ApiError::not_found("tag_not_found", "Tag not found: it is not on this ticket");
        remove_tag(s, Rel::TicketTag, &id, &tag_id, &tag, not_attached)
    })?;
    Ok(Json(tag))
}

// ---------------------------------------------------------------- conversation -> ticket

pub(crate) async fn convert_conversation(
    State(state): State<Arc<AppState>>,
    Path(conversation_id): Path<String>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    body.only(&["ticket_type_id", "attributes"])?;
    let type_id = body.id_req("ticket_type_id")?;
    let given = body.object_opt("attributes")?.unwrap_or_default();
    let now = state.now();
    let doc = state.tx(|s| {
        let mut conversation = get_conversation(s, &conversation_id)?;
        let ticket_type =
            get_ticket_type(s, &type_id).map_err(|e| e.with_field("ticket_type_id"))?;
        if ticket_type["category"] != "Customer" {
            return Err(ApiError::invalid(
                "ticket_type_id",
                "Ticket type is not a customer ticket type",
            ));
        }
        if ticket_type["archived"] == true {
            return Err(ApiError::invalid(
                "ticket_type_id",
                format!("the ticket type {type_id} is archived"),
            ));
        }
        if !conversation["ticket"].is_null() {
            return Err(ApiError::invalid(
                "conversation_id",
                format!(
                    "the conversation {conversation_id} is already the ticket {}",
                    conversation["ticket"]["id"].as_str().unwrap_or_default()
                ),
            ));
        }
        let mut attributes = check_attributes(&ticket_type, &given, "attributes")?;
        if !attributes.contains_key(DEFAULT_TITLE) {
            let title = conversation["title"]
                .as_str()
                .filter(|t| !t.is_empty())
                .or_else(|| {
                    conversation["source"]["subject"]
                        .as_str()
                        .filter(|t| !t.is_empty())
                });
            if let Some(title) = title {
                attributes.insert(DEFAULT_TITLE.to_owned(), json!(title));
            }
        }
        check_required(&ticket_type, &attributes, "attributes")?;
        let source = &conversation["source"];
        let created_at = conversation["created_at"].as_i64().unwrap_or(now);
        let author = &source["author"];
        let part_id = new_part_id(s)?;
        let opening = ticket_part(
            &part_id,
            "comment",
            source["body"].as_str(),
            created_at,
            json!({
                "type": if author["type"] == "admin" { "admin" } else { "user" },
                "id": author["id"],
                "name": author["name"],
                "email": author["email"],
            }),
            Value::Null,
        );
        let me = get_admin(s, &state.me_admin_id)?;
        let contacts = conversation["contacts"]["contacts"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut doc = insert_ticket(
            s,
            NewTicket {
                ticket_type: ticket_type.clone(),
                contacts,
                attributes,
                created_at,
                lead_parts: vec![opening],
                author: ticket_admin_author(&me),
            },
        )?;
        let id = doc["id"].as_str().unwrap_or_default().to_owned();
        // The state part is stamped when the conversion happens.
        if let Some(last) = doc["ticket_parts"]["ticket_parts"]
            .as_array_mut()
            .and_then(|p| p.last_mut())
        {
            last["created_at"] = json!(now);
            last["updated_at"] = json!(now);
        }
        for (field, value) in [
            ("admin_assignee_id", &conversation["admin_assignee_id"]),
            ("team_assignee_id", &conversation["team_assignee_id"]),
        ] {
            doc[field] = match value {
                Value::Number(n) => json!(n.to_string()),
                Value::String(text) => json!(text),
                _ => json!("0"),
            };
        }
        doc["updated_at"] = json!(now);
        s.update(Kind::Ticket, &id, &ticket_keys(&doc), &doc)?;
        conversation["ticket"] = json!({
            "type": "ticket",
            "id": id,
            "ticket_id": doc["ticket_id"],
            "category": ticket_type["category"],
        });
        conversation["updated_at"] = json!(now);
        s.update_doc(Kind::Conversation, &conversation_id, &conversation)?;
        refresh_ticket(s, &id)
    })?;
    Ok(Json(doc))
}
