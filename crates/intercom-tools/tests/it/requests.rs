use intercom_tools::Registry;
use serde_json::{Map, Value, json};

/// Sample arguments for every tool; a new tool without a sample fails `every_tool_has_a_sample`.
fn samples() -> Vec<(&'static str, Value)> {
    vec![
        ("intercom_list_admins", json!({"display_avatar": true})),
        ("intercom_identify_admin", json!({})),
        ("intercom_retrieve_admin", json!({"admin_id": "991267"})),
        ("intercom_list_teams", json!({})),
        ("intercom_retrieve_team", json!({"team_id": "814865"})),
        (
            "intercom_list_conversations",
            json!({"per_page": 5, "starting_after": "WzE3MTk0OTM3NTcuMCwzMywyXQ=="}),
        ),
        (
            "intercom_search_conversations",
            json!({"query": {"operator": "AND", "value": [{"field": "state", "operator": "=", "value": "open"}, {"field": "created_at", "operator": ">", "value": 1700000000}]}, "pagination": {"per_page": 10}}),
        ),
        (
            "intercom_retrieve_conversation",
            json!({"conversation_id": "147", "display_as": "plaintext"}),
        ),
        (
            "intercom_create_conversation",
            json!({"from": {"type": "user", "id": "6657aa1a6abd0167d9419d3b"}, "body": "My order has not arrived", "subject": "Order", "created_at": 1717000000}),
        ),
        (
            "intercom_reply_to_conversation",
            json!({"conversation_id": "147", "admin_id": "991267", "message_type": "note", "body": "Check stock <before> replying\n\nThanks"}),
        ),
        (
            "intercom_manage_conversation",
            json!({"conversation_id": "147", "admin_id": "991267", "message_type": "snoozed", "snoozed_until": 1800000000}),
        ),
        (
            "intercom_update_conversation",
            json!({"conversation_id": "147", "read": true, "custom_attributes": {"priority": "high"}}),
        ),
        (
            "intercom_search_contacts",
            json!({"query": {"field": "email", "operator": "=", "value": "ann@example.com"}}),
        ),
        (
            "intercom_retrieve_contact",
            json!({"contact_id": "6657aa1a6abd0167d9419d3b"}),
        ),
        (
            "intercom_find_contact_by_external_id",
            json!({"external_id": "cust-0042"}),
        ),
        ("intercom_list_contacts", json!({"per_page": 50})),
        ("intercom_list_contact_tags", json!({"contact_id": "c1"})),
        (
            "intercom_list_contact_segments",
            json!({"contact_id": "c1"}),
        ),
        (
            "intercom_list_contact_companies",
            json!({"contact_id": "c1"}),
        ),
        (
            "intercom_create_contact",
            json!({"role": "lead", "email": "new@example.com", "name": "New Lead", "custom_attributes": {"plan": "pro"}}),
        ),
        (
            "intercom_update_contact",
            json!({"contact_id": "c1", "name": "Renamed", "owner_id": 991267}),
        ),
        ("intercom_delete_contact", json!({"contact_id": "c1"})),
        (
            "intercom_attach_contact_to_company",
            json!({"contact_id": "c1", "id": "co1"}),
        ),
        (
            "intercom_detach_contact_from_company",
            json!({"contact_id": "c1", "company_id": "co1"}),
        ),
        (
            "intercom_attach_tag_to_contact",
            json!({"contact_id": "c1", "id": "t1"}),
        ),
        (
            "intercom_detach_tag_from_contact",
            json!({"contact_id": "c1", "tag_id": "t1"}),
        ),
        ("intercom_list_segments", json!({"include_count": true})),
        ("intercom_retrieve_segment", json!({"segment_id": "s1"})),
        (
            "intercom_list_company_segments",
            json!({"company_id": "co1"}),
        ),
        ("intercom_get_counts", json!({})),
        (
            "intercom_list_companies",
            json!({"page": 2, "per_page": 10}),
        ),
        ("intercom_retrieve_company", json!({"company_id": "co1"})),
        (
            "intercom_create_or_update_company",
            json!({"company_id": "acme-1", "name": "Acme", "size": 50, "monthly_spend": 1200}),
        ),
        (
            "intercom_list_company_contacts",
            json!({"company_id": "co1"}),
        ),
        ("intercom_delete_company", json!({"company_id": "co1"})),
        (
            "intercom_scroll_companies",
            json!({"scroll_param": "25b649f7-4d33-4ef6-88f5-60e5b8244309"}),
        ),
        ("intercom_list_tags", json!({})),
        ("intercom_retrieve_tag", json!({"tag_id": "t1"})),
        (
            "intercom_search_conversations_by_customer",
            json!({"customerIdentifier": "ann@example.com", "startDate": "01/03/2025", "endDate": "31/03/2025", "keywords": ["refund", "late delivery"], "exclude": ["spam"]}),
        ),
        (
            "intercom_list_conversations_by_date",
            json!({"start_date": "2025-03-01T00:00:00Z", "end_date": 1743465599, "keyword": "invoice", "state": "resolved", "max_results": 20}),
        ),
        (
            "intercom_search_tickets",
            json!({"query": {"field": "state", "operator": "=", "value": "submitted"}, "pagination": {"per_page": 20}}),
        ),
        ("intercom_retrieve_ticket", json!({"ticket_id": "22"})),
        (
            "intercom_search_tickets_by_customer",
            json!({"customer_identifier": "6657aa1a6abd0167d9419d3b", "status": "open", "time_zone": "Europe/Dublin", "start_date": "01/03/2025"}),
        ),
        (
            "intercom_search_tickets_by_status",
            json!({"status": "pending", "end_date": "2025-03-31", "time_zone": "UTC"}),
        ),
        (
            "intercom_search",
            json!({"query": "object_type:conversations state:open source_body:contains:refund created_at>2025-01-01 limit:20", "time_zone": "UTC"}),
        ),
        (
            "intercom_fetch",
            json!({"id": "contact_6657aa1a6abd0167d9419d3b"}),
        ),
    ]
}

#[test]
fn every_tool_has_a_sample() {
    let samples: Vec<&str> = samples().iter().map(|(n, _)| *n).collect();
    // The hand-written tools; the generated ones are covered by catalog::requests_conform.
    for tool in Registry::builtin()
        .tools()
        .iter()
        .filter(|t| crate::registry_json::SLICE.contains(&t.name))
    {
        assert!(
            samples.contains(&tool.name),
            "no sample arguments for {}",
            tool.name
        );
    }
}

#[test]
fn requests_of_every_tool() {
    let registry = Registry::builtin();
    let mut all = Map::new();
    for (name, args) in samples() {
        let requests = registry
            .plan(name, args)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        all.insert(name.to_owned(), serde_json::to_value(requests).unwrap());
    }
    insta::assert_json_snapshot!("requests", Value::Object(all));
}

#[test]
fn variants_of_request_building() {
    let registry = Registry::builtin();
    let mut all = Map::new();
    let cases = [
        (
            "list_companies filtered goes to GET /companies",
            "intercom_list_companies",
            json!({"tag_id": "t1", "per_page": 5}),
        ),
        (
            "user reply by email",
            "intercom_reply_to_conversation",
            json!({"conversation_id": "1", "type": "user", "email": "ann@example.com", "body": "Thanks!"}),
        ),
        (
            "assignment to a team",
            "intercom_manage_conversation",
            json!({"conversation_id": "1", "admin_id": "2", "message_type": "assignment", "type": "team", "assignee_id": "814865"}),
        ),
        (
            "counts of open conversations",
            "intercom_get_counts",
            json!({"type": "conversation", "state": "open"}),
        ),
        (
            "counts by state",
            "intercom_get_counts",
            json!({"type": "conversation", "count": "state"}),
        ),
        (
            "counts by role",
            "intercom_get_counts",
            json!({"type": "contact", "count": "role"}),
        ),
        (
            "counts of leads",
            "intercom_get_counts",
            json!({"type": "lead"}),
        ),
        ("scroll start", "intercom_scroll_companies", json!({})),
    ];
    for (case, name, args) in cases {
        let requests = registry
            .plan(name, args)
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        all.insert(case.to_owned(), serde_json::to_value(requests).unwrap());
    }
    insta::assert_json_snapshot!("request_variants", Value::Object(all));
}
