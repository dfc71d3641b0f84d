use serde_json::json;

use crate::{intercom, intercom_with_stdin, json, stdout};

#[test]
fn call_list_admins_against_the_sandbox() {
    let out = intercom(&["call", "intercom_list_admins", "--sandbox"]);
    let body = json(&out);
    // Piped stdout gets compact JSON: one line.
    assert_eq!(stdout(&out).trim_end().lines().count(), 1);
    let names: Vec<&str> = body["admins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    insta::assert_json_snapshot!("sandbox_admin_names", names);
}

#[test]
fn pretty_flag_and_alias_with_stdin_arguments() {
    let out = intercom_with_stdin(
        &[
            "call",
            "INTERCOM_LIST_CONTACTS",
            "-",
            "--sandbox",
            "--pretty",
            "--sandbox-contacts",
            "12",
        ],
        Some(r#"{"per_page": 5}"#),
    );
    assert!(
        stdout(&out).lines().count() > 10,
        "pretty output spans lines"
    );
    let body = json(&out);
    assert_eq!(body["data"].as_array().unwrap().len(), 5);
    assert_eq!(body["total_count"], 12);
}

#[test]
fn arguments_from_a_file() {
    let dir = std::env::temp_dir().join(format!("intercom-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("args.json");
    std::fs::write(&file, r#"{"type": "conversation", "state": "open"}"#).unwrap();
    let out = intercom(&[
        "call",
        "intercom_get_counts",
        &format!("@{}", file.display()),
        "--sandbox",
    ]);
    let body = json(&out);
    assert_eq!(body["counts"][0]["type"], "conversation");
    assert_eq!(body["counts"][0]["state"], "open");
    assert!(body["counts"][0]["count"].as_u64().unwrap() > 0);
    assert_eq!(body["api_calls"], 1);
}

#[test]
fn dry_run_prints_the_requests_and_needs_no_token() {
    let out = intercom(&[
        "call",
        "INTERCOM_CLOSE_CONVERSATION",
        r#"{"id": "123", "admin_id": "7", "body": "Solved, thanks!"}"#,
        "--dry-run",
        "--pretty",
    ]);
    assert!(out.status.success());
    insta::assert_snapshot!("dry_run_close", stdout(&out));

    let out = intercom(&["call", "intercom_get_counts", "--dry-run", "--compact"]);
    let requests = json(&out);
    let paths: Vec<&str> = requests
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "/conversations",
            "/contacts",
            "/companies/list",
            "/tags",
            "/segments"
        ]
    );
    assert_eq!(requests[0]["query"], json!([["per_page", "1"]]));
}

#[test]
fn results_are_the_api_json_unless_compact_is_asked_for() {
    let args = r#"{"conversation_id": "1003"}"#;
    let full = json(&intercom(&[
        "call",
        "intercom_retrieve_conversation",
        args,
        "--sandbox",
    ]));
    // Scripts get Intercom's own JSON: Unix times, list wrappers, nulls.
    assert!(full["created_at"].is_i64(), "{full}");
    assert_eq!(full["conversation_parts"]["type"], "conversation_part.list");
    assert!(full["sla_applied"].is_null() && full.get("sla_applied").is_some());

    let compact = json(&intercom(&[
        "call",
        "intercom_retrieve_conversation",
        args,
        "--sandbox",
        "--response-format",
        "compact",
    ]));
    // ISO 8601 in place of the number (the conversion itself is tested in intercom-tools).
    let created = compact["created_at"].as_str().unwrap();
    assert!(
        created.len() == 20 && created.ends_with('Z') && created.as_bytes()[10] == b'T',
        "{created}"
    );
    assert!(compact.get("sla_applied").is_none());
    assert_eq!(
        compact["conversation_parts"].as_array().map(Vec::len),
        full["conversation_parts"]["conversation_parts"]
            .as_array()
            .map(Vec::len)
    );

    // The arguments' own `response_format` wins over the flag's default.
    let asked = json(&intercom(&[
        "call",
        "intercom_retrieve_conversation",
        r#"{"conversation_id": "1003", "response_format": "compact", "fields": ["state"]}"#,
        "--sandbox",
    ]));
    assert_eq!(asked, json!({"id": "1003", "state": compact["state"]}));
}
