//! A validator for the subset of JSON Schema the registry generates.
//!
//! It enforces every keyword in [`SUPPORTED_KEYWORDS`]; a test checks that no tool schema uses
//! any other. It reports the first violation, with the path of the offending field
//! (`from.type`, `labels[2]`) and what is allowed.

use serde_json::{Map, Value};

/// The keywords tool schemas may use. `description` is an annotation; `default` is applied by the
/// registry before the rules run; all others are enforced here.
pub const SUPPORTED_KEYWORDS: &[&str] = &[
    "type",
    "description",
    "default",
    "properties",
    "required",
    "additionalProperties",
    "enum",
    "minLength",
    "minimum",
    "maximum",
    "items",
];

/// One reason an input was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Path of the field (`""` for the whole input).
    pub field: String,
    /// What is wrong and what is allowed, written to follow the field name.
    pub message: String,
}

/// Checks `instance` against `schema`.
pub fn validate(schema: &Value, instance: &Value) -> Result<(), Violation> {
    check(schema, instance, "")
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn violation(field: &str, message: impl Into<String>) -> Violation {
    Violation {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// The JSON type name of a value, with a short rendering of it.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(s) => format!("a string ({})", Value::String(truncate(s))),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(40).collect::<String>())
    }
}

fn type_matches(ty: &str, value: &Value) -> bool {
    match ty {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "null" => value.is_null(),
        _ => false,
    }
}

fn article(ty: &str) -> String {
    match ty {
        "integer" | "object" | "array" => format!("an {ty}"),
        _ => format!("a {ty}"),
    }
}

fn check(schema: &Value, value: &Value, path: &str) -> Result<(), Violation> {
    let Some(schema) = schema.as_object() else {
        return Ok(());
    };

    if let Some(types) = schema.get("type").and_then(Value::as_array) {
        let names: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
        if !names.iter().any(|ty| type_matches(ty, value)) {
            let list: Vec<String> = names.iter().map(|t| article(t)).collect();
            let message = format!(
                "must be {}, got {}",
                crate::schema::or_list(&list.iter().map(String::as_str).collect::<Vec<_>>()),
                describe(value)
            );
            if path.is_empty() {
                return Err(violation(path, format!("the arguments {message}")));
            }
            return Err(violation(path, message));
        }
    }
    if let Some(ty) = schema.get("type").and_then(Value::as_str)
        && !type_matches(ty, value)
    {
        let mut message = format!("must be {}, got {}", article(ty), describe(value));
        if ty == "string" && value.is_number() {
            message.push_str(&format!(": pass it as a string, \"{value}\""));
        } else if ty == "integer" && value.as_str().is_some_and(|s| s.parse::<i64>().is_ok()) {
            message.push_str(": pass it without quotes");
        }
        if path.is_empty() {
            return Err(violation(path, format!("the arguments {message}")));
        }
        return Err(violation(path, message));
    }

    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        let list: Vec<String> = allowed.iter().map(render).collect();
        return Err(violation(
            path,
            format!("must be one of {}; got {}", list.join(", "), render(value)),
        ));
    }

    if let (Some(min), Some(s)) = (
        schema.get("minLength").and_then(Value::as_u64),
        value.as_str(),
    ) && (s.chars().count() as u64) < min
    {
        let message = if min == 1 {
            "must not be empty".to_owned()
        } else {
            format!("must be at least {min} characters long")
        };
        return Err(violation(path, message));
    }

    if let Some(n) = value.as_i64() {
        let min = schema.get("minimum").and_then(Value::as_i64);
        let max = schema.get("maximum").and_then(Value::as_i64);
        let out = min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m);
        if out {
            let range = match (min, max) {
                (Some(a), Some(b)) => format!("between {a} and {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => unreachable!("out of range needs a bound"),
            };
            return Err(violation(path, format!("must be {range}, got {n}")));
        }
    }

    if let Some(items) = schema.get("items")
        && let Some(array) = value.as_array()
    {
        for (i, item) in array.iter().enumerate() {
            check(items, item, &format!("{path}[{i}]"))?;
        }
    }

    if let Some(object) = value.as_object() {
        check_object(schema, object, path)?;
    }
    Ok(())
}

fn check_object(
    schema: &Map<String, Value>,
    object: &Map<String, Value>,
    path: &str,
) -> Result<(), Violation> {
    let empty = Map::new();
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);

    if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
        let mut unknown: Vec<&String> = object
            .keys()
            .filter(|k| !properties.contains_key(*k))
            .collect();
        unknown.sort();
        if let Some(key) = unknown.first() {
            let names: Vec<&str> = properties.keys().map(String::as_str).collect();
            let mut message = if names.is_empty() {
                "is not accepted: this takes no parameters".to_owned()
            } else {
                format!("is not a known parameter; allowed: {}", names.join(", "))
            };
            if let Some(near) = nearest(key, &names) {
                message = format!(
                    "is not a known parameter (did you mean `{near}`?); allowed: {}",
                    names.join(", ")
                );
            }
            return Err(violation(&join(path, key), message));
        }
    }

    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for name in required.iter().filter_map(Value::as_str) {
            // `null` counts as "not given", except where any JSON value is allowed (a search
            // filter's `value`, where `null` means "field is missing").
            let any_value = properties
                .get(name)
                .and_then(|sub| sub.get("type"))
                .and_then(Value::as_array)
                .is_some_and(|types| types.iter().any(|t| t == "null"));
            let given = object.get(name).is_some_and(|v| !v.is_null() || any_value);
            if !given {
                return Err(violation(&join(path, name), "is required"));
            }
        }
    }

    for (name, sub) in properties {
        if let Some(v) = object.get(name) {
            if v.is_null() {
                // `null` means "not given" for optional fields.
                continue;
            }
            check(sub, v, &join(path, name))?;
        }
    }
    Ok(())
}

/// The closest name by Jaro-Winkler similarity, if it is close enough to be a likely typo.
pub(crate) fn nearest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| {
            (
                strsim::jaro_winkler(&name.to_ascii_lowercase(), &c.to_ascii_lowercase()),
                *c,
            )
        })
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

fn render(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}
