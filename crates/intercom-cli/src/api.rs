//! `intercom api`: any endpoint, like `gh api`.

use std::io::{IsTerminal as _, Write as _};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use intercom_client::{Client, Method, PageStyle, Request};
use serde_json::{Map, Value};

use crate::exit::UsageError;
use crate::output::{self, OutputMode};

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
    /// Follow every page and print each item as it comes: one JSON value a line (JSON Lines)
    /// when stdout is piped, pretty-printed on a terminal, with progress on stderr. If a page
    /// fails for good, what was printed stays and stderr names the `--resume` value to go on.
    #[arg(long)]
    pub paginate: bool,
    /// With --paginate: start at the page an interrupted run named (`starting_after=…`,
    /// `page=N` or `scroll_param=…`).
    #[arg(long, value_name = "CURSOR", requires = "paginate")]
    pub resume: Option<String>,
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
            crate::exit::read_stdin("the body")?
        } else {
            crate::exit::read_file(input, "the body file")?
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

/// Sends the request and prints the answer. With `paginate`, prints the items of every page as
/// they come (see [`paginate`]).
pub async fn send(
    client: &Client,
    request: Request,
    args: &ApiArgs,
    mode: OutputMode,
) -> anyhow::Result<()> {
    if !args.paginate {
        return match client.json(&request).await {
            Ok(value) => output::print_json(&value, mode),
            // A raw write carries the transport's verdict (no lookup: the CLI cannot know
            // what the request creates).
            Err(err) if request.method != Method::Get => {
                let applied = err.applied();
                Err(anyhow::Error::new(err).context(crate::exit::WriteFailed(applied)))
            }
            Err(err) => Err(err.into()),
        };
    }
    let request = match &args.resume {
        Some(cursor) => resume_at(request, cursor)?,
        None => request,
    };
    paginate(client, request, mode).await
}

/// Where a walk through pages stopped for good: what was printed, and the cursor to go on from.
#[derive(Debug)]
pub struct Interrupted {
    pub items_printed: u64,
    pub pages_printed: u64,
    /// The `--resume` value that fetches the page that failed, and every one after it.
    pub resume: String,
}

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "stopped after printing {} item(s) from {} page(s); the items printed are complete, and \
             the same command with `--resume {}` prints the rest",
            self.items_printed, self.pages_printed, self.resume
        )
    }
}

impl std::error::Error for Interrupted {}

/// Streams every item, page by page: one compact JSON value a line when stdout is not a
/// terminal (JSON Lines), pretty-printed on a terminal. Holds one page at a time. When a page
/// fails for good, what was printed stays, and the error carries an [`Interrupted`] with the
/// cursor of the page that failed.
async fn paginate(client: &Client, request: Request, mode: OutputMode) -> anyhow::Result<()> {
    let mut sink = ItemSink::new(mode);
    let first = match client.json(&request).await {
        Ok(page) => page,
        Err(error) => return Err(sink.interrupted(error, &request)),
    };
    let Some(key) = items_key(&first) else {
        // Not a list: print it as it is.
        sink.finish();
        return output::print_json(&first, mode);
    };
    let next = next_request(&request, &first, &key);
    let mut first = first;
    if !sink.page(first.get_mut(&key).map(Value::take))? {
        return Ok(());
    }
    drop(first);
    let Some((next, style)) = next else {
        sink.finish();
        return Ok(());
    };
    let mut pages = client.paginate(next, style);
    loop {
        match pages.next_page().await {
            Ok(Some(mut page)) => {
                if !sink.page(page.get_mut(&key).map(Value::take))? {
                    return Ok(());
                }
            }
            Ok(None) => break,
            Err(error) => {
                let Some(failed) = pages.resume_request() else {
                    sink.finish();
                    return Err(error.into());
                };
                let failed = failed.clone();
                return Err(sink.interrupted(error, &failed));
            }
        }
    }
    sink.finish();
    Ok(())
}

/// Prints items as they come, with a progress line on stderr when it is a terminal.
struct ItemSink {
    mode: OutputMode,
    out: std::io::BufWriter<std::io::Stdout>,
    progress: ProgressBar,
    items: u64,
    pages: u64,
}

impl ItemSink {
    fn new(mode: OutputMode) -> ItemSink {
        let progress = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new_spinner();
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
                bar.set_style(style);
            }
            bar.set_message("fetching the first page");
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        ItemSink {
            mode,
            out: std::io::BufWriter::new(std::io::stdout()),
            progress,
            items: 0,
            pages: 0,
        }
    }

    /// Prints one page's items and flushes; `false` when stdout was closed (`| head`), which
    /// ends the walk without an error.
    fn page(&mut self, items: Option<Value>) -> anyhow::Result<bool> {
        let items = match items {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        let count = items.len() as u64;
        let (out, mode) = (&mut self.out, self.mode);
        let written = self.progress.suspend(|| -> std::io::Result<()> {
            for item in &items {
                match mode {
                    OutputMode::Compact => serde_json::to_writer(&mut *out, item)?,
                    OutputMode::Pretty => serde_json::to_writer_pretty(&mut *out, item)?,
                }
                out.write_all(b"\n")?;
            }
            out.flush()
        });
        match written {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {
                self.progress.finish_and_clear();
                return Ok(false);
            }
            Err(err) => return Err(anyhow::Error::new(err).context("cannot write to stdout")),
        }
        self.items += count;
        self.pages += 1;
        self.progress.set_message(format!(
            "{} item(s) from {} page(s)",
            self.items, self.pages
        ));
        Ok(true)
    }

    fn finish(&mut self) {
        self.progress.finish_and_clear();
    }

    /// The error of a walk that stopped at `failed`, with what was printed and how to resume.
    fn interrupted(&mut self, error: intercom_client::Error, failed: &Request) -> anyhow::Error {
        self.finish();
        let Some(resume) = resume_cursor(failed) else {
            return error.into();
        };
        anyhow::Error::new(error).context(Interrupted {
            items_printed: self.items,
            pages_printed: self.pages,
            resume,
        })
    }
}

/// The `--resume` value for a page request: the one pagination parameter it carries
/// (`starting_after=…`, `page=…` or `scroll_param=…`); `None` for the first page of a walk that
/// was not itself resumed, which is fetched again by running the same command.
fn resume_cursor(request: &Request) -> Option<String> {
    let query = |key: &str| {
        request
            .query
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| format!("{key}={v}"))
    };
    if let Some(cursor) = request
        .body
        .as_ref()
        .and_then(|b| b.pointer("/pagination/starting_after"))
        .and_then(Value::as_str)
    {
        return Some(format!("starting_after={cursor}"));
    }
    query("starting_after")
        .or_else(|| query("scroll_param"))
        .or_else(|| query("page"))
}

/// `request` moved to the page a `--resume` value names.
fn resume_at(request: Request, cursor: &str) -> Result<Request, UsageError> {
    let bad = || {
        UsageError(format!(
            "`--resume {cursor}` must be a value printed by an interrupted `--paginate`: \
             starting_after=CURSOR, page=N or scroll_param=VALUE"
        ))
    };
    let (key, value) = cursor.split_once('=').ok_or_else(bad)?;
    if value.is_empty() {
        return Err(bad());
    }
    let mut next = request;
    match key {
        "starting_after" if next.method == Method::Post => {
            let body = next.body.get_or_insert_with(|| Value::Object(Map::new()));
            let Some(map) = body.as_object_mut() else {
                return Err(UsageError(
                    "`--resume` needs a JSON object body to set `pagination.starting_after` in"
                        .to_owned(),
                ));
            };
            let pagination = map
                .entry("pagination")
                .or_insert_with(|| Value::Object(Map::new()));
            let Some(p) = pagination.as_object_mut() else {
                return Err(UsageError(
                    "`--resume`: the body's `pagination` must be an object".to_owned(),
                ));
            };
            p.insert("starting_after".to_owned(), Value::String(value.to_owned()));
        }
        "page" if value.parse::<u64>().is_err() => return Err(bad()),
        "starting_after" | "page" | "scroll_param" => {
            next.query.retain(|(k, _)| k != key);
            next.query.push((key.to_owned(), value.to_owned()));
        }
        _ => return Err(bad()),
    }
    Ok(next)
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
