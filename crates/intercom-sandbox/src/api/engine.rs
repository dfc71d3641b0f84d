//! The resource engine: every operation without a hand-written handler is served from the
//! operation table (`crate::openapi`). Its path decides what it does:
//!
//! | path / method                         | verb                                          |
//! |---------------------------------------|-----------------------------------------------|
//! | `GET .../things`                      | list the records of `things` (under a parent) |
//! | `GET .../things/search`               | the same list, filtered by the query's words  |
//! | `POST .../things` (things is listable) | create a record                               |
//! | `GET .../things/{id}`                 | retrieve it (404 when unknown)                |
//! | `PUT`/`PATCH .../things/{id}`         | update it                                     |
//! | `DELETE .../things/{id}`              | delete it                                     |
//! | anything else                         | an action: a demo object of the answer's schema |
//!
//! Records are documents in 2.16's shape, built from the spec's schemas and seeded
//! deterministically; the edge renders them in the version asked.

use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::openapi::{self, Operation, Segment, Shape, Shapes};
use crate::state::{AppState, Body, Params};
use crate::store::{Key, Kind, Rel, Store};

use super::{custom_objects, events, model};

/// Resources whose unknown ids answer 404 (the stateful list); the others answer a demo
/// object for an id they do not hold.
const STATEFUL: &[&str] = &[
    "notes",
    "articles",
    "help_center/help_centers",
    "help_center/collections",
    "news/news_items",
    "news/newsfeeds",
    "data_attributes",
    "subscription_types",
    "visitors",
    "messages",
    "macros",
    "internal_articles",
    "content_snippets",
    "away_status_reasons",
];

/// How many records each listable resource is seeded with.
const SEEDED_PER_RESOURCE: usize = 3;
const SEEDED: &str = "records_seeded";
const FIRST_SEEDED_AT: i64 = 1_717_200_000;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Verb {
    List(String),
    Search(String),
    Create(String),
    Retrieve(String),
    Update(String),
    Delete(String),
    Action,
}

fn literal(segment: Option<&Segment>) -> Option<&str> {
    match segment {
        Some(Segment::Literal(l)) => Some(l),
        _ => None,
    }
}

/// The name of the resource a collection path holds: its literal segments after the last
/// parameter (`/contacts/{id}/notes` -> `notes`, `/help_center/collections` ->
/// `help_center/collections`), so a nested collection and the top-level one share records.
fn resource_of(collection: &[Segment]) -> Option<String> {
    let start = collection
        .iter()
        .rposition(|s| matches!(s, Segment::Param(_)))
        .map_or(0, |i| i + 1);
    let names: Vec<&str> = collection[start..]
        .iter()
        .filter_map(|s| literal(Some(s)))
        .collect();
    (!names.is_empty()).then(|| names.join("/"))
}

fn classify(table: &Shapes, op: &Operation) -> Verb {
    let segments = &op.segments;
    let n = segments.len();
    let Some(last) = segments.last() else {
        return Verb::Action;
    };
    let parent = &segments[..n - 1];
    match (op.method.as_str(), last) {
        (_, Segment::Param(_)) if literal(parent.last()).is_none() => Verb::Action,
        ("GET", Segment::Param(_)) => resource_of(parent).map_or(Verb::Action, Verb::Retrieve),
        ("PUT" | "PATCH", Segment::Param(_)) => {
            resource_of(parent).map_or(Verb::Action, Verb::Update)
        }
        ("DELETE", Segment::Param(_)) => resource_of(parent).map_or(Verb::Action, Verb::Delete),
        ("GET", Segment::Literal(l)) if l == "search" => {
            resource_of(parent).map_or(Verb::Action, Verb::Search)
        }
        ("GET", Segment::Literal(_)) => resource_of(segments).map_or(Verb::Action, Verb::List),
        ("POST", Segment::Literal(_)) => match resource_of(segments) {
            Some(r) if listable(table, &r) => Verb::Create(r),
            _ => Verb::Action,
        },
        _ => Verb::Action,
    }
}

/// Whether the table lists (or retrieves) `resource` somewhere.
fn listable(table: &Shapes, resource: &str) -> bool {
    table
        .ops
        .iter()
        .any(|op| classify_read(op).is_some_and(|r| r == resource))
}

/// The resource a GET lists or retrieves.
fn classify_read(op: &Operation) -> Option<String> {
    if op.method != "GET" {
        return None;
    }
    let n = op.segments.len();
    match op.segments.last()? {
        Segment::Literal(l) if l != "search" => resource_of(&op.segments),
        Segment::Param(_) if literal(op.segments[..n - 1].last()).is_some() => {
            resource_of(&op.segments[..n - 1])
        }
        _ => None,
    }
}

/// The schema of one record of `resource`: the retrieve answer's, else the create answer's,
/// else the list answer's array items.
fn item_schema(table: &Shapes, resource: &str) -> Option<Value> {
    let mut from_list = None;
    let mut from_create = None;
    for op in &table.ops {
        match classify(table, op) {
            Verb::Retrieve(r) if r == resource => {
                if let Some(s) = &op.response {
                    return Some(s.clone());
                }
            }
            Verb::Create(r) if r == resource && from_create.is_none() => {
                from_create = op.response.clone();
            }
            Verb::List(r) if r == resource && from_list.is_none() => {
                from_list = op.response.as_ref().and_then(|s| {
                    if is_list(table, s, resource) {
                        list_items_schema(table, s)
                    } else {
                        Some(s.clone())
                    }
                });
            }
            _ => {}
        }
    }
    from_create.or(from_list)
}

/// The items schema of a list answer's array (`data`, else the first array of objects).
fn list_items_schema(table: &Shapes, schema: &Value) -> Option<Value> {
    let pointer = array_key(table, schema)?;
    let mut keys = pointer.split('/').skip(1);
    let first = keys.next()?;
    match keys.next() {
        None => table.items_of(schema, first),
        Some(inner) => table.items_of(&table.property(schema, first)?, inner),
    }
}

/// Where a list answer keeps its records, as a JSON pointer: `data`, else the first array of
/// objects at the top, else one inside a top-level object (`data.articles` of a search).
fn array_key(table: &Shapes, schema: &Value) -> Option<String> {
    let props = table.properties(schema);
    let items_are_objects = |p: &Value| {
        table.kind(p) == "array"
            && table
                .flatten_items(p)
                .is_some_and(|i| table.kind(&i) == "object")
    };
    if props
        .iter()
        .any(|(k, p)| k == "data" && table.kind(p) == "array")
    {
        return Some("/data".to_owned());
    }
    if let Some((k, _)) = props.iter().find(|(_, p)| items_are_objects(p)) {
        return Some(format!("/{k}"));
    }
    for (k, p) in &props {
        if table.kind(p) != "object" {
            continue;
        }
        if let Some((inner, _)) = table
            .properties(p)
            .iter()
            .find(|(_, q)| items_are_objects(q))
        {
            return Some(format!("/{k}/{inner}"));
        }
    }
    props
        .iter()
        .find(|(_, p)| table.kind(p) == "array")
        .map(|(k, _)| format!("/{k}"))
}

/// Whether an answer schema is a list envelope (a `*.list` type, `data`/`pages`, or an array
/// named after the resource, like the `events` of `GET /events`).
fn is_list(table: &Shapes, schema: &Value, resource: &str) -> bool {
    let props = table.properties(schema);
    let plural = resource.rsplit('/').next().unwrap_or(resource);
    if props
        .iter()
        .any(|(k, p)| k == plural && table.kind(p) == "array")
    {
        return true;
    }
    let typed_list = table
        .synthesize(schema)
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t == "list" || t.ends_with(".list") || t.ends_with("_list"));
    typed_list
        || props
            .iter()
            .any(|(k, _)| k == "data" || k == "pages" || k == "total_count")
        || table.kind(schema) == "array"
}

/// Puts `value` at `pointer` in `doc`, making the objects on the way.
fn put_at(doc: &mut Value, pointer: &str, value: Value) {
    let mut slot = doc;
    for key in pointer.split('/').skip(1) {
        if !slot.is_object() {
            *slot = json!({});
        }
        slot = match slot {
            Value::Object(map) => map.entry(key.to_owned()).or_insert(Value::Null),
            _ => return,
        };
    }
    *slot = value;
}

/// Seeds every listable resource with a few records, the same for every store.
pub(crate) fn seed(s: &Store) -> rusqlite::Result<()> {
    custom_objects::seed(s)?;
    if s.meta(SEEDED)?.is_some() {
        return Ok(());
    }
    let table = openapi::table(Shape::V2_16);
    let mut done: Vec<String> = Vec::new();
    for op in &table.ops {
        let Some(resource) = classify_read(op) else {
            continue;
        };
        // Data events have their own module (`events`), which keeps them per contact.
        if done.contains(&resource) || resource == "events" {
            continue;
        }
        done.push(resource.clone());
        let Some(schema) = item_schema(table, &resource) else {
            continue;
        };
        let template = table.synthesize(&schema);
        if !template.is_object() {
            continue;
        }
        for n in 0..SEEDED_PER_RESOURCE {
            let id = (n + 1).to_string();
            let mut doc = template.clone();
            set_id(&mut doc, &id);
            stamp(&mut doc, FIRST_SEEDED_AT + 3600 * n as i64, true);
            if let Some(name) = doc.get_mut("name").filter(|v| v.is_string()) {
                *name = json!(format!("Demo {} {}", resource.replace('_', " "), n + 1));
            }
            // Keys clients look records up by differ from record to record (the first keeps the
            // spec's example).
            for key in ["title", "user_id", "external_id", "email"] {
                if n == 0 {
                    break;
                }
                if let Some(Value::String(text)) = doc.get_mut(key) {
                    *text = match text.split_once('@') {
                        Some((local, domain)) => format!("{local}+{}@{domain}", n + 1),
                        None => format!("{text} {}", n + 1),
                    };
                }
            }
            s.record_insert(&resource, &id, None, &doc)?;
        }
    }
    s.set_meta(SEEDED, "1")
}

/// Sets `doc.id` to `id`, as an integer where the demo has one (a demo integer id stays when
/// `id` is not a number).
fn set_id(doc: &mut Value, id: &str) {
    if let Some(slot) = doc.get_mut("id") {
        match (&*slot, id.parse::<i64>()) {
            (Value::Number(_), Ok(n)) => *slot = json!(n),
            (Value::Number(_), Err(_)) => {}
            _ => *slot = json!(id),
        }
    }
}

fn stamp(doc: &mut Value, now: i64, created: bool) {
    let Some(map) = doc.as_object_mut() else {
        return;
    };
    for key in ["created_at", "updated_at"] {
        if key == "created_at" && !created {
            continue;
        }
        if let Some(slot) = map.get_mut(key)
            && (slot.is_number() || slot.is_null())
        {
            *slot = json!(now);
        }
    }
}

/// Copies request fields onto a document where the document's schema has the field and the
/// sent value fits it, recursively for objects; other fields are left as they are (a request's
/// `author_id` does not overwrite an answer's `author` object).
fn overlay(table: &Shapes, schema: Option<&Value>, doc: &mut Value, body: &Map<String, Value>) {
    let Some(schema) = schema else {
        return;
    };
    let props: Map<String, Value> = table.properties(schema).into_iter().collect();
    let Some(map) = doc.as_object_mut() else {
        return;
    };
    for (key, value) in body {
        if key == "id" || key == "type" || value.is_null() {
            continue;
        }
        let Some(prop) = props.get(key) else {
            continue;
        };
        match (map.get_mut(key), value) {
            (Some(slot @ Value::Object(_)), Value::Object(inner)) => {
                overlay(table, Some(prop), slot, inner)
            }
            (slot, v) if table.fits(v, prop) => match slot {
                Some(slot) => *slot = v.clone(),
                None => {
                    map.insert(key.clone(), v.clone());
                }
            },
            _ => {}
        }
    }
}

fn not_found(resource: &str) -> ApiError {
    let singular = resource.strip_suffix('s').unwrap_or(resource);
    ApiError::not_found(
        "not_found",
        &format!("{} not found", singular.replace('_', " ")),
    )
}

fn answer(op: &Operation, value: Option<Value>) -> Response {
    let status = StatusCode::from_u16(op.status).unwrap_or(StatusCode::OK);
    if status == StatusCode::NOT_FOUND {
        // The spec documents no success for this operation, only its errors.
        return ApiError::not_found("not_found", "Nothing matches this lookup in the sandbox")
            .into_response();
    }
    if status.is_redirection() {
        // Downloads (call recordings, transcripts) answer a redirect to the file.
        return (
            status,
            [(
                http::header::LOCATION,
                "https://downloads.example.com/sandbox/file",
            )],
        )
            .into_response();
    }
    match (op.response.is_some(), value) {
        (true, Some(v)) => (status, axum::Json(v)).into_response(),
        _ => status.into_response(),
    }
}

/// Required body fields and query parameters of `op`, and the types of the body's top-level
/// fields, with errors naming the field.
fn check_request(table: &Shapes, op: &Operation, body: &Body, params: &Params) -> ApiResult<()> {
    if let Some(schema) = &op.body {
        for (name, prop) in table.properties(schema) {
            let Some(value) = body.raw(&name).filter(|v| !v.is_null()) else {
                continue;
            };
            if !table.fits(value, &prop) {
                if let Some(text) = value.as_str()
                    && prop.get("format").and_then(Value::as_str) == Some("date")
                    && !crate::openapi::fits_format(text, &prop)
                {
                    return Err(ApiError::invalid(
                        &name,
                        format!("{name} must be a date as YYYY-MM-DD, not {text:?}"),
                    ));
                }
                let kind = table.kind(&prop);
                let wanted = if kind.is_empty() {
                    "another shape".to_owned()
                } else {
                    format!("a value of type {kind}")
                };
                return Err(ApiError::invalid(
                    &name,
                    format!(
                        "{name} must be {wanted} (with the fields and values the API allows), not {}",
                        crate::state::json_type(value)
                    ),
                ));
            }
        }
    }
    for field in &op.required_body {
        if body.raw(field).is_none_or(Value::is_null) {
            return Err(ApiError::missing(field, format!("{field} is required")));
        }
    }
    for required in &op.required_query {
        if required
            .any_of
            .iter()
            .all(|key| params.get(key).is_none_or(str::is_empty))
        {
            let name = &required.name;
            let message = match required.any_of.as_slice() {
                [one] if one == name => format!("the query parameter {name} is required"),
                keys => format!(
                    "{name} is required: give one of the query parameters {}",
                    keys.join(", ")
                ),
            };
            return Err(ApiError::missing(name, message));
        }
    }
    Ok(())
}

/// A record nested under a hand-written resource (`/contacts/{id}/notes`) needs that resource:
/// an unknown parent answers its own 404.
fn check_parent(s: &Store, op: &Operation, params: &[String]) -> ApiResult<()> {
    let (Some(Segment::Literal(root)), Some(Segment::Param(_))) =
        (op.segments.first(), op.segments.get(1))
    else {
        return Ok(());
    };
    let Some(id) = params.first() else {
        return Ok(());
    };
    let nested = op.segments.len() > 2;
    match root.as_str() {
        "contacts" if nested => model::get_contact(s, id).map(drop),
        "companies" if nested => model::get_company(s, id).map(drop),
        "conversations" => model::get_conversation(s, id).map(drop),
        "tickets" if nested => model::get_ticket(s, id).map(drop),
        "admins" if nested => model::get_admin(s, id).map(drop),
        "ticket_types" if nested => model::get_ticket_type(s, id).map(drop),
        "teams" if nested => match s.get(Kind::Team, id)? {
            Some(_) => Ok(()),
            None => Err(ApiError::not_found("team_not_found", "Team not found")),
        },
        _ => Ok(()),
    }
}

/// `DELETE /conversations/{id}` (2.16): the conversation, its parts and its tags go.
fn delete_conversation(s: &Store, id: &str) -> ApiResult<()> {
    for part in s.find_by(Kind::Part, Key::K1, id)? {
        s.delete(Kind::Part, &part.id)?;
    }
    s.unlink_all_from(Rel::ConversationTag, id)?;
    s.delete(Kind::Conversation, id)?;
    Ok(())
}

/// A new note's `author` (the admin `admin_id` names: 404 when unknown) and the contact or
/// company it is left on, as the note object gives them.
fn note_links(
    s: &Store,
    op: &Operation,
    params: &[String],
    fields: &Map<String, Value>,
    doc: &mut Value,
) -> ApiResult<()> {
    let admin_id = match fields.get("admin_id") {
        Some(Value::String(id)) => Some(id.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    if let Some(admin_id) = admin_id {
        let admin = model::get_admin(s, &admin_id).map_err(|e| e.with_field("admin_id"))?;
        doc["author"] = admin;
    }
    let parent = params.first().cloned().unwrap_or_default();
    match literal(op.segments.first()) {
        Some("contacts") => {
            doc["contact"] = json!({"type": "contact", "id": parent});
            doc["company"] = Value::Null;
        }
        Some("companies") => {
            doc["company"] = json!({"type": "company", "id": parent});
            doc["contact"] = Value::Null;
        }
        _ => {}
    }
    Ok(())
}

/// The concrete path of the collection an operation works on, when it is nested under
/// parameters (`/contacts/123` for `/contacts/{id}/notes`).
fn parent_of(op: &Operation, params: &[String]) -> Option<String> {
    let collection = &op.segments[..op.segments.len().saturating_sub(1)];
    if !collection.iter().any(|s| matches!(s, Segment::Param(_))) {
        return None;
    }
    let mut values = params.iter();
    let mut out = String::new();
    for segment in collection {
        out.push('/');
        match segment {
            Segment::Literal(l) => out.push_str(l),
            Segment::Param(_) => out.push_str(values.next().map_or("", String::as_str)),
        }
    }
    Some(out)
}

/// Serves `op` (of the 2.16 table: records are kept in 2.16's shape).
pub(crate) fn serve(
    state: &AppState,
    shape: Shape,
    op: &Operation,
    params: &[String],
    query: Option<&str>,
    bytes: &[u8],
) -> Response {
    match serve_inner(state, shape, op, params, query, bytes) {
        Ok(response) => response,
        Err(err) => err.into_response(),
    }
}

fn serve_inner(
    state: &AppState,
    shape: Shape,
    op: &Operation,
    params: &[String],
    query: Option<&str>,
    bytes: &[u8],
) -> ApiResult<Response> {
    let table = openapi::table(Shape::V2_16);
    let body = Body::parse(bytes)?;
    let query_params = Params::parse(query);
    check_request(table, op, &body, &query_params)?;
    let fields: Map<String, Value> = body
        .keys()
        .filter_map(|k| Some((k.clone(), body.raw(k)?.clone())))
        .collect();
    let now = state.now();
    let last_param = params.last().cloned();
    let verb = classify(table, op);
    let value = state.tx(|s| -> ApiResult<Option<Value>> {
        check_parent(s, op, params)?;
        if literal(op.segments.first()) == Some("custom_object_instances") {
            return custom_objects::serve(
                s,
                shape,
                &op.method,
                params,
                &query_params,
                &fields,
                now,
            )
            .map(Some);
        }
        if literal(op.segments.first()) == Some("events") {
            let rest: Vec<&str> = op.segments[1..]
                .iter()
                .filter_map(|s| literal(Some(s)))
                .collect();
            return events::serve(s, &op.method, &rest, &query_params, &fields, now);
        }
        if op.method == "DELETE" && op.shape() == "/conversations/{}" {
            delete_conversation(s, params.first().map_or("", String::as_str))?;
        }
        Ok(match &verb {
            Verb::List(resource) | Verb::Search(resource) => {
                let Some(schema) = &op.response else {
                    return Ok(None);
                };
                let mut docs = s.record_list(resource, parent_of(op, params).as_deref())?;
                if !is_list(table, schema, resource) {
                    // A lookup by query (`GET /visitors?user_id=`): the record whose fields
                    // match every query parameter it has.
                    let found = docs.into_iter().find(|d| {
                        query_params.pairs().all(|(k, v)| match d.get(k) {
                            Some(Value::String(x)) => x == v,
                            Some(Value::Number(n)) => n.to_string() == v,
                            _ => true,
                        })
                    });
                    return match found {
                        Some(doc) => Ok(Some(doc)),
                        None if STATEFUL.contains(&resource.as_str()) => Err(not_found(resource)),
                        None => Ok(Some(demo(table, op, "", &fields))),
                    };
                }
                if matches!(verb, Verb::Search(_)) {
                    let words: Vec<String> = ["phrase", "query", "q"]
                        .iter()
                        .filter_map(|k| query_params.get(k))
                        .flat_map(|q| {
                            q.split_whitespace()
                                .map(str::to_lowercase)
                                .collect::<Vec<_>>()
                        })
                        .collect();
                    docs.retain(|d| {
                        let text = d.to_string().to_lowercase();
                        words.iter().all(|w| text.contains(w.as_str()))
                    });
                }
                let mut envelope = table.synthesize(schema);
                // A list whose answer has no `pages` (data attributes, ticket types) cannot say
                // that more follow, so it is answered whole, as Intercom does.
                let paged = envelope.get("pages").is_some_and(Value::is_object);
                let per_page = if paged {
                    query_params.int("per_page", 50, 1, 250)?
                } else {
                    docs.len().max(1)
                };
                let page = if paged {
                    query_params.int("page", 1, 1, 1_000_000)?
                } else {
                    1
                };
                let total = docs.len();
                // A cursor (`starting_after`, the last id of the previous page) or a page number.
                let start = match query_params.get("starting_after") {
                    Some(after) => docs
                        .iter()
                        .position(|d| id_text(d).as_deref() == Some(after))
                        .map_or(total, |i| i + 1),
                    None => (page - 1).saturating_mul(per_page).min(total),
                };
                let more = start + per_page < total;
                let docs: Vec<Value> = docs.into_iter().skip(start).take(per_page).collect();
                let last_id = docs.last().and_then(id_text);
                // The envelope's `pages` tell the truth: which page this is, how many there
                // are, and a next cursor only when more follow (clients page until it is null).
                if let Some(Value::Object(pages)) = envelope.get_mut("pages") {
                    let total_pages = total.div_ceil(per_page).max(1);
                    pages.insert("page".to_owned(), json!(start / per_page + 1));
                    pages.insert("per_page".to_owned(), json!(per_page));
                    pages.insert("total_pages".to_owned(), json!(total_pages));
                    pages.insert(
                        "next".to_owned(),
                        match (more, last_id) {
                            (true, Some(id)) => {
                                json!({"per_page": per_page, "starting_after": id})
                            }
                            _ => Value::Null,
                        },
                    );
                }
                if envelope.is_array() {
                    return Ok(Some(Value::Array(docs)));
                }
                if let Some(pointer) = array_key(table, schema) {
                    put_at(&mut envelope, &pointer, Value::Array(docs));
                }
                if let Some(slot) = envelope.get_mut("total_count").filter(|v| v.is_number()) {
                    *slot = json!(total);
                }
                Some(envelope)
            }
            Verb::Create(resource) => {
                let schema = item_schema(table, resource).or_else(|| op.response.clone());
                let mut doc = schema
                    .as_ref()
                    .map(|s| table.synthesize(s))
                    .unwrap_or_else(|| json!({}));
                overlay(table, schema.as_ref(), &mut doc, &fields);
                if resource == "notes" {
                    note_links(s, op, params, &fields, &mut doc)?;
                }
                let id = s
                    .next_counter(&format!("records:{resource}"), 100)?
                    .to_string();
                set_id(&mut doc, &id);
                stamp(&mut doc, now, true);
                s.record_insert(resource, &id, parent_of(op, params).as_deref(), &doc)?;
                Some(doc)
            }
            Verb::Retrieve(resource) | Verb::Update(resource) | Verb::Delete(resource) => {
                let id = last_param.clone().unwrap_or_default();
                let found = s.record_get(resource, &id)?;
                let strict = STATEFUL.contains(&resource.as_str());
                match (found, &verb) {
                    (None, _) if strict => return Err(not_found(resource)),
                    (None, _) => Some(demo(table, op, &id, &fields)),
                    (Some(_), Verb::Delete(_)) => {
                        s.record_delete(resource, &id)?;
                        Some(demo(table, op, &id, &fields))
                    }
                    (Some(mut doc), Verb::Update(_)) => {
                        let schema = item_schema(table, resource);
                        overlay(table, schema.as_ref(), &mut doc, &fields);
                        stamp(&mut doc, now, false);
                        s.record_update(resource, &id, &doc)?;
                        Some(doc)
                    }
                    (Some(doc), _) => Some(doc),
                }
            }
            Verb::Action => Some(demo(
                table,
                op,
                last_param.as_deref().unwrap_or(""),
                &fields,
            )),
        })
    })?;
    let value = value.map(|mut v| {
        if let (Some(obj), Verb::Delete(_)) = (v.as_object_mut(), &verb)
            && let Some(deleted) = obj.get_mut("deleted")
        {
            *deleted = json!(true);
        }
        v
    });
    Ok(answer(op, value))
}

/// A demo answer of the operation's schema, carrying the path's id and the request's fields.
fn demo(table: &Shapes, op: &Operation, id: &str, fields: &Map<String, Value>) -> Value {
    let Some(schema) = &op.response else {
        return Value::Null;
    };
    let mut doc = table.synthesize(schema);
    overlay(table, Some(schema), &mut doc, fields);
    if !id.is_empty() {
        set_id(&mut doc, id);
    }
    doc
}

/// A record's id as text (ids are strings or integers).
fn id_text(doc: &Value) -> Option<String> {
    match doc.get("id")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
