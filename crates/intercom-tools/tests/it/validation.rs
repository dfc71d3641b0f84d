use intercom_tools::{Registry, ToolError};
use serde_json::{Value, json};

fn error(name: &str, args: Value) -> ToolError {
    match Registry::builtin().prepare(name, args) {
        Ok(call) => match call.requests() {
            Ok(r) => panic!("{name}: expected an error, got {r:?}"),
            Err(e) => e,
        },
        Err(e) => e,
    }
}

#[test]
fn each_failure_kind_names_the_field() {
    let cases: Vec<(&str, &str, Value)> = vec![
        ("unknown tool", "intercom_list_admin", json!({})),
        (
            "unknown tool, slug typo",
            "INTERCOM_LIST_ALL_ADMIN",
            json!({}),
        ),
        (
            "unknown tool, no prefix",
            "retrieve_conversation",
            json!({}),
        ),
        ("unknown tool, nothing near", "frobnicate", json!({})),
        (
            "arguments not an object",
            "intercom_list_admins",
            json!([1]),
        ),
        (
            "missing required, with hint",
            "intercom_retrieve_admin",
            json!({}),
        ),
        (
            "wrong type: number for string id",
            "intercom_retrieve_contact",
            json!({"contact_id": 42}),
        ),
        (
            "wrong type: quoted integer",
            "intercom_list_conversations",
            json!({"per_page": "5"}),
        ),
        (
            "wrong type: boolean",
            "intercom_list_segments",
            json!({"include_count": "yes"}),
        ),
        (
            "enum violation",
            "intercom_manage_conversation",
            json!({"conversation_id": "1", "admin_id": "2", "message_type": "shut"}),
        ),
        (
            "unknown field, near a known one",
            "intercom_retrieve_conversation",
            json!({"conversation_id": "1", "conversaton_id": "1"}),
        ),
        (
            "unknown field, no parameters",
            "intercom_list_tags",
            json!({"limit": 5}),
        ),
        (
            "empty string id",
            "intercom_retrieve_conversation",
            json!({"conversation_id": ""}),
        ),
        (
            "integer out of range",
            "intercom_list_conversations",
            json!({"per_page": 500}),
        ),
        (
            "nested field",
            "intercom_create_conversation",
            json!({"from": {"type": "admin", "id": "1"}, "body": "hi"}),
        ),
        (
            "nested unknown field",
            "intercom_search_contacts",
            json!({"query": {"field": "email", "operator": "=", "value": "a", "op": 1}}),
        ),
        (
            "nested required",
            "intercom_search_contacts",
            json!({"query": {"field": "email", "value": "a"}}),
        ),
        (
            "required when (rule)",
            "intercom_manage_conversation",
            json!({"conversation_id": "1", "admin_id": "2", "message_type": "assignment"}),
        ),
        (
            "required when snoozed",
            "intercom_manage_conversation",
            json!({"conversation_id": "1", "admin_id": "2", "message_type": "snoozed"}),
        ),
        (
            "only applies when (rule)",
            "intercom_manage_conversation",
            json!({"conversation_id": "1", "admin_id": "2", "message_type": "close", "snoozed_until": 5}),
        ),
        (
            "admin reply without admin_id",
            "intercom_reply_to_conversation",
            json!({"conversation_id": "1", "body": "hi"}),
        ),
        (
            "user reply without an identity",
            "intercom_reply_to_conversation",
            json!({"conversation_id": "1", "type": "user", "body": "hi"}),
        ),
        (
            "user note",
            "intercom_reply_to_conversation",
            json!({"conversation_id": "1", "type": "user", "message_type": "note", "email": "a@b.co", "body": "hi"}),
        ),
        (
            "team closes",
            "intercom_manage_conversation",
            json!({"conversation_id": "1", "admin_id": "2", "message_type": "close", "type": "team"}),
        ),
        (
            "at least one of",
            "intercom_create_contact",
            json!({"name": "Ann"}),
        ),
        (
            "nothing to update",
            "intercom_update_conversation",
            json!({"conversation_id": "1"}),
        ),
        (
            "counts: breakdown for the wrong type",
            "intercom_get_counts",
            json!({"type": "contact", "count": "state"}),
        ),
        (
            "counts: state for contacts",
            "intercom_get_counts",
            json!({"type": "contact", "state": "open"}),
        ),
        (
            "alias: renamed field reported by its alias name",
            "INTERCOM_GET_CONVERSATION",
            json!({"id": ""}),
        ),
        (
            "alias: missing renamed field",
            "INTERCOM_CLOSE_CONVERSATION",
            json!({"admin_id": "1"}),
        ),
        (
            "alias: preset conflict",
            "INTERCOM_CLOSE_CONVERSATION",
            json!({"id": "1", "admin_id": "2", "message_type": "open"}),
        ),
        (
            "alias: both names given",
            "INTERCOM_GET_CONVERSATION",
            json!({"id": "1", "conversation_id": "1"}),
        ),
    ];
    let mut out = String::new();
    for (case, name, args) in cases {
        let err = error(name, args);
        let kind = match &err {
            ToolError::UnknownTool { .. } => "unknown_tool".to_owned(),
            ToolError::Validation { field, .. } => format!("validation field={field:?}"),
            other => panic!("{case}: unexpected error kind {other:?}"),
        };
        out.push_str(&format!("# {case}\n[{kind}] {err}\n\n"));
    }
    insta::assert_snapshot!("validation_errors", out);
}

#[test]
fn unknown_tool_carries_suggestions() {
    let ToolError::UnknownTool { suggestions, .. } = error("intercom_list_contact", json!({}))
    else {
        panic!("expected UnknownTool")
    };
    assert_eq!(
        suggestions.first().map(String::as_str),
        Some("intercom_list_contacts")
    );
}

#[test]
fn validation_errors_are_usage_errors_and_send_nothing() {
    let err = error("intercom_retrieve_admin", json!({"admin_id": 7}));
    assert!(err.is_usage());
    let ToolError::Validation { field, message, .. } = err else {
        panic!()
    };
    assert_eq!(field, "admin_id");
    assert!(
        message.starts_with("must be a string, got a number (7)"),
        "{message}"
    );
}

#[test]
fn null_means_not_given_and_scalekit_extras_are_ignored() {
    let registry = Registry::builtin();
    let call = registry
        .prepare(
            "intercom_list_conversations",
            json!({"per_page": null, "schema_version": "1", "tool_version": "2"}),
        )
        .unwrap();
    assert!(call.args.is_empty(), "{:?}", call.args);
    let err = registry
        .prepare("intercom_retrieve_admin", json!({"admin_id": null}))
        .unwrap_err();
    assert!(err.to_string().contains("`admin_id` is required"), "{err}");
}

#[test]
fn defaults_are_filled_in() {
    let call = Registry::builtin()
        .prepare(
            "intercom_reply_to_conversation",
            json!({"conversation_id": "1", "admin_id": "2", "body": "x"}),
        )
        .unwrap();
    assert_eq!(call.args["type"], "admin");
    assert_eq!(call.args["message_type"], "comment");
}

#[test]
fn ids_and_tool_names_have_length_limits() {
    use intercom_tools::{MAX_ID_CHARS, MAX_TOOL_NAME_CHARS};
    // At the limit, the request is built; one over, the field is named.
    let at_limit = "7".repeat(MAX_ID_CHARS);
    let requests = Registry::builtin()
        .plan("intercom_retrieve_contact", json!({"contact_id": at_limit}))
        .unwrap();
    assert_eq!(requests[0].path, format!("/contacts/{at_limit}"));
    let err = error(
        "intercom_retrieve_contact",
        json!({"contact_id": "7".repeat(MAX_ID_CHARS + 1)}),
    );
    assert!(err.is_usage());
    let ToolError::Validation { field, message, .. } = err else {
        panic!("expected Validation, got {err:?}")
    };
    assert_eq!(field, "contact_id");
    assert_eq!(
        message,
        "is 256 characters long; an id in the URL is at most 255"
    );

    let registry = Registry::builtin();
    let longest = registry.tools().iter().map(|t| t.name.len()).max().unwrap();
    assert!(
        longest <= MAX_TOOL_NAME_CHARS,
        "longest tool name {longest}"
    );
    let err = error(&"x".repeat(MAX_TOOL_NAME_CHARS + 1), json!({}));
    assert!(err.is_usage());
    assert_eq!(
        err.to_string(),
        "a tool name is at most 128 characters; this one has 129"
    );
}
