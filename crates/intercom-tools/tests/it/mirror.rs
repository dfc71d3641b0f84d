//! The `mirror` toolset over a mirror of the sandbox: answers with no API call, each saying how
//! fresh the mirror is; counts agree with the live API; bad input names the field.

use intercom_client::Request;
use intercom_tools::ToolError;
use serde_json::{Value, json};

use crate::harness::Env;

async fn mirrored(name: &str) -> (Env, std::path::PathBuf) {
    let env = Env::start().await;
    let path = std::env::temp_dir().join(format!(
        "intercom-tools-mirror-{}-{name}.sqlite",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    let store = intercom_mirror::SqliteStore::open(&path).unwrap();
    intercom_mirror::Syncer::new(env.client.clone(), &store)
        .run()
        .await
        .unwrap();
    intercom_tools::use_mirror_at(&env.client, &path);
    env.clear_log().await;
    (env, path)
}

#[tokio::test]
async fn mirror_tools_answer_offline_and_say_how_fresh() {
    let (env, path) = mirrored("offline").await;
    let counts = env
        .call("intercom_local_count", json!({"group_by": "state"}))
        .await;
    assert!(
        counts["mirror"].as_str().unwrap().starts_with("synced "),
        "{counts}"
    );
    assert_eq!(counts["total"], 30);
    let hits = env
        .call(
            "intercom_local_search",
            json!({"text": "refund", "limit": 2}),
        )
        .await;
    let first = hits["hits"][0]["id"].as_str().unwrap().to_owned();
    assert!(
        hits["hits"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("[refund]"),
        "{hits}"
    );
    if hits["total"].as_u64().unwrap() > 2 {
        assert_eq!(hits["next_offset"], 2);
    }
    let doc = env.call("intercom_local_get", json!({"id": first})).await;
    assert_eq!(doc["conversations"]["id"], json!(first));
    assert!(doc["conversations"]["conversation_parts"]["conversation_parts"].is_array());
    let status = env.call("intercom_local_status", json!({})).await;
    assert_eq!(status["resources"].as_array().unwrap().len(), 9);
    assert_eq!(
        env.take_log().await,
        Vec::<String>::new(),
        "no request reached the API"
    );

    // The same numbers as the live API.
    for group in counts["groups"].as_array().unwrap() {
        let live = env
            .client
            .json(&Request::post("/conversations/search", json!({"query": {"field": "state", "operator": "=", "value": group["key"]}, "pagination": {"per_page": 1}})).idempotent())
            .await
            .unwrap();
        assert_eq!(live["total_count"], group["count"], "{group}");
    }
    env.stop().await;
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn mirror_tools_refuse_bad_input_naming_the_field() {
    let (env, path) = mirrored("errors").await;
    let cases: [(Value, &str); 4] = [
        (json!({"group_by": "year"}), "group_by"),
        (json!({"created_after": "someday"}), "created_after"),
        (
            json!({"created_after": "2026-02-01", "created_before": "2026-01-01"}),
            "created_after",
        ),
        (json!({"text": "refund AND"}), "text"),
    ];
    for (args, field) in cases {
        match env.call_err("intercom_local_count", args.clone()).await {
            ToolError::Validation {
                field: got,
                message,
                ..
            } => {
                assert_eq!(got, field, "{args}: {message}");
                assert!(!message.is_empty());
            }
            other => panic!("{args}: {other:?}"),
        }
    }
    let error = env
        .call_err("intercom_local_get", json!({"id": "nope"}))
        .await;
    assert!(
        error
            .to_string()
            .contains("the mirror has no conversations with id `nope`"),
        "{error}"
    );
    env.stop().await;
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn without_a_mirror_the_tools_say_to_sync_first() {
    let env = Env::start().await;
    intercom_tools::use_mirror_at(&env.client, "/nonexistent/intercom-mirror.sqlite");
    let error = env.call_err("intercom_local_status", json!({})).await;
    assert_eq!(
        error.to_string(),
        "`intercom_local_status`: unexpected response: there is no mirror at /nonexistent/intercom-mirror.sqlite: run `intercom sync` first (or set INTERCOM_MIRROR_DB to the mirror's file)"
    );
    env.stop().await;
}

/// The test PostgreSQL server (`INTERCOM_TEST_POSTGRES`, set by `.ci/postgres.sh`); `None`
/// after a SKIPPED line when it is not set, a failure when `INTERCOM_REQUIRE_SDK_TESTS=1`.
fn postgres_server(test: &str) -> Option<String> {
    let url = std::env::var("INTERCOM_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        assert!(
            !std::env::var("INTERCOM_REQUIRE_SDK_TESTS").is_ok_and(|v| v == "1"),
            "{test}: INTERCOM_TEST_POSTGRES is not set and INTERCOM_REQUIRE_SDK_TESTS=1 requires the PostgreSQL tests"
        );
        eprintln!(
            "SKIPPED {test}: no PostgreSQL server (INTERCOM_TEST_POSTGRES is not set; .ci/postgres.sh sets it)"
        );
    }
    url
}

/// Runs `sql` on the server from a thread of its own (the `postgres` crate must not run on a
/// runtime's thread).
fn postgres_execute(url: &str, sql: String) {
    let url = url.to_owned();
    std::thread::spawn(move || {
        postgres::Client::connect(&url, postgres::NoTls)
            .unwrap()
            .batch_execute(&sql)
            .unwrap()
    })
    .join()
    .unwrap();
}

#[tokio::test]
async fn mirror_tools_answer_from_postgres_as_from_sqlite() {
    let Some(server) = postgres_server("mirror_tools_answer_from_postgres_as_from_sqlite") else {
        return;
    };
    let (env, path) = mirrored("postgres").await;
    let schema = format!("tools_mirror_test_{}", std::process::id());
    postgres_execute(&server, format!("CREATE SCHEMA {schema}"));
    let join = if server.contains('?') { '&' } else { '?' };
    let url = format!("{server}{join}options=-csearch_path%3D{schema}");
    let store = intercom_mirror::PostgresStore::open(&url).unwrap();
    intercom_mirror::Syncer::new(env.client.clone(), &store)
        .run()
        .await
        .unwrap();
    drop(store);
    env.clear_log().await;

    let questions = [
        (
            "intercom_local_count",
            json!({"text": "refund", "group_by": "team"}),
        ),
        ("intercom_local_count", json!({"group_by": "month"})),
        (
            "intercom_local_count",
            json!({"text": "\"duplicate payment\"", "group_by": "state"}),
        ),
        (
            "intercom_local_search",
            json!({"text": "refund OR invoice", "limit": 50}),
        ),
    ];
    let mut answers = Vec::new();
    for target in [path.to_string_lossy().into_owned(), url.clone()] {
        intercom_tools::use_mirror_at(&env.client, &target);
        let mut these = Vec::new();
        for (tool, args) in &questions {
            let mut answer = env.call(tool, args.clone()).await;
            assert!(
                answer["mirror"].as_str().unwrap().starts_with("synced "),
                "{answer}"
            );
            answer.as_object_mut().unwrap().remove("mirror");
            if let Some(hits) = answer["hits"].as_array_mut() {
                // Ranks differ between stores (BM25, ts_rank): the same documents match.
                let mut ids: Vec<String> = hits
                    .iter()
                    .map(|h| h["id"].as_str().unwrap().to_owned())
                    .collect();
                ids.sort();
                answer["hits"] = json!(ids);
            }
            these.push(answer);
        }
        answers.push(these);
    }
    assert_eq!(answers[0], answers[1], "SQLite, then PostgreSQL");
    assert!(answers[1][0]["total"].as_u64().unwrap() > 0);
    assert_eq!(
        env.take_log().await,
        Vec::<String>::new(),
        "no request reached the API"
    );
    env.stop().await;
    postgres_execute(&server, format!("DROP SCHEMA {schema} CASCADE"));
    let _ = std::fs::remove_file(path);
}
