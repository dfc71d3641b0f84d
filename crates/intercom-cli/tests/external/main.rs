//! `intercom mcp` driven by outside MCP clients: the official MCP Python client
//! (`crates/intercom-mcp/tests/python/`, over stdio and Streamable HTTP) and the official MCP
//! conformance suite (`crates/intercom-mcp/tests/conformance/`, over Streamable HTTP).
//!
//! This binary has its own harness (libtest-mimic) so that a suite whose package is not
//! installed is reported as *ignored*, with how to install it, in the summary; with
//! `INTERCOM_REQUIRE_SDK_TESTS=1` (set by `.ci/run`) a missing package fails instead.

use std::path::{Path, PathBuf};
use std::process::Command;

fn required() -> bool {
    std::env::var("INTERCOM_REQUIRE_SDK_TESTS").is_ok_and(|v| v == "1")
}

fn mcp_tests(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../intercom-mcp/tests")
        .join(dir)
}

fn python_missing() -> Option<String> {
    let dir = mcp_tests("python");
    let ok = Command::new("python3")
        .args(["-c", "import mcp, pytest, anyio"])
        .output()
        .is_ok_and(|o| o.status.success());
    (!ok).then(|| {
        format!(
            "the `mcp` Python package is not installed: pip install -r {}",
            dir.join("requirements.txt").display()
        )
    })
}

fn python_mcp_client_drives_the_server() -> Result<(), String> {
    let dir = mcp_tests("python");
    let output = Command::new("timeout")
        .args([
            "300",
            "python3",
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "test_mcp_server.py",
        ])
        .current_dir(&dir)
        .env("INTERCOM_BIN", env!("CARGO_BIN_EXE_intercom"))
        .env_remove("RUST_LOG")
        .output()
        .map_err(|e| format!("pytest could not be started: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!(
            "the MCP Python client suite failed ({}{}):\n{stdout}\n{stderr}",
            output.status,
            if output.status.code() == Some(124) {
                ", timed out after 300 s"
            } else {
                ""
            }
        ));
    }
    if !stdout.contains(" passed") {
        return Err(format!("pytest ran no test:\n{stdout}"));
    }
    println!("MCP Python client suite:\n{stdout}");
    Ok(())
}

/// The server scenarios of the official MCP conformance suite that apply to a server of tools,
/// resources, prompts and logging (the others call the suite's own test tools and resources).
const CONFORMANCE_SCENARIOS: &[&str] = &[
    "server-initialize",
    "ping",
    "logging-set-level",
    "tools-list",
    "resources-list",
    "prompts-list",
    "dns-rebinding-protection",
];

fn conformance_missing() -> Option<String> {
    let dir = mcp_tests("conformance");
    let bin = dir.join("node_modules/.bin");
    (!bin.join("conformance").exists() || !bin.join("node").exists()).then(|| {
        format!(
            "@modelcontextprotocol/conformance is not installed: cd {} && npm ci",
            dir.display()
        )
    })
}

/// Kills the server when the suite ends, however it ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn official_conformance_suite_passes() -> Result<(), String> {
    let dir = mcp_tests("conformance");
    let bin = dir.join("node_modules/.bin");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let addr = format!("127.0.0.1:{port}");
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_intercom"))
            .args(["mcp", "--http", &addr, "--sandbox"])
            .env_remove("INTERCOM_TOKEN")
            .env_remove("RUST_LOG")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("intercom mcp --http could not be started: {e}"))?,
    );
    let ready = (0..800).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(25));
        std::net::TcpStream::connect(&addr).is_ok()
    });
    if !ready {
        return Err(format!(
            "intercom mcp --http {addr} did not start listening"
        ));
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut failures = Vec::new();
    for scenario in CONFORMANCE_SCENARIOS {
        let output = Command::new("timeout")
            .args(["120", "conformance", "server", "--url"])
            .arg(format!("http://{addr}/mcp"))
            .args(["--scenario", scenario])
            .env("PATH", &path)
            .current_dir(&dir)
            .output()
            .map_err(|e| format!("the conformance suite could not be started: {e}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() || !stdout.contains(" 0 failed") {
            failures.push(format!(
                "{scenario} ({}):\n{stdout}\n{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        } else {
            println!("conformance {scenario}: passed");
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// A suite: its name, why it cannot run (if it cannot), and the suite itself.
type Entry = (
    &'static str,
    fn() -> Option<String>,
    fn() -> Result<(), String>,
);

fn main() -> std::process::ExitCode {
    let args = libtest_mimic::Arguments::from_args();
    let suites: [Entry; 2] = [
        (
            "python_mcp_client_drives_the_server",
            python_missing,
            python_mcp_client_drives_the_server,
        ),
        (
            "official_conformance_suite_passes",
            conformance_missing,
            official_conformance_suite_passes,
        ),
    ];
    let trials = suites
        .into_iter()
        .map(|(name, missing, suite)| {
            let reason = missing();
            let ignored = reason.is_some() && !required();
            if let Some(reason) = &reason {
                eprintln!("{name}: {reason}");
            }
            libtest_mimic::Trial::test(name, move || {
                if let Some(reason) = reason {
                    return Err(
                        format!("{reason} (INTERCOM_REQUIRE_SDK_TESTS=1 requires it)").into(),
                    );
                }
                suite().map_err(Into::into)
            })
            .with_ignored_flag(ignored)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}
