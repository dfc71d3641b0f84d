//! Data events: what happened to a contact (`placed-order`), submitted with `POST /events` and
//! read back per contact with `GET /events?type=user&user_id=|intercom_user_id=|email=`, as
//! Intercom's event list, or as a summary per event name with `summary=true`.
//! `POST /events/summaries` adds counts to a contact's summary without single events.
//!
//! Events are kept in the engine's records table under `data_events`, with the contact's id as
//! parent; summaries sent in bulk under `data_event_summaries`, one record per contact and name.

use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::state::Params;
use crate::store::{Key, Kind, Store};

const EVENTS: &str = "data_events";
const SUMMARIES: &str = "data_event_summaries";
/// Most events one list answers (Intercom pages the rest; the sandbox keeps the newest).
const MAX_PER_PAGE: i64 = 250;

/// The contact an event names: by Intercom id (`id` in a body, `intercom_user_id` in a query),
/// by your `user_id` (the contact's external id), or by email, checked in that order.
fn contact_for(
    s: &Store,
    intercom_id: Option<&str>,
    user_id: Option<&str>,
    email: Option<&str>,
) -> ApiResult<Value> {
    let missing = || {
        ApiError::not_found(
            "not_found",
            "User Not Found: no contact has that id, user_id or email",
        )
    };
    if let Some(id) = intercom_id {
        return s.get(Kind::Contact, id)?.ok_or_else(missing);
    }
    if let Some(external) = user_id {
        return s
            .find_by(Kind::Contact, Key::K2, external)?
            .into_iter()
            .next()
            .map(|r| r.doc)
            .ok_or_else(missing);
    }
    if let Some(address) = email {
        return s
            .find_by(Kind::Contact, Key::K1, &address.to_lowercase())?
            .into_iter()
            .next()
            .map(|r| r.doc)
            .ok_or_else(missing);
    }
    Err(missing())
}

/// A string field of the body, or a clear error when it has another type.
fn text<'a>(fields: &'a Map<String, Value>, name: &str) -> ApiResult<Option<&'a str>> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(v)) if v.is_empty() => Ok(None),
        Some(Value::String(v)) => Ok(Some(v.as_str())),
        Some(_) => Err(ApiError::invalid(name, format!("{name} must be a string"))),
    }
}

fn string_of(value: &Value) -> Value {
    match value {
        Value::String(s) => json!(s),
        Value::Number(n) => json!(n.to_string()),
        _ => Value::Null,
    }
}

/// An ISO 8601 time for a summary (`2014-01-16T23:12:21.000+00:00`).
fn iso(at: i64) -> String {
    jiff::Timestamp::from_second(at)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S.000+00:00").to_string())
        .unwrap_or_default()
}

/// Serves `POST /events`, `GET /events` and `POST /events/summaries`; `rest` is the path after
/// `/events`. `Ok(None)` is an answer with no body (202 or 200, as the operation says).
pub(crate) fn serve(
    s: &Store,
    method: &str,
    rest: &[&str],
    query: &Params,
    fields: &Map<String, Value>,
    now: i64,
) -> ApiResult<Option<Value>> {
    match (method, rest) {
        ("POST", []) => submit(s, fields, now).map(|()| None),
        ("GET", []) => list(s, query).map(Some),
        ("POST", ["summaries"]) => add_summaries(s, fields, now).map(|()| None),
        _ => Err(ApiError::not_found("not_found", "No such events endpoint")),
    }
}

fn submit(s: &Store, fields: &Map<String, Value>, now: i64) -> ApiResult<()> {
    let Some(name) = text(fields, "event_name")? else {
        return Err(ApiError::missing("event_name", "event_name is required"));
    };
    let created_at = match fields.get("created_at") {
        Some(Value::Number(n)) => n.as_i64().ok_or_else(|| {
            ApiError::invalid("created_at", "created_at must be whole unix seconds")
        })?,
        None | Some(Value::Null) => {
            return Err(ApiError::missing(
                "created_at",
                "created_at (unix seconds) is required",
            ));
        }
        Some(_) => {
            return Err(ApiError::invalid(
                "created_at",
                "created_at must be an integer of unix seconds",
            ));
        }
    };
    let (id, user_id, email) = (
        text(fields, "id")?,
        text(fields, "user_id")?,
        text(fields, "email")?,
    );
    if id.is_none() && user_id.is_none() && email.is_none() {
        return Err(ApiError::missing(
            "user_id",
            "name the contact with one of id (Intercom's), user_id (yours) or email",
        ));
    }
    let metadata = match fields.get("metadata") {
        None | Some(Value::Null) => json!({}),
        Some(Value::Object(m)) => Value::Object(m.clone()),
        Some(_) => {
            return Err(ApiError::invalid(
                "metadata",
                "metadata must be an object of names to values",
            ));
        }
    };
    let contact = contact_for(s, id, user_id, email)?;
    let contact_id = contact["id"].as_str().unwrap_or_default().to_owned();
    let seq = s.next_counter(&format!("records:{EVENTS}"), 1)?;
    let doc = json!({
        "type": "event",
        "event_name": name,
        "created_at": created_at,
        "user_id": string_of(&contact["external_id"]),
        "id": contact_id,
        "intercom_user_id": contact_id,
        "email": string_of(&contact["email"]),
        "metadata": metadata,
        "received_at": now,
        "seq": seq,
    });
    s.record_insert(EVENTS, &seq.to_string(), Some(&contact_id), &doc)?;
    Ok(())
}

fn add_summaries(s: &Store, fields: &Map<String, Value>, now: i64) -> ApiResult<()> {
    let Some(user_id) = text(fields, "user_id")? else {
        return Err(ApiError::missing(
            "user_id",
            "user_id (your id for the contact) is required",
        ));
    };
    let contact = contact_for(s, None, Some(user_id), None)?;
    let contact_id = contact["id"].as_str().unwrap_or_default().to_owned();
    let summary = match fields.get("event_summaries") {
        Some(Value::Object(m)) => m,
        None | Some(Value::Null) => {
            return Err(ApiError::missing(
                "event_summaries",
                "event_summaries is required: {event_name, count, first, last}",
            ));
        }
        Some(_) => {
            return Err(ApiError::invalid(
                "event_summaries",
                "event_summaries must be an object: {event_name, count, first, last}",
            ));
        }
    };
    let Some(Value::String(name)) = summary.get("event_name").filter(|v| v.is_string()) else {
        return Err(ApiError::missing(
            "event_summaries.event_name",
            "event_summaries.event_name is required",
        ));
    };
    let int = |key: &str| -> ApiResult<Option<i64>> {
        match summary.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| {
                ApiError::invalid(
                    &format!("event_summaries.{key}"),
                    format!("event_summaries.{key} must be an integer"),
                )
            }),
        }
    };
    let count = int("count")?.unwrap_or(1);
    if count < 0 {
        return Err(ApiError::invalid(
            "event_summaries.count",
            "event_summaries.count must be 0 or more",
        ));
    }
    let first = int("first")?.unwrap_or(now);
    let last = int("last")?.unwrap_or(first);
    let key = format!("{contact_id}:{name}");
    let doc = match s.record_get(SUMMARIES, &key)? {
        Some(mut doc) => {
            doc["count"] = json!(doc["count"].as_i64().unwrap_or(0) + count);
            doc["first"] = json!(doc["first"].as_i64().unwrap_or(first).min(first));
            doc["last"] = json!(doc["last"].as_i64().unwrap_or(last).max(last));
            s.record_update(SUMMARIES, &key, &doc)?;
            return Ok(());
        }
        None => json!({"name": name, "count": count, "first": first, "last": last}),
    };
    s.record_insert(SUMMARIES, &key, Some(&contact_id), &doc)?;
    Ok(())
}

fn list(s: &Store, query: &Params) -> ApiResult<Value> {
    match query.get("type") {
        Some("user") => {}
        None | Some("") => {
            return Err(ApiError::missing(
                "type",
                "the query parameter type is required: user",
            ));
        }
        Some(other) => {
            return Err(ApiError::invalid(
                "type",
                format!("type {other:?} is not served: use user"),
            ));
        }
    }
    let pick = |name: &'static str| query.get(name).filter(|v| !v.is_empty()).map(|v| (name, v));
    let (intercom_id, user_id, email) = (pick("intercom_user_id"), pick("user_id"), pick("email"));
    if intercom_id.is_none() && user_id.is_none() && email.is_none() {
        return Err(ApiError::missing(
            "filter",
            "name the contact with one of the query parameters user_id, intercom_user_id or email",
        ));
    }
    let summary = match query.get("summary") {
        None | Some("" | "false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::invalid(
                "summary",
                format!("summary must be true or false, not {other:?}"),
            ));
        }
    };
    let per_page = query.int(
        "per_page",
        50,
        1,
        usize::try_from(MAX_PER_PAGE).unwrap_or(250),
    )?;
    let contact = contact_for(
        s,
        intercom_id.map(|(_, v)| v),
        user_id.map(|(_, v)| v),
        email.map(|(_, v)| v),
    )?;
    let contact_id = contact["id"].as_str().unwrap_or_default();
    let mut events = s.record_list(EVENTS, Some(contact_id))?;
    // Newest first, as Intercom lists them; events of one second in the order they came.
    let position = |e: &Value| {
        (
            e["created_at"].as_i64().unwrap_or(0),
            e["seq"].as_i64().unwrap_or(0),
        )
    };
    events.sort_by_key(|e| std::cmp::Reverse(position(e)));
    if summary {
        let mut names: Vec<(String, i64, i64, i64)> = Vec::new();
        let mut add = |name: &str, count: i64, first: i64, last: i64| match names
            .iter_mut()
            .find(|(n, ..)| n == name)
        {
            Some((_, c, f, l)) => {
                *c += count;
                *f = (*f).min(first);
                *l = (*l).max(last);
            }
            None => names.push((name.to_owned(), count, first, last)),
        };
        for e in &events {
            let at = e["created_at"].as_i64().unwrap_or(0);
            add(e["event_name"].as_str().unwrap_or_default(), 1, at, at);
        }
        for sum in s.record_list(SUMMARIES, Some(contact_id))? {
            add(
                sum["name"].as_str().unwrap_or_default(),
                sum["count"].as_i64().unwrap_or(0),
                sum["first"].as_i64().unwrap_or(0),
                sum["last"].as_i64().unwrap_or(0),
            );
        }
        let items: Vec<Value> = names
            .into_iter()
            .map(|(name, count, first, last)| {
                json!({"name": name, "first": iso(first), "last": iso(last), "count": count, "description": null})
            })
            .collect();
        return Ok(json!({
            "type": "event.summary",
            "email": string_of(&contact["email"]),
            "intercom_user_id": contact_id,
            "user_id": string_of(&contact["external_id"]),
            "events": items,
        }));
    }
    // `before` (from a previous page's `pages.next`): the events after that position.
    if let Some(before) = query.get("before").filter(|b| !b.is_empty()) {
        let bad = || {
            ApiError::invalid(
                "before",
                format!(
                    "before {before:?} is not from this API's pages.next; follow that URL unchanged"
                ),
            )
        };
        let (at, seq) = before.split_once('-').ok_or_else(bad)?;
        let at: i64 = at.parse().map_err(|_| bad())?;
        let seq: i64 = seq.parse().map_err(|_| bad())?;
        events.retain(|e| position(e) < (at, seq));
    }
    let more = events.len() > per_page;
    events.truncate(per_page);
    let mut pages = json!({});
    if more && let Some(last) = events.last() {
        let (at, seq) = position(last);
        let (name, value) = intercom_id.or(user_id).or(email).unwrap_or_default();
        let value: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
        // A path: the sandbox does not know which host name its client used.
        pages["next"] = json!(format!(
            "/events?type=user&{name}={value}&per_page={per_page}&before={at}-{seq}"
        ));
    }
    let shown: Vec<Value> = events
        .into_iter()
        .map(|mut e| {
            if let Some(map) = e.as_object_mut() {
                map.remove("received_at");
                map.remove("seq");
            }
            e
        })
        .collect();
    Ok(json!({
        "type": "event.list",
        "events": shown,
        "pages": pages,
    }))
}
