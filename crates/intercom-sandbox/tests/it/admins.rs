use serde_json::json;

use crate::support::{Api, assert_error};

#[tokio::test]
async fn admins_me_and_retrieve() {
    let api = Api::new();
    let list = api.ok("GET", "/admins", None).await;
    assert_eq!(list["type"], "admin.list");
    let admins = list["admins"].as_array().unwrap();
    assert!(admins.len() >= 3);
    assert!(
        admins
            .iter()
            .all(|a| a["type"] == "admin" && a["id"].is_string())
    );

    let me = api.ok("GET", "/me", None).await;
    assert_eq!(me["id"].as_str().unwrap(), api.me());
    assert_eq!(me["app"]["type"], "app");
    assert!(me["app"]["id_code"].is_string());
    assert_eq!(me["email"], admins[0]["email"]);

    let id = admins[1]["id"].as_str().unwrap();
    let one = api.ok("GET", &format!("/admins/{id}"), None).await;
    assert_eq!(one, admins[1]);

    assert_error(&api.get("/admins/1").await, 404, "admin_not_found");
}

#[tokio::test]
async fn away_mode_round_trip() {
    let api = Api::new();
    let id = api.me();
    let set = api
        .ok(
            "PUT",
            &format!("/admins/{id}/away"),
            Some(json!({"away_mode_enabled": true, "away_mode_reassign": false})),
        )
        .await;
    assert_eq!(set["away_mode_enabled"], true);
    assert_eq!(set["away_mode_reassign"], false);
    let again = api.ok("GET", &format!("/admins/{id}"), None).await;
    assert_eq!(again["away_mode_enabled"], true);

    let missing = api
        .put(
            &format!("/admins/{id}/away"),
            json!({"away_mode_enabled": true}),
        )
        .await;
    assert_error(&missing, 400, "parameter_not_found");
    assert_eq!(missing.body["errors"][0]["field"], "away_mode_reassign");

    let wrong = api
        .put(
            &format!("/admins/{id}/away"),
            json!({"away_mode_enabled": "yes", "away_mode_reassign": false}),
        )
        .await;
    assert_error(&wrong, 400, "parameter_invalid");
    assert_eq!(wrong.body["errors"][0]["field"], "away_mode_enabled");
}

#[tokio::test]
async fn teams_list_and_retrieve() {
    let api = Api::new();
    let teams = api.ok("GET", "/teams", None).await;
    assert_eq!(teams["type"], "team.list");
    let list = teams["teams"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    let admin_ids = list[0]["admin_ids"].as_array().unwrap();
    assert!(!admin_ids.is_empty());
    let id = list[0]["id"].as_str().unwrap();
    assert_eq!(api.ok("GET", &format!("/teams/{id}"), None).await, list[0]);
    assert_error(&api.get("/teams/42").await, 404, "team_not_found");
}
