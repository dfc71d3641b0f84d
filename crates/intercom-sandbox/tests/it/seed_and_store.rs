use std::path::{Path, PathBuf};
use std::time::Instant;

use intercom_sandbox::{Sandbox, SandboxConfig, SandboxError};
use serde_json::json;

use crate::support::Api;

fn temp_db(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    std::env::temp_dir().join(format!(
        "intercom-sandbox-{name}-{}-{nanos}.db",
        std::process::id()
    ))
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[tokio::test]
async fn same_seed_gives_identical_bytes() {
    let a = Api::with(SandboxConfig::default().seed(7));
    let b = Api::with(SandboxConfig::default().seed(7));
    let c = Api::with(SandboxConfig::default().seed(8));
    for path in [
        "/contacts?per_page=150",
        "/conversations?per_page=150",
        "/companies?per_page=60",
        "/admins",
        "/teams",
        "/tags",
        "/segments",
        "/me",
    ] {
        let (ra, rb) = (a.get(path).await, b.get(path).await);
        assert_eq!(ra.status, 200);
        assert_eq!(
            ra.text, rb.text,
            "{path} differs between two opens with the same seed"
        );
    }
    let conv = a.get("/conversations?per_page=1").await.body["conversations"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        a.get(&format!("/conversations/{conv}")).await.text,
        b.get(&format!("/conversations/{conv}")).await.text
    );
    assert_ne!(
        a.get("/contacts").await.text,
        c.get("/contacts").await.text,
        "another seed, other data"
    );
}

#[tokio::test]
async fn demo_data_looks_like_a_support_workspace() {
    let api = Api::new();
    let contacts = api.ok("GET", "/contacts?per_page=150", None).await;
    let list = contacts["data"].as_array().unwrap();
    assert_eq!(list.len(), 50);
    let users = list.iter().filter(|c| c["role"] == "user").count();
    assert!(users > 25 && users < 50, "users and leads: {users}");
    assert!(
        list.iter()
            .filter(|c| c["role"] == "user")
            .all(|c| c["external_id"].is_string() && c["email"].is_string())
    );
    assert!(
        list.iter()
            .any(|c| c["tags"]["total_count"].as_u64().unwrap() > 0)
    );
    assert!(
        list.iter()
            .any(|c| c["companies"]["total_count"].as_u64().unwrap() > 0)
    );
    let convs = api.ok("GET", "/conversations?per_page=150", None).await;
    let convs = convs["conversations"].as_array().unwrap();
    for state in ["open", "closed", "snoozed"] {
        assert!(
            convs.iter().any(|c| c["state"] == state),
            "some conversation is {state}"
        );
    }
    assert!(
        convs
            .iter()
            .any(|c| !c["tags"]["tags"].as_array().unwrap().is_empty())
    );
    assert!(
        convs
            .iter()
            .all(|c| c["source"]["body"].as_str().unwrap().starts_with("<p>"))
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // Timestamps come from the seed's epoch, in 2025 for the default seed.
    assert!(
        convs
            .iter()
            .all(|c| c["created_at"].as_i64().unwrap() < 1_767_225_600
                && c["created_at"].as_i64().unwrap() < now)
    );
}

#[tokio::test]
async fn state_survives_reopening_a_db_file() {
    let path = temp_db("persist");
    let created_id;
    {
        let api = Api::with(SandboxConfig::default().db_path(&path).seed(3));
        let created = api
            .ok(
                "POST",
                "/contacts",
                Some(json!({"email": "kept@example.com"})),
            )
            .await;
        created_id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(
            api.ok("GET", "/contacts?per_page=1", None).await["total_count"],
            51
        );
    }
    {
        // A different seed does not reseed an existing store.
        let api = Api::with(SandboxConfig::default().db_path(&path).seed(99));
        let found = api
            .ok("GET", &format!("/contacts/{created_id}"), None)
            .await;
        assert_eq!(found["email"], "kept@example.com");
        assert_eq!(
            api.ok("GET", "/contacts?per_page=1", None).await["total_count"],
            51
        );
        let me = api.ok("GET", "/me", None).await;
        let fresh = Api::with(SandboxConfig::default().seed(3));
        assert_eq!(me["id"], fresh.ok("GET", "/me", None).await["id"]);
    }
    remove_db(&path);
}

#[test]
fn bad_configuration_is_refused() {
    assert!(matches!(
        Sandbox::open(SandboxConfig::default().tokens(Vec::<String>::new())),
        Err(SandboxError::Config(_))
    ));
    assert!(matches!(
        Sandbox::open(SandboxConfig::default().rate_limit_per_window(0)),
        Err(SandboxError::Config(_))
    ));
    let dir = std::env::temp_dir().join("intercom-sandbox-no-such-dir/x/y/z.db");
    let err = Sandbox::open(SandboxConfig::default().db_path(dir)).unwrap_err();
    assert!(matches!(err, SandboxError::Store { .. }), "{err}");
}

#[tokio::test]
async fn larger_seed_is_quick_and_consistent() {
    let started = Instant::now();
    let api = Api::with(
        SandboxConfig::default()
            .contacts(3_000)
            .conversations(3_000),
    );
    assert!(started.elapsed().as_secs() < 60);
    assert_eq!(
        api.ok("GET", "/contacts?per_page=1", None).await["total_count"],
        3_000
    );
    assert_eq!(
        api.ok("GET", "/conversations?per_page=1", None).await["total_count"],
        3_000
    );
    let companies = api.ok("GET", "/companies?per_page=1", None).await;
    assert_eq!(companies["total_count"], 500);
    // A seeded company's user_count agrees with its attached contacts.
    let id = companies["data"][0]["id"].as_str().unwrap();
    let members = api
        .ok("GET", &format!("/companies/{id}/contacts?per_page=1"), None)
        .await;
    assert_eq!(members["total_count"], companies["data"][0]["user_count"]);
}

/// The benchmark size: run with `cargo test --release -p intercom-sandbox --test it -- --ignored seed_100k`.
#[tokio::test]
#[ignore = "benchmark-sized seed; run in release"]
async fn seed_100k() {
    let started = Instant::now();
    let api = Api::with(
        SandboxConfig::default()
            .contacts(100_000)
            .conversations(100_000),
    );
    let seeded = started.elapsed();
    eprintln!("seeded 100k contacts and 100k conversations in {seeded:?}");
    assert!(seeded.as_secs() < 60, "seeding took {seeded:?}");
    assert_eq!(
        api.ok("GET", "/contacts?per_page=1", None).await["total_count"],
        100_000
    );
    assert_eq!(
        api.ok("GET", "/conversations?per_page=1", None).await["total_count"],
        100_000
    );
    let t = Instant::now();
    let page = api.ok("GET", "/conversations?per_page=150", None).await;
    let cursor = page["pages"]["next"]["starting_after"]
        .as_str()
        .unwrap()
        .to_owned();
    api.ok(
        "GET",
        &format!("/conversations?per_page=150&starting_after={cursor}"),
        None,
    )
    .await;
    eprintln!("two list pages in {:?}", t.elapsed());
}

#[tokio::test]
async fn a_store_seeded_before_tickets_gets_them_on_reopen() {
    let path = temp_db("upgrade");
    let body = json!({"query": {"field": "id", "operator": "!=", "value": "x"}, "pagination": {"per_page": 150}});
    let contacts_before;
    {
        let api = Api::with(SandboxConfig::default().db_path(&path).seed(5));
        contacts_before = api.get("/contacts?per_page=150").await.text;
    }
    {
        // What a store written before tickets existed looks like.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DELETE FROM tickets; DELETE FROM ticket_types; DELETE FROM ticket_states;
             DELETE FROM links WHERE rel LIKE 'ticket%';
             DELETE FROM meta WHERE key LIKE 'ticket%';",
        )
        .unwrap();
    }
    {
        let api = Api::with(SandboxConfig::default().db_path(&path).seed(99));
        let fresh = Api::with(SandboxConfig::default().seed(5));
        let tickets = api.post("/tickets/search", body.clone()).await;
        assert_eq!(tickets.body["total_count"], 30);
        assert_eq!(
            tickets.text,
            fresh.post("/tickets/search", body.clone()).await.text
        );
        assert_eq!(
            api.get("/contacts?per_page=150").await.text,
            contacts_before
        );
    }
    {
        // Reopening again does not seed twice.
        let api = Api::with(SandboxConfig::default().db_path(&path));
        assert_eq!(
            api.post("/tickets/search", body).await.body["total_count"],
            30
        );
    }
    remove_db(&path);
}
