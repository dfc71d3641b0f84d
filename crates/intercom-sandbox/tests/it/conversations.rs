use serde_json::{Value, json};

use crate::support::{Api, assert_error};

async fn first_user(api: &Api) -> Value {
    let list = api.ok("GET", "/contacts?per_page=150", None).await;
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == "user")
        .unwrap()
        .clone()
}

async fn start(api: &Api) -> (String, Value) {
    let contact = first_user(api).await;
    let message = api
        .ok(
            "POST",
            "/conversations",
            Some(json!({"from": {"type": "user", "id": contact["id"]}, "body": "My export is stuck & won't finish"})),
        )
        .await;
    (
        message["conversation_id"].as_str().unwrap().to_owned(),
        contact,
    )
}

#[tokio::test]
async fn seeded_conversation_has_parts_and_plaintext() {
    let api = Api::new();
    let list = api.ok("GET", "/conversations?per_page=150", None).await;
    let with_parts = list["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["statistics"]["count_conversation_parts"]
                .as_u64()
                .unwrap()
                >= 4
        })
        .expect("a conversation with several parts")
        .clone();
    let id = with_parts["id"].as_str().unwrap();
    assert!(id.chars().all(|c| c.is_ascii_digit()));
    let full = api.ok("GET", &format!("/conversations/{id}"), None).await;
    let parts = full["conversation_parts"]["conversation_parts"]
        .as_array()
        .unwrap();
    assert_eq!(full["conversation_parts"]["type"], "conversation_part.list");
    assert_eq!(
        full["conversation_parts"]["total_count"],
        json!(parts.len())
    );
    assert!(parts.len() >= 3);
    assert!(full["source"]["body"].as_str().unwrap().starts_with("<p>"));
    let mut without = full.clone();
    without
        .as_object_mut()
        .unwrap()
        .remove("conversation_parts");
    assert_eq!(
        without, with_parts,
        "the list shows the same document without parts"
    );

    let plain = api
        .ok(
            "GET",
            &format!("/conversations/{id}?display_as=plaintext"),
            None,
        )
        .await;
    let body = plain["source"]["body"].as_str().unwrap();
    assert!(!body.contains('<'), "{body}");
    assert!(
        plain["conversation_parts"]["conversation_parts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["body"].as_str().is_none_or(|b| !b.contains("<p>")))
    );
    assert_error(
        &api.get(&format!("/conversations/{id}?display_as=pdf"))
            .await,
        400,
        "parameter_invalid",
    );
    assert_error(&api.get("/conversations/999999999").await, 404, "not_found");
}

#[tokio::test]
async fn create_from_contact_and_refuse_admin() {
    let api = Api::new();
    let (id, contact) = start(&api).await;
    let doc = api.ok("GET", &format!("/conversations/{id}"), None).await;
    assert_eq!(doc["state"], "open");
    assert_eq!(doc["source"]["author"]["id"], contact["id"]);
    assert_eq!(
        doc["source"]["body"],
        "<p>My export is stuck &amp; won't finish</p>"
    );
    assert_eq!(doc["contacts"]["contacts"][0]["id"], contact["id"]);
    assert_eq!(doc["waiting_since"], doc["created_at"]);

    let admin = api
        .post(
            "/conversations",
            json!({"from": {"type": "admin", "id": api.me()}, "body": "hi"}),
        )
        .await;
    assert_error(&admin, 400, "parameter_invalid");
    assert_eq!(admin.body["errors"][0]["field"], "from.type");
    let ghost = api
        .post(
            "/conversations",
            json!({"from": {"type": "user", "id": "000000000000000000000000"}, "body": "hi"}),
        )
        .await;
    assert_error(&ghost, 404, "not_found");
    assert_error(
        &api.post(
            "/conversations",
            json!({"from": {"type": "user", "id": contact["id"]}}),
        )
        .await,
        400,
        "parameter_not_found",
    );
}

#[tokio::test]
async fn replies_and_state_transitions() {
    let api = Api::new();
    let me = api.me();
    let (id, contact) = start(&api).await;

    let replied = api
        .ok("POST", &format!("/conversations/{id}/reply"), Some(json!({"type": "admin", "admin_id": me, "message_type": "comment", "body": "Looking into it"})))
        .await;
    let parts = replied["conversation_parts"]["conversation_parts"]
        .as_array()
        .unwrap();
    let last = parts.last().unwrap();
    assert_eq!(last["part_type"], "comment");
    assert_eq!(last["body"], "<p>Looking into it</p>");
    assert_eq!(last["author"]["type"], "admin");
    assert!(replied["statistics"]["first_admin_reply_at"].is_i64());
    assert_eq!(replied["waiting_since"], Value::Null);
    assert_eq!(replied["teammates"]["teammates"][0]["id"], json!(me));

    let noted = api
        .ok("POST", &format!("/conversations/{id}/reply"), Some(json!({"type": "admin", "admin_id": me, "message_type": "note", "body": "<p>internal</p>"})))
        .await;
    assert_eq!(
        noted["conversation_parts"]["conversation_parts"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()["part_type"],
        "note"
    );

    let team_id = api.ok("GET", "/teams", None).await["teams"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let assigned = api
        .ok("POST", &format!("/conversations/{id}/parts"), Some(json!({"message_type": "assignment", "type": "team", "admin_id": me, "assignee_id": team_id})))
        .await;
    assert_eq!(
        assigned["team_assignee_id"],
        json!(team_id.parse::<i64>().unwrap())
    );
    assert_eq!(assigned["statistics"]["count_assignments"], 1);

    let closed = api
        .ok(
            "POST",
            &format!("/conversations/{id}/parts"),
            Some(json!({"message_type": "close", "type": "admin", "admin_id": me, "body": "Bye"})),
        )
        .await;
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["open"], false);
    assert_eq!(closed["statistics"]["last_closed_by_id"], json!(me));

    let reopened = api
        .ok("POST", &format!("/conversations/{id}/reply"), Some(json!({"type": "user", "intercom_user_id": contact["id"], "message_type": "comment", "body": "One more thing"})))
        .await;
    assert_eq!(reopened["state"], "open");
    assert_eq!(reopened["open"], true);
    let last = reopened["conversation_parts"]["conversation_parts"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["part_type"], "open");
    assert_eq!(last["author"]["id"], contact["id"]);
    assert_eq!(reopened["statistics"]["count_reopens"], 1);

    let snoozed = api
        .ok("POST", &format!("/conversations/{id}/parts"), Some(json!({"message_type": "snoozed", "admin_id": me, "snoozed_until": 4_102_444_800i64})))
        .await;
    assert_eq!(snoozed["state"], "snoozed");
    assert_eq!(snoozed["snoozed_until"], 4_102_444_800i64);
    let opened = api
        .ok(
            "POST",
            &format!("/conversations/{id}/parts"),
            Some(json!({"message_type": "open", "admin_id": me})),
        )
        .await;
    assert_eq!(opened["state"], "open");
    assert_eq!(opened["snoozed_until"], Value::Null);

    let found = api.ok("GET", &format!("/conversations/{id}"), None).await;
    assert_eq!(found, opened, "writes are persisted");
}

#[tokio::test]
async fn reply_and_parts_validation() {
    let api = Api::new();
    let me = api.me();
    let (id, _) = start(&api).await;
    let no_admin = api
        .post(
            &format!("/conversations/{id}/reply"),
            json!({"type": "admin", "message_type": "comment", "body": "x"}),
        )
        .await;
    assert_error(&no_admin, 400, "parameter_not_found");
    assert_eq!(no_admin.body["errors"][0]["field"], "admin_id");
    let no_user = api
        .post(
            &format!("/conversations/{id}/reply"),
            json!({"type": "user", "body": "x"}),
        )
        .await;
    assert_error(&no_user, 400, "parameter_not_found");
    let bad_type = api
        .post(
            &format!("/conversations/{id}/reply"),
            json!({"type": "bot", "body": "x"}),
        )
        .await;
    assert_error(&bad_type, 400, "parameter_invalid");
    assert_eq!(bad_type.body["errors"][0]["field"], "type");
    let bad_mt = api
        .post(
            &format!("/conversations/{id}/parts"),
            json!({"message_type": "explode", "admin_id": me}),
        )
        .await;
    assert_error(&bad_mt, 400, "parameter_invalid");
    let past = api
        .post(
            &format!("/conversations/{id}/parts"),
            json!({"message_type": "snoozed", "admin_id": me, "snoozed_until": 5}),
        )
        .await;
    assert_error(&past, 400, "parameter_invalid");
    let ghost_admin = api
        .post(
            &format!("/conversations/{id}/parts"),
            json!({"message_type": "open", "admin_id": "1"}),
        )
        .await;
    assert_error(&ghost_admin, 404, "admin_not_found");
    assert_error(
        &api.post(
            "/conversations/1/reply",
            json!({"type": "admin", "admin_id": me, "message_type": "comment", "body": "x"}),
        )
        .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn update_read_and_attributes() {
    let api = Api::new();
    let (id, _) = start(&api).await;
    let updated = api
        .ok("PUT", &format!("/conversations/{id}"), Some(json!({"read": true, "title": "Export stuck", "custom_attributes": {"issue_type": "Bug"}})))
        .await;
    assert_eq!(updated["read"], true);
    assert_eq!(updated["title"], "Export stuck");
    assert_eq!(updated["custom_attributes"], json!({"issue_type": "Bug"}));
    assert!(updated["conversation_parts"].is_object());
    let wrong = api
        .put(&format!("/conversations/{id}"), json!({"read": "yes"}))
        .await;
    assert_error(&wrong, 400, "parameter_invalid");
    assert_eq!(wrong.body["errors"][0]["field"], "read");
    assert_error(
        &api.put("/conversations/1", json!({"read": true})).await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn an_admin_message_starts_a_conversation_with_the_contact() {
    let api = Api::new();
    let contact = first_user(&api).await;
    let admin = api.me();
    let message = api
        .ok(
            "POST",
            "/messages",
            Some(
                json!({"message_type": "email", "subject": "Your export", "body": "It is ready",
                        "template": "plain", "from": {"type": "admin", "id": admin},
                        "to": {"type": "user", "id": contact["id"]}}),
            ),
        )
        .await;
    assert_eq!(message["type"], "admin_message");
    assert_eq!(message["message_type"], "email");
    assert_eq!(message["subject"], "Your export");
    let id = message["conversation_id"]
        .as_str()
        .expect("a conversation id");
    let conversation = api.ok("GET", &format!("/conversations/{id}"), None).await;
    assert_eq!(conversation["source"]["id"], message["id"]);
    assert_eq!(conversation["source"]["delivered_as"], "admin_initiated");
    assert_eq!(conversation["source"]["author"]["id"], json!(admin));
    assert_eq!(conversation["source"]["subject"], "Your export");
    assert_eq!(conversation["contacts"]["contacts"][0]["id"], contact["id"]);
    // Found by the contact, as a caller looking for it would.
    let found = api
        .ok(
            "POST",
            "/conversations/search",
            Some(
                json!({"query": {"field": "contact_ids", "operator": "=", "value": contact["id"]}}),
            ),
        )
        .await;
    assert!(
        found["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == json!(id)),
        "{found}"
    );
    // An in-app message to a list of recipients, one conversation with them all.
    let inapp = api
        .ok(
            "POST",
            "/messages",
            Some(json!({"message_type": "in_app", "body": "Hi",
                        "from": {"type": "admin", "id": admin},
                        "to": [{"type": "user", "id": contact["id"]}]})),
        )
        .await;
    assert_eq!(inapp["message_type"], "inapp");
    assert!(inapp.get("subject").is_none_or(Value::is_null), "{inapp}");
}

#[tokio::test]
async fn a_bad_admin_message_names_the_field() {
    let api = Api::new();
    let contact = first_user(&api).await;
    let admin = api.me();
    let to = json!({"type": "user", "id": contact["id"]});
    let cases = [
        (
            json!({"message_type": "email", "body": "x", "from": {"type": "admin", "id": admin}, "to": to}),
            422,
            "parameter_not_found",
            "subject",
        ),
        (
            json!({"message_type": "in_app", "from": {"type": "admin", "id": admin}, "to": to}),
            400,
            "parameter_invalid",
            "body",
        ),
        (
            json!({"message_type": "in_app", "body": "x", "to": to}),
            400,
            "parameter_not_found",
            "from",
        ),
        (
            json!({"message_type": "in_app", "body": "x", "from": {"type": "admin", "id": "999999"}, "to": to}),
            404,
            "admin_not_found",
            "from.id",
        ),
        (
            json!({"message_type": "in_app", "body": "x", "from": {"type": "admin", "id": admin}}),
            400,
            "parameter_not_found",
            "to",
        ),
        (
            json!({"message_type": "in_app", "body": "x", "from": {"type": "admin", "id": admin}, "to": {"type": "user", "id": "nobody"}}),
            404,
            "not_found",
            "to.id",
        ),
        (
            json!({"message_type": "in_app", "body": "x", "from": {"type": "admin", "id": admin}, "to": [7]}),
            400,
            "parameter_invalid",
            "to[0]",
        ),
    ];
    for (body, status, code, field) in cases {
        let resp = api.post("/messages", body.clone()).await;
        assert_error(&resp, status, code);
        assert_eq!(
            resp.body["errors"][0]["field"],
            json!(field),
            "{body}: {}",
            resp.text
        );
    }
    let all = api
        .ok("POST", "/conversations/search", Some(json!({"query": {"field": "source.delivered_as", "operator": "=", "value": "admin_initiated"}})))
        .await;
    assert_eq!(
        all["total_count"],
        json!(0),
        "a refused message left a conversation: {all}"
    );
}

#[tokio::test]
async fn a_note_keeps_its_author_and_its_contact() {
    let api = Api::new();
    let contact = first_user(&api).await;
    let id = contact["id"].as_str().unwrap();
    let admin = api.me();
    let note = api
        .ok(
            "POST",
            &format!("/contacts/{id}/notes"),
            Some(json!({"body": "Called", "admin_id": admin})),
        )
        .await;
    assert_eq!(note["author"]["id"], json!(admin), "{note}");
    assert_eq!(note["contact"]["id"], json!(id), "{note}");
    let listed = api.ok("GET", &format!("/contacts/{id}/notes"), None).await;
    let ours = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == note["id"])
        .unwrap();
    assert_eq!(ours["author"]["id"], json!(admin));
    let resp = api
        .post(
            &format!("/contacts/{id}/notes"),
            json!({"body": "x", "admin_id": "999999"}),
        )
        .await;
    assert_error(&resp, 404, "admin_not_found");
    assert_eq!(resp.body["errors"][0]["field"], "admin_id");
}
