//! The PostgreSQL store against a real server: the server named by `INTERCOM_TEST_POSTGRES`
//! (`.ci/postgres.sh` starts one and sets it). Without it these tests, and the PostgreSQL runs
//! of the store and sync checks, print a SKIPPED line and pass; with
//! `INTERCOM_REQUIRE_SDK_TESTS=1` (set by `.ci/run`) they fail instead. Each test works in a
//! schema of its own, dropped at its end, so they run in parallel and leave nothing behind.
//!
//! The checks of URLs and of the password in messages need no server and always run.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Barrier};

use intercom_mirror::{
    Checkpoint, Error, Filter, PostgresStore, Resource, Store, Write, open_store,
};
use serde_json::{Value, json};

use crate::support::TestStore;

const VAR: &str = "INTERCOM_TEST_POSTGRES";

/// The test server's URL; `None` (after a SKIPPED line) when there is none and none is
/// required.
pub fn server(test: &str) -> Option<String> {
    match std::env::var(VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            let required = std::env::var("INTERCOM_REQUIRE_SDK_TESTS").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "{test}: {VAR} is not set and INTERCOM_REQUIRE_SDK_TESTS=1 requires the PostgreSQL tests: run them under .ci/postgres.sh"
            );
            eprintln!(
                "SKIPPED {test}: no PostgreSQL server ({VAR} is not set; `.ci/postgres.sh cargo test -p intercom-mirror --test it` runs them)"
            );
            None
        }
    }
}

/// Runs `f` on a thread of its own: the `postgres` crate must not run on a runtime's thread.
fn off_runtime<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(f).join().unwrap()
}

fn admin(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap()
}

/// A schema of the test server, dropped (with everything in it) when this is dropped.
pub struct Schema {
    server: String,
    pub name: String,
}

impl Schema {
    pub fn create(server: &str) -> Schema {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!(
            "mirror_test_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let (url, sql) = (server.to_owned(), format!("CREATE SCHEMA {name}"));
        off_runtime(move || admin(&url).batch_execute(&sql).unwrap());
        Schema {
            server: server.to_owned(),
            name,
        }
    }

    /// The server's URL with this schema as the search path.
    pub fn url(&self) -> String {
        let join = if self.server.contains('?') { '&' } else { '?' };
        format!("{}{join}options=-csearch_path%3D{}", self.server, self.name)
    }

    /// Runs `sql` in this schema.
    pub fn execute(&self, sql: &str) {
        let (url, sql) = (self.url(), sql.to_owned());
        off_runtime(move || admin(&url).batch_execute(&sql).unwrap());
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let (url, sql) = (
            self.server.clone(),
            format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name),
        );
        let dropped = std::thread::spawn(move || admin(&url).batch_execute(&sql)).join();
        if !std::thread::panicking() {
            dropped.unwrap().unwrap();
        }
    }
}

/// A PostgreSQL store in a fresh schema of the test server, or `None` when skipped.
pub fn store(test: &str) -> Option<TestStore> {
    let server = server(test)?;
    let schema = Schema::create(&server);
    let store = PostgresStore::open(&schema.url()).unwrap();
    Some(TestStore::new(Box::new(store)).with_guard(Box::new(schema)))
}

fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn assert_hidden(error: &Error, secret: &str) {
    let text = error.to_string();
    let debug = format!("{error:?}");
    assert!(!text.contains(secret), "{text}");
    assert!(!debug.contains(secret), "{debug}");
}

#[test]
fn an_unreachable_server_is_an_error_naming_db_without_the_password() {
    let port = closed_port();
    for scheme in ["postgres", "postgresql"] {
        let url = format!("{scheme}://mirror:hunter2-s3cret@127.0.0.1:{port}/mirror");
        let Err(error) = open_store(&url) else {
            panic!("{url} opened")
        };
        assert!(matches!(error, Error::Connect { .. }), "{error:?}");
        assert_hidden(&error, "hunter2-s3cret");
        let text = error.to_string();
        assert!(
            text.starts_with(&format!(
                "field `db`: cannot open the PostgreSQL mirror postgres://mirror@127.0.0.1:{port}/mirror: "
            )),
            "{text}"
        );
        assert!(text.contains("connect"), "says what went wrong: {text}");
    }
}

#[test]
fn a_bad_url_is_an_error_naming_db_without_the_password() {
    for (url, says) in [
        (
            "postgres://mirror:hunter2-s3cret@127.0.0.1:notaport/mirror",
            "is not a PostgreSQL URL",
        ),
        (
            "postgres://mirror:hunter2-s3cret@127.0.0.1:5432/mirror?sslmode=sometimes",
            "is not a PostgreSQL URL",
        ),
        (
            "postgres://mirror:hunter2-s3cret@127.0.0.1:5432/mirror?sslmode=require",
            "asks for TLS (sslmode=require), which the PostgreSQL mirror does not support yet",
        ),
        (
            "postgresql://127.0.0.1/mirror?password=hunter2-s3cret&nonsense=1",
            "is not a PostgreSQL URL",
        ),
    ] {
        let Err(error) = open_store(url) else {
            panic!("{url} opened")
        };
        assert!(
            matches!(error, Error::Invalid { field: "db", .. }),
            "{url}: {error:?}"
        );
        assert_hidden(&error, "hunter2-s3cret");
        assert!(error.to_string().contains(says), "{url}: {error}");
    }
}

#[test]
fn a_wrong_password_is_refused_without_showing_it() {
    let Some(server) = server("a_wrong_password_is_refused_without_showing_it") else {
        return;
    };
    let config: postgres::Config = server.parse().unwrap();
    let wrong = server.replacen(
        &format!(
            ":{}@",
            String::from_utf8_lossy(config.get_password().unwrap())
        ),
        ":hunter2-s3cret@",
        1,
    );
    assert_ne!(wrong, server, "the test server's URL has a password");
    let error = PostgresStore::open(&wrong).unwrap_err();
    assert!(matches!(error, Error::Connect { .. }), "{error:?}");
    assert_hidden(&error, "hunter2-s3cret");
    assert!(error.to_string().contains("password"), "{error}");

    // The store's Debug shows where it is, not the password.
    let schema = Schema::create(&server);
    let store = PostgresStore::open(&schema.url()).unwrap();
    let debug = format!("{store:?}");
    let password = String::from_utf8_lossy(config.get_password().unwrap()).into_owned();
    assert!(!debug.contains(&password), "{debug}");
    assert!(debug.contains("127.0.0.1"), "{debug}");
}

#[test]
fn the_schema_is_created_once_and_versioned() {
    let Some(server) = server("the_schema_is_created_once_and_versioned") else {
        return;
    };
    let schema = Schema::create(&server);
    // Replicas starting together: every open succeeds, one creates the tables.
    let threads = 6;
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (url, barrier) = (schema.url(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                PostgresStore::open(&url).map(drop)
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
    let docs = vec![json!({"type": "team", "id": "1", "name": "Support"})];
    let store = PostgresStore::open(&schema.url()).unwrap();
    store
        .write(
            Resource::Teams,
            Write {
                upserts: &docs,
                ..Write::default()
            },
        )
        .unwrap();
    drop(store);
    // Opening again keeps what is there.
    let store = PostgresStore::open(&schema.url()).unwrap();
    assert!(store.get(Resource::Teams, "1").unwrap().is_some());
    drop(store);

    schema.execute("UPDATE mirror_schema SET version = 99");
    let error = PostgresStore::open(&schema.url()).unwrap_err();
    assert!(matches!(error, Error::Connect { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("the mirror's tables are of schema version 99, newer than this build's 1"),
        "{error}"
    );
}

fn checkpoint(until: i64) -> Checkpoint {
    serde_json::from_value(json!({
        "stage": "paging", "since": null, "until": until, "next": null,
        "last_complete": null, "finished_at": null
    }))
    .unwrap()
}

fn contact(id: usize, name: &str) -> Value {
    json!({"type": "contact", "id": format!("c{id}"), "name": name, "created_at": 1_700_000_000 + id as i64, "updated_at": 1_700_000_000})
}

#[test]
fn replicas_writing_at_once_lose_no_write_and_no_checkpoint() {
    let Some(server) = server("replicas_writing_at_once_lose_no_write_and_no_checkpoint") else {
        return;
    };
    let schema = Schema::create(&server);
    drop(PostgresStore::open(&schema.url()).unwrap());
    let replicas = [
        Resource::Companies,
        Resource::Tickets,
        Resource::Articles,
        Resource::Segments,
    ];
    let pages = 15;
    let barrier = Arc::new(Barrier::new(replicas.len()));
    let handles: Vec<_> = replicas
        .iter()
        .enumerate()
        .map(|(n, &own)| {
            let (url, barrier) = (schema.url(), barrier.clone());
            std::thread::spawn(move || {
                let store = PostgresStore::open(&url).unwrap();
                barrier.wait();
                for page in 0..pages {
                    // The same 40 contacts, written by every replica in its own order (rows
                    // locked in different orders: deadlocks the store must run again).
                    let mut shared: Vec<Value> =
                        (0..40).map(|i| contact(i, &format!("r{n} p{page}"))).collect();
                    if n % 2 == 1 {
                        shared.reverse();
                    }
                    shared.rotate_left(n * 7);
                    store
                        .write(
                            Resource::Contacts,
                            Write {
                                upserts: &shared,
                                ..Write::default()
                            },
                        )
                        .unwrap();
                    // A page of its own resource, with its checkpoint.
                    let docs = vec![json!({"type": own.as_str(), "id": format!("{page}"), "name": format!("page {page}")})];
                    let cp = checkpoint(page as i64);
                    store
                        .write(
                            own,
                            Write {
                                upserts: &docs,
                                checkpoint: Some(&cp),
                                ..Write::default()
                            },
                        )
                        .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let store = PostgresStore::open(&schema.url()).unwrap();
    for own in replicas {
        assert_eq!(
            store.checkpoint(own).unwrap().unwrap().until,
            pages as i64 - 1,
            "{own}: the last checkpoint is kept"
        );
        assert_eq!(
            exported(&store, own),
            pages as usize,
            "{own}: every page is kept"
        );
    }
    let mut ids = Vec::new();
    store
        .export(Resource::Contacts, &Filter::default(), &mut |doc| {
            ids.push(doc["id"].as_str().unwrap().to_owned());
            Ok(())
        })
        .unwrap();
    assert_eq!(ids.len(), 40, "each contact once");
    let last = store.get(Resource::Contacts, "c0").unwrap().unwrap();
    assert!(
        last["name"]
            .as_str()
            .unwrap()
            .ends_with(&format!("p{}", pages - 1)),
        "{last}"
    );
}

fn exported(store: &dyn Store, resource: Resource) -> usize {
    let mut n = 0;
    store
        .export(resource, &Filter::default(), &mut |_| {
            n += 1;
            Ok(())
        })
        .unwrap();
    n
}

#[test]
fn export_streams_in_pages_and_the_sink_may_ask_the_store() {
    let Some(store) = store("export_streams_in_pages_and_the_sink_may_ask_the_store") else {
        return;
    };
    // More than two export pages, some documents sharing a `created_at`, one without.
    let mut docs: Vec<Value> = (0..1_234)
        .map(|i| json!({"type": "contact", "id": format!("c{i:04}"), "created_at": 1_700_000_000 + (i / 3) as i64}))
        .collect();
    docs.push(json!({"type": "contact", "id": "undated"}));
    store
        .write(
            Resource::Contacts,
            Write {
                upserts: &docs,
                ..Write::default()
            },
        )
        .unwrap();
    let mut ids = Vec::new();
    let n = store
        .export(Resource::Contacts, &Filter::default(), &mut |doc| {
            let id = doc["id"].as_str().unwrap().to_owned();
            assert!(store.get(Resource::Contacts, &id).unwrap().is_some());
            ids.push(id);
            Ok(())
        })
        .unwrap();
    assert_eq!(n, 1_235);
    assert_eq!(ids[0], "undated", "no created_at comes first, as in SQLite");
    let mut expected: Vec<String> = (0..1_234).map(|i| format!("c{i:04}")).collect();
    expected.insert(0, "undated".to_owned());
    assert_eq!(ids, expected, "oldest first, then by id, each once");

    // A failing sink stops the export with its error.
    let mut seen = 0;
    let error = store
        .export(Resource::Contacts, &Filter::default(), &mut |_| {
            seen += 1;
            if seen == 700 {
                return Err(Error::Write(std::io::Error::other("disk full")));
            }
            Ok(())
        })
        .unwrap_err();
    assert!(matches!(error, Error::Write(_)), "{error:?}");
    assert_eq!(seen, 700);
}

#[test]
fn size_on_disk_counts_the_tables() {
    let Some(store) = store("size_on_disk_counts_the_tables") else {
        return;
    };
    let empty = store.size_on_disk().unwrap();
    assert!(empty > 0, "the tables and indexes take pages: {empty}");
    let docs: Vec<Value> = (0..300)
        .map(|i: u64| {
            // Text that does not compress to nothing.
            let name: String = (0..200u64)
                .map(|k| {
                    format!(
                        "{:08x}",
                        (i * 7_919 + k).wrapping_mul(2_654_435_761) % (1 << 32)
                    )
                })
                .collect();
            json!({"type": "contact", "id": format!("c{i}"), "name": name})
        })
        .collect();
    store
        .write(
            Resource::Contacts,
            Write {
                upserts: &docs,
                ..Write::default()
            },
        )
        .unwrap();
    let full = store.size_on_disk().unwrap();
    assert!(full > empty + 300 * 800, "{empty} then {full}");
}
