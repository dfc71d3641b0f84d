//! Search endpoints. Body validation is the sandbox's; the query language is `search::parse`.

use serde_json::{Value, json};

use crate::support::{Api, assert_error};

#[tokio::test]
async fn search_body_is_validated_before_the_query() {
    let api = Api::new();
    for (body, field) in [
        (json!({}), "query"),
        (json!({"query": 5}), "query"),
        (
            json!({"query": {}, "pagination": {"per_page": 0}}),
            "pagination.per_page",
        ),
        (
            json!({"query": {}, "pagination": {"per_page": 151}}),
            "pagination.per_page",
        ),
        (
            json!({"query": {}, "pagination": {"per_page": "ten"}}),
            "pagination.per_page",
        ),
        (
            json!({"query": {}, "pagination": {"starting_after": "nope"}}),
            "pagination.starting_after",
        ),
        (json!({"query": {}, "pagination": 3}), "pagination"),
        (json!({"query": {}, "extra": true}), "extra"),
    ] {
        for path in [
            "/contacts/search",
            "/conversations/search",
            "/tickets/search",
        ] {
            let resp = api.post(path, body.clone()).await;
            assert_eq!(resp.status, 400, "{path} {body}: {}", resp.text);
            assert_eq!(
                resp.body["errors"][0]["field"], field,
                "{path} {body}: {}",
                resp.text
            );
            assert_error(&resp, 400, resp.code());
        }
    }
}

#[tokio::test]
async fn contact_search_end_to_end() {
    let api = Api::new();
    let created = api
        .ok(
            "POST",
            "/contacts",
            Some(json!({"email": "findme@example.com"})),
        )
        .await;
    let found = api
        .ok("POST", "/contacts/search", Some(json!({"query": {"field": "email", "operator": "=", "value": "findme@example.com"}})))
        .await;
    assert_eq!(found["type"], "list");
    assert_eq!(found["total_count"], 1);
    assert_eq!(found["data"][0]["id"], created["id"]);

    let leads = api
        .ok("POST", "/contacts/search", Some(json!({"query": {"field": "role", "operator": "=", "value": "lead"}, "pagination": {"per_page": 1}})))
        .await;
    let all = api.ok("GET", "/contacts?per_page=150", None).await;
    let lead_count = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["role"] == "lead")
        .count();
    assert_eq!(leads["total_count"], json!(lead_count));
    assert_eq!(leads["data"].as_array().unwrap().len(), 1);
    let cursor = leads["pages"]["next"]["starting_after"].as_str().unwrap();
    let second = api
        .ok("POST", "/contacts/search", Some(json!({"query": {"field": "role", "operator": "=", "value": "lead"}, "pagination": {"per_page": 1, "starting_after": cursor}})))
        .await;
    assert_eq!(second["pages"]["page"], 2);
    assert_ne!(second["data"][0]["id"], leads["data"][0]["id"]);

    let bad = api
        .post(
            "/contacts/search",
            json!({"query": {"field": "email", "operator": "LIKE", "value": "x"}}),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["type"], "error.list");
}

#[tokio::test]
async fn conversation_search_end_to_end() {
    let api = Api::new();
    let me = api.me();
    let open = api
        .ok("POST", "/conversations/search", Some(json!({"query": {"operator": "AND", "value": [{"field": "open", "operator": "=", "value": true}]}, "pagination": {"per_page": 150}})))
        .await;
    let list = api.ok("GET", "/conversations?per_page=150", None).await;
    let expected = list["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["open"] == true)
        .count();
    assert_eq!(open["total_count"], json!(expected));
    assert!(
        open["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["open"] == true)
    );

    // Writes are visible to search: close one and it leaves the open set.
    let id = open["conversations"][0]["id"].as_str().unwrap();
    api.ok(
        "POST",
        &format!("/conversations/{id}/parts"),
        Some(json!({"message_type": "close", "type": "admin", "admin_id": me})),
    )
    .await;
    let again = api
        .ok("POST", "/conversations/search", Some(json!({"query": {"field": "open", "operator": "=", "value": true}, "pagination": {"per_page": 1}})))
        .await;
    assert_eq!(again["total_count"], json!(expected - 1));
}

#[tokio::test]
async fn conversation_search_matches_body_words() {
    let api = Api::new();
    let found = api
        .ok("POST", "/conversations/search", Some(json!({"query": {"field": "source.body", "operator": "=", "value": "Password"}, "pagination": {"per_page": 150}})))
        .await;
    let list = api.ok("GET", "/conversations?per_page=150", None).await;
    let expected: Vec<&Value> = list["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["source"]["body"]
                .as_str()
                .unwrap()
                .split(|ch: char| !ch.is_alphanumeric())
                .any(|w| w.eq_ignore_ascii_case("password"))
        })
        .map(|c| &c["id"])
        .collect();
    assert!(!expected.is_empty());
    let got: Vec<&Value> = found["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["id"])
        .collect();
    assert_eq!(got, expected);
}
