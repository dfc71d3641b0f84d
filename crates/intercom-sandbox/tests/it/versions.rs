//! Answers in the shapes of the version asked, operations a version lacks, the literal paths
//! that are not ids, the table-driven resources (create, read, list, update, delete, search,
//! bad input) and the two defects found from outside (segments, away status reasons).

use intercom_sandbox::SandboxConfig;
use serde_json::{Value, json};

use crate::support::{Api, Resp, assert_error};

async fn send(
    api: &Api,
    version: Option<&str>,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Resp {
    let mut builder = Api::request(method, path, body.as_ref());
    if let Some(v) = version {
        builder = builder.header("intercom-version", v);
    }
    let request = builder
        .body(match &body {
            Some(b) => axum::body::Body::from(b.to_string()),
            None => axum::body::Body::empty(),
        })
        .unwrap();
    api.send(request).await
}

async fn ok(
    api: &Api,
    version: Option<&str>,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Value {
    let resp = send(api, version, method, path, body).await;
    assert!(
        (200..300).contains(&resp.status),
        "{method} {path} ({version:?}) answered {}",
        resp.text
    );
    resp.body
}

/// A seeded contact that has an owner.
async fn owned_contact(api: &Api) -> String {
    let list = api.ok("GET", "/contacts?per_page=150", None).await;
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| !c["owner_id"].is_null())
        .and_then(|c| c["id"].as_str())
        .expect("a seeded contact with an owner")
        .to_owned()
}

#[tokio::test]
async fn contact_owner_id_is_an_integer_in_2_14_and_a_string_in_2_16() {
    let api = Api::new();
    let id = owned_contact(&api).await;
    let path = format!("/contacts/{id}");
    for (version, integer) in [
        (None, true),
        (Some("2.14"), true),
        (Some("2.10"), true),
        (Some("2.15"), false),
        (Some("2.16"), false),
        (Some("Preview"), false),
    ] {
        let contact = ok(&api, version, "GET", &path, None).await;
        let owner = &contact["owner_id"];
        assert_eq!(owner.is_i64(), integer, "{version:?}: {contact}");
        assert_eq!(owner.is_string(), !integer, "{version:?}: {contact}");
    }
    // Lists and searches render the same way.
    let list = ok(&api, Some("2.16"), "GET", "/contacts?per_page=150", None).await;
    assert!(
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| !c["owner_id"].is_i64())
    );
}

#[tokio::test]
async fn conversation_priority_and_ticket_assignees_follow_the_version() {
    let api = Api::new();
    let list = ok(
        &api,
        Some("2.16"),
        "GET",
        "/conversations?per_page=150",
        None,
    )
    .await;
    let allowed = ["none", "low", "medium", "high", "urgent"];
    for c in list["conversations"].as_array().unwrap() {
        let p = c["priority"].as_str().unwrap_or("none");
        assert!(allowed.contains(&p), "2.16 priority {p:?}");
    }
    let old = ok(
        &api,
        Some("2.14"),
        "GET",
        "/conversations?per_page=150",
        None,
    )
    .await;
    for c in old["conversations"].as_array().unwrap() {
        let p = c["priority"].as_str().unwrap_or("not_priority");
        assert!(
            ["priority", "not_priority"].contains(&p),
            "2.14 priority {p:?}"
        );
    }

    let search = json!({"query": {"field": "created_at", "operator": ">", "value": 0}, "pagination": {"per_page": 150}});
    let new = ok(
        &api,
        Some("2.16"),
        "POST",
        "/tickets/search",
        Some(search.clone()),
    )
    .await;
    let old = ok(&api, Some("2.14"), "POST", "/tickets/search", Some(search)).await;
    let assigned = |body: &Value, pick: fn(&Value) -> bool| {
        body["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| !t["admin_assignee_id"].is_null())
            .all(|t| pick(&t["admin_assignee_id"]))
    };
    assert!(
        assigned(&new, Value::is_i64),
        "2.16 admin_assignee_id is an integer"
    );
    assert!(
        assigned(&old, Value::is_string),
        "2.14 admin_assignee_id is a string"
    );
}

#[tokio::test]
async fn an_operation_the_version_lacks_is_a_404_naming_the_version() {
    let api = Api::new();
    let old = send(&api, Some("2.14"), "GET", "/macros", None).await;
    assert_error(&old, 404, "not_found");
    assert!(old.text.contains("2.14"), "{}", old.text);
    let none = send(&api, None, "GET", "/macros", None).await;
    assert_error(&none, 404, "not_found");
    let new = ok(&api, Some("2.16"), "GET", "/macros", None).await;
    assert!(new.is_object());
}

#[tokio::test]
async fn literal_paths_are_not_taken_for_ids() {
    let api = Api::new();
    let logs = ok(
        &api,
        Some("2.14"),
        "GET",
        "/admins/activity_logs?created_at_after=0",
        None,
    )
    .await;
    assert_eq!(logs["type"], "activity_log.list", "{logs}");
    let deleted = ok(&api, Some("2.16"), "GET", "/conversations/deleted", None).await;
    assert_ne!(deleted["type"], "conversation", "{deleted}");
    let attributes = ok(&api, Some("2.16"), "GET", "/conversations/attributes", None).await;
    assert_ne!(attributes["type"], "conversation", "{attributes}");
    let types = ok(
        &api,
        Some("2.16"),
        "GET",
        "/admins/activity_log_event_types",
        None,
    )
    .await;
    assert_ne!(types["type"], "admin", "{types}");
    // Ids still reach the hand-written handlers.
    assert_error(&api.get("/admins/424242").await, 404, "admin_not_found");
}

#[tokio::test]
async fn segments_person_type_is_in_the_spec_enum() {
    let api = Api::new();
    let list = api.ok("GET", "/segments", None).await;
    let segments = list["segments"].as_array().unwrap();
    assert!(!segments.is_empty());
    for s in segments {
        let t = s["person_type"].as_str().unwrap_or_default();
        assert!(["contact", "user"].contains(&t), "person_type {t:?} in {s}");
    }
}

#[tokio::test]
async fn away_status_reason_is_echoed_as_an_integer_and_must_exist() {
    let api = Api::new();
    let reasons = ok(&api, Some("2.16"), "GET", "/away_status_reasons", None).await;
    let reason = reasons["data"][0]["id"].clone();
    let reason_id: i64 = match &reason {
        Value::String(s) => s.parse().unwrap(),
        other => other.as_i64().unwrap(),
    };
    let admin = api.me();
    let path = format!("/admins/{admin}/away");
    for sent in [json!(reason_id), json!(reason_id.to_string())] {
        let set = api
            .ok(
                "PUT",
                &path,
                Some(json!({"away_mode_enabled": true, "away_mode_reassign": false, "away_status_reason_id": sent})),
            )
            .await;
        assert_eq!(set["away_status_reason_id"], json!(reason_id), "{set}");
    }
    let unknown = api
        .put(
            &path,
            json!({"away_mode_enabled": true, "away_mode_reassign": false, "away_status_reason_id": 987654321}),
        )
        .await;
    assert_error(&unknown, 400, "parameter_invalid");
    assert_eq!(unknown.body["errors"][0]["field"], "away_status_reason_id");
    // The refused change left the admin as it was.
    let now = api.ok("GET", &format!("/admins/{admin}"), None).await;
    assert_eq!(now["away_status_reason_id"], json!(reason_id));
}

#[tokio::test]
async fn table_driven_resources_are_stateful() {
    let api = Api::new();
    let v = Some("2.16");
    let before = ok(&api, v, "GET", "/articles", None).await;
    let count = before["data"].as_array().unwrap().len();
    assert!(count > 0, "articles are seeded: {before}");

    let me = api.me();
    let created = ok(
        &api,
        v,
        "POST",
        "/articles",
        Some(json!({"title": "Resetting a password", "author_id": me.parse::<i64>().unwrap(), "body": "<p>Use the link.</p>"})),
    )
    .await;
    assert_eq!(created["title"], "Resetting a password");
    let id = created["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| created["id"].to_string());
    let path = format!("/articles/{id}");
    assert_eq!(
        ok(&api, v, "GET", &path, None).await["title"],
        "Resetting a password"
    );
    let listed = ok(&api, v, "GET", "/articles", None).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), count + 1);

    let found = ok(&api, v, "GET", "/articles/search?phrase=resetting", None).await;
    assert!(
        found.to_string().contains("Resetting a password"),
        "{found}"
    );

    let updated = ok(
        &api,
        v,
        "PUT",
        &path,
        Some(json!({"title": "Password resets"})),
    )
    .await;
    assert_eq!(updated["title"], "Password resets");
    assert_eq!(
        ok(&api, v, "GET", &path, None).await["title"],
        "Password resets"
    );

    let deleted = ok(&api, v, "DELETE", &path, None).await;
    assert_eq!(deleted["deleted"], true);
    assert_error(&send(&api, v, "GET", &path, None).await, 404, "not_found");
    assert_error(
        &send(&api, v, "GET", "/articles/999999", None).await,
        404,
        "not_found",
    );

    // A note made under a contact shows there and by its own id.
    let contact = owned_contact(&api).await;
    let note = ok(
        &api,
        v,
        "POST",
        &format!("/contacts/{contact}/notes"),
        Some(json!({"body": "Called about the invoice", "admin_id": me})),
    )
    .await;
    let note_id = note["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| note["id"].to_string());
    let notes = ok(&api, v, "GET", &format!("/contacts/{contact}/notes"), None).await;
    assert!(
        notes.to_string().contains("Called about the invoice"),
        "{notes}"
    );
    assert_eq!(
        ok(&api, v, "GET", &format!("/notes/{note_id}"), None).await["body"],
        "Called about the invoice"
    );
}

#[tokio::test]
async fn table_driven_resources_refuse_bad_input_by_field() {
    let api = Api::new();
    let v = Some("2.16");
    let missing = send(
        &api,
        v,
        "POST",
        "/data_attributes",
        Some(json!({"model": "contact"})),
    )
    .await;
    assert_error(&missing, 400, "parameter_not_found");
    assert_eq!(missing.body["errors"][0]["field"], "name");

    let mut request = Api::request("POST", "/articles", Some(&json!({})));
    request = request.header("intercom-version", "2.16");
    let garbage = api
        .send(request.body(axum::body::Body::from("{not json")).unwrap())
        .await;
    assert_error(&garbage, 400, "parameter_invalid");

    let wrong_type = send(
        &api,
        v,
        "POST",
        "/articles",
        Some(json!({"title": 42, "author_id": 1})),
    )
    .await;
    assert_error(&wrong_type, 400, "parameter_invalid");
    assert_eq!(wrong_type.body["errors"][0]["field"], "title");
    assert!(wrong_type.text.contains("string"), "{}", wrong_type.text);

    let not_object = send(&api, v, "POST", "/articles", Some(json!([1, 2]))).await;
    assert_error(&not_object, 400, "parameter_invalid");
}

#[tokio::test]
async fn table_driven_demo_data_is_the_same_for_the_same_seed() {
    let a = Api::with(SandboxConfig::default().seed(7));
    let b = Api::with(SandboxConfig::default().seed(7));
    for path in [
        "/articles",
        "/help_center/collections",
        "/news/news_items",
        "/macros",
        "/away_status_reasons",
    ] {
        let x = send(&a, Some("2.16"), "GET", path, None).await;
        let y = send(&b, Some("2.16"), "GET", path, None).await;
        assert_eq!(x.status, 200, "{path}: {}", x.text);
        assert_eq!(x.text, y.text, "{path}");
    }
}

#[tokio::test]
async fn a_lookup_by_query_answers_the_matching_record_or_404() {
    let api = Api::new();
    let v = Some("2.16");
    let unknown = send(&api, v, "GET", "/visitors?user_id=nobody-has-this", None).await;
    assert_error(&unknown, 404, "not_found");
}

#[tokio::test]
async fn engine_operations_under_hand_written_resources_use_them() {
    let api = Api::new();
    let v = Some("2.16");
    let unknown = send(
        &api,
        v,
        "POST",
        "/contacts/no-such-contact/notes",
        Some(json!({"body": "x"})),
    )
    .await;
    assert_eq!(unknown.status, 404, "{}", unknown.text);

    let deleted = ok(&api, v, "DELETE", "/conversations/1001", None).await;
    assert_eq!(deleted["deleted"], true, "{deleted}");
    assert_eq!(api.get("/conversations/1001").await.status, 404);
    let again = send(&api, v, "DELETE", "/conversations/1001", None).await;
    assert_eq!(again.status, 404, "{}", again.text);
}

#[tokio::test]
async fn custom_object_instances_are_kept_by_external_id() {
    let api = Api::new();
    let v = Some("2.16");
    let base = "/custom_object_instances/Order";
    let made = ok(
        &api,
        v,
        "POST",
        base,
        Some(json!({"external_id": "ord-77", "custom_attributes": {"status": "new"}})),
    )
    .await;
    let id = made["id"].as_str().unwrap().to_owned();
    let again = ok(
        &api,
        v,
        "POST",
        base,
        Some(json!({"external_id": "ord-77", "custom_attributes": {"status": "paid"}})),
    )
    .await;
    assert_eq!(again["id"], json!(id), "the same external_id updates");
    assert_eq!(again["custom_attributes"]["status"], "paid");

    let listed = ok(&api, v, "GET", &format!("{base}?external_id=ord-77"), None).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1, "{listed}");
    let found = ok(
        &api,
        Some("2.14"),
        "GET",
        &format!("{base}?external_id=ord-77"),
        None,
    )
    .await;
    assert_eq!(
        found["id"],
        json!(id),
        "2.14 finds the one instance: {found}"
    );
    assert_eq!(
        ok(&api, v, "GET", &format!("{base}/{id}"), None).await["external_id"],
        "ord-77"
    );

    let gone = ok(
        &api,
        v,
        "DELETE",
        &format!("{base}?external_id=ord-77"),
        None,
    )
    .await;
    assert_eq!(gone["deleted"], true);
    assert_error(
        &send(&api, v, "GET", &format!("{base}/{id}"), None).await,
        404,
        "not_found",
    );
    let missing = send(
        &api,
        v,
        "POST",
        base,
        Some(json!({"custom_attributes": {}})),
    )
    .await;
    assert_error(&missing, 400, "parameter_not_found");
    assert_eq!(missing.body["errors"][0]["field"], "external_id");
}
