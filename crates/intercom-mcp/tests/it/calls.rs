//! `tools/call` in-process: results, tool errors and their texts, refusals, discovery, tokens.

use intercom_client::Config;
use intercom_mcp::{Connector, IntercomServer, RequestToken, Selection, reply};
use intercom_sandbox::DEFAULT_TOKEN;
use intercom_tools::Registry;
use rmcp::model::CallToolResult;
use serde_json::{Value, json};

use crate::{sandbox, server};

fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn ok(result: &CallToolResult) -> &Value {
    assert_eq!(result.is_error, Some(false), "{}", text(result));
    let structured = result.structured_content.as_ref().unwrap();
    assert!(structured.is_object());
    assert_eq!(
        serde_json::from_str::<Value>(&text(result)).unwrap(),
        *structured,
        "the text block is the same JSON"
    );
    structured
}

fn failed(result: &CallToolResult) -> (String, Value) {
    assert_eq!(result.is_error, Some(true), "{}", text(result));
    let error = result.structured_content.as_ref().unwrap()["error"].clone();
    assert_eq!(error["message"], json!(text(result)));
    (text(result), error)
}

#[test]
fn structured_content_is_always_an_object() {
    let wrapped = reply::success(json!([1, 2]));
    assert_eq!(wrapped.structured_content, Some(json!({"result": [1, 2]})));
    assert_eq!(text(&wrapped), r#"{"result":[1,2]}"#);
    let scalar = reply::success(json!(3));
    assert_eq!(scalar.structured_content, Some(json!({"result": 3})));
    let object = reply::success(json!({"a": 1}));
    assert_eq!(object.structured_content, Some(json!({"a": 1})));
}

#[tokio::test]
async fn a_read_and_a_write_reach_the_sandbox() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let server = server(&sb, Selection::new());
    let admins = server.call("intercom_list_admins", json!({}), None).await;
    let admin_id = ok(&admins)["admins"][0]["id"].as_str().unwrap().to_owned();

    let search = server
        .call(
            "intercom_search_conversations",
            json!({"query": {"field": "state", "operator": "=", "value": "open"}}),
            None,
        )
        .await;
    let id = ok(&search)["conversations"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let closed = server
        .call(
            "intercom_manage_conversation",
            json!({"conversation_id": id, "message_type": "close", "admin_id": admin_id}),
            None,
        )
        .await;
    assert_eq!(ok(&closed)["state"], "closed");
    sb.shutdown().await;
}

#[tokio::test]
async fn a_validation_error_says_what_to_call() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let server = server(&sb, Selection::new());
    let result = server
        .call(
            "intercom_manage_conversation",
            json!({"conversation_id": "1", "message_type": "close"}),
            None,
        )
        .await;
    let (message, error) = failed(&result);
    // The registry's message, then what to do.
    assert!(
        message.starts_with(
            "invalid input for `intercom_manage_conversation`: `admin_id` is required"
        ) && message.contains("call intercom_list_admins")
            && message.ends_with("; fix the arguments and call intercom_manage_conversation again"),
        "{message}"
    );
    assert_eq!(error["kind"], "validation");
    assert_eq!(error["field"], "admin_id");
    sb.shutdown().await;
}

#[tokio::test]
async fn an_api_404_says_how_to_find_an_id() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let server = server(&sb, Selection::new());
    let result = server
        .call(
            "intercom_retrieve_conversation",
            json!({"conversation_id": "424242"}),
            None,
        )
        .await;
    let (message, error) = failed(&result);
    assert!(
        message.starts_with("intercom_retrieve_conversation failed: Intercom API error (HTTP 404): not_found")
            && message.ends_with("nothing has that id: for `conversation_id`, call intercom_list_conversations or intercom_search_conversations to find one"),
        "{message}"
    );
    assert_eq!(error["kind"], "not_found");
    assert_eq!(error["status"], 404);
    assert_eq!(error["errors"][0]["code"], "not_found");
    sb.shutdown().await;
}

#[tokio::test]
async fn a_refused_token_is_an_auth_tool_error() {
    let sb = sandbox("the-right-token").await;
    let registry = Registry::builtin();
    let catalog = Selection::new().resolve(&registry).unwrap();
    let server = IntercomServer::new(
        catalog,
        Connector::fixed(crate::client(&sb, "a-wrong-token")),
    );
    let result = server.call("intercom_list_admins", json!({}), None).await;
    let (message, error) = failed(&result);
    assert!(
        message.starts_with("intercom_list_admins failed: authentication failed (HTTP 401)"),
        "{message}"
    );
    assert!(message.ends_with("retrying will not help"), "{message}");
    assert!(!message.contains("a-wrong-token"));
    assert_eq!(error["kind"], "auth");
    sb.shutdown().await;
}

#[tokio::test]
async fn unknown_names_suggest_and_aliases_work() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let server = server(&sb, Selection::new());
    let (message, error) = failed(&server.call("intercom_list_admin", json!({}), None).await);
    assert!(
        message.starts_with("unknown tool `intercom_list_admin`: did you mean ")
            && message.contains("`intercom_list_admins`"),
        "{message}"
    );
    assert_eq!(error["suggestions"][0], "intercom_list_admins");
    let alias = server
        .call("INTERCOM_LIST_ALL_ADMINS", json!({}), None)
        .await;
    assert!(ok(&alias)["admins"].is_array());
    sb.shutdown().await;
}

#[tokio::test]
async fn read_only_and_unselected_tools_are_refused_by_name() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let read_only = server(&sb, Selection::new().read_only(true));
    let (message, error) = failed(
        &read_only
            .call(
                "INTERCOM_CLOSE_CONVERSATION",
                json!({"id": "1", "admin_id": "1"}),
                None,
            )
            .await,
    );
    assert_eq!(
        message,
        "`intercom_manage_conversation` writes to Intercom and this server is read-only (started with --read-only): it refuses every write; use a read tool, or ask the user to restart the server without --read-only"
    );
    assert_eq!(error["kind"], "read_only");

    let narrow = server(&sb, Selection::new().toolsets(["admins"]));
    let (message, _) = failed(&narrow.call("intercom_list_tags", json!({}), None).await);
    assert_eq!(
        message,
        "`intercom_list_tags` is not enabled on this server: it belongs to the `tags` toolset; ask the user to restart the server with --toolsets tags (or --tools intercom_list_tags), or use one of the listed tools"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn discovery_searches_describes_and_calls() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let server = server(&sb, Selection::new().discover(true).read_only(true));
    let names: Vec<&str> = server.listed().iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(
        names,
        [
            "intercom_search_tools",
            "intercom_describe_tool",
            "intercom_call_tool"
        ]
    );
    assert!(
        server
            .listed()
            .iter()
            .all(|t| t.annotations.as_ref().unwrap().read_only_hint == Some(true)),
        "read-only discovery lists only read-only meta-tools"
    );

    let found = server
        .call(
            "intercom_search_tools",
            json!({"query": "tags", "limit": 2}),
            None,
        )
        .await;
    let found = ok(&found);
    assert_eq!(found["tools"][0]["name"], "intercom_list_tags");
    assert_eq!(found["tools"].as_array().unwrap().len(), 2);
    assert!(found["matches"].as_u64().unwrap() > 2);
    assert!(
        found["hint"]
            .as_str()
            .unwrap()
            .ends_with("more matched, ranked lower: add words or raise limit")
    );

    let nothing = server
        .call("intercom_search_tools", json!({"query": "zebra"}), None)
        .await;
    assert_eq!(ok(&nothing)["matches"], 0);

    let described = server
        .call(
            "intercom_describe_tool",
            json!({"name": "INTERCOM_LIST_ALL_ADMINS"}),
            None,
        )
        .await;
    let described = ok(&described);
    assert_eq!(described["name"], "intercom_list_admins");
    assert_eq!(described["annotations"]["readOnlyHint"], true);
    assert!(
        described["aliases"]
            .as_array()
            .unwrap()
            .contains(&json!("INTERCOM_LIST_ALL_ADMINS"))
    );

    let called = server
        .call(
            "intercom_call_tool",
            json!({"name": "intercom_list_tags"}),
            None,
        )
        .await;
    assert_eq!(ok(&called)["type"], "list");

    let (message, _) = failed(
        &server
            .call(
                "intercom_call_tool",
                json!({"name": "intercom_delete_contact", "arguments": {"contact_id": "1"}}),
                None,
            )
            .await,
    );
    assert!(message.contains("this server is read-only"), "{message}");

    let (message, error) = failed(
        &server
            .call(
                "intercom_call_tool",
                json!({"name": "intercom_list_tags", "arguments": [1]}),
                None,
            )
            .await,
    );
    assert_eq!(
        message,
        "invalid input for `intercom_call_tool`: `arguments` must be a JSON object of the tool's arguments"
    );
    assert_eq!(error["field"], "arguments");
    sb.shutdown().await;
}

#[tokio::test]
async fn per_request_tokens_get_their_own_clients() {
    let sb = sandbox("alpha").await;
    let catalog = Selection::new().resolve(&Registry::builtin()).unwrap();
    let template = Config::new("unused").base_url(&sb.base_url()).unwrap();
    let server = IntercomServer::new(catalog, Connector::per_request(None, template));

    let (message, error) = failed(&server.call("intercom_list_admins", json!({}), None).await);
    assert!(
        message.contains("send one in the X-Intercom-Token header"),
        "{message}"
    );
    assert_eq!(error["kind"], "auth");

    let alpha = RequestToken("alpha".to_owned());
    let result = server
        .call("intercom_list_admins", json!({}), Some(&alpha))
        .await;
    assert!(ok(&result)["admins"].is_array());
    let again = server
        .call("intercom_list_admins", json!({}), Some(&alpha))
        .await;
    ok(&again);
    assert_eq!(
        server.connector().cached_clients(),
        1,
        "one client per token"
    );

    let beta = RequestToken("beta".to_owned());
    let (message, _) = failed(
        &server
            .call("intercom_list_admins", json!({}), Some(&beta))
            .await,
    );
    assert!(
        message.contains("authentication failed (HTTP 401)"),
        "{message}"
    );
    assert!(!message.contains("beta"), "tokens never appear in messages");
    assert_eq!(server.connector().cached_clients(), 2);
    assert_eq!(format!("{beta:?}"), "RequestToken(<redacted>)");
    sb.shutdown().await;
}

#[tokio::test]
async fn a_failed_write_says_whether_it_was_applied() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let server = server(
        &sb,
        Selection::new().tools([
            "intercom_list_admins",
            "intercom_create_message",
            "intercom_create_contact_note",
        ]),
    );
    let client =
        intercom_client::Client::new(Config::new(DEFAULT_TOKEN).base_url(&sb.base_url()).unwrap())
            .unwrap();
    let admins = server.call("intercom_list_admins", json!({}), None).await;
    let admin_id: i64 = ok(&admins)["admins"][0]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    // Applied, then the answer lost: a message has no reliable lookup.
    client
        .json(&intercom_client::Request::post(
            "/_sandbox/faults",
            json!({"path_prefix": "/messages", "when": "after", "status": 503}),
        ))
        .await
        .unwrap();
    let result = server
        .call(
            "intercom_create_message",
            json!({"message_type": "in_app", "body": "hi", "from": {"type": "admin", "id": admin_id}, "to": {"type": "user", "id": "1"}}),
            None,
        )
        .await;
    let (text, error) = failed(&result);
    assert_eq!(error["applied"], "unknown", "{error}");
    assert!(
        error["how_to_check"]
            .as_str()
            .unwrap()
            .contains("intercom_search_conversations_by_customer"),
        "{error}"
    );
    assert!(text.contains("may have been applied"), "{text}");
    assert!(!text.contains("try again"), "{text}");

    // Refused by Intercom before acting: nothing applied.
    let result = server
        .call(
            "intercom_create_contact_note",
            json!({"contact_id": "nope", "body": "x"}),
            None,
        )
        .await;
    let (text, error) = failed(&result);
    assert_eq!(error["applied"], "no", "{error}");
    assert!(text.contains("nothing was applied"), "{text}");
    sb.shutdown().await;
}

#[test]
fn a_recovered_write_says_so_beside_its_result() {
    let result = reply::recovered(json!({"id": "1"}), "found it");
    assert_eq!(
        result.structured_content,
        Some(json!({"id": "1", "_recovered": "found it"}))
    );
    assert_eq!(
        serde_json::from_str::<Value>(&text(&result)).unwrap(),
        json!({"id": "1", "_recovered": "found it"})
    );
}
