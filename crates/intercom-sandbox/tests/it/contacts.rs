use serde_json::{Value, json};

use crate::support::{Api, assert_error};

async fn create(api: &Api, body: Value) -> Value {
    api.ok("POST", "/contacts", Some(body)).await
}

#[tokio::test]
async fn create_retrieve_update_delete() {
    let api = Api::new();
    let created = create(
        &api,
        json!({"email": "Ada@Example.com", "name": "Ada", "external_id": "ext-1", "custom_attributes": {"plan": "pro"}}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 24);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(created["type"], "contact");
    assert_eq!(created["role"], "user");
    assert_eq!(created["email_domain"], "example.com");
    assert_eq!(created["custom_attributes"], json!({"plan": "pro"}));

    assert_eq!(
        api.ok("GET", &format!("/contacts/{id}"), None).await,
        created
    );
    let by_ext = api
        .ok("GET", "/contacts/find_by_external_id/ext-1", None)
        .await;
    assert_eq!(by_ext["id"], json!(id));

    let updated = api
        .ok(
            "PUT",
            &format!("/contacts/{id}"),
            Some(json!({"name": "Ada L", "custom_attributes": {"seats": 3}})),
        )
        .await;
    assert_eq!(updated["name"], "Ada L");
    assert_eq!(
        updated["custom_attributes"],
        json!({"plan": "pro", "seats": 3})
    );
    assert_eq!(
        api.ok("GET", &format!("/contacts/{id}"), None).await,
        updated
    );

    let deleted = api.ok("DELETE", &format!("/contacts/{id}"), None).await;
    assert_eq!(
        deleted,
        json!({"type": "contact", "id": id, "external_id": "ext-1", "deleted": true})
    );
    assert_error(&api.get(&format!("/contacts/{id}")).await, 404, "not_found");
    assert_error(
        &api.get("/contacts/find_by_external_id/ext-1").await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn duplicates_conflict_and_bad_input_is_named() {
    let api = Api::new();
    let first = create(
        &api,
        json!({"email": "dup@example.com", "external_id": "d-1"}),
    )
    .await;
    let again = api
        .post("/contacts", json!({"email": "DUP@example.com"}))
        .await;
    assert_error(&again, 409, "conflict");
    assert!(
        again.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains(first["id"].as_str().unwrap())
    );
    assert_error(
        &api.post("/contacts", json!({"external_id": "d-1", "role": "lead"}))
            .await,
        409,
        "conflict",
    );

    let other = create(&api, json!({"email": "other@example.com"})).await;
    let clash = api
        .put(
            &format!("/contacts/{}", other["id"].as_str().unwrap()),
            json!({"email": "dup@example.com"}),
        )
        .await;
    assert_error(&clash, 409, "conflict");

    let wrong = api.post("/contacts", json!({"email": 5})).await;
    assert_error(&wrong, 400, "parameter_invalid");
    assert_eq!(wrong.body["errors"][0]["field"], "email");
    let role = api.post("/contacts", json!({"role": "admin"})).await;
    assert_error(&role, 400, "parameter_invalid");
    assert_eq!(role.body["errors"][0]["field"], "role");
    assert_error(
        &api.post("/contacts", json!({"name": "nobody"})).await,
        400,
        "parameter_not_found",
    );

    let request = Api::request("POST", "/contacts", Some(&json!({})))
        .body(axum::body::Body::from("{not json"))
        .unwrap();
    let malformed = api.send(request).await;
    assert_error(&malformed, 400, "parameter_invalid");
    assert_eq!(malformed.body["errors"][0]["field"], "body");
}

#[tokio::test]
async fn tags_on_contacts() {
    let api = Api::new();
    let contact = create(&api, json!({"email": "tagme@example.com"})).await;
    let id = contact["id"].as_str().unwrap();
    let tag = api
        .ok("POST", "/tags", Some(json!({"name": "Sandbox test tag"})))
        .await;
    let tag_id = tag["id"].as_str().unwrap();

    let applied = api
        .ok(
            "POST",
            &format!("/contacts/{id}/tags"),
            Some(json!({"id": tag_id})),
        )
        .await;
    assert_eq!(applied["id"], json!(tag_id));
    assert_eq!(applied["name"], "Sandbox test tag");
    assert_eq!(applied["applied_by"]["id"], json!(api.me()));

    let listed = api.ok("GET", &format!("/contacts/{id}/tags"), None).await;
    assert_eq!(listed["type"], "list");
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    let doc = api.ok("GET", &format!("/contacts/{id}"), None).await;
    assert_eq!(doc["tags"]["total_count"], 1);
    assert_eq!(
        doc["tags"]["data"][0],
        json!({"type": "tag", "id": tag_id, "url": format!("/tags/{tag_id}")})
    );

    let removed = api
        .ok("DELETE", &format!("/contacts/{id}/tags/{tag_id}"), None)
        .await;
    assert_eq!(removed["id"], json!(tag_id));
    let doc = api.ok("GET", &format!("/contacts/{id}"), None).await;
    assert_eq!(doc["tags"]["total_count"], 0);
    assert_error(
        &api.delete(&format!("/contacts/{id}/tags/{tag_id}")).await,
        404,
        "not_found",
    );
    assert_error(
        &api.post(&format!("/contacts/{id}/tags"), json!({"id": "999"}))
            .await,
        404,
        "not_found",
    );
    assert_error(
        &api.post("/contacts/nope/tags", json!({"id": tag_id})).await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn companies_on_contacts() {
    let api = Api::new();
    let contact = create(&api, json!({"email": "member@example.com"})).await;
    let id = contact["id"].as_str().unwrap();
    let company = api
        .ok(
            "POST",
            "/companies",
            Some(json!({"company_id": "acme-1", "name": "Acme"})),
        )
        .await;
    let company_id = company["id"].as_str().unwrap();
    assert_eq!(company["user_count"], 0);

    let attached = api
        .ok(
            "POST",
            &format!("/contacts/{id}/companies"),
            Some(json!({"id": company_id})),
        )
        .await;
    assert_eq!(attached["id"], json!(company_id));
    assert_eq!(attached["user_count"], 1);
    let listed = api
        .ok("GET", &format!("/contacts/{id}/companies"), None)
        .await;
    assert_eq!(listed["total_count"], 1);
    assert_eq!(listed["data"][0]["company_id"], "acme-1");
    let doc = api.ok("GET", &format!("/contacts/{id}"), None).await;
    assert_eq!(doc["companies"]["data"][0]["id"], json!(company_id));
    let members = api
        .ok("GET", &format!("/companies/{company_id}/contacts"), None)
        .await;
    assert_eq!(members["total_count"], 1);
    assert_eq!(members["data"][0]["id"], json!(id));

    let detached = api
        .ok(
            "DELETE",
            &format!("/contacts/{id}/companies/{company_id}"),
            None,
        )
        .await;
    assert_eq!(detached["user_count"], 0);
    let doc = api.ok("GET", &format!("/contacts/{id}"), None).await;
    assert_eq!(doc["companies"]["total_count"], 0);

    assert_error(
        &api.post(&format!("/contacts/{id}/companies"), json!({}))
            .await,
        400,
        "parameter_not_found",
    );
    assert_error(
        &api.post(&format!("/contacts/{id}/companies"), json!({"id": "123"}))
            .await,
        404,
        "company_not_found",
    );
}

#[tokio::test]
async fn segments_and_archive() {
    let api = Api::new();
    let list = api.ok("GET", "/contacts?per_page=150", None).await;
    let lead = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == "lead")
        .expect("a lead");
    let id = lead["id"].as_str().unwrap();
    let segments = api
        .ok("GET", &format!("/contacts/{id}/segments"), None)
        .await;
    assert_eq!(segments["type"], "list");
    assert!(
        segments["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "Leads")
    );

    let archived = api
        .ok("POST", &format!("/contacts/{id}/archive"), None)
        .await;
    assert_eq!(archived["archived"], true);
    assert_eq!(archived["id"], json!(id));
    let back = api
        .ok("POST", &format!("/contacts/{id}/unarchive"), None)
        .await;
    assert_eq!(back["archived"], false);
}
