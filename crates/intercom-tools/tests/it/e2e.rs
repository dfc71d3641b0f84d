//! Every tool, called through the registry against a sandbox on a real socket (127.0.0.1:0).

use intercom_client::{PageStyle, Request};
use intercom_sandbox::SandboxConfig;
use intercom_tools::{Registry, ShapeDefaults, ToolError};
use serde_json::{Value, json};

use crate::harness::Env;

/// 30 contacts and 40 conversations; the API's JSON, uncut: these tests check what Intercom's
/// shapes carry.
async fn start() -> Env {
    Env::start_with(
        SandboxConfig::default().contacts(30).conversations(40),
        Registry::builtin().with_shaping(ShapeDefaults::RAW),
    )
    .await
}

fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn admins_and_teams() {
    let env = start().await;
    let admins = env.call("intercom_list_admins", json!({})).await;
    let list = admins["admins"].as_array().unwrap();
    assert!(list.len() >= 2, "{admins}");
    let first = &list[0];

    let me = env.call("intercom_identify_admin", json!({})).await;
    assert_eq!(me["type"], "admin");
    assert!(me["id"].as_str().is_some_and(|id| !id.is_empty()));

    let one = env
        .call("intercom_retrieve_admin", json!({"admin_id": first["id"]}))
        .await;
    assert_eq!(one["email"], first["email"]);
    let via_alias = env
        .call(
            "INTERCOM_IDENTIFY_AN_ADMIN",
            json!({"admin_id": first["id"]}),
        )
        .await;
    assert_eq!(via_alias["id"], first["id"]);

    let teams = env.call("intercom_list_teams", json!({})).await;
    let team = &teams["teams"][0];
    assert!(team["id"].is_string(), "{teams}");
    let one_team = env
        .call("intercom_retrieve_team", json!({"team_id": team["id"]}))
        .await;
    assert_eq!(one_team["name"], team["name"]);

    let missing = env
        .call_err("intercom_retrieve_admin", json!({"admin_id": "1"}))
        .await;
    assert_eq!(
        missing.client_error().and_then(|e| e.status()),
        Some(404),
        "{missing}"
    );
    env.stop().await;
}

#[tokio::test]
async fn listing_and_searching_conversations() {
    let env = start().await;
    let page = env
        .call("intercom_list_conversations", json!({"per_page": 5}))
        .await;
    assert_eq!(page["conversations"].as_array().unwrap().len(), 5);
    let cursor = page["pages"]["next"]["starting_after"]
        .as_str()
        .expect("a cursor")
        .to_owned();
    let next = env
        .call(
            "INTERCOM_LIST_CONVERSATIONS",
            json!({"per_page": 5, "starting_after": cursor}),
        )
        .await;
    let (a, b) = (ids(&page["conversations"]), ids(&next["conversations"]));
    assert!(
        a.iter().all(|id| !b.contains(id)),
        "pages overlap: {a:?} {b:?}"
    );

    let open = env
        .call(
            "intercom_search_conversations",
            json!({"query": {"field": "state", "operator": "=", "value": "open"}, "pagination": {"per_page": 50}}),
        )
        .await;
    let found = open["conversations"].as_array().unwrap();
    assert!(!found.is_empty());
    assert!(found.iter().all(|c| c["state"] == "open"));
    assert!(open["total_count"].as_u64().unwrap() as usize >= found.len());

    let id = a[0].clone();
    let one = env
        .call(
            "intercom_retrieve_conversation",
            json!({"conversation_id": id}),
        )
        .await;
    assert_eq!(one["id"], id.as_str());
    let alias = env
        .call("INTERCOM_GET_CONVERSATION", json!({"id": id}))
        .await;
    assert_eq!(alias["id"], one["id"]);
    let plain = env
        .call(
            "intercom_retrieve_conversation",
            json!({"conversation_id": id, "display_as": "plaintext"}),
        )
        .await;
    assert_eq!(plain["id"], one["id"]);
    env.stop().await;
}

/// The first contact with the given role.
async fn contact_with_role(env: &Env, role: &str) -> Value {
    let found = env
        .call(
            "intercom_search_contacts",
            json!({"query": {"field": "role", "operator": "=", "value": role}}),
        )
        .await;
    found["data"][0].clone()
}

fn parts(conversation: &Value) -> Vec<Value> {
    conversation["conversation_parts"]["conversation_parts"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn creating_replying_and_changing_state() {
    let env = start().await;
    let admins = env.call("intercom_list_admins", json!({})).await;
    let admin_id = admins["admins"][0]["id"].as_str().unwrap().to_owned();
    let other_admin = admins["admins"][1]["id"].as_str().unwrap().to_owned();
    let user = contact_with_role(&env, "user").await;
    let user_id = user["id"].as_str().unwrap().to_owned();

    let created = env
        .call(
            "intercom_create_conversation",
            json!({"from": {"type": "user", "id": user_id}, "body": "Where is my parcel?"}),
        )
        .await;
    let conversation_id = created["conversation_id"]
        .as_str()
        .expect("conversation_id")
        .to_owned();
    let fresh = env
        .call(
            "intercom_retrieve_conversation",
            json!({"conversation_id": conversation_id}),
        )
        .await;
    assert_eq!(fresh["id"], conversation_id.as_str());
    let before = parts(&fresh).len();

    // One reply is one POST, and the part shows up with the escaped, wrapped body.
    env.clear_log().await;
    env.call(
        "intercom_reply_to_conversation",
        json!({"conversation_id": conversation_id, "admin_id": admin_id, "body": "On its way & tracked <soon>"}),
    )
    .await;
    assert_eq!(
        env.log().await,
        [format!("POST /conversations/{conversation_id}/reply")]
    );
    let after = env
        .call(
            "intercom_retrieve_conversation",
            json!({"conversation_id": conversation_id}),
        )
        .await;
    let all = parts(&after);
    assert_eq!(all.len(), before + 1, "{after}");
    let last = all.last().unwrap();
    assert_eq!(last["part_type"], "comment");
    assert_eq!(last["body"], "<p>On its way &amp; tracked &lt;soon&gt;</p>");
    assert_eq!(last["author"]["id"], admin_id.as_str());

    // An internal note, and a reply on behalf of the user.
    env.call(
        "INTERCOM_REPLY_TO_CONVERSATION",
        json!({"conversation_id": conversation_id, "admin_id": admin_id, "message_type": "note", "body": "VIP"}),
    )
    .await;
    env.call(
        "intercom_reply_to_conversation",
        json!({"conversation_id": conversation_id, "type": "user", "intercom_user_id": user_id, "body": "Thanks!"}),
    )
    .await;
    let after = env
        .call(
            "intercom_retrieve_conversation",
            json!({"conversation_id": conversation_id}),
        )
        .await;
    let all = parts(&after);
    assert_eq!(all[all.len() - 2]["part_type"], "note");
    assert_eq!(all[all.len() - 1]["author"]["type"], "user");
    assert_eq!(all[all.len() - 1]["body"], "<p>Thanks!</p>");

    // Assign, snooze, close, reopen.
    env.call(
        "INTERCOM_ASSIGN_CONVERSATION",
        json!({"conversation_id": conversation_id, "admin_id": admin_id, "assignee_id": other_admin}),
    )
    .await;
    let state = env
        .call(
            "intercom_retrieve_conversation",
            json!({"conversation_id": conversation_id}),
        )
        .await;
    assert_eq!(
        state["admin_assignee_id"].to_string().trim_matches('"'),
        other_admin
    );

    let until = 4_102_444_800_i64; // 2100-01-01
    env.call(
        "intercom_manage_conversation",
        json!({"conversation_id": conversation_id, "admin_id": admin_id, "message_type": "snoozed", "snoozed_until": until}),
    )
    .await;
    let state = env
        .call(
            "intercom_retrieve_conversation",
            json!({"conversation_id": conversation_id}),
        )
        .await;
    assert_eq!(state["state"], "snoozed");
    assert_eq!(state["snoozed_until"], until);

    env.call(
        "INTERCOM_CLOSE_CONVERSATION",
        json!({"id": conversation_id, "admin_id": admin_id, "body": "Closing"}),
    )
    .await;
    let state = env
        .call(
            "intercom_retrieve_conversation",
            json!({"conversation_id": conversation_id}),
        )
        .await;
    assert_eq!(state["state"], "closed");
    assert_eq!(state["open"], false);

    env.call(
        "INTERCOM_REOPEN_CONVERSATION",
        json!({"id": conversation_id, "admin_id": admin_id}),
    )
    .await;
    let state = env
        .call(
            "intercom_retrieve_conversation",
            json!({"conversation_id": conversation_id}),
        )
        .await;
    assert_eq!(state["state"], "open");

    // Mark read and set a custom attribute.
    let updated = env
        .call(
            "intercom_update_conversation",
            json!({"conversation_id": conversation_id, "read": true, "custom_attributes": {"priority_reason": "vip"}}),
        )
        .await;
    assert_eq!(updated["read"], true, "{updated}");
    assert_eq!(updated["custom_attributes"]["priority_reason"], "vip");
    env.stop().await;
}

#[tokio::test]
async fn contacts_and_what_is_attached_to_them() {
    let env = start().await;
    let page = env
        .call("intercom_list_contacts", json!({"per_page": 3}))
        .await;
    assert_eq!(page["data"].as_array().unwrap().len(), 3);
    assert_eq!(page["total_count"], 30);
    let contact = page["data"][0].clone();
    let contact_id = contact["id"].as_str().unwrap().to_owned();

    // Search by email finds the contact.
    let email = contact["email"]
        .as_str()
        .expect("demo contacts have emails");
    let found = env
        .call(
            "INTERCOM_SEARCH_CONTACTS",
            json!({"query": {"field": "email", "operator": "=", "value": email}}),
        )
        .await;
    assert_eq!(ids(&found["data"]), [contact_id.as_str()]);

    let one = env
        .call(
            "intercom_retrieve_contact",
            json!({"contact_id": contact_id}),
        )
        .await;
    assert_eq!(one["email"], email);
    let alias = env
        .call("INTERCOM_GET_A_CONTACT", json!({"contact_id": contact_id}))
        .await;
    assert_eq!(alias["id"], one["id"]);

    // Create, find by external id, update.
    let created = env
        .call(
            "intercom_create_contact",
            json!({"role": "user", "email": "zoe.new@example.com", "external_id": "ext-ZOE-1", "name": "Zoe New"}),
        )
        .await;
    let new_id = created["id"].as_str().unwrap().to_owned();
    let by_ext = env
        .call(
            "intercom_find_contact_by_external_id",
            json!({"external_id": "ext-ZOE-1"}),
        )
        .await;
    assert_eq!(by_ext["id"], new_id.as_str());
    let wrong_case = env
        .call_err(
            "INTERCOM_SHOW_CONTACT_BY_EXTERNAL_ID",
            json!({"external_id": "EXT-zoe-1"}),
        )
        .await;
    assert_eq!(
        wrong_case.client_error().and_then(|e| e.status()),
        Some(404)
    );
    let updated = env
        .call(
            "intercom_update_contact",
            json!({"contact_id": new_id, "name": "Zoe Renamed"}),
        )
        .await;
    assert_eq!(updated["name"], "Zoe Renamed");

    // Tags.
    let tags = env.call("intercom_list_tags", json!({})).await;
    let tag_id = tags["data"][0]["id"].as_str().unwrap().to_owned();
    env.call(
        "intercom_attach_tag_to_contact",
        json!({"contact_id": new_id, "id": tag_id}),
    )
    .await;
    let attached = env
        .call("intercom_list_contact_tags", json!({"contact_id": new_id}))
        .await;
    assert_eq!(ids(&attached["data"]), [tag_id.as_str()]);
    env.call(
        "intercom_detach_tag_from_contact",
        json!({"contact_id": new_id, "tag_id": tag_id}),
    )
    .await;
    let attached = env
        .call(
            "INTERCOM_LIST_TAGS_ATTACHED_TO_A_CONTACT",
            json!({"contact_id": new_id}),
        )
        .await;
    assert!(
        attached["data"].as_array().unwrap().is_empty(),
        "{attached}"
    );

    // Companies.
    let companies = env
        .call("intercom_list_companies", json!({"per_page": 1}))
        .await;
    let company_id = companies["data"][0]["id"].as_str().unwrap().to_owned();
    env.call(
        "intercom_attach_contact_to_company",
        json!({"contact_id": new_id, "id": company_id}),
    )
    .await;
    let linked = env
        .call(
            "intercom_list_contact_companies",
            json!({"contact_id": new_id}),
        )
        .await;
    let linked_ids: Vec<&str> = linked["data"]
        .as_array()
        .or(linked["companies"].as_array())
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(linked_ids, [company_id.as_str()], "{linked}");
    env.call(
        "INTERCOM_DETACH_A_CONTACT",
        json!({"contact_id": new_id, "company_id": company_id}),
    )
    .await;
    let linked = env
        .call(
            "intercom_list_contact_companies",
            json!({"contact_id": new_id}),
        )
        .await;
    let none = linked["data"]
        .as_array()
        .or(linked["companies"].as_array())
        .unwrap();
    assert!(none.is_empty(), "{linked}");

    // Segments of a contact: a list, each entry a segment.
    let segments = env
        .call(
            "INTERCOM_LIST_ATTACHED_SEGMENTS_FOR_CONTACT",
            json!({"contact_id": contact_id}),
        )
        .await;
    assert!(
        segments["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["type"] == "segment"),
        "{segments}"
    );
    let segments = env
        .call(
            "intercom_list_contact_segments",
            json!({"contact_id": new_id}),
        )
        .await;
    assert!(segments["data"].is_array());

    // Delete, then it is gone.
    let deleted = env
        .call("intercom_delete_contact", json!({"contact_id": new_id}))
        .await;
    assert_eq!(deleted["deleted"], true, "{deleted}");
    let gone = env
        .call_err("intercom_retrieve_contact", json!({"contact_id": new_id}))
        .await;
    assert_eq!(gone.client_error().and_then(|e| e.status()), Some(404));
    env.stop().await;
}

#[tokio::test]
async fn companies() {
    let env = start().await;
    let page = env
        .call("INTERCOM_LIST_ALL_COMPANIES", json!({"per_page": 2}))
        .await;
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    let total = page["total_count"].as_u64().unwrap();
    assert!(total > 2);
    let page2 = env
        .call("intercom_list_companies", json!({"per_page": 2, "page": 2}))
        .await;
    assert_eq!(page2["pages"]["page"], 2);
    assert!(
        ids(&page["data"])
            .iter()
            .all(|id| !ids(&page2["data"]).contains(id))
    );

    let first = page["data"][0].clone();
    let id = first["id"].as_str().unwrap().to_owned();
    let by_name = env
        .call("intercom_list_companies", json!({"name": first["name"]}))
        .await;
    let by_name_id = by_name["id"].as_str().or(by_name["data"][0]["id"].as_str());
    assert_eq!(by_name_id, Some(id.as_str()), "{by_name}");

    let one = env
        .call("intercom_retrieve_company", json!({"company_id": id}))
        .await;
    assert_eq!(one["name"], first["name"]);

    let created = env
        .call(
            "intercom_create_or_update_company",
            json!({"company_id": "acme-test-1", "name": "Acme Test", "size": 12}),
        )
        .await;
    let again = env
        .call(
            "intercom_create_or_update_company",
            json!({"company_id": "acme-test-1", "name": "Acme Renamed"}),
        )
        .await;
    assert_eq!(again["id"], created["id"]);
    assert_eq!(again["name"], "Acme Renamed");
    assert_eq!(again["size"], 12);
    let after = env
        .call("intercom_list_companies", json!({"per_page": 1}))
        .await;
    assert_eq!(after["total_count"].as_u64(), Some(total + 1));

    let contacts = env
        .call("intercom_list_company_contacts", json!({"company_id": id}))
        .await;
    assert!(contacts["data"].is_array(), "{contacts}");
    let segments = env
        .call(
            "INTERCOM_LIST_ATTACHED_SEGMENTS_FOR_COMPANIES",
            json!({"company_id": id}),
        )
        .await;
    assert!(segments["data"].is_array(), "{segments}");

    // Scroll through every company: batches until an empty one.
    let mut seen = Vec::new();
    let mut args = json!({});
    for _ in 0..100 {
        let batch = env.call("intercom_scroll_companies", args).await;
        let items = batch["data"].as_array().unwrap().clone();
        if items.is_empty() {
            break;
        }
        seen.extend(items.iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        args = json!({"scroll_param": batch["scroll_param"]});
    }
    assert_eq!(seen.len() as u64, total + 1);

    let deleted = env
        .call(
            "intercom_delete_company",
            json!({"company_id": created["id"]}),
        )
        .await;
    assert_eq!(deleted["deleted"], true, "{deleted}");
    let gone = env
        .call_err(
            "intercom_retrieve_company",
            json!({"company_id": created["id"]}),
        )
        .await;
    assert_eq!(gone.client_error().and_then(|e| e.status()), Some(404));
    env.stop().await;
}

#[tokio::test]
async fn segments_and_tags() {
    let env = start().await;
    let segments = env
        .call("INTERCOM_LIST_SEGMENTS", json!({"include_count": true}))
        .await;
    let first = segments["segments"][0].clone();
    assert!(first["count"].is_u64(), "{segments}");
    let one = env
        .call(
            "intercom_retrieve_segment",
            json!({"segment_id": first["id"]}),
        )
        .await;
    assert_eq!(one["name"], first["name"]);

    let tags = env.call("intercom_list_tags", json!({})).await;
    let tag = tags["data"][0].clone();
    let one = env
        .call("intercom_retrieve_tag", json!({"tag_id": tag["id"]}))
        .await;
    assert_eq!(one["name"], tag["name"]);
    env.stop().await;
}

#[tokio::test]
async fn counts_match_the_demo_data_with_one_call_each() {
    let env = start().await;
    env.clear_log().await;
    let counts = env.call("INTERCOM_GET_COUNTS", json!({})).await;
    let log = env.log().await;
    assert_eq!(
        log,
        [
            "GET /conversations",
            "GET /contacts",
            "POST /companies/list",
            "GET /tags",
            "GET /segments"
        ]
    );
    assert_eq!(counts["api_calls"], 5);

    let count_of = |ty: &str| -> u64 {
        counts["counts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == ty)
            .unwrap()["count"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(count_of("conversation"), 40);
    assert_eq!(count_of("contact"), 30);
    let companies = env
        .all(
            Request::post("/companies/list", json!({}))
                .query("per_page", "50")
                .idempotent(),
            PageStyle::page_number("data"),
        )
        .await;
    assert_eq!(count_of("company"), companies.len() as u64);
    let tags = env.client.json(&Request::get("/tags")).await.unwrap();
    assert_eq!(
        count_of("tag"),
        tags["data"].as_array().unwrap().len() as u64
    );
    let segments = env.client.json(&Request::get("/segments")).await.unwrap();
    assert_eq!(
        count_of("segment"),
        segments["segments"].as_array().unwrap().len() as u64
    );
    assert!(
        counts["counts"][0]["how"]
            .as_str()
            .unwrap()
            .contains("total_count")
    );

    // By state: the three states add up to the total, and each matches a full walk.
    let by_state = env
        .call(
            "intercom_get_counts",
            json!({"type": "conversation", "count": "state"}),
        )
        .await;
    let states = by_state["counts"].as_array().unwrap();
    assert_eq!(states.len(), 3);
    assert_eq!(
        states
            .iter()
            .map(|c| c["count"].as_u64().unwrap())
            .sum::<u64>(),
        40
    );
    let all = env
        .all(
            Request::get("/conversations").query("per_page", "50"),
            PageStyle::cursor_query("conversations"),
        )
        .await;
    for entry in states {
        let expected = all.iter().filter(|c| c["state"] == entry["state"]).count() as u64;
        assert_eq!(entry["count"].as_u64(), Some(expected), "{entry}");
    }

    // By role: users and leads add up to the contacts.
    let by_role = env
        .call(
            "intercom_get_counts",
            json!({"type": "contact", "count": "role"}),
        )
        .await;
    let roles: u64 = by_role["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!(roles, 30);
    let users = env
        .call("intercom_get_counts", json!({"type": "user"}))
        .await;
    assert_eq!(users["counts"][0]["count"], by_role["counts"][0]["count"]);
    env.stop().await;
}

#[tokio::test]
async fn invalid_input_sends_nothing() {
    let env = start().await;
    env.clear_log().await;
    let err = env
        .call_err(
            "intercom_manage_conversation",
            json!({"conversation_id": "1", "message_type": "close"}),
        )
        .await;
    assert!(err.is_usage());
    assert!(err.to_string().contains("`admin_id` is required"), "{err}");
    let err = env.call_err("intercom_get_countz", json!({})).await;
    assert!(matches!(err, ToolError::UnknownTool { .. }));
    assert!(env.log().await.is_empty());
    env.stop().await;
}
