//! Counts: Intercom 2.x has no counts endpoint, so this computes them with as few calls as it can.
//!
//! Each number comes from one request: the `total_count` of a list or search asked for one item
//! per page, or the length of a list that is never paginated (tags, segments). The result says,
//! for every number, which request produced it.

use intercom_client::{Client, Request};
use serde_json::{Value, json};

use crate::ToolError;
use crate::spec::{
    Annotations, Args, BoxFuture, Handler, JsonType, Operation, Param, Rule, Tool, Toolset,
};

const TYPES: &[&str] = &[
    "conversation",
    "contact",
    "user",
    "lead",
    "company",
    "tag",
    "segment",
];
const STATES: &[&str] = &["open", "closed", "snoozed"];

pub(crate) const TOOLS: &[Tool] = &[Tool {
    name: "intercom_get_counts",
    title: "Get counts",
    version: None,
    toolset: Toolset::COUNTS,
    description: "Count conversations (optionally by state), contacts, users, leads, companies, tags and segments. Intercom has no counts endpoint: each number is read from one list or search call asking for a single item, and the result says which call produced it. Counts are exact at the time of the call.",
    params: &[
        Param::input("type", JsonType::String, "What to count; leave it out to count conversations, contacts, companies, tags and segments.")
            .one_of(TYPES),
        Param::input("state", JsonType::String, "Only conversations in this state.").one_of(STATES),
        Param::input(
            "count",
            JsonType::String,
            "A breakdown: `state` splits conversations into open, closed and snoozed; `role` splits contacts into users and leads.",
        )
        .one_of(&["state", "role"]),
    ],
    rules: &[
        Rule::OnlyIf { field: "state", when: "type", equals: &["conversation"] },
        Rule::OnlyIf { field: "count", when: "type", equals: &["conversation", "contact"] },
    ],
    annotations: Annotations::READ,
    operations: &[
        Operation::get("/conversations", "listConversations"),
        Operation::post("/conversations/search", "searchConversations").idempotent(),
        Operation::get("/contacts", "ListContacts"),
        Operation::post("/contacts/search", "SearchContacts").idempotent(),
        Operation::post("/companies/list", "listAllCompanies").idempotent(),
        Operation::get("/tags", "listTags"),
        Operation::get("/segments", "listSegments"),
    ],
    handler: Handler::Workflow { plan, run },
}];

/// How a number is read from a response.
#[derive(Debug, Clone, Copy)]
enum Read {
    TotalCount,
    Length(&'static str),
}

/// One counted thing and the request that counts it.
struct Step {
    label: Value,
    request: Request,
    read: Read,
    how: String,
}

fn one_per_page_search(path: &str, field: &str, value: &str) -> Request {
    Request::post(
        path,
        json!({ "query": { "field": field, "operator": "=", "value": value }, "pagination": { "per_page": 1 } }),
    )
    .idempotent()
}

fn steps(tool: &Tool, args: &Args) -> Result<Vec<Step>, ToolError> {
    let ty = args.get("type").and_then(Value::as_str);
    let state = args.get("state").and_then(Value::as_str);
    let count = args.get("count").and_then(Value::as_str);
    match (ty, count) {
        (Some("conversation"), Some("role")) => {
            return Err(ToolError::validation(
                tool.name,
                "count",
                "must be `state` for conversations (`role` is for contacts)",
            ));
        }
        (Some("contact"), Some("state")) => {
            return Err(ToolError::validation(
                tool.name,
                "count",
                "must be `role` for contacts (`state` is for conversations)",
            ));
        }
        _ => {}
    }
    if state.is_some() && count == Some("state") {
        return Err(ToolError::validation(
            tool.name,
            "state",
            "cannot be combined with count `state`, which already counts every state",
        ));
    }

    let types: Vec<&str> = match ty {
        Some(t) => vec![t],
        None => vec!["conversation", "contact", "company", "tag", "segment"],
    };
    let mut out = Vec::new();
    for t in types {
        match t {
            "conversation" => {
                let states: Vec<&str> = match (state, count) {
                    (Some(s), _) => vec![s],
                    (None, Some("state")) => STATES.to_vec(),
                    _ => vec![],
                };
                if states.is_empty() {
                    out.push(Step {
                        label: json!({ "type": "conversation" }),
                        request: Request::get("/conversations").query("per_page", "1"),
                        read: Read::TotalCount,
                        how: "total_count of GET /conversations?per_page=1".to_owned(),
                    });
                }
                for s in states {
                    out.push(Step {
                        label: json!({ "type": "conversation", "state": s }),
                        request: one_per_page_search("/conversations/search", "state", s),
                        read: Read::TotalCount,
                        how: format!("total_count of POST /conversations/search where state = {s} (per_page 1)"),
                    });
                }
            }
            "contact" if count == Some("role") => {
                for role in ["user", "lead"] {
                    out.push(role_step(role));
                }
            }
            "contact" => out.push(Step {
                label: json!({ "type": "contact" }),
                request: Request::get("/contacts").query("per_page", "1"),
                read: Read::TotalCount,
                how: "total_count of GET /contacts?per_page=1".to_owned(),
            }),
            "user" | "lead" => out.push(role_step(if t == "user" { "user" } else { "lead" })),
            "company" => out.push(Step {
                label: json!({ "type": "company" }),
                request: Request::post("/companies/list", json!({}))
                    .query("per_page", "1")
                    .idempotent(),
                read: Read::TotalCount,
                how: "total_count of POST /companies/list?per_page=1".to_owned(),
            }),
            "tag" => out.push(Step {
                label: json!({ "type": "tag" }),
                request: Request::get("/tags"),
                read: Read::Length("data"),
                how: "length of `data` of GET /tags (not paginated)".to_owned(),
            }),
            "segment" => out.push(Step {
                label: json!({ "type": "segment" }),
                request: Request::get("/segments"),
                read: Read::Length("segments"),
                how: "length of `segments` of GET /segments (not paginated)".to_owned(),
            }),
            other => {
                return Err(ToolError::validation(
                    tool.name,
                    "type",
                    format!("`{other}` cannot be counted"),
                ));
            }
        }
    }
    Ok(out)
}

fn role_step(role: &'static str) -> Step {
    Step {
        label: json!({ "type": role }),
        request: one_per_page_search("/contacts/search", "role", role),
        read: Read::TotalCount,
        how: format!("total_count of POST /contacts/search where role = {role} (per_page 1)"),
    }
}

fn plan(tool: &Tool, args: &Args) -> Result<Vec<Request>, ToolError> {
    Ok(steps(tool, args)?.into_iter().map(|s| s.request).collect())
}

fn run<'a>(
    tool: &'a Tool,
    client: &'a Client,
    args: &'a Args,
) -> BoxFuture<'a, Result<Value, ToolError>> {
    Box::pin(async move {
        let steps = steps(tool, args)?;
        let mut counts = Vec::with_capacity(steps.len());
        for step in &steps {
            let body = client
                .json(&step.request)
                .await
                .map_err(|source| ToolError::api(tool.name, source))?;
            let n = match step.read {
                Read::TotalCount => body.get("total_count").and_then(Value::as_u64),
                Read::Length(key) => body
                    .get(key)
                    .and_then(Value::as_array)
                    .map(|a| a.len() as u64),
            };
            let n = n.ok_or_else(|| ToolError::Response {
                tool: tool.name.to_owned(),
                message: format!(
                    "{} {} gave no {}",
                    step.request.method.as_str(),
                    step.request.path,
                    match step.read {
                        Read::TotalCount => "`total_count`".to_owned(),
                        Read::Length(key) => format!("`{key}` array"),
                    }
                ),
            })?;
            let mut entry = step.label.clone();
            if let Value::Object(map) = &mut entry {
                map.insert("count".to_owned(), json!(n));
                map.insert("how".to_owned(), json!(step.how));
            }
            counts.push(entry);
        }
        Ok(json!({ "type": "counts", "counts": counts, "api_calls": steps.len() }))
    })
}
