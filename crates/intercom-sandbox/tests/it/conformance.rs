//! The conformance sweep: one plausible request for every operation of Intercom's 2.16
//! description (sent as 2.16) and of the 2.14 one (sent as 2.14), path ids taken from the seeded
//! data, every answer validated with `jsonschema` against the spec's schema for its operation and
//! status. It fails listing each operation answered with no route, a 5xx, a non-2xx, or a body
//! the schema rejects, and prints the coverage figures per version.
//!
//! Reading of the schemas: OpenAPI 3.0 `nullable` becomes a `null` type; a property value may
//! also be `null` where the spec does not say nullable (Intercom's own examples do that), but
//! types, enums and required keys hold.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Map, Value, json};

use crate::support::Api;

fn spec_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/intercom-openapi")
}

fn load(version: &str) -> Value {
    let path = spec_dir().join(format!("api.intercom.io.{version}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "reading {} (../shared must sit beside the checkout): {e}",
            path.display()
        )
    });
    serde_yaml_ng::from_str(&text).expect("the description parses")
}

/// OpenAPI 3.0 schema -> JSON Schema draft 4 with the null reading above.
fn translate(schema: &Value) -> Value {
    let Some(map) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        let value = match key.as_str() {
            "properties" => Value::Object(
                value
                    .as_object()
                    .map(|props| {
                        props
                            .iter()
                            .map(|(k, v)| {
                                (
                                    k.clone(),
                                    json!({"anyOf": [{"type": "null"}, translate(v)]}),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            "items" | "additionalProperties" | "not" => translate(value),
            "allOf" | "oneOf" | "anyOf" => Value::Array(
                value
                    .as_array()
                    .map(|a| a.iter().map(translate).collect())
                    .unwrap_or_default(),
            ),
            "example" | "examples" | "description" | "discriminator" | "nullable" | "format" => {
                continue;
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        match out.get("type").cloned() {
            Some(Value::String(t)) => {
                out.insert("type".into(), json!([t, "null"]));
                if let Some(Value::Array(e)) = out.get_mut("enum") {
                    e.push(Value::Null);
                }
            }
            _ => return json!({"anyOf": [{"type": "null"}, Value::Object(out)]}),
        }
    }
    Value::Object(out)
}

struct Version {
    name: &'static str,
    doc: Value,
    components: Value,
}

impl Version {
    fn new(name: &'static str) -> Version {
        let doc = load(name);
        let schemas: Map<String, Value> = doc["components"]["schemas"]
            .as_object()
            .expect("components.schemas")
            .iter()
            .map(|(k, v)| (k.clone(), translate(v)))
            .collect();
        let mut schemas = schemas;
        // Where the sandbox follows clients over the spec (the README lists them): page-number
        // lists (companies) give `pages.next` as the next page's URL, as Intercom does and the
        // SDKs read, where the spec's `cursor_pages` names a cursor object.
        // And admins carry `avatar` as the `{type: "avatar", image_url}` object `/me` has, which
        // production clients parse, where the spec's `admin` says a URL string (see the README).
        if let Some(avatar) = schemas
            .get_mut("admin")
            .and_then(|s| s.pointer_mut("/properties/avatar"))
        {
            *avatar = json!({"anyOf": [avatar.clone(), {"type": "object", "required": ["type", "image_url"], "properties": {"type": {"enum": ["avatar"]}, "image_url": {"type": ["string", "null"]}}}]});
        }
        if let Some(next) = schemas
            .get_mut("cursor_pages")
            .and_then(|s| s.pointer_mut("/properties/next"))
        {
            *next = json!({"anyOf": [next.clone(), {"type": "string"}]});
        }
        // And `GET /events` without `summary=true` answers Intercom's event list (the spec's own
        // `data_event_list`, which no operation references) where the spec names the summary.
        if let Some(summary) = schemas.get_mut("data_event_summary") {
            *summary = json!({"anyOf": [summary.clone(), {"$ref": "#/components/schemas/data_event_list"}]});
        }
        Version {
            name,
            doc,
            components: json!({"schemas": schemas}),
        }
    }

    fn deref<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        while let Some(r) = value.get("$ref").and_then(Value::as_str) {
            value = self.doc.pointer(&r[1..]).unwrap_or(&Value::Null);
        }
        value
    }

    /// A request body value for `schema`: its required fields (and examples), recursively.
    fn sample(&self, schema: &Value, depth: usize) -> Value {
        let schema = self.deref(schema);
        if let Some(example) = schema.get("example")
            && !example.is_null()
            && !example.is_object()
        {
            return example.clone();
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(first) = schema.get(key).and_then(|v| v.get(0)) {
                return self.sample(first, depth);
            }
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for part in parts {
                if let Value::Object(m) = self.sample(part, depth) {
                    merged.extend(m);
                }
            }
            return Value::Object(merged);
        }
        if let Some(first) = schema.get("enum").and_then(|v| v.get(0)) {
            return first.clone();
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("integer") | Some("number") => json!(1),
            Some("boolean") => json!(true),
            Some("string") => json!("sample"),
            Some("array") if depth < 6 => {
                json!([self.sample(schema.get("items").unwrap_or(&Value::Null), depth + 1)])
            }
            Some("array") => json!([]),
            _ => {
                let mut out = Map::new();
                let required: Vec<&str> = schema
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                    for name in required {
                        if let Some(prop) = props.get(name)
                            && depth < 6
                        {
                            out.insert(name.to_owned(), self.sample(prop, depth + 1));
                        }
                    }
                }
                Value::Object(out)
            }
        }
    }

    fn validate(&self, schema: &Value, body: &Value) -> Result<(), String> {
        let mut root = translate(schema);
        if let Value::Object(m) = &mut root {
            m.insert("components".into(), self.components.clone());
        }
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(false)
            .build(&root)
            .map_err(|e| format!("schema does not compile: {e}"))?;
        let errors: Vec<String> = validator
            .iter_errors(body)
            .take(3)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }
}

struct Op {
    method: String,
    path: String,
    op: Value,
}

fn operations(v: &Version) -> Vec<Op> {
    let mut ops = Vec::new();
    for (path, item) in v.doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if ["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                ops.push(Op {
                    method: method.to_ascii_uppercase(),
                    path: path.clone(),
                    op: op.clone(),
                });
            }
        }
    }
    // Deletions last, nested ones first (a tag is detached before it is deleted).
    ops.sort_by_key(|o| {
        (
            o.method == "DELETE",
            std::cmp::Reverse(o.path.matches('/').count()),
        )
    });
    ops
}

/// The first id found in a list answer: `data`, then any array of objects with an `id`.
fn first_id(body: &Value) -> Option<String> {
    let id_of = |v: &Value| match &v["id"] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let obj = body.as_object()?;
    let mut arrays: Vec<&Value> = obj.get("data").into_iter().collect();
    arrays.extend(obj.values());
    for array in arrays {
        if let Some(first) = array.as_array().and_then(|a| a.first())
            && let Some(id) = id_of(first)
        {
            return Some(id);
        }
    }
    None
}

struct Sweep<'a> {
    api: &'a Api,
    v: &'a Version,
    ids: BTreeMap<String, Option<String>>,
}

impl Sweep<'_> {
    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> crate::support::Resp {
        let builder =
            Api::request(method, path, body.as_ref()).header("intercom-version", self.v.name);
        let request = builder
            .body(match &body {
                Some(b) => axum::body::Body::from(b.to_string()),
                None => axum::body::Body::empty(),
            })
            .expect("request builds");
        self.api.send(request).await
    }

    /// An id for the parameter that follows `prefix` (a concrete path), from the list there.
    async fn id_under(&mut self, prefix: &str, param: &str) -> String {
        let key = format!("{prefix}|{param}");
        if let Some(found) = self.ids.get(&key) {
            return found.clone().unwrap_or_else(|| "1".to_owned());
        }
        let mut found = match param {
            "external_id" => {
                let resp = self.send("GET", "/contacts", None).await;
                resp.body["data"][0]["external_id"]
                    .as_str()
                    .map(str::to_owned)
            }
            "ticket_id" => Some(self.seeded("ticket").await),
            "attribute_id" => Some(self.seeded("attribute").await),
            "tag_id" => Some(self.seeded("tag").await),
            "custom_object_type_identifier" => Some("Order".to_owned()),
            _ => None,
        };
        if found.is_none() {
            let resp = self.send("GET", prefix, None).await;
            if resp.status == 200 {
                found = first_id(&resp.body);
            }
        }
        self.ids.insert(key, found.clone());
        found.unwrap_or_else(|| "1".to_owned())
    }

    /// The id of a seeded object of `what`, for path parameters and request fields.
    async fn seeded(&mut self, what: &str) -> String {
        let key = format!("seeded|{what}");
        if let Some(Some(found)) = self.ids.get(&key) {
            return found.clone();
        }
        let found = match what {
            "admin" => Some(self.api.me()),
            "contact" => first_id(&self.send("GET", "/contacts", None).await.body),
            "company" => first_id(&self.send("GET", "/companies", None).await.body),
            "tag" => first_id(&self.send("GET", "/tags", None).await.body),
            "ticket_type" => first_id(&self.send("GET", "/ticket_types", None).await.body),
            "ticket" => {
                let query = json!({"query": {"field": "created_at", "operator": ">", "value": 0}});
                first_id(&self.send("POST", "/tickets/search", Some(query)).await.body)
            }
            "attribute" => {
                let tt = Box::pin(self.seeded("ticket_type")).await;
                let resp = self.send("GET", &format!("/ticket_types/{tt}"), None).await;
                first_id(&resp.body["ticket_type_attributes"])
            }
            _ => None,
        };
        self.ids.insert(key, found.clone());
        found.unwrap_or_else(|| "1".to_owned())
    }

    /// The body the sweep sends where the spec's required fields alone are not a plausible
    /// request (ids must name seeded objects); `{what}` strings are replaced by seeded ids.
    async fn plausible_body(&mut self, method: &str, path: &str) -> Option<Value> {
        let search = json!({"query": {"field": "created_at", "operator": ">", "value": 0}});
        let admin_reply = json!({"message_type": "comment", "type": "admin", "admin_id": "{admin}", "body": "Hello"});
        let tagging = json!({"id": "{tag}", "admin_id": "{admin}"});
        let body = match (method, path) {
            ("POST", "/companies") => {
                json!({"company_id": "sweep-company", "name": "Sweep Company"})
            }
            ("POST", "/contacts") => json!({"email": "sweep@example.com"}),
            ("POST", "/contacts/{contact_id}/companies") => json!({"id": "{company}"}),
            ("POST", "/contacts/{contact_id}/tags") => json!({"id": "{tag}"}),
            ("POST", "/contacts/search" | "/conversations/search" | "/tickets/search") => search,
            ("POST", "/conversations") => {
                json!({"from": {"type": "user", "id": "{contact}"}, "body": "Hello"})
            }
            ("POST", "/messages") => json!({
                "message_type": "in_app", "body": "Hello",
                "from": {"type": "admin", "id": "{admin}"},
                "to": {"type": "user", "id": "{contact}"}
            }),
            ("POST", "/conversations/{conversation_id}/tags" | "/tickets/{ticket_id}/tags") => {
                tagging
            }
            ("POST", "/conversations/{conversation_id}/reply" | "/tickets/{ticket_id}/reply") => {
                admin_reply
            }
            ("POST", "/conversations/{conversation_id}/parts") => {
                json!({"message_type": "close", "type": "admin", "admin_id": "{admin}"})
            }
            ("POST", "/conversations/{conversation_id}/convert") => json!({
                "ticket_type_id": "{ticket_type}",
                "attributes": {"_default_title_": "Sweep", "Severity": "Low"}
            }),
            ("POST", "/tickets") => json!({
                "ticket_type_id": "{ticket_type}",
                "contacts": [{"id": "{contact}"}],
                "ticket_attributes": {"_default_title_": "Sweep", "Severity": "Low"}
            }),
            ("POST", "/custom_object_instances/{custom_object_type_identifier}") => {
                json!({"external_id": "order-9999", "custom_attributes": {"status": "new"}})
            }
            ("POST", "/events") => {
                json!({"event_name": "sweep-event", "created_at": 1_700_000_000, "id": "{contact}"})
            }
            ("POST", "/events/summaries") => json!({
                "user_id": "usr_000001",
                "event_summaries": {"event_name": "sweep-event", "count": 2, "first": 1_700_000_000, "last": 1_700_000_100}
            }),
            ("POST", "/data_attributes") => {
                json!({"name": "sweep_attribute", "model": "contact", "data_type": "string"})
            }
            (
                "DELETE",
                "/conversations/{conversation_id}/tags/{tag_id}"
                | "/tickets/{ticket_id}/tags/{tag_id}",
            ) => json!({"admin_id": "{admin}"}),
            _ => return None,
        };
        Some(self.fill(body).await)
    }

    async fn fill(&mut self, value: Value) -> Value {
        match value {
            Value::String(s) if s.starts_with('{') && s.ends_with('}') => {
                json!(self.seeded(&s[1..s.len() - 1]).await)
            }
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, v) in map {
                    out.insert(k, Box::pin(self.fill(v)).await);
                }
                Value::Object(out)
            }
            Value::Array(items) => {
                let mut out = Vec::new();
                for v in items {
                    out.push(Box::pin(self.fill(v)).await);
                }
                Value::Array(out)
            }
            other => other,
        }
    }

    async fn concrete_path(&mut self, template: &str) -> String {
        let mut out = String::new();
        for segment in template.split('/').skip(1) {
            if let Some(param) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                let prefix = if out.is_empty() {
                    "/".to_owned()
                } else {
                    out.clone()
                };
                let id = self.id_under(&prefix, param).await;
                out.push('/');
                out.push_str(&id);
            } else {
                out.push('/');
                out.push_str(segment);
            }
        }
        out
    }

    fn query(&self, path: &str, op: &Value) -> String {
        // The seeded visitors carry the spec's example user_id (the first one unchanged).
        if path == "/visitors" {
            let example =
                &self.v.doc["components"]["schemas"]["visitor"]["properties"]["user_id"]["example"];
            return format!(
                "?user_id={}",
                url_escape(example.as_str().unwrap_or("sample"))
            );
        }
        // A contact of the default seed, by its external id (`filter` is sent exploded).
        if path == "/events" {
            return "?type=user&user_id=usr_000001".to_owned();
        }
        // The seeded instances of the demo custom object type (`Order`).
        if path == "/custom_object_instances/{custom_object_type_identifier}" {
            return "?external_id=order-0002".to_owned();
        }
        let mut pairs = Vec::new();
        for param in op["parameters"].as_array().into_iter().flatten() {
            let param = self.v.deref(param);
            if param["in"] == "query" && param["required"] == true {
                let name = param["name"].as_str().unwrap_or_default();
                let value = match self.v.sample(&param["schema"], 0) {
                    Value::String(s) if s != "sample" => s,
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => param["example"]
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| "sample".to_owned()),
                };
                pairs.push(format!("{name}={}", url_escape(&value)));
            }
        }
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[derive(Default)]
struct Figures {
    total: usize,
    answered: usize,
    success: usize,
    valid: usize,
    failures: Vec<String>,
}

async fn sweep(name: &'static str) -> Figures {
    let v = Version::new(name);
    let api = Api::new();
    let mut s = Sweep {
        api: &api,
        v: &v,
        ids: BTreeMap::new(),
    };
    let mut figures = Figures::default();
    for op in operations(&v) {
        figures.total += 1;
        let path = format!(
            "{}{}",
            s.concrete_path(&op.path).await,
            s.query(&op.path, &op.op)
        );
        let plausible = s.plausible_body(&op.method, &op.path).await;
        let body = plausible.or_else(|| {
            op.op
                .pointer("/requestBody/content/application~1json/schema")
                .map(|schema| v.sample(schema, 0))
                .or_else(|| {
                    op.op.get("requestBody").and_then(|rb| {
                        v.deref(rb)
                            .pointer("/content/application~1json/schema")
                            .map(|schema| v.sample(schema, 0))
                    })
                })
        });
        let resp = s.send(&op.method, &path, body.clone()).await;
        let what = format!("{} {} ({}) -> {}", op.method, op.path, path, resp.status);
        let no_route = resp.status == 404
            && resp.body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("no route"));
        if no_route || resp.status >= 500 {
            figures
                .failures
                .push(format!("{what}: {}", short(&resp.text)));
            continue;
        }
        figures.answered += 1;
        let responses = &op.op["responses"];
        let documents_success = responses
            .as_object()
            .is_some_and(|r| r.keys().any(|k| k.starts_with('2') || k.starts_with('3')));
        // An operation that documents no success (fin_voice's phone number lookup) is right to
        // answer one of the errors it documents.
        let expected = (200..400).contains(&resp.status)
            || (!documents_success && responses.get(resp.status.to_string()).is_some());
        if !expected {
            figures.failures.push(format!(
                "{what}: not a success; sent {}: {}",
                body.map(|b| b.to_string()).unwrap_or_default(),
                short(&resp.text)
            ));
            continue;
        }
        figures.success += 1;
        let documented = op.op["responses"]
            .get(resp.status.to_string())
            .map(|r| v.deref(r));
        let verdict = match documented {
            None => Err("status not documented".to_owned()),
            Some(r) => match r.pointer("/content/application~1json/schema") {
                None if resp.text.trim().is_empty() || resp.body.is_object() => Ok(()),
                // A file documented as text (a call's transcript) is text of that type.
                None if r.pointer("/content/text~1plain").is_some() => {
                    let media = resp
                        .headers
                        .get("content-type")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    if media.starts_with("text/plain") {
                        Ok(())
                    } else {
                        Err(format!("text/plain is documented, the answer is {media:?}"))
                    }
                }
                None => Err("a body where none is documented".to_owned()),
                Some(schema) => v.validate(schema, &resp.body),
            },
        };
        match verdict {
            Ok(()) => figures.valid += 1,
            Err(e) => figures.failures.push(format!(
                "{what}: invalid body: {e}; body {}",
                short(&resp.text)
            )),
        }
    }
    figures
}

fn short(text: &str) -> String {
    text.chars().take(300).collect()
}

#[tokio::test]
async fn every_operation_answers_schema_valid_in_its_version() {
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for name in ["2.16", "2.14"] {
        let f = sweep(name).await;
        report.push(format!(
            "{name}: {} operations, {} answered (no 404-no-route, no 5xx), {} succeeded (2xx/3xx), {} schema-valid",
            f.total, f.answered, f.success, f.valid
        ));
        failures.extend(f.failures.into_iter().map(|x| format!("[{name}] {x}")));
    }
    println!("conformance sweep:\n  {}", report.join("\n  "));
    assert!(
        failures.is_empty(),
        "{} operations fail the sweep:\n{}\n{}",
        failures.len(),
        failures.join("\n"),
        report.join("\n")
    );
}

/// Every operation of 2.16, sent with unknown ids, an empty body and then a body of wrong
/// types, answers a well-formed error or success: never a 5xx, never a non-JSON error.
#[tokio::test]
async fn bad_requests_never_answer_5xx() {
    let v = Version::new("2.16");
    let api = Api::new();
    let s = Sweep {
        api: &api,
        v: &v,
        ids: BTreeMap::new(),
    };
    let mut failures = Vec::new();
    for op in operations(&v) {
        let path: String = op
            .path
            .split('/')
            .map(|seg| {
                if seg.starts_with('{') {
                    "no-such-id-0"
                } else {
                    seg
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        for body in [
            None,
            Some(json!({})),
            Some(json!({"id": [1], "name": {"x": 1}, "type": 7, "query": "x"})),
        ] {
            let resp = s.send(&op.method, &path, body.clone()).await;
            let error_list = resp.status < 400 || resp.body["type"] == "error.list";
            if resp.status >= 500 || !error_list {
                failures.push(format!(
                    "{} {path} {body:?} -> {}: {}",
                    op.method,
                    resp.status,
                    short(&resp.text)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} bad requests answered badly:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
