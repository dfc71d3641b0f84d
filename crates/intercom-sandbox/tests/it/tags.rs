use serde_json::json;

use crate::support::{Api, assert_error};

#[tokio::test]
async fn tags_crud() {
    let api = Api::new();
    let list = api.ok("GET", "/tags", None).await;
    assert_eq!(list["type"], "list");
    let seeded = list["data"].as_array().unwrap().len();
    assert!(seeded >= 5);

    let created = api
        .ok("POST", "/tags", Some(json!({"name": "Escalated"})))
        .await;
    assert_eq!(created["type"], "tag");
    let id = created["id"].as_str().unwrap().to_owned();
    let same = api
        .ok("POST", "/tags", Some(json!({"name": "escalated"})))
        .await;
    assert_eq!(same["id"], json!(id), "names are case-insensitive");
    let renamed = api
        .ok(
            "POST",
            "/tags",
            Some(json!({"id": id, "name": "Escalated to L2"})),
        )
        .await;
    assert_eq!(renamed["name"], "Escalated to L2");
    assert_eq!(api.ok("GET", &format!("/tags/{id}"), None).await, renamed);
    assert_eq!(
        api.ok("GET", "/tags", None).await["data"]
            .as_array()
            .unwrap()
            .len(),
        seeded + 1
    );

    assert_error(
        &api.post("/tags", json!({"id": "1", "name": "x"})).await,
        404,
        "not_found",
    );
    assert_error(
        &api.post("/tags", json!({"test": "invalid"})).await,
        400,
        "parameter_invalid",
    );

    let gone = api.delete(&format!("/tags/{id}")).await;
    assert_eq!(gone.status, 200, "{}", gone.text);
    assert_error(&api.get(&format!("/tags/{id}")).await, 404, "not_found");
}

#[tokio::test]
async fn deleting_a_tag_updates_documents() {
    let api = Api::new();
    let tag = api
        .ok("POST", "/tags", Some(json!({"name": "Temporary"})))
        .await;
    let tag_id = tag["id"].as_str().unwrap();
    let convs = api.ok("GET", "/conversations?per_page=1", None).await;
    let conv_id = convs["conversations"][0]["id"].as_str().unwrap();
    let me = api.me();
    api.ok(
        "POST",
        &format!("/conversations/{conv_id}/tags"),
        Some(json!({"id": tag_id, "admin_id": me})),
    )
    .await;
    let doc = api
        .ok("GET", &format!("/conversations/{conv_id}"), None)
        .await;
    assert!(
        doc["tags"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == json!(tag_id))
    );

    api.ok(
        "POST",
        "/tags",
        Some(json!({"id": tag_id, "name": "Renamed"})),
    )
    .await;
    let doc = api
        .ok("GET", &format!("/conversations/{conv_id}"), None)
        .await;
    let shown = doc["tags"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == json!(tag_id))
        .unwrap()
        .clone();
    assert_eq!(shown["name"], "Renamed");

    assert_eq!(api.delete(&format!("/tags/{tag_id}")).await.status, 200);
    let doc = api
        .ok("GET", &format!("/conversations/{conv_id}"), None)
        .await;
    assert!(
        !doc["tags"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == json!(tag_id))
    );
}

#[tokio::test]
async fn segments_with_counts() {
    let api = Api::new();
    let plain = api.ok("GET", "/segments", None).await;
    assert_eq!(plain["type"], "segment.list");
    let segments = plain["segments"].as_array().unwrap();
    assert!(segments.len() >= 2);
    assert!(segments.iter().all(|s| s.get("count").is_none()));
    let counted = api.ok("GET", "/segments?include_count=true", None).await;
    let leads = counted["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Leads")
        .unwrap()
        .clone();
    let all = api.ok("GET", "/contacts?per_page=150", None).await;
    let lead_total = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["role"] == "lead")
        .count();
    assert_eq!(leads["count"], json!(lead_total));
    let id = segments[0]["id"].as_str().unwrap();
    assert_eq!(
        api.ok("GET", &format!("/segments/{id}"), None).await,
        segments[0]
    );
    assert_error(&api.get("/segments/nope").await, 404, "not_found");
    assert_error(
        &api.get("/segments?include_count=maybe").await,
        400,
        "parameter_invalid",
    );
}
