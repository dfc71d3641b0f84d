//! Custom object instances: records of a custom object type (`Order`, ...) kept by the engine's
//! records table under `custom_object_instances/{type}`, created or updated by `external_id`.
//! 2.14 finds one by `?external_id=`; 2.16 lists them (filtered by it when given).

use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::openapi::Shape;
use crate::state::Params;
use crate::store::Store;

/// The custom object type seeded with demo instances (the spec's example type).
pub(crate) const DEMO_TYPE: &str = "Order";
const SEEDED: &str = "custom_objects_seeded";

fn resource(type_id: &str) -> String {
    format!("custom_object_instances/{type_id}")
}

fn instance(id: &str, type_id: &str, external_id: &str, at: i64) -> Value {
    json!({
        "type": type_id,
        "id": id,
        "external_id": external_id,
        "external_created_at": at,
        "external_updated_at": at,
        "created_at": at,
        "updated_at": at,
        "custom_attributes": {},
    })
}

pub(crate) fn seed(s: &Store) -> rusqlite::Result<()> {
    if s.meta(SEEDED)?.is_some() {
        return Ok(());
    }
    for n in 1..=2i64 {
        let id = n.to_string();
        let mut doc = instance(
            &id,
            DEMO_TYPE,
            &format!("order-{n:04}"),
            1_717_200_000 + n * 3600,
        );
        doc["custom_attributes"] =
            json!({"order_number": format!("ORD-{n:04}"), "status": "shipped"});
        s.record_insert(&resource(DEMO_TYPE), &id, None, &doc)?;
    }
    s.set_meta(SEEDED, "1")
}

fn not_found() -> ApiError {
    ApiError::not_found("not_found", "Custom object instance not found")
}

fn deleted(doc: &Value, type_id: &str) -> Value {
    json!({"object": type_id, "id": doc["id"], "deleted": true})
}

fn by_external_id(s: &Store, type_id: &str, external_id: &str) -> ApiResult<Option<Value>> {
    Ok(s.record_list(&resource(type_id), None)?
        .into_iter()
        .find(|d| d["external_id"] == external_id))
}

/// Serves one of the five operations; `params` are the path's type and, for two of them, id.
pub(crate) fn serve(
    s: &Store,
    shape: Shape,
    method: &str,
    params: &[String],
    query: &Params,
    fields: &Map<String, Value>,
    now: i64,
) -> ApiResult<Value> {
    let type_id = params.first().map_or("", String::as_str);
    let res = resource(type_id);
    match (method, params.get(1)) {
        ("POST", None) => {
            let external_id = match fields.get("external_id") {
                Some(Value::String(e)) if !e.is_empty() => e.clone(),
                Some(Value::Number(n)) => n.to_string(),
                Some(other) if !other.is_null() => {
                    return Err(ApiError::invalid(
                        "external_id",
                        "external_id must be a string",
                    ));
                }
                _ => return Err(ApiError::missing("external_id", "external_id is required")),
            };
            let mut doc = match by_external_id(s, type_id, &external_id)? {
                Some(doc) => doc,
                None => {
                    let id = s.next_counter(&format!("records:{res}"), 100)?.to_string();
                    instance(&id, type_id, &external_id, now)
                }
            };
            for key in ["external_created_at", "external_updated_at"] {
                if let Some(Value::Number(n)) = fields.get(key) {
                    doc[key] = json!(n);
                }
            }
            match fields.get("custom_attributes") {
                Some(Value::Object(attrs)) => {
                    for (k, v) in attrs {
                        doc["custom_attributes"][k] = v.clone();
                    }
                }
                None | Some(Value::Null) => {}
                Some(_) => {
                    return Err(ApiError::invalid(
                        "custom_attributes",
                        "custom_attributes must be an object of attribute names to values",
                    ));
                }
            }
            doc["updated_at"] = json!(now);
            let id = doc["id"].as_str().unwrap_or_default().to_owned();
            s.record_insert(&res, &id, None, &doc)?;
            Ok(doc)
        }
        ("GET", None) => {
            let wanted = query.get("external_id");
            let docs: Vec<Value> = s
                .record_list(&res, None)?
                .into_iter()
                .filter(|d| wanted.is_none_or(|w| d["external_id"] == w))
                .collect();
            if shape == Shape::V2_14 {
                return docs.into_iter().next().ok_or_else(not_found);
            }
            let per_page = query.int("per_page", 50, 1, 250)?;
            let total = docs.len();
            Ok(json!({
                "type": "list",
                "pages": {"type": "pages", "page": 1, "per_page": per_page, "total_pages": total.div_ceil(per_page).max(1), "next": null},
                "total_count": total,
                "data": docs.into_iter().take(per_page).collect::<Vec<_>>(),
            }))
        }
        ("DELETE", None) => {
            let Some(external_id) = query.get("external_id").filter(|e| !e.is_empty()) else {
                return Err(ApiError::missing(
                    "external_id",
                    "the query parameter external_id is required",
                ));
            };
            let doc = by_external_id(s, type_id, external_id)?.ok_or_else(not_found)?;
            s.record_delete(&res, doc["id"].as_str().unwrap_or_default())?;
            Ok(deleted(&doc, type_id))
        }
        ("GET", Some(id)) => s.record_get(&res, id)?.ok_or_else(not_found),
        ("DELETE", Some(id)) => {
            let doc = s.record_get(&res, id)?.ok_or_else(not_found)?;
            s.record_delete(&res, id)?;
            Ok(deleted(&doc, type_id))
        }
        _ => Err(not_found()),
    }
}
