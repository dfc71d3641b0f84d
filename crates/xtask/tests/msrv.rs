//! The workspace's `rust-version` is honest: no dependency in Cargo.lock needs a newer Rust.
//!
//! Only one toolchain can be installed where CI runs, so this is checked from the dependencies'
//! own declared minimums (`cargo metadata`), and clippy's `incompatible_msrv` lint (on under
//! `-D warnings`) refuses standard-library items newer than the declared version in our code.

use std::process::Command;

use serde_json::Value;

fn parse(version: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = version.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    parts.resize(3, 0);
    parts
}

#[test]
fn rust_version_covers_every_dependency() {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(xtask::workspace_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages = meta["packages"].as_array().unwrap();
    let ours = packages
        .iter()
        .find(|p| p["name"] == "intercom-cli")
        .and_then(|p| p["rust_version"].as_str())
        .expect("the workspace declares a rust-version");
    let mut newer = Vec::new();
    for p in packages.iter().filter(|p| !p["source"].is_null()) {
        if let Some(needs) = p["rust_version"].as_str()
            && parse(needs) > parse(ours)
        {
            newer.push(format!("{} {} needs {needs}", p["name"], p["version"]));
        }
    }
    assert!(
        newer.is_empty(),
        "the workspace says rust-version = {ours}, but: {newer:?}; raise rust-version in the root Cargo.toml"
    );
}
