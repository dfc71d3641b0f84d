//! Ticket types, their attributes, and the workspace's ticket states.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::JsonResult;
use super::model::{
    ATTRIBUTE_TYPES, AttributeSpec, DEFAULT_DESCRIPTION, DEFAULT_TICKET_ICON, DEFAULT_TITLE,
    TICKET_ATTRIBUTE_IDS, TICKET_CATEGORIES, TICKET_STATE_IDS, TICKET_TYPE_IDS, blank_ticket_type,
    get_ticket_type, refresh_ticket_type, ticket_keys, ticket_state_doc, ticket_type_attribute,
    ticket_type_keys, type_attributes,
};
use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, Body};
use crate::store::{Key, Keys, Kind, Order, Rel, Store};

const ALL: usize = usize::MAX >> 2;

/// The labels of the state the workspace starts with for each category.
pub(crate) const DEFAULT_STATES: &[(&str, &str, &str)] = &[
    ("submitted", "Submitted", "Submitted"),
    ("in_progress", "In progress", "In progress"),
    (
        "waiting_on_customer",
        "Waiting on customer",
        "Waiting on you",
    ),
    ("resolved", "Resolved", "Resolved"),
];

pub(crate) fn workspace_id(state: &AppState) -> String {
    state.app["id_code"].as_str().unwrap_or_default().to_owned()
}

/// The first unarchived state of each category, creating the missing ones.
pub(crate) fn default_state_ids(s: &Store) -> ApiResult<Vec<String>> {
    let states = s.page(Kind::TicketState, None, None, Order::Asc, ALL)?;
    let mut ids = Vec::new();
    for (category, internal, external) in DEFAULT_STATES {
        let found = states
            .iter()
            .find(|r| r.doc["category"] == *category && r.doc["archived"] != true);
        match found {
            Some(row) => ids.push(row.id.clone()),
            None => {
                let id = TICKET_STATE_IDS.next(s)?;
                let doc = ticket_state_doc(&id, category, internal, external);
                s.insert(Kind::TicketState, &id, &Keys::none(), &doc)?;
                ids.push(id);
            }
        }
    }
    Ok(ids)
}

/// A ticket type summary, as GET /ticket_states lists it.
fn type_summary(doc: &Value) -> Value {
    json!({
        "type": "ticket_type",
        "id": doc["id"],
        "name": doc["name"],
        "description": doc["description"],
        "icon": doc["icon"],
        "archived": doc["archived"],
        "is_internal": doc["is_internal"],
        "category": doc["category"],
    })
}

pub(crate) async fn list_states(State(state): State<Arc<AppState>>) -> JsonResult {
    let data = state.tx(|s| {
        let mut data = Vec::new();
        for row in s.page(Kind::TicketState, None, None, Order::Asc, ALL)? {
            let mut doc = row.doc;
            let mut types = Vec::new();
            for link in s.links_to(Rel::TicketTypeState, &row.id)? {
                if let Some(t) = s.get(Kind::TicketType, &link.a)? {
                    types.push(type_summary(&t));
                }
            }
            doc["ticket_types"] = json!({"type": "list", "data": types});
            data.push(doc);
        }
        Ok(data)
    })?;
    Ok(Json(json!({"type": "list", "data": data})))
}

pub(crate) async fn list(State(state): State<Arc<AppState>>) -> JsonResult {
    let rows = state.tx(|s| Ok(s.page(Kind::TicketType, None, None, Order::Asc, ALL)?))?;
    Ok(Json(json!({"type": "list", "data": super::docs(rows)})))
}

pub(crate) async fn retrieve(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> JsonResult {
    Ok(Json(state.tx(|s| get_ticket_type(s, &id))?))
}

/// Refuses a name another ticket type already has.
fn check_name_free(s: &Store, name: &str, own_id: Option<&str>) -> ApiResult<()> {
    let taken = s
        .find_by(Kind::TicketType, Key::K1, &name.to_lowercase())?
        .into_iter()
        .find(|r| Some(r.id.as_str()) != own_id);
    match taken {
        Some(other) => Err(ApiError::invalid(
            "name",
            format!(
                "a ticket type named {name:?} already exists (id {})",
                other.id
            ),
        )),
        None => Ok(()),
    }
}

fn non_empty_name(body: &Body, required: bool) -> ApiResult<Option<String>> {
    let name = if required {
        Some(body.str_req("name")?)
    } else {
        body.str_opt("name")?
    };
    match name {
        Some(n) if n.trim().is_empty() => Err(ApiError::invalid("name", "name must not be empty")),
        other => Ok(other.map(|n| n.trim().to_owned())),
    }
}

pub(crate) async fn create(State(state): State<Arc<AppState>>, body: Bytes) -> JsonResult {
    let body = Body::parse(&body)?;
    body.only(&["name", "description", "category", "icon", "is_internal"])?;
    let name = non_empty_name(&body, true)?.unwrap_or_default();
    let description = body.str_opt("description")?.unwrap_or_default();
    let category = body
        .enum_opt("category", TICKET_CATEGORIES)?
        .unwrap_or_else(|| "Customer".to_owned());
    let icon = body
        .str_opt("icon")?
        .unwrap_or_else(|| DEFAULT_TICKET_ICON.to_owned());
    let is_internal = body.bool_opt("is_internal")?.unwrap_or(false);
    let now = state.now();
    let workspace = workspace_id(&state);
    let doc = state.tx(|s| {
        check_name_free(s, &name, None)?;
        let id = TICKET_TYPE_IDS.next(s)?;
        let mut doc = blank_ticket_type(&id, &workspace, now);
        doc["name"] = json!(name);
        doc["description"] = json!(description);
        doc["category"] = json!(category);
        doc["icon"] = json!(icon);
        doc["is_internal"] = json!(is_internal);
        let mut attributes = Vec::new();
        for (order, builtin) in [DEFAULT_TITLE, DEFAULT_DESCRIPTION].into_iter().enumerate() {
            let attr_id = TICKET_ATTRIBUTE_IDS.next(s)?;
            attributes.push(ticket_type_attribute(
                &attr_id,
                &workspace,
                &id,
                order,
                AttributeSpec::builtin(builtin),
                now,
            ));
        }
        doc["ticket_type_attributes"]["data"] = json!(attributes);
        s.insert(Kind::TicketType, &id, &ticket_type_keys(&doc), &doc)?;
        for state_id in default_state_ids(s)? {
            s.link(Rel::TicketTypeState, &id, &state_id, now, None)?;
        }
        refresh_ticket_type(s, &id)
    })?;
    Ok(Json(doc))
}

pub(crate) async fn update(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    body.only(&[
        "name",
        "description",
        "category",
        "icon",
        "archived",
        "is_internal",
    ])?;
    let name = non_empty_name(&body, false)?;
    let description = body.str_opt("description")?;
    let category = body.enum_opt("category", TICKET_CATEGORIES)?;
    let icon = body.str_opt("icon")?;
    let archived = body.bool_opt("archived")?;
    let is_internal = body.bool_opt("is_internal")?;
    let now = state.now();
    let doc = state.tx(|s| {
        let mut doc = get_ticket_type(s, &id)?;
        if let Some(name) = name {
            check_name_free(s, &name, Some(&id))?;
            doc["name"] = json!(name);
        }
        for (field, value) in [
            ("description", description.map(Value::from)),
            ("category", category.map(Value::from)),
            ("icon", icon.map(Value::from)),
            ("archived", archived.map(Value::from)),
            ("is_internal", is_internal.map(Value::from)),
        ] {
            if let Some(value) = value {
                doc[field] = value;
            }
        }
        doc["updated_at"] = json!(now);
        s.update(Kind::TicketType, &id, &ticket_type_keys(&doc), &doc)?;
        refresh_ticket_type(s, &id)
    })?;
    Ok(Json(doc))
}

/// `list_items` ("a,b,c") as labels, refusing an empty list.
fn list_labels(raw: &str) -> ApiResult<Vec<String>> {
    let labels: Vec<String> = raw
        .split(',')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if labels.is_empty() {
        return Err(ApiError::invalid(
            "list_items",
            "list_items must be a comma-separated list of at least one label",
        ));
    }
    Ok(labels)
}

/// List options for `labels`, keeping the ids of labels `existing` already has and archiving
/// the ones no longer named.
pub(crate) fn list_options(existing: &[Value], labels: &[String]) -> Value {
    let mut options: Vec<Value> = existing
        .iter()
        .map(|o| {
            let mut o = o.clone();
            let kept = labels.iter().any(|l| o["label"] == l.as_str());
            o["archived"] = json!(!kept);
            o
        })
        .collect();
    for label in labels {
        if !existing.iter().any(|o| o["label"] == label.as_str()) {
            options.push(json!({
                "type": "list_option",
                "id": uuid::Uuid::new_v4().to_string(),
                "label": label,
                "archived": false,
            }));
        }
    }
    json!(options)
}

const ATTRIBUTE_FLAGS: &[&str] = &[
    "required_to_create",
    "required_to_create_for_contacts",
    "visible_on_create",
    "visible_to_contacts",
];

/// Refuses options that do not apply to `data_type`.
fn check_options_apply(body: &Body, data_type: &str) -> ApiResult<()> {
    for (field, applies_to) in [
        ("multiline", "string"),
        ("list_items", "list"),
        ("allow_multiple_values", "files"),
    ] {
        if body.has(field) && data_type != applies_to {
            return Err(ApiError::invalid(
                field,
                format!("{field} applies only to {applies_to} attributes, not {data_type}"),
            ));
        }
    }
    Ok(())
}

pub(crate) async fn create_attribute(
    State(state): State<Arc<AppState>>,
    Path(type_id): Path<String>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    body.only(&[
        "name",
        "description",
        "data_type",
        "required_to_create",
        "required_to_create_for_contacts",
        "visible_on_create",
        "visible_to_contacts",
        "multiline",
        "list_items",
        "allow_multiple_values",
    ])?;
    let name = non_empty_name(&body, true)?.unwrap_or_default();
    let description = body.str_req("description")?;
    let data_type = body
        .enum_opt("data_type", ATTRIBUTE_TYPES)?
        .ok_or_else(|| {
            ApiError::missing(
                "data_type",
                format!(
                    "data_type is required: one of {}",
                    ATTRIBUTE_TYPES.join(", ")
                ),
            )
        })?;
    check_options_apply(&body, &data_type)?;
    let mut flags = [false, false, true, true];
    for (flag, field) in flags.iter_mut().zip(ATTRIBUTE_FLAGS) {
        if let Some(v) = body.bool_opt(field)? {
            *flag = v;
        }
    }
    let input_options = match data_type.as_str() {
        "string" => json!({"multiline": body.bool_opt("multiline")?.unwrap_or(false)}),
        "list" => {
            let raw = body.str_opt("list_items")?.ok_or_else(|| {
                ApiError::missing(
                    "list_items",
                    "list_items (comma-separated labels) is required for a list attribute",
                )
            })?;
            json!({"list_options": list_options(&[], &list_labels(&raw)?)})
        }
        "files" => json!({
            "allow_multiple_values": body.bool_opt("allow_multiple_values")?.unwrap_or(false)
        }),
        _ => Value::Null,
    };
    let now = state.now();
    let workspace = workspace_id(&state);
    let attribute = state.tx(|s| {
        let mut doc = get_ticket_type(s, &type_id)?;
        let attributes = type_attributes(&doc).to_vec();
        if name.starts_with("_default_")
            || attributes.iter().any(|a| {
                a["name"]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&name))
            })
        {
            return Err(ApiError::invalid(
                "name",
                format!(
                    "the ticket type {:?} already has an attribute named {name:?}",
                    doc["name"].as_str().unwrap_or_default()
                ),
            ));
        }
        let attr_id = TICKET_ATTRIBUTE_IDS.next(s)?;
        let attribute = ticket_type_attribute(
            &attr_id,
            &workspace,
            &type_id,
            attributes.len(),
            AttributeSpec {
                name: &name,
                description: &description,
                data_type: &data_type,
                input_options: input_options.clone(),
                required_to_create: flags[0],
                required_to_create_for_contacts: flags[1],
                visible_on_create: flags[2],
                visible_to_contacts: flags[3],
                default: false,
            },
            now,
        );
        let mut attributes = attributes;
        attributes.push(attribute.clone());
        doc["ticket_type_attributes"]["data"] = json!(attributes);
        doc["updated_at"] = json!(now);
        s.update(Kind::TicketType, &type_id, &ticket_type_keys(&doc), &doc)?;
        refresh_ticket_type(s, &type_id)?;
        Ok(attribute)
    })?;
    Ok(Json(attribute))
}

pub(crate) async fn update_attribute(
    State(state): State<Arc<AppState>>,
    Path((type_id, attribute_id)): Path<(String, String)>,
    body: Bytes,
) -> JsonResult {
    let body = Body::parse(&body)?;
    body.only(&[
        "name",
        "description",
        "required_to_create",
        "required_to_create_for_contacts",
        "visible_on_create",
        "visible_to_contacts",
        "multiline",
        "list_items",
        "allow_multiple_values",
        "archived",
    ])?;
    let name = non_empty_name(&body, false)?;
    let description = body.str_opt("description")?;
    let archived = body.bool_opt("archived")?;
    let mut flags: Vec<(&str, bool)> = Vec::new();
    for field in ATTRIBUTE_FLAGS {
        if let Some(v) = body.bool_opt(field)? {
            flags.push((field, v));
        }
    }
    let multiline = body.bool_opt("multiline")?;
    let list_items = body.str_opt("list_items")?;
    let allow_multiple = body.bool_opt("allow_multiple_values")?;
    let now = state.now();
    let attribute = state.tx(|s| {
        let mut doc = get_ticket_type(s, &type_id)?;
        let mut attributes = type_attributes(&doc).to_vec();
        let Some(index) = attributes
            .iter()
            .position(|a| a["id"] == attribute_id.as_str())
        else {
            return Err(ApiError::not_found(
                "not_found",
                &format!("The ticket type {type_id} has no attribute with id {attribute_id}"),
            ));
        };
        let mut attribute = attributes[index].clone();
        let data_type = attribute["data_type"]
            .as_str()
            .unwrap_or("string")
            .to_owned();
        check_options_apply(&body, &data_type)?;
        let builtin = attribute["default"] == true;
        let old_name = attribute["name"].as_str().unwrap_or_default().to_owned();
        let mut rename = None;
        if let Some(name) = &name
            && *name != old_name
        {
            if builtin {
                return Err(ApiError::invalid(
                    "name",
                    format!("the built-in attribute {old_name} cannot be renamed"),
                ));
            }
            if name.starts_with("_default_")
                || attributes.iter().enumerate().any(|(i, a)| {
                    i != index
                        && a["name"]
                            .as_str()
                            .is_some_and(|n| n.eq_ignore_ascii_case(name))
                })
            {
                return Err(ApiError::invalid(
                    "name",
                    format!("the ticket type already has an attribute named {name:?}"),
                ));
            }
            attribute["name"] = json!(name);
            rename = Some(name.clone());
        }
        if archived == Some(true) && builtin {
            return Err(ApiError::invalid(
                "archived",
                format!("the built-in attribute {old_name} cannot be archived"),
            ));
        }
        if let Some(description) = &description {
            attribute["description"] = json!(description);
        }
        if let Some(archived) = archived {
            attribute["archived"] = json!(archived);
        }
        for (field, value) in &flags {
            attribute[*field] = json!(value);
        }
        if let Some(multiline) = multiline {
            attribute["input_options"] = json!({"multiline": multiline});
        }
        if let Some(allow) = allow_multiple {
            attribute["input_options"] = json!({"allow_multiple_values": allow});
        }
        if let Some(raw) = &list_items {
            let labels = list_labels(raw)?;
            let existing = attribute["input_options"]["list_options"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            attribute["input_options"] = json!({"list_options": list_options(&existing, &labels)});
        }
        attribute["updated_at"] = json!(now);
        attributes[index] = attribute.clone();
        doc["ticket_type_attributes"]["data"] = json!(attributes);
        doc["updated_at"] = json!(now);
        s.update(Kind::TicketType, &type_id, &ticket_type_keys(&doc), &doc)?;
        if let Some(new_name) = rename {
            rename_ticket_values(s, &type_id, &old_name, &new_name)?;
        }
        refresh_ticket_type(s, &type_id)?;
        Ok(attribute)
    })?;
    Ok(Json(attribute))
}

/// Moves the values of a renamed attribute to its new key in every ticket of the type.
fn rename_ticket_values(s: &Store, type_id: &str, old: &str, new: &str) -> ApiResult<()> {
    for row in s.find_by(Kind::Ticket, Key::K1, type_id)? {
        let mut ticket = row.doc;
        let Some(values) = ticket["ticket_attributes"].as_object_mut() else {
            continue;
        };
        if let Some(value) = values.remove(old) {
            let mut renamed = Map::new();
            renamed.insert(new.to_owned(), value);
            values.extend(renamed);
            s.update(Kind::Ticket, &row.id, &ticket_keys(&ticket), &ticket)?;
        }
    }
    Ok(())
}
