//! Turning validated arguments into [`Request`] values, without a socket.

use intercom_client::{Method, Request};
use serde_json::{Map, Value};

use crate::ToolError;
use crate::spec::{Args, Location, Operation, Tool};

/// The request of a `Direct` tool: its first operation filled from the parameter table.
pub fn direct(tool: &Tool, args: &Args) -> Result<Request, ToolError> {
    let op = tool.operations.first().ok_or_else(|| ToolError::Response {
        tool: tool.name.to_owned(),
        message: "the tool declares no operation".to_owned(),
    })?;
    from_operation(tool, op, args)
}

/// Fills `op` from `args`: path parameters into the template, query parameters into the query
/// string, body parameters into a JSON object (sent when the tool declares any body parameter).
pub fn from_operation(tool: &Tool, op: &Operation, args: &Args) -> Result<Request, ToolError> {
    let path = expand_path(tool, op.path, args)?;
    let mut request = Request::new(op.method, path);
    if op.idempotent && matches!(op.method, Method::Post | Method::Patch) {
        request = request.idempotent();
    }
    let mut body = Map::new();
    let mut has_body = false;
    for p in tool.params {
        match p.location {
            Location::Query => {
                if let Some(v) = args.get(p.name) {
                    request = request.query(p.wire_name(), query_value(v));
                }
            }
            Location::Body => {
                has_body = true;
                if let Some(v) = args.get(p.name) {
                    body.insert(p.wire_name().to_owned(), v.clone());
                }
            }
            Location::Path | Location::Input => {}
        }
    }
    // A DELETE carries a body only where the operation declares one (detaching a tag from a
    // conversation names the admin in the body).
    let sends_body = match op.method {
        Method::Get => false,
        Method::Delete => !body.is_empty(),
        _ => true,
    };
    if has_body && sends_body {
        request = request.body(Value::Object(body));
    }
    if let Some(version) = tool.version {
        request = request.version(version);
    }
    Ok(request)
}

/// Longest value, in characters, of an argument that goes into the URL path (the ids:
/// `conversation_id`, `contact_id`, ...). Intercom's own ids are at most a few dozen characters;
/// 255 leaves room for identifiers chosen by a workspace (custom object types, external ids)
/// while a runaway value is refused before anything is sent.
pub const MAX_ID_CHARS: usize = 255;

/// Replaces every `{name}` of `template` with the percent-encoded argument.
pub fn expand_path(tool: &Tool, template: &str, args: &Args) -> Result<String, ToolError> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end =
            rest[start..]
                .find('}')
                .map(|e| start + e)
                .ok_or_else(|| ToolError::Response {
                    tool: tool.name.to_owned(),
                    message: format!("bad path template `{template}`"),
                })?;
        let name = &rest[start + 1..end];
        let value = match args.get(name) {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(ToolError::validation(tool.name, name, "is required")),
        };
        let chars = value.chars().count();
        if chars > MAX_ID_CHARS {
            return Err(ToolError::validation(
                tool.name,
                name,
                format!("is {chars} characters long; an id in the URL is at most {MAX_ID_CHARS}"),
            ));
        }
        out.push_str(&encode_segment(&value));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A query-string value: strings as they are, numbers and booleans as JSON, others as JSON text.
pub fn query_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Percent-encodes one path segment (RFC 3986 unreserved characters stay as they are).
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
