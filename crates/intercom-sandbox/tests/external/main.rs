//! Intercom's official SDKs, unchanged, as clients of the sandbox over a loopback socket.
//!
//! The Python (`python-intercom`) and Node (`intercom-client`) suites live in `tests/sdk/`. Each
//! test here starts a fresh sandbox, runs one suite against it and fails with the suite's output
//! when any of its cases fails. This binary has its own harness (libtest-mimic) so that a suite
//! whose SDK is not installed is reported as *ignored*, with how to install it, in the summary;
//! with `INTERCOM_REQUIRE_SDK_TESTS=1` (set by `.ci/run`) a missing SDK fails instead.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use intercom_sandbox::{RunningSandbox, Sandbox, SandboxConfig};

const TOKEN: &str = "sdk-conformance-token";

fn sdk_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sdk")
        .join(name)
}

fn required() -> bool {
    std::env::var("INTERCOM_REQUIRE_SDK_TESTS").is_ok_and(|v| v == "1")
}

/// Why the suite cannot run (its SDK is missing, and how to install it), or `None` when it can.
fn missing(probe: &mut Command, what: &str, install: &str) -> Option<String> {
    let ok = probe.output().is_ok_and(|o| o.status.success());
    (!ok).then(|| format!("{what} is not installed: {install}"))
}

async fn start() -> RunningSandbox {
    // The suites page through everything in a few seconds: a window far above Intercom's, so
    // they test shapes and behaviour, not the rate limit (tested in tests/it/edges.rs).
    Sandbox::open(
        SandboxConfig::default()
            .token(TOKEN)
            .rate_limit_per_window(1_000_000),
    )
    .unwrap()
    .bind("127.0.0.1:0".parse().unwrap())
    .await
    .unwrap()
}

/// `program` under coreutils' `timeout`, so a suite that hangs fails instead of stalling CI.
fn bounded(program: &str) -> Command {
    let mut command = Command::new("timeout");
    command.args(["300", program]);
    command
}

async fn run_suite(running: &RunningSandbox, mut command: Command) -> Output {
    command
        .env("INTERCOM_SANDBOX_URL", running.base_url())
        .env("INTERCOM_SANDBOX_TOKEN", TOKEN);
    tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("the SDK suite could not be started")
}

fn assert_passed(suite: &str, output: &Output) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{suite} failed against the sandbox ({}{}):\n{stdout}\n{stderr}",
        output.status,
        if output.status.code() == Some(124) {
            ", timed out after 300 s"
        } else {
            ""
        }
    );
    println!("{suite}:\n{stdout}");
}

fn python_missing() -> Option<String> {
    let dir = sdk_dir("python");
    missing(
        Command::new("python3").args(["-c", "import intercom, pytest"]),
        "python-intercom",
        &format!("pip install -r {}", dir.join("requirements.txt").display()),
    )
}

async fn python_sdk_drives_the_sandbox() {
    let dir = sdk_dir("python");
    let running = start().await;
    let mut command = bounded("python3");
    command
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "test_python_sdk.py",
        ])
        .current_dir(&dir);
    let output = run_suite(&running, command).await;
    running.shutdown().await;
    assert_passed("python-intercom suite", &output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(" passed"), "pytest ran no test:\n{stdout}");
}

fn node_missing() -> Option<String> {
    let dir = sdk_dir("node");
    missing(
        Command::new("node")
            .args(["-e", "require('intercom-client')"])
            .current_dir(&dir),
        "the intercom-client npm package",
        &format!("cd {} && npm ci", dir.display()),
    )
}

async fn node_sdk_drives_the_sandbox() {
    let dir = sdk_dir("node");
    let running = start().await;
    let mut command = bounded("node");
    command.args(["--test", "sdk.test.mjs"]).current_dir(&dir);
    let output = run_suite(&running, command).await;
    running.shutdown().await;
    assert_passed("intercom-client (Node) suite", &output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("# fail 0"),
        "node --test did not report its counts:\n{stdout}"
    );
}

type Suite = fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;
/// A suite: its name, why it cannot run (if it cannot), and the suite itself.
type Entry = (&'static str, fn() -> Option<String>, Suite);

fn main() -> std::process::ExitCode {
    let args = libtest_mimic::Arguments::from_args();
    let suites: [Entry; 2] = [
        ("python_sdk_drives_the_sandbox", python_missing, || {
            Box::pin(python_sdk_drives_the_sandbox())
        }),
        ("node_sdk_drives_the_sandbox", node_missing, || {
            Box::pin(node_sdk_drives_the_sandbox())
        }),
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
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .map_err(|e| e.to_string())?;
                runtime.block_on(suite());
                Ok(())
            })
            .with_ignored_flag(ignored)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}
