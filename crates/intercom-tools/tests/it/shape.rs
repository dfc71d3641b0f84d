//! Response shaping as a pure function: tables and snapshots, no socket.

use intercom_tools::shape::{
    self, CursorParam, PageContext, ResponseFormat, ShapeOptions, estimate_tokens,
    parse_skip_cursor, skip_cursor,
};
use serde_json::{Value, json};

/// A conversation as the API returns it (the sandbox's shape), with `n` parts.
fn conversation(id: &str, parts: usize) -> Value {
    let parts: Vec<Value> = (0..parts)
        .map(|i| {
            json!({
                "type": "conversation_part",
                "id": format!("{}", 100_000 + i),
                "part_type": if i % 3 == 0 { "assignment" } else { "comment" },
                "body": if i % 3 == 0 { Value::Null } else { json!(format!("<p>Reply number {i} &amp; more.</p>")) },
                "created_at": 1_729_122_291 + i as i64 * 60,
                "updated_at": 1_729_122_291 + i as i64 * 60,
                "notified_at": 1_729_122_291 + i as i64 * 60,
                "assigned_to": if i % 3 == 0 { json!({"type": "admin", "id": "991273218"}) } else { Value::Null },
                "author": {"id": "991273218", "type": "admin", "name": "Chloe Park", "email": "chloe@sandbox-support.example"},
                "attachments": [],
                "external_id": null,
                "redacted": false,
                "metadata": {},
                "email_message_metadata": null,
                "state": "open",
                "tags": [],
                "event_details": null,
                "app_package_code": null
            })
        })
        .collect();
    let count = parts.len();
    json!({
        "type": "conversation",
        "id": id,
        "created_at": 1_729_120_935,
        "updated_at": 1_729_149_620,
        "waiting_since": null,
        "snoozed_until": 1_739_880_000,
        "source": {
            "type": "conversation",
            "id": "400000002",
            "delivered_as": "customer_initiated",
            "subject": "",
            "body": "<p>We'd like to switch to <b>annual</b> billing.</p><p>See <a href=\"https://example.com/plan\">our plan</a>.</p>",
            "author": {"id": "6688c511000004c83f091479", "type": "user", "name": "Clara Rossi", "email": "clara@lumen.example"},
            "attachments": [],
            "url": null,
            "redacted": false
        },
        "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "6688c511000004c83f091479", "external_id": "usr_000005"}]},
        "admin_assignee_id": 991_273_218,
        "team_assignee_id": null,
        "open": true,
        "state": "open",
        "read": false,
        "tags": {"type": "tag.list", "tags": []},
        "priority": "not_priority",
        "statistics": {
            "type": "conversation_statistics",
            "time_to_admin_reply": 8261,
            "first_admin_reply_at": 1_729_129_196,
            "last_close_at": null,
            "count_reopens": 0,
            "count_conversation_parts": count + 1
        },
        "teammates": {"type": "admin.list", "teammates": [{"type": "admin", "id": "991273218"}]},
        "custom_attributes": {"issue_type": "Billing"},
        "topics": {},
        "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": false, "url": "/conversations/1002/linked_objects"},
        "conversation_parts": {"type": "conversation_part.list", "conversation_parts": parts, "total_count": count}
    })
}

/// One page of a conversation list: `n` conversations, with a next cursor.
fn page(n: usize) -> Value {
    let conversations: Vec<Value> = (0..n)
        .map(|i| {
            let mut c = conversation(&format!("{}", 2000 + i), 0);
            c.as_object_mut().unwrap().remove("conversation_parts");
            c
        })
        .collect();
    json!({
        "type": "conversation.list",
        "pages": {"type": "pages", "page": 1, "per_page": n, "total_pages": 4, "next": {"per_page": n, "starting_after": "API_CURSOR_2"}},
        "total_count": n * 4,
        "conversations": conversations
    })
}

fn compact() -> ShapeOptions {
    ShapeOptions::compact().max_tokens(None)
}

#[test]
fn compact_conversation() {
    let shaped = shape::shape(conversation("1002", 3), &compact());
    assert!(!shaped.truncated);
    insta::assert_json_snapshot!("compact_conversation", shaped.value);
}

#[test]
fn full_keeps_the_api_json() {
    let original = conversation("1002", 4);
    let shaped = shape::shape(original.clone(), &ShapeOptions::full());
    assert_eq!(shaped.value, original);
    assert!(!shaped.truncated);
    assert_eq!(shaped.tokens, estimate_tokens(&original));
}

#[test]
fn nulls_false_and_empties_are_dropped() {
    let input = json!({
        "id": "1", "a": null, "b": "", "c": "  ", "d": [], "e": {}, "f": {"g": null, "h": []},
        "flag": false, "on": true, "zero": 0, "nested": [{"x": null, "y": 1}, null, {"z": false}],
        "has_more": false, "more": {"has_more": true, "data": [{"id": "2"}], "total_count": 9}
    });
    let shaped = shape::shape(input, &compact());
    assert_eq!(
        shaped.value,
        json!({
            "id": "1", "on": true, "zero": 0, "nested": [{"y": 1}],
            "more": {"has_more": true, "data": [{"id": "2"}], "total_count": 9}
        })
    );
}

#[test]
fn bookkeeping_is_left_out_unless_fields_name_it() {
    let input = json!({
        "id": "1",
        "created_at": 1_740_823_200,
        "statistics": {"type": "conversation_statistics", "count_reopens": 2},
        "teammates": {"type": "admin.list", "teammates": [{"type": "admin", "id": "7"}]},
        "tags": {"type": "tag.list", "tags": [{"type": "tag", "id": "5", "name": "VIP", "applied_at": 1_740_823_200, "applied_by": {"type": "admin", "id": "7"}}]},
        "conversation_parts": {"type": "conversation_part.list", "total_count": 2, "conversation_parts": [{
            "type": "conversation_part", "id": "9", "part_type": "close", "state": "closed",
            "created_at": 1_740_823_200, "updated_at": 1_740_823_200, "notified_at": 1_740_823_200,
            "author": {"type": "admin", "id": "7", "name": "Ann", "email": "ann@team.example"}
        }, {
            "type": "conversation_part", "id": "10", "part_type": "comment", "body": "<p>Hi</p>",
            "created_at": 1_740_823_200, "updated_at": 1_740_823_260,
            "author": {"type": "user", "id": "c1", "name": "Bo", "email": "bo@customer.example"}
        }]}
    });
    let shaped = shape::shape(input.clone(), &compact());
    assert_eq!(
        shaped.value,
        json!({
            "id": "1",
            "created_at": "2025-03-01T10:00:00Z",
            "tags": [{"id": "5", "name": "VIP"}],
            // Each person once; parts name their author by id.
            "authors": {
                "7": {"type": "admin", "name": "Ann", "email": "ann@team.example"},
                "c1": {"type": "user", "name": "Bo", "email": "bo@customer.example"}
            },
            "conversation_parts": [
                {"id": "9", "part_type": "close", "created_at": "2025-03-01T10:00:00Z", "author": "7"},
                {"id": "10", "part_type": "comment", "body": "Hi", "created_at": "2025-03-01T10:00:00Z",
                 "updated_at": "2025-03-01T10:01:00Z", "author": "c1"}
            ]
        })
    );
    // Named in `fields`, they are kept (still in the compact form).
    let named = compact().fields([
        "statistics",
        "conversation_parts.author.email",
        "conversation_parts.state",
    ]);
    assert_eq!(
        shape::shape(input, &named).value,
        json!({
            "id": "1",
            "statistics": {"count_reopens": 2},
            "conversation_parts": [
                {"state": "closed", "author": {"email": "ann@team.example"}},
                {"author": {"email": "bo@customer.example"}}
            ]
        })
    );
}

#[test]
fn html_becomes_text() {
    let table = [
        ("<p>Hello &amp; welcome.</p>", "Hello & welcome."),
        ("<p>One</p><p>Two<br>Three</p>", "One\n\nTwo\nThree"),
        (
            "<p>See <a href=\"https://x.example/doc\">the doc</a></p>",
            "See [the doc][1]\n\n[1]: https://x.example/doc",
        ),
        ("<ul><li>a</li><li>b</li></ul>", "* a\n* b"),
        (
            "<p><b>bold</b> and <code>x &lt; 3</code></p>",
            "**bold** and `x < 3`",
        ),
        // Not HTML: left alone.
        ("I <3 this, 2 < 3", "I <3 this, 2 < 3"),
        ("<jane@example.com>", "<jane@example.com>"),
    ];
    for (html, text) in table {
        let shaped = shape::shape(json!({ "body": html }), &compact());
        assert_eq!(shaped.value["body"], text, "{html}");
    }
    // HTML with no text at all is dropped like an empty string.
    let shaped = shape::shape(json!({ "id": "1", "body": "<p></p>" }), &compact());
    assert_eq!(shaped.value, json!({ "id": "1" }));
}

#[test]
fn times_become_iso_and_ids_strings() {
    let input = json!({
        "id": 42,
        "created_at": 1_740_823_200,
        "snoozed_until": 1_739_880_000,
        "waiting_since": 1_729_086_639,
        "time_to_admin_reply": 8261,
        "count_reopens": 3,
        "custom_at": 12,
        "admin_assignee_id": 991_273_218,
        "team_ids": [5, 6],
        "external_id": "usr_1",
        "price": 1_740_823_200
    });
    let shaped = shape::shape(input, &compact());
    assert_eq!(
        shaped.value,
        json!({
            "id": "42",
            "created_at": "2025-03-01T10:00:00Z",
            "snoozed_until": "2025-02-18T12:00:00Z",
            "waiting_since": "2024-10-16T13:50:39Z",
            "time_to_admin_reply": 8261,
            "count_reopens": 3,
            "custom_at": 12,
            "admin_assignee_id": "991273218",
            "team_ids": ["5", "6"],
            "external_id": "usr_1",
            "price": 1_740_823_200
        })
    );
}

#[test]
fn envelopes_are_trimmed() {
    let shaped = shape::shape(conversation("1", 2), &compact());
    let v = &shaped.value;
    // Wrappers that hold every item collapse to their array; empty ones vanish.
    assert_eq!(v["contacts"][0]["id"], "6688c511000004c83f091479");
    assert_eq!(
        v["contacts"],
        json!([{"id": "6688c511000004c83f091479", "external_id": "usr_000005"}])
    );
    assert_eq!(v["conversation_parts"].as_array().unwrap().len(), 2);
    for gone in [
        "tags",
        "linked_objects",
        "teammates",
        "statistics",
        "topics",
    ] {
        assert!(v.get(gone).is_none(), "{gone}");
    }
    // A page keeps its cursor where the API puts it, without the `type` noise.
    let shaped = shape::shape(page(2), &compact());
    assert_eq!(
        shaped.value["pages"],
        json!({"page": 1, "per_page": 2, "total_pages": 4, "next": {"per_page": 2, "starting_after": "API_CURSOR_2"}})
    );
    assert_eq!(shaped.value["type"], "conversation.list");
    assert_eq!(shaped.value["total_count"], 8);
}

#[test]
fn fields_select_dot_paths_of_each_item() {
    let options = compact().fields(["state", "source.body", "source.author.email"]);
    let shaped = shape::shape(page(2), &options);
    assert_eq!(
        shaped.value["conversations"],
        json!([
            {"id": "2000", "state": "open", "source": {"body": "We'd like to switch to **annual** billing.\n\nSee [our plan][1].\n\n[1]: https://example.com/plan", "author": {"email": "clara@lumen.example"}}},
            {"id": "2001", "state": "open", "source": {"body": "We'd like to switch to **annual** billing.\n\nSee [our plan][1].\n\n[1]: https://example.com/plan", "author": {"email": "clara@lumen.example"}}}
        ])
    );
    // The envelope stays: the cursor is still there.
    assert_eq!(
        shaped.value["pages"]["next"]["starting_after"],
        "API_CURSOR_2"
    );
    // A path may name the list first; `full` keeps the API's values.
    let options = ShapeOptions::full().fields(["conversations.state"]);
    let shaped = shape::shape(page(1), &options);
    assert_eq!(
        shaped.value["conversations"],
        json!([{"id": "2000", "state": "open"}])
    );
}

#[test]
fn fields_reach_through_list_wrappers_and_arrays() {
    let through_wrapper = compact().fields(["conversation_parts.body", "contacts.external_id"]);
    let spelled_out = compact().fields([
        "conversation_parts.conversation_parts.body",
        "contacts.contacts.external_id",
    ]);
    let a = shape::shape(conversation("7", 3), &through_wrapper).value;
    let b = shape::shape(conversation("7", 3), &spelled_out).value;
    let expected = json!({
        "id": "7",
        "contacts": [{"external_id": "usr_000005"}],
        "conversation_parts": [{"body": "Reply number 1 & more."}, {"body": "Reply number 2 & more."}]
    });
    assert_eq!(a, expected);
    assert_eq!(b, expected);
    // Missing paths select nothing, not an error.
    let none = shape::shape(conversation("7", 1), &compact().fields(["no.such.path"])).value;
    assert_eq!(none, json!({"id": "7"}));
}

#[test]
fn a_page_over_budget_is_cut_between_items_with_a_cursor() {
    let full_page = page(40);
    let whole = shape::shape(full_page.clone(), &compact());
    let items = whole.value["conversations"].as_array().unwrap().clone();
    assert!(whole.tokens > 3000, "{}", whole.tokens);

    let context = PageContext::new(
        0,
        Some("API_CURSOR_1".into()),
        Some(CursorParam::StartingAfter),
    );
    let options = compact().max_tokens(Some(2000)).page(context);
    let cut = shape::shape(full_page.clone(), &options);
    assert!(cut.truncated);
    assert!(cut.tokens <= 2000, "{} tokens", cut.tokens);
    let kept = cut.value["conversations"].as_array().unwrap();
    let k = kept.len();
    assert!(k > 0 && k < 40);
    // Whole items, in order, exactly as without the cut.
    assert_eq!(kept.as_slice(), &items[..k]);
    let cursor = format!("skip:{k}:API_CURSOR_1");
    assert_eq!(
        cut.value["truncation"],
        json!({
            "list": "conversations", "kept": k, "omitted": 40 - k, "max_tokens": 2000,
            "continue": {"starting_after": cursor},
            "hint": "The page was cut to fit max_tokens: call the same tool again with `continue` merged into the arguments (same per_page) for the rest."
        })
    );
    assert_eq!(cut.value["truncated"], true);
    assert_eq!(
        cut.value["pages"]["next"]["starting_after"],
        cursor.as_str()
    );

    // Continuing: the same page with the first k items skipped, then the API's own cursor.
    let (skip, api) = parse_skip_cursor(&cursor).unwrap();
    let context = PageContext::new(skip, api, Some(CursorParam::StartingAfter));
    let mut seen: Vec<Value> = kept.clone();
    let mut options = compact().max_tokens(Some(2000)).page(context);
    loop {
        let next = shape::shape(full_page.clone(), &options);
        seen.extend(
            next.value["conversations"]
                .as_array()
                .unwrap()
                .iter()
                .cloned(),
        );
        if !next.truncated {
            assert_eq!(
                next.value["pages"]["next"]["starting_after"],
                "API_CURSOR_2"
            );
            break;
        }
        let cursor = next.value["truncation"]["continue"]["starting_after"]
            .as_str()
            .unwrap();
        let (skip, api) = parse_skip_cursor(cursor).unwrap();
        options = options.page(PageContext::new(
            skip,
            api,
            Some(CursorParam::StartingAfter),
        ));
    }
    assert_eq!(seen, items, "every item once, in order");
}

#[test]
fn a_search_page_continues_through_pagination() {
    let context = PageContext::new(0, None, Some(CursorParam::Pagination));
    let cut = shape::shape(page(30), &compact().max_tokens(Some(1500)).page(context));
    let k = cut.value["truncation"]["kept"].as_u64().unwrap();
    assert_eq!(
        cut.value["truncation"]["continue"],
        json!({"pagination": {"starting_after": format!("skip:{k}:")}})
    );
}

#[test]
fn a_page_that_fits_is_not_cut() {
    let context = PageContext::new(0, None, Some(CursorParam::StartingAfter));
    let shaped = shape::shape(page(3), &compact().max_tokens(Some(20_000)).page(context));
    assert!(!shaped.truncated);
    assert!(shaped.value.get("truncation").is_none());
    assert_eq!(
        shaped.value["pages"]["next"]["starting_after"],
        "API_CURSOR_2"
    );
}

#[test]
fn a_long_conversation_keeps_its_newest_parts() {
    let long = conversation("9", 200);
    let cut = shape::shape(long, &compact().max_tokens(Some(3000)));
    assert!(cut.truncated);
    assert!(cut.tokens <= 3000, "{}", cut.tokens);
    let parts = cut.value["conversation_parts"].as_array().unwrap();
    let kept = parts.len();
    assert!(kept > 5 && kept < 200, "{kept}");
    // The newest part is kept, and the parts are whole and contiguous up to it.
    assert_eq!(parts.last().unwrap()["id"], "100199");
    assert_eq!(parts[0]["id"], format!("{}", 100_000 + 200 - kept));
    assert_eq!(parts[1]["author"], "991273218");
    assert_eq!(cut.value["authors"]["991273218"]["name"], "Chloe Park");
    // The source message is never cut.
    assert!(
        cut.value["source"]["body"]
            .as_str()
            .unwrap()
            .starts_with("We'd like")
    );
    let t = &cut.value["truncation"];
    assert_eq!(t["list"], "conversation_parts");
    assert_eq!(t["kept"], kept);
    assert_eq!(t["omitted"], 200 - kept);
    assert_eq!(t["kept_end"], "newest");
    assert!(t.get("continue").is_none());
}

#[test]
fn a_conversation_at_the_500_part_cap_is_flagged() {
    let mut capped = conversation("5", 500);
    capped["conversation_parts"]["total_count"] = json!(612);
    for options in [compact(), ShapeOptions::full()] {
        let shaped = shape::shape(capped.clone(), &options);
        assert!(shaped.truncated, "{:?}", options.format);
        assert_eq!(shaped.value["truncated"], true);
        let t = &shaped.value["truncation"];
        assert_eq!(t["list"], "conversation_parts");
        assert_eq!(t["api_total_count"], 612);
        assert_eq!(t["api_returned"], 500);
        assert!(t["hint"].as_str().unwrap().contains("500 most recent"));
    }
    // Exactly 500 parts with no total beyond them is still the cap.
    let at_cap = conversation("6", 500);
    assert!(shape::shape(at_cap, &compact()).truncated);
    // Below the cap, nothing is flagged.
    assert!(!shape::shape(conversation("7", 499), &compact()).truncated);
}

#[test]
fn skip_cursors_round_trip() {
    assert_eq!(skip_cursor(Some("WzE3MTk="), 12), "skip:12:WzE3MTk=");
    assert_eq!(skip_cursor(None, 3), "skip:3:");
    assert_eq!(
        parse_skip_cursor("skip:12:WzE3MTk="),
        Some((12, Some("WzE3MTk=".into())))
    );
    assert_eq!(parse_skip_cursor("skip:3:"), Some((3, None)));
    for not_ours in ["WzE3MTk=", "skip:x:abc", "skip:3", ""] {
        assert_eq!(parse_skip_cursor(not_ours), None, "{not_ours}");
    }
    assert_eq!(ResponseFormat::parse("full"), Some(ResponseFormat::Full));
}

/// A conversation of a page as the API lists it, with a long body, tags and a contact email.
fn listed(body: &str) -> Value {
    let mut c = conversation("3001", 0);
    let m = c.as_object_mut().unwrap();
    m.remove("conversation_parts");
    m.insert("waiting_since".into(), json!(1_729_120_935));
    m.insert("read".into(), json!(true));
    m.insert("title".into(), json!("Annual billing"));
    m["source"]["body"] = json!(body);
    m["source"]["subject"] = json!("Billing question");
    m["source"]["url"] = json!("https://app.example/page");
    m["contacts"]["contacts"][0]["email"] = json!("clara@lumen.example");
    m["tags"]["tags"] = json!([{"type": "tag", "id": "17", "name": "VIP", "applied_at": 1_729_120_935, "applied_by": {"type": "admin", "id": "7"}}]);
    c
}

#[test]
fn a_page_gives_a_summary_of_each_conversation() {
    let long = format!("<p>{}</p>", "word ".repeat(100));
    let input = json!({
        "type": "conversation.list",
        "pages": {"type": "pages", "next": {"starting_after": "C2"}},
        "conversations": [listed(&long), listed("<p>Short.</p>")]
    });
    let shaped = shape::shape(input.clone(), &compact());
    let items = shaped.value["conversations"].as_array().unwrap();
    let cut = format!("{}…", "word ".repeat(60).trim_end());
    assert_eq!(
        items[0],
        json!({
            "id": "3001",
            "created_at": "2024-10-16T23:22:15Z",
            "updated_at": "2024-10-17T07:20:20Z",
            "snoozed_until": "2025-02-18T12:00:00Z",
            "source": {
                "subject": "Billing question",
                "body": cut,
                "author": {"id": "6688c511000004c83f091479", "type": "user", "name": "Clara Rossi", "email": "clara@lumen.example"}
            },
            "contacts": [{"id": "6688c511000004c83f091479", "external_id": "usr_000005", "email": "clara@lumen.example"}],
            "admin_assignee_id": "991273218",
            "state": "open",
            "tags": [{"id": "17", "name": "VIP"}],
            "custom_attributes": {"issue_type": "Billing"},
            "title": "Annual billing",
            "body_truncated": true
        })
    );
    assert!(cut.chars().count() <= 301);
    // A short body is whole, and not flagged.
    assert_eq!(items[1]["source"]["body"], "Short.");
    assert!(items[1].get("body_truncated").is_none());
    // `fields` and `full` still give everything they name.
    let named = shape::shape(input.clone(), &compact().fields(["source.body", "read"]));
    assert_eq!(
        named.value["conversations"][0]["source"]["body"],
        "word ".repeat(100).trim_end()
    );
    assert_eq!(named.value["conversations"][0]["read"], true);
    let full = shape::shape(input.clone(), &ShapeOptions::full());
    assert_eq!(full.value, input);
}

#[test]
fn a_summary_keeps_a_distinct_waiting_since_and_a_non_default_source_type() {
    let mut c = listed("<p>Hi</p>");
    c["waiting_since"] = json!(1_729_130_000);
    c["source"]["type"] = json!("email");
    c["priority"] = json!("priority");
    let shaped = shape::shape(
        json!({"type": "conversation.list", "conversations": [c]}),
        &compact(),
    );
    let item = &shaped.value["conversations"][0];
    assert_eq!(item["waiting_since"], "2024-10-17T01:53:20Z");
    assert_eq!(item["source"]["type"], "email");
    assert_eq!(item["priority"], "priority");
    assert!(item["source"].get("id").is_none());
    assert!(item["source"].get("delivered_as").is_none());
}

#[test]
fn a_cut_page_points_its_own_note_at_the_continuation() {
    let results: Vec<Value> = (0..40)
        .map(|i| json!({"id": format!("{i}"), "title": "x".repeat(200)}))
        .collect();
    let input = json!({
        "results": results,
        "pages": {"next": {"starting_after": "API_NEXT"}},
        "_note": "More results available. To get the next page, add to your query: starting_after:API_NEXT"
    });
    let context = PageContext::new(0, None, Some(CursorParam::StartingAfter));
    let cut = shape::shape(
        input.clone(),
        &compact().max_tokens(Some(1000)).page(context.clone()),
    );
    assert!(cut.truncated);
    let note = cut.value["_note"].as_str().unwrap();
    assert!(note.contains("truncation.continue"), "{note}");
    assert!(!note.contains("API_NEXT"), "{note}");
    let k = cut.value["truncation"]["kept"].as_u64().unwrap();
    assert_eq!(
        cut.value["truncation"]["continue"],
        json!({"starting_after": format!("skip:{k}:")})
    );
    // A page that fits keeps the tool's note as it is.
    let whole = shape::shape(
        input.clone(),
        &compact().max_tokens(Some(100_000)).page(context),
    );
    assert_eq!(whole.value["_note"], input["_note"]);
}
