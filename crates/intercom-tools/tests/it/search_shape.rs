//! The search tools refuse a malformed filter tree before sending, and agree with the sandbox's
//! parser (which follows Intercom's documented limits) on what is malformed.

use intercom_sandbox::search::{SearchModel, parse};
use intercom_tools::{Registry, ToolError};
use serde_json::{Value, json};

fn leaf(field: &str, op: &str, value: Value) -> Value {
    json!({"field": field, "operator": op, "value": value})
}

fn group(op: &str, filters: Vec<Value>) -> Value {
    json!({"operator": op, "value": filters})
}

/// Our verdict before sending: `Ok` or the validation message.
fn ours(query: &Value) -> Result<(), String> {
    match Registry::builtin().prepare("intercom_search_contacts", json!({ "query": query })) {
        Ok(_) => Ok(()),
        Err(ToolError::Validation { field, message, .. }) => {
            assert_eq!(field, "query", "{message}");
            Err(message)
        }
        Err(other) => panic!("unexpected error: {other}"),
    }
}

fn sandbox_accepts(query: &Value) -> bool {
    parse(SearchModel::Contacts, query).is_ok()
}

#[test]
fn well_formed_trees_pass_and_the_sandbox_agrees() {
    let a = || leaf("email", "=", json!("a@b.co"));
    let b = || leaf("name", "~", json!("ann"));
    let cases = [
        a(),
        leaf("role", "IN", json!(["user", "lead"])),
        leaf("external_id", "=", Value::Null),
        group("AND", vec![a(), b()]),
        group(
            "AND",
            vec![group("OR", vec![a(), b()]), group("OR", vec![b(), a()])],
        ),
        group("OR", (0..15).map(|_| a()).collect()),
    ];
    for query in cases {
        assert!(sandbox_accepts(&query), "the sandbox refuses {query}");
        assert_eq!(ours(&query), Ok(()), "we refuse {query}");
    }
}

#[test]
fn malformed_trees_are_refused_before_sending_as_the_sandbox_refuses_them() {
    let a = || leaf("email", "=", json!("a@b.co"));
    let cases = [
        (
            group("AND", vec![group("OR", vec![group("AND", vec![a()])])]),
            "`query.value[0].value[0]`: AND/OR groups nest at most 2 levels deep",
        ),
        (
            group("OR", (0..16).map(|_| a()).collect()),
            "`query.value` holds 16 filters; an OR group takes 1 to 15",
        ),
        (group("AND", vec![]), "`query.value` holds 0 filters"),
        (
            json!({"operator": "AND", "value": a()}),
            "`query.value` must be an array of filters for AND",
        ),
        (
            group("AND", vec![leaf("email", "LIKE", json!("x"))]),
            "`query.value[0].operator` must be one of",
        ),
        (
            group("AND", vec![json!({"operator": "=", "value": "x"})]),
            "`query.value[0].field` is required with operator `=`",
        ),
        (
            leaf("role", "IN", json!("user")),
            "`query.value` must be an array with `IN`",
        ),
        (
            leaf("email", "=", json!(["a@b.co"])),
            "`query.value` must be a string, number, boolean or null with `=`",
        ),
        (
            group("OR", vec![json!("email = a@b.co")]),
            "`query.value[0]` must be a filter object",
        ),
    ];
    for (query, expected) in cases {
        assert!(!sandbox_accepts(&query), "the sandbox accepts {query}");
        let message = ours(&query).expect_err(&format!("we accept {query}"));
        assert!(
            message.starts_with(expected),
            "for {query}:\n  got      {message}\n  expected {expected}…"
        );
    }
}
