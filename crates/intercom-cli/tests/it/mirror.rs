//! `intercom sync` into a mirror file, then `intercom local search|count|export|status` from it.

use std::path::PathBuf;

use crate::{intercom, json, stderr, stdout};

/// A fresh directory for one test's mirror.
fn dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("intercom-cli-mirror-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn sync_then_search_count_and_export_offline() {
    let dir = dir("offline");
    let db = dir.join("m.sqlite");
    let db = db.to_str().unwrap();
    let report = json(&intercom(&["sync", "--sandbox", "--db", db, "--json"]));
    let conversations = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource"] == "conversations")
        .unwrap();
    assert_eq!(conversations["items"], 100);
    assert_eq!(conversations["full"], true);
    assert_eq!(
        report["requests"],
        report["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["requests"].as_u64().unwrap())
            .sum::<u64>()
    );

    // Everything below reads the file alone: no --sandbox, no token.
    let counts = json(&intercom(&[
        "local",
        "count",
        "--db",
        db,
        "--group-by",
        "state",
    ]));
    assert!(
        counts["mirror"].as_str().unwrap().starts_with("synced "),
        "{counts}"
    );
    assert_eq!(counts["total"], 100);
    let sum: u64 = counts["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["count"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, 100);
    let open = counts["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "open")
        .unwrap()["count"]
        .as_u64()
        .unwrap();

    let hits = json(&intercom(&[
        "local", "search", "refund", "--db", db, "--limit", "3",
    ]));
    assert!(hits["total"].as_u64().unwrap() >= 1, "{hits}");
    for hit in hits["hits"].as_array().unwrap() {
        assert!(
            hit["snippet"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("[refund"),
            "{hit}"
        );
    }

    let out = intercom(&["local", "export", "--db", db, "--state", "open"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len() as u64, open);
    assert!(
        lines
            .iter()
            .all(|c| c["state"] == "open" && c["conversation_parts"].is_object())
    );

    let out = intercom(&[
        "local",
        "export",
        "--db",
        db,
        "--resource",
        "contacts",
        "--format",
        "csv",
    ]);
    let text = stdout(&out);
    let mut rows = text.lines();
    assert_eq!(
        rows.next(),
        Some("id,created_at,updated_at,state,team_id,admin_id,tags,contact_ids,title,truncated")
    );
    assert_eq!(rows.count(), 50);

    let status = json(&intercom(&["local", "status", "--db", db]));
    assert!(status["bytes_on_disk"].as_u64().unwrap() > 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn local_commands_refuse_bad_input_naming_the_field() {
    let dir = dir("errors");
    let db = dir.join("m.sqlite");
    let db = db.to_str().unwrap();
    let never = json(&intercom(&["local", "count", "--db", db]));
    assert_eq!(never["mirror"], "never synced: run `intercom sync` first");
    for (args, message) in [
        (
            vec!["local", "count", "--db", db, "--group-by", "year"],
            "field `group_by`: `year` is not a grouping: use one of state, team, admin, tag, day, week, month",
        ),
        (
            vec![
                "local",
                "search",
                "x",
                "--db",
                db,
                "--created-after",
                "yesterday",
            ],
            "field `created_after`: `yesterday` is not a time: use unix seconds, a date (2026-11-01) or a UTC timestamp (2026-11-01T09:30:00Z)",
        ),
        (
            vec!["local", "search", "refund AND", "--db", db],
            "field `text`: `refund AND` is not a valid full-text query",
        ),
    ] {
        let out = intercom(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--db postgres://…`: the same sync and the same answers as a SQLite file, from a schema of
/// the test server (`INTERCOM_TEST_POSTGRES`, set by `.ci/postgres.sh`; SKIPPED without it, a
/// failure with `INTERCOM_REQUIRE_SDK_TESTS=1`), dropped at the end.
#[test]
fn a_postgres_db_answers_as_a_sqlite_file() {
    let test = "a_postgres_db_answers_as_a_sqlite_file";
    let Some(server) = std::env::var("INTERCOM_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        assert!(
            !std::env::var("INTERCOM_REQUIRE_SDK_TESTS").is_ok_and(|v| v == "1"),
            "{test}: INTERCOM_TEST_POSTGRES is not set and INTERCOM_REQUIRE_SDK_TESTS=1 requires the PostgreSQL tests"
        );
        eprintln!(
            "SKIPPED {test}: no PostgreSQL server (INTERCOM_TEST_POSTGRES is not set; .ci/postgres.sh sets it)"
        );
        return;
    };
    let schema = format!("cli_mirror_test_{}", std::process::id());
    let mut admin = postgres::Client::connect(&server, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .unwrap();
    let join = if server.contains('?') { '&' } else { '?' };
    let url = format!("{server}{join}options=-csearch_path%3D{schema}");
    let dir = dir("postgres");
    let file = dir.join("m.sqlite");
    let file = file.to_str().unwrap();

    let mut outputs = Vec::new();
    for db in [file, url.as_str()] {
        let report = json(&intercom(&["sync", "--sandbox", "--db", db, "--json"]));
        assert!(report["requests"].as_u64().unwrap() > 0, "{report}");
        let mut these = Vec::new();
        for args in [
            &["count", "--text", "refund", "--group-by", "team"][..],
            &["count", "--group-by", "month"],
            &[
                "count",
                "--text",
                "\"duplicate payment\"",
                "--group-by",
                "state",
            ],
        ] {
            let mut answer = json(&intercom(&[&["local"], args, &["--db", db]].concat()));
            answer.as_object_mut().unwrap().remove("mirror");
            these.push(answer.to_string());
        }
        // Export streams the same documents in the same order, byte for byte.
        let export = intercom(&["local", "export", "--db", db, "--resource", "contacts"]);
        assert!(export.status.success(), "{}", stderr(&export));
        these.push(stdout(&export));
        outputs.push(these);
    }
    assert_eq!(outputs[0], outputs[1], "SQLite, then PostgreSQL");
    assert_eq!(outputs[1][3].lines().count(), 50, "every contact exported");

    // The password of the URL shows nowhere, not even when the server refuses it.
    let config: postgres::Config = server.parse().unwrap();
    let password = String::from_utf8_lossy(config.get_password().unwrap()).into_owned();
    let wrong = url.replacen(&format!(":{password}@"), ":hunter2-s3cret@", 1);
    let refused = intercom(&["local", "status", "--db", &wrong]);
    assert!(!refused.status.success());
    let message = stderr(&refused);
    assert!(
        message.starts_with("error: field `db`: cannot open the PostgreSQL mirror postgres://"),
        "{message}"
    );
    assert!(!message.contains("hunter2-s3cret"), "{message}");
    let status = intercom(&["local", "status", "--db", &url]);
    assert!(!stdout(&status).contains(&password) && !stderr(&status).contains(&password));

    admin
        .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .unwrap();
    let _ = std::fs::remove_dir_all(dir);
}
