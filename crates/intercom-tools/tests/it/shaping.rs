//! Shaping through the registry: the parameters in every schema, their validation, that they
//! never reach a request, and compact against full on a sandbox over a real socket.

use intercom_sandbox::SandboxConfig;
use intercom_tools::shape::{SHAPE_PARAMS, estimate_tokens};
use intercom_tools::{Registry, ResponseFormat, ShapeDefaults, ToolError};
use serde_json::{Value, json};

use crate::harness::Env;

#[test]
fn every_schema_offers_the_shaping_parameters() {
    let registry = Registry::builtin();
    for tool in registry.tools() {
        let schema = tool.input_schema();
        for p in SHAPE_PARAMS {
            assert!(
                tool.param(p.name).is_none(),
                "{} declares `{}` itself, which would shadow the shaping parameter",
                tool.name,
                p.name
            );
            assert!(
                schema["properties"].get(p.name).is_some(),
                "{}: no `{}` in its schema",
                tool.name,
                p.name
            );
        }
    }
    let schema = registry
        .tool("intercom_list_admins")
        .unwrap()
        .input_schema();
    assert_eq!(
        schema["properties"]["response_format"]["enum"],
        json!(["compact", "full"])
    );
    assert_eq!(
        schema["properties"]["fields"]["items"],
        json!({"type": "string"})
    );
    assert_eq!(schema["properties"]["max_tokens"]["minimum"], 200);
}

/// The request(s) of a call, as JSON.
fn plan(name: &str, args: Value) -> Value {
    serde_json::to_value(Registry::builtin().plan(name, args).unwrap()).unwrap()
}

#[test]
fn shaping_parameters_never_reach_the_wire() {
    let shaping =
        json!({"response_format": "full", "fields": ["id", "source.body"], "max_tokens": 5000});
    let cases = [
        (
            "intercom_retrieve_conversation",
            json!({"conversation_id": "215"}),
        ),
        ("intercom_list_conversations", json!({"per_page": 20})),
        (
            "intercom_search_conversations",
            json!({"query": {"field": "state", "operator": "=", "value": "open"}}),
        ),
        (
            "intercom_reply_to_conversation",
            json!({"conversation_id": "215", "admin_id": "7", "body": "Hello"}),
        ),
        (
            "INTERCOM_CLOSE_CONVERSATION",
            json!({"id": "215", "admin_id": "7"}),
        ),
        (
            "intercom_get_counts",
            json!({"type": "conversation", "count": "state"}),
        ),
    ];
    for (name, args) in cases {
        let mut with = args.clone();
        for (k, v) in shaping.as_object().unwrap() {
            with[k] = v.clone();
        }
        assert_eq!(plan(name, with), plan(name, args), "{name}");
    }
    // `null` shaping values count as absent, like any other parameter.
    assert_eq!(
        plan(
            "intercom_list_admins",
            json!({"response_format": null, "fields": null})
        ),
        plan("intercom_list_admins", json!({}))
    );
}

#[test]
fn continuation_cursors_become_the_api_cursor_on_the_wire() {
    let continued = plan(
        "intercom_list_conversations",
        json!({"per_page": 20, "starting_after": "skip:7:WzE3MTk="}),
    );
    let plain = plan(
        "intercom_list_conversations",
        json!({"per_page": 20, "starting_after": "WzE3MTk="}),
    );
    assert_eq!(continued, plain);
    // A cut first page continues with no cursor at all.
    assert_eq!(
        plan(
            "intercom_list_conversations",
            json!({"per_page": 20, "starting_after": "skip:7:"})
        ),
        plan("intercom_list_conversations", json!({"per_page": 20}))
    );
    // Searches take it in `pagination`.
    let query = json!({"field": "state", "operator": "=", "value": "open"});
    assert_eq!(
        plan(
            "intercom_search_conversations",
            json!({"query": query, "pagination": {"per_page": 5, "starting_after": "skip:2:abc"}})
        ),
        plan(
            "intercom_search_conversations",
            json!({"query": query, "pagination": {"per_page": 5, "starting_after": "abc"}})
        )
    );
    let call = Registry::builtin()
        .prepare(
            "intercom_list_conversations",
            json!({"starting_after": "skip:7:abc"}),
        )
        .unwrap();
    assert_eq!(call.shape.page.skip, 7);
    assert_eq!(call.shape.page.cursor.as_deref(), Some("abc"));
}

fn refusal(name: &str, args: Value) -> String {
    match Registry::builtin().prepare(name, args) {
        Err(e @ ToolError::Validation { .. }) => e.to_string(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn bad_shaping_parameters_are_refused_by_name() {
    let table = [
        (
            json!({"response_format": "short"}),
            "invalid input for `intercom_list_admins`: `response_format` must be one of `compact`, `full`; got `short`",
        ),
        (
            json!({"fields": "id"}),
            "invalid input for `intercom_list_admins`: `fields` must be an array, got a string (\"id\")",
        ),
        (
            json!({"fields": ["id", 3]}),
            "invalid input for `intercom_list_admins`: `fields[1]` must be a string, got a number (3): pass it as a string, \"3\"",
        ),
        (
            json!({"fields": ["id", "source..body"]}),
            "invalid input for `intercom_list_admins`: `fields[1]` must be a dot path such as `id` or `source.body`, got \"source..body\"",
        ),
        (
            json!({"max_tokens": 10}),
            "invalid input for `intercom_list_admins`: `max_tokens` must be between 200 and 1000000, got 10",
        ),
    ];
    for (args, message) in table {
        assert_eq!(refusal("intercom_list_admins", args), message);
    }
    // Through an alias, the alias is named.
    assert_eq!(
        refusal("INTERCOM_LIST_ALL_ADMINS", json!({"max_tokens": "big"})),
        "invalid input for `INTERCOM_LIST_ALL_ADMINS`: `max_tokens` must be an integer, got a string (\"big\")"
    );
}

#[test]
fn a_call_takes_the_registry_defaults_unless_it_says() {
    let agent = Registry::builtin();
    let call = agent.prepare("intercom_list_admins", json!({})).unwrap();
    assert_eq!(call.shape.format, ResponseFormat::Compact);
    assert_eq!(call.shape.max_tokens, Some(20_000));

    let raw = Registry::builtin().with_shaping(ShapeDefaults::RAW);
    let call = raw.prepare("intercom_list_admins", json!({})).unwrap();
    assert_eq!(call.shape.format, ResponseFormat::Full);
    assert_eq!(call.shape.max_tokens, None);
    let call = raw
        .prepare(
            "intercom_list_admins",
            json!({"response_format": "compact", "max_tokens": 900, "fields": ["email"]}),
        )
        .unwrap();
    assert_eq!(call.shape.format, ResponseFormat::Compact);
    assert_eq!(call.shape.max_tokens, Some(900));
    assert_eq!(call.shape.fields, ["email"]);
    // camelCase spellings are accepted too.
    let call = raw
        .prepare(
            "intercom_list_admins",
            json!({"responseFormat": "compact", "maxTokens": 900}),
        )
        .unwrap();
    assert_eq!(call.shape.format, ResponseFormat::Compact);
    assert_eq!(call.shape.max_tokens, Some(900));
}

// --- against the sandbox ---------------------------------------------------------------------

/// The registry as agents get it: compact results, the default budget.
async fn start() -> Env {
    Env::start_with(
        SandboxConfig::default().contacts(20).conversations(30),
        Registry::builtin(),
    )
    .await
}

/// How many `GET /conversations` the sandbox has logged.
async fn list_requests_logged(env: &Env) -> usize {
    env.log()
        .await
        .iter()
        .filter(|l| *l == "GET /conversations")
        .count()
}

fn bytes(v: &Value) -> usize {
    serde_json::to_vec(v).unwrap().len()
}

/// The target is 3x on conversations. A page of conversations (a list or search) gives a summary
/// of each (body cut at 300 characters): measured 3.17x on the sandbox's closed conversations,
/// pinned at 3x. A single conversation keeps all of its text, so once the envelopes, bookkeeping
/// and repeated authors are gone what is left is content (ids, names, times, messages): measured
/// 2.51x over the sandbox's 30 seeded conversations (short one-paragraph bodies), pinned at
/// 2.45x, not 3x. These floors fail on a regression.
#[tokio::test]
async fn a_compact_conversation_is_much_smaller_than_the_api_json() {
    let env = start().await;
    let page = env
        .call(
            "intercom_list_conversations",
            json!({"per_page": 30, "fields": ["id", "statistics.count_conversation_parts"]}),
        )
        .await;
    let conversations = page["conversations"].as_array().unwrap();
    assert_eq!(conversations.len(), 30);
    let (mut compact_total, mut full_total) = (0, 0);
    for c in conversations {
        let id = c["id"].as_str().unwrap();
        let compact = env
            .call(
                "intercom_retrieve_conversation",
                json!({"conversation_id": id}),
            )
            .await;
        let full = env
            .call(
                "intercom_retrieve_conversation",
                json!({"conversation_id": id, "response_format": "full"}),
            )
            .await;
        // Nothing an agent reads is lost: the same parts, bodies as text.
        assert_eq!(compact["id"], full["id"]);
        let parts = full["conversation_parts"]["conversation_parts"]
            .as_array()
            .unwrap();
        assert_eq!(
            compact["conversation_parts"].as_array().map_or(0, Vec::len),
            parts.len(),
            "{id}"
        );
        let (c, f) = (bytes(&compact), bytes(&full));
        assert!(
            c * 2 < f,
            "{id}: compact {c} bytes vs full {f} bytes\n{compact:#}"
        );
        compact_total += c;
        full_total += f;
    }
    let ratio = full_total as f64 / compact_total as f64;
    assert!(
        ratio >= 2.45,
        "30 conversations: compact {compact_total} bytes vs full {full_total} bytes ({ratio:.2}x)"
    );
    // A list of conversations, where bookkeeping is a larger share of the API's JSON.
    let query = json!({"query": {"field": "state", "operator": "=", "value": "closed"}, "pagination": {"per_page": 50}});
    let compact = env
        .call("intercom_search_conversations", query.clone())
        .await;
    let mut full_query = query;
    full_query["response_format"] = json!("full");
    let full = env.call("intercom_search_conversations", full_query).await;
    let (c, f) = (bytes(&compact), bytes(&full));
    assert!(
        c * 3 <= f,
        "closed conversations: compact {c} bytes vs full {f} bytes ({:.2}x)",
        f as f64 / c as f64
    );
    // Every item keeps what an agent acts on.
    let (items, full_items) = (
        compact["conversations"].as_array().unwrap(),
        full["conversations"].as_array().unwrap(),
    );
    assert_eq!(items.len(), full_items.len());
    for (c, f) in items.iter().zip(full_items) {
        assert_eq!(c["id"], f["id"]);
        assert_eq!(c["state"], f["state"]);
        assert_eq!(c["source"]["author"]["id"], f["source"]["author"]["id"]);
        assert_eq!(c["contacts"][0]["id"], f["contacts"]["contacts"][0]["id"]);
        assert!(c["source"].get("id").is_none() && c.get("statistics").is_none());
    }
    env.stop().await;
}

#[tokio::test]
async fn following_continuation_cursors_walks_every_conversation_once() {
    let env = start().await;
    // The reference: every conversation id, walked with the API's own pages.
    let mut expected = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut args = json!({"per_page": 10, "response_format": "full", "fields": ["id"]});
        if let Some(c) = &cursor {
            args["starting_after"] = json!(c);
        }
        let page = env.call("intercom_list_conversations", args).await;
        expected.extend(
            page["conversations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned()),
        );
        match page["pages"]["next"]["starting_after"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(expected.len(), 30);

    // The same walk with a budget that cuts every page, following `continue`.
    let before = list_requests_logged(&env).await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut cuts = 0;
    for _ in 0..100 {
        let mut args = json!({"per_page": 10, "max_tokens": 1200});
        if let Some(c) = &cursor {
            args["starting_after"] = json!(c);
        }
        let page = env.call("intercom_list_conversations", args).await;
        if page["truncated"] == true {
            cuts += 1;
            assert_eq!(
                page["truncation"]["continue"]["starting_after"],
                page["pages"]["next"]["starting_after"]
            );
        }
        assert!(
            estimate_tokens(&page) <= 1200 || page["conversations"].as_array().unwrap().len() == 1
        );
        seen.extend(
            page["conversations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned()),
        );
        match page["pages"]["next"]["starting_after"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert!(cuts > 0, "the budget never cut a page");
    assert_eq!(seen, expected);
    // One request per call, however the pages were cut.
    let calls = list_requests_logged(&env).await - before;
    assert_eq!(calls, 3 + cuts);
    env.stop().await;
}
