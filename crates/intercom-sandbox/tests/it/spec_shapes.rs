//! Key responses carry the properties Intercom's 2.14 description shows for them. The lists are
//! the property names of the spec's own response examples (ShowContact, retrieveConversation,
//! listAdmins, identifyAdmin, RetrieveACompanyById, retrieveCompany, ListContacts, ...).

use serde_json::Value;

use crate::support::Api;

const ADMIN_LIST: &[&str] = &["type", "admins"];
const ADMIN: &[&str] = &[
    "type",
    "email",
    "id",
    "name",
    "away_mode_enabled",
    "away_mode_reassign",
    "has_inbox_seat",
    "team_ids",
];
const ME: &[&str] = &[
    "type",
    "id",
    "email",
    "name",
    "email_verified",
    "app",
    "avatar",
    "has_inbox_seat",
];
const APP: &[&str] = &[
    "type",
    "id_code",
    "name",
    "created_at",
    "secure",
    "identity_verification",
    "timezone",
    "region",
];
const CONTACT: &[&str] = &[
    "type",
    "id",
    "workspace_id",
    "external_id",
    "role",
    "email",
    "phone",
    "name",
    "avatar",
    "owner_id",
    "social_profiles",
    "has_hard_bounced",
    "marked_email_as_spam",
    "unsubscribed_from_emails",
    "created_at",
    "updated_at",
    "signed_up_at",
    "last_seen_at",
    "last_replied_at",
    "last_contacted_at",
    "last_email_opened_at",
    "last_email_clicked_at",
    "language_override",
    "browser",
    "browser_version",
    "browser_language",
    "os",
    "location",
    "android_app_name",
    "android_app_version",
    "android_device",
    "android_os_version",
    "android_sdk_version",
    "android_last_seen_at",
    "ios_app_name",
    "ios_app_version",
    "ios_device",
    "ios_os_version",
    "ios_sdk_version",
    "ios_last_seen_at",
    "custom_attributes",
    "tags",
    "notes",
    "companies",
    "opted_out_subscription_types",
    "opted_in_subscription_types",
    "utm_campaign",
    "utm_content",
    "utm_medium",
    "utm_source",
    "utm_term",
    "referrer",
    "enabled_push_messaging",
];
const CONTACT_LIST: &[&str] = &["type", "data", "total_count", "pages"];
const CURSOR_PAGES: &[&str] = &["type", "page", "per_page", "total_pages"];
const CONVERSATION_LIST: &[&str] = &["type", "pages", "total_count", "conversations"];
const CONVERSATION: &[&str] = &[
    "type",
    "id",
    "created_at",
    "updated_at",
    "waiting_since",
    "snoozed_until",
    "source",
    "contacts",
    "first_contact_reply",
    "admin_assignee_id",
    "team_assignee_id",
    "open",
    "state",
    "read",
    "tags",
    "priority",
    "sla_applied",
    "statistics",
    "conversation_rating",
    "teammates",
    "title",
    "custom_attributes",
    "topics",
    "ticket",
    "linked_objects",
    "ai_agent",
    "ai_agent_participated",
];
const SOURCE: &[&str] = &[
    "type",
    "id",
    "delivered_as",
    "subject",
    "body",
    "author",
    "attachments",
    "url",
    "redacted",
];
const PART: &[&str] = &[
    "type",
    "id",
    "part_type",
    "body",
    "created_at",
    "updated_at",
    "notified_at",
    "assigned_to",
    "author",
    "attachments",
    "external_id",
    "redacted",
    "email_message_metadata",
    "app_package_code",
];
const COMPANY: &[&str] = &[
    "type",
    "company_id",
    "id",
    "app_id",
    "name",
    "remote_created_at",
    "created_at",
    "updated_at",
    "monthly_spend",
    "session_count",
    "user_count",
    "tags",
    "segments",
    "plan",
    "custom_attributes",
];
const COMPANY_LIST: &[&str] = &["type", "data", "pages", "total_count"];
const PAGES_LINK: &[&str] = &["type", "next", "page", "per_page", "total_pages"];
const SCROLL: &[&str] = &["type", "data", "pages", "total_count", "scroll_param"];
const TEAM: &[&str] = &[
    "type",
    "id",
    "name",
    "admin_ids",
    "assignment_limit",
    "distribution_method",
];
const SEGMENT: &[&str] = &[
    "type",
    "id",
    "name",
    "created_at",
    "updated_at",
    "person_type",
];

fn has_all(what: &str, value: &Value, keys: &[&str]) {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {value}"));
    let missing: Vec<_> = keys.iter().filter(|k| !object.contains_key(**k)).collect();
    assert!(missing.is_empty(), "{what} lacks {missing:?}: {value}");
}

#[tokio::test]
async fn key_responses_match_the_spec_examples() {
    let api = Api::new();
    let admins = api.ok("GET", "/admins", None).await;
    has_all("admin list", &admins, ADMIN_LIST);
    has_all("admin", &admins["admins"][0], ADMIN);
    let me = api.ok("GET", "/me", None).await;
    has_all("me", &me, ME);
    has_all("app", &me["app"], APP);

    let contacts = api.ok("GET", "/contacts?per_page=3", None).await;
    has_all("contact list", &contacts, CONTACT_LIST);
    has_all("contact pages", &contacts["pages"], CURSOR_PAGES);
    for contact in contacts["data"].as_array().unwrap() {
        has_all("contact", contact, CONTACT);
        assert!(contact["id"].is_string() && contact["created_at"].is_i64());
    }

    let conversations = api.ok("GET", "/conversations?per_page=5", None).await;
    has_all("conversation list", &conversations, CONVERSATION_LIST);
    has_all("conversation pages", &conversations["pages"], CURSOR_PAGES);
    let id = conversations["conversations"][0]["id"].as_str().unwrap();
    let full = api.ok("GET", &format!("/conversations/{id}"), None).await;
    has_all("conversation", &full, CONVERSATION);
    has_all("source", &full["source"], SOURCE);
    has_all(
        "conversation_parts",
        &full["conversation_parts"],
        &["type", "conversation_parts", "total_count"],
    );
    for part in full["conversation_parts"]["conversation_parts"]
        .as_array()
        .unwrap()
    {
        has_all("part", part, PART);
        assert!(part["id"].is_string());
    }

    let companies = api.ok("GET", "/companies?per_page=2", None).await;
    has_all("company list", &companies, COMPANY_LIST);
    has_all("company pages", &companies["pages"], PAGES_LINK);
    has_all("company", &companies["data"][0], COMPANY);
    let posted = api
        .ok("POST", "/companies/list?per_page=2&page=2", None)
        .await;
    has_all("company list (POST)", &posted, COMPANY_LIST);
    has_all("company pages (POST)", &posted["pages"], PAGES_LINK);
    let scroll = api.ok("GET", "/companies/scroll", None).await;
    has_all("scroll", &scroll, SCROLL);

    let teams = api.ok("GET", "/teams", None).await;
    has_all("team", &teams["teams"][0], TEAM);
    let segments = api.ok("GET", "/segments", None).await;
    has_all("segment", &segments["segments"][0], SEGMENT);
}

// From the 2.14 examples of getTicket, listTicketTypes, listTicketStates, replyTicket,
// searchTickets and deleteTicket.
const TICKET: &[&str] = &[
    "type",
    "id",
    "ticket_id",
    "ticket_attributes",
    "ticket_state",
    "ticket_type",
    "contacts",
    "admin_assignee_id",
    "team_assignee_id",
    "created_at",
    "updated_at",
    "ticket_parts",
    "open",
    "linked_objects",
    "category",
    "is_shared",
];
const TICKET_LIST: &[&str] = &["type", "pages", "total_count", "tickets"];
const TICKET_STATE: &[&str] = &["type", "id", "category", "internal_label", "external_label"];
const TICKET_STATE_DETAILED: &[&str] = &[
    "type",
    "id",
    "category",
    "internal_label",
    "external_label",
    "ticket_types",
    "archived",
];
const TICKET_TYPE: &[&str] = &[
    "type",
    "id",
    "name",
    "description",
    "icon",
    "workspace_id",
    "archived",
    "created_at",
    "updated_at",
    "is_internal",
    "ticket_type_attributes",
    "category",
    "ticket_states",
];
const TICKET_TYPE_ATTRIBUTE: &[&str] = &[
    "type",
    "id",
    "workspace_id",
    "name",
    "description",
    "data_type",
    "input_options",
    "order",
    "required_to_create",
    "required_to_create_for_contacts",
    "visible_on_create",
    "visible_to_contacts",
    "default",
    "ticket_type_id",
    "archived",
    "created_at",
    "updated_at",
];
const TICKET_STATE_PART: &[&str] = &[
    "type",
    "id",
    "part_type",
    "ticket_state",
    "previous_ticket_state",
    "created_at",
    "updated_at",
    "author",
    "attachments",
    "redacted",
];
const TICKET_REPLY: &[&str] = &[
    "type",
    "id",
    "part_type",
    "body",
    "created_at",
    "updated_at",
    "author",
    "attachments",
    "redacted",
];
const TICKET_DELETED: &[&str] = &["id", "object", "deleted"];

#[tokio::test]
async fn ticket_responses_match_the_spec_examples() {
    let api = Api::new();
    let types = api.ok("GET", "/ticket_types", None).await;
    has_all("ticket type list", &types, &["type", "data"]);
    let ticket_type = &types["data"][0];
    has_all("ticket type", ticket_type, TICKET_TYPE);
    for attribute in ticket_type["ticket_type_attributes"]["data"]
        .as_array()
        .unwrap()
    {
        has_all("ticket type attribute", attribute, TICKET_TYPE_ATTRIBUTE);
        assert!(attribute["ticket_type_id"].is_i64(), "{attribute}");
    }
    has_all(
        "ticket type state",
        &ticket_type["ticket_states"]["data"][0],
        TICKET_STATE,
    );
    let states = api.ok("GET", "/ticket_states", None).await;
    has_all("ticket state", &states["data"][0], TICKET_STATE_DETAILED);

    let list = api
        .ok(
            "POST",
            "/tickets/search",
            Some(serde_json::json!({"query": {"field": "created_at", "operator": ">", "value": 0}, "pagination": {"per_page": 5}})),
        )
        .await;
    has_all("ticket list", &list, TICKET_LIST);
    has_all("ticket pages", &list["pages"], CURSOR_PAGES);
    let ticket = &list["tickets"][0];
    has_all("ticket", ticket, TICKET);
    has_all("ticket state", &ticket["ticket_state"], TICKET_STATE);
    assert!(ticket["admin_assignee_id"].is_string() && ticket["id"].is_string());
    has_all(
        "ticket parts",
        &ticket["ticket_parts"],
        &["type", "ticket_parts", "total_count"],
    );
    has_all(
        "ticket state part",
        &ticket["ticket_parts"]["ticket_parts"][0],
        TICKET_STATE_PART,
    );
    let id = ticket["id"].as_str().unwrap();
    let reply = api
        .ok(
            "POST",
            &format!("/tickets/{id}/reply"),
            Some(serde_json::json!({"type": "admin", "message_type": "note", "admin_id": api.me(), "body": "x"})),
        )
        .await;
    has_all("ticket reply", &reply, TICKET_REPLY);
    let deleted = api.ok("DELETE", &format!("/tickets/{id}"), None).await;
    has_all("ticket deleted", &deleted, TICKET_DELETED);
}
