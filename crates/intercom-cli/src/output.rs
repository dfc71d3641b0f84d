//! JSON output: pretty on a terminal, compact when piped, unless a flag says otherwise.

use std::io::{IsTerminal as _, Write as _};

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputMode {
    Pretty,
    Compact,
}

impl OutputMode {
    pub fn from_flags(pretty: bool, compact: bool) -> OutputMode {
        if pretty {
            OutputMode::Pretty
        } else if compact || !std::io::stdout().is_terminal() {
            OutputMode::Compact
        } else {
            OutputMode::Pretty
        }
    }
}

pub fn print_json(value: &Value, mode: OutputMode) -> anyhow::Result<()> {
    let text = match mode {
        OutputMode::Pretty => serde_json::to_string_pretty(value)?,
        OutputMode::Compact => serde_json::to_string(value)?,
    };
    print_text(&text)
}

/// Writes `text` and a newline; a closed pipe (`| head`) is not an error.
pub fn print_text(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
