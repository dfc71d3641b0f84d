//! MCP beyond tools: resource templates, prompts, logging, and `-32601` for what is not
//! declared. Over the in-memory pipe, against a sandbox.

use std::sync::Arc;

use intercom_client::{Client, Config, TestClock};
use intercom_mcp::{Connector, IntercomServer, Selection};
use intercom_sandbox::DEFAULT_TOKEN;
use intercom_tools::Registry;
use serde_json::{Value, json};

use crate::protocol::Peer;
use crate::{client, sandbox, server};

async fn first_id(sb_client: &Client, path: &str, key: &str) -> String {
    let page = sb_client
        .json(&intercom_client::Request::get(path))
        .await
        .unwrap();
    let id = &page[key][0]["id"];
    id.as_str().map_or_else(|| id.to_string(), str::to_owned)
}

#[tokio::test]
async fn resource_templates_read_one_object_as_compact_json() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let direct = client(&sb, DEFAULT_TOKEN);
    let mut peer = Peer::start(server(&sb, Selection::new()));
    peer.initialize("2025-11-25").await;

    let templates = peer.request("resources/templates/list", json!({})).await;
    let uris: Vec<&str> = templates["result"]["resourceTemplates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["uriTemplate"].as_str().unwrap())
        .collect();
    assert_eq!(
        uris,
        [
            "intercom://conversations/{id}",
            "intercom://contacts/{id}",
            "intercom://companies/{id}",
            "intercom://tickets/{id}",
            "intercom://articles/{id}"
        ]
    );
    assert_eq!(
        peer.request("resources/list", json!({})).await["result"]["resources"],
        json!([])
    );

    let tickets = direct
        .json(&intercom_client::Request::post(
            "/tickets/search",
            json!({"query": {"field": "open", "operator": "=", "value": true}}),
        ))
        .await
        .unwrap();
    let ticket = tickets["tickets"][0]["id"].as_str().unwrap().to_owned();
    for (kind, id) in [
        (
            "conversations",
            first_id(&direct, "/conversations", "conversations").await,
        ),
        ("contacts", first_id(&direct, "/contacts", "data").await),
        ("companies", first_id(&direct, "/companies", "data").await),
        ("tickets", ticket),
    ] {
        let uri = format!("intercom://{kind}/{id}");
        let read = peer.request("resources/read", json!({"uri": uri})).await;
        let contents = &read["result"]["contents"][0];
        assert_eq!(contents["uri"], uri.as_str(), "{read}");
        assert_eq!(contents["mimeType"], "application/json");
        let value: Value = serde_json::from_str(contents["text"].as_str().unwrap()).unwrap();
        assert_eq!(value["id"], id.as_str(), "{uri}");
        // Compact: no nulls anywhere.
        assert!(
            !contents["text"].as_str().unwrap().contains(":null"),
            "{uri}"
        );
    }

    let missing = peer
        .request(
            "resources/read",
            json!({"uri": "intercom://conversations/404404"}),
        )
        .await;
    assert_eq!(missing["error"]["code"], -32002, "{missing}");
    for bad in [
        "intercom://zebras/1",
        "intercom://contacts/",
        "intercom://contacts/a/../b",
        "https://example.com/1",
    ] {
        let response = peer.request("resources/read", json!({"uri": bad})).await;
        assert_eq!(response["error"]["code"], -32602, "{bad}: {response}");
    }
    sb.shutdown().await;
}

/// `GET /articles/{id}` is the sandbox helper's to add: until it lands the sandbox answers 404,
/// which must come back as resource-not-found (never an internal error); after, the article.
#[tokio::test]
async fn the_article_template_reads_what_the_sandbox_serves() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let direct = client(&sb, DEFAULT_TOKEN);
    let listed = direct
        .json(&intercom_client::Request::get("/articles"))
        .await
        .ok();
    let id = listed
        .as_ref()
        .and_then(|l| l["data"][0]["id"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "1".to_owned());
    let mut peer = Peer::start(server(&sb, Selection::new()));
    peer.initialize("2025-11-25").await;
    let uri = format!("intercom://articles/{id}");
    let read = peer.request("resources/read", json!({"uri": uri})).await;
    match read.get("error") {
        Some(error) => assert_eq!(error["code"], -32002, "{read}"),
        None => assert_eq!(read["result"]["contents"][0]["uri"], uri.as_str()),
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn prompts_list_and_fill_in_their_arguments() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let mut peer = Peer::start(server(&sb, Selection::new()));
    peer.initialize("2025-11-25").await;
    let listed = peer.request("prompts/list", json!({})).await;
    let prompts = listed["result"]["prompts"].as_array().unwrap();
    let names: Vec<&str> = prompts
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["triage_open_inbox", "customer_history", "ticket_status"]
    );
    assert!(prompts.iter().all(|p| p["description"].is_string()));
    assert_eq!(
        prompts[1]["arguments"],
        json!([{"name": "email", "description": "The customer's email address.", "required": true}])
    );

    let got = peer
        .request(
            "prompts/get",
            json!({"name": "customer_history", "arguments": {"email": "ada@example.com"}}),
        )
        .await;
    let message = &got["result"]["messages"][0];
    assert_eq!(message["role"], "user");
    let text = message["content"]["text"].as_str().unwrap();
    assert!(
        text.contains("`ada@example.com`") && text.contains("intercom_search_contacts"),
        "{text}"
    );
    // Every tool a prompt names is in the registry.
    let registry = Registry::builtin();
    for (name, arguments) in [
        ("triage_open_inbox", json!({"team": "Support"})),
        ("customer_history", json!({"email": "a@b.c"})),
        ("ticket_status", json!({"ticket_id": "1"})),
    ] {
        let got = peer
            .request("prompts/get", json!({"name": name, "arguments": arguments}))
            .await;
        let text = got["result"]["messages"][0]["content"]["text"]
            .as_str()
            .unwrap_or_else(|| panic!("{got}"))
            .to_owned();
        for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if word.starts_with("intercom_") {
                assert!(registry.tool(word).is_some(), "{name} names {word}");
            }
        }
    }

    for (params, message) in [
        (
            json!({"name": "ticket_status"}),
            "prompt `ticket_status`: argument `ticket_id` is required",
        ),
        (
            json!({"name": "triage_open_inbox", "arguments": {"limit": "lots"}}),
            "prompt `triage_open_inbox`: argument `limit` must be a whole number from 1 to 150",
        ),
        (
            json!({"name": "triage_open_inbox", "arguments": {"teem": "x"}}),
            "prompt `triage_open_inbox`: unknown argument `teem`; it takes team, limit",
        ),
        (
            json!({"name": "zebra"}),
            "unknown prompt `zebra`: expected one of triage_open_inbox, customer_history, ticket_status",
        ),
    ] {
        let response = peer.request("prompts/get", params).await;
        assert_eq!(response["error"]["code"], -32602, "{response}");
        assert_eq!(response["error"]["message"], message);
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn undeclared_capabilities_answer_method_not_found() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let mut peer = Peer::start(server(&sb, Selection::new()));
    peer.initialize("2025-11-25").await;
    let complete = peer
        .request(
            "completion/complete",
            json!({"ref": {"type": "ref/prompt", "name": "ticket_status"}, "argument": {"name": "ticket_id", "value": "1"}}),
        )
        .await;
    assert_eq!(complete["error"]["code"], -32601, "{complete}");
    let subscribe = peer
        .request(
            "resources/subscribe",
            json!({"uri": "intercom://contacts/1"}),
        )
        .await;
    assert_eq!(subscribe["error"]["code"], -32601, "{subscribe}");
    sb.shutdown().await;
}

#[tokio::test]
async fn retries_and_failures_are_logged_as_notifications() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    // A virtual clock: the retry's wait takes no real time.
    let client = Client::with_clock(
        Config::new(DEFAULT_TOKEN).base_url(&sb.base_url()).unwrap(),
        Arc::new(TestClock::at_unix(1_750_000_000)),
    )
    .unwrap();
    let catalog = Selection::new().resolve(&Registry::builtin()).unwrap();
    let mut peer = Peer::start(IntercomServer::new(
        catalog,
        Connector::fixed(client.clone()),
    ));
    peer.initialize("2025-11-25").await;
    client
        .json(
            &intercom_client::Request::post(
                "/_sandbox/faults",
                json!({"path_prefix": "/admins", "method": "GET", "status": 503, "times": 1, "retry_after": 2}),
            ),
        )
        .await
        .unwrap();
    let (response, notes) = peer
        .request_with_notifications(
            "tools/call",
            json!({"name": "intercom_list_admins", "arguments": {}}),
        )
        .await;
    assert_eq!(response["result"]["isError"], false, "{response}");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["method"], "notifications/message");
    assert_eq!(notes[0]["params"]["level"], "warning");
    assert_eq!(notes[0]["params"]["logger"], "intercom");
    assert_eq!(
        notes[0]["params"]["data"]["message"],
        "GET /admins failed (503); retrying in 2000 ms (attempt 2)"
    );

    // A failed call is a warning too; below the level set, nothing is sent.
    let (_, notes) = peer
        .request_with_notifications("tools/call", json!({"name": "intercom_retrieve_conversation", "arguments": {"conversation_id": "404404"}}))
        .await;
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(
        notes[0]["params"]["data"]["tool"],
        "intercom_retrieve_conversation"
    );
    let set = peer
        .request("logging/setLevel", json!({"level": "error"}))
        .await;
    assert_eq!(set["result"], json!({}), "{set}");
    let (_, notes) = peer
        .request_with_notifications("tools/call", json!({"name": "intercom_retrieve_conversation", "arguments": {"conversation_id": "404404"}}))
        .await;
    assert!(notes.is_empty(), "{notes:?}");
    sb.shutdown().await;
}
