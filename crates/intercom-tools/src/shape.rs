//! Response shaping: what a tool call hands back after the API answered.
//!
//! [`shape`] is a pure function of the API's JSON (or a workflow's result) and [`ShapeOptions`].
//! Every tool takes three parameters for it ([`SHAPE_PARAMS`]), which the registry removes
//! before it builds a request, so they never reach Intercom. Steps, in order:
//!
//! 1. **Continuation.** When the call came with a cursor this module issued
//!    (`skip:<n>:<API cursor>`), the registry sent the API cursor, and the first `n` items of
//!    the page, returned by the previous call, are dropped here.
//! 2. **Fields** (`fields`, both formats). Dot paths into each item of a list (`["id", "state",
//!    "source.body"]`), or into the object itself. Paths use the API's names; they go through
//!    arrays and through list wrappers (`conversation_parts.body` reaches each part, as does
//!    `conversation_parts.conversation_parts.body`); a path may start with the list's own key
//!    (`conversations.id`). Each item keeps its `id`. Missing paths select nothing.
//! 3. **Compact form** (`response_format: "compact"`):
//!    - `null`, `false`, empty strings, arrays and objects are left out (absent means false);
//!    - strings that are HTML become plain text (paragraphs kept, links as numbered footnotes);
//!    - integer Unix times under keys ending in `_at`, `_until` or `_since` (years 2000 to 2100)
//!      become ISO 8601 UTC strings in place of the number (`"2025-03-01T10:00:00Z"`);
//!    - integer ids (`id`, `*_id`, `*_ids`) become strings, so they go back into a tool as they
//!      are; string ids are never changed;
//!    - envelopes are trimmed: below the top level (whose `type` says what the result is),
//!      `type` values naming a list (`*.list`, `list`, `pages`) and `type`s that repeat the key
//!      they sit under (`contact`s in `contacts`, `conversation_statistics` in `statistics`), `url`s of
//!      API sub-resources, a zero `total_count` inside a result; nested list wrappers that hold
//!      every item become their array (`"tags": {"type": "tag.list", "tags": [...]}` is
//!      `"tags": [...]`). The top level keeps its keys, so `pages.next.starting_after` stays where
//!      the API puts it;
//!    - unless `fields` is given, bookkeeping is left out: [`SECONDARY_KEYS`] anywhere, a tag's
//!      `applied_at`/`applied_by`, a conversation part's `state` (its `part_type` says it),
//!      `updated_at` equal to `created_at`, `open` beside `state`, and `priority: "not_priority"`;
//!    - unless `fields` is given, the items of a top-level `conversations` or `tickets` list (a
//!      page from a list or search) are summaries ([`SUMMARY_KEYS`]): ids, title, state, times
//!      (`waiting_since` only when it differs from `created_at`), priority, assignees, contacts
//!      (ids, email, name), tags (id, name), custom and ticket attributes, the ticket's type and
//!      state, and of the source its author (id, type, name, email), subject, type (unless
//!      `conversation`) and body, cut at [`SUMMARY_BODY_CHARS`] characters with a trailing `…`
//!      and `"body_truncated": true` on the item: retrieve the conversation for the rest. Left
//!      out: `source.id`, `delivered_as`, `url`, attachments, `read`, `linked_objects`, ratings
//!      and SLA details;
//!    - unless `fields` is given, a single conversation or ticket names the authors of its parts
//!      once, in a top-level `authors` map (`{"<id>": {"type", "name", "email"}}`, placed before
//!      the parts), and each part's `author` is that id. `source.author` stays whole.
//!
//!    `response_format: "full"` keeps the API's JSON as it is.
//! 4. **Budget** (`max_tokens`, both formats; tokens are estimated as bytes / 2.4 of the JSON,
//!    which a real BPE tokenizer never exceeds on these results: see [`estimate_tokens`]).
//!    Past it, the result is cut between items, never inside one, and says so with
//!    `"truncated": true` and a `truncation` object (which list, how many items kept and left
//!    out, the budget, a hint):
//!    - a page of a list keeps its first items. `truncation.continue` holds the arguments to add
//!      to the same call for the rest: `{"starting_after": "skip:<n>:<API cursor>"}` (or under
//!      `pagination` for searches), where `n` counts the items of this page already returned and
//!      the API cursor is the one this page was fetched with (empty for the first page). The same
//!      cursor replaces `pages.next.starting_after`. The tools take it back like any cursor; keep
//!      the same `per_page`. When the whole page fits, the API's own cursor is left as it is;
//!    - a single object (a conversation) cuts its largest list: a conversation keeps its
//!      **newest** parts and leaves out the oldest, since the latest state is what an agent acts
//!      on; the source message is always kept. There is no cursor for the older parts: ask again
//!      with `fields` or a larger `max_tokens`;
//!    - a tool's own `_note` on a cut page (the hosted `search` says how to get the next page
//!      with the API's cursor) is replaced by one that points at `truncation.continue`;
//!    - at least one item is always kept, so a continuation always makes progress.
//!
//! A conversation (or ticket) whose parts Intercom capped at 500 (it returns the 500 most recent; the
//! result has 500 parts, or a `total_count` above the parts returned) is flagged
//! `"truncated": true` in both formats, with `truncation.api_total_count` and `api_returned`.

use serde_json::{Map, Value, json};

use crate::spec::{Args, JsonType, Param, Tool};
use crate::{ToolError, validate};

/// The default result budget of an agent-facing registry, in estimated tokens.
pub const DEFAULT_MAX_TOKENS: usize = 20_000;

/// Intercom returns at most this many parts of a conversation or ticket (the newest).
pub const API_PARTS_LIMIT: usize = 500;

/// Prefix of the continuation cursors this module issues.
const SKIP_PREFIX: &str = "skip:";

/// The shaping parameters every tool accepts. They are removed before the request is built.
///
/// Their descriptions are kept to a few words because they are repeated in every tool's schema;
/// [`EXPLANATION`] says once what they do (the MCP server puts it in its instructions).
pub const SHAPE_PARAMS: &[Param] = &[
    Param::input(
        "response_format",
        JsonType::String,
        "`compact` (default) or `full` (the API's JSON).",
    )
    .one_of(&["compact", "full"]),
    Param::input(
        "fields",
        JsonType::Array,
        "Dot paths to keep, e.g. [\"id\"].",
    )
    .items(JsonType::String),
    Param::input(
        "max_tokens",
        JsonType::Integer,
        "Result size cap; a cut list says how to continue.",
    )
    .range(200, 1_000_000),
];

/// What the shaping parameters do, said once for every tool.
pub const EXPLANATION: &str = "Every tool also takes three optional result parameters. `response_format`: `compact` (the default) leaves out nulls, empty values and bookkeeping, turns HTML into text and Unix times into ISO 8601, and summarises list pages; `full` returns Intercom's JSON as it is. `fields`: dot paths to keep in each item (e.g. [\"id\", \"state\", \"source.body\"]), in the API's names. `max_tokens`: a cap on the result's size (about 20,000 tokens by default); a longer list is cut between items, marked `truncated`, and `truncation.continue` holds the arguments that fetch the rest.";

/// Which form of the API's JSON a result takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ResponseFormat {
    /// Nulls and empties dropped, HTML as text, ISO times, string ids, envelopes trimmed.
    #[default]
    Compact,
    /// The API's JSON unchanged (still subject to `fields` and the budget).
    Full,
}

impl ResponseFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseFormat::Compact => "compact",
            ResponseFormat::Full => "full",
        }
    }

    /// `compact` or `full`.
    pub fn parse(text: &str) -> Option<ResponseFormat> {
        match text {
            "compact" => Some(ResponseFormat::Compact),
            "full" => Some(ResponseFormat::Full),
            _ => None,
        }
    }
}

impl std::fmt::Display for ResponseFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A registry's shaping defaults, used when a call does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ShapeDefaults {
    pub format: ResponseFormat,
    /// `None`: no budget.
    pub max_tokens: Option<usize>,
}

impl ShapeDefaults {
    /// For agents (MCP, and `Registry::builtin`): compact, cut near 20,000 tokens.
    pub const AGENT: ShapeDefaults = ShapeDefaults {
        format: ResponseFormat::Compact,
        max_tokens: Some(DEFAULT_MAX_TOKENS),
    };
    /// For scripts (the CLI): the API's JSON, uncut.
    pub const RAW: ShapeDefaults = ShapeDefaults {
        format: ResponseFormat::Full,
        max_tokens: None,
    };

    pub const fn new(format: ResponseFormat, max_tokens: Option<usize>) -> ShapeDefaults {
        ShapeDefaults { format, max_tokens }
    }
}

impl Default for ShapeDefaults {
    fn default() -> ShapeDefaults {
        ShapeDefaults::AGENT
    }
}

/// Where a tool takes its page cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CursorParam {
    /// A `starting_after` parameter.
    StartingAfter,
    /// `pagination.starting_after` (searches).
    Pagination,
}

/// Where a page sits, so a cut page can say how to continue.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PageContext {
    /// Items at the start of the page that an earlier, cut result already returned.
    pub skip: usize,
    /// The API cursor the page was fetched with (`None` for the first page).
    pub cursor: Option<String>,
    /// How the tool takes a cursor back; `None` when it takes none.
    pub cursor_param: Option<CursorParam>,
}

impl PageContext {
    pub fn new(
        skip: usize,
        cursor: Option<String>,
        cursor_param: Option<CursorParam>,
    ) -> PageContext {
        PageContext {
            skip,
            cursor,
            cursor_param,
        }
    }
}

/// Everything [`shape`] needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ShapeOptions {
    pub format: ResponseFormat,
    /// Dot paths to keep; empty keeps everything.
    pub fields: Vec<String>,
    /// Budget in estimated tokens; `None` for no budget.
    pub max_tokens: Option<usize>,
    pub page: PageContext,
}

impl ShapeOptions {
    /// Compact, no field selection, the default budget.
    pub fn compact() -> ShapeOptions {
        ShapeOptions::from_defaults(ShapeDefaults::AGENT)
    }

    /// The API's JSON, no budget.
    pub fn full() -> ShapeOptions {
        ShapeOptions::from_defaults(ShapeDefaults::RAW)
    }

    pub fn from_defaults(defaults: ShapeDefaults) -> ShapeOptions {
        ShapeOptions {
            format: defaults.format,
            fields: Vec::new(),
            max_tokens: defaults.max_tokens,
            page: PageContext::default(),
        }
    }

    pub fn format(mut self, format: ResponseFormat) -> ShapeOptions {
        self.format = format;
        self
    }

    pub fn fields<I, S>(mut self, fields: I) -> ShapeOptions
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    pub fn max_tokens(mut self, max_tokens: Option<usize>) -> ShapeOptions {
        self.max_tokens = max_tokens;
        self
    }

    pub fn page(mut self, page: PageContext) -> ShapeOptions {
        self.page = page;
        self
    }
}

/// A shaped result.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Shaped {
    pub value: Value,
    /// Items were left out (by the budget, or by Intercom's 500-part cap).
    pub truncated: bool,
    /// Estimated tokens of `value` ([`estimate_tokens`]).
    pub tokens: usize,
}

/// The shaping parameters of one call, as given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ShapeRequest {
    pub format: Option<ResponseFormat>,
    pub fields: Vec<String>,
    pub max_tokens: Option<usize>,
}

impl ShapeRequest {
    /// These parameters over `defaults`, for a page at `page`.
    pub fn resolve(self, defaults: ShapeDefaults, page: PageContext) -> ShapeOptions {
        ShapeOptions {
            format: self.format.unwrap_or(defaults.format),
            fields: self.fields,
            max_tokens: self.max_tokens.or(defaults.max_tokens),
            page,
        }
    }
}

/// Bytes of JSON counted as one token, as a fraction: 12/5 = 2.4. Tool results measure 2.5 to
/// 3.9 bytes a token with real BPE tokenizers (o200k and cl100k; the test `tokens` measures every
/// result shape the tools produce): short numeric ids and counts are the densest, long English
/// text the loosest. Counting 2.4 keeps a cut result under its budget for all of them; counting 4
/// (the usual rule of thumb) let a page cut to 20,000 "tokens" measure about 26,000.
const BYTES_PER_TOKEN: (usize, usize) = (12, 5);

/// Estimated tokens of a value: bytes of its compact JSON / 2.4, rounded up; never below the
/// count of a real tokenizer for the results the tools produce.
pub fn estimate_tokens(value: &Value) -> usize {
    tokens_of_bytes(json_len(value))
}

/// Estimated tokens of `bytes` bytes of JSON.
pub fn tokens_of_bytes(bytes: usize) -> usize {
    (bytes * BYTES_PER_TOKEN.1).div_ceil(BYTES_PER_TOKEN.0)
}

/// The bytes of JSON that fit in `tokens` estimated tokens.
pub fn bytes_of_tokens(tokens: usize) -> usize {
    tokens.saturating_mul(BYTES_PER_TOKEN.0) / BYTES_PER_TOKEN.1
}

fn json_len(value: &Value) -> usize {
    serde_json::to_vec(value).map_or(0, |v| v.len())
}

/// A continuation cursor: `skip` items of the page fetched with `api_cursor` were returned.
pub fn skip_cursor(api_cursor: Option<&str>, skip: usize) -> String {
    format!("{SKIP_PREFIX}{skip}:{}", api_cursor.unwrap_or(""))
}

/// `(skip, api cursor)` of a cursor issued by [`skip_cursor`]; `None` for any other text.
pub fn parse_skip_cursor(text: &str) -> Option<(usize, Option<String>)> {
    let rest = text.strip_prefix(SKIP_PREFIX)?;
    let (n, cursor) = rest.split_once(':')?;
    let n = n.parse().ok()?;
    let cursor = (!cursor.is_empty()).then(|| cursor.to_owned());
    Some((n, cursor))
}

// ---------------------------------------------------------------------------------------------
// Parameters.

/// The shaping parameters `tool` accepts: every one the tool does not declare itself.
pub(crate) fn params_for(tool: &Tool) -> impl Iterator<Item = &'static Param> + '_ {
    SHAPE_PARAMS.iter().filter(|p| tool.param(p.name).is_none())
}

/// Removes the shaping parameters from `args` (a JSON object; anything else is left for the
/// registry to refuse) and checks them. Errors name the field as given.
pub(crate) fn take_params(
    tool: &Tool,
    reported: &str,
    args: &mut Value,
) -> Result<ShapeRequest, ToolError> {
    let Value::Object(map) = args else {
        return Ok(ShapeRequest::default());
    };
    let mut taken = Map::new();
    for p in params_for(tool) {
        // Also the camelCase spelling (`maxTokens`), as the registry accepts for any parameter.
        for spelling in [p.name.to_owned(), camel_case(p.name)] {
            if let Some(v) = map.remove(&spelling)
                && !v.is_null()
                && !taken.contains_key(p.name)
            {
                taken.insert(p.name.to_owned(), v);
            }
        }
    }
    if taken.is_empty() {
        return Ok(ShapeRequest::default());
    }
    let params: Vec<Param> = params_for(tool).copied().collect();
    let schema = crate::schema::params_schema(&params);
    let taken = Value::Object(taken);
    validate::validate(&schema, &taken)
        .map_err(|v| ToolError::validation(reported, v.field, v.message))?;

    let mut request = ShapeRequest {
        format: taken["response_format"]
            .as_str()
            .and_then(ResponseFormat::parse),
        max_tokens: taken["max_tokens"].as_u64().map(|n| n as usize),
        fields: Vec::new(),
    };
    for (i, f) in taken["fields"].as_array().into_iter().flatten().enumerate() {
        let path = f.as_str().unwrap_or_default().trim();
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(ToolError::validation(
                reported,
                format!("fields[{i}]"),
                format!(
                    "must be a dot path such as `id` or `source.body`, got {}",
                    Value::String(path.to_owned())
                ),
            ));
        }
        request.fields.push(path.to_owned());
    }
    Ok(request)
}

/// `max_tokens` → `maxTokens`.
fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// How `tool` takes a page cursor, if it does.
pub(crate) fn cursor_param(tool: &Tool) -> Option<CursorParam> {
    if tool.param("starting_after").is_some() {
        return Some(CursorParam::StartingAfter);
    }
    tool.param("pagination")
        .filter(|p| p.properties.iter().any(|f| f.name == "starting_after"))
        .map(|_| CursorParam::Pagination)
}

/// Reads the page cursor of validated `args`, and turns a continuation cursor back into the
/// API's (or removes it, for the first page), so the request carries what Intercom issued.
pub(crate) fn take_cursor(tool: &Tool, args: &mut Args) -> PageContext {
    let param = cursor_param(tool);
    let slot: Option<&mut Map<String, Value>> = match param {
        Some(CursorParam::StartingAfter) => Some(args),
        Some(CursorParam::Pagination) => args.get_mut("pagination").and_then(Value::as_object_mut),
        None => None,
    };
    let Some(slot) = slot else {
        return PageContext::new(0, None, param);
    };
    let given = slot
        .get("starting_after")
        .and_then(Value::as_str)
        .map(str::to_owned);
    match given.as_deref().and_then(parse_skip_cursor) {
        Some((skip, api)) => {
            match &api {
                Some(c) => {
                    slot.insert("starting_after".into(), Value::String(c.clone()));
                }
                None => {
                    slot.remove("starting_after");
                }
            }
            PageContext::new(skip, api, param)
        }
        None => PageContext::new(0, given, param),
    }
}

// ---------------------------------------------------------------------------------------------
// Shaping.

/// Shapes the API's JSON (or a workflow's result) for the caller. Pure.
pub fn shape(value: Value, options: &ShapeOptions) -> Shaped {
    let mut value = value;
    if !value.is_object() {
        let tokens = estimate_tokens(&value);
        return Shaped {
            value,
            truncated: false,
            tokens,
        };
    }
    let list = primary_list(&value);

    if options.page.skip > 0
        && let Some(items) = list.as_deref().and_then(|k| value[k].as_array_mut())
    {
        let n = options.page.skip.min(items.len());
        items.drain(..n);
    }

    let api_cap = api_capped_parts(&value);

    if !options.fields.is_empty() {
        value = select_fields(value, &options.fields, list.as_deref());
    }

    if options.format == ResponseFormat::Compact {
        value = compact_root(value, options.fields.is_empty());
    }

    let mut note = Map::new();
    if let Some(cap) = &api_cap {
        note.insert("list".into(), json!(cap.key));
        note.insert("api_total_count".into(), json!(cap.total));
        note.insert("api_returned".into(), json!(cap.returned));
    }
    if let Some(max) = options.max_tokens {
        cut_to_budget(&mut value, max, list.as_deref(), options, &mut note);
    }
    if api_cap.is_some() {
        let hint = format!(
            "Intercom returns only the {API_PARTS_LIMIT} most recent parts; the oldest are not available through the API."
        );
        append_hint(&mut note, &hint);
    }

    let truncated = !note.is_empty();
    if truncated && let Value::Object(map) = &mut value {
        let mut out = Map::new();
        out.insert("truncated".into(), Value::Bool(true));
        out.insert("truncation".into(), Value::Object(note));
        for (k, v) in std::mem::take(map) {
            if k != "truncated" && k != "truncation" {
                out.insert(k, v);
            }
        }
        *map = out;
    }
    let tokens = estimate_tokens(&value);
    Shaped {
        value,
        truncated,
        tokens,
    }
}

fn append_hint(note: &mut Map<String, Value>, hint: &str) {
    let text = match note.get("hint").and_then(Value::as_str) {
        Some(before) => format!("{before} {hint}"),
        None => hint.to_owned(),
    };
    note.insert("hint".into(), Value::String(text));
}

/// The top-level key of the list a response is made of: the largest top-level array of
/// objects (`conversations`, `data`, `contacts`, `admins`, ...).
fn primary_list(value: &Value) -> Option<String> {
    let map = value.as_object()?;
    map.iter()
        .filter_map(|(k, v)| {
            let items = v.as_array()?;
            items
                .iter()
                .all(Value::is_object)
                .then(|| (json_len(v), k.clone()))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, k)| k)
}

struct ApiCap {
    key: String,
    total: u64,
    returned: usize,
}

/// Parts Intercom left out of a conversation or ticket (its 500-part cap).
fn api_capped_parts(value: &Value) -> Option<ApiCap> {
    let map = value.as_object()?;
    for key in ["conversation_parts", "ticket_parts"] {
        let Some(wrapper) = map.get(key).and_then(Value::as_object) else {
            continue;
        };
        let returned = wrapper
            .get(key)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        let total = wrapper
            .get("total_count")
            .and_then(Value::as_u64)
            .unwrap_or(returned as u64);
        if returned >= API_PARTS_LIMIT || total > returned as u64 {
            return Some(ApiCap {
                key: key.to_owned(),
                total,
                returned,
            });
        }
    }
    None
}

// --- fields ----------------------------------------------------------------------------------

fn select_fields(value: Value, fields: &[String], list: Option<&str>) -> Value {
    let mut paths: Vec<Vec<&str>> = fields
        .iter()
        .map(|f| {
            let mut segs: Vec<&str> = f.split('.').collect();
            if list.is_some_and(|l| segs.len() > 1 && segs[0] == l) {
                segs.remove(0);
            }
            segs
        })
        .collect();
    if !paths.iter().any(|p| p.as_slice() == ["id"]) {
        paths.push(vec!["id"]);
    }
    let refs: Vec<&[&str]> = paths.iter().map(Vec::as_slice).collect();
    match (list, value) {
        (Some(list), Value::Object(mut map)) => {
            if let Some(items) = map.get_mut(list) {
                *items = select(items, &refs).unwrap_or(Value::Array(vec![]));
            }
            Value::Object(map)
        }
        (_, value) => select(&value, &refs).unwrap_or(Value::Object(Map::new())),
    }
}

/// The array a list wrapper holds (`{"type": "tag.list", "tags": [...]}`, `{"data": [...]}`).
fn wrapper_array(map: &Map<String, Value>) -> Option<&str> {
    let arrays: Vec<&String> = map
        .iter()
        .filter(|(_, v)| v.is_array())
        .map(|(k, _)| k)
        .collect();
    let listy = map
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(is_list_type)
        || map.contains_key("total_count");
    match arrays.as_slice() {
        [one] if listy => Some(one.as_str()),
        _ => None,
    }
}

fn select(value: &Value, paths: &[&[&str]]) -> Option<Value> {
    if paths.iter().any(|p| p.is_empty()) {
        return Some(value.clone());
    }
    match value {
        Value::Array(items) => Some(Value::Array(
            items.iter().filter_map(|i| select(i, paths)).collect(),
        )),
        Value::Object(map) => {
            let inner = wrapper_array(map);
            let mut out = Map::new();
            for (key, v) in map {
                let sub: Vec<&[&str]> = paths
                    .iter()
                    .filter_map(|p| {
                        if p[0] == key {
                            Some(&p[1..])
                        } else if inner == Some(key.as_str()) && !map.contains_key(p[0]) {
                            // A path that skips the wrapper applies to its items.
                            Some(*p)
                        } else {
                            None
                        }
                    })
                    .collect();
                if sub.is_empty() {
                    continue;
                }
                if let Some(x) = select(v, &sub) {
                    out.insert(key.clone(), x);
                }
            }
            Some(Value::Object(out))
        }
        _ => None,
    }
}

// --- compact form ----------------------------------------------------------------------------

fn is_list_type(t: &str) -> bool {
    t == "list" || t == "pages" || t.ends_with(".list")
}

/// Keys the compact form leaves out wherever they are, unless `fields` is given: analytics and
/// bookkeeping that the rest of the result already says or that no tool takes back
/// (`teammates` and `first_contact_reply` follow from the parts, `notified_at` is delivery
/// timing, `ticket_type_attributes` is the ticket type's form, the same in every ticket of a type).
pub const SECONDARY_KEYS: &[&str] = &[
    "statistics",
    "teammates",
    "first_contact_reply",
    "notified_at",
    "workspace_id",
    "ticket_type_attributes",
];

/// Keys left out of the items of a list, unless `fields` is given: who applied a tag and when;
/// a part's `state`, which its `part_type` already says.
const SECONDARY_ITEM_KEYS: &[(&str, &str)] = &[
    ("tags", "applied_at"),
    ("tags", "applied_by"),
    ("conversation_parts", "state"),
];

/// Values that only restate a default, left out unless `fields` is given.
const DEFAULT_VALUES: &[(&str, &str)] = &[("priority", "not_priority")];

/// Times dropped when they equal the object's `created_at` (a part never edited).
const SAME_AS_CREATED: &[&str] = &["updated_at"];

fn compact_root(value: Value, drop_secondary: bool) -> Value {
    match value {
        Value::Object(map) => {
            let mut map = compact_map(map, 0, "", false, drop_secondary);
            if drop_secondary {
                summarize_lists(&mut map);
                name_authors_once(&mut map);
            }
            Value::Object(map)
        }
        other => other,
    }
}

// --- list summaries --------------------------------------------------------------------------

/// Top-level lists whose items become summaries in the compact form (unless `fields` is given).
const SUMMARY_LISTS: &[&str] = &["conversations", "tickets"];

/// Keys an item of a `SUMMARY_LISTS` list keeps (after compaction); the rest is one
/// retrieve away.
pub const SUMMARY_KEYS: &[&str] = &[
    "type",
    "id",
    "ticket_id",
    "title",
    "state",
    "open",
    "ticket_state",
    "ticket_type",
    "category",
    "created_at",
    "updated_at",
    "waiting_since",
    "snoozed_until",
    "priority",
    "admin_assignee_id",
    "team_assignee_id",
    "contacts",
    "tags",
    "source",
    "custom_attributes",
    "ticket_attributes",
];

/// Characters of `source.body` a summary keeps; past them the text ends with `…` and the item
/// says `body_truncated: true`.
pub const SUMMARY_BODY_CHARS: usize = 300;

fn summarize_lists(map: &mut Map<String, Value>) {
    for key in SUMMARY_LISTS {
        if let Some(Value::Array(items)) = map.get_mut(*key) {
            for item in items.iter_mut() {
                if let Value::Object(m) = item {
                    *m = summarize_item(std::mem::take(m));
                }
            }
        }
    }
}

/// Keeps only `keys` of an object (anything else is left alone).
fn keep_keys(value: &mut Value, keys: &[&str]) {
    if let Value::Object(m) = value {
        m.retain(|k, _| keys.contains(&k.as_str()));
    }
}

fn summarize_item(item: Map<String, Value>) -> Map<String, Value> {
    let created = item.get("created_at").cloned();
    let mut out = Map::new();
    let mut body_truncated = false;
    for (key, mut v) in item {
        if !SUMMARY_KEYS.contains(&key.as_str()) {
            continue;
        }
        match key.as_str() {
            "waiting_since" if created.as_ref() == Some(&v) => continue,
            "contacts" => {
                for c in v.as_array_mut().into_iter().flatten() {
                    keep_keys(c, &["id", "external_id", "email", "name"]);
                }
            }
            "tags" => {
                for t in v.as_array_mut().into_iter().flatten() {
                    keep_keys(t, &["id", "name"]);
                }
            }
            "ticket_type" => keep_keys(&mut v, &["id", "name", "category"]),
            "source" => {
                if let Value::Object(source) = &mut v {
                    if source.get("type").and_then(Value::as_str) == Some("conversation") {
                        source.remove("type");
                    }
                    source
                        .retain(|k, _| ["type", "subject", "body", "author"].contains(&k.as_str()));
                    if let Some(author) = source.get_mut("author") {
                        keep_keys(author, &["id", "type", "name", "email"]);
                    }
                    if let Some(Value::String(body)) = source.get_mut("body")
                        && let Some(cut) = cut_text(body, SUMMARY_BODY_CHARS)
                    {
                        *body = cut;
                        body_truncated = true;
                    }
                }
            }
            _ => {}
        }
        let empty = match &v {
            Value::Object(m) => m.is_empty(),
            Value::Array(a) => a.is_empty(),
            _ => false,
        };
        if !empty {
            out.insert(key, v);
        }
    }
    if body_truncated {
        out.insert("body_truncated".into(), Value::Bool(true));
    }
    out
}

/// `text` cut to its first `max` characters (at a word break when there is one close by),
/// ending with `…`; `None` when it fits.
fn cut_text(text: &str, max: usize) -> Option<String> {
    let (end, _) = text.char_indices().nth(max)?;
    let head = &text[..end];
    let head = match head.rfind(char::is_whitespace) {
        Some(i) if i > end * 4 / 5 => &head[..i],
        _ => head,
    };
    Some(format!("{}…", head.trim_end()))
}

// --- authors ---------------------------------------------------------------------------------

/// In a conversation or ticket, each part's `author` becomes its id and the people are named
/// once in a top-level `authors` map (`{id: {type, name, email}}`), placed before the parts.
fn name_authors_once(map: &mut Map<String, Value>) {
    let Some(key) = ["conversation_parts", "ticket_parts"]
        .into_iter()
        .find(|k| map.contains_key(*k))
    else {
        return;
    };
    let mut authors = Map::new();
    {
        let slot = map.get_mut(key);
        let parts = match slot {
            Some(Value::Array(a)) => Some(a),
            Some(Value::Object(w)) => w.get_mut(key).and_then(Value::as_array_mut),
            _ => None,
        };
        for part in parts.into_iter().flatten() {
            let Some(author) = part.get_mut("author") else {
                continue;
            };
            let Some(id) = author.get("id").and_then(Value::as_str).map(str::to_owned) else {
                continue;
            };
            let Value::Object(mut person) = std::mem::replace(author, Value::String(id.clone()))
            else {
                continue;
            };
            person.retain(|k, _| k != "id");
            let entry = authors
                .entry(id)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(known) = entry {
                for (k, v) in person {
                    known.entry(k).or_insert(v);
                }
            }
        }
    }
    if authors.is_empty() {
        return;
    }
    let mut out = Map::new();
    for (k, v) in std::mem::take(map) {
        if k == key {
            out.insert(
                "authors".into(),
                Value::Object(std::mem::take(&mut authors)),
            );
        }
        out.insert(k, v);
    }
    *map = out;
}

/// Whether an object's `type` only repeats the key it sits under: items of `contacts` are
/// `contact`s, `statistics` is `conversation_statistics`.
fn type_repeats_key(ty: &str, under: &str, item: bool) -> bool {
    if item {
        under == ty || under.strip_suffix('s') == Some(ty)
    } else {
        under == ty || ty.strip_suffix(under).is_some_and(|p| p.ends_with('_'))
    }
}

/// The compact form of an object found under `under` (as an item of an array if `item`).
fn compact_map(
    map: Map<String, Value>,
    depth: usize,
    under: &str,
    item: bool,
    drop_secondary: bool,
) -> Map<String, Value> {
    let created = map.get("created_at").cloned();
    let has_state = map.contains_key("state");
    let mut out = Map::new();
    for (key, v) in map {
        if key == "type"
            && let Some(t) = v.as_str()
            && depth > 0
            && (is_list_type(t) || type_repeats_key(t, under, item))
        {
            continue;
        }
        if drop_secondary
            && (SECONDARY_KEYS.contains(&key.as_str())
                || (item && SECONDARY_ITEM_KEYS.contains(&(under, key.as_str())))
                || (key == "open" && has_state)
                || v.as_str()
                    .is_some_and(|v| DEFAULT_VALUES.contains(&(key.as_str(), v))))
        {
            continue;
        }
        if drop_secondary && SAME_AS_CREATED.contains(&key.as_str()) && created.as_ref() == Some(&v)
        {
            continue;
        }
        if let Some(v) = compact(v, &key, depth + 1, drop_secondary) {
            out.insert(key, v);
        }
    }
    if depth > 0 && out.get("total_count").and_then(Value::as_u64) == Some(0) {
        out.remove("total_count");
    }
    out
}

/// The compact form of `value` found under `key`; `None` drops it.
fn compact(value: Value, key: &str, depth: usize, drop_secondary: bool) -> Option<Value> {
    match value {
        Value::Null | Value::Bool(false) => None,
        Value::String(s) => compact_string(s, key),
        Value::Bool(true) => Some(Value::Bool(true)),
        Value::Number(n) => Some(compact_number(n, key)),
        Value::Array(items) => {
            let items: Vec<Value> = items
                .into_iter()
                .filter_map(|i| match i {
                    Value::Object(map) => {
                        let map = compact_map(map, depth + 1, key, true, drop_secondary);
                        (!map.is_empty()).then(|| collapse_wrapper(map))
                    }
                    other => compact(other, key, depth + 1, drop_secondary),
                })
                .collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        Value::Object(map) => {
            let map = compact_map(map, depth, key, false, drop_secondary);
            if map.is_empty() {
                return None;
            }
            Some(collapse_wrapper(map))
        }
    }
}

/// A nested list wrapper that holds every item becomes its array.
fn collapse_wrapper(mut map: Map<String, Value>) -> Value {
    let arrays = map.values().filter(|v| v.is_array()).count();
    let others_ok = map.iter().all(|(k, v)| v.is_array() || k == "total_count");
    if arrays != 1 || !others_ok {
        return Value::Object(map);
    }
    let key = map
        .iter()
        .find(|(_, v)| v.is_array())
        .map(|(k, _)| k.clone())
        .unwrap_or_default();
    let len = map[&key].as_array().map_or(0, Vec::len) as u64;
    match map.get("total_count").map(Value::as_u64) {
        None => map.remove(&key).unwrap_or(Value::Null),
        Some(Some(total)) if total == len => map.remove(&key).unwrap_or(Value::Null),
        _ => Value::Object(map),
    }
}

fn compact_string(s: String, key: &str) -> Option<Value> {
    if s.trim().is_empty() {
        return None;
    }
    if key == "url" && (s.starts_with('/') || s.starts_with("https://api.intercom.io/")) {
        return None;
    }
    if looks_like_html(&s) {
        let text = html_to_text(&s);
        return (!text.is_empty()).then_some(Value::String(text));
    }
    Some(Value::String(s))
}

/// Unix times from 2000 to 2100 under a time-like key become ISO 8601; integer ids become
/// strings.
fn compact_number(n: serde_json::Number, key: &str) -> Value {
    const Y2000: i64 = 946_684_800;
    const Y2100: i64 = 4_102_444_800;
    if let Some(i) = n.as_i64() {
        if is_time_key(key)
            && (Y2000..Y2100).contains(&i)
            && let Ok(ts) = jiff::Timestamp::from_second(i)
        {
            return Value::String(ts.to_string());
        }
        if is_id_key(key) {
            return Value::String(i.to_string());
        }
    } else if let Some(u) = n.as_u64()
        && is_id_key(key)
    {
        return Value::String(u.to_string());
    }
    Value::Number(n)
}

fn is_time_key(key: &str) -> bool {
    key.ends_with("_at") || key.ends_with("_until") || key.ends_with("_since")
}

fn is_id_key(key: &str) -> bool {
    key == "id" || key.ends_with("_id") || key.ends_with("_ids")
}

/// Text that starts with a tag and has a closing or void tag (`<p>…</p>`, `<br>`).
fn looks_like_html(s: &str) -> bool {
    let t = s.trim_start();
    let mut chars = t.chars();
    chars.next() == Some('<')
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && (t.contains("</") || t.contains("<br") || t.contains("/>"))
}

/// HTML as plain text: paragraphs and line breaks kept, links as numbered footnotes.
pub fn html_to_text(html: &str) -> String {
    match html2text::config::plain().string_from_read(html.as_bytes(), 10_000) {
        Ok(text) => text.trim().to_owned(),
        Err(_) => html.to_owned(),
    }
}

// --- budget ----------------------------------------------------------------------------------

/// Room kept for the truncation note.
const NOTE_BYTES: usize = 400;

fn cut_to_budget(
    value: &mut Value,
    max_tokens: usize,
    list: Option<&str>,
    options: &ShapeOptions,
    note: &mut Map<String, Value>,
) {
    if estimate_tokens(value) <= max_tokens {
        return;
    }
    let Value::Object(map) = value else {
        return;
    };
    // A page of a list: keep its first items.
    if let Some(key) = list.filter(|k| map.get(*k).is_some_and(Value::is_array)) {
        // A tool's own "next page" note names the API's cursor, which would skip the items cut
        // here: on a cut page it points at `truncation.continue` instead.
        let own_note = match map.get("_note") {
            Some(Value::String(_)) if options.page.cursor_param.is_some() => map.insert(
                "_note".into(),
                json!("More results available: this page was cut to fit max_tokens. To get the rest, call the same tool again with the same query and `truncation.continue` merged into the arguments."),
            ),
            _ => None,
        };
        let Some((kept, omitted)) = cut_array(map, &[key], max_tokens, false) else {
            if let Some(before) = own_note {
                map.insert("_note".into(), before);
            }
            return;
        };
        note.insert("list".into(), json!(key));
        note.insert("kept".into(), json!(kept));
        note.insert("omitted".into(), json!(omitted));
        note.insert("max_tokens".into(), json!(max_tokens));
        match options.page.cursor_param {
            Some(param) => {
                let cursor = skip_cursor(options.page.cursor.as_deref(), options.page.skip + kept);
                let cont = match param {
                    CursorParam::StartingAfter => json!({ "starting_after": cursor }),
                    CursorParam::Pagination => {
                        json!({ "pagination": { "starting_after": cursor } })
                    }
                };
                if let Some(pages) = map.get_mut("pages").and_then(Value::as_object_mut) {
                    let next = pages.entry("next").or_insert_with(|| json!({}));
                    if let Value::Object(next) = next {
                        next.insert("starting_after".into(), Value::String(cursor.clone()));
                    } else {
                        *next = json!({ "starting_after": cursor });
                    }
                }
                note.insert("continue".into(), cont);
                append_hint(
                    note,
                    "The page was cut to fit max_tokens: call the same tool again with `continue` merged into the arguments (same per_page) for the rest.",
                );
            }
            None => append_hint(
                note,
                "The list was cut to fit max_tokens: ask again with `fields` to keep less of each item, or a larger max_tokens.",
            ),
        }
        return;
    }
    // One object: cut its largest nested list; parts keep the newest.
    let Some(path) = largest_nested_list(map) else {
        return;
    };
    let newest = path[0].ends_with("_parts");
    let refs: Vec<&str> = path.iter().map(String::as_str).collect();
    let Some((kept, omitted)) = cut_array(map, &refs, max_tokens, newest) else {
        return;
    };
    if note.contains_key("api_returned") {
        note.insert("omitted".into(), json!(omitted));
    } else {
        note.insert("list".into(), json!(path[0]));
        note.insert("omitted".into(), json!(omitted));
    }
    note.insert("kept".into(), json!(kept));
    note.insert("max_tokens".into(), json!(max_tokens));
    if newest {
        note.insert("kept_end".into(), json!("newest"));
        append_hint(
            note,
            "The oldest parts were left out to fit max_tokens: ask again with `fields` (e.g. [\"conversation_parts.body\", \"conversation_parts.author.name\"]) or a larger max_tokens to see them.",
        );
    } else {
        append_hint(
            note,
            "The list was cut to fit max_tokens: ask again with `fields` or a larger max_tokens.",
        );
    }
}

/// The path (one or two keys) of the largest array directly under the object or inside one of
/// its list wrappers.
fn largest_nested_list(map: &Map<String, Value>) -> Option<Vec<String>> {
    let mut best: Option<(usize, Vec<String>)> = None;
    for (k, v) in map {
        let candidate = match v {
            Value::Array(_) => Some(vec![k.clone()]),
            Value::Object(inner) => wrapper_array(inner)
                .or_else(|| {
                    // A compacted wrapper lost its `type`: one array, nothing else but counts.
                    let arrays: Vec<&String> = inner
                        .iter()
                        .filter(|(_, v)| v.is_array())
                        .map(|(k, _)| k)
                        .collect();
                    (arrays.len() == 1).then(|| arrays[0].as_str())
                })
                .map(|a| vec![k.clone(), a.to_owned()]),
            _ => None,
        };
        if let Some(path) = candidate {
            let len = json_len(v);
            if best.as_ref().is_none_or(|(b, _)| len > *b) {
                best = Some((len, path));
            }
        }
    }
    best.map(|(_, p)| p)
}

/// Keeps as many items of the array at `path` as fit in `max_tokens` (at least one), from the
/// start or, with `from_end`, from the end. Returns (kept, omitted), or `None` when nothing was
/// cut.
fn cut_array(
    map: &mut Map<String, Value>,
    path: &[&str],
    max_tokens: usize,
    from_end: bool,
) -> Option<(usize, usize)> {
    let items = take_array(map, path)?;
    let n = items.len();
    let base = json_len(&Value::Object(map.clone()));
    let budget = bytes_of_tokens(max_tokens).saturating_sub(base + NOTE_BYTES);
    let sizes: Vec<usize> = items.iter().map(|i| json_len(i) + 1).collect();
    let mut used = 0;
    let mut kept = 0;
    let order: Box<dyn Iterator<Item = usize>> = if from_end {
        Box::new((0..n).rev())
    } else {
        Box::new(0..n)
    };
    for i in order {
        if kept > 0 && used + sizes[i] > budget {
            break;
        }
        used += sizes[i];
        kept += 1;
    }
    let kept_items: Vec<Value> = if from_end {
        items.into_iter().skip(n - kept).collect()
    } else {
        items.into_iter().take(kept).collect()
    };
    put_array(map, path, kept_items);
    (kept < n).then_some((kept, n - kept))
}

fn take_array(map: &mut Map<String, Value>, path: &[&str]) -> Option<Vec<Value>> {
    let slot = match path {
        [k] => map.get_mut(*k)?,
        [k, inner] => map.get_mut(*k)?.as_object_mut()?.get_mut(*inner)?,
        _ => return None,
    };
    match std::mem::take(slot) {
        Value::Array(items) => Some(items),
        other => {
            *slot = other;
            None
        }
    }
}

fn put_array(map: &mut Map<String, Value>, path: &[&str], items: Vec<Value>) {
    let slot = match path {
        [k] => map.get_mut(*k),
        [k, inner] => map
            .get_mut(*k)
            .and_then(Value::as_object_mut)
            .and_then(|m| m.get_mut(*inner)),
        _ => None,
    };
    if let Some(slot) = slot {
        *slot = Value::Array(items);
    }
}
