//! Refused queries: the code and the JSON path of the offending part.

use serde_json::{Value, json};

use super::super::{SearchError, SearchModel, parse};

use SearchModel::{Contacts, Conversations, Tickets};

fn refusal(model: SearchModel, query: Value) -> (&'static str, String, String) {
    let err = parse(model, &query).expect_err("the query should be refused");
    (err.code, err.field.clone().unwrap_or_default(), err.message)
}

fn leaf(field: &str, operator: &str, value: Value) -> Value {
    json!({"field": field, "operator": operator, "value": value})
}

fn ok_leaf() -> Value {
    leaf("name", "=", json!("x"))
}

#[test]
fn a_query_must_be_an_object() {
    for query in [json!(null), json!("name = x"), json!([ok_leaf()]), json!(3)] {
        let (code, field, _) = refusal(Contacts, query);
        assert_eq!(
            (code, field.as_str()),
            (SearchError::PARAMETER_INVALID, "query")
        );
    }
    let (code, field, _) = refusal(
        Contacts,
        json!({"operator": "AND", "value": [ok_leaf(), 5]}),
    );
    assert_eq!(
        (code, field.as_str()),
        (SearchError::PARAMETER_INVALID, "query.value[1]")
    );
}

#[test]
fn two_levels_of_groups_pass_and_a_third_is_refused() {
    let or = |items: Vec<Value>| json!({"operator": "OR", "value": items});
    let two =
        json!({"operator": "AND", "value": [or(vec![ok_leaf(), ok_leaf()]), or(vec![ok_leaf()])]});
    assert!(parse(Contacts, &two).is_ok());

    let three = json!({"operator": "AND", "value": [
        ok_leaf(),
        or(vec![ok_leaf(), or(vec![ok_leaf()])]),
    ]});
    let (code, field, message) = refusal(Contacts, three);
    assert_eq!(
        (code, field.as_str()),
        (SearchError::PARAMETER_INVALID, "query.value[1].value[1]")
    );
    assert!(message.contains("2 levels"), "{message}");
}

#[test]
fn groups_hold_one_to_fifteen_filters() {
    let group = |n: usize| json!({"operator": "OR", "value": vec![ok_leaf(); n]});
    assert!(parse(Contacts, &group(15)).is_ok());
    let (code, field, message) = refusal(Contacts, group(16));
    assert_eq!(
        (code, field.as_str()),
        (SearchError::PARAMETER_INVALID, "query.value")
    );
    assert!(
        message.contains("15") && message.contains("16"),
        "{message}"
    );

    let nested = json!({"operator": "AND", "value": [ok_leaf(), group(16)]});
    let (_, field, _) = refusal(Contacts, nested);
    assert_eq!(field, "query.value[1].value");
    let (_, field, _) = refusal(Contacts, group(0));
    assert_eq!(field, "query.value");
    let (code, field, _) = refusal(Contacts, json!({"operator": "AND", "value": ok_leaf()}));
    assert_eq!(
        (code, field.as_str()),
        (SearchError::PARAMETER_INVALID, "query.value")
    );
}

#[test]
fn unknown_operators_are_refused_where_they_stand() {
    let (code, field, message) = refusal(Contacts, leaf("name", "==", json!("x")));
    assert_eq!(
        (code, field.as_str()),
        (SearchError::INVALID_OPERATOR, "query.operator")
    );
    assert!(message.contains("\"==\""), "{message}");

    let group = json!({"operator": "AND", "value": [ok_leaf(), ok_leaf(), leaf("name", "LIKE", json!("x"))]});
    let (_, field, _) = refusal(Contacts, group);
    assert_eq!(field, "query.value[2].operator");

    let (code, field, _) = refusal(Contacts, json!({"operator": "XOR", "value": [ok_leaf()]}));
    assert_eq!(
        (code, field.as_str()),
        (SearchError::INVALID_OPERATOR, "query.operator")
    );
    let (code, field, _) = refusal(Contacts, leaf("name", "AND", json!("x")));
    assert_eq!(
        (code, field.as_str()),
        (SearchError::INVALID_OPERATOR, "query.operator")
    );
    let (code, field, _) = refusal(Contacts, leaf("name", "in", json!(["x"])));
    assert_eq!(
        (code, field.as_str()),
        (SearchError::INVALID_OPERATOR, "query.operator")
    );
    let (code, field, _) = refusal(
        Contacts,
        json!({"field": "name", "operator": 1, "value": "x"}),
    );
    assert_eq!(
        (code, field.as_str()),
        (SearchError::INVALID_OPERATOR, "query.operator")
    );
}

#[test]
fn missing_keys_are_named() {
    let (code, field, _) = refusal(Contacts, json!({"field": "name", "value": "x"}));
    assert_eq!(
        (code, field.as_str()),
        (SearchError::PARAMETER_NOT_FOUND, "query.operator")
    );
    let (code, field, _) = refusal(Contacts, json!({"field": "name", "operator": "="}));
    assert_eq!(
        (code, field.as_str()),
        (SearchError::PARAMETER_NOT_FOUND, "query.value")
    );
    let (code, field, _) = refusal(Contacts, json!({"operator": "=", "value": "x"}));
    assert_eq!(
        (code, field.as_str()),
        (SearchError::PARAMETER_NOT_FOUND, "query.field")
    );
    let (code, field, _) = refusal(Contacts, json!({"value": [ok_leaf()]}));
    assert_eq!(
        (code, field.as_str()),
        (SearchError::PARAMETER_NOT_FOUND, "query.operator")
    );
    let (code, field, _) = refusal(Contacts, json!({"operator": "OR"}));
    assert_eq!(
        (code, field.as_str()),
        (SearchError::PARAMETER_NOT_FOUND, "query.value")
    );
}

#[test]
fn lists_go_with_in_and_nin_only() {
    let (code, field, message) = refusal(Contacts, leaf("name", "IN", json!("x")));
    assert_eq!(
        (code, field.as_str()),
        (SearchError::PARAMETER_INVALID, "query.value")
    );
    assert!(message.contains("array"), "{message}");
    let (_, field, _) = refusal(Contacts, leaf("name", "NIN", json!(null)));
    assert_eq!(field, "query.value");
    let (_, field, message) = refusal(Contacts, leaf("name", "=", json!(["x"])));
    assert_eq!(field, "query.value");
    assert!(message.contains("IN"), "{message}");
    let (_, field, _) = refusal(Contacts, leaf("name", "IN", json!(["x", {"a": 1}])));
    assert_eq!(field, "query.value[1]");
    let (_, field, _) = refusal(Contacts, leaf("name", "IN", json!(["x", null])));
    assert_eq!(field, "query.value[1]");
}

#[test]
fn unknown_fields_are_refused_with_the_list() {
    let (code, field, message) = refusal(Contacts, leaf("favourite_colour", "=", json!("red")));
    assert_eq!(
        (code, field.as_str()),
        (SearchError::INVALID_FIELD, "query.field")
    );
    assert!(
        message.contains("favourite_colour") && message.contains("email_domain"),
        "{message}"
    );
    // Fields of one model are not fields of another.
    let (_, field, _) = refusal(Contacts, leaf("source.body", "=", json!("x")));
    assert_eq!(field, "query.field");
    let (_, field, _) = refusal(Tickets, leaf("custom_attributes.plan", "=", json!("x")));
    assert_eq!(field, "query.field");
    let (_, field, _) = refusal(Conversations, leaf("ticket_attribute.1", "=", json!("x")));
    assert_eq!(field, "query.field");
    let (_, field, _) = refusal(Contacts, leaf("custom_attributes.", "=", json!("x")));
    assert_eq!(field, "query.field");
    let (_, field, _) = refusal(Contacts, leaf("custom_attributes.a\"b", "=", json!("x")));
    assert_eq!(field, "query.field");
    let (code, field, _) = refusal(Contacts, json!({"field": 5, "operator": "=", "value": "x"}));
    assert_eq!(
        (code, field.as_str()),
        (SearchError::PARAMETER_INVALID, "query.field")
    );
}

#[test]
fn operators_must_suit_the_field_type() {
    let cases = [
        (Contacts, "created_at", "~", json!("2020")),
        (Contacts, "created_at", "!=", json!(1)),
        (Contacts, "created_at", "<=", json!(1)),
        (Contacts, "created_at", "IN", json!([1])),
        (Contacts, "name", ">", json!(1)),
        (Contacts, "tag_id", "IN", json!(["1"])),
        (Contacts, "tag_id", "~", json!("1")),
        (Contacts, "segment_id", "NIN", json!(["1"])),
        (Contacts, "has_hard_bounced", "<", json!(1)),
        (Contacts, "owner_id", "^", json!("1")),
        (Conversations, "open", "~", json!("t")),
        (Conversations, "statistics.count_reopens", "$", json!("1")),
        (Tickets, "category", ">=", json!("a")),
    ];
    for (model, name, op, value) in cases {
        let (code, field, message) = refusal(model, leaf(name, op, value));
        assert_eq!(
            (code, field.as_str()),
            (SearchError::INVALID_OPERATOR, "query.operator"),
            "{name} {op}"
        );
        assert!(message.contains(name), "{message}");
    }
    // The numeric set is fine on conversation and ticket dates.
    for op in ["!=", "<=", ">="] {
        assert!(parse(Conversations, &leaf("created_at", op, json!(1))).is_ok());
        assert!(parse(Tickets, &leaf("created_at", op, json!(1))).is_ok());
    }
    assert!(parse(Conversations, &leaf("created_at", "IN", json!([1, 2]))).is_ok());
}

#[test]
fn values_must_suit_the_field_type() {
    let cases = [
        (
            Contacts,
            leaf("created_at", "=", json!("foorbar")),
            "query.value",
        ),
        (
            Contacts,
            leaf("created_at", ">", json!("1.5")),
            "query.value",
        ),
        (
            Contacts,
            leaf("created_at", ">", json!(1e300)),
            "query.value",
        ),
        (
            Contacts,
            leaf("created_at", "=", json!(i64::MAX)),
            "query.value",
        ),
        (
            Contacts,
            leaf("unsubscribed_from_emails", "=", json!("yes")),
            "query.value",
        ),
        (
            Contacts,
            leaf("owner_id", "IN", json!([1, "two"])),
            "query.value[1]",
        ),
        (Contacts, leaf("name", "=", json!(true)), "query.value"),
        (Contacts, leaf("name", "~", json!(null)), "query.value"),
        (Contacts, leaf("name", "=", json!({"a": 1})), "query.value"),
        (
            Conversations,
            leaf("statistics.count_reopens", ">", json!("many")),
            "query.value",
        ),
        (
            Conversations,
            leaf("custom_attributes.x", "~", json!(true)),
            "query.value",
        ),
        (
            Conversations,
            leaf("custom_attributes.x", "<", json!("b")),
            "query.value",
        ),
    ];
    for (model, query, expected) in cases {
        let err = parse(model, &query).expect_err(&query.to_string());
        assert_eq!(err.code, SearchError::PARAMETER_INVALID, "{query}");
        assert_eq!(err.field.as_deref(), Some(expected), "{query}");
    }
}
