//! Error messages and exit codes: 0 ok, 1 API, 2 usage, 3 auth, 4 network, 5 write in doubt.

use std::net::SocketAddr;

use intercom_sandbox::{Sandbox, SandboxConfig};

use crate::{filters, intercom, stderr, stdout};

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
    // Each retry is told as it is decided, and the error says how many attempts were made.
    let err = stderr(&out);
    let retries: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("intercom: GET /admins: could not connect; attempt "))
        .collect();
    assert!(!retries.is_empty(), "no retry was told: {err}");
    let attempts = retries.len() + 1;
    assert!(
        err.contains(&format!("error: gave up after {attempts} attempts in ")),
        "{err}"
    );
}

/// Runs `intercom` with `vars` set (on top of the clean environment).
fn intercom_with_env(args: &[&str], vars: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_intercom"));
    cmd.args(args);
    crate::clean_env(&mut cmd);
    cmd.env(
        "INTERCOM_RATE_LIMIT_DIR",
        std::env::temp_dir().join("intercom-cli-tests-rate-limit"),
    );
    for (name, value) in vars {
        cmd.env(name, value);
    }
    cmd.output().expect("run intercom")
}

#[test]
fn a_401_names_the_token_that_was_sent_never_its_value() {
    let (url, _rt) = background_sandbox("the-sandbox-own-token");
    let secret = "tok_5ecret_value_9f3a";
    // (flags, environment variables, what the hint says)
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case<'_>; 4] = [
        (
            &[],
            &[],
            "so the request sent the sandbox's default token `sandbox-token`; a sandbox started \
             with --sandbox-token or INTERCOM_SANDBOX_TOKEN needs the same value in INTERCOM_TOKEN",
        ),
        (
            &[],
            &[("INTERCOM_TOKEN", secret)],
            "the request sent the token in INTERCOM_TOKEN;",
        ),
        (
            &[],
            &[("INTERCOM_ACCESS_TOKEN", secret)],
            "the request sent the token in INTERCOM_ACCESS_TOKEN;",
        ),
        (
            &["--token", secret],
            &[],
            "the request sent the token given with --token;",
        ),
    ];
    for (flags, vars, expected) in cases {
        let mut args = vec!["call", "intercom_list_admins", "--base-url", &url];
        args.extend_from_slice(flags);
        let out = intercom_with_env(&args, vars);
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        let err = stderr(&out);
        let hint = err
            .lines()
            .find(|l| l.starts_with("  hint: "))
            .unwrap_or_else(|| panic!("no hint for {flags:?} {vars:?}: {err}"));
        assert!(hint.contains(expected), "{flags:?} {vars:?}: {hint}");
        assert!(!err.contains(secret), "the token was printed: {err}");
    }
}

#[test]
fn each_subcommand_help_shows_only_the_flags_that_apply_to_it() {
    let help = |sub: &str| stdout(&intercom(&[sub, "--help"]));
    let connection = [
        "--token",
        "--region",
        "--base-url",
        "--intercom-version",
        "--deadline",
        "--sandbox ",
    ];
    let output = ["--pretty", "--compact"];
    for (sub, absent, present) in [
        (
            "sandbox",
            [&connection[..], &output[..]].concat(),
            vec![
                "--sandbox-token",
                "--listen",
                "-v, --verbose",
                "--json-errors",
            ],
        ),
        (
            "tools",
            connection.to_vec(),
            vec!["--pretty", "--compact", "-v, --verbose"],
        ),
        (
            "mcp",
            output.to_vec(),
            [&connection[..], &["--toolsets", "-v, --verbose"][..]].concat(),
        ),
        (
            "local",
            connection.to_vec(),
            vec!["--pretty", "-v, --verbose"],
        ),
        (
            "sync",
            output.to_vec(),
            [&connection[..], &["-v, --verbose"][..]].concat(),
        ),
        (
            "call",
            Vec::new(),
            [&connection[..], &output[..], &["--dry-run"][..]].concat(),
        ),
        (
            "api",
            Vec::new(),
            [&connection[..], &output[..], &["--paginate"][..]].concat(),
        ),
    ] {
        let text = help(sub);
        // Whether the help lists `flag`: a line that starts with it (its description may name
        // other flags).
        let listed = |flag: &str| {
            let flag = flag.trim_end();
            text.lines().any(|l| {
                l.trim_start()
                    .strip_prefix(flag)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '.']))
            })
        };
        for flag in absent {
            assert!(
                !listed(flag),
                "`intercom {sub} --help` lists {flag}:\n{text}"
            );
        }
        for flag in present {
            assert!(
                listed(flag),
                "`intercom {sub} --help` lacks {flag}:\n{text}"
            );
        }
    }
}

#[test]
fn a_global_flag_that_does_not_apply_is_refused_by_name() {
    for (args, expected) in [
        (
            &["sandbox", "--region", "eu"][..],
            "error: --region does not apply to `intercom sandbox`",
        ),
        (
            &["--compact", "--base-url", "http://x", "sandbox"][..],
            "error: --base-url, --compact do not apply to `intercom sandbox`",
        ),
        (
            &["sandbox", "--token", "x"][..],
            "the sandbox's own token is `--sandbox-token`",
        ),
        (
            &["tools", "--sandbox"][..],
            "error: --sandbox does not apply to `intercom tools`",
        ),
        (
            &["mcp", "--pretty"][..],
            "error: --pretty does not apply to `intercom mcp`",
        ),
    ] {
        let out = intercom(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
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
