//! The commands the READMEs and ARCHITECTURE.md show keep working.
//!
//! Every line of a ```sh block in README.md, ARCHITECTURE.md and crates/*/README.md is read.
//! `intercom ...` lines and `cargo run -p intercom-cli -- ...` lines run the built binary:
//! one-shot commands must exit 0; servers (`intercom sandbox`, `intercom mcp --http`) must come
//! up and print their banner, on port 0 in place of the one written; `intercom mcp` over stdio
//! must answer an `initialize`. Lines that need a real Intercom workspace (they set
//! `INTERCOM_TOKEN=...` or configure another program, such as `claude mcp add`) are listed as not
//! run; so are `cargo test` (this suite) and `cargo run --example` (compiled by `cargo test`).

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

/// (file, line) of every command in a ```sh block, continuation lines joined, comments cut.
fn commands() -> Vec<(String, String)> {
    let root = root();
    let mut files = vec![root.join("README.md"), root.join("ARCHITECTURE.md")];
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path().join("README.md"))
        .filter(|p| p.exists())
        .collect();
    crates.sort();
    files.extend(crates);
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.strip_prefix(&root).unwrap().display().to_string();
        let mut in_sh = false;
        let mut pending = String::new();
        for line in text.lines() {
            let trimmed = line.trim();
            if trimmed.starts_with("```") {
                in_sh = !in_sh && trimmed == "```sh";
                continue;
            }
            if !in_sh || trimmed.starts_with('#') || trimmed.is_empty() {
                continue;
            }
            if let Some(start) = trimmed.strip_suffix('\\') {
                pending.push_str(start);
                pending.push(' ');
                continue;
            }
            pending.push_str(trimmed);
            let command = strip_comment(&pending);
            out.push((name.clone(), command));
            pending.clear();
        }
    }
    out
}

/// Cuts a trailing `# comment` that is outside quotes.
fn strip_comment(line: &str) -> String {
    let (mut single, mut double) = (false, false);
    let chars: Vec<char> = line.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && (i == 0 || chars[i - 1].is_whitespace()) => {
                return chars[..i].iter().collect::<String>().trim().to_owned();
            }
            _ => {}
        }
    }
    line.trim().to_owned()
}

enum Plan {
    NotRun(&'static str),
    Run(Vec<String>),
}

fn plan(command: &str) -> Plan {
    let words = shlex::split(command).unwrap_or_else(|| panic!("cannot split `{command}`"));
    let first = words.first().map(String::as_str).unwrap_or("");
    if first.contains('=') {
        return Plan::NotRun("needs a real workspace");
    }
    match first {
        "intercom" => Plan::Run(words[1..].to_vec()),
        "cargo" if words.get(1).is_some_and(|w| w == "test") => Plan::NotRun("this suite"),
        "cargo" if words.iter().any(|w| w == "--example") => {
            Plan::NotRun("an example, compiled by cargo test")
        }
        "cargo" if words.iter().any(|w| w == "intercom-cli") => {
            let args = words
                .iter()
                .skip_while(|w| *w != "--")
                .skip(1)
                .cloned()
                .collect();
            Plan::Run(args)
        }
        "cargo" if words.get(1).is_some_and(|w| w == "install" || w == "bench") => {
            Plan::NotRun("builds in release")
        }
        _ => Plan::NotRun("another program"),
    }
}

/// Runs one command of the docs; returns an error message if it does not work.
fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let server = match args.first().map(String::as_str) {
        Some("sandbox") => true,
        Some("mcp") => args.iter().any(|a| a == "--http"),
        _ => false,
    };
    let stdio_mcp = args.first().is_some_and(|a| a == "mcp") && !server;
    if server {
        // Port 0 in place of the written one, so nothing collides.
        for i in 0..args.len() {
            if (args[i] == "--listen" || args[i] == "--http") && i + 1 < args.len() {
                let host = args[i + 1]
                    .rsplit_once(':')
                    .map(|(h, _)| h)
                    .unwrap_or("127.0.0.1");
                args[i + 1] = format!("{host}:0");
            }
        }
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_intercom"));
    cmd.args(&args).current_dir(root());
    crate::clean_env(&mut cmd);
    if server {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        // The banner goes to stdout (sandbox) or stderr (mcp); read whichever speaks first.
        let stream: Box<dyn std::io::Read + Send> = if args[0] == "sandbox" {
            Box::new(child.stdout.take().unwrap())
        } else {
            Box::new(child.stderr.take().unwrap())
        };
        // A notice may come before the banner: read a few lines.
        let mut seen = String::new();
        let mut reader = BufReader::new(stream);
        let mut up = false;
        for _ in 0..5 {
            let mut line = String::new();
            if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
                break;
            }
            seen.push_str(&line);
            if line.contains("http://127.0.0.1:") {
                up = true;
                break;
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        return if up {
            Ok(())
        } else {
            Err(format!("no banner, got: {seen:?}"))
        };
    }
    if stdio_mcp {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(
            stdin,
            r#"{{"jsonrpc":"2.0","id":1,"method":"initialize","params":{{"protocolVersion":"2025-06-18","capabilities":{{}},"clientInfo":{{"name":"docs","version":"1"}}}}}}"#
        )
        .map_err(|e| e.to_string())?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        drop(stdin);
        let _ = child.kill();
        let _ = child.wait();
        return if line.contains("\"serverInfo\"") {
            Ok(())
        } else {
            Err(format!("no initialize answer, got: {line:?}"))
        };
    }
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

#[test]
fn every_documented_command_works() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for (file, command) in commands() {
        match plan(&command) {
            Plan::NotRun(why) => eprintln!("not run ({why}): {file}: {command}"),
            Plan::Run(args) => {
                ran += 1;
                if let Err(err) = run(&args) {
                    failures.push(format!("{file}: `{command}`: {err}"));
                }
            }
        }
    }
    assert!(ran >= 5, "only {ran} documented commands were found");
    assert!(
        failures.is_empty(),
        "documented commands that no longer work (fix the command or the doc):\n{}",
        failures.join("\n")
    );
}
