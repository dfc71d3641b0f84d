//! Input hygiene: unreadable input and unusable tokens are usage errors (exit 2) that say what
//! is wrong, and oversized URLs, ids and tool names are refused before anything is sent.

use std::path::PathBuf;

use crate::{intercom, intercom_with_stdin_bytes, stderr};

/// A scratch directory for this test process and `name`.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "intercom-cli-hygiene-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Exit 2, nothing on stdout, and `expected` in the message.
fn usage_error(out: &std::process::Output, expected: &str) {
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(out));
    assert!(out.stdout.is_empty(), "stdout: {:?}", out.stdout);
    let err = stderr(out);
    assert!(err.contains(expected), "expected {expected:?} in: {err}");
    assert!(
        err.len() < 1_000,
        "the message stays short: {} bytes",
        err.len()
    );
}

#[test]
fn a_missing_arguments_file_exits_2() {
    let path = scratch("missing").join("nope.json");
    let arg = format!("@{}", path.display());
    let out = intercom(&["call", "intercom_list_admins", &arg, "--sandbox"]);
    usage_error(&out, "does not exist");
}

#[test]
fn an_arguments_file_that_is_a_directory_exits_2() {
    let arg = format!("@{}", scratch("dir").display());
    let out = intercom(&["call", "intercom_list_admins", &arg, "--sandbox"]);
    usage_error(&out, "is a directory");
}

#[test]
fn an_arguments_file_that_is_not_utf8_exits_2() {
    let path = scratch("latin1").join("args.json");
    std::fs::write(&path, b"{\"name\": \"caf\xe9\"}").unwrap();
    let arg = format!("@{}", path.display());
    let out = intercom(&["call", "intercom_list_admins", &arg, "--sandbox"]);
    usage_error(&out, "is not UTF-8 text (invalid byte at offset 13)");
}

#[test]
fn arguments_on_stdin_that_are_not_utf8_exit_2() {
    let out = intercom_with_stdin_bytes(
        &["call", "intercom_list_admins", "-", "--sandbox"],
        Some(b"{\"name\": \"\xff\"}"),
    );
    usage_error(&out, "stdin (the arguments) is not UTF-8 text");
}

#[test]
fn a_missing_api_input_file_exits_2() {
    let path = scratch("api-missing").join("body.json");
    let out = intercom(&[
        "api",
        "POST",
        "/contacts",
        "--input",
        path.to_str().unwrap(),
        "--sandbox",
    ]);
    usage_error(&out, "the body file");
    usage_error(&out, "does not exist");
}

#[test]
fn a_token_with_a_space_or_a_newline_exits_2() {
    for token in ["abc def", "abc\n", "abc\ndef"] {
        let out = intercom(&[
            "call",
            "intercom_list_admins",
            "--token",
            token,
            "--base-url",
            "http://127.0.0.1:9",
        ]);
        usage_error(&out, "invalid access token: it contains spaces");
        assert!(!stderr(&out).contains("abc"), "the token is never shown");
    }
}

#[test]
fn a_url_over_8_kib_is_refused_before_sending() {
    // A closed port: had anything been sent, the error would be a network one (exit 4).
    let long = format!("q={}", "x".repeat(9_000));
    let out = intercom(&[
        "api",
        "GET",
        "/contacts",
        "-f",
        &long,
        "--base-url",
        "http://127.0.0.1:9",
    ]);
    usage_error(&out, "over the 8192 this client sends");
}

#[test]
fn an_id_of_10_mb_is_refused_before_sending() {
    let path = scratch("huge-id").join("args.json");
    let id = "7".repeat(10 * 1024 * 1024);
    std::fs::write(&path, format!(r#"{{"contact_id": "{id}"}}"#)).unwrap();
    let arg = format!("@{}", path.display());
    let out = intercom(&[
        "call",
        "intercom_retrieve_contact",
        &arg,
        "--base-url",
        "http://127.0.0.1:9",
    ]);
    usage_error(
        &out,
        "`contact_id` is 10485760 characters long; an id in the URL is at most 255",
    );
}

#[test]
fn a_raw_path_of_100_kb_is_refused_before_sending() {
    // `api` takes the path as one command-line argument, which Linux caps at 128 KiB.
    let path = format!("/contacts/{}", "7".repeat(100 * 1024 - "/contacts/".len()));
    let out = intercom(&["api", "GET", &path, "--base-url", "http://127.0.0.1:9"]);
    usage_error(&out, "field `path`: the URL would be 102400 bytes or more");
}

#[test]
fn a_tool_name_over_128_characters_is_refused() {
    let name = "intercom_".repeat(20);
    let out = intercom(&["call", &name, "--sandbox"]);
    usage_error(
        &out,
        "a tool name is at most 128 characters; this one has 180",
    );
}

#[test]
fn a_deadline_that_is_not_a_number_of_seconds_exits_2() {
    let out = intercom(&[
        "call",
        "intercom_list_admins",
        "--deadline",
        "soon",
        "--base-url",
        "http://127.0.0.1:9",
    ]);
    usage_error(
        &out,
        "invalid deadline `soon`: expected a number of seconds",
    );
}
