//! Tool results: JSON as `structuredContent` plus a text block, and every failure as a tool
//! error (`isError`) whose text tells the model what to do next.
//!
//! Protocol errors are for requests that cannot be routed at all; an agent rarely sees their
//! message. A wrong argument, a missing id or a refused token is something the model can fix,
//! so it comes back as a result it can read.

use intercom_client::{Applied, ConnectionFailure, Error as ClientError};
use intercom_tools::{Tool, ToolError};
use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Map, Value, json};

use crate::selection::Refusal;

/// A successful result. `structuredContent` must be an object: arrays and scalars are wrapped
/// as `{"result": ...}`. The text block carries the same JSON, for clients that read only text.
pub fn success(value: Value) -> CallToolResult {
    let structured = match value {
        Value::Object(map) => Value::Object(map),
        other => json!({ "result": other }),
    };
    let mut result = CallToolResult::success(vec![ContentBlock::text(structured.to_string())]);
    result.structured_content = Some(structured);
    result
}

/// A write whose first attempt failed ambiguously and that was then found to have landed, or
/// sent once more once it was known not to have: the result, with `recovered` (what happened)
/// beside it in `structuredContent` (`{"result": ..., "recovered": ...}` for a non-object).
pub fn recovered(value: Value, note: &str) -> CallToolResult {
    let mut result = success(value);
    if let Some(Value::Object(map)) = &mut result.structured_content {
        map.insert("_recovered".into(), json!(note));
        let text = Value::Object(map.clone()).to_string();
        result.content = vec![ContentBlock::text(text)];
    }
    result
}

/// A tool error: `text` for the model, and the same facts as `{"error": {...}}`.
pub fn failure(kind: &str, text: String, mut details: Map<String, Value>) -> CallToolResult {
    details.insert("kind".into(), json!(kind));
    details.insert("message".into(), json!(text));
    let mut result = CallToolResult::error(vec![ContentBlock::text(text)]);
    result.structured_content = Some(json!({ "error": details }));
    result
}

/// A tool that exists but is not served here.
pub fn refused(tool: &Tool, refusal: Refusal) -> CallToolResult {
    let text = match refusal {
        Refusal::ReadOnly => format!(
            "`{}` writes to Intercom and this server is read-only (started with --read-only): it refuses every write; use a read tool, or ask the user to restart the server without --read-only",
            tool.name
        ),
        Refusal::NotEnabled => format!(
            "`{}` is not enabled on this server: it belongs to the `{}` toolset; ask the user to restart the server with --toolsets {} (or --tools {}), or use one of the listed tools",
            tool.name, tool.toolset, tool.toolset, tool.name
        ),
    };
    let kind = match refusal {
        Refusal::ReadOnly => "read_only",
        Refusal::NotEnabled => "not_enabled",
    };
    failure(
        kind,
        text,
        Map::from_iter([("tool".into(), json!(tool.name))]),
    )
}

/// A failed call, with the next step where one is known.
pub fn tool_error(err: &ToolError, tool: Option<&Tool>) -> CallToolResult {
    let mut details = Map::new();
    match err {
        ToolError::UnknownTool { name, suggestions } => {
            details.insert("tool".into(), json!(name));
            details.insert("suggestions".into(), json!(suggestions));
            failure("unknown_tool", err.to_string(), details)
        }
        ToolError::NameTooLong { .. } => failure("unknown_tool", err.to_string(), details),
        ToolError::Validation { tool, field, .. } => {
            details.insert("tool".into(), json!(tool));
            details.insert("field".into(), json!(field));
            let text = format!("{err}; fix the arguments and call {tool} again");
            failure("validation", text, details)
        }
        ToolError::Api {
            tool: name,
            source,
            applied,
        } => {
            details.insert("tool".into(), json!(name));
            if let Some(applied) = applied {
                details.insert("applied".into(), json!(applied.as_str()));
                if let Applied::Unknown { how_to_check } = applied {
                    details.insert("how_to_check".into(), json!(how_to_check));
                }
            }
            if let Some(api) = source.api() {
                details.insert("status".into(), json!(api.status));
                details.insert("request_id".into(), json!(api.request_id));
                details.insert(
                    "errors".into(),
                    serde_json::to_value(&api.errors).unwrap_or(Value::Null),
                );
            }
            let (kind, mut next) = next_step(source, tool);
            // A write's verdict replaces any generic advice: the model must not send it again
            // when it landed or may have.
            match applied {
                Some(Applied::Yes) => {
                    next = "the write was applied: do not call it again".to_owned();
                }
                Some(Applied::Unknown { how_to_check }) => {
                    next = format!(
                        "the write may have been applied (it could not be settled): {how_to_check}; call it again only if it is not there"
                    );
                }
                Some(Applied::No) => {
                    next = if next.is_empty() {
                        "nothing was applied".to_owned()
                    } else {
                        format!("nothing was applied; {next}")
                    };
                }
                Some(_) | None => {}
            }
            let mut text = format!("{name} failed: {}", chain(source.as_ref()));
            if let Some(applied) = applied {
                text.push_str(&format!(" [applied: {}]", applied.as_str()));
            }
            if let Some(id) = source.api().and_then(|a| a.request_id.as_deref()) {
                text.push_str(&format!(" (request id {id})"));
            }
            if !next.is_empty() {
                text.push_str("; ");
                text.push_str(&next);
            }
            failure(kind, text, details)
        }
        other => failure("response", other.to_string(), details),
    }
}

/// A client error with its sources, `a: b: c`.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

/// The error kind and what the model should do about it.
fn next_step(err: &ClientError, tool: Option<&Tool>) -> (&'static str, String) {
    match err {
        ClientError::Unauthorized(_) => (
            "auth",
            "Intercom refused the access token: the user must check the token the MCP server was given (or the X-Intercom-Token header); retrying will not help".to_owned(),
        ),
        ClientError::RateLimited { retry_after, .. } => (
            "rate_limited",
            match retry_after {
                Some(d) => format!(
                    "wait {} s, then call again; make fewer calls meanwhile",
                    d.as_secs().max(1)
                ),
                None => "wait a few seconds, then call again; make fewer calls meanwhile"
                    .to_owned(),
            },
        ),
        ClientError::Transport { source, .. } => {
            let maybe_sent = source
                .downcast_ref::<ConnectionFailure>()
                .is_some_and(|c| matches!(c, ConnectionFailure::MaybeSent(_)));
            let write = tool.is_some_and(|t| !t.annotations.read_only);
            (
                "network",
                if maybe_sent && write {
                    "the request may have been applied: check (with a read tool) before calling again".to_owned()
                } else {
                    "Intercom could not be reached; try again in a moment".to_owned()
                },
            )
        }
        ClientError::Timeout { .. } | ClientError::DeadlineExceeded { .. } => (
            "timeout",
            if tool.is_some_and(|t| !t.annotations.read_only) {
                "the request may have been applied: check (with a read tool) before calling again"
                    .to_owned()
            } else {
                "try again, with a smaller page or a narrower query".to_owned()
            },
        ),
        e => match e.status() {
            Some(403) => (
                "forbidden",
                "the access token lacks the permission this call needs; use another tool or ask the user to grant it".to_owned(),
            ),
            Some(404) => ("not_found", not_found_hint(tool)),
            Some(400 | 409 | 422) => {
                let field = e
                    .api()
                    .and_then(|a| a.errors.iter().find_map(|i| i.field.clone()));
                (
                    "api",
                    match field {
                        Some(f) => format!("fix `{f}` and call again"),
                        None => "change the arguments as the message says and call again"
                            .to_owned(),
                    },
                )
            }
            Some(s) if s >= 500 => (
                "api",
                "Intercom failed on its side; try again in a moment".to_owned(),
            ),
            _ => ("api", String::new()),
        },
    }
}

/// For a 404: how to find a valid id for each id the tool took in its path.
fn not_found_hint(tool: Option<&Tool>) -> String {
    tool.map_or_else(
        || "nothing has that id: check the ids you passed".to_owned(),
        Tool::not_found_hint,
    )
}
