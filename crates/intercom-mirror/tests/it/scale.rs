//! The acceptance run at scale: a first sync of `MIRROR_SCALE` contacts and as many
//! conversations (1,000 each by default, so CI runs it; 100,000 for the figures), then 1% of
//! them changed and 0.1% deleted through the API, and an incremental sync that asks only for
//! what changed and leaves the mirror equal to the sandbox.
//!
//! ```sh
//! MIRROR_SCALE=100000 cargo test --release -p intercom-mirror --test it scale -- --nocapture
//! ```
//!
//! At scale the comparison reads every contact and conversation's id and `updated_at` from
//! the API's plain lists, every contact whole, every changed conversation whole and a fixed
//! sample of the others; the smaller resources are compared whole.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use intercom_client::Request;
use intercom_mirror::{Filter, Resource, SqliteStore, Store, SyncOptions, SyncReport, Syncer};
use serde_json::{Value, json};

use crate::support::{Env, id_of};

fn scale() -> usize {
    std::env::var("MIRROR_SCALE")
        .ok()
        .and_then(|v| v.replace(['_', ','], "").parse().ok())
        .unwrap_or(1_000)
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn of<'a>(report: &'a SyncReport, name: &str) -> &'a intercom_mirror::ResourceReport {
    report
        .resources
        .iter()
        .find(|r| r.resource == name)
        .unwrap()
}

fn print(label: &str, report: &SyncReport, seconds: f64) {
    println!(
        "{label}: {} requests in {seconds:.1} s ({:.0}/s)",
        report.requests,
        report.requests as f64 / seconds.max(0.001)
    );
    for r in &report.resources {
        println!(
            "  {:<14} received {:>7}  written {:>7}  deleted {:>4}  whole {:>7}  requests {:>7} (removal check {:>5})  items {:>7}",
            r.resource,
            r.received,
            r.written,
            r.deleted,
            r.fetched_whole.unwrap_or(0),
            r.requests,
            r.reconcile_requests,
            r.items
        );
    }
}

/// The stored document of `id`.
fn mirrored(store: &dyn Store, resource: Resource, id: &str) -> Value {
    store
        .get(resource, id)
        .unwrap()
        .unwrap_or_else(|| panic!("{resource} {id} is not in the mirror"))
}

#[tokio::test]
async fn a_large_workspace_syncs_once_then_catches_up_on_what_changed() {
    let n = scale();
    let started = Instant::now();
    let env = Env::sized(n, n, (n / 10).max(20)).await;
    println!(
        "sandbox: {n} contacts, {n} conversations, {} tickets, seeded in {:.1} s",
        (n / 10).max(20),
        started.elapsed().as_secs_f64()
    );
    let path = std::env::temp_dir().join(format!(
        "intercom-mirror-scale-{}-{n}.sqlite",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    let store = SqliteStore::open(&path).unwrap();
    let clock = Arc::new(AtomicI64::new(now()));
    let options = || {
        let clock = clock.clone();
        SyncOptions::default().clock(move || clock.load(Ordering::SeqCst))
    };

    let t = Instant::now();
    let first = Syncer::new(env.client.clone(), &store)
        .options(options())
        .run()
        .await
        .unwrap();
    print("first sync", &first, t.elapsed().as_secs_f64());
    assert_eq!(of(&first, "conversations").items as usize, n);
    assert_eq!(of(&first, "contacts").items as usize, n);
    env.take_requests().await;

    // 1% changed, half contacts renamed and half conversations replied to; 0.1% deleted.
    let changes = (n / 100).max(2);
    let deletions = (n / 1000).max(2);
    let contacts: Vec<String> = env
        .listed_updated_at(Resource::Contacts)
        .await
        .into_keys()
        .collect();
    let conversations: Vec<String> = env
        .listed_updated_at(Resource::Conversations)
        .await
        .into_keys()
        .collect();
    // Spread over the whole range, so the removal check cannot find them all in one corner.
    let spread = |ids: &[String], k: usize, offset: usize| -> Vec<String> {
        let step = (ids.len() / k.max(1)).max(1);
        (0..k)
            .map(|i| ids[(i * step + offset) % ids.len()].clone())
            .collect()
    };
    let renamed = spread(&contacts, changes / 2, 0);
    let replied = spread(&conversations, changes - changes / 2, 0);
    let gone_contacts = spread(&contacts, deletions / 2, 1);
    let gone_conversations = spread(&conversations, deletions - deletions / 2, 1);
    for id in &renamed {
        env.json(Request::put(
            format!("/contacts/{id}"),
            json!({"name": format!("Renamed {id}")}),
        ))
        .await;
    }
    for id in &replied {
        env.json(Request::post(
            format!("/conversations/{id}/reply"),
            json!({"message_type": "comment", "type": "admin", "admin_id": env.me, "body": "<p>The quokka refund went through.</p>"}),
        ))
        .await;
    }
    for id in &gone_contacts {
        env.json(Request::delete(format!("/contacts/{id}"))).await;
    }
    for id in &gone_conversations {
        env.json(Request::delete(format!("/conversations/{id}")).version("2.16"))
            .await;
    }
    env.take_requests().await;

    clock.store(now() + 1, Ordering::SeqCst);
    let t = Instant::now();
    let second = Syncer::new(env.client.clone(), &store)
        .options(options())
        .run()
        .await
        .unwrap();
    print(
        &format!("incremental sync after {changes} changes and {deletions} deletions"),
        &second,
        t.elapsed().as_secs_f64(),
    );
    let log = env.take_requests().await;
    assert_eq!(second.requests as usize, log.len());

    // Only what changed is fetched: the replied conversations whole, the deleted ones once
    // each by id (their 404 confirms the removal), nothing else.
    let whole: BTreeSet<String> = log
        .iter()
        .filter_map(|l| l.strip_prefix("GET /conversations/"))
        .filter(|id| id.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_owned)
        .collect();
    let expected: BTreeSet<String> = replied.iter().chain(&gone_conversations).cloned().collect();
    assert_eq!(whole, expected);
    let conv = of(&second, "conversations");
    assert_eq!(conv.received as usize, replied.len());
    assert_eq!(conv.deleted as usize, gone_conversations.len());
    let cont = of(&second, "contacts");
    assert_eq!(
        (cont.written as usize, cont.deleted as usize),
        (renamed.len(), gone_contacts.len())
    );
    // The removal check costs counts, not pages of documents: fewer requests than listing
    // the resource again would.
    for r in [conv, cont] {
        let listing = n.div_ceil(150) as u64;
        assert!(
            r.reconcile_requests < listing,
            "{}: {} removal-check requests, listing all is {listing}",
            r.resource,
            r.reconcile_requests
        );
    }

    // The mirror equals the sandbox.
    let t = Instant::now();
    for resource in [Resource::Contacts, Resource::Conversations] {
        let server = env.listed_updated_at(resource).await;
        let mut local = std::collections::BTreeMap::new();
        store
            .export(resource, &Filter::default(), &mut |doc| {
                local.insert(id_of(doc), doc["updated_at"].as_i64().unwrap());
                Ok(())
            })
            .unwrap();
        assert_eq!(local.len(), server.len(), "{resource}: how many");
        assert!(local == server, "{resource}: ids or updated_at differ");
    }
    let contacts_now = env.server_docs(Resource::Contacts).await;
    for (id, doc) in &contacts_now {
        assert_eq!(
            &mirrored(&store, Resource::Contacts, id),
            doc,
            "contact {id}"
        );
    }
    let step = (conversations.len() / 200).max(1);
    let sample: BTreeSet<&String> = replied
        .iter()
        .chain(conversations.iter().step_by(step))
        .filter(|id| !gone_conversations.contains(id))
        .collect();
    for id in &sample {
        assert_eq!(
            mirrored(&store, Resource::Conversations, id),
            env.conversation(id).await,
            "conversation {id}"
        );
    }
    for resource in Resource::ALL {
        if matches!(resource, Resource::Contacts | Resource::Conversations) {
            continue;
        }
        let server = env.server_docs(resource).await;
        let mut local = std::collections::BTreeMap::new();
        store
            .export(resource, &Filter::default(), &mut |doc| {
                local.insert(id_of(doc), doc.clone());
                Ok(())
            })
            .unwrap();
        assert!(local == server, "{resource}: the documents differ");
    }
    println!(
        "compared: every id and updated_at, {} contacts and {} conversations whole, in {:.1} s; mirror {:.0} MB on disk",
        contacts_now.len(),
        sample.len(),
        t.elapsed().as_secs_f64(),
        store.size_on_disk().unwrap() as f64 / 1e6
    );
    drop(store);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
