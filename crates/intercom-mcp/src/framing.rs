//! Our own JSON-RPC framing, in front of rmcp: every incoming message is checked here, and
//! whatever rmcp would drop without a word (a line that is not JSON, a lone UTF-16 surrogate,
//! nesting deeper than serde's 128 levels, a `tools/call` whose params do not fit) is answered
//! with a JSON-RPC error that says what was wrong.
//!
//! - Not JSON: `-32700` (parse error), `id` null.
//! - JSON that is not a JSON-RPC request, or one we refuse (a lone surrogate, too deep, too
//!   long): `-32600` (invalid request), with the request's `id` when it can be found.
//! - A known method whose params do not fit: `-32602` (invalid params), with the `id`.
//!
//! stdio goes through [`LineTransport`]; the HTTP endpoint checks each POST body with
//! [`check`] before rmcp sees it.

use std::borrow::Cow;

use rmcp::RoleServer;
#[allow(deprecated)]
use rmcp::model::{
    CallToolRequestParams, CompleteRequestParams, ErrorCode, GetPromptRequestParams,
    InitializeRequestParams, PaginatedRequestParams, ReadResourceRequestParams,
    SetLevelRequestParams,
};
use rmcp::service::RxJsonRpcMessage;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, AsyncRead, AsyncWrite, AsyncWriteExt as _, BufReader};
use tokio::sync::{mpsc, oneshot};

/// The longest message accepted, in bytes (rmcp's own stdio limit).
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// What to do with one incoming message.
#[derive(Debug)]
pub(crate) enum Checked {
    /// A well-formed message for rmcp.
    Message(Box<RxJsonRpcMessage<RoleServer>>),
    /// Answer this JSON-RPC error response instead.
    Reply(Value),
    /// A malformed notification or response: JSON-RPC never answers one, but an HTTP POST can
    /// refuse it with this error (which has no `id`).
    Unanswerable(Value),
    /// Nothing to do (an empty line).
    Ignore,
}

/// Methods rmcp knows: a request for one of them that rmcp can only read as a custom request
/// has params of the wrong shape.
const KNOWN_METHODS: &[&str] = &[
    "initialize",
    "ping",
    "completion/complete",
    "logging/setLevel",
    "prompts/get",
    "prompts/list",
    "resources/list",
    "resources/templates/list",
    "resources/read",
    "resources/subscribe",
    "resources/unsubscribe",
    "tools/call",
    "tools/list",
];

/// A JSON-RPC error response.
pub(crate) fn error_response(code: ErrorCode, id: Option<&Value>, message: &str) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id.cloned().unwrap_or(Value::Null),
        "error": {"code": code.0, "message": message},
    })
}

/// Checks one message (a stdio line without its newline, or an HTTP body).
pub(crate) fn check(bytes: &[u8]) -> Checked {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Checked::Ignore;
    }
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Checked::Reply(too_long());
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Checked::Reply(error_response(
            ErrorCode::PARSE_ERROR,
            None,
            "parse error: the message is not valid UTF-8",
        ));
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => return Checked::Reply(unparsable(text, &e)),
    };
    let Value::Object(object) = &value else {
        let message = if value.is_array() {
            "invalid request: batches are not supported; send one JSON-RPC object per message"
        } else {
            "invalid request: a JSON-RPC message is an object with `jsonrpc`, `method` and, for a request, `id`"
        };
        return Checked::Reply(error_response(ErrorCode::INVALID_REQUEST, None, message));
    };
    let id = match object.get("id") {
        None => None,
        Some(id @ Value::String(_)) => Some(id),
        Some(id @ Value::Number(n)) if n.is_i64() => Some(id),
        Some(_) => {
            return Checked::Reply(error_response(
                ErrorCode::INVALID_REQUEST,
                None,
                "invalid request: `id` must be a string or an integer",
            ));
        }
    };
    let invalid = |message: String| {
        let reply = error_response(ErrorCode::INVALID_REQUEST, id, &message);
        if id.is_some() || object.contains_key("method") {
            Checked::Reply(reply)
        } else {
            Checked::Unanswerable(reply)
        }
    };
    if object.get("jsonrpc") != Some(&json!("2.0")) {
        return invalid("invalid request: `jsonrpc` must be \"2.0\"".into());
    }
    let method = match object.get("method") {
        None => None,
        Some(Value::String(m)) => Some(m.as_str()),
        Some(_) => return invalid("invalid request: `method` must be a string".into()),
    };
    let Some(method) = method else {
        // A response to one of our requests: rmcp correlates it, or drops it if it is malformed.
        if id.is_none() || !(object.contains_key("result") || object.contains_key("error")) {
            return invalid(
                "invalid request: a message needs a `method` (a request or notification), or an `id` with `result` or `error` (a response)".into(),
            );
        }
        return match serde_json::from_value(value) {
            Ok(message) => Checked::Message(Box::new(message)),
            Err(e) => Checked::Unanswerable(error_response(
                ErrorCode::INVALID_REQUEST,
                None,
                &format!("invalid response: {e}"),
            )),
        };
    };
    match object.get("params") {
        None | Some(Value::Object(_)) => {}
        Some(_) => {
            let reply = error_response(
                ErrorCode::INVALID_PARAMS,
                id,
                &format!("invalid params for `{method}`: `params` must be an object"),
            );
            return match id {
                Some(_) => Checked::Reply(reply),
                None => Checked::Unanswerable(reply),
            };
        }
    }
    let params = object.get("params").cloned();
    let id = id.cloned();
    let method = method.to_owned();
    match serde_json::from_value::<RxJsonRpcMessage<RoleServer>>(value) {
        Ok(rmcp::model::JsonRpcMessage::Request(request))
            if KNOWN_METHODS.contains(&method.as_str())
                && matches!(
                    request.request,
                    rmcp::model::ClientRequest::CustomRequest(_)
                ) =>
        {
            Checked::Reply(bad_params(&method, params, id.as_ref()))
        }
        Ok(message) => Checked::Message(Box::new(message)),
        Err(e) if id.is_some() => {
            tracing::debug!(error = %e, %method, "a request rmcp cannot read");
            if KNOWN_METHODS.contains(&method.as_str()) {
                Checked::Reply(bad_params(&method, params, id.as_ref()))
            } else {
                Checked::Reply(error_response(
                    ErrorCode::INVALID_REQUEST,
                    id.as_ref(),
                    &format!("invalid request: {e}"),
                ))
            }
        }
        Err(e) => Checked::Unanswerable(error_response(
            ErrorCode::INVALID_PARAMS,
            None,
            &format!("invalid params for the notification `{method}`: {e}"),
        )),
    }
}

fn too_long() -> Value {
    error_response(
        ErrorCode::INVALID_REQUEST,
        None,
        &format!(
            "invalid request: the message is longer than {} MiB",
            MAX_MESSAGE_BYTES >> 20
        ),
    )
}

/// The answer to text serde_json cannot read: malformed JSON, or JSON we cannot hold.
fn unparsable(text: &str, e: &serde_json::Error) -> Value {
    let detail = e.to_string();
    let refused = if detail.contains("recursion limit") {
        Some(format!(
            "invalid request: the message nests arrays or objects deeper than 128 levels (line {} column {})",
            e.line(),
            e.column()
        ))
    } else if detail.contains("surrogate") || lone_surrogate(text) {
        Some(format!(
            "invalid request: a string holds a lone UTF-16 surrogate escape such as \\ud800 (line {} column {}); escape a character outside the Basic Multilingual Plane as a high and low surrogate pair, or send it as UTF-8",
            e.line(),
            e.column()
        ))
    } else {
        None
    };
    match refused {
        Some(message) => {
            let id = recover_id(text);
            error_response(ErrorCode::INVALID_REQUEST, id.as_ref(), &message)
        }
        None => error_response(
            ErrorCode::PARSE_ERROR,
            None,
            &format!("parse error: the message is not valid JSON ({e})"),
        ),
    }
}

/// Whether `text` holds a `\u` escape of a UTF-16 surrogate that is not half of a pair.
fn lone_surrogate(text: &str) -> bool {
    let bytes = text.as_bytes();
    let unit = |at: usize| -> Option<u16> {
        let hex = bytes.get(at..at + 6)?;
        if &hex[..2] != b"\\u" {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let mut pos = 0;
    while pos < bytes.len() {
        if bytes[pos] != b'\\' {
            pos += 1;
            continue;
        }
        match unit(pos) {
            Some(0xD800..=0xDBFF) => {
                if !unit(pos + 6).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)) {
                    return true;
                }
                pos += 12;
            }
            Some(0xDC00..=0xDFFF) => return true,
            Some(_) => pos += 6,
            // Any other escape is two bytes long (so `\\` cannot start another escape).
            None => pos += 2,
        }
    }
    false
}

/// The answer to a request for a known method whose params do not fit its shape.
fn bad_params(method: &str, params: Option<Value>, id: Option<&Value>) -> Value {
    fn reason<T: serde::de::DeserializeOwned>(params: Option<Value>) -> Option<String> {
        serde_json::from_value::<T>(params.unwrap_or(Value::Object(Default::default())))
            .err()
            .map(|e| e.to_string())
    }
    let why = match method {
        "initialize" => reason::<InitializeRequestParams>(params),
        "tools/call" => reason::<CallToolRequestParams>(params),
        "tools/list" | "prompts/list" | "resources/list" | "resources/templates/list" => {
            reason::<PaginatedRequestParams>(params)
        }
        "resources/read" => reason::<ReadResourceRequestParams>(params),
        "prompts/get" => reason::<GetPromptRequestParams>(params),
        "completion/complete" => reason::<CompleteRequestParams>(params),
        #[allow(deprecated)]
        "logging/setLevel" => reason::<SetLevelRequestParams>(params),
        _ => None,
    };
    let hint = match method {
        "tools/call" => {
            "; send {\"name\": \"<tool name from tools/list>\", \"arguments\": {…}}, with `arguments` an object"
        }
        _ => "",
    };
    let message: Cow<'_, str> = match why {
        Some(why) => format!("invalid params for `{method}`: {why}{hint}").into(),
        None => format!("invalid params for `{method}`{hint}").into(),
    };
    error_response(ErrorCode::INVALID_PARAMS, id, &message)
}

/// The top-level `id` of a JSON object, found by scanning the text (which serde_json refused
/// as a whole): a string or an integer, or `None`.
fn recover_id(text: &str) -> Option<Value> {
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    if bytes.get(pos) != Some(&b'{') {
        return None;
    }
    pos += 1;
    loop {
        pos = skip_ws(bytes, pos);
        if bytes.get(pos) != Some(&b'"') {
            return None;
        }
        let key_end = string_end(bytes, pos)?;
        let key = &text[pos..key_end];
        pos = skip_ws(bytes, key_end);
        if bytes.get(pos) != Some(&b':') {
            return None;
        }
        pos = skip_ws(bytes, pos + 1);
        let value_end = value_end(bytes, pos)?;
        if key == "\"id\"" {
            let id: Value = serde_json::from_str(&text[pos..value_end]).ok()?;
            return (id.is_string() || id.as_i64().is_some()).then_some(id);
        }
        pos = skip_ws(bytes, value_end);
        match bytes.get(pos) {
            Some(b',') => pos += 1,
            _ => return None,
        }
    }
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(u8::is_ascii_whitespace) {
        pos += 1;
    }
    pos
}

/// The index just past the string starting at `start` (its opening quote).
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut pos = start + 1;
    loop {
        match bytes.get(pos)? {
            b'\\' => pos += 2,
            b'"' => return Some(pos + 1),
            _ => pos += 1,
        }
    }
}

/// The index just past the value starting at `start`, nesting counted without recursion.
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut pos = start;
    loop {
        match bytes.get(pos)? {
            b'"' => pos = string_end(bytes, pos)?,
            b'{' | b'[' => {
                depth += 1;
                pos += 1;
            }
            b'}' | b']' => {
                if depth == 0 {
                    return Some(pos);
                }
                depth -= 1;
                pos += 1;
            }
            b',' if depth == 0 => return Some(pos),
            _ => pos += 1,
        }
        if depth == 0
            && bytes
                .get(pos)
                .is_none_or(|b| matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace())
        {
            return Some(pos);
        }
    }
}

/// A line to write, and where to say whether it was written.
type Outgoing = (Vec<u8>, Option<oneshot::Sender<std::io::Result<()>>>);

/// Newline-delimited JSON-RPC over a byte stream pair (stdio), each line checked by [`check`].
pub(crate) struct LineTransport {
    incoming: mpsc::Receiver<RxJsonRpcMessage<RoleServer>>,
    outgoing: Option<mpsc::UnboundedSender<Outgoing>>,
    reader: tokio::task::JoinHandle<()>,
    writer: Option<tokio::task::JoinHandle<()>>,
}

impl LineTransport {
    pub(crate) fn new<R, W>(read: R, write: W) -> LineTransport
    where
        R: AsyncRead + Send + Unpin + 'static,
        W: AsyncWrite + Send + Unpin + 'static,
    {
        let (in_tx, incoming) = mpsc::channel(16);
        let (out_tx, out_rx) = mpsc::unbounded_channel();
        let reader = tokio::spawn(read_lines(BufReader::new(read), in_tx, out_tx.clone()));
        let writer = tokio::spawn(write_lines(write, out_rx));
        LineTransport {
            incoming,
            outgoing: Some(out_tx),
            reader,
            writer: Some(writer),
        }
    }
}

impl Drop for LineTransport {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

async fn read_lines<R: AsyncRead + Unpin>(
    mut read: BufReader<R>,
    incoming: mpsc::Sender<RxJsonRpcMessage<RoleServer>>,
    outgoing: mpsc::UnboundedSender<Outgoing>,
) {
    let mut line = Vec::new();
    let mut oversized = false;
    loop {
        let available = match read.fill_buf().await {
            Ok(available) => available,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the MCP input");
                return;
            }
        };
        if available.is_empty() {
            if !line.is_empty() || oversized {
                tracing::debug!("the MCP input ended inside a message; it is dropped");
            }
            return;
        }
        let newline = available.iter().position(|b| *b == b'\n');
        let take = newline.map_or(available.len(), |i| i + 1);
        let chunk = newline.map_or(available, |i| &available[..i]);
        if !oversized {
            if line.len() + chunk.len() > MAX_MESSAGE_BYTES {
                oversized = true;
                line = Vec::new();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        read.consume(take);
        if newline.is_none() {
            continue;
        }
        let checked = if std::mem::take(&mut oversized) {
            Checked::Reply(too_long())
        } else {
            check(&line)
        };
        line.clear();
        match checked {
            Checked::Message(message) => {
                if incoming.send(*message).await.is_err() {
                    return;
                }
            }
            Checked::Reply(reply) => {
                tracing::debug!(%reply, "answered a message rmcp could not take");
                let bytes = serde_json::to_vec(&reply).unwrap_or_default();
                if outgoing.send((bytes, None)).is_err() {
                    return;
                }
            }
            Checked::Unanswerable(reply) => {
                tracing::debug!(%reply, "ignored a malformed notification or response");
            }
            Checked::Ignore => {}
        }
    }
}

async fn write_lines<W: AsyncWrite + Unpin>(
    mut write: W,
    mut outgoing: mpsc::UnboundedReceiver<Outgoing>,
) {
    while let Some((mut bytes, done)) = outgoing.recv().await {
        bytes.push(b'\n');
        let mut result = write.write_all(&bytes).await;
        if result.is_ok() {
            result = write.flush().await;
        }
        let failed = result.is_err();
        if let Some(done) = done {
            let _ = done.send(result);
        }
        if failed {
            return;
        }
    }
}

impl rmcp::transport::Transport<RoleServer> for LineTransport {
    type Error = std::io::Error;

    fn send(
        &mut self,
        item: rmcp::service::TxJsonRpcMessage<RoleServer>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let outgoing = self.outgoing.clone();
        async move {
            let bytes = serde_json::to_vec(&item).map_err(std::io::Error::other)?;
            let closed = || std::io::Error::new(std::io::ErrorKind::NotConnected, "closed");
            let outgoing = outgoing.ok_or_else(closed)?;
            let (tx, rx) = oneshot::channel();
            outgoing.send((bytes, Some(tx))).map_err(|_| closed())?;
            rx.await.map_err(|_| closed())?
        }
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleServer>> {
        self.incoming.recv().await
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        self.reader.abort();
        self.outgoing = None;
        if let Some(writer) = self.writer.take() {
            let _ = writer.await;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_the_id_of_text_serde_refuses() {
        let deep = format!(
            "{{\"jsonrpc\":\"2.0\",\"params\":{}{},\"id\":7}}",
            "[".repeat(200),
            "]".repeat(200)
        );
        assert_eq!(recover_id(&deep), Some(json!(7)));
        assert_eq!(
            recover_id(r#"{"a": "x\"y", "b": {"id": 1}, "id" : "abc"}"#),
            Some(json!("abc"))
        );
        assert_eq!(recover_id(r#"{"id": 1.5}"#), None);
        assert_eq!(recover_id(r#"[1]"#), None);
        assert_eq!(recover_id(r#"{"a": 1}"#), None);
    }
}
