//! The operation table generated from Intercom's 2.14 and 2.16 descriptions
//! (`data/operations.json`, written by `cargo run -p xtask -- generate`), and the three things
//! done with its schemas: matching a request to its operation, making a demo value for a schema
//! ([`Shapes::synthesize`]) and rendering a value in a version's shape ([`Shapes::conform`]).

use std::borrow::Cow;
use std::sync::OnceLock;

use serde_json::{Map, Value, json};

const TABLE: &str = include_str!("../data/operations.json");

/// The two shapes served: 2.14's and 2.16's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    V2_14,
    V2_16,
}

impl Shape {
    /// The shape served for an `Intercom-Version` value: 2.14's up to 2.14 (and 1.x), 2.16's for
    /// 2.15, 2.16, Preview and Unstable.
    pub fn for_version(version: &str) -> Shape {
        let numbered = version.split_once('.').and_then(|(major, minor)| {
            Some((major.parse::<u32>().ok()?, minor.parse::<u32>().ok()?))
        });
        match numbered {
            Some((major, minor)) if (major, minor) <= (2, 14) => Shape::V2_14,
            _ => Shape::V2_16,
        }
    }
}

/// One operation of one version.
#[derive(Debug)]
pub(crate) struct Operation {
    pub method: String,
    pub path: String,
    pub segments: Vec<Segment>,
    pub status: u16,
    pub response: Option<Value>,
    /// The request body's schema.
    pub body: Option<Value>,
    pub required_body: Vec<String>,
    pub required_query: Vec<QueryRequirement>,
}

/// A required query parameter: `name` as the spec calls it, and the keys any one of which
/// satisfies it (the name itself, or the properties of an object sent exploded).
#[derive(Debug)]
pub(crate) struct QueryRequirement {
    pub name: String,
    pub any_of: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Literal(String),
    Param(String),
}

impl Operation {
    /// The path template with parameter names erased (`/contacts/{}/tags`).
    pub fn shape(&self) -> String {
        template_shape(&self.path)
    }
}

/// `/a/{x}/b` -> `/a/{}/b`.
pub(crate) fn template_shape(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

pub(crate) struct Shapes {
    pub ops: Vec<Operation>,
    schemas: Map<String, Value>,
}

/// Both versions' tables, parsed once.
pub(crate) fn table(shape: Shape) -> &'static Shapes {
    static TABLES: OnceLock<(Shapes, Shapes)> = OnceLock::new();
    let (v14, v16) = TABLES.get_or_init(|| {
        let mut doc: Value = serde_json::from_str(TABLE).unwrap_or_else(|_| json!({}));
        (
            Shapes::parse(doc["versions"]["2.14"].take()),
            Shapes::parse(doc["versions"]["2.16"].take()),
        )
    });
    match shape {
        Shape::V2_14 => v14,
        Shape::V2_16 => v16,
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Enum values renamed between versions: (2.14's, 2.16's).
const ENUM_RENAMES: &[(&str, &str)] = &[("not_priority", "none"), ("priority", "high")];

impl Shapes {
    fn parse(mut doc: Value) -> Shapes {
        let schemas = match doc["schemas"].take() {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let ops = match doc["ops"].take() {
            Value::Array(ops) => ops
                .into_iter()
                .map(|mut op| {
                    let path = op["path"].as_str().unwrap_or_default().to_owned();
                    let segments = path
                        .split('/')
                        .skip(1)
                        .map(
                            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                                Some(name) => Segment::Param(name.to_owned()),
                                None => Segment::Literal(s.to_owned()),
                            },
                        )
                        .collect();
                    Operation {
                        method: op["method"].as_str().unwrap_or_default().to_owned(),
                        segments,
                        status: op["status"].as_u64().unwrap_or(200) as u16,
                        response: Some(op["response"].take()).filter(|v| !v.is_null()),
                        body: Some(op["body"].take()).filter(|v| !v.is_null()),
                        required_body: strings(&op["required_body"]),
                        required_query: op["required_query"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|r| QueryRequirement {
                                name: r["name"].as_str().unwrap_or_default().to_owned(),
                                any_of: strings(&r["any_of"]),
                            })
                            .collect(),
                        path,
                    }
                })
                .collect(),
            _ => Vec::new(),
        };
        Shapes { ops, schemas }
    }

    /// The operation `method path` names, literal segments winning over parameters
    /// (`/admins/activity_logs` is not `/admins/{id}`), with its path parameters in order.
    pub fn find(&self, method: &str, path: &str) -> Option<(&Operation, Vec<String>)> {
        let parts: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
        let mut best: Option<(&Operation, Vec<String>, usize)> = None;
        for op in self
            .ops
            .iter()
            .filter(|op| op.method.eq_ignore_ascii_case(method))
        {
            if op.segments.len() != parts.len() {
                continue;
            }
            let mut params = Vec::new();
            let mut literals = 0;
            let mut matched = true;
            for (segment, part) in op.segments.iter().zip(&parts) {
                match segment {
                    Segment::Literal(l) if l == part => literals += 1,
                    Segment::Literal(_) => {
                        matched = false;
                        break;
                    }
                    Segment::Param(_) if part.is_empty() => {
                        matched = false;
                        break;
                    }
                    Segment::Param(_) => params.push(percent_decode(part)),
                }
            }
            if matched && best.as_ref().is_none_or(|(_, _, n)| literals > *n) {
                best = Some((op, params, literals));
            }
        }
        best.map(|(op, params, _)| (op, params))
    }

    fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..16 {
            let Some(r) = schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let name = r.rsplit('/').next().unwrap_or_default();
            match self.schemas.get(name) {
                Some(s) => schema = s,
                None => break,
            }
        }
        schema
    }

    /// `allOf` parts merged into one object schema (properties and required keys).
    fn flatten<'a>(&'a self, schema: &'a Value) -> Cow<'a, Value> {
        let schema = self.resolve(schema);
        let Some(parts) = schema.get("allOf").and_then(Value::as_array) else {
            return Cow::Borrowed(schema);
        };
        let mut props = Map::new();
        let mut required = Vec::new();
        for part in parts {
            let part = self.flatten(part);
            if let Some(p) = part.get("properties").and_then(Value::as_object) {
                props.extend(p.clone());
            }
            required.extend(
                part.get("required")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
            );
        }
        if let Some(p) = schema.get("properties").and_then(Value::as_object) {
            props.extend(p.clone());
        }
        Cow::Owned(json!({"type": "object", "properties": props, "required": required}))
    }

    /// The properties of an object schema (through `$ref` and `allOf`), in order.
    pub fn properties(&self, schema: &Value) -> Vec<(String, Value)> {
        self.flatten(schema)
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    }

    /// The JSON type a schema describes (`object`, `array`, `string`...; empty when open).
    pub fn kind(&self, schema: &Value) -> String {
        schema_type(&self.flatten(schema)).to_owned()
    }

    /// The items schema of an array schema.
    pub fn flatten_items(&self, schema: &Value) -> Option<Value> {
        self.flatten(schema).get("items").cloned()
    }

    /// The schema of the property `key` of an object schema.
    pub fn property(&self, schema: &Value, key: &str) -> Option<Value> {
        self.flatten(schema)
            .pointer(&format!("/properties/{key}"))
            .cloned()
    }

    /// The items schema of the array property `key` of an object schema.
    pub fn items_of(&self, schema: &Value, key: &str) -> Option<Value> {
        let flat = self.flatten(schema);
        let prop = flat.pointer(&format!("/properties/{key}"))?;
        let prop = self.flatten(prop);
        prop.get("items").cloned()
    }

    /// A demo value for `schema`: every property, scalar examples where the spec gives them.
    pub fn synthesize(&self, schema: &Value) -> Value {
        self.synth(schema, 0)
    }

    fn synth(&self, schema: &Value, depth: usize) -> Value {
        let schema = self.flatten(schema);
        for key in ["oneOf", "anyOf"] {
            if let Some(first) = schema.get(key).and_then(|v| v.get(0)) {
                return self.synth(first, depth);
            }
        }
        if let Some(first) = schema.get("enum").and_then(|v| v.get(0)) {
            return match schema.get("example") {
                Some(e) if schema["enum"].as_array().is_some_and(|a| a.contains(e)) => e.clone(),
                _ => first.clone(),
            };
        }
        let example = schema.get("example").filter(|e| !e.is_null());
        match schema_type(&schema) {
            "integer" => example
                .filter(|e| e.is_i64() || e.is_u64())
                .cloned()
                .unwrap_or(json!(1)),
            "number" => example
                .filter(|e| e.is_number())
                .cloned()
                .unwrap_or(json!(1.0)),
            "boolean" => example
                .filter(|e| e.is_boolean())
                .cloned()
                .unwrap_or(json!(false)),
            "string" => example
                .filter(|e| e.is_string())
                .cloned()
                .unwrap_or_else(|| json!(demo_string(&schema))),
            "array" if depth < 4 => {
                let item = self.synth(schema.get("items").unwrap_or(&Value::Null), depth + 1);
                if item.is_null() {
                    json!([])
                } else {
                    json!([item])
                }
            }
            "array" => json!([]),
            "object" if depth < 6 => {
                let mut out = Map::new();
                let required = strings(schema.get("required").unwrap_or(&Value::Null));
                if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                    for (name, prop) in props {
                        // Deep optional objects and lists are left out, to keep demo objects
                        // readable (a translated article would otherwise carry every locale).
                        let compound =
                            matches!(schema_type(&self.flatten(prop)), "object" | "array");
                        if depth >= 1 && compound && !required.contains(name) {
                            continue;
                        }
                        out.insert(name.clone(), self.synth(prop, depth + 1));
                    }
                }
                Value::Object(out)
            }
            "object" => json!({}),
            _ => Value::Null,
        }
    }

    /// Whether `value` has the schema's types, enums and required keys (null allowed for
    /// property values, as Intercom sends it).
    pub fn fits(&self, value: &Value, schema: &Value) -> bool {
        self.fits_at(value, schema, 0)
    }

    fn fits_at(&self, value: &Value, schema: &Value, depth: usize) -> bool {
        if depth > 24 {
            return true;
        }
        let schema = self.flatten(schema);
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                return branches.iter().any(|b| self.fits_at(value, b, depth + 1));
            }
        }
        if value.is_null() {
            return depth > 0 || schema.get("nullable") == Some(&Value::Bool(true));
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            return false;
        }
        match schema_type(&schema) {
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "string" => value
                .as_str()
                .is_some_and(|text| fits_format(text, &schema)),
            "array" => value.as_array().is_some_and(|items| {
                let item_schema = schema.get("items").cloned().unwrap_or(Value::Null);
                items
                    .iter()
                    .all(|i| self.fits_at(i, &item_schema, depth + 1))
            }),
            "object" => {
                let Some(map) = value.as_object() else {
                    return false;
                };
                let props = schema.get("properties").and_then(Value::as_object);
                let required_ok = strings(schema.get("required").unwrap_or(&Value::Null))
                    .iter()
                    .all(|k| map.contains_key(k));
                let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
                required_ok
                    && map.iter().all(|(k, v)| match props.and_then(|p| p.get(k)) {
                        Some(p) => self.fits_at(v, p, depth + 1),
                        None => !closed,
                    })
            }
            _ => true,
        }
    }

    /// `value` rendered in the schema's shape: left as it is where it fits; otherwise only
    /// lossless changes are made: scalars converted (`"123"` <-> `123`, enum values renamed
    /// between versions), missing required keys filled with demo values, unknown keys dropped
    /// where the schema is closed. A value no such change fits is left as the handler made it.
    pub fn conform(&self, value: Value, schema: &Value) -> Value {
        self.conform_at(value, schema, 0)
    }

    fn conform_at(&self, value: Value, schema: &Value, depth: usize) -> Value {
        if depth > 24 || self.fits_at(&value, schema, depth) {
            return value;
        }
        let schema = self.flatten(schema);
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                let branch = self.pick_branch(&value, branches);
                return self.conform_at(value, &branch, depth + 1);
            }
        }
        if value.is_null() {
            return value;
        }
        let kind = schema_type(&schema);
        let converted = match (kind, value) {
            ("string", Value::Number(n)) => json!(n.to_string()),
            ("string", Value::Bool(b)) => json!(b.to_string()),
            ("string", v @ Value::String(_)) => v,
            ("integer", Value::String(s)) => match s.trim().parse::<i64>() {
                Ok(n) => json!(n),
                Err(_) => Value::String(s),
            },
            ("integer", Value::Number(n)) => json!(n.as_f64().unwrap_or(0.0) as i64),
            ("number", Value::String(s)) => match s.trim().parse::<f64>() {
                Ok(n) => json!(n),
                Err(_) => Value::String(s),
            },
            ("boolean", Value::String(s)) if s == "true" || s == "false" => json!(s == "true"),
            ("array", Value::Array(items)) => {
                let item_schema = schema.get("items").cloned().unwrap_or(Value::Null);
                Value::Array(
                    items
                        .into_iter()
                        .map(|i| self.conform_at(i, &item_schema, depth + 1))
                        .collect(),
                )
            }
            ("object", Value::Object(mut map)) => {
                let props = schema.get("properties").and_then(Value::as_object);
                if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
                    map.retain(|k, _| props.is_some_and(|p| p.contains_key(k)));
                }
                if let Some(props) = props {
                    for (name, prop) in props {
                        // In place, so the answer keeps its key order.
                        if let Some(slot) = map.get_mut(name) {
                            *slot = self.conform_at(slot.take(), prop, depth + 1);
                        }
                    }
                }
                for key in strings(schema.get("required").unwrap_or(&Value::Null)) {
                    if !map.contains_key(&key) {
                        let prop = props
                            .and_then(|p| p.get(&key))
                            .cloned()
                            .unwrap_or(Value::Null);
                        map.insert(key, self.synth(&prop, depth + 1));
                    }
                }
                Value::Object(map)
            }
            // No lossless conversion: the value stays as the handler made it.
            (_, v) => v,
        };
        match schema.get("enum").and_then(Value::as_array) {
            Some(allowed) if !allowed.contains(&converted) => {
                rename_enum(&converted, allowed).unwrap_or(converted)
            }
            _ => converted,
        }
    }

    /// The `oneOf` branch meant for `value`: the one whose `type` enum names the value's
    /// `type`, else the first of the value's JSON type.
    fn pick_branch(&self, value: &Value, branches: &[Value]) -> Value {
        let flat: Vec<Value> = branches
            .iter()
            .map(|b| self.flatten(b).into_owned())
            .collect();
        if let Some(t) = value.get("type")
            && let Some(b) = flat.iter().find(|b| {
                b.pointer("/properties/type/enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.contains(t))
            })
        {
            return b.clone();
        }
        let wanted = match value {
            Value::Object(_) => "object",
            Value::Array(_) => "array",
            Value::String(_) => "string",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_f64() => "number",
            Value::Number(_) => "integer",
            Value::Null => "",
        };
        flat.iter()
            .find(|b| schema_type(b) == wanted)
            .or_else(|| flat.first())
            .cloned()
            .unwrap_or(Value::Null)
    }
}

fn rename_enum(value: &Value, allowed: &[Value]) -> Option<Value> {
    let text = value.as_str()?;
    ENUM_RENAMES.iter().find_map(|(old, new)| {
        if *old == text && allowed.contains(&json!(new)) {
            Some(json!(new))
        } else if *new == text && allowed.contains(&json!(old)) {
            Some(json!(old))
        } else {
            None
        }
    })
}

/// Whether `text` is of the schema's `format`, for the formats the sandbox checks: `date`
/// (`2026-12-25`). Other formats are taken as they come.
pub(crate) fn fits_format(text: &str, schema: &Value) -> bool {
    match schema.get("format").and_then(Value::as_str) {
        Some("date") => text.parse::<jiff::civil::Date>().is_ok() && text.len() == 10,
        _ => true,
    }
}

fn schema_type(schema: &Value) -> &str {
    match schema.get("type").and_then(Value::as_str) {
        Some(t) => t,
        None if schema.get("properties").is_some() => "object",
        None if schema.get("items").is_some() => "array",
        None => "",
    }
}

fn demo_string(schema: &Value) -> String {
    match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => "2024-01-01T00:00:00Z".to_owned(),
        Some("date") => "2024-01-01".to_owned(),
        Some("uri") | Some("url") => "https://example.com/".to_owned(),
        Some("email") => "demo@example.com".to_owned(),
        _ => "demo".to_owned(),
    }
}

pub(crate) fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| text.to_owned())
}
