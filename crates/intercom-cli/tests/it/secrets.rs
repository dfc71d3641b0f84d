//! No token value ever reaches stdout, stderr or the logs: not from `sandbox`, `call`, `api` or
//! `mcp`, at any verbosity, with a distinctive `INTERCOM_TOKEN` in the environment.

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, Command, Output, Stdio};

/// A value no output could contain by chance.
const TOKEN: &str = "tok_SECRET_7c1f0e9a4b";
const SANDBOX_TOKEN: &str = "sbx_SECRET_52d8e1";

fn command(env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_intercom"));
    crate::clean_env(&mut cmd);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// A foreground `intercom sandbox` and the base URL its banner announced.
struct Foreground {
    child: Child,
    url: String,
    banner: String,
}

impl Foreground {
    fn start(args: &[&str], env: &[(&str, &str)]) -> Foreground {
        let (child, url, banner) = crate::start_sandbox(command(env), args);
        Foreground { child, url, banner }
    }
}

impl Drop for Foreground {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn assert_no_secret(what: &str, out: &Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        for secret in [TOKEN, SANDBOX_TOKEN] {
            assert!(
                !text.contains(secret),
                "{what}: a token reached {stream}:\n{text}"
            );
        }
    }
}

#[test]
fn sandbox_ignores_intercom_token_and_never_prints_its_own() {
    // The real Intercom token in the environment is not the sandbox's: the documented default
    // still works, and the banner shows neither.
    let sandbox = Foreground::start(&[], &[("INTERCOM_TOKEN", TOKEN)]);
    assert!(!sandbox.banner.contains(TOKEN), "{}", sandbox.banner);
    assert!(
        sandbox.banner.contains("token: the default"),
        "{}",
        sandbox.banner
    );
    let out = command(&[])
        .args(["api", "GET", "/me", "--base-url", &sandbox.url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the default token was refused: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    for env in [
        &[("INTERCOM_SANDBOX_TOKEN", SANDBOX_TOKEN)][..],
        &[("INTERCOM_TOKEN", TOKEN)][..],
    ] {
        let sandbox = if env[0].0 == "INTERCOM_SANDBOX_TOKEN" {
            Foreground::start(&[], env)
        } else {
            Foreground::start(&["--sandbox-token", SANDBOX_TOKEN], env)
        };
        assert!(
            !sandbox.banner.contains(SANDBOX_TOKEN) && !sandbox.banner.contains(TOKEN),
            "{}",
            sandbox.banner
        );
        assert!(
            sandbox.banner.contains("token: set by"),
            "{}",
            sandbox.banner
        );
        let out = command(&[("INTERCOM_TOKEN", SANDBOX_TOKEN)])
            .args(["api", "GET", "/me", "--base-url", &sandbox.url])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_no_secret("api against a custom-token sandbox", &out);
    }
}

#[test]
fn sandbox_refuses_the_global_token_flag() {
    let out = command(&[])
        .args(["sandbox", "--listen", "127.0.0.1:0", "--token", TOKEN])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_no_secret("sandbox --token", &out);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--sandbox-token"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn call_api_and_mcp_never_print_the_token_at_any_verbosity() {
    let sandbox = Foreground::start(&[], &[("INTERCOM_SANDBOX_TOKEN", TOKEN)]);
    let env = [("INTERCOM_TOKEN", TOKEN)];
    for verbosity in [None, Some("-v"), Some("-vv")] {
        let extra: Vec<&str> = verbosity.into_iter().collect();
        let runs: [(&str, Vec<&str>); 4] = [
            ("call", vec!["call", "intercom_list_admins"]),
            ("api", vec!["api", "GET", "/admins"]),
            // An error path: the answer is a 404 error.list.
            ("api 404", vec!["api", "GET", "/contacts/nope"]),
            // A refused token: the 401 path.
            (
                "call 401",
                vec!["call", "intercom_list_admins", "--token", "wrong"],
            ),
        ];
        for (what, args) in runs {
            let out = command(&env)
                .args(&args)
                .args(["--base-url", &sandbox.url])
                .args(&extra)
                .output()
                .unwrap();
            assert_no_secret(&format!("{what} {verbosity:?}"), &out);
            if what == "call" || what == "api" {
                assert!(
                    out.status.success(),
                    "{what}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }

        // MCP over stdio: initialize, list the tools, call one.
        let mut child = command(&env)
            .args(["mcp", "--base-url", &sandbox.url])
            .args(&extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut lines = Vec::new();
        for message in [
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
            r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"intercom_list_admins","arguments":{}}}"#,
        ] {
            writeln!(stdin, "{message}").unwrap();
            stdin.flush().unwrap();
            if message.contains("\"id\"") {
                let mut line = String::new();
                stdout.read_line(&mut line).unwrap();
                lines.push(line);
            }
        }
        drop(stdin);
        let rest = child.wait_with_output().unwrap();
        assert!(
            lines[1].contains("\"result\"") && !lines[1].contains("\"isError\":true"),
            "mcp call failed: {}",
            lines[1]
        );
        let out = Output {
            status: rest.status,
            stdout: [lines.concat().into_bytes(), rest.stdout].concat(),
            stderr: rest.stderr,
        };
        assert_no_secret(&format!("mcp {verbosity:?}"), &out);
    }
}

#[test]
fn logs_written_to_a_file_carry_no_colour_codes() {
    let out = command(&[])
        .args(["call", "intercom_list_admins", "--sandbox", "-v"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("DEBUG"), "no debug log at -v: {log}");
    assert!(
        !log.contains('\u{1b}'),
        "ANSI escapes in a piped log: {log:?}"
    );
}
