//! Syncs against the sandbox: a first sync mirrors it exactly; an incremental one after changes
//! and deletions sends requests only for what changed and mirrors it exactly again; a sync
//! stopped by a failing request resumes without fetching anything twice.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use intercom_client::Request;
use intercom_mirror::{
    Count, Error, Filter, GroupBy, Resource, Search, SqliteStore, Stage, Store, SyncOptions, Syncer,
};
use serde_json::json;

use crate::support::Env;

/// Sync options with small pages (so paging and the removal check's halving are exercised)
/// and a clock the test moves.
fn options(clock: &Arc<AtomicI64>) -> SyncOptions {
    let clock = clock.clone();
    SyncOptions::default()
        .per_page(10)
        .clock(move || clock.load(Ordering::SeqCst))
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// The ids of `GET /conversations/{id}` requests in a request log.
fn whole_fetches(log: &[String]) -> BTreeSet<String> {
    log.iter()
        .filter_map(|l| l.strip_prefix("GET /conversations/"))
        .filter(|id| id.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_first_sync_mirrors_the_sandbox_exactly() {
    let env = Env::start().await;
    let store = SqliteStore::in_memory().unwrap();
    let clock = Arc::new(AtomicI64::new(now()));
    let report = Syncer::new(env.client.clone(), &store)
        .options(options(&clock))
        .run()
        .await
        .unwrap();
    let log = env.take_requests().await;
    assert_eq!(
        report.requests as usize,
        log.len(),
        "the report counts every request: {log:#?}"
    );
    let conversations = report
        .resources
        .iter()
        .find(|r| r.resource == "conversations")
        .unwrap();
    assert!(conversations.full);
    assert_eq!(conversations.items, 80);
    assert_eq!(conversations.fetched_whole, Some(80));
    assert_eq!(
        whole_fetches(&log).len(),
        80,
        "each conversation fetched once"
    );
    env.assert_mirror_equals_sandbox(&store).await;

    // Counts by state agree with the sandbox's own search.
    let counts = store
        .count(&Count::new(Filter::default()).group_by(GroupBy::State))
        .unwrap();
    for group in &counts.groups {
        let state = group.key.clone().unwrap();
        let server = env
            .json(
                Request::post(
                    "/conversations/search",
                    json!({"query": {"field": "state", "operator": "=", "value": state}, "pagination": {"per_page": 1}}),
                )
                .idempotent(),
            )
            .await;
        assert_eq!(server["total_count"], json!(group.count), "state {state}");
    }
    assert_eq!(counts.groups.iter().map(|g| g.count).sum::<u64>(), 80);
}

#[tokio::test]
async fn an_incremental_sync_requests_only_what_changed_and_catches_deletions() {
    let env = Env::start().await;
    let store = SqliteStore::in_memory().unwrap();
    let clock = Arc::new(AtomicI64::new(now()));
    Syncer::new(env.client.clone(), &store)
        .options(options(&clock))
        .run()
        .await
        .unwrap();

    // N = 9 changes and M = 5 deletions, made through the API.
    let contacts: Vec<String> = env
        .server_docs(Resource::Contacts)
        .await
        .into_keys()
        .collect();
    let conversations: Vec<String> = env
        .server_docs(Resource::Conversations)
        .await
        .into_keys()
        .collect();
    let tickets: Vec<String> = env
        .server_docs(Resource::Tickets)
        .await
        .into_keys()
        .collect();
    for id in &contacts[..3] {
        env.json(Request::put(
            format!("/contacts/{id}"),
            json!({"name": format!("Renamed {id}")}),
        ))
        .await;
    }
    let replied = &conversations[10..14];
    for id in replied {
        env.json(Request::post(
            format!("/conversations/{id}/reply"),
            json!({"message_type": "comment", "type": "admin", "admin_id": env.me, "body": "<p>The zebra refund went through.</p>"}),
        ))
        .await;
    }
    for id in &tickets[..2] {
        env.json(Request::put(
            format!("/tickets/{id}"),
            json!({"open": false}),
        ))
        .await;
    }
    for id in &contacts[40..42] {
        env.json(Request::delete(format!("/contacts/{id}"))).await;
    }
    for id in &conversations[50..52] {
        env.json(Request::delete(format!("/conversations/{id}")).version("2.16"))
            .await;
    }
    env.json(Request::delete(format!("/tickets/{}", tickets[7])))
        .await;
    env.take_requests().await;

    clock.store(now() + 1, Ordering::SeqCst);
    let report = Syncer::new(env.client.clone(), &store)
        .options(options(&clock))
        .run()
        .await
        .unwrap();
    let log = env.take_requests().await;
    let of = |name: &str| {
        report
            .resources
            .iter()
            .find(|r| r.resource == name)
            .unwrap()
            .clone()
    };

    // Only the replied conversations are fetched whole; the two deleted ones are asked for
    // by id once each, to confirm the removal (a 404).
    let expected: BTreeSet<String> = replied
        .iter()
        .chain(&conversations[50..52])
        .cloned()
        .collect();
    assert_eq!(whole_fetches(&log), expected);
    let conv = of("conversations");
    assert!(!conv.full);
    assert_eq!(
        conv.received, 4,
        "the window holds the changed conversations alone"
    );
    assert_eq!(conv.deleted, 2);
    // One window page, four whole conversations, and the removal check.
    assert_eq!(conv.requests, 1 + 4 + conv.reconcile_requests);
    let contacts_report = of("contacts");
    assert_eq!(
        (
            contacts_report.received,
            contacts_report.written,
            contacts_report.deleted
        ),
        (3, 3, 2)
    );
    let tickets_report = of("tickets");
    assert_eq!(
        (
            tickets_report.received,
            tickets_report.written,
            tickets_report.deleted
        ),
        (2, 2, 1)
    );
    // The removal check halves toward the removals: far fewer requests than listing all
    // (60 contacts at 10 a page would be 6 pages and 80 conversations 8).
    for r in [&conv, &contacts_report, &tickets_report] {
        assert!(
            r.reconcile_requests <= 12,
            "{}: {} removal-check requests",
            r.resource,
            r.reconcile_requests
        );
    }
    assert_eq!(report.requests as usize, log.len());
    let searched: usize = log.iter().filter(|l| l.ends_with("/search")).count();
    let checks: u64 = [&conv, &contacts_report, &tickets_report]
        .iter()
        .map(|r| r.reconcile_requests - r.deleted)
        .sum();
    assert_eq!(
        searched as u64,
        3 + checks,
        "one window page per searched resource, plus the counts: {log:#?}"
    );
    env.assert_mirror_equals_sandbox(&store).await;

    // The reply is searchable at once, with its words marked.
    let hits = store.search(&Search::new(Filter::text("zebra"))).unwrap();
    assert_eq!(hits.total, 4);
    assert!(
        hits.hits
            .iter()
            .all(|h| h.snippet.as_deref().unwrap().contains("[zebra]")),
        "{hits:?}"
    );

    // A third sync with nothing changed: one page per resource and one count per searched one.
    env.take_requests().await;
    clock.store(now() + 2, Ordering::SeqCst);
    let quiet = Syncer::new(env.client.clone(), &store)
        .options(options(&clock))
        .run()
        .await
        .unwrap();
    let log = env.take_requests().await;
    assert!(whole_fetches(&log).is_empty(), "{log:#?}");
    for r in &quiet.resources {
        assert_eq!(r.written + r.deleted, 0, "{}", r.resource);
        let expected = if Resource::ALL
            .iter()
            .any(|x| x.as_str() == r.resource && x.is_incremental())
        {
            2
        } else {
            r.requests
        };
        assert_eq!(r.requests, expected, "{}: {log:#?}", r.resource);
    }
}

#[tokio::test]
async fn a_sync_stopped_by_a_failing_request_resumes_without_fetching_twice() {
    let env = Env::start().await;
    let store = SqliteStore::in_memory().unwrap();
    let clock = Arc::new(AtomicI64::new(now()));
    let conversations: Vec<String> = env
        .server_docs(Resource::Conversations)
        .await
        .into_keys()
        .collect();
    env.take_requests().await;
    // A conversation in the middle fails for good (a 500 is not retried).
    let broken = &conversations[45];
    env.fault(json!({"path_prefix": format!("/conversations/{broken}"), "method": "GET", "status": 500, "times": 100}))
        .await;
    let error = Syncer::new(env.client.clone(), &store)
        .options(options(&clock))
        .run()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Api {
                resource: "conversations",
                ..
            }
        ),
        "{error:?}"
    );
    let first_log = env.take_requests().await;
    let cp = store.checkpoint(Resource::Conversations).unwrap().unwrap();
    assert_eq!(cp.stage, Stage::Paging);
    assert!(
        cp.next.is_some(),
        "the checkpoint names the page to go on from"
    );
    assert_eq!(
        store.checkpoint(Resource::Contacts).unwrap().unwrap().stage,
        Stage::Done
    );
    let held = store.count(&Count::new(Filter::default())).unwrap().total;
    assert!(
        (40..80).contains(&held),
        "the pages before the failure are kept: {held}"
    );

    env.clear_faults().await;
    clock.store(now() + 1, Ordering::SeqCst);
    let report = Syncer::new(env.client.clone(), &store)
        .options(options(&clock))
        .run()
        .await
        .unwrap();
    let second_log = env.take_requests().await;
    let conv = report
        .resources
        .iter()
        .find(|r| r.resource == "conversations")
        .unwrap();
    assert!(conv.resumed && conv.full, "{conv:?}");
    // Nothing fetched whole in the first run is fetched again; the broken one now is.
    let mut fetched_before = whole_fetches(&first_log);
    fetched_before.remove(broken);
    let fetched_now = whole_fetches(&second_log);
    assert!(
        fetched_before.is_disjoint(&fetched_now),
        "{:?}",
        fetched_before
            .intersection(&fetched_now)
            .collect::<Vec<_>>()
    );
    assert_eq!(fetched_before.len() + fetched_now.len(), 80);
    assert!(fetched_now.contains(broken));
    // Contacts had finished: the second run only looks for changes.
    let contacts = report
        .resources
        .iter()
        .find(|r| r.resource == "contacts")
        .unwrap();
    assert!(!contacts.full && !contacts.resumed);
    assert_eq!(contacts.received, 0);
    env.assert_mirror_equals_sandbox(&store).await;
}

/// A companies listing (by page number) cut off after its first page resumes from the first
/// page again: a company deleted in between shifts the later pages, and resuming at page 2
/// would skip the company moved onto page 1, then remove it as unseen.
#[tokio::test]
async fn a_listing_by_page_number_resumes_from_its_first_page() {
    let env = Env::sized(500, 10, 5).await;
    let store = SqliteStore::in_memory().unwrap();
    let clock = Arc::new(AtomicI64::new(now()));
    Syncer::new(env.client.clone(), &store)
        .options(options(&clock))
        .run()
        .await
        .unwrap();
    let first_page = env
        .json(
            Request::get("/companies")
                .query("per_page", "60")
                .query("page", "1"),
        )
        .await;
    assert!(
        first_page["pages"]["total_pages"].as_u64().unwrap() >= 2,
        "{}",
        first_page["pages"]
    );
    // The state a run leaves when it stops after the first page: page 1 written and seen,
    // the checkpoint naming page 2.
    let items = first_page["data"].as_array().unwrap().clone();
    let until = now();
    let interrupted: intercom_mirror::Checkpoint = serde_json::from_value(json!({
        "stage": "paging",
        "since": null,
        "until": until,
        "next": Request::get("/companies").query("per_page", "60").query("page", "2"),
        "last_complete": until - 60,
        "finished_at": until - 60,
    }))
    .unwrap();
    store
        .write(
            Resource::Companies,
            intercom_mirror::Write {
                upserts: &items,
                seen: true,
                checkpoint: Some(&interrupted),
                ..Default::default()
            },
        )
        .unwrap();
    // One company of page 1 goes: every later one moves up a place.
    let gone = items[0]["id"].as_str().unwrap();
    env.json(Request::delete(format!("/companies/{gone}")))
        .await;

    clock.store(now() + 1, Ordering::SeqCst);
    let report = Syncer::new(env.client.clone(), &store)
        .options(options(&clock))
        .run()
        .await
        .unwrap();
    let companies = report
        .resources
        .iter()
        .find(|r| r.resource == "companies")
        .unwrap();
    assert!(companies.resumed, "{companies:?}");
    assert_eq!(companies.deleted, 1, "only the deleted company goes");
    env.assert_mirror_equals_sandbox(&store).await;
}
