//! The sandbox's operation table: for each version, every operation's method, path template,
//! success status, response schema and required request fields, plus the component schemas
//! they reference, trimmed to structure (types, properties, enums, required keys, scalar
//! examples). The sandbox embeds the file and never reads the spec at run time.

use serde_json::{Map, Value, json};

use crate::Output;
use crate::spec::{Spec, Specs};

/// Where the table is written.
pub const PATH: &str = "crates/intercom-sandbox/data/operations.json";

/// Schema keywords kept; everything else (descriptions, titles, examples of objects) is dropped.
const KEPT: &[&str] = &[
    "type",
    "properties",
    "items",
    "required",
    "enum",
    "nullable",
    "$ref",
    "allOf",
    "oneOf",
    "anyOf",
    "additionalProperties",
    "format",
];

pub fn outputs(specs: &Specs) -> anyhow::Result<Vec<Output>> {
    let mut versions = Map::new();
    for spec in &specs.specs {
        versions.insert(spec.version.to_owned(), version_table(spec)?);
    }
    let mut contents = serde_json::to_string(&json!({ "versions": versions }))?;
    contents.push('\n');
    Ok(vec![Output {
        path: PATH,
        contents,
    }])
}

/// The query keys that satisfy a required parameter: its name, or, for an object sent exploded
/// in form style (the default for a query), the names of its properties (`GET /events`'s
/// `filter` is one of `user_id`, `intercom_user_id`, `email`).
fn query_names(spec: &Spec, param: &Value, name: &str) -> anyhow::Result<Vec<Value>> {
    let style = param.get("style").and_then(Value::as_str).unwrap_or("form");
    let explode = param
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(style == "form");
    let schema = match param.get("schema") {
        Some(schema) => spec.deref(schema)?,
        None => return Ok(vec![json!(name)]),
    };
    let is_object = schema.get("type").and_then(Value::as_str) == Some("object");
    if !(is_object && style == "form" && explode) {
        return Ok(vec![json!(name)]);
    }
    let mut names: Vec<Value> = Vec::new();
    let branches = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_else(|| vec![schema.clone()]);
    for branch in branches {
        let branch = spec.deref(&branch)?;
        for key in branch
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|p| p.keys())
        {
            if !names.iter().any(|n| n == key) {
                names.push(json!(key));
            }
        }
    }
    if names.is_empty() {
        names.push(json!(name));
    }
    Ok(names)
}

fn version_table(spec: &Spec) -> anyhow::Result<Value> {
    let mut ops = Vec::new();
    for op in spec.operations() {
        let (status, response) = success_response(spec, op.op)?;
        let body = request_schema(spec, op.op)?;
        let required_body = match &body {
            Some(schema) => required_of(spec, schema)?,
            None => Vec::new(),
        };
        let mut query = Vec::new();
        for param in op.path_params.iter().chain(
            op.op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        ) {
            let param = spec.deref(param)?;
            if param.get("in").and_then(Value::as_str) == Some("query")
                && param.get("required").and_then(Value::as_bool) == Some(true)
                && let Some(name) = param.get("name").and_then(Value::as_str)
                // A parameter the path template names (`/export/reporting_data/{job_identifier}`)
                // is given by the path.
                && !op.path.contains(&format!("{{{name}}}"))
            {
                query.push(json!({"name": name, "any_of": query_names(spec, param, name)?}));
            }
        }
        ops.push(json!({
            "method": op.method,
            "path": op.path,
            "id": op.operation_id(),
            "status": status,
            "response": response.map(|s| trim(&s)),
            "body": body.map(|s| trim(&s)),
            "required_body": required_body,
            "required_query": query,
        }));
    }
    let mut schemas = Map::new();
    if let Some(all) = spec
        .doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in all {
            schemas.insert(name.clone(), trim(schema));
        }
    }
    Ok(json!({ "ops": ops, "schemas": schemas }))
}

/// The first 2xx (else 3xx) response: its status and JSON schema (None when it has no JSON body).
fn success_response(spec: &Spec, op: &Value) -> anyhow::Result<(u16, Option<Value>)> {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return Ok((200, None));
    };
    let mut codes: Vec<(u16, &Value)> = responses
        .iter()
        .filter_map(|(code, r)| Some((code.parse::<u16>().ok()?, r)))
        .filter(|(status, _)| (200..400).contains(status))
        .collect();
    codes.sort_by_key(|(status, _)| *status);

    if let Some((status, response)) = codes.first() {
        let status = *status;
        let response = spec.deref(response)?;
        let schema = response
            .pointer("/content/application~1json/schema")
            .cloned();
        return Ok((status, schema));
    }
    // No success is documented (only errors): the sandbox answers 404.
    Ok((404, None))
}

fn request_schema(spec: &Spec, op: &Value) -> anyhow::Result<Option<Value>> {
    let Some(body) = op.get("requestBody") else {
        return Ok(None);
    };
    let body = spec.deref(body)?;
    Ok(body.pointer("/content/application~1json/schema").cloned())
}

/// Required top-level fields of a request schema (through `$ref` and `allOf`).
fn required_of(spec: &Spec, schema: &Value) -> anyhow::Result<Vec<Value>> {
    let schema = spec.deref(schema)?;
    let mut out: Vec<Value> = schema
        .get("required")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            out.extend(required_of(spec, part)?);
        }
    }
    Ok(out)
}

/// A schema with only its structural keywords, recursively; scalar examples are kept.
fn trim(schema: &Value) -> Value {
    let Some(map) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        if !KEPT.contains(&key.as_str()) {
            continue;
        }
        let value = match key.as_str() {
            "properties" => match value.as_object() {
                Some(props) => Value::Object(
                    props
                        .iter()
                        .map(|(name, prop)| (name.clone(), trim(prop)))
                        .collect(),
                ),
                None => continue,
            },
            "items" => trim(value),
            "additionalProperties" if value.is_object() => trim(value),
            "allOf" | "oneOf" | "anyOf" => match value.as_array() {
                Some(parts) => Value::Array(parts.iter().map(trim).collect()),
                None => continue,
            },
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    if let Some(example) = map.get("example")
        && !example.is_object()
        && !example.is_array()
        && !example.is_null()
    {
        out.insert("example".to_owned(), example.clone());
    }
    Value::Object(out)
}
