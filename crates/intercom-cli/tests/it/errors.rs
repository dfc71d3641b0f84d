//! Error messages and exit codes: 0 ok, 1 API, 2 usage, 3 auth, 4 network, 5 write in doubt.

use std::net::SocketAddr;

use intercom_sandbox::{Sandbox, SandboxConfig};

use crate::{filters, intercom, stderr};

#[test]
fn no_token_is_a_usage_error_that_says_what_to_do() {
    for args in [
        &["call", "intercom_list_admins"][..],
        &["api", "GET", "/admins"][..],
    ] {
        let out = intercom(args);
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty());
        insta::assert_snapshot!("no_token", stderr(&out));
    }
}

#[test]
fn unknown_tool_suggests_the_nearest_names() {
    let out = intercom(&["call", "intercom_list_admin", "--sandbox"]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("unknown_tool", stderr(&out));
}

#[test]
fn validation_error_as_json() {
    let out = intercom(&[
        "call",
        "intercom_manage_conversation",
        r#"{"conversation_id": "1", "message_type": "close"}"#,
        "--json-errors",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    insta::assert_json_snapshot!("validation_json_error", err);
}

#[test]
fn invalid_json_arguments() {
    let out = intercom(&["call", "intercom_list_admins", "{nope", "--sandbox"]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("invalid_json", stderr(&out));
}

/// A sandbox on its own runtime thread, for runs with --base-url.
fn background_sandbox(token: &str) -> (String, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let running = rt
        .block_on(
            Sandbox::open(SandboxConfig::default().token(token))
                .unwrap()
                .bind(SocketAddr::from(([127, 0, 0, 1], 0))),
        )
        .unwrap();
    let url = running.base_url();
    std::mem::forget(running); // served until the runtime is dropped
    (url, rt)
}

#[test]
fn api_errors_exit_1_and_auth_errors_exit_3() {
    let (url, _rt) = background_sandbox("right-token");
    let out = intercom(&[
        "api",
        "GET",
        "/contacts/does-not-exist",
        "--base-url",
        &url,
        "--token",
        "right-token",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    filters().bind(|| insta::assert_snapshot!("api_404", stderr(&out)));

    let out = intercom(&[
        "call",
        "intercom_retrieve_contact",
        r#"{"contact_id": "nope"}"#,
        "--base-url",
        &url,
        "--token",
        "right-token",
        "--json-errors",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["status"], 404);
    assert!(err["error"]["errors"][0]["code"].is_string(), "{err}");

    let out = intercom(&[
        "call",
        "intercom_list_admins",
        "--base-url",
        &url,
        "--token",
        "wrong-token",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("wrong-token"),
        "the token must never be printed"
    );
    filters().bind(|| insta::assert_snapshot!("auth_401", stderr(&out)));
}

#[test]
fn network_errors_exit_4() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let out = intercom(&["api", "GET", "/admins", "--base-url", &url, "--token", "t"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
}

#[test]
fn a_tool_404_says_what_to_call() {
    let out = intercom(&[
        "call",
        "intercom_retrieve_contact",
        r#"{"contact_id": "nope"}"#,
        "--sandbox",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.lines().any(|l| l
            == "  hint: nothing has that id: for `contact_id`, call intercom_search_contacts or intercom_list_contacts to find one"),
        "{err}"
    );
}

#[test]
fn a_failed_write_says_whether_it_was_applied() {
    let (url, _rt) = background_sandbox("t");
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--base-url", &url, "--token", "t"]);
        intercom(&all)
    };
    // A message Intercom applied, then lost the answer of: no way to look, so unknown (exit 5).
    let fault = r#"{"path_prefix": "/messages", "when": "after", "status": 503}"#;
    let out = crate::intercom_with_stdin(
        &[
            "api",
            "POST",
            "/_sandbox/faults",
            "--input",
            "-",
            "--base-url",
            &url,
            "--token",
            "t",
        ],
        Some(fault),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&[
        "call",
        "intercom_create_message",
        r#"{"message_type": "in_app", "body": "hi", "from": {"type": "admin", "id": 1}, "to": {"type": "user", "id": "x"}}"#,
    ]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(
        text.contains("applied: unknown")
            && text.contains("intercom_search_conversations_by_customer"),
        "{text}"
    );
    // A raw write refused by validation: nothing applied (exit 1).
    let out = run(&[
        "api",
        "POST",
        "/contacts/does-not-exist/notes",
        "-f",
        "body=x",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("applied: no"), "{}", stderr(&out));
}
