//! `intercom mcp`: its refusals, and its answers to malformed messages over stdio. The official
//! MCP Python client and the MCP conformance suite drive it from their own test binary
//! (`tests/external/`), where a missing package shows as ignored.

use std::process::Command;

use serde_json::json;

use crate::{intercom, stderr};

#[test]
fn unknown_toolset_is_a_usage_error() {
    let out = intercom(&["mcp", "--sandbox", "--toolsets", "conversations,ticketz"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: unknown toolset `ticketz`: expected one of ")
            && err.contains("conversations")
            && err.contains("`default` or `all`"),
        "{err}"
    );
}

#[test]
fn write_tool_with_read_only_is_a_usage_error() {
    let out = intercom(&[
        "mcp",
        "--sandbox",
        "--read-only",
        "--tools",
        "intercom_list_admins,intercom_delete_contact",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "error: `intercom_delete_contact` in --tools writes to Intercom, and --read-only allows only read tools: drop one of them\n"
    );
}

#[test]
fn non_loopback_http_without_bearer_is_refused() {
    let out = intercom(&["mcp", "--sandbox", "--http", "0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("error: refusing to listen on 0.0.0.0:0 without a bearer token"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn stdio_without_token_is_a_usage_error() {
    let out = intercom(&["mcp"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("X-Intercom-Token"),
        "{}",
        stderr(&out)
    );
}

/// `intercom mcp` over stdio, driven line by line.
pub(crate) struct StdioMcp {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl StdioMcp {
    /// Starts `intercom mcp ARGS` and completes the handshake.
    pub(crate) fn start(args: &[&str]) -> StdioMcp {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_intercom"));
        crate::clean_env(&mut cmd);
        let mut child = cmd
            .arg("mcp")
            .args(args)
            .env(
                "INTERCOM_RATE_LIMIT_DIR",
                std::env::temp_dir().join("intercom-cli-tests-rate-limit"),
            )
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("run intercom mcp");
        let stdin = child.stdin.take().unwrap();
        let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut mcp = StdioMcp {
            child,
            stdin,
            stdout,
        };
        let init = mcp.exchange(
            br#"{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"it","version":"1"}}}"#,
        );
        assert!(init["result"]["protocolVersion"].is_string(), "{init}");
        mcp.send(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
        mcp
    }

    /// Writes one line.
    pub(crate) fn send(&mut self, line: &[u8]) {
        use std::io::Write as _;
        self.stdin.write_all(line).unwrap();
        self.stdin.write_all(b"\n").unwrap();
        self.stdin.flush().unwrap();
    }

    /// Reads the next message the server writes.
    pub(crate) fn next(&mut self) -> serde_json::Value {
        use std::io::BufRead as _;
        let mut line = String::new();
        let n = self.stdout.read_line(&mut line).unwrap();
        assert!(n > 0, "intercom mcp closed its stdout");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    /// Writes one line and returns the next message that is not a notification.
    pub(crate) fn exchange(&mut self, line: &[u8]) -> serde_json::Value {
        self.send(line);
        loop {
            let message = self.next();
            if message.get("method").is_none() {
                return message;
            }
        }
    }
}

impl Drop for StdioMcp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn every_bad_stdio_message_is_answered() {
    let mut mcp = StdioMcp::start(&["--sandbox"]);
    let deep = format!(
        r#"{{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{{"name":"intercom_list_admins","arguments":{{"x":{}{}}}}}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    let cases: Vec<(Vec<u8>, i64, serde_json::Value, &str)> = vec![
        (b"{not json".to_vec(), -32700, json!(null), "not valid JSON"),
        (b"\xff\xfe{}".to_vec(), -32700, json!(null), "not valid UTF-8"),
        (
            br#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"x\ud800"}}"#.to_vec(),
            -32600,
            json!(2),
            "lone UTF-16 surrogate",
        ),
        (deep.into_bytes(), -32600, json!(3), "deeper than 128 levels"),
        (
            br#"{"jsonrpc":"1.0","id":4,"method":"tools/list"}"#.to_vec(),
            -32600,
            json!(4),
            "`jsonrpc` must be \"2.0\"",
        ),
        (
            br#"{"jsonrpc":"2.0","id":"five","method":"tools/call","params":{"arguments":{}}}"#.to_vec(),
            -32602,
            json!("five"),
            "missing field `name`",
        ),
        (
            br#"{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"intercom_list_admins","arguments":"x"}}"#.to_vec(),
            -32602,
            json!(6),
            "`arguments` an object",
        ),
        (
            br#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":[1]}"#.to_vec(),
            -32602,
            json!(7),
            "`params` must be an object",
        ),
        (
            br#"{"jsonrpc":"2.0","id":8,"method":"tools/frobnicate"}"#.to_vec(),
            -32601,
            json!(8),
            "`tools/frobnicate`",
        ),
        (b"[]".to_vec(), -32600, json!(null), "batches are not supported"),
        (b"42".to_vec(), -32600, json!(null), "is an object"),
        (
            br#"{"jsonrpc":"2.0","id":null,"method":"tools/list"}"#.to_vec(),
            -32600,
            json!(null),
            "`id` must be a string or an integer",
        ),
        (
            br#"{"jsonrpc":"2.0","id":9,"method":7}"#.to_vec(),
            -32600,
            json!(9),
            "`method` must be a string",
        ),
    ];
    for (line, code, id, says) in cases {
        let shown = String::from_utf8_lossy(&line)
            .chars()
            .take(80)
            .collect::<String>();
        let answer = mcp.exchange(&line);
        assert_eq!(answer["jsonrpc"], "2.0", "{shown}: {answer}");
        assert_eq!(answer["error"]["code"], code, "{shown}: {answer}");
        assert_eq!(answer["id"], id, "{shown}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{shown}: {message}");
    }
    // Notifications are never answered, even malformed ones; the next request still is.
    mcp.send(br#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":7}"#);
    let answer = mcp.exchange(
        br#"{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"intercom_list_admins","arguments":{}}}"#,
    );
    assert_eq!(answer["id"], 10, "{answer}");
    assert_eq!(answer["result"]["isError"], false, "{answer}");
}

/// Polls the sandbox until `done` holds, for at most 20 s.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "{what} did not happen"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn a_cancelled_stdio_call_makes_no_further_request() {
    use crate::rate_limit::{control, requests, sandbox};
    let sb = sandbox(&[]);
    // The sandbox holds the answer to GET /admins (for 30 s unless the client goes away).
    control(
        &sb.url,
        "POST",
        "/_sandbox/faults",
        Some(&json!({"path_prefix": "/admins", "method": "GET", "action": "hang", "times": 3})),
    );
    let mut mcp = StdioMcp::start(&["--base-url", &sb.url]);
    mcp.send(
        br#"{"jsonrpc":"2.0","id":"slow","method":"tools/call","params":{"name":"intercom_list_admins","arguments":{}}}"#,
    );
    let held = |url: &str| control(url, "GET", "/_sandbox/faults", None)["held"].as_u64();
    eventually("the sandbox holding the call", || held(&sb.url) == Some(1));
    mcp.send(br#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"slow","reason":"gave up"}}"#);
    // The call is dropped: its connection closes, and the sandbox lets go of the answer.
    eventually("the cancelled call letting go", || held(&sb.url) == Some(0));
    let ping = mcp.exchange(br#"{"jsonrpc":"2.0","id":"p","method":"ping"}"#);
    assert_eq!(ping["id"], "p", "{ping}");
    // One request met the fault (two firings of three are left), none came after it, and the
    // abandoned one was never answered.
    let faults = control(&sb.url, "GET", "/_sandbox/faults", None);
    assert_eq!(faults["faults"][0]["times"], 2, "{faults}");
    assert_eq!(faults["held"], 0, "{faults}");
    assert!(
        !requests(&sb.url).iter().any(|(path, _)| path == "/admins"),
        "the cancelled call was answered"
    );
}
