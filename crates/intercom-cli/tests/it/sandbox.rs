use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

use crate::{intercom, json};

#[test]
fn sandbox_command_serves_until_interrupted() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_intercom"))
        .args([
            "sandbox",
            "--listen",
            "127.0.0.1:0",
            "--sandbox-token",
            "cli-test-token",
            "--contacts",
            "9",
        ])
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let re_prefix = "intercom sandbox listening on http://127.0.0.1:";
    assert!(
        line.starts_with(re_prefix)
            && line
                .trim_end()
                .ends_with(" (token: set by --sandbox-token)"),
        "{line}"
    );
    let url = line[re_prefix.len() - "http://127.0.0.1:".len()..]
        .split(' ')
        .next()
        .unwrap()
        .to_owned();

    let body = json(&intercom(&[
        "api",
        "GET",
        "/contacts",
        "--base-url",
        &url,
        "--token",
        "cli-test-token",
    ]));
    assert_eq!(body["total_count"], 9);

    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "sandbox exited with {exit:?} after Ctrl-C");
}
