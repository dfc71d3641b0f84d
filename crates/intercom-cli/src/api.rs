//! `intercom api`: any endpoint, like `gh api`.

use std::io::Read as _;

use anyhow::Context as _;
use clap::Args;
use futures::TryStreamExt as _;
use intercom_client::{Client, Method, PageStyle, Request};
use serde_json::{Map, Value};

use crate::exit::UsageError;

#[derive(Debug, Args)]
pub struct ApiArgs {
    /// HTTP method: GET, POST, PUT, PATCH or DELETE.
    method: String,
    /// Path, e.g. /contacts or /conversations/123 (a ?query is allowed).
    path: String,
    /// A string field `key=value`: in the query for GET and DELETE (or with --input), else in the
    /// JSON body.
    #[arg(short = 'f', long = "raw-field", value_name = "KEY=VALUE")]
    raw_fields: Vec<String>,
    /// A typed field `key=value`: numbers, true, false, null, arrays and objects are parsed as
    /// JSON; anything else stays a string.
    #[arg(short = 'F', long = "field", value_name = "KEY=VALUE")]
    fields: Vec<String>,
    /// A file with the JSON body, or `-` for stdin.
    #[arg(long, value_name = "FILE")]
    input: Option<String>,
    /// Follow every page and print all items as one JSON array.
    #[arg(long)]
    pub paginate: bool,
    /// Print the request and send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

fn split_field(raw: &str) -> Result<(String, &str), UsageError> {
    match raw.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v)),
        _ => Err(UsageError(format!(
            "field `{raw}` must look like key=value"
        ))),
    }
}

/// The request described by the arguments.
pub fn build_request(args: &ApiArgs) -> anyhow::Result<Request> {
    let method: Method = args.method.parse().map_err(UsageError)?;
    let (path, query) = match args.path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (args.path.as_str(), None),
    };
    if !path.starts_with('/') {
        return Err(
            UsageError(format!("path `{path}` must start with `/`, e.g. /contacts")).into(),
        );
    }
    let mut request = Request::new(method, path);
    if method == Method::Post && path.ends_with("/search") {
        request = request.idempotent();
    }
    for pair in query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        request = request.query(percent_decode(k), percent_decode(v));
    }

    let mut fields: Vec<(String, Value)> = Vec::new();
    for raw in &args.raw_fields {
        let (k, v) = split_field(raw)?;
        fields.push((k, Value::String(v.to_owned())));
    }
    for raw in &args.fields {
        let (k, v) = split_field(raw)?;
        let value = serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.to_owned()));
        fields.push((k, value));
    }

    let fields_in_query = matches!(method, Method::Get | Method::Delete) || args.input.is_some();
    if let Some(input) = &args.input {
        let text = if input == "-" {
            let mut buf = String::new();
            std::io::stdin()
                .read_to_string(&mut buf)
                .context("cannot read the body from stdin")?;
            buf
        } else {
            std::fs::read_to_string(input)
                .with_context(|| format!("cannot read the body file `{input}`"))?
        };
        let body: Value = serde_json::from_str(&text)
            .map_err(|err| UsageError(format!("the body in `{input}` is not valid JSON: {err}")))?;
        request = request.body(body);
    }
    if fields_in_query {
        for (k, v) in fields {
            let v = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            request = request.query(k, v);
        }
    } else if !fields.is_empty() {
        let body: Map<String, Value> = fields.into_iter().collect();
        request = request.body(Value::Object(body));
    }
    Ok(request)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| s.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (escaped, bytes[i]) {
            (Some(b), _) => {
                out.push(b);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, b) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Sends the request; with `paginate`, walks every page and returns all items as one array.
pub async fn send(client: &Client, request: Request, paginate: bool) -> anyhow::Result<Value> {
    let first = client.json(&request).await?;
    if !paginate {
        return Ok(first);
    }
    let Some(key) = items_key(&first) else {
        return Ok(first);
    };
    let mut items: Vec<Value> = first[&key].as_array().cloned().unwrap_or_default();
    if let Some((next, style)) = next_request(&request, &first, &key) {
        let rest: Vec<Value> = client.paginate(next, style).try_collect().await?;
        items.extend(rest);
    }
    Ok(Value::Array(items))
}

/// The key of the items array: `data` when present, else the first array in the page.
fn items_key(page: &Value) -> Option<String> {
    let map = page.as_object()?;
    if map.get("data").is_some_and(Value::is_array) {
        return Some("data".to_owned());
    }
    map.iter()
        .find(|(k, v)| v.is_array() && *k != "errors")
        .map(|(k, _)| k.clone())
}

/// The request for the second page and how the pages go on, chosen from the first page.
fn next_request(sent: &Request, page: &Value, key: &str) -> Option<(Request, PageStyle)> {
    let with_query = |name: &str, value: String| {
        let mut next = sent.clone();
        next.query.retain(|(k, _)| k != name);
        next.query.push((name.to_owned(), value));
        next
    };
    if sent.path.ends_with("/companies/scroll") {
        let empty = page[key].as_array().is_none_or(Vec::is_empty);
        let param = page
            .get("scroll_param")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())?;
        if empty {
            return None;
        }
        return Some((
            with_query("scroll_param", param.to_owned()),
            PageStyle::scroll(key),
        ));
    }
    let pages = page.get("pages")?;
    if let Some(cursor) = pages
        .pointer("/next/starting_after")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        if sent.method == Method::Post {
            let mut next = sent.clone();
            let body = next.body.get_or_insert_with(|| Value::Object(Map::new()));
            if let Some(map) = body.as_object_mut() {
                let pagination = map
                    .entry("pagination")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Some(p) = pagination.as_object_mut() {
                    p.insert(
                        "starting_after".to_owned(),
                        Value::String(cursor.to_owned()),
                    );
                }
            }
            return Some((next, PageStyle::cursor_body(key)));
        }
        return Some((
            with_query("starting_after", cursor.to_owned()),
            PageStyle::cursor_query(key),
        ));
    }
    let current = pages.get("page").and_then(Value::as_u64)?;
    let total = pages.get("total_pages").and_then(Value::as_u64)?;
    (current < total).then(|| {
        (
            with_query("page", (current + 1).to_string()),
            PageStyle::page_number(key),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("a%40b.co"), "a@b.co");
        assert_eq!(percent_decode("a+b"), "a b");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
