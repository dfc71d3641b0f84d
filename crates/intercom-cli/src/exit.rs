//! Exit codes and error reports.

use std::process::ExitCode;

use intercom_client::Error as ClientError;
use intercom_tools::ToolError;
use serde_json::{Value, json};

/// A mistake in how the command was used (exit code 2).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// The text of the file at `path`, or a usage error that says why it cannot be read (missing,
/// a directory, not UTF-8, no permission). `what` names the file in the message.
pub fn read_file(path: &str, what: &str) -> Result<String, UsageError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(_) if std::path::Path::new(path).is_dir() => {
            return Err(UsageError(format!(
                "{what} `{path}` is a directory; give the path of a JSON file"
            )));
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(UsageError(format!("{what} `{path}` does not exist")));
        }
        Err(err) => return Err(UsageError(format!("cannot read {what} `{path}`: {err}"))),
    };
    String::from_utf8(bytes).map_err(|err| {
        UsageError(format!(
            "{what} `{path}` is not UTF-8 text (invalid byte at offset {}); save it as UTF-8 JSON",
            err.utf8_error().valid_up_to()
        ))
    })
}

/// All of stdin as text, or a usage error when it is not UTF-8 or cannot be read.
pub fn read_stdin(what: &str) -> Result<String, UsageError> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|err| UsageError(format!("cannot read {what} from stdin: {err}")))?;
    String::from_utf8(bytes).map_err(|err| {
        UsageError(format!(
            "stdin ({what}) is not UTF-8 text (invalid byte at offset {}); send UTF-8 JSON",
            err.utf8_error().valid_up_to()
        ))
    })
}

/// A raw write (`intercom api` with a method other than GET) failed; its verdict.
#[derive(Debug)]
pub struct WriteFailed(pub intercom_client::Applied);

impl std::fmt::Display for WriteFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the write failed ({})", self.0)
    }
}

impl std::error::Error for WriteFailed {}

/// Where the token a command sends came from: named (never shown) in the hint of a 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentToken {
    /// `--token`.
    Flag,
    /// An environment variable (`INTERCOM_TOKEN` or `INTERCOM_ACCESS_TOKEN`).
    Variable(&'static str),
    /// No token was set, and `--base-url` was given: the sandbox's default token.
    SandboxDefault,
    /// `--sandbox`: the in-process sandbox's own token.
    InProcessSandbox,
}

impl SentToken {
    /// What to say under a 401 answered to a request that carried this token.
    fn hint_for_401(self) -> Option<String> {
        let check = "check that it is a valid access token for this workspace, and that \
                     --region (or --base-url) is the one the workspace is hosted in";
        match self {
            SentToken::Flag => Some(format!(
                "the request sent the token given with --token; {check}"
            )),
            SentToken::Variable(name) => {
                Some(format!("the request sent the token in {name}; {check}"))
            }
            SentToken::SandboxDefault => Some(format!(
                "no token was set (INTERCOM_TOKEN, INTERCOM_ACCESS_TOKEN or --token), so the \
                 request sent the sandbox's default token `{}`; a sandbox started with \
                 --sandbox-token or INTERCOM_SANDBOX_TOKEN needs the same value in \
                 INTERCOM_TOKEN",
                intercom_sandbox::DEFAULT_TOKEN
            )),
            SentToken::InProcessSandbox => None,
        }
    }
}

/// Something to tell under an error's message (`  hint: ...`), carried as the error's context.
#[derive(Debug)]
pub struct Hint(pub String);

impl std::fmt::Display for Hint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The retries the client makes for one command. Each is told on stderr as it is decided (a
/// refused connection is retried for seconds, which would otherwise look like a hang), and a
/// command that fails for good after retrying says how many attempts it made.
pub struct Retries {
    started: std::time::Instant,
    last: std::sync::Arc<std::sync::Mutex<Option<intercom_client::observe::RetryNotice>>>,
}

impl Retries {
    pub fn new() -> Retries {
        Retries {
            started: std::time::Instant::now(),
            last: std::sync::Arc::default(),
        }
    }

    /// Runs `future`, telling each retry the client makes inside it.
    pub async fn observe<F: std::future::Future>(&self, future: F) -> F::Output {
        let last = self.last.clone();
        let observer = std::sync::Arc::new(move |n: &intercom_client::observe::RetryNotice| {
            eprintln!(
                "intercom: {} {}: {}; attempt {} in {:.1} s",
                n.method,
                n.path,
                n.reason,
                n.attempt + 1,
                n.wait.as_secs_f64()
            );
            if let Ok(mut last) = last.lock() {
                *last = Some(n.clone());
            }
        });
        intercom_client::observe::observe(observer, future).await
    }

    /// `err` with what the caller needs to act on it: how many attempts a network failure took,
    /// and which token a 401 answered.
    pub fn explain(&self, err: anyhow::Error, token: SentToken) -> anyhow::Error {
        let client = err.chain().find_map(|c| {
            c.downcast_ref::<ClientError>().or_else(|| {
                c.downcast_ref::<ToolError>()
                    .and_then(ToolError::client_error)
            })
        });
        match client {
            Some(ClientError::Unauthorized(_)) => match token.hint_for_401() {
                Some(hint) => err.context(Hint(hint)),
                None => err,
            },
            Some(ClientError::Transport { url, .. } | ClientError::Timeout { url, .. }) => {
                let last = self.last.lock().ok().and_then(|last| last.clone());
                match last {
                    // The retries told were this request's (a paginated command makes several).
                    Some(notice) if url.contains(&notice.path) => err.context(format!(
                        "gave up after {} attempts in {:.1} s",
                        notice.attempt + 1,
                        self.started.elapsed().as_secs_f64()
                    )),
                    _ => err,
                }
            }
            _ => err,
        }
    }
}

pub const API: u8 = 1;
pub const USAGE: u8 = 2;
pub const AUTH: u8 = 3;
pub const NETWORK: u8 = 4;
/// A write failed and it could not be settled whether it was applied (`applied: unknown`).
pub const WRITE_UNKNOWN: u8 = 5;

/// The exit code for an error, from the most specific cause in its chain.
pub fn code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(WriteFailed(intercom_client::Applied::Unknown { .. })) = cause.downcast_ref() {
            return WRITE_UNKNOWN;
        }
        if let Some(tool) = cause.downcast_ref::<ToolError>() {
            match tool {
                ToolError::Api {
                    applied: Some(intercom_client::Applied::Unknown { .. }),
                    ..
                } => return WRITE_UNKNOWN,
                ToolError::Api { source, .. } => return client_code(source),
                e if e.is_usage() => return USAGE,
                _ => return API,
            }
        }
        if let Some(client) = cause.downcast_ref::<ClientError>() {
            return client_code(client);
        }
        if let Some(mirror) = cause.downcast_ref::<intercom_mirror::Error>() {
            match mirror {
                intercom_mirror::Error::Api { source, .. } => return client_code(source),
                intercom_mirror::Error::Invalid { .. } => return USAGE,
                _ => return API,
            }
        }
        if cause.downcast_ref::<UsageError>().is_some()
            || cause
                .downcast_ref::<intercom_client::ConfigError>()
                .is_some()
        {
            return USAGE;
        }
    }
    API
}

fn client_code(err: &ClientError) -> u8 {
    match err {
        ClientError::Unauthorized(_) => AUTH,
        ClientError::RateLimited { .. }
        | ClientError::Transport { .. }
        | ClientError::Timeout { .. }
        | ClientError::DeadlineExceeded { .. } => NETWORK,
        ClientError::InvalidRequest(_) | ClientError::Config(_) => USAGE,
        e if matches!(e.status(), Some(401 | 403)) => AUTH,
        _ => API,
    }
}

fn api_details(err: &anyhow::Error) -> Option<&intercom_client::ApiError> {
    err.chain().find_map(|c| {
        c.downcast_ref::<ClientError>()
            .and_then(ClientError::api)
            .or_else(|| {
                c.downcast_ref::<ToolError>()
                    .and_then(ToolError::client_error)
                    .and_then(ClientError::api)
            })
    })
}

/// The verdict of a failed write: whether it took effect.
fn applied(err: &anyhow::Error) -> Option<&intercom_client::Applied> {
    err.chain().find_map(|c| {
        c.downcast_ref::<ToolError>()
            .and_then(ToolError::applied)
            .or_else(|| c.downcast_ref::<WriteFailed>().map(|w| &w.0))
    })
}

/// Prints the error on stderr (text or JSON) and returns its exit code.
pub fn report(err: &anyhow::Error, json_errors: bool) -> ExitCode {
    let code = code(err);
    // A hint is the outermost context (`Retries::explain` adds it last): not part of the message.
    let hint = err.downcast_ref::<Hint>();
    let message = err
        .chain()
        .skip(usize::from(hint.is_some()))
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ");
    let api = api_details(err);
    if json_errors {
        let mut object = json!({ "error": { "message": message, "exit_code": code } });
        let inner = &mut object["error"];
        if let Some(tool) = err.chain().find_map(|c| c.downcast_ref::<ToolError>()) {
            match tool {
                ToolError::UnknownTool { suggestions, .. } => {
                    inner["kind"] = json!("unknown_tool");
                    inner["suggestions"] = json!(suggestions);
                }
                ToolError::Validation { field, .. } => {
                    inner["kind"] = json!("validation");
                    inner["field"] = json!(field);
                }
                _ => {}
            }
        }
        if let Some(stop) = err
            .chain()
            .find_map(|c| c.downcast_ref::<crate::api::Interrupted>())
        {
            inner["kind"] = json!("interrupted");
            inner["resume"] = json!(stop.resume);
            inner["items_printed"] = json!(stop.items_printed);
        }
        if let Some(applied) = applied(err) {
            inner["applied"] = json!(applied.as_str());
            if let intercom_client::Applied::Unknown { how_to_check } = applied {
                inner["how_to_check"] = json!(how_to_check);
            }
        }
        if let Some(hint) = hint {
            inner["hint"] = json!(hint.0);
        }
        if let Some(api) = api {
            inner["status"] = json!(api.status);
            inner["request_id"] = json!(api.request_id);
            inner["errors"] = serde_json::to_value(&api.errors).unwrap_or(Value::Null);
        }
        eprintln!("{object}");
    } else {
        eprintln!("error: {message}");
        match applied(err) {
            Some(intercom_client::Applied::Unknown { how_to_check }) => {
                eprintln!("  applied: unknown, the write may have taken effect; {how_to_check}");
            }
            Some(other) => eprintln!("  applied: {}", other.as_str()),
            None => {}
        }
        if let Some(api) = api {
            if let Some(id) = &api.request_id {
                eprintln!("  request id: {id}");
            }
            // The message already carries the codes; show the raw body when there were none.
            if api.errors.is_empty()
                && let Some(raw) = &api.raw_body
            {
                eprintln!("  response: {raw}");
            }
            // A tool's 404: what to call to find a valid id (the MCP result says the same).
            if api.status == 404
                && let Some(tool) = err
                    .chain()
                    .find_map(|c| match c.downcast_ref::<ToolError>() {
                        Some(ToolError::Api { tool, .. }) => {
                            intercom_tools::Registry::builtin().tool(tool)
                        }
                        _ => None,
                    })
            {
                eprintln!("  hint: {}", tool.not_found_hint());
            }
        }
        if let Some(hint) = hint {
            eprintln!("  hint: {hint}");
        }
    }
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_exit_2() {
        let err = anyhow::Error::new(UsageError("x".into()));
        assert_eq!(code(&err), USAGE);
    }
}
