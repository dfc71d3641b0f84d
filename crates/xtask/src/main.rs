//! `cargo run -p xtask -- generate [--check]`: writes (or checks) every file derived from the spec.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    match args.first().map(String::as_str) {
        Some("generate") => match xtask::run(check) {
            Ok(stale) if stale.is_empty() => {
                eprintln!(
                    "{}",
                    if check {
                        "generated files are current"
                    } else {
                        "generated files written"
                    }
                );
                ExitCode::SUCCESS
            }
            Ok(stale) => {
                for path in stale {
                    eprintln!("stale: {path}");
                }
                eprintln!("run `cargo run -p xtask -- generate` and commit the result");
                ExitCode::FAILURE
            }
            Err(err) => {
                eprintln!("error: {err:#}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: cargo run -p xtask -- generate [--check]");
            ExitCode::from(2)
        }
    }
}
