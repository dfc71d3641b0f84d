//! The query language of the `search` and the ids of the `fetch` tool of Intercom's hosted MCP
//! server, so connectors written for it work unchanged against this registry.
//!
//! A search query is words separated by spaces (double quotes keep spaces in a value):
//!
//! - `object_type:conversations` (or `contacts`, `tickets`): which API to search; required.
//! - `field:value`, `field:op:value` with `op` one of `eq neq gt gte lt lte contains
//!   not_contains starts_with ends_with in nin` (lists comma-separated), or `field<op>value` with
//!   `= != > >= < <= ~ !~`. Field names are Intercom's search fields, dotted (`source.body`) or
//!   with underscores (`source_body`).
//! - `q:"free text"` or bare words: free text (the first message of conversations; a contact's
//!   name or email; a ticket's title or description).
//! - `limit:N` (1 to 150, default 5) and `starting_after:CURSOR`.
//!
//! Dates (`created_at>2025-01-01`, `updated_at:gt:7d`) take every form [`crate::dates`] reads; a
//! calendar day compares as the whole day. [`compile`] turns a parsed query into Intercom's
//! search DSL within its limits (15 filters per group, 2 levels).

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use crate::dates::{self, Bound, DateSpec};

/// Which API a search runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectType {
    Conversations,
    Contacts,
    Tickets,
}

impl ObjectType {
    pub fn parse(text: &str) -> Option<ObjectType> {
        match text.trim().to_ascii_lowercase().as_str() {
            "conversations" | "conversation" => Some(ObjectType::Conversations),
            "contacts" | "contact" | "users" | "leads" => Some(ObjectType::Contacts),
            "tickets" | "ticket" => Some(ObjectType::Tickets),
            _ => None,
        }
    }
    /// `POST` path of the search.
    pub fn search_path(self) -> &'static str {
        match self {
            ObjectType::Conversations => "/conversations/search",
            ObjectType::Contacts => "/contacts/search",
            ObjectType::Tickets => "/tickets/search",
        }
    }
    /// Key of the result list in the search response.
    pub fn items_key(self) -> &'static str {
        match self {
            ObjectType::Conversations => "conversations",
            ObjectType::Contacts => "data",
            ObjectType::Tickets => "tickets",
        }
    }
    /// The singular used as id prefix (`conversation_123`).
    pub fn singular(self) -> &'static str {
        match self {
            ObjectType::Conversations => "conversation",
            ObjectType::Contacts => "contact",
            ObjectType::Tickets => "ticket",
        }
    }
    fn fields(self) -> &'static [(&'static str, Kind)] {
        match self {
            ObjectType::Conversations => CONVERSATION_FIELDS,
            ObjectType::Contacts => CONTACT_FIELDS,
            ObjectType::Tickets => TICKET_FIELDS,
        }
    }
    /// Prefix of the fields a workspace defines itself.
    fn custom_prefix(self) -> &'static str {
        match self {
            ObjectType::Tickets => "ticket_attribute.",
            _ => "custom_attributes.",
        }
    }
}

/// The type of a search field, which decides how a value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    /// `source.body`: matched word by word.
    Words,
    Int,
    Bool,
    /// Unix seconds compared as numbers (conversations, tickets).
    Time,
    /// Unix seconds matched by calendar day in the workspace's time zone (contacts).
    Day,
    /// A workspace-defined attribute: numbers and booleans are sent as such, others as text.
    Any,
}

use Kind::{Bool, Day, Int, Str, Time, Words};

const CONVERSATION_FIELDS: &[(&str, Kind)] = &[
    ("id", Str),
    ("created_at", Time),
    ("updated_at", Time),
    ("source.type", Str),
    ("source.id", Str),
    ("source.delivered_as", Str),
    ("source.subject", Str),
    ("source.body", Words),
    ("source.author.id", Str),
    ("source.author.type", Str),
    ("source.author.name", Str),
    ("source.author.email", Str),
    ("source.url", Str),
    ("contact_ids", Str),
    ("teammate_ids", Str),
    ("admin_assignee_id", Int),
    ("team_assignee_id", Int),
    ("channel_initiated", Str),
    ("open", Bool),
    ("read", Bool),
    ("state", Str),
    ("waiting_since", Time),
    ("snoozed_until", Time),
    ("tag_ids", Str),
    ("priority", Str),
    ("statistics.time_to_assignment", Int),
    ("statistics.time_to_admin_reply", Int),
    ("statistics.time_to_first_close", Int),
    ("statistics.time_to_last_close", Int),
    ("statistics.median_time_to_reply", Int),
    ("statistics.first_contact_reply_at", Time),
    ("statistics.first_assignment_at", Time),
    ("statistics.first_admin_reply_at", Time),
    ("statistics.first_close_at", Time),
    ("statistics.last_assignment_at", Time),
    ("statistics.last_assignment_admin_reply_at", Time),
    ("statistics.last_contact_reply_at", Time),
    ("statistics.last_admin_reply_at", Time),
    ("statistics.last_close_at", Time),
    ("statistics.last_closed_by_id", Str),
    ("statistics.count_reopens", Int),
    ("statistics.count_assignments", Int),
    ("statistics.count_conversation_parts", Int),
    ("conversation_rating.requested_at", Time),
    ("conversation_rating.replied_at", Time),
    ("conversation_rating.score", Int),
    ("conversation_rating.remark", Str),
    ("conversation_rating.contact_id", Str),
    ("conversation_rating.admin_id", Str),
    ("ai_agent_participated", Bool),
    ("ai_agent.resolution_state", Str),
    ("ai_agent.last_answer_type", Str),
    ("ai_agent.rating", Int),
    ("ai_agent.rating_remark", Str),
    ("ai_agent.source_type", Str),
    ("ai_agent.source_title", Str),
];

const CONTACT_FIELDS: &[(&str, Kind)] = &[
    ("id", Str),
    ("role", Str),
    ("name", Str),
    ("avatar", Str),
    ("owner_id", Int),
    ("email", Str),
    ("email_domain", Str),
    ("phone", Str),
    ("formatted_phone", Str),
    ("external_id", Str),
    ("created_at", Day),
    ("signed_up_at", Day),
    ("updated_at", Day),
    ("last_seen_at", Day),
    ("last_contacted_at", Day),
    ("last_replied_at", Day),
    ("last_email_opened_at", Day),
    ("last_email_clicked_at", Day),
    ("language_override", Str),
    ("browser", Str),
    ("browser_language", Str),
    ("os", Str),
    ("location.country", Str),
    ("location.region", Str),
    ("location.city", Str),
    ("unsubscribed_from_emails", Bool),
    ("marked_email_as_spam", Bool),
    ("has_hard_bounced", Bool),
    ("ios_last_seen_at", Day),
    ("ios_app_version", Str),
    ("ios_device", Str),
    ("ios_os_version", Str),
    ("ios_app_name", Str),
    ("ios_sdk_version", Str),
    ("android_last_seen_at", Day),
    ("android_app_version", Str),
    ("android_device", Str),
    ("android_app_name", Str),
    ("android_sdk_version", Str),
    ("segment_id", Str),
    ("tag_id", Str),
];

const TICKET_FIELDS: &[(&str, Kind)] = &[
    ("id", Str),
    ("created_at", Time),
    ("updated_at", Time),
    ("title", Str),
    ("description", Str),
    ("category", Str),
    ("ticket_type_id", Str),
    ("contact_ids", Str),
    ("teammate_ids", Str),
    ("admin_assignee_id", Str),
    ("team_assignee_id", Str),
    ("open", Bool),
    ("state", Str),
    ("snoozed_until", Time),
];

/// A comparison of the search DSL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
    In,
    Nin,
}

impl Op {
    /// The DSL's symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Contains => "~",
            Op::NotContains => "!~",
            Op::StartsWith => "^",
            Op::EndsWith => "$",
            Op::In => "IN",
            Op::Nin => "NIN",
        }
    }
    fn word(word: &str) -> Option<Op> {
        Some(match word.to_ascii_lowercase().as_str() {
            "eq" => Op::Eq,
            "neq" | "ne" => Op::Ne,
            "gt" => Op::Gt,
            "gte" | "ge" => Op::Ge,
            "lt" => Op::Lt,
            "lte" | "le" => Op::Le,
            "contains" => Op::Contains,
            "not_contains" | "ncontains" => Op::NotContains,
            "starts_with" => Op::StartsWith,
            "ends_with" => Op::EndsWith,
            "in" => Op::In,
            "nin" | "not_in" => Op::Nin,
            _ => return None,
        })
    }
}

/// Infix operators, longest first so `>=` wins over `>`.
const INFIX: &[(&str, Op)] = &[
    (">=", Op::Ge),
    ("<=", Op::Le),
    ("!=", Op::Ne),
    ("!~", Op::NotContains),
    (">", Op::Gt),
    ("<", Op::Lt),
    ("=", Op::Eq),
    ("~", Op::Contains),
];

/// One field filter of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// The field as written (`source_body`, `created_at`).
    pub field: String,
    pub op: Op,
    pub value: String,
}

/// A parsed search query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub object_type: ObjectType,
    pub filters: Vec<Filter>,
    /// Free-text words and phrases.
    pub text: Vec<String>,
    pub limit: Option<u32>,
    pub starting_after: Option<String>,
}

/// Splits on spaces outside double quotes; quotes are removed.
fn words(query: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in query.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut current));
                    any = false;
                }
            }
            c => {
                current.push(c);
                any = true;
            }
        }
    }
    if quoted {
        return Err("has an unclosed double quote".to_owned());
    }
    if any {
        out.push(current);
    }
    Ok(out)
}

fn is_field_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

/// Parses a query of the hosted MCP server's `search` tool.
pub fn parse(query: &str) -> Result<Query, String> {
    let mut object_type = None;
    let mut filters = Vec::new();
    let mut text = Vec::new();
    let mut limit = None;
    let mut starting_after = None;
    for word in words(query)? {
        let name_len = word.chars().take_while(|c| is_field_char(*c)).count();
        let (name, rest) = word.split_at(name_len);
        if name.is_empty() || rest.is_empty() {
            if !word.is_empty() {
                text.push(word.clone());
            }
            continue;
        }
        let key = name.to_ascii_lowercase();
        if let Some(value) = rest.strip_prefix(':') {
            match key.as_str() {
                "object_type" => {
                    object_type = Some(ObjectType::parse(value).ok_or_else(|| {
                        format!(
                            "`object_type:{value}` is not a searchable type; use conversations, contacts or tickets"
                        )
                    })?);
                    continue;
                }
                "limit" => {
                    let n: u32 = value
                        .parse()
                        .ok()
                        .filter(|n| (1..=150).contains(n))
                        .ok_or_else(|| format!("`limit:{value}` must be a number from 1 to 150"))?;
                    limit = Some(n);
                    continue;
                }
                "starting_after" => {
                    if value.is_empty() {
                        return Err(
                            "`starting_after:` needs the cursor of the previous page".to_owned()
                        );
                    }
                    starting_after = Some(value.to_owned());
                    continue;
                }
                "q" | "query" | "text" => {
                    if !value.trim().is_empty() {
                        text.push(value.to_owned());
                    }
                    continue;
                }
                _ => {}
            }
            let (op, value) = match value.split_once(':') {
                Some((word, v)) if Op::word(word).is_some() => {
                    (Op::word(word).unwrap_or(Op::Eq), v)
                }
                _ => (Op::Eq, value),
            };
            filters.push(filter(name, op, value)?);
            continue;
        }
        let Some((symbol, op)) = INFIX.iter().find(|(s, _)| rest.starts_with(s)) else {
            text.push(word.clone());
            continue;
        };
        filters.push(filter(name, *op, &rest[symbol.len()..])?);
    }
    let object_type = object_type.ok_or_else(|| {
        "must say what to search: add object_type:conversations, object_type:contacts or object_type:tickets".to_owned()
    })?;
    Ok(Query {
        object_type,
        filters,
        text,
        limit,
        starting_after,
    })
}

fn filter(name: &str, op: Op, value: &str) -> Result<Filter, String> {
    if value.is_empty() {
        return Err(format!("`{name}` has no value to compare with"));
    }
    Ok(Filter {
        field: name.to_owned(),
        op,
        value: value.to_owned(),
    })
}

/// The search field `name` means for `object_type` (`source_body` → `source.body`), with its kind.
pub fn field(object_type: ObjectType, name: &str) -> Result<(String, Kind), String> {
    let fields = object_type.fields();
    let lower = name.to_ascii_lowercase();
    if let Some((f, k)) = fields
        .iter()
        .find(|(f, _)| *f == lower || f.replace('.', "_") == lower)
    {
        return Ok(((*f).to_owned(), *k));
    }
    let custom = object_type.custom_prefix();
    let underscored = custom.replace('.', "_");
    if let Some(rest) = name
        .strip_prefix(custom)
        .or_else(|| name.strip_prefix(underscored.as_str()))
        && !rest.is_empty()
    {
        return Ok((format!("{custom}{rest}"), Kind::Any));
    }
    let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
    let near = crate::validate::nearest(&lower.replace('_', "."), &names)
        .or_else(|| crate::validate::nearest(&lower, &names));
    Err(match near {
        Some(n) => format!(
            "`{name}` is not a search field of {}; did you mean `{n}`?",
            object_type.search_path()
        ),
        None => format!(
            "`{name}` is not a search field of {}; fields: {}, {custom}<name>",
            object_type.search_path(),
            names.join(", ")
        ),
    })
}

/// Everything [`compile`] needs besides the query.
#[derive(Debug, Clone)]
pub struct Context {
    pub now: Timestamp,
    pub time_zone: TimeZone,
}

/// True when some date value of `query` needs a time zone (a calendar day or a wall-clock time).
pub fn needs_time_zone(query: &Query) -> bool {
    query.filters.iter().any(|f| {
        matches!(
            field(query.object_type, &f.field),
            Ok((_, Kind::Time | Kind::Day))
        ) && f
            .value
            .split(',')
            .any(|v| dates::parse(v).is_ok_and(|d| d.needs_time_zone()))
    })
}

fn single(field: &str, op: Op, value: Value) -> Value {
    json!({ "field": field, "operator": op.symbol(), "value": value })
}

/// The DSL of `query`: one filter, or an AND of filters and OR groups. Errors name the field.
pub fn compile(query: &Query, cx: &Context) -> Result<Value, String> {
    let mut entries: Vec<Value> = Vec::new();
    for f in &query.filters {
        let (name, kind) = field(query.object_type, &f.field)?;
        entries.extend(compile_filter(&name, kind, f, cx)?);
    }
    if !query.text.is_empty() {
        entries.extend(free_text(query.object_type, &query.text));
    }
    finish(entries)
}

/// Wraps top-level entries into a query within Intercom's limits.
pub(crate) fn finish(entries: Vec<Value>) -> Result<Value, String> {
    match entries.len() {
        // Matches everything: every object was created after 1970.
        0 => Ok(single("created_at", Op::Gt, json!(0))),
        1 => Ok(entries.into_iter().next().unwrap_or(Value::Null)),
        n if n > 15 => Err(format!(
            "has {n} filters; Intercom allows at most 15 in one group: remove some"
        )),
        _ => Ok(json!({ "operator": "AND", "value": entries })),
    }
}

fn free_text(object_type: ObjectType, text: &[String]) -> Vec<Value> {
    let joined = text.join(" ");
    match object_type {
        ObjectType::Conversations => body_words(&joined)
            .into_iter()
            .map(|w| single("source.body", Op::Contains, json!(w)))
            .collect(),
        ObjectType::Contacts => vec![json!({ "operator": "OR", "value": [
            single("name", Op::Contains, json!(joined)),
            single("email", Op::Contains, json!(joined)),
        ]})],
        ObjectType::Tickets => vec![json!({ "operator": "OR", "value": [
            single("title", Op::Contains, json!(joined)),
            single("description", Op::Contains, json!(joined)),
        ]})],
    }
}

/// The words of a `source.body` value: Intercom matches the body word by word, so a phrase is
/// searched as each of its words.
pub fn body_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in text.split_whitespace() {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        if !w.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(w)) {
            out.push(w.to_owned());
        }
    }
    out
}

fn compile_filter(name: &str, kind: Kind, f: &Filter, cx: &Context) -> Result<Vec<Value>, String> {
    let list = matches!(f.op, Op::In | Op::Nin);
    let raw: Vec<&str> = if list {
        f.value
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    } else {
        vec![f.value.as_str()]
    };
    if list && raw.len() > 15 {
        return Err(format!(
            "`{}` lists {} values; Intercom allows at most 15",
            f.field,
            raw.len()
        ));
    }
    let wrong_op = |allowed: &str| {
        format!(
            "`{}` does not take `{}`; it takes {allowed}",
            f.field,
            f.op.symbol()
        )
    };
    match kind {
        Kind::Time | Kind::Day => {
            if matches!(
                f.op,
                Op::Contains | Op::NotContains | Op::StartsWith | Op::EndsWith | Op::In | Op::Nin
            ) {
                return Err(wrong_op("= != > >= < <="));
            }
            let spec = dates::parse(&f.value).map_err(|e| format!("`{}` {e}", f.field))?;
            if kind == Kind::Time {
                time_filter(name, f.op, &spec, cx).map_err(|e| format!("`{}` {e}", f.field))
            } else {
                day_filter(name, f.op, &spec, cx).map_err(|e| format!("`{}` {e}", f.field))
            }
        }
        Kind::Words => {
            if !matches!(f.op, Op::Eq | Op::Ne | Op::Contains | Op::NotContains) {
                return Err(wrong_op("= != ~ !~"));
            }
            let words = body_words(&f.value);
            if words.is_empty() {
                return Err(format!("`{}` needs at least one word", f.field));
            }
            Ok(words
                .into_iter()
                .map(|w| single(name, f.op, json!(w)))
                .collect())
        }
        Kind::Int => {
            if matches!(
                f.op,
                Op::Contains | Op::NotContains | Op::StartsWith | Op::EndsWith
            ) {
                return Err(wrong_op("= != > >= < <= in nin"));
            }
            let values = raw
                .iter()
                .map(|v| {
                    v.parse::<i64>()
                        .map(|n| json!(n))
                        .map_err(|_| format!("`{}` wants a whole number, got `{v}`", f.field))
                })
                .collect::<Result<Vec<Value>, String>>()?;
            Ok(vec![single(name, f.op, list_or_one(values, list))])
        }
        Kind::Bool => {
            if !matches!(f.op, Op::Eq | Op::Ne) {
                return Err(wrong_op("= !="));
            }
            let b = match f.value.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => true,
                "false" | "no" | "0" => false,
                other => return Err(format!("`{}` wants true or false, got `{other}`", f.field)),
            };
            Ok(vec![single(name, f.op, json!(b))])
        }
        Kind::Str => {
            if matches!(f.op, Op::Gt | Op::Ge | Op::Lt | Op::Le) {
                return Err(wrong_op("= != ~ !~ ^ $ in nin"));
            }
            let values: Vec<Value> = raw.iter().map(|v| json!(v)).collect();
            Ok(vec![single(name, f.op, list_or_one(values, list))])
        }
        Kind::Any => {
            let values: Vec<Value> = raw
                .iter()
                .map(|v| {
                    if let Ok(n) = v.parse::<i64>() {
                        json!(n)
                    } else if v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false") {
                        json!(v.eq_ignore_ascii_case("true"))
                    } else {
                        json!(v)
                    }
                })
                .collect();
            Ok(vec![single(name, f.op, list_or_one(values, list))])
        }
    }
}

fn list_or_one(mut values: Vec<Value>, list: bool) -> Value {
    if list {
        Value::Array(values)
    } else {
        values.pop().unwrap_or(Value::Null)
    }
}

/// A date compared as Unix seconds; a calendar day stands for all its seconds.
pub fn time_filter(
    name: &str,
    op: Op,
    spec: &DateSpec,
    cx: &Context,
) -> Result<Vec<Value>, String> {
    let tz = &cx.time_zone;
    let at = |bound| {
        spec.resolve(bound, cx.now, tz)
            .map(|t| json!(t.as_second()))
    };
    let is_span = spec.day(cx.now, tz).is_some();
    Ok(match (op, is_span) {
        (Op::Eq, true) => vec![
            single(name, Op::Ge, at(Bound::Start)?),
            single(name, Op::Le, at(Bound::End)?),
        ],
        (Op::Ne, true) => vec![json!({ "operator": "OR", "value": [
            single(name, Op::Lt, at(Bound::Start)?),
            single(name, Op::Gt, at(Bound::End)?),
        ]})],
        (Op::Gt | Op::Le, _) => vec![single(name, op, at(Bound::End)?)],
        (Op::Ge | Op::Lt, _) => vec![single(name, op, at(Bound::Start)?)],
        (Op::Eq | Op::Ne, false) => vec![single(name, op, at(Bound::Start)?)],
        _ => {
            return Err(format!(
                "does not take `{}` (dates take = != > >= < <=)",
                op.symbol()
            ));
        }
    })
}

/// A contact date, which Intercom matches by calendar day in the workspace's time zone: the
/// value sent is noon of the day meant, and `>=`/`<=` become `>`/`<` of the day before/after.
fn day_filter(name: &str, op: Op, spec: &DateSpec, cx: &Context) -> Result<Vec<Value>, String> {
    let tz = &cx.time_zone;
    let day = match spec.day(cx.now, tz) {
        Some(d) => d,
        None => spec
            .resolve(Bound::Start, cx.now, tz)?
            .to_zoned(tz.clone())
            .date(),
    };
    let noon = |d: jiff::civil::Date| -> Result<Value, String> {
        d.at(12, 0, 0, 0)
            .to_zoned(tz.clone())
            .map(|z| json!(z.timestamp().as_second()))
            .map_err(|e| format!("cannot place {d} in the time zone: {e}"))
    };
    let shift = |d: jiff::civil::Date, forward: bool| {
        if forward { d.tomorrow() } else { d.yesterday() }
            .map_err(|_| format!("{d} is at the edge of the calendar"))
    };
    Ok(match op {
        Op::Eq | Op::Gt | Op::Lt => vec![single(name, op, noon(day)?)],
        Op::Ge => vec![single(name, Op::Gt, noon(shift(day, false)?)?)],
        Op::Le => vec![single(name, Op::Lt, noon(shift(day, true)?)?)],
        Op::Ne => vec![json!({ "operator": "OR", "value": [
            single(name, Op::Lt, noon(day)?),
            single(name, Op::Gt, noon(day)?),
        ]})],
        _ => {
            return Err(format!(
                "does not take `{}` (dates take = != > >= < <=)",
                op.symbol()
            ));
        }
    })
}

// ---- fetch ids ----

/// What `fetch` can retrieve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchType {
    Conversation,
    Contact,
    Company,
    Ticket,
}

impl FetchType {
    pub fn parse(text: &str) -> Option<FetchType> {
        match text.trim().to_ascii_lowercase().as_str() {
            "conversation" | "conversations" => Some(FetchType::Conversation),
            "contact" | "contacts" | "user" | "users" | "lead" | "leads" => {
                Some(FetchType::Contact)
            }
            "company" | "companies" => Some(FetchType::Company),
            "ticket" | "tickets" => Some(FetchType::Ticket),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            FetchType::Conversation => "conversation",
            FetchType::Contact => "contact",
            FetchType::Company => "company",
            FetchType::Ticket => "ticket",
        }
    }
    /// `GET` path of one object.
    pub fn path(self, id: &str) -> String {
        let id = crate::build::encode_segment(id);
        match self {
            FetchType::Conversation => format!("/conversations/{id}"),
            FetchType::Contact => format!("/contacts/{id}"),
            FetchType::Company => format!("/companies/{id}"),
            FetchType::Ticket => format!("/tickets/{id}"),
        }
    }
}

/// Reads a `fetch` id: `conversation_123`, `contact_abc`, `company_x`, `ticket_9`, a link to the
/// Intercom app, or a bare id with `object_type`.
pub fn fetch_id(id: &str, object_type: Option<&str>) -> Result<(FetchType, String), String> {
    let id = id.trim();
    let given = match object_type.map(|t| (t, FetchType::parse(t))) {
        Some((t, None)) => {
            return Err(format!(
                "`object_type` `{t}` is not fetchable; use conversation, contact, company or ticket"
            ));
        }
        Some((_, Some(ty))) => Some(ty),
        None => None,
    };
    if id.starts_with("http://") || id.starts_with("https://") {
        return from_url(id);
    }
    if let Some((prefix, rest)) = id.split_once('_')
        && let Some(ty) = FetchType::parse(prefix)
    {
        if rest.is_empty() {
            return Err(format!("`{id}` has no id after the prefix"));
        }
        if given.is_some_and(|g| g != ty) {
            return Err(format!(
                "`{id}` is a {} id but object_type says {}",
                ty.as_str(),
                given.map_or("", FetchType::as_str)
            ));
        }
        return Ok((ty, rest.to_owned()));
    }
    match given {
        Some(ty) if !id.is_empty() => Ok((ty, id.to_owned())),
        _ => Err(format!(
            "`{id}` does not say what it is: give a prefixed id from search (conversation_123, contact_abc, company_x, ticket_9), a link to the Intercom app, or object_type"
        )),
    }
}

fn from_url(url: &str) -> Result<(FetchType, String), String> {
    let path = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split_once('/').map(|(_, p)| p))
        .unwrap_or_default();
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    for window in segments.windows(2).rev() {
        let ty = match window[0] {
            "conversation" | "conversations" => FetchType::Conversation,
            "users" | "user" | "contacts" | "contact" | "leads" => FetchType::Contact,
            "companies" | "company" => FetchType::Company,
            "tickets" | "ticket" => FetchType::Ticket,
            _ => continue,
        };
        return Ok((ty, window[1].to_owned()));
    }
    Err(format!(
        "`{url}` is not a link to a conversation, contact, company or ticket in the Intercom app"
    ))
}

/// The Intercom app's address for the API at `base_url` (`https://app.eu.intercom.com` for the
/// EU region).
pub fn app_origin(base_url: &str) -> &'static str {
    if base_url.contains("api.eu.intercom.io") {
        "https://app.eu.intercom.com"
    } else if base_url.contains("api.au.intercom.io") {
        "https://app.au.intercom.com"
    } else {
        "https://app.intercom.com"
    }
}

/// A link to the object in the Intercom app (`_` stands for the token's own workspace).
pub fn app_url(origin: &str, ty: FetchType, id: &str) -> String {
    match ty {
        FetchType::Conversation | FetchType::Ticket => {
            format!("{origin}/a/inbox/_/inbox/conversation/{id}")
        }
        FetchType::Contact => format!("{origin}/a/apps/_/users/{id}/all-conversations"),
        FetchType::Company => format!("{origin}/a/apps/_/companies/{id}"),
    }
}

/// A short title for an object: a conversation's title, subject or first words, a contact's
/// name or email, a company's name, a ticket's title.
pub fn title(ty: FetchType, object: &Value) -> String {
    let s = |v: &Value| {
        v.as_str()
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
    };
    let found = match ty {
        FetchType::Conversation => s(&object["title"])
            .or_else(|| s(&object["source"]["subject"]))
            .or_else(|| s(&object["source"]["body"]).map(|b| snippet(&b, 80))),
        FetchType::Contact => s(&object["name"]).or_else(|| s(&object["email"])),
        FetchType::Company => s(&object["name"]),
        FetchType::Ticket => {
            s(&object["ticket_attributes"]["_default_title_"]).or_else(|| s(&object["title"]))
        }
    };
    found.unwrap_or_else(|| format!("{} {}", ty.as_str(), text(&object["id"])))
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The first `max` characters of the text of an HTML body, on one line.
pub fn snippet(html: &str, max: usize) -> String {
    let plain = crate::body::to_text(html);
    let one_line = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        format!("{}…", one_line.chars().take(max).collect::<String>())
    }
}

/// The summary of one search result, with its id prefixed by type.
pub fn summary(object_type: ObjectType, item: &Value, origin: &str) -> Value {
    let id = text(&item["id"]);
    match object_type {
        ObjectType::Conversations => json!({
            "id": format!("conversation_{id}"),
            "type": "conversation",
            "title": title(FetchType::Conversation, item),
            "state": item["state"],
            "open": item["open"],
            "created_at": item["created_at"],
            "updated_at": item["updated_at"],
            "source_type": item["source"]["type"],
            "author_email": item["source"]["author"]["email"],
            "contact_ids": item["contacts"]["contacts"]
                .as_array()
                .map(|a| a.iter().map(|c| c["id"].clone()).collect::<Vec<_>>())
                .unwrap_or_default(),
            "admin_assignee_id": item["admin_assignee_id"],
            "team_assignee_id": item["team_assignee_id"],
            "snippet": item["source"]["body"].as_str().map(|b| snippet(b, 200)),
            "url": app_url(origin, FetchType::Conversation, &id),
        }),
        ObjectType::Contacts => json!({
            "id": format!("contact_{id}"),
            "type": "contact",
            "title": title(FetchType::Contact, item),
            "role": item["role"],
            "name": item["name"],
            "email": item["email"],
            "external_id": item["external_id"],
            "created_at": item["created_at"],
            "last_seen_at": item["last_seen_at"],
            "url": app_url(origin, FetchType::Contact, &id),
        }),
        ObjectType::Tickets => json!({
            "id": format!("ticket_{id}"),
            "type": "ticket",
            "title": title(FetchType::Ticket, item),
            "state": item["ticket_state"].get("category").cloned().unwrap_or_else(|| item["ticket_state"].clone()),
            "category": item["category"],
            "open": item["open"],
            "created_at": item["created_at"],
            "updated_at": item["updated_at"],
        }),
    }
}
