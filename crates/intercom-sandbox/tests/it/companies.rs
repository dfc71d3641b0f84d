use serde_json::json;

use crate::support::{Api, assert_error};

#[tokio::test]
async fn create_or_update_is_keyed_by_company_id() {
    let api = Api::new();
    let created = api
        .ok(
            "POST",
            "/companies",
            Some(json!({"company_id": "c-77", "name": "Seventy Seven", "plan": "pro", "size": 12})),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["type"], "company");
    assert_eq!(created["plan"]["name"], "pro");
    assert_eq!(created["size"], 12);
    let updated = api
        .ok("POST", "/companies", Some(json!({"company_id": "c-77", "industry": "Robotics", "custom_attributes": {"tier": "gold"}})))
        .await;
    assert_eq!(
        updated["id"],
        json!(id),
        "same company updated, not a new one"
    );
    assert_eq!(updated["industry"], "Robotics");
    assert_eq!(updated["name"], "Seventy Seven");
    assert_eq!(
        api.ok("GET", &format!("/companies/{id}"), None).await,
        updated
    );

    let by_key = api.ok("GET", "/companies?company_id=c-77", None).await;
    assert_eq!(by_key["type"], "list");
    assert_eq!(by_key["total_count"], 1);
    assert_eq!(by_key["data"][0]["id"], json!(id));
    let by_name = api.ok("GET", "/companies?name=seventy%20seven", None).await;
    assert_eq!(by_name["data"][0]["id"], json!(id));
    assert_error(
        &api.get("/companies?company_id=nope").await,
        404,
        "company_not_found",
    );

    let bad = api.post("/companies", json!({"test": "invalid"})).await;
    assert_error(&bad, 400, "bad_request");
    assert_eq!(bad.body["errors"][0]["field"], "test");

    let put = api
        .ok(
            "PUT",
            &format!("/companies/{id}"),
            Some(json!({"monthly_spend": 500})),
        )
        .await;
    assert_eq!(put["monthly_spend"], 500);

    let deleted = api.ok("DELETE", &format!("/companies/{id}"), None).await;
    assert_eq!(
        deleted,
        json!({"id": id, "object": "company", "deleted": true})
    );
    assert_error(
        &api.get(&format!("/companies/{id}")).await,
        404,
        "company_not_found",
    );
    assert_error(
        &api.delete(&format!("/companies/{id}")).await,
        404,
        "company_not_found",
    );
}

#[tokio::test]
async fn filters_by_tag_and_segments() {
    let api = Api::new();
    let company = api
        .ok(
            "POST",
            "/companies",
            Some(json!({"company_id": "tagged-1", "name": "Tagged Co"})),
        )
        .await;
    let tag = api
        .ok(
            "POST",
            "/tags",
            Some(json!({"name": "Partner", "companies": [{"company_id": "tagged-1"}]})),
        )
        .await;
    let tag_id = tag["id"].as_str().unwrap();
    let listed = api
        .ok("GET", &format!("/companies?tag_id={tag_id}"), None)
        .await;
    assert_eq!(listed["total_count"], 1);
    assert_eq!(listed["data"][0]["id"], company["id"]);
    assert_eq!(listed["data"][0]["tags"]["tags"][0]["name"], "Partner");

    let none = api.ok("GET", "/companies?segment_id=nothing", None).await;
    assert_eq!(none["total_count"], 0);
    let id = company["id"].as_str().unwrap();
    let segments = api
        .ok("GET", &format!("/companies/{id}/segments"), None)
        .await;
    assert_eq!(segments, json!({"type": "list", "data": []}));
    assert_error(
        &api.get("/companies/nope/contacts").await,
        404,
        "company_not_found",
    );
    assert_error(
        &api.get("/companies/nope/segments").await,
        404,
        "company_not_found",
    );
}

#[tokio::test]
async fn seeded_companies_have_members() {
    let api = Api::new();
    let page = api.ok("GET", "/companies?per_page=60", None).await;
    let companies = page["data"].as_array().unwrap();
    assert!(companies.len() >= 3);
    let with_users = companies
        .iter()
        .find(|c| c["user_count"].as_u64().unwrap() > 0)
        .expect("a company with users");
    let id = with_users["id"].as_str().unwrap();
    let members = api
        .ok("GET", &format!("/companies/{id}/contacts"), None)
        .await;
    assert_eq!(members["total_count"], with_users["user_count"]);
    for contact in members["data"].as_array().unwrap() {
        assert_eq!(contact["companies"]["data"][0]["id"], json!(id));
    }
}
