//! Tickets, ticket types and ticket states: the demo data, the life of a ticket, search and
//! its pages, and the errors.

use std::collections::HashSet;

use intercom_sandbox::SandboxConfig;
use serde_json::{Value, json};

use crate::support::{Api, assert_error};

/// FNV-1a over the bytes: enough to notice any change to a response.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Responses of seed 42 as they were before tickets existed: (path, FNV-1a, length).
const BEFORE_TICKETS: &[(&str, u64, usize)] = &[
    ("/contacts?per_page=150", 0x13d2a0f962e865b4, 102677),
    ("/conversations?per_page=150", 0xfc53a24b8e80481f, 182912),
    ("/companies?per_page=60", 0x0b51708186bdb6d8, 4798),
    // Since issue 8, admins carry `avatar` as the object `/me` gives.
    // Changed by issue 8: `avatar` is the /me object, and keys follow the version's rendering.
    ("/admins", 0x4ca795369010dc65, 2102),
    ("/teams", 0xc3cca9cb34659787, 463),
    ("/tags", 0xde3d9e4fae15983a, 413),
    // Changed by the fix of issue 8: the leads segment's person_type is "contact", not "lead".
    ("/segments", 0x3511bd1f6cac2555, 459),
    ("/me", 0x9ac5c353de47b6f1, 523),
    ("/conversations/1001", 0xebc8c2293b0927aa, 1891),
    ("/conversations/1077", 0xe71ff6938b96965e, 2293),
];

#[tokio::test]
async fn demo_tickets_leave_the_rest_of_seed_42_byte_identical() {
    let api = Api::new();
    for (path, hash, len) in BEFORE_TICKETS {
        let resp = api.get(path).await;
        assert_eq!(resp.status, 200, "{path}");
        assert_eq!(
            (fnv1a(&resp.text), resp.text.len()),
            (*hash, *len),
            "{path} changed"
        );
    }
}

/// Every ticket, by a search that matches all of them.
async fn all_tickets(api: &Api) -> Vec<Value> {
    let page = api
        .ok(
            "POST",
            "/tickets/search",
            Some(json!({
                "query": {"field": "created_at", "operator": ">", "value": 0},
                "pagination": {"per_page": 150},
            })),
        )
        .await;
    assert_eq!(page["type"], "ticket.list");
    page["tickets"].as_array().unwrap().clone()
}

async fn search(api: &Api, query: Value) -> Value {
    api.ok(
        "POST",
        "/tickets/search",
        Some(json!({"query": query, "pagination": {"per_page": 150}})),
    )
    .await
}

fn ids(list: &Value) -> Vec<String> {
    list["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn ticket_type_named(api: &Api, name: &str) -> Value {
    let types = api.ok("GET", "/ticket_types", None).await;
    types["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no ticket type {name}: {types}"))
        .clone()
}

fn attribute_id(ticket_type: &Value, name: &str) -> String {
    ticket_type["ticket_type_attributes"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn first_contact(api: &Api) -> Value {
    api.ok("GET", "/contacts?per_page=1", None).await["data"][0].clone()
}

#[tokio::test]
async fn demo_workspace_has_ticket_types_states_and_tickets_in_every_state() {
    let api = Api::new();
    let me = api.ok("GET", "/me", None).await;
    assert_eq!(me["app"]["timezone"], "Europe/Dublin");

    let types = api.ok("GET", "/ticket_types", None).await;
    assert_eq!(types["type"], "list");
    let names: Vec<&str> = types["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Bug report", "Refund request", "Access request"]);
    for t in types["data"].as_array().unwrap() {
        let attrs: Vec<&str> = t["ticket_type_attributes"]["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap())
            .collect();
        assert_eq!(attrs[..2], ["_default_title_", "_default_description_"]);
        let categories: HashSet<&str> = t["ticket_states"]["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["category"].as_str().unwrap())
            .collect();
        assert_eq!(categories.len(), 4, "{} offers every category", t["name"]);
        assert_eq!(
            api.ok(
                "GET",
                &format!("/ticket_types/{}", t["id"].as_str().unwrap()),
                None
            )
            .await,
            *t
        );
    }

    let states = api.ok("GET", "/ticket_states", None).await;
    let states = states["data"].as_array().unwrap();
    assert_eq!(states.len(), 6);
    let engineering = states
        .iter()
        .find(|s| s["internal_label"] == "With engineering")
        .unwrap();
    assert_eq!(engineering["category"], "in_progress");
    let users: Vec<&str> = engineering["ticket_types"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["Bug report"]);
    let submitted = states
        .iter()
        .find(|s| s["category"] == "submitted")
        .unwrap();
    assert_eq!(
        submitted["ticket_types"]["data"].as_array().unwrap().len(),
        3
    );

    let tickets = all_tickets(&api).await;
    assert_eq!(tickets.len(), 30);
    for category in [
        "submitted",
        "in_progress",
        "waiting_on_customer",
        "resolved",
    ] {
        assert!(
            tickets
                .iter()
                .any(|t| t["ticket_state"]["category"] == category),
            "some ticket is {category}"
        );
    }
    assert!(tickets.iter().any(|t| t["admin_assignee_id"] != "0"));
    assert!(tickets.iter().any(|t| t["admin_assignee_id"] == "0"));
    assert!(
        tickets
            .iter()
            .any(|t| t["category"] == "Back-office" && t["is_shared"] == false)
    );
    for t in &tickets {
        assert_eq!(
            t["open"],
            t["ticket_state"]["category"] != "resolved",
            "{t}"
        );
        let parts = t["ticket_parts"]["ticket_parts"].as_array().unwrap();
        assert!(!parts.is_empty());
        assert_eq!(t["ticket_parts"]["total_count"], parts.len());
        assert_eq!(parts[0]["part_type"], "ticket_state_updated_by_admin");
        assert!(t["ticket_attributes"]["_default_title_"].is_string());
        let times: Vec<i64> = parts
            .iter()
            .map(|p| p["created_at"].as_i64().unwrap())
            .collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "parts in time order"
        );
        assert_eq!(t["updated_at"], *times.last().unwrap());
        let contact = t["contacts"]["contacts"][0]["id"].as_str().unwrap();
        api.ok("GET", &format!("/contacts/{contact}"), None).await;
    }
    let numbers: Vec<&str> = tickets
        .iter()
        .map(|t| t["ticket_id"].as_str().unwrap())
        .collect();
    assert_eq!(numbers[0], "1");
    assert_eq!(numbers[29], "30");
    let with_engineering = tickets
        .iter()
        .filter(|t| t["ticket_state"]["internal_label"] == "With engineering")
        .count();
    assert!(with_engineering > 0);
}

#[tokio::test]
async fn demo_tickets_are_deterministic_and_scale_with_the_flags() {
    let a = Api::with(SandboxConfig::default().seed(7));
    let b = Api::with(SandboxConfig::default().seed(7));
    let c = Api::with(SandboxConfig::default().seed(8));
    let body = json!({"query": {"field": "id", "operator": "!=", "value": "x"}, "pagination": {"per_page": 150}});
    let ta = a.post("/tickets/search", body.clone()).await.text;
    assert_eq!(ta, b.post("/tickets/search", body.clone()).await.text);
    assert_ne!(ta, c.post("/tickets/search", body.clone()).await.text);
    assert_eq!(
        a.get("/ticket_types").await.text,
        b.get("/ticket_types").await.text
    );

    let none = Api::with(SandboxConfig::default().contacts(0).conversations(0));
    assert_eq!(all_tickets(&none).await.len(), 0);
    assert_eq!(
        none.ok("GET", "/ticket_types", None).await["data"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let many = Api::with(
        SandboxConfig::default()
            .contacts(20)
            .conversations(5)
            .tickets(200),
    );
    let page = many
        .ok(
            "POST",
            "/tickets/search",
            Some(json!({"query": {"field": "open", "operator": "IN", "value": [true, false]}})),
        )
        .await;
    assert_eq!(page["total_count"], 200);
    assert_eq!(page["pages"]["total_pages"], 10);
}

#[tokio::test]
async fn ticket_life_create_retrieve_update_search_reply_tag() {
    let api = Api::new();
    let bug = ticket_type_named(&api, "Bug report").await;
    let bug_id = bug["id"].as_str().unwrap();
    let contact = first_contact(&api).await;
    let contact_id = contact["id"].as_str().unwrap();

    let created = api
        .ok(
            "POST",
            "/tickets",
            Some(json!({
                "ticket_type_id": bug_id,
                "contacts": [{"id": contact_id}],
                "ticket_attributes": {
                    "_default_title_": "Kaleidoscope export is blank",
                    "_default_description_": "The export button produces an empty file.",
                    "Severity": "High",
                    "Reproducible": true,
                },
            })),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["type"], "ticket");
    assert_eq!(
        created["ticket_id"], "31",
        "numbers follow the 30 demo tickets"
    );
    assert!(id.parse::<u64>().is_ok(), "ids are numeric strings");
    assert_eq!(created["category"], "Customer");
    assert_eq!(created["is_shared"], true);
    assert_eq!(created["open"], true);
    assert_eq!(created["ticket_state"]["category"], "submitted");
    assert_eq!(created["ticket_type"]["id"], bug_id);
    assert!(created["ticket_type"].get("ticket_states").is_none());
    assert_eq!(created["contacts"]["contacts"][0]["id"], contact_id);
    assert_eq!(created["admin_assignee_id"], "0");
    assert_eq!(created["ticket_attributes"]["Severity"], "High");
    assert_eq!(created["ticket_attributes"]["Reproducible"], true);
    assert_eq!(created["ticket_parts"]["total_count"], 1);
    assert_eq!(
        api.ok("GET", &format!("/tickets/{id}"), None).await,
        created
    );

    // Move it along: a state of the type by id, then by category, then assign it.
    let with_engineering = bug["ticket_states"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["internal_label"] == "With engineering")
        .unwrap()["id"]
        .clone();
    let admin = api.me();
    let updated = api
        .ok(
            "PUT",
            &format!("/tickets/{id}"),
            Some(json!({"ticket_state_id": with_engineering, "admin_id": admin.parse::<i64>().unwrap(), "assignee_id": admin})),
        )
        .await;
    assert_eq!(
        updated["ticket_state"]["internal_label"],
        "With engineering"
    );
    assert_eq!(updated["ticket_state"]["category"], "in_progress");
    assert_eq!(updated["admin_assignee_id"], admin.as_str());
    let parts = updated["ticket_parts"]["ticket_parts"].as_array().unwrap();
    let kinds: Vec<&str> = parts
        .iter()
        .map(|p| p["part_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "ticket_state_updated_by_admin",
            "ticket_state_updated_by_admin",
            "assignment"
        ]
    );
    assert_eq!(parts[1]["previous_ticket_state"], "submitted");
    assert_eq!(parts[1]["ticket_state"], "in_progress");
    assert_eq!(parts[1]["author"]["id"], admin.as_str());
    assert_eq!(
        parts[2]["assigned_to"],
        json!({"type": "admin", "id": admin})
    );

    let waiting = api
        .ok("PUT", &format!("/tickets/{id}"), Some(json!({"state": "waiting_on_customer", "ticket_attributes": {"Affected area": "Exports"}})))
        .await;
    assert_eq!(waiting["ticket_state"]["category"], "waiting_on_customer");
    assert_eq!(waiting["ticket_state"]["external_label"], "Waiting on you");
    assert_eq!(waiting["ticket_attributes"]["Affected area"], "Exports");
    let last = waiting["ticket_parts"]["ticket_parts"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["part_type"], "ticket_state_updated_by_admin");

    // Search by state, contact, creation time, title and typed ticket attribute.
    let waiting_ids = ids(&search(
        &api,
        json!({"field": "state", "operator": "=", "value": "waiting_on_customer"}),
    )
    .await);
    assert!(waiting_ids.contains(&id));
    let submitted_ids = ids(&search(
        &api,
        json!({"field": "state", "operator": "=", "value": "submitted"}),
    )
    .await);
    assert!(!submitted_ids.contains(&id));
    let by_contact = search(
        &api,
        json!({"field": "contact_ids", "operator": "=", "value": contact_id}),
    )
    .await;
    assert!(ids(&by_contact).contains(&id));
    assert!(
        by_contact["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["contacts"]["contacts"][0]["id"] == contact_id)
    );
    let created_at = created["created_at"].as_i64().unwrap();
    let recent = search(
        &api,
        json!({"operator": "AND", "value": [
            {"field": "created_at", "operator": ">=", "value": created_at},
            {"field": "open", "operator": "=", "value": true},
        ]}),
    )
    .await;
    assert_eq!(
        ids(&recent),
        [id.as_str()],
        "demo tickets are older than a new one"
    );
    let by_title = search(
        &api,
        json!({"field": "title", "operator": "~", "value": "kaleidoscope"}),
    )
    .await;
    assert_eq!(ids(&by_title), [id.as_str()]);
    let severity = attribute_id(&bug, "Severity");
    let high = search(
        &api,
        json!({"operator": "AND", "value": [
            {"field": format!("ticket_attribute.{severity}"), "operator": "=", "value": "High"},
            {"field": "ticket_type_id", "operator": "=", "value": bug_id},
        ]}),
    )
    .await;
    assert!(ids(&high).contains(&id));
    assert!(
        high["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["ticket_attributes"]["Severity"] == "High")
    );

    // Replies: an admin comment and note, and the customer's answer.
    let comment = api
        .ok(
            "POST",
            &format!("/tickets/{id}/reply"),
            Some(json!({"type": "admin", "message_type": "comment", "admin_id": admin, "body": "Could you send a screenshot?"})),
        )
        .await;
    assert_eq!(comment["type"], "ticket_part");
    assert_eq!(comment["part_type"], "comment");
    assert_eq!(comment["body"], "<p>Could you send a screenshot?</p>");
    assert_eq!(comment["author"]["type"], "admin");
    let answer = api
        .ok(
            "POST",
            &format!("/tickets/{id}/reply"),
            Some(json!({"type": "user", "message_type": "comment", "intercom_user_id": contact_id, "body": "Attached!"})),
        )
        .await;
    assert_eq!(answer["author"]["type"], "user");
    assert_eq!(answer["author"]["id"], contact_id);
    let note = api
        .ok(
            "POST",
            &format!("/tickets/{id}/reply"),
            Some(json!({"type": "admin", "message_type": "note", "admin_id": admin, "body": "<b>Repro confirmed</b>"})),
        )
        .await;
    assert_eq!(note["body"], "<b>Repro confirmed</b>");
    let after = api.ok("GET", &format!("/tickets/{id}"), None).await;
    let parts = after["ticket_parts"]["ticket_parts"].as_array().unwrap();
    assert_eq!(&parts[parts.len() - 3..], &[comment, answer, note]);
    assert_eq!(after["ticket_parts"]["total_count"], parts.len());

    // Tags.
    let tags = api.ok("GET", "/tags", None).await;
    let bug_tag = tags["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Bug")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let tagged = api
        .ok(
            "POST",
            &format!("/tickets/{id}/tags"),
            Some(json!({"id": bug_tag, "admin_id": admin})),
        )
        .await;
    assert_eq!(tagged["type"], "tag");
    assert_eq!(tagged["name"], "Bug");
    assert_eq!(tagged["applied_by"]["id"], admin.as_str());
    let untagged = api
        .call(
            "DELETE",
            &format!("/tickets/{id}/tags/{bug_tag}"),
            Some(json!({"admin_id": admin})),
        )
        .await;
    assert_eq!(untagged.status, 200, "{}", untagged.text);
    assert_eq!(untagged.body["id"], bug_tag.as_str());
    let again = api
        .call(
            "DELETE",
            &format!("/tickets/{id}/tags/{bug_tag}"),
            Some(json!({"admin_id": admin})),
        )
        .await;
    assert_error(&again, 404, "tag_not_found");

    // Resolving closes it; search by state sees it.
    let resolved = api
        .ok(
            "PUT",
            &format!("/tickets/{id}"),
            Some(json!({"state": "resolved"})),
        )
        .await;
    assert_eq!(resolved["open"], false);
    assert_eq!(resolved["ticket_state"]["internal_label"], "Resolved");
    let resolved_ids = ids(&search(
        &api,
        json!({"field": "state", "operator": "=", "value": "resolved"}),
    )
    .await);
    assert!(resolved_ids.contains(&id));

    // Deleting.
    let deleted = api.ok("DELETE", &format!("/tickets/{id}"), None).await;
    assert_eq!(
        deleted,
        json!({"id": id, "object": "ticket", "deleted": true})
    );
    assert_error(
        &api.get(&format!("/tickets/{id}")).await,
        404,
        "ticket_not_found",
    );
}

#[tokio::test]
async fn contacts_can_be_named_by_external_id_or_email_and_assignment_and_company_apply() {
    let api = Api::new();
    let refund = ticket_type_named(&api, "Refund request").await;
    let contacts = api.ok("GET", "/contacts?per_page=150", None).await;
    let user = contacts["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["external_id"].is_string() && c["companies"]["total_count"] == 1)
        .unwrap()
        .clone();
    let company = user["companies"]["data"][0]["id"].as_str().unwrap();
    let teams = api.ok("GET", "/teams", None).await;
    let team = teams["teams"][0]["id"].as_str().unwrap().to_owned();
    let by_external = api
        .ok(
            "POST",
            "/tickets",
            Some(json!({
                "ticket_type_id": refund["id"],
                "contacts": [{"external_id": user["external_id"]}],
                "ticket_attributes": {"_default_title_": "Refund", "Order reference": "INV-9", "Amount": 12.5, "Reason": "Other"},
                "company_id": company,
                "assignment": {"team_assignee_id": team},
                "created_at": 1_700_000_000,
            })),
        )
        .await;
    assert_eq!(by_external["contacts"]["contacts"][0]["id"], user["id"]);
    assert_eq!(by_external["team_assignee_id"], team.as_str());
    assert_eq!(by_external["admin_assignee_id"], "0");
    assert_eq!(by_external["created_at"], 1_700_000_000);
    assert_eq!(by_external["ticket_attributes"]["Amount"], 12.5);

    let by_email = api
        .ok(
            "POST",
            "/tickets",
            Some(json!({
                "ticket_type_id": refund["id"],
                "contacts": [{"email": "brand.new@example.org"}],
                "ticket_attributes": {"_default_title_": "Refund", "Order reference": "INV-10"},
            })),
        )
        .await;
    let new_contact = by_email["contacts"]["contacts"][0]["id"].as_str().unwrap();
    let contact = api
        .ok("GET", &format!("/contacts/{new_contact}"), None)
        .await;
    assert_eq!(contact["email"], "brand.new@example.org");

    // Unassigning sets both assignees back to "0"; a team id assigns the team.
    let id = by_external["id"].as_str().unwrap();
    let unassigned = api
        .ok(
            "PUT",
            &format!("/tickets/{id}"),
            Some(json!({"assignee_id": "0"})),
        )
        .await;
    assert_eq!(unassigned["team_assignee_id"], "0");
    let legacy = api
        .ok(
            "PUT",
            &format!("/tickets/{id}"),
            Some(json!({"assignment": {"admin_id": api.me(), "assignee_id": team}})),
        )
        .await;
    assert_eq!(legacy["team_assignee_id"], team.as_str());
    let snoozed_until = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + 86_400;
    let snoozed = api
        .ok(
            "PUT",
            &format!("/tickets/{id}"),
            Some(json!({"snoozed_until": snoozed_until, "is_shared": false})),
        )
        .await;
    assert_eq!(snoozed["snoozed_until"], snoozed_until);
    assert_eq!(snoozed["is_shared"], false);
    let closed = api
        .ok(
            "PUT",
            &format!("/tickets/{id}"),
            Some(json!({"open": false})),
        )
        .await;
    assert_eq!(closed["open"], false);
    assert_eq!(closed["snoozed_until"], Value::Null);
    assert_eq!(
        closed["ticket_state"]["category"], "submitted",
        "closing keeps the state"
    );
}

#[tokio::test]
async fn ticket_search_pages_cover_every_match_once() {
    let api = Api::new();
    let query = json!({"field": "state", "operator": "!=", "value": "resolved"});
    let all = search(&api, query.clone()).await;
    let expected = ids(&all);
    let total = all["total_count"].as_u64().unwrap() as usize;
    assert_eq!(expected.len(), total);
    assert!(total > 7, "enough tickets for several pages: {total}");
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut page_number = 1;
    loop {
        let mut pagination = json!({"per_page": 7});
        if let Some(c) = &cursor {
            pagination["starting_after"] = json!(c);
        }
        let page = api
            .ok(
                "POST",
                "/tickets/search",
                Some(json!({"query": query, "pagination": pagination})),
            )
            .await;
        assert_eq!(page["pages"]["page"], page_number);
        assert_eq!(page["pages"]["per_page"], 7);
        assert_eq!(page["pages"]["total_pages"], total.div_ceil(7));
        assert_eq!(page["total_count"], total);
        seen.extend(ids(&page));
        match page["pages"]["next"]["starting_after"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        page_number += 1;
    }
    assert_eq!(
        seen, expected,
        "pages concatenate to the full result in order"
    );
}

#[tokio::test]
async fn ticket_types_and_attributes_are_managed_and_tickets_follow() {
    let api = Api::new();
    let created = api
        .ok(
            "POST",
            "/ticket_types",
            Some(json!({"name": "Feature idea", "description": "Ideas from customers", "category": "Tracker"})),
        )
        .await;
    let type_id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["type"], "ticket_type");
    assert_eq!(created["icon"], "\u{1F39F}\u{FE0F}");
    assert_eq!(created["archived"], false);
    let attrs = created["ticket_type_attributes"]["data"]
        .as_array()
        .unwrap();
    assert_eq!(attrs.len(), 2);
    assert_eq!(attrs[0]["name"], "_default_title_");
    assert_eq!(attrs[0]["default"], true);
    assert_eq!(attrs[1]["input_options"], json!({"multiline": true}));
    assert_eq!(attrs[0]["ticket_type_id"], type_id.parse::<i64>().unwrap());
    let labels: Vec<&str> = created["ticket_states"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["internal_label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "Submitted",
            "In progress",
            "Waiting on customer",
            "Resolved"
        ]
    );

    let impact = api
        .ok(
            "POST",
            &format!("/ticket_types/{type_id}/attributes"),
            Some(json!({"name": "Impact", "description": "How many customers want it", "data_type": "list", "list_items": "Few,Some,Many", "required_to_create": true})),
        )
        .await;
    assert_eq!(impact["type"], "ticket_type_attribute");
    assert_eq!(impact["order"], 2);
    assert_eq!(
        impact["input_options"]["list_options"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let impact_id = impact["id"].as_str().unwrap().to_owned();

    let contact = first_contact(&api).await;
    let missing = api
        .post(
            "/tickets",
            json!({"ticket_type_id": type_id, "contacts": [{"id": contact["id"]}]}),
        )
        .await;
    assert_error(&missing, 400, "parameter_not_found");
    assert_eq!(
        missing.body["errors"][0]["field"],
        "ticket_attributes.Impact"
    );
    let ticket = api
        .ok(
            "POST",
            "/tickets",
            Some(json!({"ticket_type_id": type_id, "contacts": [{"id": contact["id"]}], "ticket_attributes": {"Impact": "Many"}})),
        )
        .await;
    assert_eq!(ticket["category"], "Tracker");
    assert_eq!(ticket["is_shared"], false);
    let ticket_id = ticket["id"].as_str().unwrap();

    // Renaming an attribute moves ticket values; renaming the type shows in its tickets.
    let renamed = api
        .ok(
            "PUT",
            &format!("/ticket_types/{type_id}/attributes/{impact_id}"),
            Some(json!({"name": "Reach", "list_items": "Few,Many,All"})),
        )
        .await;
    assert_eq!(renamed["name"], "Reach");
    let options = renamed["input_options"]["list_options"].as_array().unwrap();
    let archived: Vec<&str> = options
        .iter()
        .filter(|o| o["archived"] == true)
        .map(|o| o["label"].as_str().unwrap())
        .collect();
    assert_eq!(archived, ["Some"]);
    api.ok(
        "PUT",
        &format!("/ticket_types/{type_id}"),
        Some(json!({"name": "Feature request idea"})),
    )
    .await;
    let ticket = api.ok("GET", &format!("/tickets/{ticket_id}"), None).await;
    assert_eq!(ticket["ticket_attributes"]["Reach"], "Many");
    assert!(ticket["ticket_attributes"].get("Impact").is_none());
    assert_eq!(ticket["ticket_type"]["name"], "Feature request idea");
    assert_eq!(
        ticket["ticket_type"]["ticket_type_attributes"]["data"][2]["name"],
        "Reach"
    );

    let duplicate = api
        .post("/ticket_types", json!({"name": "bug REPORT"}))
        .await;
    assert_error(&duplicate, 400, "parameter_invalid");
    assert_eq!(duplicate.body["errors"][0]["field"], "name");
    let builtin = attribute_id(&created, "_default_title_");
    let rename_builtin = api
        .put(
            &format!("/ticket_types/{type_id}/attributes/{builtin}"),
            json!({"name": "Title"}),
        )
        .await;
    assert_error(&rename_builtin, 400, "parameter_invalid");
    let bad_type = api
        .post(
            &format!("/ticket_types/{type_id}/attributes"),
            json!({"name": "X", "description": "x", "data_type": "colour"}),
        )
        .await;
    assert_error(&bad_type, 400, "parameter_invalid");
    assert_eq!(bad_type.body["errors"][0]["field"], "data_type");
    let no_items = api
        .post(
            &format!("/ticket_types/{type_id}/attributes"),
            json!({"name": "X", "description": "x", "data_type": "list"}),
        )
        .await;
    assert_error(&no_items, 400, "parameter_not_found");
    assert_error(
        &api.get("/ticket_types/999999").await,
        404,
        "ticket_type_not_found",
    );

    // Archiving a type stops new tickets of it.
    api.ok(
        "PUT",
        &format!("/ticket_types/{type_id}"),
        Some(json!({"archived": true})),
    )
    .await;
    let archived = api
        .post("/tickets", json!({"ticket_type_id": type_id, "contacts": [{"id": contact["id"]}], "ticket_attributes": {"Reach": "All"}}))
        .await;
    assert_error(&archived, 400, "parameter_invalid");
    assert_eq!(archived.body["errors"][0]["field"], "ticket_type_id");
}

#[tokio::test]
async fn conversations_convert_to_tickets() {
    let api = Api::new();
    let bug = ticket_type_named(&api, "Bug report").await;
    let access = ticket_type_named(&api, "Access request").await;
    let conversation = api.ok("GET", "/conversations/1001", None).await;
    let back_office = api
        .post(
            "/conversations/1001/convert",
            json!({"ticket_type_id": access["id"]}),
        )
        .await;
    assert_error(&back_office, 400, "parameter_invalid");
    let ticket = api
        .ok(
            "POST",
            "/conversations/1001/convert",
            Some(json!({"ticket_type_id": bug["id"], "attributes": {"Severity": "Low"}})),
        )
        .await;
    assert_eq!(
        ticket["contacts"]["contacts"],
        conversation["contacts"]["contacts"]
    );
    assert_eq!(
        ticket["ticket_attributes"]["_default_title_"],
        conversation["title"]
    );
    assert_eq!(ticket["created_at"], conversation["created_at"]);
    let parts = ticket["ticket_parts"]["ticket_parts"].as_array().unwrap();
    assert_eq!(parts[0]["part_type"], "comment");
    assert_eq!(parts[0]["body"], conversation["source"]["body"]);
    assert_eq!(parts[1]["part_type"], "ticket_state_updated_by_admin");
    let converted = api.ok("GET", "/conversations/1001", None).await;
    assert_eq!(converted["ticket"]["id"], ticket["id"]);
    let twice = api
        .post(
            "/conversations/1001/convert",
            json!({"ticket_type_id": bug["id"], "attributes": {"Severity": "Low"}}),
        )
        .await;
    assert_error(&twice, 400, "parameter_invalid");
    let required = api
        .post(
            "/conversations/1002/convert",
            json!({"ticket_type_id": bug["id"]}),
        )
        .await;
    assert_error(&required, 400, "parameter_not_found");
    assert_eq!(required.body["errors"][0]["field"], "attributes.Severity");
    assert_error(
        &api.post(
            "/conversations/999999/convert",
            json!({"ticket_type_id": bug["id"]}),
        )
        .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn ticket_errors_name_the_field() {
    let api = Api::new();
    let bug = ticket_type_named(&api, "Bug report").await;
    let refund = ticket_type_named(&api, "Refund request").await;
    let contact = first_contact(&api).await;
    let good = json!({"_default_title_": "t", "Severity": "Low"});
    for (body, status, code, field) in [
        (
            json!({"contacts": [{"id": contact["id"]}]}),
            400,
            "parameter_not_found",
            "ticket_type_id",
        ),
        (
            json!({"ticket_type_id": bug["id"]}),
            400,
            "parameter_not_found",
            "contacts",
        ),
        (
            json!({"ticket_type_id": "424242", "contacts": [{"id": contact["id"]}]}),
            404,
            "ticket_type_not_found",
            "ticket_type_id",
        ),
        (
            json!({"ticket_type_id": bug["id"], "contacts": [{"id": "nobody"}], "ticket_attributes": good}),
            404,
            "not_found",
            "contacts[0].id",
        ),
        (
            json!({"ticket_type_id": bug["id"], "contacts": [{"external_id": "nobody"}], "ticket_attributes": good}),
            404,
            "not_found",
            "contacts[0].external_id",
        ),
        (
            json!({"ticket_type_id": bug["id"], "contacts": [{"phone": "1"}], "ticket_attributes": good}),
            400,
            "parameter_not_found",
            "contacts[0]",
        ),
        (
            json!({"ticket_type_id": bug["id"], "contacts": [], "ticket_attributes": good}),
            400,
            "parameter_invalid",
            "contacts",
        ),
        (
            json!({"ticket_type_id": bug["id"], "contacts": [{"id": contact["id"]}], "ticket_attributes": {"_default_title_": "t"}}),
            400,
            "parameter_not_found",
            "ticket_attributes.Severity",
        ),
        (
            json!({"ticket_type_id": bug["id"], "contacts": [{"id": contact["id"]}], "ticket_attributes": {"_default_title_": "t", "Severity": "Apocalyptic"}}),
            400,
            "parameter_invalid",
            "ticket_attributes.Severity",
        ),
        (
            json!({"ticket_type_id": bug["id"], "contacts": [{"id": contact["id"]}], "ticket_attributes": {"_default_title_": "t", "Severity": "Low", "Reproducible": "yes"}}),
            400,
            "parameter_invalid",
            "ticket_attributes.Reproducible",
        ),
        (
            json!({"ticket_type_id": bug["id"], "contacts": [{"id": contact["id"]}], "ticket_attributes": {"_default_title_": "t", "Severity": "Low", "Colour": "red"}}),
            400,
            "parameter_invalid",
            "ticket_attributes.Colour",
        ),
        (
            json!({"ticket_type_id": bug["id"], "contacts": [{"id": contact["id"]}], "ticket_attributes": {"Severity": "Low"}}),
            400,
            "parameter_not_found",
            "ticket_attributes._default_title_",
        ),
        (
            json!({"ticket_type_id": refund["id"], "contacts": [{"id": contact["id"]}], "ticket_attributes": {"_default_title_": "t"}}),
            400,
            "parameter_not_found",
            "ticket_attributes.Order reference",
        ),
        (
            json!({"ticket_type_id": bug["id"], "contacts": [{"id": contact["id"]}], "ticket_attributes": good, "company_id": "nope"}),
            404,
            "company_not_found",
            "company_id",
        ),
        (
            json!({"ticket_type_id": bug["id"], "contacts": [{"id": contact["id"]}], "ticket_attributes": good, "assignment": {"admin_assignee_id": "1"}}),
            404,
            "assignee_not_found",
            "assignment.admin_assignee_id",
        ),
        (
            json!({"ticket_type_id": bug["id"], "contacts": [{"id": contact["id"]}], "ticket_attributes": good, "priority": "high"}),
            400,
            "parameter_invalid",
            "priority",
        ),
    ] {
        let resp = api.post("/tickets", body.clone()).await;
        assert_error(&resp, status, code);
        assert_eq!(
            resp.body["errors"][0]["field"], field,
            "{body}: {}",
            resp.text
        );
    }

    let ticket = all_tickets(&api)
        .await
        .into_iter()
        .find(|t| t["ticket_type"]["id"] == bug["id"])
        .unwrap();
    let id = ticket["id"].as_str().unwrap();
    let refund_only = refund["ticket_states"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["internal_label"] == "Refund issued")
        .unwrap()["id"]
        .clone();
    for (body, status, code, field) in [
        (
            json!({"state": "closed"}),
            400,
            "parameter_invalid",
            "state",
        ),
        (
            json!({"ticket_state_id": refund_only}),
            400,
            "ticket_state_id_invalid",
            "ticket_state_id",
        ),
        (
            json!({"ticket_state_id": "1", "state": "resolved"}),
            400,
            "parameter_invalid",
            "state",
        ),
        (
            json!({"assignee_id": "123"}),
            404,
            "assignee_not_found",
            "assignee_id",
        ),
        (json!({"admin_id": 1}), 404, "admin_not_found", "admin_id"),
        (
            json!({"snoozed_until": 1}),
            400,
            "parameter_invalid",
            "snoozed_until",
        ),
        (json!({"open": "no"}), 400, "parameter_invalid", "open"),
        (
            json!({"ticket_attributes": {"Severity": 3}}),
            400,
            "parameter_invalid",
            "ticket_attributes.Severity",
        ),
        (json!({"title": "x"}), 400, "parameter_invalid", "title"),
    ] {
        let resp = api.put(&format!("/tickets/{id}"), body.clone()).await;
        assert_error(&resp, status, code);
        assert_eq!(
            resp.body["errors"][0]["field"], field,
            "{body}: {}",
            resp.text
        );
    }
    // A failed update changes nothing.
    assert_eq!(api.ok("GET", &format!("/tickets/{id}"), None).await, ticket);

    let back_office = all_tickets(&api)
        .await
        .into_iter()
        .find(|t| t["category"] == "Back-office")
        .unwrap();
    let bo_id = back_office["id"].as_str().unwrap();
    let user_reply = api
        .post(&format!("/tickets/{bo_id}/reply"), json!({"type": "user", "message_type": "comment", "intercom_user_id": contact["id"], "body": "hi"}))
        .await;
    assert_error(&user_reply, 400, "parameter_mismatch");
    for (body, status, code, field) in [
        (
            json!({"message_type": "comment", "body": "x"}),
            400,
            "parameter_not_found",
            "type",
        ),
        (
            json!({"type": "admin", "body": "x", "admin_id": api.me()}),
            400,
            "parameter_not_found",
            "message_type",
        ),
        (
            json!({"type": "admin", "message_type": "comment", "body": "x"}),
            400,
            "parameter_not_found",
            "admin_id",
        ),
        (
            json!({"type": "admin", "message_type": "comment", "admin_id": api.me()}),
            400,
            "parameter_not_found",
            "body",
        ),
        (
            json!({"type": "admin", "message_type": "quick_reply", "admin_id": api.me()}),
            400,
            "parameter_not_found",
            "reply_options",
        ),
        (
            json!({"type": "user", "body": "x"}),
            400,
            "parameter_not_found",
            "intercom_user_id",
        ),
        (
            json!({"type": "user", "body": "x", "email": "nobody@nowhere.example"}),
            404,
            "not_found",
            "email",
        ),
    ] {
        let resp = api
            .post(&format!("/tickets/{id}/reply"), body.clone())
            .await;
        assert_error(&resp, status, code);
        assert_eq!(
            resp.body["errors"][0]["field"], field,
            "{body}: {}",
            resp.text
        );
    }

    for (method, path) in [
        ("GET", "/tickets/1"),
        ("PUT", "/tickets/1"),
        ("DELETE", "/tickets/1"),
        ("POST", "/tickets/1/reply"),
    ] {
        let body = match method {
            "PUT" => Some(json!({})),
            "POST" => Some(
                json!({"type": "admin", "message_type": "note", "admin_id": api.me(), "body": "x"}),
            ),
            _ => None,
        };
        assert_error(&api.call(method, path, body).await, 404, "ticket_not_found");
    }
    let tag = api
        .post(
            &format!("/tickets/{id}/tags"),
            json!({"id": "999", "admin_id": api.me()}),
        )
        .await;
    assert_error(&tag, 404, "tag_not_found");
    let no_admin = api
        .post(&format!("/tickets/{id}/tags"), json!({"id": "7000001"}))
        .await;
    assert_error(&no_admin, 400, "parameter_not_found");
    assert_error(
        &api.post(
            "/tickets/1/tags",
            json!({"id": "7000001", "admin_id": api.me()}),
        )
        .await,
        404,
        "ticket_not_found",
    );
    let bad_search = api
        .post(
            "/tickets/search",
            json!({"query": {"field": "colour", "operator": "=", "value": "red"}}),
        )
        .await;
    assert_error(&bad_search, 400, bad_search.code());
    assert_eq!(bad_search.body["errors"][0]["field"], "query.field");
}
