//! Hand-written examples that pin the meaning of each operator, checked on both the reference
//! evaluator and the SQL (so the two cannot be wrong together).

use jiff::tz::TimeZone;
use serde_json::json;

use super::super::words::body_words;
use super::super::{AttributeType, SearchModel, SearchOptions, TicketAttribute};
use super::{ids, run, run_with};

use SearchModel::{Contacts, Conversations, Tickets};

fn q(field: &str, operator: &str, value: serde_json::Value) -> serde_json::Value {
    json!({"field": field, "operator": operator, "value": value})
}

#[test]
fn contact_email_equality_ignores_case_but_name_does_not() {
    let docs = [
        json!({"email": "Alice@Example.COM", "name": "Alice"}),
        json!({"email": "bob@example.com", "name": "alice"}),
        json!({"name": "ALICE"}),
    ];
    assert_eq!(
        run(
            Contacts,
            &q("email", "=", json!("alice@example.com")),
            &docs
        ),
        ids(&[0])
    );
    assert_eq!(
        run(Contacts, &q("name", "=", json!("Alice")), &docs),
        ids(&[0])
    );
    assert_eq!(
        run(Contacts, &q("name", "IN", json!(["alice", "ALICE"])), &docs),
        ids(&[1, 2])
    );
    assert_eq!(
        run(Contacts, &q("name", "~", json!("LiC")), &docs),
        ids(&[0, 1, 2])
    );
    assert_eq!(
        run(Contacts, &q("name", "^", json!("al")), &docs),
        ids(&[0, 1, 2])
    );
    assert_eq!(
        run(Contacts, &q("name", "$", json!("CE")), &docs),
        ids(&[0, 1, 2])
    );
    assert_eq!(
        run(Contacts, &q("name", "$", json!("xalice")), &docs),
        ids(&[])
    );
    assert_eq!(
        run(Contacts, &q("email", "!~", json!("EXAMPLE.com")), &docs),
        ids(&[])
    );
    assert_eq!(
        run(Contacts, &q("email", "!=", json!("BOB@example.com")), &docs),
        ids(&[0])
    );
}

#[test]
fn case_folding_is_ascii_only() {
    let docs = [json!({"name": "ZOË"}), json!({"name": "zoë"})];
    assert_eq!(
        run(Contacts, &q("name", "~", json!("zo")), &docs),
        ids(&[0, 1])
    );
    assert_eq!(
        run(Contacts, &q("name", "~", json!("zoë")), &docs),
        ids(&[1])
    );
    assert_eq!(run(Contacts, &q("name", "$", json!("ë")), &docs), ids(&[1]));
}

#[test]
fn email_domain_is_derived_from_the_email() {
    let docs = [
        json!({"email": "bob@Example.com"}),
        json!({"email": "carol@other.org", "email_domain": "example.com"}),
        json!({"email": "no-at-sign"}),
        json!({}),
    ];
    let hits = run(
        Contacts,
        &q("email_domain", "=", json!("EXAMPLE.COM")),
        &docs,
    );
    assert_eq!(hits, ids(&[0]));
    assert_eq!(
        run(Contacts, &q("email_domain", "=", json!(null)), &docs),
        ids(&[2, 3])
    );
    assert_eq!(
        run(
            Contacts,
            &q("email_domain", "!=", json!("example.com")),
            &docs
        ),
        ids(&[1])
    );
    assert_eq!(
        run(Contacts, &q("email_domain", "$", json!(".org")), &docs),
        ids(&[1])
    );
}

#[test]
fn missing_and_null_fields_match_only_null_checks() {
    let docs = [
        json!({"name": "x"}),
        json!({"name": null}),
        json!({}),
        json!({"name": 7}),
    ];
    assert_eq!(
        run(Contacts, &q("name", "=", json!(null)), &docs),
        ids(&[1, 2])
    );
    assert_eq!(
        run(Contacts, &q("name", "!=", json!(null)), &docs),
        ids(&[0, 3])
    );
    assert_eq!(
        run(Contacts, &q("name", "!=", json!("y")), &docs),
        ids(&[0, 3])
    );
    assert_eq!(
        run(Contacts, &q("name", "NIN", json!(["x"])), &docs),
        ids(&[3])
    );
    assert_eq!(
        run(Contacts, &q("name", "!~", json!("q")), &docs),
        ids(&[0, 3])
    );
    // A number stored where a string is expected compares as its decimal text.
    assert_eq!(run(Contacts, &q("name", "=", json!("7")), &docs), ids(&[3]));
    assert_eq!(run(Contacts, &q("name", "=", json!(7)), &docs), ids(&[3]));
}

#[test]
fn nested_paths_through_non_objects_are_missing() {
    let docs = [
        json!({"location": {"city": "Dublin"}}),
        json!({"location": "Dublin"}),
        json!({"location": null}),
    ];
    assert_eq!(
        run(Contacts, &q("location.city", "=", json!("Dublin")), &docs),
        ids(&[0])
    );
    assert_eq!(
        run(Contacts, &q("location.city", "=", json!(null)), &docs),
        ids(&[1, 2])
    );
}

#[test]
fn contact_tags_match_any_element_and_negations_need_no_element() {
    let docs = [
        json!({"tags": {"type": "list", "data": [{"type": "tag", "id": "7"}, {"type": "tag", "id": "8"}]}}),
        json!({"tags": {"type": "list", "data": [{"type": "tag", "id": "8"}]}}),
        json!({"tags": {"type": "list", "data": []}}),
        json!({}),
        json!({"tags": {"data": [{"id": 7}]}}),
        json!({"tags": {"data": ["7"]}}),
    ];
    assert_eq!(
        run(Contacts, &q("tag_id", "=", json!("7")), &docs),
        ids(&[0, 4])
    );
    assert_eq!(
        run(Contacts, &q("tag_id", "=", json!(7)), &docs),
        ids(&[0, 4])
    );
    assert_eq!(
        run(Contacts, &q("tag_id", "!=", json!("7")), &docs),
        ids(&[1, 2, 3, 5])
    );
    assert_eq!(
        run(Contacts, &q("tag_id", "=", json!(null)), &docs),
        ids(&[2, 3, 5])
    );
    assert_eq!(
        run(Contacts, &q("tag_id", "!=", json!(null)), &docs),
        ids(&[0, 1, 4])
    );
}

#[test]
fn conversation_lists_use_the_documented_shapes() {
    let docs = [json!({
        "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "a"}, {"type": "contact", "id": "b"}]},
        "teammates": {"type": "admin.list", "teammates": [{"type": "admin", "id": "99"}]},
        "tags": {"type": "tag.list", "tags": [{"type": "tag", "id": "5", "name": "vip"}]}
    })];
    assert_eq!(
        run(Conversations, &q("contact_ids", "=", json!("b")), &docs),
        ids(&[0])
    );
    assert_eq!(
        run(Conversations, &q("contact_ids", "NIN", json!(["a"])), &docs),
        ids(&[])
    );
    assert_eq!(
        run(Conversations, &q("contact_ids", "NIN", json!(["z"])), &docs),
        ids(&[0])
    );
    assert_eq!(
        run(Conversations, &q("contact_ids", "!~", json!("z")), &docs),
        ids(&[0])
    );
    assert_eq!(
        run(Conversations, &q("teammate_ids", "IN", json!([99])), &docs),
        ids(&[0])
    );
    assert_eq!(
        run(Conversations, &q("tag_ids", "^", json!("5")), &docs),
        ids(&[0])
    );
}

// 2020-01-01T00:00:00Z and neighbours.
const JAN1: i64 = 1_577_836_800;
const DAY: i64 = 86_400;

#[test]
fn contact_dates_match_by_utc_calendar_day() {
    let docs = [
        json!({"created_at": JAN1 - 1}),
        json!({"created_at": JAN1}),
        json!({"created_at": JAN1 + DAY - 1}),
        json!({"created_at": JAN1 + DAY}),
        json!({"created_at": (JAN1 + DAY) as f64 - 0.5}),
        json!({}),
    ];
    // 9:00 on January 1st stands for the whole day.
    let nine = JAN1 + 9 * 3600;
    assert_eq!(
        run(Contacts, &q("created_at", "=", json!(nine)), &docs),
        ids(&[1, 2, 4])
    );
    assert_eq!(
        run(Contacts, &q("created_at", ">", json!(nine)), &docs),
        ids(&[3])
    );
    assert_eq!(
        run(Contacts, &q("created_at", "<", json!(nine)), &docs),
        ids(&[0])
    );
    assert_eq!(
        run(Contacts, &q("created_at", "=", json!(null)), &docs),
        ids(&[5])
    );
    // A numeric string is accepted as a date.
    let as_text = json!(nine.to_string());
    assert_eq!(
        run(Contacts, &q("created_at", "=", as_text), &docs),
        ids(&[1, 2, 4])
    );
}

#[test]
fn contact_days_follow_the_workspace_time_zone() {
    let options = SearchOptions {
        time_zone: TimeZone::posix("EST5EDT,M3.2.0,M11.1.0").unwrap(),
        ..SearchOptions::default()
    };
    // Midnight in New York on 2020-01-01 is 05:00 UTC.
    let start = JAN1 + 5 * 3600;
    let docs = [
        json!({"last_seen_at": start - 1}),
        json!({"last_seen_at": start}),
        json!({"last_seen_at": start + DAY - 1}),
        json!({"last_seen_at": start + DAY}),
    ];
    let noon = start + 12 * 3600;
    let same = run_with(
        Contacts,
        &options,
        &q("last_seen_at", "=", json!(noon)),
        &docs,
    );
    assert_eq!(same, ids(&[1, 2]));
    let after = run_with(
        Contacts,
        &options,
        &q("last_seen_at", ">", json!(noon)),
        &docs,
    );
    assert_eq!(after, ids(&[3]));
    // DST starts on 2020-03-08: that day lasts 23 hours.
    let mar8 = 1_583_643_600; // 2020-03-08T05:00:00Z, local midnight
    let docs = [
        json!({"last_seen_at": mar8 + 23 * 3600 - 1}),
        json!({"last_seen_at": mar8 + 23 * 3600}),
    ];
    let day = run_with(
        Contacts,
        &options,
        &q("last_seen_at", "=", json!(mar8)),
        &docs,
    );
    assert_eq!(day, ids(&[0]));
}

#[test]
fn conversation_and_ticket_dates_compare_seconds() {
    let docs = [
        json!({"created_at": 100}),
        json!({"created_at": 101}),
        json!({"created_at": 100.5}),
    ];
    assert_eq!(
        run(Conversations, &q("created_at", ">", json!(100)), &docs),
        ids(&[1, 2])
    );
    assert_eq!(
        run(Conversations, &q("created_at", ">=", json!(100)), &docs),
        ids(&[0, 1, 2])
    );
    assert_eq!(
        run(Tickets, &q("created_at", "<=", json!(100)), &docs),
        ids(&[0])
    );
    assert_eq!(
        run(Tickets, &q("created_at", "!=", json!(100)), &docs),
        ids(&[1, 2])
    );
    assert_eq!(
        run(Tickets, &q("created_at", "IN", json!([101, 7])), &docs),
        ids(&[1])
    );
}

#[test]
fn body_words_strip_html_and_trim_punctuation() {
    assert_eq!(
        body_words("<p>I need <b>support</b>, please!</p><p>Fish&amp;Chips&nbsp;now</p>"),
        ["i", "need", "support", "please", "fish&chips", "now"]
    );
    assert_eq!(body_words("<p>hello</p><p>world</p>"), ["hello", "world"]);
    assert_eq!(body_words("a < b and 2>1"), ["a", "b", "and", "2>1"]);
    assert_eq!(
        body_words("mail me: Bob@Example.com."),
        ["mail", "me", "bob@example.com"]
    );
    assert_eq!(body_words("&lt;b&gt;bold&lt;/b&gt; -- ..."), ["b>bold</b"]);
    assert!(body_words("").is_empty());
}

#[test]
fn conversation_body_matches_word_by_word() {
    let docs = [
        json!({"source": {"body": "<p>I need <b>SUPPORT</b>, please!</p>"}}),
        json!({"source": {"body": "<p>supportive</p>"}}),
        json!({"source": {"body": ""}}),
        json!({"source": {}}),
    ];
    let body = |op: &str, v: serde_json::Value| run(Conversations, &q("source.body", op, v), &docs);
    assert_eq!(body("=", json!("support")), ids(&[0]));
    assert_eq!(body("=", json!("Support")), ids(&[0]));
    assert_eq!(body("=", json!("need support")), ids(&[]));
    assert_eq!(body("=", json!("b")), ids(&[]));
    assert_eq!(body("~", json!("PORT")), ids(&[0, 1]));
    assert_eq!(body("^", json!("plea")), ids(&[0]));
    assert_eq!(body("$", json!("ive")), ids(&[1]));
    assert_eq!(body("!=", json!("support")), ids(&[1, 2]));
    assert_eq!(body("!~", json!("port")), ids(&[2]));
    assert_eq!(body("IN", json!(["please", "supportive"])), ids(&[0, 1]));
    assert_eq!(body("=", json!(null)), ids(&[3]));
}

#[test]
fn body_word_tests_consult_the_full_text_index_when_it_can_narrow_them() {
    let index = super::super::BodyIndex {
        fts_table: "docs_body".to_owned(),
        rowid: "id".to_owned(),
    };
    let uses_index = |op: &str, v: serde_json::Value| {
        let query = super::super::parse(Conversations, &q("source.body", op, v)).unwrap();
        query
            .to_sql_indexed("doc", &index)
            .where_clause
            .contains("docs_body MATCH")
    };
    // A needle of three characters or more, in every positive word test.
    assert!(uses_index("=", json!("support")));
    assert!(uses_index("~", json!("refund")));
    assert!(uses_index("^", json!("plea")));
    assert!(uses_index("$", json!("ive")));
    assert!(uses_index("IN", json!(["please", "supportive"])));
    // Trigrams cannot find shorter needles, and negations need every row: the exact test alone.
    assert!(!uses_index("~", json!("su")));
    assert!(!uses_index("IN", json!(["please", "ok"])));
    assert!(!uses_index("!~", json!("port")));
    assert!(!uses_index("!=", json!("support")));
    // Every run above (`run`) also compares the indexed SQL with the plain one.
}

#[test]
fn booleans_and_integers() {
    let docs = [
        json!({"open": true, "admin_assignee_id": 5}),
        json!({"open": false, "admin_assignee_id": 5.0}),
        json!({"open": "true", "admin_assignee_id": "5"}),
        json!({}),
    ];
    assert_eq!(
        run(Conversations, &q("open", "=", json!(true)), &docs),
        ids(&[0])
    );
    assert_eq!(
        run(Conversations, &q("open", "!=", json!(true)), &docs),
        ids(&[1, 2])
    );
    assert_eq!(
        run(Conversations, &q("open", "IN", json!([false])), &docs),
        ids(&[1])
    );
    // Intercom's Python SDK sends `True` as `1`; `"true"` is accepted too.
    assert_eq!(
        run(Conversations, &q("open", "=", json!(1)), &docs),
        ids(&[0])
    );
    assert_eq!(
        run(Conversations, &q("open", "=", json!(0)), &docs),
        ids(&[1])
    );
    assert_eq!(
        run(Conversations, &q("open", "=", json!("false")), &docs),
        ids(&[1])
    );
    assert_eq!(
        run(Conversations, &q("admin_assignee_id", "=", json!(5)), &docs),
        ids(&[0, 1])
    );
    assert_eq!(
        run(
            Conversations,
            &q("admin_assignee_id", "=", json!("5")),
            &docs
        ),
        ids(&[0, 1])
    );
    assert_eq!(
        run(Conversations, &q("admin_assignee_id", "<", json!(6)), &docs),
        ids(&[0, 1])
    );
    assert_eq!(
        run(
            Conversations,
            &q("admin_assignee_id", "!=", json!(4)),
            &docs
        ),
        ids(&[0, 1, 2])
    );
}

#[test]
fn untyped_custom_attributes_compare_by_json_type() {
    let docs = [
        json!({"custom_attributes": {"plan": "Pro", "seats": 10, "vip": true}}),
        json!({"custom_attributes": {"plan": "free", "seats": "12", "vip": "yes"}}),
        json!({"custom_attributes": {}}),
    ];
    let ca = |field: &str, op: &str, v: serde_json::Value| {
        run(
            Contacts,
            &q(&format!("custom_attributes.{field}"), op, v),
            &docs,
        )
    };
    assert_eq!(ca("plan", "=", json!("Pro")), ids(&[0]));
    assert_eq!(ca("plan", "~", json!("r")), ids(&[0, 1]));
    assert_eq!(ca("seats", ">", json!(3)), ids(&[0]));
    assert_eq!(ca("seats", ">", json!(2.5)), ids(&[0]));
    assert_eq!(ca("seats", "=", json!("12")), ids(&[1]));
    assert_eq!(ca("vip", "=", json!(true)), ids(&[0]));
    assert_eq!(ca("vip", "!=", json!(true)), ids(&[1]));
    assert_eq!(ca("missing", "=", json!(null)), ids(&[0, 1, 2]));
}

#[test]
fn declared_custom_attribute_types_change_operators_and_meaning() {
    let mut options = SearchOptions::default();
    options
        .custom_attribute_types
        .insert("signup".into(), AttributeType::Date);
    let docs = [
        json!({"custom_attributes": {"signup": JAN1 + 60}}),
        json!({"custom_attributes": {"signup": JAN1 + DAY}}),
    ];
    let hits = run_with(
        Contacts,
        &options,
        &q("custom_attributes.signup", "=", json!(JAN1 + 7200)),
        &docs,
    );
    assert_eq!(hits, ids(&[0]));
    // On conversations a Date attribute compares seconds.
    let hits = run_with(
        Conversations,
        &options,
        &q("custom_attributes.signup", ">=", json!(JAN1 + 61)),
        &docs,
    );
    assert_eq!(hits, ids(&[1]));
}

#[test]
fn ticket_fields_read_the_ticket_document() {
    let docs = [
        json!({
            "id": "1",
            "category": "Back-office",
            "ticket_attributes": {"_default_title_": "Printer on fire", "_default_description_": "Help", "severity": 3},
            "ticket_type": {"type": "ticket_type", "id": "44"},
            "ticket_state": {"type": "ticket_state", "id": "9", "category": "in_progress"},
            "admin_assignee_id": 12,
            "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "c1"}]}
        }),
        json!({
            "id": "2",
            "ticket_attributes": {"_default_title_": "Printer jam", "severity": 1},
            "ticket_state": {"category": "submitted"},
            "admin_assignee_id": "13"
        }),
    ];
    assert_eq!(
        run(Tickets, &q("title", "~", json!("printer")), &docs),
        ids(&[0, 1])
    );
    assert_eq!(
        run(Tickets, &q("description", "=", json!(null)), &docs),
        ids(&[1])
    );
    assert_eq!(
        run(Tickets, &q("state", "=", json!("submitted")), &docs),
        ids(&[1])
    );
    assert_eq!(
        run(Tickets, &q("ticket_type_id", "=", json!(44)), &docs),
        ids(&[0])
    );
    assert_eq!(
        run(
            Tickets,
            &q("admin_assignee_id", "IN", json!(["12", 13])),
            &docs
        ),
        ids(&[0, 1])
    );
    assert_eq!(
        run(Tickets, &q("contact_ids", "=", json!("c1")), &docs),
        ids(&[0])
    );
    assert_eq!(
        run(Tickets, &q("teammate_ids", "=", json!(null)), &docs),
        ids(&[0, 1])
    );
    assert_eq!(
        run(
            Tickets,
            &q("ticket_attribute.severity", ">", json!(2)),
            &docs
        ),
        ids(&[0])
    );

    let mut options = SearchOptions::default();
    options.ticket_attributes.insert(
        "777".into(),
        TicketAttribute {
            name: "severity".into(),
            data_type: Some(AttributeType::Integer),
        },
    );
    let hits = run_with(
        Tickets,
        &options,
        &q("ticket_attribute.777", "<", json!(2)),
        &docs,
    );
    assert_eq!(hits, ids(&[1]));
}

#[test]
fn groups_combine_with_and_or() {
    let docs = [
        json!({"state": "open", "priority": "priority", "read": true}),
        json!({"state": "closed", "priority": "priority", "read": false}),
        json!({"state": "snoozed", "priority": "not_priority", "read": false}),
    ];
    let query = json!({"operator": "AND", "value": [
        {"operator": "OR", "value": [
            q("state", "=", json!("open")),
            q("state", "=", json!("snoozed")),
        ]},
        {"operator": "OR", "value": [
            q("priority", "=", json!("priority")),
            q("read", "=", json!(false)),
        ]},
    ]});
    assert_eq!(run(Conversations, &query, &docs), ids(&[0, 2]));
    let query = json!({"operator": "OR", "value": [q("read", "=", json!(true)), q("state", "^", json!("clo"))]});
    assert_eq!(run(Conversations, &query, &docs), ids(&[0, 1]));
}

#[test]
fn sql_binds_values_and_qualifies_columns() {
    let query = super::super::parse(
        Contacts,
        &q(
            "custom_attributes.it's",
            "=",
            json!("x'); DROP TABLE docs; --"),
        ),
    )
    .unwrap();
    let filter = query.to_sql("c.doc");
    assert!(
        !filter.where_clause.contains("DROP"),
        "{}",
        filter.where_clause
    );
    assert!(
        !filter.where_clause.contains("it's"),
        "{}",
        filter.where_clause
    );
    assert!(filter.where_clause.contains("c.doc"));
    assert_eq!(
        filter.where_clause.matches('?').count(),
        filter.params.len()
    );
    let odd = query.to_sql("my doc");
    assert!(odd.where_clause.contains("\"my doc\""));
}

#[test]
fn long_in_and_nin_lists_compile_to_one_flat_expression() {
    // A thousand values used to become a chain of ORs past SQLite's expression depth.
    let docs = [
        json!({"id": "7", "email": "A7@x.io", "owner_id": 7, "unsubscribed_from_emails": true}),
        json!({"id": "2000", "email": "b@x.io", "owner_id": 2000}),
        json!({"id": "9"}),
    ];
    let strings: Vec<serde_json::Value> = (0..1000).map(|i| json!(i.to_string())).collect();
    let emails: Vec<serde_json::Value> = (0..1000).map(|i| json!(format!("a{i}@X.io"))).collect();
    let numbers: Vec<serde_json::Value> = (0..1000).map(|i| json!(i)).collect();
    assert_eq!(
        run(Contacts, &q("id", "IN", json!(strings)), &docs),
        ids(&[0, 2])
    );
    assert_eq!(
        run(Contacts, &q("id", "NIN", json!(strings)), &docs),
        ids(&[1])
    );
    assert_eq!(
        run(Contacts, &q("email", "IN", json!(emails)), &docs),
        ids(&[0])
    );
    assert_eq!(
        run(Contacts, &q("owner_id", "IN", json!(numbers)), &docs),
        ids(&[0])
    );
    assert_eq!(
        run(Contacts, &q("owner_id", "NIN", json!(numbers)), &docs),
        ids(&[1])
    );
    let mixed = json!([1.5, "7", 7.0, true, "a7@x.io"]);
    let untyped = [
        json!({"custom_attributes": {"v": 7}}),
        json!({"custom_attributes": {"v": 1.5}}),
        json!({"custom_attributes": {"v": true}}),
        json!({"custom_attributes": {"v": "7"}}),
        json!({"custom_attributes": {"v": false}}),
    ];
    assert_eq!(
        run(
            Contacts,
            &q("custom_attributes.v", "IN", mixed.clone()),
            &untyped
        ),
        ids(&[0, 1, 2, 3])
    );
    assert_eq!(
        run(Contacts, &q("custom_attributes.v", "NIN", mixed), &untyped),
        ids(&[4])
    );
    let tags: Vec<serde_json::Value> = (0..1000).map(|i| json!(format!("t{i}"))).collect();
    let conversations = [
        json!({"tags": {"tags": [{"id": "t999"}]}}),
        json!({"tags": {"tags": [{"id": "other"}]}}),
    ];
    assert_eq!(
        run(
            Conversations,
            &q("tag_ids", "IN", json!(tags)),
            &conversations
        ),
        ids(&[0])
    );
}

#[test]
fn conversation_ids_order_as_numbers_and_every_id_is_above_the_empty_string() {
    let docs = [
        json!({"id": "9"}),
        json!({"id": "10"}),
        json!({"id": "215"}),
        json!({"id": "x1"}),
        json!({}),
    ];
    assert_eq!(
        run(Conversations, &q("id", ">", json!("")), &docs),
        ids(&[0, 1, 2, 3])
    );
    assert_eq!(
        run(Conversations, &q("id", ">=", json!("")), &docs),
        ids(&[0, 1, 2, 3])
    );
    assert_eq!(
        run(Conversations, &q("id", "<", json!("")), &docs),
        ids(&[])
    );
    assert_eq!(
        run(Conversations, &q("id", ">", json!("9")), &docs),
        ids(&[1, 2])
    );
    assert_eq!(
        run(Conversations, &q("id", "<=", json!(10)), &docs),
        ids(&[0, 1])
    );
    assert_eq!(
        run(Conversations, &q("id", "<", json!("215")), &docs),
        ids(&[0, 1])
    );
}

#[test]
fn dates_take_float_unix_seconds() {
    // `datetime.timestamp()` gives floats; the fraction is dropped.
    let contacts = [
        json!({"created_at": 946684800}),
        json!({"created_at": 946771200}),
    ];
    assert_eq!(
        run(
            Contacts,
            &q("created_at", ">", json!(946684800.0)),
            &contacts
        ),
        ids(&[1])
    );
    assert_eq!(
        run(
            Contacts,
            &q("created_at", "=", json!(946684800.75)),
            &contacts
        ),
        ids(&[0])
    );
    let conversations = [
        json!({"updated_at": 946684800}),
        json!({"updated_at": 946684801}),
    ];
    assert_eq!(
        run(
            Conversations,
            &q("updated_at", ">", json!(946684800.0)),
            &conversations
        ),
        ids(&[1])
    );
    assert_eq!(
        run(
            Conversations,
            &q("updated_at", "IN", json!([946684800.9])),
            &conversations
        ),
        ids(&[0])
    );
    assert_eq!(
        run(
            Tickets,
            &q("created_at", ">=", json!(946684800.5)),
            &[json!({"created_at": 946684800})]
        ),
        ids(&[0])
    );
}
