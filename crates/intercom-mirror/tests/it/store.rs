//! The store's questions over documents written directly: full text with ranking and snippets,
//! filters, grouped counts, export, freshness and clear errors. Written against `&dyn Store`,
//! so every store implementation runs the same checks: SQLite in memory, and PostgreSQL
//! when a test server is given (see `postgres.rs`).

use intercom_mirror::{Checkpoint, Count, Error, Filter, GroupBy, Resource, Search, Store, Write};
use serde_json::{Value, json};

const DAY: i64 = 86_400;
/// 2026-11-02T00:00:00Z, a Monday.
const NOV_2: i64 = 1_793_577_600;

fn conversation(
    id: u32,
    created_at: i64,
    state: &str,
    team: &str,
    tags: &[(&str, &str)],
    body: &str,
) -> Value {
    json!({
        "type": "conversation",
        "id": id.to_string(),
        "created_at": created_at,
        "updated_at": created_at + 60,
        "state": state,
        "team_assignee_id": team,
        "admin_assignee_id": "7",
        "title": null,
        "source": {"subject": "", "body": format!("<p>{body}</p>")},
        "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": format!("c{}", id % 3)}]},
        "tags": {"type": "tag.list", "tags": tags.iter().map(|(id, name)| json!({"type": "tag", "id": id, "name": name})).collect::<Vec<_>>()},
        "conversation_parts": {"type": "conversation_part.list", "total_count": 1, "conversation_parts": [
            {"type": "conversation_part", "id": format!("p{id}"), "body": "<p>Thanks, closing this one.</p>"}
        ]},
    })
}

fn fill(store: &dyn Store) {
    let docs = vec![
        conversation(
            1,
            NOV_2,
            "open",
            "10",
            &[("t1", "Billing")],
            "I need a refund for my order",
        ),
        conversation(
            2,
            NOV_2 + DAY,
            "closed",
            "10",
            &[("t1", "Billing"), ("t2", "VIP")],
            "Refund refund refund please, the refund is late",
        ),
        conversation(
            3,
            NOV_2 + 8 * DAY,
            "open",
            "20",
            &[],
            "The app crashes when I log in",
        ),
        conversation(
            4,
            NOV_2 + 31 * DAY,
            "snoozed",
            "0",
            &[("t2", "VIP")],
            "Can I get a refund on the annual plan?",
        ),
    ];
    store
        .write(
            Resource::Conversations,
            Write {
                upserts: &docs,
                ..Write::default()
            },
        )
        .unwrap();
    let teams = vec![
        json!({"type": "team", "id": "10", "name": "Billing team"}),
        json!({"type": "team", "id": "20", "name": "Support"}),
    ];
    store
        .write(
            Resource::Teams,
            Write {
                upserts: &teams,
                ..Write::default()
            },
        )
        .unwrap();
}

fn check_full_text_ranks_and_marks(store: &dyn Store) {
    fill(store);
    let hits = store.search(&Search::new(Filter::text("refund"))).unwrap();
    assert_eq!(hits.total, 3);
    let ids: Vec<&str> = hits.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids[0], "2", "the densest match ranks first: {ids:?}");
    assert!(
        hits.hits[0]
            .snippet
            .as_deref()
            .unwrap()
            .contains("[Refund]")
    );
    // Parts are searched too: the whole transcript, not only the first message.
    assert_eq!(
        store
            .search(&Search::new(Filter::text("closing")))
            .unwrap()
            .total,
        4
    );
    // Plain words are quoted, so punctuation is no syntax error.
    assert_eq!(
        store
            .search(&Search::new(Filter::text("can't refund?")))
            .unwrap()
            .total,
        0
    );
    assert_eq!(
        store
            .search(&Search::new(Filter::text("refun*")))
            .unwrap()
            .total,
        3
    );
}

fn check_filters(store: &dyn Store) {
    fill(store);
    let search = |filter: Filter| {
        let mut ids: Vec<String> = store
            .search(&Search::new(filter))
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(
        search(Filter {
            state: Some("open".into()),
            ..Filter::default()
        }),
        ["1", "3"]
    );
    assert_eq!(
        search(Filter {
            team_id: Some("10".into()),
            ..Filter::text("refund")
        }),
        ["1", "2"]
    );
    assert_eq!(
        search(Filter {
            tag: Some("vip".into()),
            ..Filter::default()
        }),
        ["2", "4"],
        "tag names match without case"
    );
    assert_eq!(
        search(Filter {
            tag: Some("t1".into()),
            ..Filter::default()
        }),
        ["1", "2"]
    );
    assert_eq!(
        search(Filter {
            contact_id: Some("c1".into()),
            ..Filter::default()
        }),
        ["1", "4"]
    );
    assert_eq!(
        search(Filter {
            created_after: Some(NOV_2 + DAY),
            created_before: Some(NOV_2 + 31 * DAY),
            ..Filter::default()
        }),
        ["2", "3"],
        "after is inclusive, before exclusive"
    );
    assert_eq!(
        search(Filter {
            team_id: Some("0".into()),
            ..Filter::default()
        }),
        Vec::<String>::new(),
        "`0` is unassigned, stored as none"
    );
}

fn check_counts(store: &dyn Store) {
    fill(store);
    let count = |group: GroupBy, filter: Filter| {
        store
            .count(&Count::new(filter).group_by(group))
            .unwrap()
            .groups
            .into_iter()
            .map(|g| {
                (
                    g.key.unwrap_or_default(),
                    g.name.unwrap_or_default(),
                    g.count,
                )
            })
            .collect::<Vec<_>>()
    };
    let s = |k: &str, n: &str, c: u64| (k.to_owned(), n.to_owned(), c);
    assert_eq!(
        count(GroupBy::Team, Filter::text("refund")),
        [s("10", "Billing team", 2), s("", "", 1)]
    );
    assert_eq!(
        count(GroupBy::State, Filter::default()),
        [s("open", "", 2), s("closed", "", 1), s("snoozed", "", 1)]
    );
    assert_eq!(
        count(GroupBy::Tag, Filter::default()),
        [s("t1", "Billing", 2), s("t2", "VIP", 2)]
    );
    assert_eq!(
        count(GroupBy::Month, Filter::default()),
        [s("2026-11", "", 3), s("2026-12", "", 1)]
    );
    assert_eq!(
        count(GroupBy::Week, Filter::default()),
        [
            s("2026-11-02", "", 2),
            s("2026-11-09", "", 1),
            s("2026-11-30", "", 1)
        ]
    );
    assert_eq!(
        count(GroupBy::Day, Filter::default())[1],
        s("2026-11-03", "", 1)
    );
    assert_eq!(
        store
            .count(&Count::new(Filter::text("crashes")))
            .unwrap()
            .total,
        1
    );
}

fn check_export_and_removal(store: &dyn Store) {
    fill(store);
    let mut ids = Vec::new();
    let n = store
        .export(
            Resource::Conversations,
            &Filter::text("refund"),
            &mut |doc| {
                ids.push(doc["id"].as_str().unwrap().to_owned());
                Ok(())
            },
        )
        .unwrap();
    assert_eq!(
        (n, ids),
        (3, vec!["1".to_owned(), "2".to_owned(), "4".to_owned()])
    );
    store
        .write(
            Resource::Conversations,
            Write {
                deletes: &["2".to_owned()],
                ..Write::default()
            },
        )
        .unwrap();
    assert_eq!(
        store
            .search(&Search::new(Filter::text("refund")))
            .unwrap()
            .total,
        2,
        "a removed document leaves the index"
    );
    assert_eq!(
        store
            .count(&Count::new(Filter {
                tag: Some("VIP".into()),
                ..Filter::default()
            }))
            .unwrap()
            .total,
        1
    );
    // Writing the same document again changes nothing.
    let same = vec![conversation(
        1,
        NOV_2,
        "open",
        "10",
        &[("t1", "Billing")],
        "I need a refund for my order",
    )];
    assert_eq!(
        store
            .write(
                Resource::Conversations,
                Write {
                    upserts: &same,
                    ..Write::default()
                }
            )
            .unwrap(),
        0
    );
}

fn check_errors_name_the_field(store: &dyn Store) {
    fill(store);
    let error = store
        .search(&Search::new(Filter::text("refund AND")))
        .unwrap_err();
    assert!(
        matches!(error, Error::Invalid { field: "text", .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("field `text`: `refund AND` is not a valid full-text query"),
        "{error}"
    );
    let error = store
        .search(&Search::new(Filter::default()).limit(0))
        .unwrap_err();
    assert_eq!(error.to_string(), "field `limit`: must be 1 to 200, not 0");
    let error = Filter::from_json(&json!({"created_after": "last tuesday"})).unwrap_err();
    assert_eq!(
        error.to_string(),
        "field `created_after`: `last tuesday` is not a time: use unix seconds, a date (2026-11-01) or a UTC timestamp (2026-11-01T09:30:00Z)"
    );
    let error = "groups".parse::<Resource>().unwrap_err();
    assert!(
        error.to_string().starts_with(
            "field `resource`: `groups` is not a mirrored resource: use one of admins, teams"
        ),
        "{error}"
    );
    assert_eq!(
        Filter::from_json(&json!({"created_after": "2026-11-02", "team_id": 10})).unwrap(),
        Filter {
            created_after: Some(NOV_2),
            team_id: Some("10".into()),
            ..Filter::default()
        }
    );
}

fn check_freshness(store: &dyn Store) {
    let fresh = store.freshness().unwrap();
    assert_eq!(fresh.synced_at, None);
    assert_eq!(fresh.describe(0), "never synced: run `intercom sync` first");
}

fn check_a_failed_write_leaves_nothing(store: &dyn Store) {
    fill(store);
    let docs = vec![
        conversation(9, NOV_2, "open", "10", &[], "A new one"),
        json!({"type": "conversation", "title": "no id"}),
    ];
    let cp: Checkpoint = serde_json::from_value(json!({
        "stage": "paging", "since": null, "until": NOV_2, "next": null,
        "last_complete": null, "finished_at": null
    }))
    .unwrap();
    let error = store
        .write(
            Resource::Conversations,
            Write {
                upserts: &docs,
                deletes: &["1".to_owned()],
                seen: true,
                checkpoint: Some(&cp),
            },
        )
        .unwrap_err();
    assert!(matches!(error, Error::Unexpected { .. }), "{error:?}");
    assert!(store.get(Resource::Conversations, "9").unwrap().is_none());
    assert!(store.get(Resource::Conversations, "1").unwrap().is_some());
    assert_eq!(store.checkpoint(Resource::Conversations).unwrap(), None);
    assert_eq!(
        store.finish_listing(Resource::Conversations).unwrap().len(),
        4,
        "nothing was marked seen"
    );
}

/// Every check, as a test, against the stores `$open` (a function of the test's name) gives.
macro_rules! store_tests {
    ($open:path) => {
        store_tests!(@one $open, full_text_ranks_and_marks, check_full_text_ranks_and_marks);
        store_tests!(@one $open, filters, check_filters);
        store_tests!(@one $open, counts, check_counts);
        store_tests!(@one $open, export_and_removal, check_export_and_removal);
        store_tests!(@one $open, errors_name_the_field, check_errors_name_the_field);
        store_tests!(@one $open, freshness, check_freshness);
        store_tests!(@one $open, a_failed_write_leaves_nothing, check_a_failed_write_leaves_nothing);
    };
    (@one $open:path, $name:ident, $check:ident) => {
        #[test]
        fn $name() {
            if let Some(store) = $open(concat!(module_path!(), "::", stringify!($name))) {
                $check(&store)
            }
        }
    };
}

mod sqlite_store {
    use super::*;
    store_tests!(crate::support::sqlite_store);
}

mod postgres_store {
    use super::*;
    store_tests!(crate::postgres::store);
}

/// A mirror file made before the documents moved out of `items` (into `docs`) opens, keeps
/// every document, and answers as before.
#[test]
fn a_mirror_with_documents_in_items_is_migrated() {
    let path = std::env::temp_dir().join(format!(
        "intercom-mirror-migrate-{}.sqlite",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    {
        let store = intercom_mirror::SqliteStore::open(&path).unwrap();
        fill(&store);
    }
    // Back to the old layout: the document in `items.doc`, no `docs` table.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "ALTER TABLE items ADD COLUMN doc TEXT NOT NULL DEFAULT '';
             UPDATE items SET doc = (SELECT doc FROM docs WHERE docs.rowid = items.rowid);
             DROP TABLE docs;",
        )
        .unwrap();
    }
    let store = intercom_mirror::SqliteStore::open(&path).unwrap();
    let mut exported = 0;
    store
        .export(Resource::Conversations, &Filter::default(), &mut |doc| {
            assert!(doc["id"].is_string(), "{doc}");
            exported += 1;
            Ok(())
        })
        .unwrap();
    assert!(exported > 0);
    let total = store.count(&Count::new(Filter::default())).unwrap().total;
    assert_eq!(exported, total);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let old_column: i64 = conn
        .query_row(
            "SELECT count(*) FROM pragma_table_info('items') WHERE name = 'doc'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(old_column, 0, "the documents left items");
    drop(store);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
