//! The workflow tools (seed 003) and the hosted server's `search`/`fetch`: the DSL they send
//! (no socket), and every tool and alias against a sandbox on a real socket, with the API calls
//! counted from the sandbox's request log.

use std::collections::BTreeSet;

use intercom_client::Request;
use intercom_tools::Registry;
use intercom_tools::hosted::{self, Context, FetchType, ObjectType, Op};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use crate::harness::Env;

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn ids(result: &Value, key: &str) -> BTreeSet<String> {
    result[key]
        .as_array()
        .unwrap_or_else(|| panic!("no `{key}` in {result}"))
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

fn set(items: &[&String]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).clone()).collect()
}

// ---- the DSL, without a socket ----

fn plan(name: &str, args: Value) -> Vec<Request> {
    Registry::builtin()
        .plan(name, args.clone())
        .unwrap_or_else(|e| panic!("{name} {args}: {e}"))
}

#[test]
fn by_customer_sends_dates_contact_and_keywords_in_one_query() {
    let requests = plan(
        "search_conversations_by_customer",
        json!({"customerIdentifier": "ada@example.com", "startDate": "10/07/2023", "endDate": "12/07/2023", "keywords": ["invoice", "refund"], "time_zone": "Europe/Dublin"}),
    );
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(requests[0].path, "/contacts/search");
    assert_eq!(
        requests[0].body,
        Some(
            json!({"query": {"field": "email", "operator": "=", "value": "ada@example.com"}, "pagination": {"per_page": 15}})
        )
    );
    assert_eq!(requests[1].path, "/conversations/search");
    assert_eq!(
        requests[1].body,
        Some(json!({
            "query": {"operator": "AND", "value": [
                // 10 July 00:00 and 12 July 23:59:59 in Dublin (UTC+1).
                {"field": "created_at", "operator": ">=", "value": 1688943600},
                {"field": "created_at", "operator": "<=", "value": 1689202799},
                {"field": "contact_ids", "operator": "=", "value": "<ids of the contacts with email ada@example.com>"},
                {"operator": "OR", "value": [
                    {"field": "source.body", "operator": "~", "value": "invoice"},
                    {"field": "source.body", "operator": "~", "value": "refund"},
                ]},
            ]},
            "pagination": {"per_page": 50},
        }))
    );
}

#[test]
fn a_contact_id_needs_no_lookup_and_calendar_days_without_a_zone_read_me() {
    let requests = plan(
        "intercom_search_conversations_by_customer",
        json!({"customer_identifier": "6657aa1a", "start_date": "2023-07-10", "max_results": 10, "state": "pending"}),
    );
    let paths: Vec<&str> = requests.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/me", "/conversations/search"]);
    assert_eq!(
        requests[1].body.as_ref().unwrap()["query"],
        json!({"operator": "AND", "value": [
            {"field": "state", "operator": "=", "value": "snoozed"},
            {"field": "created_at", "operator": ">=", "value": 1688947200},
            {"field": "contact_ids", "operator": "=", "value": "6657aa1a"},
        ]})
    );
    assert_eq!(
        requests[1].body.as_ref().unwrap()["pagination"],
        json!({"per_page": 10})
    );
}

#[test]
fn list_by_date_excludes_with_not_contains_and_groups_many_keywords() {
    let requests = plan(
        "list_conversations",
        json!({"startDate": 1688947200, "keyword": "duplicate", "exclude": ["refund", "chargeback"], "keywords_match": "all"}),
    );
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].body.as_ref().unwrap()["query"],
        json!({"operator": "AND", "value": [
            {"field": "created_at", "operator": ">=", "value": 1688947200},
            {"field": "source.body", "operator": "~", "value": "duplicate"},
            {"field": "source.body", "operator": "!~", "value": "refund"},
            {"field": "source.body", "operator": "!~", "value": "chargeback"},
        ]})
    );

    // 20 keywords that must all match: more than one group holds, so they nest in two ANDs.
    let words: Vec<String> = (0..20).map(|i| format!("w{i}")).collect();
    let requests = plan(
        "intercom_list_conversations_by_date",
        json!({"keywords": words, "keywords_match": "all", "start_date": "1688947200"}),
    );
    let query = &requests[0].body.as_ref().unwrap()["query"];
    let top = query["value"].as_array().unwrap();
    assert_eq!(top.len(), 3, "{query}");
    assert_eq!(top[1]["operator"], "AND");
    assert_eq!(top[1]["value"].as_array().unwrap().len(), 15);
    assert_eq!(top[2]["value"].as_array().unwrap().len(), 5);

    // 20 keywords of which any may match: one query per 15.
    let requests = plan(
        "intercom_list_conversations_by_date",
        json!({"keywords": words}),
    );
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].body.as_ref().unwrap()["query"]["value"]
            .as_array()
            .unwrap()
            .len(),
        15
    );
    assert_eq!(
        requests[1].body.as_ref().unwrap()["query"]["operator"],
        "OR"
    );

    // Nothing at all: every conversation.
    let requests = plan("intercom_list_conversations_by_date", json!({}));
    assert_eq!(
        requests[0].body.as_ref().unwrap()["query"],
        json!({"field": "created_at", "operator": ">", "value": 0})
    );
}

#[test]
fn ticket_status_maps_seed_words_to_ticket_states() {
    let cases = [
        (
            "open",
            json!({"field": "state", "operator": "IN", "value": ["submitted", "in_progress"]}),
        ),
        (
            "pending",
            json!({"field": "state", "operator": "=", "value": "waiting_on_customer"}),
        ),
        (
            "resolved",
            json!({"field": "state", "operator": "=", "value": "resolved"}),
        ),
        (
            "closed",
            json!({"field": "state", "operator": "=", "value": "resolved"}),
        ),
        (
            "in_progress",
            json!({"field": "state", "operator": "=", "value": "in_progress"}),
        ),
    ];
    for (status, expected) in cases {
        let requests = plan("search_tickets_by_status", json!({"status": status}));
        assert_eq!(requests[0].path, "/tickets/search");
        assert_eq!(
            requests[0].body.as_ref().unwrap()["query"],
            expected,
            "{status}"
        );
    }
    let requests = plan(
        "search_tickets_by_customer",
        json!({"customerIdentifier": "c-1", "startDate": "2023-07-10T00:00:00Z"}),
    );
    assert_eq!(
        requests[0].body.as_ref().unwrap()["query"],
        json!({"operator": "AND", "value": [
            {"field": "created_at", "operator": ">=", "value": 1688947200},
            {"field": "contact_ids", "operator": "=", "value": "c-1"},
        ]})
    );
}

// ---- the hosted server's query language ----

fn cx(tz: &str) -> Context {
    Context {
        now: ts("2025-06-15T10:30:00Z"),
        time_zone: TimeZone::get(tz).unwrap(),
    }
}

fn compiled(query: &str, tz: &str) -> Value {
    let q = hosted::parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
    hosted::compile(&q, &cx(tz)).unwrap_or_else(|e| panic!("{query}: {e}"))
}

fn refused(query: &str) -> String {
    match hosted::parse(query) {
        Err(e) => e,
        Ok(q) => hosted::compile(&q, &cx("UTC")).expect_err(query),
    }
}

#[test]
fn search_queries_parse_into_filters() {
    let q = hosted::parse(
        "object_type:conversations state:open source.body:refund created_at>2025-01-01 limit:20 starting_after:WzE3",
    )
    .unwrap();
    assert_eq!(q.object_type, ObjectType::Conversations);
    assert_eq!(q.limit, Some(20));
    assert_eq!(q.starting_after.as_deref(), Some("WzE3"));
    let ops: Vec<(&str, Op, &str)> = q
        .filters
        .iter()
        .map(|f| (f.field.as_str(), f.op, f.value.as_str()))
        .collect();
    assert_eq!(
        ops,
        [
            ("state", Op::Eq, "open"),
            ("source.body", Op::Eq, "refund"),
            ("created_at", Op::Gt, "2025-01-01"),
        ]
    );
    let q =
        hosted::parse("object_type:contacts q:\"ada lovelace\" extra email_domain:\"example.com\"")
            .unwrap();
    assert_eq!(q.text, ["ada lovelace", "extra"]);
    assert_eq!(q.filters[0].value, "example.com");
}

#[test]
fn search_queries_compile_to_the_dsl() {
    assert_eq!(
        compiled(
            "object_type:conversations state:open source.body:refund created_at>2025-01-01",
            "UTC"
        ),
        json!({"operator": "AND", "value": [
            {"field": "state", "operator": "=", "value": "open"},
            {"field": "source.body", "operator": "=", "value": "refund"},
            // After the whole of 1 January.
            {"field": "created_at", "operator": ">", "value": 1735775999},
        ]})
    );
    assert_eq!(
        compiled(
            "object_type:conversations source_body:contains:\"refund request\" admin_assignee_id:6 state:in:open,snoozed read:false",
            "UTC"
        ),
        json!({"operator": "AND", "value": [
            {"field": "source.body", "operator": "~", "value": "refund"},
            {"field": "source.body", "operator": "~", "value": "request"},
            {"field": "admin_assignee_id", "operator": "=", "value": 6},
            {"field": "state", "operator": "IN", "value": ["open", "snoozed"]},
            {"field": "read", "operator": "=", "value": false},
        ]})
    );
    // A calendar day is the whole day, in the time zone given.
    assert_eq!(
        compiled("object_type:tickets created_at:15/01/2025", "Europe/Dublin"),
        json!({"operator": "AND", "value": [
            {"field": "created_at", "operator": ">=", "value": 1736899200},
            {"field": "created_at", "operator": "<=", "value": 1736985599},
        ]})
    );
    // Contacts match dates by day: noon of the day meant, >= becomes > the day before.
    assert_eq!(
        compiled("object_type:contacts created_at>=15/01/2025", "UTC"),
        json!({"field": "created_at", "operator": ">", "value": 1736856000})
    );
    assert_eq!(
        compiled("object_type:conversations updated_at:gt:7d", "UTC"),
        json!({"field": "updated_at", "operator": ">", "value": 1749378600})
    );
    assert_eq!(
        compiled("object_type:contacts ada", "UTC"),
        json!({"operator": "OR", "value": [
            {"field": "name", "operator": "~", "value": "ada"},
            {"field": "email", "operator": "~", "value": "ada"},
        ]})
    );
    assert_eq!(
        compiled("object_type:contacts custom_attributes.plan:pro", "UTC"),
        json!({"field": "custom_attributes.plan", "operator": "=", "value": "pro"})
    );
}

#[test]
fn bad_search_queries_say_what_is_wrong() {
    let table: &[(&str, &str)] = &[
        (
            "state:open",
            "must say what to search: add object_type:conversations",
        ),
        (
            "object_type:deals",
            "`object_type:deals` is not a searchable type",
        ),
        (
            "object_type:conversations limit:500",
            "`limit:500` must be a number from 1 to 150",
        ),
        (
            "object_type:conversations stat:open",
            "`stat` is not a search field of /conversations/search; did you mean `state`?",
        ),
        (
            "object_type:conversations created_at:contains:x",
            "`created_at` does not take `~`",
        ),
        (
            "object_type:conversations created_at>someday",
            "`created_at` cannot read `someday`",
        ),
        (
            "object_type:conversations statistics_time_to_admin_reply:gt:soon",
            "wants a whole number, got `soon`",
        ),
        (
            "object_type:conversations open:maybe",
            "`open` wants true or false",
        ),
        (
            "object_type:conversations q:\"unclosed",
            "unclosed double quote",
        ),
        ("object_type:contacts email:", "`email` has no value"),
    ];
    for (query, expected) in table {
        let err = refused(query);
        assert!(err.contains(expected), "{query}: {err}");
    }
}

#[test]
fn fetch_ids_name_their_object() {
    let ok: &[(&str, Option<&str>, FetchType, &str)] = &[
        ("conversation_123", None, FetchType::Conversation, "123"),
        ("contact_6657aa1a", None, FetchType::Contact, "6657aa1a"),
        ("company_x9", None, FetchType::Company, "x9"),
        ("ticket_9", None, FetchType::Ticket, "9"),
        ("215", Some("conversation"), FetchType::Conversation, "215"),
        (
            "https://app.intercom.com/a/inbox/abc123/inbox/conversation/215#part_id=comment-215-1",
            None,
            FetchType::Conversation,
            "215",
        ),
        (
            "https://app.eu.intercom.com/a/apps/abc/users/6657aa1a/all-conversations",
            None,
            FetchType::Contact,
            "6657aa1a",
        ),
    ];
    for (id, ty, expected_ty, expected_id) in ok {
        assert_eq!(
            hosted::fetch_id(id, *ty).unwrap(),
            (*expected_ty, (*expected_id).to_owned()),
            "{id}"
        );
    }
    for (id, ty, expected) in [
        ("123", None, "does not say what it is"),
        (
            "contact_1",
            Some("conversation"),
            "is a contact id but object_type says conversation",
        ),
        ("x", Some("deal"), "`object_type` `deal` is not fetchable"),
        (
            "https://example.com/nothing",
            None,
            "is not a link to a conversation",
        ),
    ] {
        let err = hosted::fetch_id(id, ty).unwrap_err();
        assert!(err.contains(expected), "{id}: {err}");
    }
}

// ---- against the sandbox ----

/// Ada's conversations in July 2023 (Dublin is on summer time, UTC+1), and one of Bob's.
struct July {
    ada: String,
    c1: String,
    c2: String,
    c3: String,
    b1: String,
}

async fn july(env: &Env) -> July {
    let ada = env.contact("ada@workflows.test", "Ada Lovelace").await;
    let bob = env.contact("bob@workflows.test", "Bob Babbage").await;
    let c1 = env
        .conversation(
            &ada,
            "Duplicate charge on my invoice",
            ts("2023-07-10T09:00:00+01:00"),
        )
        .await;
    // 23:30 on the 12th in Dublin, 22:30 UTC.
    let c2 = env
        .conversation(
            &ada,
            "Please refund the duplicate payment",
            ts("2023-07-12T23:30:00+01:00"),
        )
        .await;
    // 00:30 on the 13th in Dublin, but still the 12th in UTC.
    let c3 = env
        .conversation(
            &ada,
            "The export button is broken",
            ts("2023-07-13T00:30:00+01:00"),
        )
        .await;
    let b1 = env
        .conversation(
            &bob,
            "A duplicate charge again",
            ts("2023-07-11T10:00:00+01:00"),
        )
        .await;
    July {
        ada,
        c1,
        c2,
        c3,
        b1,
    }
}

#[tokio::test]
async fn conversations_by_customer_with_every_date_form() {
    let env = Env::start().await;
    let j = july(&env).await;
    env.take_log().await;

    // DD/MM/YYYY: calendar days in the workspace's time zone (Europe/Dublin, from GET /me).
    let r = env
        .call(
            "intercom_search_conversations_by_customer",
            json!({"customer_identifier": "ada@workflows.test", "start_date": "10/07/2023", "end_date": "12/07/2023"}),
        )
        .await;
    assert_eq!(ids(&r, "conversations"), set(&[&j.c1, &j.c2]));
    assert_eq!(r["filters"]["created_at"]["time_zone"], "Europe/Dublin");
    assert_eq!(r["filters"]["customer"]["contact_ids"], json!([j.ada]));
    assert_eq!(r["total_count"], 2);
    assert_eq!(r["has_more"], false);
    assert_eq!(
        env.take_log().await,
        [
            "GET /me",
            "POST /contacts/search",
            "POST /conversations/search"
        ]
    );

    // The seed's name and parameter names; ISO dates; /me is not read again.
    let r = env
        .call(
            "search_conversations_by_customer",
            json!({"customerIdentifier": "ada@workflows.test", "startDate": "2023-07-10", "endDate": "2023-07-12"}),
        )
        .await;
    assert_eq!(ids(&r, "conversations"), set(&[&j.c1, &j.c2]));
    assert_eq!(r["api_calls"], 2);
    assert_eq!(
        env.take_log().await,
        ["POST /contacts/search", "POST /conversations/search"]
    );

    // ISO date-times with an offset need no time zone.
    let r = env
        .call(
            "search_conversations_by_customer",
            json!({"customerIdentifier": "ada@workflows.test", "startDate": "2023-07-12T22:00:00Z", "endDate": "2023-07-12T23:59:59Z"}),
        )
        .await;
    assert_eq!(ids(&r, "conversations"), set(&[&j.c2, &j.c3]));
    env.take_log().await;

    // Unix seconds as numbers, with the contact id (no lookup: one call).
    let r = env
        .call(
            "intercom_search_conversations_by_customer",
            json!({"customer_identifier": j.ada, "start_date": 1689201000, "end_date": 1689204600}),
        )
        .await;
    assert_eq!(ids(&r, "conversations"), set(&[&j.c2, &j.c3]));
    assert_eq!(env.take_log().await, ["POST /conversations/search"]);

    // Unix milliseconds, as a number and as a string.
    let r = env
        .call(
            "intercom_search_conversations_by_customer",
            json!({"customer_identifier": j.ada, "start_date": 1688976000000_i64, "end_date": "1689201000000"}),
        )
        .await;
    assert_eq!(ids(&r, "conversations"), set(&[&j.c1, &j.c2]));

    // An email nobody has: one call, nothing found, and it says why.
    env.take_log().await;
    let r = env
        .call(
            "search_conversations_by_customer",
            json!({"customerIdentifier": "nobody@workflows.test"}),
        )
        .await;
    assert_eq!(r["count"], 0);
    assert!(
        r["note"]
            .as_str()
            .unwrap()
            .contains("No contact has the email"),
        "{r}"
    );
    assert_eq!(env.take_log().await, ["POST /contacts/search"]);
    env.stop().await;
}

#[tokio::test]
async fn relative_dates_count_back_from_now() {
    let env = Env::start().await;
    let ada = env.contact("ada@relative.test", "Ada").await;
    let now = Timestamp::now();
    let dublin = TimeZone::get("Europe/Dublin").unwrap();
    let yesterday_noon = now
        .to_zoned(dublin.clone())
        .date()
        .yesterday()
        .unwrap()
        .at(12, 0, 0, 0)
        .to_zoned(dublin)
        .unwrap()
        .timestamp();
    let recent = env
        .conversation(
            &ada,
            "Login fails since the update",
            now - SignedDuration::from_hours(50),
        )
        .await;
    let older = env
        .conversation(
            &ada,
            "Login failed last month",
            now - SignedDuration::from_hours(24 * 20),
        )
        .await;
    let yesterday = env
        .conversation(&ada, "Question about invoices", yesterday_noon)
        .await;
    env.take_log().await;

    let r = env
        .call(
            "intercom_search_conversations_by_customer",
            json!({"customer_identifier": ada, "start_date": "7d"}),
        )
        .await;
    assert_eq!(ids(&r, "conversations"), set(&[&recent, &yesterday]));
    // A relative start needs no time zone: no GET /me.
    assert_eq!(env.take_log().await, ["POST /conversations/search"]);

    let r = env
        .call(
            "intercom_search_conversations_by_customer",
            json!({"customer_identifier": ada, "start_date": "yesterday", "end_date": "yesterday"}),
        )
        .await;
    assert_eq!(ids(&r, "conversations"), set(&[&yesterday]));

    let r = env
        .call(
            "intercom_search_conversations_by_customer",
            json!({"customer_identifier": ada, "start_date": "4w", "end_date": "2w"}),
        )
        .await;
    assert_eq!(ids(&r, "conversations"), set(&[&older]));
    env.stop().await;
}

#[tokio::test]
async fn list_by_date_with_keywords_and_exclusions() {
    let env = Env::start().await;
    let j = july(&env).await;
    let july_range =
        json!({"start_date": "01/07/2023", "end_date": "31/07/2023", "time_zone": "Europe/Dublin"});
    let with = |extra: Value| {
        let mut args = july_range.clone();
        args.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        args
    };
    env.take_log().await;

    let r = env
        .call("intercom_list_conversations_by_date", july_range.clone())
        .await;
    assert_eq!(ids(&r, "conversations"), set(&[&j.c1, &j.c2, &j.c3, &j.b1]));
    assert_eq!(env.take_log().await, ["POST /conversations/search"]);

    // Exclusion goes into the query as `!~`.
    let r = env
        .call(
            "intercom_list_conversations_by_date",
            with(json!({"keywords": ["duplicate"], "exclude": ["refund"]})),
        )
        .await;
    assert_eq!(ids(&r, "conversations"), set(&[&j.c1, &j.b1]));
    assert!(
        r["query"]["value"]
            .as_array()
            .unwrap()
            .contains(&json!({"field": "source.body", "operator": "!~", "value": "refund"})),
        "{}",
        r["query"]
    );
    assert!(r.get("post_filter").is_none());
    assert_eq!(env.take_log().await, ["POST /conversations/search"]);

    // The seed's name, with `keyword` as one string.
    let r = env
        .call(
            "list_conversations",
            with(json!({"keyword": "export", "exclude": ["invoice"]})),
        )
        .await;
    assert_eq!(ids(&r, "conversations"), set(&[&j.c3]));

    // A phrase is searched by its longest word, then checked on the results, and the result says so.
    let r = env
        .call(
            "intercom_list_conversations_by_date",
            with(json!({"keywords": ["duplicate charge"]})),
        )
        .await;
    assert_eq!(ids(&r, "conversations"), set(&[&j.c1, &j.b1]));
    assert!(
        r["post_filter"]
            .as_str()
            .unwrap()
            .contains("\"duplicate charge\""),
        "{r}"
    );
    assert!(r.get("total_count").is_none());

    // Any versus all.
    let any = env
        .call(
            "intercom_list_conversations_by_date",
            with(json!({"keywords": ["export", "refund"]})),
        )
        .await;
    assert_eq!(ids(&any, "conversations"), set(&[&j.c2, &j.c3]));
    let all = env
        .call(
            "intercom_list_conversations_by_date",
            with(json!({"keywords": ["duplicate", "invoice"], "keywords_match": "all"})),
        )
        .await;
    assert_eq!(ids(&all, "conversations"), set(&[&j.c1]));

    // 16 keywords, any of which may match: two queries, one call each.
    env.take_log().await;
    let mut many: Vec<String> = (0..14).map(|i| format!("zzword{i}")).collect();
    many.push("export".into());
    many.push("invoice".into());
    let r = env
        .call(
            "intercom_list_conversations_by_date",
            with(json!({"keywords": many})),
        )
        .await;
    assert_eq!(ids(&r, "conversations"), set(&[&j.c1, &j.c3]));
    assert_eq!(
        env.take_log().await,
        ["POST /conversations/search", "POST /conversations/search"]
    );
    env.stop().await;
}

#[tokio::test]
async fn results_beyond_max_results_continue_with_a_cursor() {
    let env = Env::start().await;
    let j = july(&env).await;
    env.take_log().await;
    let mut seen = BTreeSet::new();
    let mut cursor: Option<String> = None;
    let mut calls = 0;
    loop {
        let mut args = json!({"start_date": "2023-07-01T00:00:00Z", "end_date": "2023-07-31T00:00:00Z", "max_results": 3});
        if let Some(c) = &cursor {
            args["starting_after"] = json!(c);
        }
        let r = env.call("intercom_list_conversations_by_date", args).await;
        calls += 1;
        let page = ids(&r, "conversations");
        assert!(page.len() <= 3);
        assert!(seen.is_disjoint(&page), "pages overlap");
        seen.extend(page);
        // One search per call: each page is one API call.
        assert_eq!(env.take_log().await, ["POST /conversations/search"]);
        match r["pages"]["next"]["starting_after"].as_str() {
            Some(c) => {
                assert_eq!(r["has_more"], true);
                cursor = Some(c.to_owned());
            }
            None => break,
        }
        assert!(calls < 5, "does not end");
    }
    assert_eq!(seen, set(&[&j.c1, &j.c2, &j.c3, &j.b1]));
    assert_eq!(calls, 2);
    env.stop().await;
}

#[tokio::test]
async fn a_hosted_search_page_cut_by_the_budget_points_at_the_continuation() {
    let env = Env::start().await;
    let j = july(&env).await;
    // Two per API page, of three: the first API page has a next-page note.
    let q = "object_type:conversations source_body:contains:duplicate created_at>=01/07/2023 created_at<=31/07/2023 limit:2";
    let mut found = Vec::new();
    let mut args = json!({"query": q, "time_zone": "UTC", "max_tokens": 200});
    let (mut cuts, mut cut_notes) = (0, 0);
    for _ in 0..8 {
        let page = env.call("search", args.clone()).await;
        found.extend(
            page["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_owned()),
        );
        let note = page["_note"].as_str().unwrap_or_default().to_owned();
        if page["truncated"] == true {
            cuts += 1;
            if !note.is_empty() {
                // The API's cursor would skip the items cut here.
                cut_notes += 1;
                assert!(note.contains("truncation.continue"), "{page}");
                assert!(!note.contains("starting_after:"), "{page}");
            }
            for (k, v) in page["truncation"]["continue"].as_object().unwrap() {
                args[k] = v.clone();
            }
        } else if let Some((_, cursor)) = note.rsplit_once("starting_after:") {
            args = json!({"query": format!("{q} starting_after:{cursor}"), "time_zone": "UTC", "max_tokens": 200});
        } else {
            break;
        }
    }
    assert!(
        cuts > 0 && cut_notes > 0,
        "the budget never cut a page with a note"
    );
    assert_eq!(found.len(), 3, "each once: {found:?}");
    let found: BTreeSet<String> = found.into_iter().collect();
    let expected: BTreeSet<String> = [&j.c1, &j.c2, &j.b1]
        .iter()
        .map(|id| format!("conversation_{id}"))
        .collect();
    assert_eq!(found, expected);
    env.stop().await;
}

#[tokio::test]
async fn search_and_fetch_as_the_hosted_server() {
    let env = Env::start().await;
    let j = july(&env).await;
    env.take_log().await;

    let q = "object_type:conversations source_body:contains:duplicate created_at>=01/07/2023 created_at<=31/07/2023 limit:2";
    let first = env
        .call("search", json!({"query": q, "time_zone": "UTC"}))
        .await;
    assert_eq!(first["total_in_page"], 2);
    let note = first["_note"].as_str().expect("a note with the cursor");
    let cursor = note.rsplit("starting_after:").next().unwrap();
    let second = env
        .call(
            "intercom_search",
            json!({"query": format!("{q} starting_after:{cursor}"), "time_zone": "UTC"}),
        )
        .await;
    assert!(second.get("_note").is_none(), "{second}");
    let found: BTreeSet<String> = first["results"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["results"].as_array().unwrap())
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    let expected: BTreeSet<String> = [&j.c1, &j.c2, &j.b1]
        .iter()
        .map(|id| format!("conversation_{id}"))
        .collect();
    assert_eq!(found, expected);
    assert_eq!(
        env.take_log().await,
        ["POST /conversations/search", "POST /conversations/search"]
    );

    let contacts = env
        .call(
            "search",
            json!({"query": "object_type:contacts email:ada@workflows.test"}),
        )
        .await;
    assert_eq!(contacts["results"][0]["id"], format!("contact_{}", j.ada));
    assert_eq!(contacts["results"][0]["email"], "ada@workflows.test");

    let c = env
        .call("fetch", json!({"id": format!("conversation_{}", j.c1)}))
        .await;
    assert_eq!(c["data"]["id"], j.c1.as_str());
    assert_eq!(c["title"], "Duplicate charge on my invoice");
    assert_eq!(
        c["url"],
        format!(
            "https://app.intercom.com/a/inbox/_/inbox/conversation/{}",
            j.c1
        )
    );
    let by_url = env.call("intercom_fetch", json!({"id": c["url"]})).await;
    assert_eq!(by_url["data"]["id"], j.c1.as_str());
    let contact = env
        .call("fetch", json!({"id": j.ada, "object_type": "contact"}))
        .await;
    assert_eq!(contact["data"]["email"], "ada@workflows.test");
    assert_eq!(contact["id"], format!("contact_{}", j.ada));
    env.take_log().await;
    let missing = env
        .call_err("fetch", json!({"id": "conversation_999999"}))
        .await;
    assert_eq!(missing.client_error().and_then(|e| e.status()), Some(404));
    assert_eq!(env.take_log().await, ["GET /conversations/999999"]);
    env.stop().await;
}

// ---- tickets ----

/// A ticket for `contact`, created at `at`, moved to `state` unless it is `submitted`.
async fn ticket(
    env: &Env,
    type_id: &str,
    contact: &str,
    title: &str,
    at: Timestamp,
    state: &str,
) -> String {
    let t = env
        .api(Request::post(
            "/tickets",
            json!({"ticket_type_id": type_id, "contacts": [{"id": contact}], "created_at": at.as_second(), "ticket_attributes": {"_default_title_": title, "Severity": "Low"}}),
        ))
        .await;
    let id = t["id"].as_str().unwrap().to_owned();
    if state != "submitted" {
        env.api(Request::put(
            format!("/tickets/{id}"),
            json!({"state": state}),
        ))
        .await;
    }
    id
}

#[tokio::test]
async fn ticket_workflows_by_customer_and_status() {
    let env = Env::start().await;
    let types = env.api(Request::get("/ticket_types")).await;
    let type_id = types["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Bug report")
        .expect("the demo's bug report type")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ada = env.contact("ada@tickets.test", "Ada").await;
    let bob = env.contact("bob@tickets.test", "Bob").await;
    let t1 = ticket(
        &env,
        &type_id,
        &ada,
        "Cannot log in",
        ts("2023-07-10T09:00:00Z"),
        "submitted",
    )
    .await;
    let t2 = ticket(
        &env,
        &type_id,
        &ada,
        "Refund",
        ts("2023-07-20T09:00:00Z"),
        "waiting_on_customer",
    )
    .await;
    let t3 = ticket(
        &env,
        &type_id,
        &ada,
        "Old",
        ts("2023-06-01T09:00:00Z"),
        "resolved",
    )
    .await;
    let t4 = ticket(
        &env,
        &type_id,
        &bob,
        "Bob's",
        ts("2023-07-11T09:00:00Z"),
        "in_progress",
    )
    .await;
    env.take_log().await;

    let r = env
        .call(
            "search_tickets_by_customer",
            json!({"customerIdentifier": "ada@tickets.test", "startDate": "01/07/2023", "endDate": "31/07/2023", "time_zone": "UTC"}),
        )
        .await;
    assert_eq!(ids(&r, "tickets"), set(&[&t1, &t2]));
    assert_eq!(
        env.take_log().await,
        ["POST /contacts/search", "POST /tickets/search"]
    );
    let r = env
        .call(
            "intercom_search_tickets_by_customer",
            json!({"customer_identifier": ada, "status": "resolved"}),
        )
        .await;
    assert_eq!(ids(&r, "tickets"), set(&[&t3]));
    env.take_log().await;

    let within = |r: &Value| -> BTreeSet<String> {
        ids(r, "tickets")
            .into_iter()
            .filter(|id| [&t1, &t2, &t3, &t4].contains(&id))
            .collect()
    };
    let open = env
        .call("search_tickets_by_status", json!({"status": "open", "startDate": "2023-06-01", "endDate": "2023-07-31", "time_zone": "UTC"}))
        .await;
    assert_eq!(within(&open), set(&[&t1, &t4]));
    let pending = env
        .call("intercom_search_tickets_by_status", json!({"status": "pending", "start_date": "2023-06-01", "end_date": "2023-07-31", "time_zone": "UTC"}))
        .await;
    assert_eq!(within(&pending), set(&[&t2]));
    assert_eq!(
        env.take_log().await,
        ["POST /tickets/search", "POST /tickets/search"]
    );

    // The plain ticket tools.
    let one = env
        .call("intercom_retrieve_ticket", json!({"ticket_id": t2}))
        .await;
    assert_eq!(one["id"], t2.as_str());
    let found = env
        .call(
            "intercom_search_tickets",
            json!({"query": {"field": "contact_ids", "operator": "=", "value": bob}}),
        )
        .await;
    assert_eq!(ids(&found, "tickets"), set(&[&t4]));
    env.stop().await;
}
