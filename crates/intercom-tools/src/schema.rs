//! JSON Schema generation from a tool's parameter table.
//!
//! Every schema is object-rooted with no `anyOf`/`oneOf`/`allOf`, and uses only
//! [`crate::validate::SUPPORTED_KEYWORDS`], so the validator enforces all of it.

use serde_json::{Map, Value, json};

use crate::spec::{JsonType, Param, Rule, Tool};

/// The input schema of `tool`.
/// The tool's own parameters come first, then the registry-wide shaping parameters
/// ([`crate::shape::SHAPE_PARAMS`]) that the tool does not declare itself.
pub fn tool_schema(tool: &Tool) -> Value {
    let params: Vec<Param> = tool
        .params
        .iter()
        .chain(crate::shape::params_for(tool))
        .copied()
        .collect();
    let mut schema = object_schema(&params, |p| rule_note(tool.rules, p.name));
    if let Value::Object(map) = &mut schema {
        // Keep the root free of a description: MCP clients show the tool's own.
        map.remove("description");
    }
    schema
}

/// An object schema of `params` alone (no rules).
pub(crate) fn params_schema(params: &[Param]) -> Value {
    object_schema(params, |_| None)
}

fn object_schema(params: &[Param], note: impl Fn(&Param) -> Option<String>) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for p in params {
        properties.insert(p.name.to_owned(), param_schema(p, note(p)));
        if p.required {
            required.push(Value::String(p.name.to_owned()));
        }
    }
    let mut map = Map::new();
    map.insert("type".into(), json!("object"));
    map.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        map.insert("required".into(), Value::Array(required));
    }
    map.insert("additionalProperties".into(), json!(false));
    Value::Object(map)
}

fn param_schema(p: &Param, note: Option<String>) -> Value {
    let mut map = Map::new();
    map.insert("type".into(), p.ty.schema_type());
    let description = match note {
        Some(note) => format!("{} {note}", p.description),
        None => p.description.to_owned(),
    };
    map.insert("description".into(), Value::String(description));
    if !p.allowed.is_empty() {
        map.insert("enum".into(), json!(p.allowed));
    }
    if let Some(default) = p.default {
        map.insert("default".into(), json!(default));
    }
    if p.non_empty {
        map.insert("minLength".into(), json!(1));
    }
    if let Some(min) = p.minimum {
        map.insert("minimum".into(), json!(min));
    }
    if let Some(max) = p.maximum {
        map.insert("maximum".into(), json!(max));
    }
    if p.ty == JsonType::Object
        && !p.properties.is_empty()
        && let Value::Object(inner) = object_schema(p.properties, |_| None)
    {
        for (k, v) in inner {
            if k != "type" {
                map.insert(k, v);
            }
        }
    }
    if let Some(items) = p.items.and_then(JsonType::as_str) {
        map.insert("items".into(), json!({ "type": items }));
    }
    Value::Object(map)
}

/// Rules over at most this many fields are repeated on each field; longer ones are said once,
/// in the tool's description ([`description`]), so a schema does not repeat one sentence on
/// eleven properties.
const SHORT_LIST: usize = 3;

/// The tool's description as agents see it: its own sentence, plus the rules too long to repeat
/// on every field they name ("Give at least one of role, email, phone, ...").
pub fn description(tool: &Tool) -> std::borrow::Cow<'static, str> {
    let notes: Vec<String> = tool
        .rules
        .iter()
        .filter_map(|r| match *r {
            Rule::AnyOf { fields } if fields.len() > SHORT_LIST => {
                Some(format!("Give at least one of {}.", or_list(fields)))
            }
            _ => None,
        })
        .collect();
    if notes.is_empty() {
        std::borrow::Cow::Borrowed(tool.description)
    } else {
        std::borrow::Cow::Owned(format!("{} {}", tool.description, notes.join(" ")))
    }
}

/// A sentence for the description of `field` from the tool's rules.
fn rule_note(rules: &[Rule], field: &str) -> Option<String> {
    let notes: Vec<String> = rules
        .iter()
        .filter_map(|r| match *r {
            Rule::AnyOf { fields } if fields.len() <= SHORT_LIST && fields.contains(&field) => {
                Some(format!("Give at least one of {}.", or_list(fields)))
            }
            Rule::RequiredIf {
                field: f,
                when,
                equals,
            } if f == field => Some(format!("Required when {when} is {}.", or_list(equals))),
            Rule::AnyOfIf {
                fields,
                when,
                equals,
            } if fields.contains(&field) => Some(format!(
                "One of {} is required when {when} is {}.",
                fields.join(", "),
                or_list(equals)
            )),
            Rule::OnlyIf {
                field: f,
                when,
                equals,
            } if f == field => Some(format!("Only allowed when {when} is {}.", or_list(equals))),
            _ => None,
        })
        .collect();
    (!notes.is_empty()).then(|| notes.join(" "))
}

/// `a`, `a or b`, `a, b or c`.
pub(crate) fn or_list(values: &[&str]) -> String {
    match values {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
