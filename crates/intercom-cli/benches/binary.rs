//! Prints the size of the release binary (`target/release/intercom`), building it first when it is
//! missing or older than the sources, and the time `intercom tools` takes to start and list.
//!
//! `cargo bench -p intercom-cli --bench binary`

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

/// The newest modification time of any file under `dir` (sources, manifests).
fn newest(dir: &Path) -> SystemTime {
    let mut newest = SystemTime::UNIX_EPOCH;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name == "target" || name == "node_modules" || name == ".git" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(modified) = entry.metadata().and_then(|m| m.modified()) {
                newest = newest.max(modified);
            }
        }
    }
    newest
}

fn main() {
    let root = root();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let binary = target.join("release/intercom");
    let stale = std::fs::metadata(&binary)
        .and_then(|m| m.modified())
        .map_or(true, |built| built < newest(&root.join("crates")));
    if stale {
        eprintln!("building the release binary (fat LTO: this takes a few minutes)...");
        let status = Command::new(env!("CARGO"))
            .args(["build", "--release", "--locked", "-p", "intercom-cli"])
            .current_dir(&root)
            .status()
            .expect("cargo runs");
        assert!(status.success(), "the release build failed");
    }
    let size = std::fs::metadata(&binary).expect("the release binary").len();
    println!(
        "release binary: {} ({:.1} MB)",
        binary.display(),
        size as f64 / 1_000_000.0
    );

    // Start-up: `intercom tools --json` builds the whole registry and prints it.
    let mut times: Vec<Duration> = (0..20)
        .map(|_| {
            let start = Instant::now();
            let out = Command::new(&binary)
                .args(["tools", "--json"])
                .output()
                .expect("the binary runs");
            assert!(out.status.success());
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "intercom tools --json: p50 {:.1} ms, max {:.1} ms (20 runs)",
        times[times.len() / 2].as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0
    );
}
