//! The higher-level searches of seed 003: conversations and tickets of one customer, tickets by
//! status, conversations by date and keywords.
//!
//! Every filter Intercom's search DSL can express goes into the query: `created_at` bounds,
//! `contact_ids`, `state`, `source.body` with `~` (contains) and `!~` (does not contain). Only
//! what the DSL cannot say is checked on the results (a keyword of several words: Intercom
//! matches the body word by word), and the result says so. A customer given by email costs one
//! contacts search first. Pages are followed until `max_results` items are collected; the
//! result then carries a cursor (`pages.next.starting_after`) to continue with the same
//! arguments. The DSL's limits (15 filters per group, 2 levels) are kept by grouping keywords,
//! and by running one query per 15 keywords when any of many keywords may match.

use std::collections::HashSet;

use intercom_client::{Client, Request};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Map, Value, json};

use crate::ToolError;
use crate::dates::{self, DateSpec, Range};
use crate::hosted::{ObjectType, body_words};
use crate::resolve;
use crate::spec::{
    Annotations, Args, BoxFuture, Handler, JsonType, Operation, Param, Rule, Tool, Toolset,
};

/// Items collected by one call when `max_results` is not given.
const DEFAULT_MAX_RESULTS: usize = 50;
/// Pages one call may fetch before it stops and hands back a cursor.
const MAX_PAGES: usize = 20;
/// Filters per AND/OR group, and values per IN list.
const GROUP_LIMIT: usize = 15;

const CUSTOMER: Param = Param::input(
    "customer_identifier",
    JsonType::String,
    "The customer: their email address (looked up with one contacts search) or their Intercom contact id. Also accepted as customerIdentifier.",
)
.required()
.non_empty()
.hint("call intercom_search_contacts to find a contact id");

const START: Param = Param::input(
    "start_date",
    JsonType::StringOrNumber,
    "Only items created at or after this: DD/MM/YYYY, YYYY-MM-DD, an ISO 8601 date-time, Unix seconds (milliseconds are detected), or relative (7d, 24h, 2w, today, yesterday). A day starts at midnight in the workspace's time zone. Also accepted as startDate.",
);
const END: Param = Param::input(
    "end_date",
    JsonType::StringOrNumber,
    "Only items created at or before this, in the same forms as start_date; a day includes all of it. Also accepted as endDate.",
);
const TIME_ZONE: Param = Param::input(
    "time_zone",
    JsonType::String,
    "IANA time zone for calendar days (e.g. Europe/Dublin); default: the workspace's, from GET /me (read once per client), or UTC.",
)
.non_empty();
const KEYWORDS: Param = Param::input(
    "keywords",
    JsonType::Array,
    "Words the first message must contain (Intercom searches the first message only, word by word). A keyword of several words is searched by its longest word, then checked as a phrase on the results. Also accepted as keyword (one string).",
)
.items(JsonType::String);
const KEYWORDS_MATCH: Param = Param::input(
    "keywords_match",
    JsonType::String,
    "`any`: a conversation matches when it contains one of the keywords; `all`: when it contains every one.",
)
.one_of(&["any", "all"])
.default("any");
const EXCLUDE: Param = Param::input(
    "exclude",
    JsonType::Array,
    "Words the first message must not contain (sent as `!~`; a phrase of several words is checked on the results).",
)
.items(JsonType::String);
const CONVERSATION_STATE: Param = Param::input(
    "state",
    JsonType::String,
    "Only conversations in this state; `pending` means snoozed and `resolved` means closed.",
)
.one_of(&["open", "closed", "snoozed", "pending", "resolved"]);
const MAX_RESULTS: Param = Param::input(
    "max_results",
    JsonType::Integer,
    "Most items to return from this call (default 50); pages are followed until then, and a cursor is returned when there are more.",
)
.range(1, 500);
const CURSOR: Param = Param::input(
    "starting_after",
    JsonType::String,
    "Cursor from `pages.next.starting_after` of the previous result: call again with the same arguments plus this to continue.",
)
.non_empty();

const TICKET_STATES: &[&str] = &[
    "open",
    "pending",
    "resolved",
    "submitted",
    "in_progress",
    "waiting_on_customer",
    "snoozed",
    "closed",
];
const TICKET_STATUS: Param = Param::input(
    "status",
    JsonType::String,
    "Ticket state: `open` (submitted or in progress), `pending` (waiting on the customer), `resolved`, or Intercom's own submitted, in_progress, waiting_on_customer; `snoozed` and `closed` are read as pending and resolved.",
)
.one_of(TICKET_STATES);

const SEARCH_CONVERSATIONS: Operation =
    Operation::post("/conversations/search", "searchConversations").idempotent();
const SEARCH_CONTACTS: Operation =
    Operation::post("/contacts/search", "SearchContacts").idempotent();
const SEARCH_TICKETS: Operation = Operation::post("/tickets/search", "searchTickets").idempotent();
const ME: Operation = Operation::get("/me", "identifyAdmin");

pub(crate) const CONVERSATION_TOOLS: &[Tool] = &[
    Tool {
        name: "intercom_search_conversations_by_customer",
        title: "Search conversations by customer",
        version: None,
        toolset: Toolset::CONVERSATIONS,
        description: "Find a customer's conversations, by email or contact id, optionally between two dates and containing keywords. One query to Intercom's search (plus one contacts search for an email), with dates, contact and keywords in the query itself; follows pages up to max_results and returns a cursor for more.",
        params: &[
            CUSTOMER,
            START,
            END,
            KEYWORDS,
            KEYWORDS_MATCH,
            EXCLUDE,
            CONVERSATION_STATE,
            TIME_ZONE,
            MAX_RESULTS,
            CURSOR,
        ],
        rules: &[Rule::Check(check_inputs)],
        annotations: Annotations::READ,
        operations: &[SEARCH_CONTACTS, SEARCH_CONVERSATIONS, ME],
        handler: Handler::Workflow {
            plan: plan_workflow,
            run: run_workflow,
        },
    },
    Tool {
        name: "intercom_list_conversations_by_date",
        title: "List conversations by date",
        version: None,
        toolset: Toolset::CONVERSATIONS,
        description: "List conversations created in a date range (any length), optionally containing some keywords and not others. The range and keywords go into Intercom's search query; pages are followed up to max_results and a cursor is returned for more. With no range, every conversation matches.",
        params: &[
            START,
            END,
            KEYWORDS,
            KEYWORDS_MATCH,
            EXCLUDE,
            CONVERSATION_STATE,
            TIME_ZONE,
            MAX_RESULTS,
            CURSOR,
        ],
        rules: &[Rule::Check(check_inputs)],
        annotations: Annotations::READ,
        operations: &[SEARCH_CONVERSATIONS, ME],
        handler: Handler::Workflow {
            plan: plan_workflow,
            run: run_workflow,
        },
    },
];

pub(crate) const TICKET_TOOLS: &[Tool] = &[
    Tool {
        name: "intercom_search_tickets_by_customer",
        title: "Search tickets by customer",
        version: None,
        toolset: Toolset::TICKETS,
        description: "Find a customer's tickets, by email or contact id, optionally between two dates and in one state. One ticket search (plus one contacts search for an email); follows pages up to max_results and returns a cursor for more.",
        params: &[
            CUSTOMER,
            START,
            END,
            Param::input(
                "status",
                JsonType::String,
                "Only tickets in this state (see intercom_search_tickets_by_status).",
            )
            .one_of(TICKET_STATES),
            TIME_ZONE,
            MAX_RESULTS,
            CURSOR,
        ],
        rules: &[Rule::Check(check_inputs)],
        annotations: Annotations::READ,
        operations: &[SEARCH_CONTACTS, SEARCH_TICKETS, ME],
        handler: Handler::Workflow {
            plan: plan_workflow,
            run: run_workflow,
        },
    },
    Tool {
        name: "intercom_search_tickets_by_status",
        title: "Search tickets by status",
        version: None,
        toolset: Toolset::TICKETS,
        description: "Find tickets in a state (open, pending, resolved, or Intercom's own states), optionally created between two dates. One ticket search; follows pages up to max_results and returns a cursor for more.",
        params: &[
            TICKET_STATUS.required(),
            START,
            END,
            TIME_ZONE,
            MAX_RESULTS,
            CURSOR,
        ],
        rules: &[Rule::Check(check_inputs)],
        annotations: Annotations::READ,
        operations: &[SEARCH_TICKETS, ME],
        handler: Handler::Workflow {
            plan: plan_workflow,
            run: run_workflow,
        },
    },
];

// ---- input ----

/// The conversation states a `state` value stands for.
fn conversation_state(given: &str) -> &'static str {
    match given {
        "pending" | "snoozed" => "snoozed",
        "resolved" | "closed" => "closed",
        _ => "open",
    }
}

/// The ticket state categories a `status` value stands for.
fn ticket_states(given: &str) -> &'static [&'static str] {
    match given {
        "open" => &["submitted", "in_progress"],
        "pending" | "snoozed" | "waiting_on_customer" => &["waiting_on_customer"],
        "resolved" | "closed" => &["resolved"],
        "submitted" => &["submitted"],
        _ => &["in_progress"],
    }
}

fn date_arg(args: &Args, field: &'static str) -> Result<Option<DateSpec>, (&'static str, String)> {
    args.get(field)
        .map(|v| dates::parse_value(v).map_err(|e| (field, e)))
        .transpose()
}

fn strings(args: &Args, field: &str) -> Vec<String> {
    args.get(field)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|s| s.trim().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Dates readable and in order, a known time zone, no empty keyword.
fn check_inputs(args: &Args) -> Result<(), (&'static str, String)> {
    let start = date_arg(args, "start_date")?;
    let end = date_arg(args, "end_date")?;
    let tz = match args.get("time_zone").and_then(Value::as_str) {
        Some(name) => dates::time_zone(name).map_err(|e| ("time_zone", e))?,
        None => TimeZone::UTC,
    };
    dates::range(
        start.as_ref(),
        end.as_ref(),
        ("start_date", "end_date"),
        Timestamp::now(),
        &tz,
    )
    .map_err(|e| (e.field, e.message))?;
    for field in ["keywords", "exclude"] {
        let list = strings(args, field);
        if let Some(i) = list.iter().position(|k| body_words(k).is_empty()) {
            return Err((
                field,
                format!("has an empty entry (item {}): give words to match", i + 1),
            ));
        }
    }
    Ok(())
}

/// Who the items must belong to.
#[derive(Debug, Clone)]
enum Customer {
    Email(String),
    Id(String),
}

/// Everything a workflow run needs, read from its arguments.
struct Plan {
    object: ObjectType,
    customer: Option<Customer>,
    /// Filters on state (and the like), in the DSL.
    base: Vec<Value>,
    start: Option<DateSpec>,
    end: Option<DateSpec>,
    time_zone: Option<(TimeZone, String)>,
    include: Vec<String>,
    match_all: bool,
    exclude: Vec<String>,
    max_results: usize,
    cursor: Option<String>,
    /// What the filters mean, for the result.
    described: Map<String, Value>,
}

fn read_plan(tool: &Tool, args: &Args) -> Result<Plan, ToolError> {
    let invalid =
        |(field, message): (&'static str, String)| ToolError::validation(tool.name, field, message);
    let object = if tool.toolset == Toolset::TICKETS {
        ObjectType::Tickets
    } else {
        ObjectType::Conversations
    };
    let mut described = Map::new();
    let customer = args
        .get("customer_identifier")
        .and_then(Value::as_str)
        .map(|c| {
            let c = c.trim();
            if c.contains('@') {
                Customer::Email(c.to_owned())
            } else {
                Customer::Id(c.to_owned())
            }
        });
    let mut base = Vec::new();
    if let Some(state) = args.get("state").and_then(Value::as_str) {
        let mapped = conversation_state(state);
        base.push(json!({ "field": "state", "operator": "=", "value": mapped }));
        described.insert("state".into(), json!({ "given": state, "state": mapped }));
    }
    if let Some(status) = args.get("status").and_then(Value::as_str) {
        let states = ticket_states(status);
        base.push(match states {
            [one] => json!({ "field": "state", "operator": "=", "value": one }),
            many => json!({ "field": "state", "operator": "IN", "value": many }),
        });
        described.insert(
            "status".into(),
            json!({ "given": status, "states": states }),
        );
    }
    let time_zone = args
        .get("time_zone")
        .and_then(Value::as_str)
        .map(|name| {
            dates::time_zone(name)
                .map(|tz| (tz, name.trim().to_owned()))
                .map_err(|e| ("time_zone", e))
        })
        .transpose()
        .map_err(invalid)?;
    Ok(Plan {
        object,
        customer,
        base,
        start: date_arg(args, "start_date").map_err(invalid)?,
        end: date_arg(args, "end_date").map_err(invalid)?,
        time_zone,
        include: strings(args, "keywords"),
        match_all: args.get("keywords_match").and_then(Value::as_str) == Some("all"),
        exclude: strings(args, "exclude"),
        max_results: args
            .get("max_results")
            .and_then(Value::as_u64)
            .map_or(DEFAULT_MAX_RESULTS, |n| n as usize),
        cursor: args
            .get("starting_after")
            .and_then(Value::as_str)
            .map(str::to_owned),
        described,
    })
}

impl Plan {
    fn needs_time_zone(&self) -> bool {
        self.time_zone.is_none()
            && [&self.start, &self.end]
                .into_iter()
                .flatten()
                .any(DateSpec::needs_time_zone)
    }
}

// ---- the DSL ----

/// What the DSL cannot express, checked on each result.
#[derive(Debug, Default, Clone)]
struct PostFilter {
    /// Any-mode: single words (already in the DSL) and phrases; one must be in the text.
    any_of: Vec<String>,
    /// Phrases that must all be in the text.
    all_phrases: Vec<String>,
    /// Phrases none of which may be in the text.
    none_phrases: Vec<String>,
}

impl PostFilter {
    fn is_active(&self) -> bool {
        !self.any_of.is_empty() || !self.all_phrases.is_empty() || !self.none_phrases.is_empty()
    }

    fn keeps(&self, item: &Value) -> bool {
        let text = fold(&crate::body::to_text(
            item["source"]["body"].as_str().unwrap_or_default(),
        ));
        (self.any_of.is_empty() || self.any_of.iter().any(|k| text.contains(k.as_str())))
            && self.all_phrases.iter().all(|p| text.contains(p.as_str()))
            && !self.none_phrases.iter().any(|p| text.contains(p.as_str()))
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.any_of.is_empty() {
            parts.push(format!("contains one of {:?}", self.any_of));
        }
        if !self.all_phrases.is_empty() {
            parts.push(format!("contains the phrases {:?}", self.all_phrases));
        }
        if !self.none_phrases.is_empty() {
            parts.push(format!("does not contain {:?}", self.none_phrases));
        }
        format!(
            "Intercom's search matches the first message word by word, so phrases were searched by their longest word and then checked here on the text of each result's first message ({}). Items dropped by this check do not count toward max_results.",
            parts.join("; ")
        )
    }
}

fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn single(field: &str, op: &str, value: Value) -> Value {
    json!({ "field": field, "operator": op, "value": value })
}

/// Is `keyword` one word, as Intercom's body search sees words?
fn one_word(keyword: &str) -> Option<String> {
    match body_words(keyword).as_slice() {
        [w] if !keyword.trim().contains(char::is_whitespace) => Some(w.clone()),
        _ => None,
    }
}

/// The longest word of a phrase, which is searched in its place.
fn longest_word(keyword: &str) -> String {
    body_words(keyword)
        .into_iter()
        .max_by_key(|w| w.chars().count())
        .unwrap_or_default()
}

/// The queries to run (one, or one per 15 keywords when any of many may match) and the check
/// applied to their results.
fn queries(
    plan: &Plan,
    contacts: Option<&[String]>,
    range: &Range,
) -> Result<(Vec<Value>, PostFilter), String> {
    let mut top: Vec<Value> = plan.base.clone();
    if let Some(s) = range.start {
        top.push(single("created_at", ">=", json!(s.as_second())));
    }
    if let Some(e) = range.end {
        top.push(single("created_at", "<=", json!(e.as_second())));
    }
    match contacts {
        Some([one]) => top.push(single("contact_ids", "=", json!(one))),
        Some(many) if !many.is_empty() => top.push(single("contact_ids", "IN", json!(many))),
        _ => {}
    }

    let mut post = PostFilter::default();
    let mut extras: Vec<Value> = Vec::new();
    let mut any_of: Vec<Value> = Vec::new();
    let mut has_phrase = false;
    for k in &plan.include {
        let word = one_word(k);
        has_phrase |= word.is_none();
        let searched = word.clone().unwrap_or_else(|| longest_word(k));
        let filter = single("source.body", "~", json!(searched));
        if plan.match_all {
            extras.push(filter);
            if word.is_none() {
                post.all_phrases.push(fold(k));
            }
        } else {
            if !any_of.contains(&filter) {
                any_of.push(filter);
            }
            post.any_of.push(fold(k));
        }
    }
    if !has_phrase {
        post.any_of.clear();
    }
    for k in &plan.exclude {
        match one_word(k) {
            Some(w) => extras.push(single("source.body", "!~", json!(w))),
            None => post.none_phrases.push(fold(k)),
        }
    }

    let chunks: Vec<&[Value]> = if any_of.is_empty() {
        vec![&[]]
    } else {
        any_of.chunks(GROUP_LIMIT).collect()
    };
    let mut out = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        let mut entries = top.clone();
        let or_group = match chunk {
            [] => None,
            [one] => Some(one.clone()),
            many => Some(json!({ "operator": "OR", "value": many })),
        };
        let room = GROUP_LIMIT - entries.len().min(GROUP_LIMIT) - usize::from(or_group.is_some());
        if extras.len() <= room {
            entries.extend(extras.iter().cloned());
        } else {
            let groups = extras.chunks(GROUP_LIMIT).count();
            if groups > room {
                return Err(format!(
                    "too many keywords and exclusions for one Intercom query ({} filters besides {} others; at most {} fit)",
                    extras.len(),
                    entries.len(),
                    room * GROUP_LIMIT
                ));
            }
            for group in extras.chunks(GROUP_LIMIT) {
                entries.push(match group {
                    [one] => one.clone(),
                    many => json!({ "operator": "AND", "value": many }),
                });
            }
        }
        entries.extend(or_group);
        out.push(crate::hosted::finish(entries)?);
    }
    Ok((out, post))
}

fn search_request(
    object: ObjectType,
    query: &Value,
    per_page: usize,
    cursor: Option<&str>,
) -> Request {
    let mut pagination = Map::new();
    pagination.insert("per_page".into(), json!(per_page));
    if let Some(c) = cursor {
        pagination.insert("starting_after".into(), json!(c));
    }
    Request::post(
        object.search_path(),
        json!({ "query": query, "pagination": pagination }),
    )
    .idempotent()
}

fn contact_lookup(email: &str) -> Request {
    Request::post(
        "/contacts/search",
        json!({
            "query": { "field": "email", "operator": "=", "value": email },
            "pagination": { "per_page": GROUP_LIMIT },
        }),
    )
    .idempotent()
}

/// Our cursor: the API's, prefixed with the query number when there are several queries.
fn encode_cursor(chunk: usize, api: Option<&str>, chunks: usize) -> String {
    if chunks == 1 {
        api.unwrap_or_default().to_owned()
    } else {
        format!("q{chunk}:{}", api.unwrap_or_default())
    }
}

fn decode_cursor(cursor: Option<&str>, chunks: usize) -> Result<(usize, Option<String>), String> {
    let Some(c) = cursor else {
        return Ok((0, None));
    };
    if chunks == 1 {
        return Ok((0, Some(c.to_owned())));
    }
    let parsed = c
        .strip_prefix('q')
        .and_then(|r| r.split_once(':'))
        .and_then(|(n, rest)| n.parse::<usize>().ok().map(|n| (n, rest)));
    match parsed {
        Some((n, rest)) if n < chunks => Ok((n, (!rest.is_empty()).then(|| rest.to_owned()))),
        _ => Err(format!(
            "`{c}` is not a cursor this search issued; pass `pages.next.starting_after` of the previous result with the same arguments"
        )),
    }
}

// ---- plan and run ----

fn plan_workflow(tool: &Tool, args: &Args) -> Result<Vec<Request>, ToolError> {
    let plan = read_plan(tool, args)?;
    let mut requests = Vec::new();
    let tz = match &plan.time_zone {
        Some((tz, _)) => tz.clone(),
        None => {
            if plan.needs_time_zone() {
                requests.push(Request::get("/me"));
            }
            TimeZone::UTC
        }
    };
    let range = dates::range(
        plan.start.as_ref(),
        plan.end.as_ref(),
        ("start_date", "end_date"),
        Timestamp::now(),
        &tz,
    )
    .map_err(|e| ToolError::validation(tool.name, e.field, e.message))?;
    let placeholder;
    let contacts: Option<Vec<String>> = match &plan.customer {
        Some(Customer::Email(email)) => {
            requests.push(contact_lookup(email));
            placeholder = format!("<ids of the contacts with email {email}>");
            Some(vec![placeholder])
        }
        Some(Customer::Id(id)) => Some(vec![id.clone()]),
        None => None,
    };
    let (queries, _) = queries(&plan, contacts.as_deref(), &range)
        .map_err(|e| ToolError::validation(tool.name, "keywords", e))?;
    let (chunk, api_cursor) = decode_cursor(plan.cursor.as_deref(), queries.len())
        .map_err(|e| ToolError::validation(tool.name, "starting_after", e))?;
    for (i, q) in queries.iter().enumerate().skip(chunk) {
        let cursor = if i == chunk {
            api_cursor.as_deref()
        } else {
            None
        };
        requests.push(search_request(
            plan.object,
            q,
            plan.max_results.min(150),
            cursor,
        ));
    }
    Ok(requests)
}

fn run_workflow<'a>(
    tool: &'a Tool,
    client: &'a Client,
    args: &'a Args,
) -> BoxFuture<'a, Result<Value, ToolError>> {
    Box::pin(run(tool, client, args))
}

async fn run(tool: &Tool, client: &Client, args: &Args) -> Result<Value, ToolError> {
    let api = |e| ToolError::api(tool.name, e);
    let mut plan = read_plan(tool, args)?;
    let mut api_calls = 0usize;

    // The time zone of calendar days: given, else the workspace's (GET /me, once per client).
    let (tz, tz_name, tz_source) = match plan.time_zone.take() {
        Some((tz, name)) => (tz, name, "time_zone"),
        None if plan.needs_time_zone() => {
            let (tz, name) = resolve::workspace_time_zone(client).await.map_err(api)?;
            (tz, name, "workspace (app.timezone of GET /me)")
        }
        None => (TimeZone::UTC, "UTC".to_owned(), "not needed"),
    };
    let now = Timestamp::now();
    let range = dates::range(
        plan.start.as_ref(),
        plan.end.as_ref(),
        ("start_date", "end_date"),
        now,
        &tz,
    )
    .map_err(|e| ToolError::validation(tool.name, e.field, e.message))?;

    let mut described = std::mem::take(&mut plan.described);
    if range.start.is_some() || range.end.is_some() {
        described.insert(
            "created_at".into(),
            json!({
                "from": range.start.map(|t| dates::display(t, &tz)),
                "to": range.end.map(|t| dates::display(t, &tz)),
                "time_zone": tz_name,
                "time_zone_from": tz_source,
            }),
        );
    }
    if !plan.include.is_empty() {
        described.insert(
            "keywords".into(),
            json!({ "words": plan.include, "match": if plan.match_all { "all" } else { "any" } }),
        );
    }
    if !plan.exclude.is_empty() {
        described.insert("exclude".into(), json!(plan.exclude));
    }

    // The customer's contact ids: one contacts search for an email.
    let contacts: Option<Vec<String>> = match &plan.customer {
        None => None,
        Some(Customer::Id(id)) => {
            described.insert("customer".into(), json!({ "contact_ids": [id] }));
            Some(vec![id.clone()])
        }
        Some(Customer::Email(email)) => {
            let found = client.json(&contact_lookup(email)).await.map_err(api)?;
            api_calls += 1;
            let ids: Vec<String> = found["data"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c["id"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let total = found["total_count"].as_u64().unwrap_or(ids.len() as u64);
            let mut customer = json!({ "email": email, "contact_ids": ids });
            if total > ids.len() as u64 {
                customer["note"] = json!(format!(
                    "{total} contacts have this email; the first {} are searched",
                    ids.len()
                ));
            }
            described.insert("customer".into(), customer);
            if ids.is_empty() {
                return Ok(result(
                    plan.object,
                    Vec::new(),
                    None,
                    None,
                    described,
                    json!(null),
                    None,
                    api_calls,
                    Some(format!(
                        "No contact has the email {email}, so there is nothing to search."
                    )),
                ));
            }
            Some(ids)
        }
    };

    let (queries, post) = queries(&plan, contacts.as_deref(), &range)
        .map_err(|e| ToolError::validation(tool.name, "keywords", e))?;
    let (first_chunk, mut api_cursor) = decode_cursor(plan.cursor.as_deref(), queries.len())
        .map_err(|e| ToolError::validation(tool.name, "starting_after", e))?;

    let items_key = plan.object.items_key();
    let mut items: Vec<Value> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut used_cursors: HashSet<(usize, String)> = HashSet::new();
    let mut total_count = None;
    let mut next: Option<String> = None;
    let mut pages = 0usize;
    let mut stopped_early = false;
    'chunks: for (chunk, query) in queries.iter().enumerate().skip(first_chunk) {
        if chunk > first_chunk {
            api_cursor = None;
        }
        loop {
            let remaining = plan.max_results - items.len();
            if remaining == 0 || pages == MAX_PAGES {
                next = Some(encode_cursor(chunk, api_cursor.as_deref(), queries.len()));
                stopped_early = remaining > 0;
                break 'chunks;
            }
            let request = search_request(
                plan.object,
                query,
                remaining.min(150),
                api_cursor.as_deref(),
            );
            let page = client.json(&request).await.map_err(api)?;
            api_calls += 1;
            pages += 1;
            intercom_client::observe::report_progress(&intercom_client::observe::Progress::Page {
                number: u32::try_from(pages).unwrap_or(u32::MAX),
                items: page[items_key].as_array().map_or(0, Vec::len),
            });
            if queries.len() == 1 && total_count.is_none() {
                total_count = page["total_count"].as_u64();
            }
            for item in page[items_key].as_array().into_iter().flatten() {
                let id = match &item["id"] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if post.keeps_or_inactive(item) && seen.insert(id) {
                    items.push(item.clone());
                }
            }
            match page["pages"]["next"]["starting_after"].as_str() {
                Some(c) if !c.is_empty() => {
                    if !used_cursors.insert((chunk, c.to_owned())) {
                        return Err(ToolError::Response {
                            tool: tool.name.to_owned(),
                            message: format!(
                                "the search returned the cursor `{c}` twice; stopped to avoid a loop"
                            ),
                        });
                    }
                    api_cursor = Some(c.to_owned());
                }
                _ => {
                    if items.len() >= plan.max_results && chunk + 1 < queries.len() {
                        next = Some(encode_cursor(chunk + 1, None, queries.len()));
                        break 'chunks;
                    }
                    continue 'chunks;
                }
            }
        }
    }

    let query_shown = match queries.as_slice() {
        [one] => one.clone(),
        many => json!(many),
    };
    let mut notes = Vec::new();
    if queries.len() > 1 {
        notes.push(format!(
            "Any of {} keywords may match, more than the 15 one OR group holds: {} queries ran one after another and their results were merged (a conversation found by two is listed once per call).",
            plan.include.len(),
            queries.len()
        ));
    }
    if stopped_early {
        notes.push(format!(
            "Stopped after {MAX_PAGES} pages; continue with starting_after."
        ));
    }
    let total = if post.is_active() { None } else { total_count };
    Ok(result(
        plan.object,
        items,
        total,
        next,
        described,
        query_shown,
        post.is_active().then(|| post.describe()),
        api_calls,
        (!notes.is_empty()).then(|| notes.join(" ")),
    ))
}

impl PostFilter {
    fn keeps_or_inactive(&self, item: &Value) -> bool {
        !self.is_active() || self.keeps(item)
    }
}

#[allow(clippy::too_many_arguments)]
fn result(
    object: ObjectType,
    items: Vec<Value>,
    total_count: Option<u64>,
    next: Option<String>,
    filters: Map<String, Value>,
    query: Value,
    post_filter: Option<String>,
    api_calls: usize,
    note: Option<String>,
) -> Value {
    let mut out = Map::new();
    let (ty, key) = match object {
        ObjectType::Tickets => ("ticket.list", "tickets"),
        _ => ("conversation.list", "conversations"),
    };
    out.insert("type".into(), json!(ty));
    out.insert("count".into(), json!(items.len()));
    if let Some(t) = total_count {
        out.insert("total_count".into(), json!(t));
    }
    out.insert(key.into(), Value::Array(items));
    out.insert("has_more".into(), json!(next.is_some()));
    if let Some(cursor) = next {
        out.insert(
            "pages".into(),
            json!({ "type": "pages", "next": { "starting_after": cursor } }),
        );
    }
    out.insert("filters".into(), Value::Object(filters));
    if !query.is_null() {
        out.insert("query".into(), query);
    }
    if let Some(p) = post_filter {
        out.insert("post_filter".into(), json!(p));
    }
    if let Some(n) = note {
        out.insert("note".into(), json!(n));
    }
    out.insert("api_calls".into(), json!(api_calls));
    Value::Object(out)
}
