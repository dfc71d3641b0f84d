//! The rate limit shared between processes: 20 `intercom call` processes against one
//! `intercom sandbox --rate-limit 10` (10 requests per 10 s window) all succeed, and the
//! sandbox answers none of them 429, because they draw on one budget kept in a small file
//! (`INTERCOM_RATE_LIMIT_DIR`). It takes about two windows of real time: the processes wait.

use std::io::{Read as _, Write as _};
use std::process::{Command, Stdio};

/// A foreground `intercom sandbox`, killed when dropped.
pub(crate) struct Sandbox {
    child: std::process::Child,
    pub(crate) url: String,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn sandbox(args: &[&str]) -> Sandbox {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_intercom"));
    crate::clean_env(&mut cmd);
    let (child, url, _) = crate::start_sandbox(cmd, args);
    Sandbox { child, url }
}

/// A request to the sandbox's control endpoints (`/_sandbox/...`), and its JSON answer.
pub(crate) fn control(
    url: &str,
    method: &str,
    path: &str,
    body: Option<&serde_json::Value>,
) -> serde_json::Value {
    let addr = url.trim_start_matches("http://");
    let mut tcp = std::net::TcpStream::connect(addr).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        tcp,
        "{method} {path} HTTP/1.0\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    tcp.read_to_string(&mut response).unwrap();
    let body = response.split_once("\r\n\r\n").unwrap().1;
    serde_json::from_str(body).unwrap_or(serde_json::Value::Null)
}

/// The request log: (path, status) of every request the sandbox answered.
pub(crate) fn requests(url: &str) -> Vec<(String, u64)> {
    control(url, "GET", "/_sandbox/requests", None)["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_owned(),
                r["status"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The statuses of every request the sandbox answered.
fn statuses(url: &str) -> Vec<u64> {
    requests(url).into_iter().map(|(_, s)| s).collect()
}

#[test]
fn twenty_processes_under_a_low_limit_see_no_failure() {
    let sb = sandbox(&["--rate-limit", "10"]);
    let dir = std::env::temp_dir().join(format!(
        "intercom-cli-twenty-processes-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let started = std::time::Instant::now();
    let children: Vec<_> = (0..20)
        .map(|_| {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_intercom"));
            crate::clean_env(&mut cmd);
            cmd.args(["call", "intercom_list_admins", "--base-url", &sb.url])
                .env("INTERCOM_RATE_LIMIT_DIR", &dir)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let failures: Vec<String> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .filter(|o| !o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        .collect();
    let elapsed = started.elapsed();
    let statuses = statuses(&sb.url);
    let limited = statuses.iter().filter(|s| **s == 429).count();
    println!(
        "20 processes, limit 10 per 10 s: {} failed, {} requests, {limited} answered 429, {:.1} s",
        failures.len(),
        statuses.len(),
        elapsed.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} failed: {failures:?}",
        failures.len()
    );
    assert_eq!(limited, 0, "429s met: {statuses:?}");
    assert_eq!(statuses.len(), 20, "one request per call: {statuses:?}");
}
