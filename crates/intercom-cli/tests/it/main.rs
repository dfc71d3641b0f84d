//! Tests that run the built `intercom` binary.

mod api;
mod bulk;
mod call;
mod doc_commands;
mod docs;
mod errors;
mod hygiene;
mod mcp;
mod mirror;
mod rate_limit;
mod sandbox;
mod secrets;
mod tools;

use std::process::{Command, Output};

/// Removes every variable `intercom` reads from the environment, so a test sees only what it sets.
pub fn clean_env(cmd: &mut Command) {
    for var in [
        "INTERCOM_TOKEN",
        "INTERCOM_ACCESS_TOKEN",
        "INTERCOM_SANDBOX_TOKEN",
        "INTERCOM_REGION",
        "INTERCOM_BASE_URL",
        "INTERCOM_SANDBOX",
        "INTERCOM_VERSION",
        "INTERCOM_DEADLINE",
        "INTERCOM_MIRROR_DB",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
}

/// Starts `cmd` (an `intercom` command, its environment set by the caller) as `intercom sandbox`
/// on a free 127.0.0.1 port with `args`; returns the process, the base URL and the banner line
/// that announced it.
pub fn start_sandbox(mut cmd: Command, args: &[&str]) -> (std::process::Child, String, String) {
    use std::io::{BufRead as _, BufReader};
    let mut child = cmd
        .args(["sandbox", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start intercom sandbox");
    let mut banner = String::new();
    BufReader::new(child.stdout.take().expect("the sandbox's stdout"))
        .read_line(&mut banner)
        .expect("read the sandbox's banner");
    let url = banner
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no URL in the banner: {banner}"))
        .to_owned();
    (child, url, banner)
}

/// Runs `intercom` with `args`, with no INTERCOM_* variables from the environment.
pub fn intercom(args: &[&str]) -> Output {
    intercom_with_stdin(args, None)
}

pub fn intercom_with_stdin(args: &[&str], stdin: Option<&str>) -> Output {
    intercom_with_stdin_bytes(args, stdin.map(str::as_bytes))
}

pub fn intercom_with_stdin_bytes(args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write as _;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_intercom"));
    cmd.args(args);
    crate::clean_env(&mut cmd);
    // Shared rate-limit files of test runs stay out of the user's cache.
    cmd.env(
        "INTERCOM_RATE_LIMIT_DIR",
        std::env::temp_dir().join("intercom-cli-tests-rate-limit"),
    );
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("run intercom");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait for intercom")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

pub fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "exit {:?}\nstderr: {}",
        out.status.code(),
        stderr(out)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", stdout(out)))
}

/// insta settings that hide ports, request ids and times.
pub fn filters() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.add_filter(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[UUID]",
    );
    settings.add_filter(r"\b1[67]\d{8}\b", "[TIME]");
    settings
}
