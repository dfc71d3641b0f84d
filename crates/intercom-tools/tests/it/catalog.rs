//! The whole catalog against Intercom's descriptions (in ../shared) and against the sandbox:
//! every operation has a tool and every seed name resolves; every tool's request matches the
//! spec of the version it sends (method, path, query names, and a body valid under the
//! operation's request schema, checked with the `jsonschema` crate); every tool is called
//! against the sandbox once on a happy path and once with a bad input refused before sending.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use intercom_client::Request;
use intercom_sandbox::SandboxConfig;
use intercom_tools::{Registry, ShapeDefaults, Tool, ToolError};
use serde_json::{Map, Value, json};

use crate::harness::Env;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

/// Intercom's description of `version` (2.14 or 2.16), read once.
fn spec(version: &str) -> &'static Value {
    static SPECS: OnceLock<BTreeMap<&'static str, Value>> = OnceLock::new();
    let specs = SPECS.get_or_init(|| {
        ["2.14", "2.16"]
            .into_iter()
            .map(|v| {
                let path = format!(
                    "{}/../../../shared/reference/intercom-openapi/api.intercom.io.{v}.yaml",
                    env!("CARGO_MANIFEST_DIR")
                );
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{path} (../shared beside the checkout): {e}"));
                (v, serde_yaml_ng::from_str::<Value>(&text).unwrap())
            })
            .collect()
    });
    specs
        .get(version)
        .unwrap_or_else(|| panic!("no description of version {version}"))
}

/// The same template up to the names of placeholders: `/articles/{id}` and `/articles/{article_id}`.
fn same_template(a: &str, b: &str) -> bool {
    let a: Vec<&str> = a.split('/').collect();
    let b: Vec<&str> = b.split('/').collect();
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(x, y)| x == y || (x.starts_with('{') && y.starts_with('{')))
}

/// The spec's operation an expanded request path falls under (literal segments beat placeholders).
fn operation_of<'a>(doc: &'a Value, method: &str, path: &str) -> Option<(&'a str, &'a Value)> {
    let segments: Vec<&str> = path.split('/').collect();
    let mut best: Option<(usize, &str, &Value)> = None;
    for (template, item) in doc["paths"].as_object()? {
        let Some(op) = item.get(method) else { continue };
        let parts: Vec<&str> = template.split('/').collect();
        if parts.len() != segments.len() {
            continue;
        }
        let mut holes = 0;
        let fits = parts.iter().zip(&segments).all(|(t, s)| {
            if t.starts_with('{') {
                holes += 1;
                !s.is_empty()
            } else {
                t == s
            }
        });
        if fits && best.is_none_or(|(h, _, _)| holes < h) {
            best = Some((holes, template, op));
        }
    }
    best.map(|(_, t, op)| (t, op))
}

#[test]
fn every_operation_has_a_tool_and_every_seed_name_resolves() {
    let registry = Registry::builtin();
    let doc = spec("2.16");
    let mut count = 0;
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if item.get(method).is_none() {
                continue;
            }
            count += 1;
            let covered = registry.tools().iter().any(|t| {
                t.operations.iter().any(|o| {
                    o.method.as_str().eq_ignore_ascii_case(method) && same_template(o.path, path)
                })
            });
            if !covered {
                missing.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    assert_eq!(count, 231, "the 2.16 description has 231 operations");
    assert!(
        missing.is_empty(),
        "operations without a tool: {missing:#?}"
    );

    let unresolved: Vec<String> = crate::required_tools()
        .iter()
        .map(|row| row["name"].clone())
        .filter(|name| registry.lookup(name).is_err())
        .collect();
    assert!(
        unresolved.is_empty(),
        "seed names that resolve to no tool: {unresolved:?}"
    );
}

#[test]
fn tools_json_lists_the_operations_of_every_tool() {
    let json = Registry::builtin().to_json();
    let mut operations = std::collections::BTreeSet::new();
    for tool in json.as_array().unwrap() {
        assert!(tool["title"].as_str().is_some_and(|t| !t.is_empty()));
        for op in tool["operations"].as_array().unwrap() {
            operations.insert(op["operation_id"].as_str().unwrap().to_owned());
            assert!(matches!(op["version"].as_str(), Some("2.14" | "2.16")));
        }
    }
    // 227 named operations and the four reporting-export ones we name ourselves.
    assert_eq!(operations.len(), 231);
}

/// A value of `schema`'s type, for a parameter named `name`; ids come from `ids` when known.
fn sample(name: &str, schema: &Value, ids: &BTreeMap<&str, String>) -> Value {
    if let Some(values) = schema["enum"].as_array() {
        return values[0].clone();
    }
    let ty = match &schema["type"] {
        Value::String(t) => t.as_str(),
        Value::Array(types) => types[0].as_str().unwrap(),
        _ => "string",
    };
    match ty {
        "integer" | "number" => json!(schema["minimum"].as_i64().unwrap_or(1).max(1)),
        "boolean" => json!(true),
        "array" if schema["items"]["type"] == "object" => json!([]),
        "array" => json!([sample(name, &schema["items"], ids)]),
        "object" => {
            // The required properties, or else the first one (branches of a union often
            // exclude each other).
            let props = schema["properties"].as_object();
            let required: Vec<&str> = schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut map = Map::new();
            for (k, sub) in props.into_iter().flatten() {
                if required.contains(&k.as_str()) || (required.is_empty() && map.is_empty()) {
                    map.insert(k.clone(), sample(k, sub, ids));
                }
            }
            Value::Object(map)
        }
        _ => match ids.get(name) {
            Some(id) => json!(id),
            None if name.ends_with("_id") || name == "id" => json!("1"),
            None if name.contains("email") => json!("someone@example.com"),
            None if name.ends_with("url") || name.ends_with("_urls") => {
                json!("https://example.com/page")
            }
            None if schema["format"] == "date" || name.ends_with("_date") => json!("2026-12-25"),
            None => json!("text"),
        },
    }
}

/// Arguments that fit the generated part of the catalog: every property of the schema except
/// the shaping ones, with the overrides a tool needs to be meaningful.
fn arguments(tool: &Tool, ids: &BTreeMap<&str, String>) -> Value {
    if let Some(args) = overrides(tool.name, ids) {
        return args;
    }
    let schema = tool.input_schema();
    let mut args = Map::new();
    for (name, sub) in schema["properties"].as_object().unwrap() {
        if matches!(
            name.as_str(),
            "response_format" | "fields" | "max_tokens" | "assignment" | "state"
        ) && !tool.param(name).is_some_and(|p| p.required)
        {
            continue;
        }
        // Optional lists of objects carry shapes the schema does not spell out.
        let required = tool.param(name).is_some_and(|p| p.required);
        if !required && sub["type"] == "array" {
            continue;
        }
        args.insert(name.clone(), sample(name, sub, ids));
    }
    Value::Object(args)
}

/// Tools whose arguments cannot be made from the schema alone.
fn overrides(tool: &str, ids: &BTreeMap<&str, String>) -> Option<Value> {
    let id = |k: &str| ids.get(k).cloned().unwrap_or_else(|| "1".to_owned());
    let from_samples = crate::requests::samples()
        .into_iter()
        .find(|(n, _)| *n == tool)
        .map(|(_, v)| v);
    Some(match tool {
        "intercom_local_search" => {
            json!({"text": "refund", "created_after": "2020-01-01", "limit": 5})
        }
        "intercom_local_count" => json!({"text": "refund", "group_by": "team"}),
        "intercom_local_get" => json!({"id": id("conversation_id")}),
        "intercom_local_status" => json!({}),
        "intercom_create_message" => json!({
            "message_type": "in_app",
            "body": "Hello",
            "from": {"type": "admin", "id": id("admin_id").parse::<i64>().unwrap_or(1)},
            "to": {"type": "user", "id": id("contact_id")},
        }),
        // The seeded "Bug report" type requires its Severity list attribute.
        "intercom_create_ticket" => json!({
            "ticket_type_id": id("ticket_type_id"),
            "contacts": [{"id": id("contact_id")}],
            "ticket_attributes": {"_default_title_": "Broken", "_default_description_": "It broke", "Severity": "Low"},
        }),
        "intercom_enqueue_create_ticket" => json!({
            "ticket_type_id": id("ticket_type_id"),
            "contacts": [{"id": id("contact_id")}],
        }),
        "intercom_reply_to_ticket" => json!({
            "ticket_id": id("ticket_id"),
            "type": "admin",
            "message_type": "comment",
            "admin_id": id("admin_id"),
            "body": "On it",
        }),
        "intercom_bulk_content_actions" => json!({
            "action": "publish",
            "content_ids": [{"type": "article", "id": id("article_id")}],
        }),
        "intercom_create_or_update_tag" => json!({"name": "catalog-test"}),
        // The sandbox seeds two `Order` instances: id "1", external_id "order-0001".
        "intercom_retrieve_custom_object_instance" | "intercom_delete_custom_object_instance" => {
            json!({"custom_object_type_identifier": "Order", "custom_object_instance_id": "1"})
        }
        "intercom_list_custom_object_instances"
        | "intercom_delete_custom_object_instance_by_external_id" => {
            json!({"custom_object_type_identifier": "Order", "external_id": "order-0001"})
        }
        // The first seeded visitor keeps the spec's example user_id.
        "intercom_retrieve_visitor" => json!({"user_id": "8a88a590-e1c3-41e2-a502-e0649dbf721c"}),
        "intercom_merge_contacts" => json!({"from": id("lead_id"), "into": id("contact_id")}),
        "intercom_attach_tag_to_contact" => {
            json!({"contact_id": id("contact_id"), "id": id("tag_id")})
        }
        "intercom_attach_tag_to_article" => {
            json!({"article_id": id("article_id"), "id": id("tag_id")})
        }
        "intercom_attach_tag_to_conversation" => {
            json!({"conversation_id": id("conversation_id"), "id": id("tag_id"), "admin_id": id("admin_id")})
        }
        "intercom_attach_tag_to_ticket" => {
            json!({"ticket_id": id("ticket_id"), "id": id("tag_id"), "admin_id": id("admin_id")})
        }
        "intercom_attach_contact_to_company" => {
            json!({"contact_id": id("contact_id"), "id": id("company_id")})
        }
        "intercom_list_activity_logs" => json!({"created_at_after": "1700000000"}),
        // A first page: a cursor must come from an earlier answer.
        "intercom_list_conversations" => json!({"per_page": 5}),
        "intercom_scroll_companies" => json!({}),
        "intercom_create_conversation" => json!({
            // Contact ids are 24 hex digits (a placeholder of that form when none is seeded).
            "from": {"type": "user", "id": ids.get("contact_id").cloned().unwrap_or_else(|| "6657aa1a6abd0167d9419d3b".to_owned())},
            "body": "My order has not arrived",
        }),
        "intercom_fetch" => json!({"id": format!("contact_{}", id("contact_id"))}),
        "intercom_find_contact_by_external_id" => json!({"external_id": id("external_id")}),
        "intercom_update_contact" => json!({
            "contact_id": id("contact_id"),
            "name": "Renamed",
            "owner_id": id("admin_id").parse::<i64>().unwrap_or(1),
        }),
        "intercom_convert_conversation_to_ticket" => json!({
            "conversation_id": id("conversation_id"),
            "ticket_type_id": id("ticket_type_id"),
            "attributes": {"_default_title_": "Broken", "Severity": "Low"},
        }),
        "intercom_create_ticket_type_attribute" => json!({
            "ticket_type_id": id("ticket_type_id"),
            "name": "Catalog test attribute",
            "description": "Made by the catalog test",
            "data_type": "string",
        }),
        "intercom_update_ticket_type_attribute" => json!({
            "ticket_type_id": id("ticket_type_id"),
            "attribute_id": id("attribute_id"),
            "description": "Described by the catalog test",
        }),
        "intercom_update_ticket_type" => json!({
            "ticket_type_id": id("ticket_type_id"),
            "name": "Catalog test type",
        }),
        "intercom_update_ticket" => json!({
            "ticket_id": id("ticket_id"),
            "is_shared": true,
            "admin_id": id("admin_id").parse::<i64>().unwrap_or(1),
            "assignee_id": id("admin_id"),
        }),
        "intercom_find_fin_voice_call_by_phone_number" => json!({"phone_number": "+15555550100"}),
        // Data events name a seeded contact.
        "intercom_create_data_event" => json!({
            "event_name": "catalog-test",
            "created_at": 1_700_000_000,
            "id": id("contact_id"),
            "metadata": {"order": "1"},
        }),
        "intercom_create_data_event_summaries" => json!({
            "user_id": id("external_id"),
            "event_summaries": {"event_name": "catalog-test", "count": 2},
        }),
        "intercom_list_data_events" => json!({
            "type": "user",
            "intercom_user_id": id("contact_id"),
            "summary": true,
        }),
        "intercom_create_data_attribute" => {
            json!({"name": "plan_tier", "model": "contact", "data_type": "string"})
        }
        // The hand-written tools' samples (requests.rs), with the seeded ids where known.
        _ => {
            let mut args = from_samples?;
            for (key, value) in args.as_object_mut().into_iter().flatten() {
                if let Some(id) = ids.get(key.as_str()) {
                    *value = json!(id);
                }
            }
            args
        }
    })
}

/// Query names a tool sends that the description leaves out (Intercom takes them; the seeds
/// send them): (tool, parameter).
const UNDECLARED_QUERY: &[(&str, &str)] = &[
    ("intercom_list_articles", "page"),
    ("intercom_list_articles", "per_page"),
    ("intercom_list_contact_notes", "page"),
    ("intercom_list_contact_notes", "per_page"),
    ("intercom_list_data_events", "per_page"),
    ("intercom_list_contacts", "per_page"),
    ("intercom_get_counts", "per_page"),
];

/// Requests the description's schema refuses though Intercom accepts them: (tool, why).
const SPEC_GAPS: &[(&str, &str)] = &[(
    "intercom_search_conversations_by_customer",
    "an AND group holding both filters and an OR group; the description's schema lets a group \
     hold only one kind, Intercom's search takes both (two levels of nesting)",
)];

/// What is wrong with `request` under the description of the version it sends, if anything.
fn nonconformance(tool: &str, request: &Request) -> Vec<String> {
    let version = request
        .version
        .as_deref()
        .unwrap_or(intercom_client::DEFAULT_VERSION);
    let doc = spec(version);
    let method = request.method.as_str().to_ascii_lowercase();
    let path = request.path.split('?').next().unwrap();
    let Some((template, op)) = operation_of(doc, &method, path) else {
        return vec![format!(
            "{} {path} is no operation of {version}",
            request.method.as_str()
        )];
    };
    let mut problems = Vec::new();
    let mut declared: Vec<String> = Vec::new();
    for p in op["parameters"].as_array().into_iter().flatten() {
        if p["in"] == "query" {
            declared.push(p["name"].as_str().unwrap().to_owned());
            // A form-exploded object: its properties are the query names.
            for branch in p["schema"]["oneOf"].as_array().into_iter().flatten() {
                declared.extend(
                    branch["properties"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, _)| k.clone()),
                );
            }
        }
    }
    for (key, _) in &request.query {
        if !declared.contains(key) && !UNDECLARED_QUERY.contains(&(tool, key.as_str())) {
            problems.push(format!(
                "query `{key}` is not a parameter of {method} {template} in {version}"
            ));
        }
    }
    let body_schema = op.pointer("/requestBody/content/application~1json/schema");
    match (&request.body, body_schema) {
        (Some(body), Some(schema)) => {
            // The descriptions' `oneOf` branches overlap (a filter group also fits the single
            // filter's loose schema), so a body that fits one branch fails `oneOf`; the intent
            // is "one of these shapes", which `anyOf` says.
            let mut root = any_of(schema.clone());
            root.as_object_mut()
                .unwrap()
                .insert("components".into(), doc["components"].clone());
            let validator = jsonschema::validator_for(&root)
                .unwrap_or_else(|e| panic!("{method} {template}: schema does not compile: {e}"));
            for error in validator.iter_errors(body) {
                problems.push(format!(
                    "body {body} does not validate under {method} {template} ({version}): {error} at {}",
                    error.instance_path()
                ));
            }
        }
        (Some(body), None) if body != &json!({}) => {
            problems.push(format!("sends a body, but {method} {template} takes none"));
        }
        (None, Some(_)) if op["requestBody"]["required"] == true => {
            problems.push(format!(
                "sends no body, but {method} {template} requires one"
            ));
        }
        _ => {}
    }
    problems
}

#[test]
fn requests_conform_to_the_spec_of_the_version_they_send() {
    let registry = Registry::builtin();
    let ids = BTreeMap::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    for tool in registry.tools() {
        if tool.operations.is_empty() {
            continue; // intercom_auto_assign_conversation: no operation to call
        }
        let args = arguments(tool, &ids);
        let requests = match registry.plan(tool.name, args.clone()) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{}: {args} refused: {e}", tool.name));
                continue;
            }
        };
        for request in &requests {
            checked += 1;
            if SPEC_GAPS.iter().any(|(t, _)| *t == tool.name) {
                continue;
            }
            for problem in nonconformance(tool.name, request) {
                failures.push(format!("{}: {problem}", tool.name));
            }
            let sent = request.version.as_deref().unwrap_or("2.14");
            let op = tool
                .operations
                .iter()
                .find(|o| same_template(o.path, &template_of(request, sent)));
            if let Some(op) = op {
                // A tool whose operation 2.14 lacks sends 2.16.
                let in_214 = spec("2.14")["paths"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .any(|(p, item)| {
                        same_template(p, op.path)
                            && item.get(op.method.as_str().to_ascii_lowercase()).is_some()
                    });
                if !in_214 && request.version.as_deref() != Some("2.16") {
                    failures.push(format!(
                        "{}: {} is not in 2.14 but the request does not send 2.16",
                        tool.name, op.path
                    ));
                }
            }
        }
    }
    assert!(checked > 230, "only {checked} requests checked");
    assert!(
        failures.is_empty(),
        "{} nonconforming:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `oneOf` → `anyOf`, throughout.
fn any_of(mut schema: Value) -> Value {
    match &mut schema {
        Value::Object(map) => {
            if let Some(branches) = map.remove("oneOf") {
                map.insert("anyOf".into(), branches);
            }
            for v in map.values_mut() {
                *v = any_of(v.take());
            }
        }
        Value::Array(items) => {
            for v in items.iter_mut() {
                *v = any_of(v.take());
            }
        }
        _ => {}
    }
    schema
}

fn template_of(request: &Request, version: &str) -> String {
    let method = request.method.as_str().to_ascii_lowercase();
    operation_of(spec(version), &method, &request.path)
        .or_else(|| operation_of(spec("2.16"), &method, &request.path))
        .map(|(t, _)| t.to_owned())
        .unwrap_or_default()
}

/// Tools whose operation documents no success answer, only errors (`GET
/// /fin_voice/phone_number/{phone_number}`: 401, 404 and a default error): their happy path is
/// the documented 404, answered as Intercom's error list and reported as a tool error.
const ONLY_ERRORS_DOCUMENTED: &[&str] = &["intercom_find_fin_voice_call_by_phone_number"];

/// Calls made before a tool's own, so that it has something to act on: a detach needs an
/// attach (the calls use the seeded ids).
fn setup(tool: &str, ids: &BTreeMap<&str, String>) -> Vec<(&'static str, Value)> {
    let id = |k: &str| ids.get(k).cloned().unwrap_or_else(|| "1".to_owned());
    match tool {
        "intercom_detach_contact_from_company" => vec![(
            "intercom_attach_contact_to_company",
            json!({"contact_id": id("contact_id"), "id": id("company_id")}),
        )],
        "intercom_detach_tag_from_contact" => vec![(
            "intercom_attach_tag_to_contact",
            json!({"contact_id": id("contact_id"), "id": id("tag_id")}),
        )],
        "intercom_detach_tag_from_conversation" => vec![(
            "intercom_attach_tag_to_conversation",
            json!({"conversation_id": id("conversation_id"), "id": id("tag_id"), "admin_id": id("admin_id")}),
        )],
        "intercom_detach_tag_from_ticket" => vec![(
            "intercom_attach_tag_to_ticket",
            json!({"ticket_id": id("ticket_id"), "id": id("tag_id"), "admin_id": id("admin_id")}),
        )],
        _ => Vec::new(),
    }
}

/// Ids from the seeded data, by the parameter names that take them.
async fn seeded_ids(env: &Env) -> BTreeMap<&'static str, String> {
    let mut ids = BTreeMap::new();
    let first = |v: &Value, key: &str| -> Option<String> {
        let item = v[key].as_array()?.first()?.clone();
        match &item["id"] {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let lists: &[(&str, &str, &[&'static str])] = &[
        ("/admins", "admins", &["admin_id"]),
        ("/contacts", "data", &["contact_id"]),
        ("/conversations", "conversations", &["conversation_id"]),
        ("/companies/list", "data", &["company_id"]),
        ("/tags", "data", &["tag_id"]),
        ("/segments", "segments", &["segment_id"]),
        ("/teams", "teams", &["team_id"]),
        ("/ticket_types", "data", &["ticket_type_id"]),
        ("/articles", "data", &["article_id"]),
        ("/help_center/help_centers", "data", &["help_center_id"]),
        ("/help_center/collections", "data", &["collection_id"]),
        ("/news/news_items", "data", &["news_item_id"]),
        ("/news/newsfeeds", "data", &["newsfeed_id"]),
        ("/subscription_types", "data", &["subscription_id"]),
        ("/data_attributes", "data", &["data_attribute_id"]),
    ];
    for (path, key, names) in lists {
        let request = if *path == "/companies/list" {
            Request::post(*path, json!({}))
        } else {
            Request::get(*path)
        };
        if let Ok(v) = env.client.json(&request).await
            && let Some(id) = first(&v, key)
        {
            for name in *names {
                ids.insert(*name, id.clone());
            }
        }
    }
    if let Ok(v) = env.client.json(&Request::get("/contacts")).await
        && let Some(external) = v["data"][0]["external_id"].as_str()
    {
        ids.insert("external_id", external.to_owned());
    }
    if let Some(tt) = ids.get("ticket_type_id").cloned()
        && let Ok(v) = env
            .client
            .json(&Request::get(format!("/ticket_types/{tt}")))
            .await
        && let Some(attribute) = first(&v["ticket_type_attributes"], "data")
            .or_else(|| first(&v["ticket_type_attributes"], "ticket_type_attributes"))
    {
        ids.insert("attribute_id", attribute);
    }
    let tickets = env
        .client
        .json(&Request::post(
            "/tickets/search",
            json!({"query": {"field": "created_at", "operator": ">", "value": 0}}),
        ))
        .await;
    if let Ok(v) = tickets
        && let Some(id) = first(&v, "tickets")
    {
        ids.insert("ticket_id", id);
    }
    ids
}

/// A value of the wrong type for a property, or `None` where every type is allowed.
fn wrong_value(schema: &Value) -> Option<Value> {
    match &schema["type"] {
        Value::String(t) => Some(match t.as_str() {
            "string" => json!(12345),
            "integer" | "number" => json!("not a number"),
            "boolean" => json!("maybe"),
            _ => json!(5),
        }),
        Value::Array(types) if !types.iter().any(|t| t == "boolean") => Some(json!(true)),
        Value::Array(types) if !types.iter().any(|t| t == "number") => Some(json!(5)),
        _ => None,
    }
}

/// A bad input for `tool` and the field its error must name.
fn bad_input(tool: &Tool, good: &Value) -> (Value, String) {
    let schema = tool.input_schema();
    let props = schema["properties"].as_object().unwrap();
    let own: Vec<&String> = props.keys().filter(|k| tool.param(k).is_some()).collect();
    let mut ordered: Vec<&String> = own
        .iter()
        .copied()
        .filter(|k| tool.param(k).is_some_and(|p| p.required))
        .collect();
    let optional: Vec<&String> = own
        .iter()
        .copied()
        .filter(|k| !ordered.contains(k))
        .collect();
    ordered.extend(optional);
    let mut base = good.as_object().cloned().unwrap_or_default();
    base.retain(|k, _| tool.param(k).is_some());
    for name in ordered {
        if let Some(bad) = wrong_value(&props[name.as_str()]) {
            let mut args = base.clone();
            args.insert(name.clone(), bad);
            return (Value::Object(args), name.clone());
        }
    }
    let mut args = base;
    args.insert("no_such_parameter".into(), json!(1));
    (Value::Object(args), "no_such_parameter".to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tool_against_the_sandbox() {
    let registry = Registry::builtin().with_shaping(ShapeDefaults::RAW);
    let mut unexpected_failures = Vec::new();
    let mut bad_inputs = Vec::new();
    let config = || SandboxConfig::default().contacts(4).conversations(4);
    let shared = Env::start_with(config(), registry.clone()).await;
    let shared_ids = seeded_ids(&shared).await;
    // The `mirror` tools read a mirror of the shared sandbox.
    let mirror = std::env::temp_dir().join(format!(
        "intercom-tools-catalog-{}.sqlite",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&mirror);
    {
        let store = intercom_mirror::SqliteStore::open(&mirror).unwrap();
        intercom_mirror::Syncer::new(shared.client.clone(), &store)
            .run()
            .await
            .unwrap();
    }
    intercom_tools::use_mirror_at(&shared.client, &mirror);
    shared.clear_log().await;
    for tool in registry.tools() {
        // A tool that removes or merges gets a sandbox of its own, so the next tools still
        // find the seeded objects.
        let own = tool.annotations.destructive || tool.name.contains("merge");
        let fresh = if own {
            Some(Env::start_with(config(), registry.clone()).await)
        } else {
            None
        };
        let env = fresh.as_ref().unwrap_or(&shared);
        let ids = if own {
            seeded_ids(env).await
        } else {
            shared_ids.clone()
        };
        let args = arguments(tool, &ids);

        env.clear_log().await;
        let (bad, field) = bad_input(tool, &args);
        match registry.call(&env.client, tool.name, bad.clone()).await {
            Err(ToolError::Validation {
                field: got,
                message,
                ..
            }) => {
                if got != field || message.is_empty() {
                    bad_inputs.push(format!(
                        "{}: {bad} named `{got}` ({message}), not `{field}`",
                        tool.name
                    ));
                }
            }
            Err(other) => bad_inputs.push(format!(
                "{}: {bad}: not a validation error: {other}",
                tool.name
            )),
            Ok(_) => bad_inputs.push(format!("{}: {bad} was accepted", tool.name)),
        }
        let log = env.take_log().await;
        if !log.is_empty() {
            bad_inputs.push(format!("{}: the bad input sent {log:?}", tool.name));
        }

        for (before, before_args) in setup(tool.name, &ids) {
            if let Err(e) = registry
                .call(&env.client, before, before_args.clone())
                .await
            {
                unexpected_failures.push(format!(
                    "{}: its setup {before} {before_args}: {e}",
                    tool.name
                ));
            }
        }
        let outcome = if ONLY_ERRORS_DOCUMENTED.contains(&tool.name) {
            match registry.call(&env.client, tool.name, args.clone()).await {
                Err(e) if e.client_error().and_then(|c| c.status()) == Some(404) => Ok(()),
                other => Err(format!("expected the documented 404: {other:?}")),
            }
        } else if tool.operations.is_empty() && tool.toolset.as_str() != "mirror" {
            // intercom_auto_assign_conversation: its "happy path" is the refusal that says why.
            match registry.call(&env.client, tool.name, args.clone()).await {
                Err(ToolError::Validation { message, .. })
                    if message.contains("intercom_manage_conversation") =>
                {
                    Ok(())
                }
                other => Err(format!("{other:?}")),
            }
        } else {
            registry
                .call(&env.client, tool.name, args.clone())
                .await
                .map(|_| ())
                .map_err(|e| format!("{e}: {:?}", e.client_error()))
        };
        if let Err(e) = outcome {
            unexpected_failures.push(format!("{} {args}: {e}", tool.name));
        }
        if let Some(env) = fresh {
            env.stop().await;
        }
    }
    shared.stop().await;
    let _ = std::fs::remove_file(&mirror);
    assert!(
        bad_inputs.is_empty(),
        "bad inputs:\n{}",
        bad_inputs.join("\n")
    );
    assert!(
        unexpected_failures.is_empty(),
        "{} tools fail against the sandbox:\n{}",
        unexpected_failures.len(),
        unexpected_failures.join("\n")
    );
}

/// A call's recording comes back as its download address (the redirect is not followed: the
/// address is what the caller wants, and it serves audio), and its transcript as text.
#[tokio::test]
async fn a_calls_files_come_back_as_an_address_and_as_text() {
    let env = Env::start().await;
    let calls = env.call("intercom_list_calls", json!({})).await;
    let id = calls["data"][0]["id"]
        .as_str()
        .expect("the sandbox seeds calls")
        .to_owned();

    let recording = env
        .call("intercom_retrieve_call_recording", json!({"call_id": id}))
        .await;
    assert_eq!(recording["type"], "redirect", "{recording}");
    assert_eq!(recording["status"], 302, "{recording}");
    let location = recording["location"].as_str().expect("a download address");
    assert!(
        location.starts_with(&format!("{}/_sandbox/files/calls/", env.base_url())),
        "{location}"
    );
    let file = reqwest::get(location).await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "audio/wav");
    assert!(file.bytes().await.unwrap().starts_with(b"RIFF"));

    let transcript = env
        .call("intercom_retrieve_call_transcript", json!({"call_id": id}))
        .await;
    let text = transcript.as_str().expect("the transcript as text");
    assert!(text.contains(&format!("call {id}")), "{text}");

    for tool in [
        "intercom_retrieve_call_recording",
        "intercom_retrieve_call_transcript",
    ] {
        let e = env.call_err(tool, json!({"call_id": "no-such-call"})).await;
        assert_eq!(
            e.client_error().and_then(|c| c.status()),
            Some(404),
            "{tool}: {e}"
        );
    }
    env.stop().await;
}

/// What Sim's block and the curl skill send is accepted and sent as the API wants it.
#[test]
fn seed_shapes_are_accepted() {
    let registry = Registry::builtin();
    let plan = |name: &str, args: Value| -> Request {
        registry
            .plan(name, args)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .remove(0)
    };
    let reply = plan(
        "intercom_reply_to_conversation",
        json!({"conversation_id": "1", "admin_id": "7", "attachment_urls": "https://a.example/x.png, https://b.example/y.png"}),
    );
    assert_eq!(
        reply.body.unwrap()["attachment_urls"],
        json!(["https://a.example/x.png", "https://b.example/y.png"])
    );
    let refused = registry
        .prepare(
            "intercom_reply_to_conversation",
            json!({"conversation_id": "1", "admin_id": "7"}),
        )
        .unwrap_err();
    assert!(
        matches!(refused, ToolError::Validation { ref field, .. } if field == "body"),
        "{refused}"
    );

    let ticket = plan(
        "intercom_create_ticket",
        json!({"ticket_type_id": "1", "contacts": [{"id": "c"}], "disable_notifications": true, "ticket_attributes": "{\"_default_title_\": \"x\"}"}),
    );
    let body = ticket.body.unwrap();
    assert_eq!(body["skip_notifications"], true);
    assert_eq!(body["ticket_attributes"], json!({"_default_title_": "x"}));

    let search = plan(
        "intercom_search_contacts",
        json!({"query": "{\"field\": \"email\", \"operator\": \"=\", \"value\": \"a@b.co\"}", "sort_field": "created_at", "sort_order": "descending"}),
    );
    let body = search.body.unwrap();
    assert_eq!(body["query"]["field"], "email");
    assert_eq!(
        body["sort"],
        json!({"field": "created_at", "order": "descending"})
    );

    let conversation = plan(
        "intercom_retrieve_conversation",
        json!({"conversation_id": "1", "include_translations": true}),
    );
    assert_eq!(
        conversation.query,
        vec![("include_translations".to_owned(), "true".to_owned())]
    );

    let message = plan(
        "intercom_create_message",
        json!({"from": {"type": "admin", "id": 7}, "to": {"type": "user", "id": "c"}, "body": "Hi"}),
    );
    assert_eq!(message.path, "/messages");
    let note = plan(
        "intercom_create_contact_note",
        json!({"contact_id": "c", "body": "VIP"}),
    );
    assert_eq!(note.path, "/contacts/c/notes");
    let article = plan("intercom_retrieve_article", json!({"article_id": "42"}));
    assert_eq!(article.path, "/articles/42");
    let event = plan(
        "intercom_create_data_event",
        json!({"event_name": "ordered", "created_at": 1700000000, "user_id": "u1"}),
    );
    assert_eq!(event.path, "/events");

    // A 2.16-only operation sends 2.16.
    let brands = plan("intercom_list_brands", json!({}));
    assert_eq!(brands.version.as_deref(), Some("2.16"));
}
