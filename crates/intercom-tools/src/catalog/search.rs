//! `search` and `fetch`, as Intercom's hosted MCP server offers them: one query string for
//! conversations, contacts or tickets, and one id (as search returns it) to get the whole object.
//! The query language is in [`crate::hosted`].

use intercom_client::{Client, Request};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use crate::ToolError;
use crate::hosted::{self, Context, FetchType};
use crate::resolve;
use crate::spec::{
    Annotations, Args, BoxFuture, Handler, JsonType, Operation, Param, Rule, Tool, Toolset,
};

/// Results per page when the query sets no `limit` (as the hosted server).
const DEFAULT_LIMIT: u32 = 5;

pub(crate) const TOOLS: &[Tool] = &[
    Tool {
        name: "intercom_search",
        title: "Search",
        version: None,
        toolset: Toolset::SEARCH,
        description: "Search conversations, contacts or tickets with one query string, as Intercom's hosted MCP server's `search`: `object_type:conversations state:open source_body:contains:refund created_at>2025-01-01 limit:20`. Fields take `field:value`, `field:op:value` (eq, neq, gt, gte, lt, lte, contains, not_contains, starts_with, ends_with, in, nin) or `field>value` (= != > >= < <= ~ !~); `q:\"text\"` searches free text; dates take DD/MM/YYYY, ISO 8601, Unix seconds or 7d/yesterday. Returns summaries with prefixed ids (conversation_123, contact_abc) for fetch, and `_note` with the cursor when there are more.",
        params: &[
            Param::input(
                "query",
                JsonType::String,
                "The query: `object_type:conversations|contacts|tickets`, then field filters, free text, `limit:N` (1 to 150, default 5) and `starting_after:CURSOR`.",
            )
            .required()
            .non_empty(),
            Param::input("limit", JsonType::Integer, "Results per page, if the query has no `limit:`.").range(1, 150),
            Param::input(
                "starting_after",
                JsonType::String,
                "Cursor of the next page, if the query has no `starting_after:`.",
            )
            .non_empty(),
            Param::input(
                "time_zone",
                JsonType::String,
                "IANA time zone for calendar days in the query; default: the workspace's (GET /me, read once per client), or UTC.",
            )
            .non_empty(),
        ],
        rules: &[Rule::Check(check_search)],
        annotations: Annotations::READ,
        operations: &[
            Operation::post("/conversations/search", "searchConversations").idempotent(),
            Operation::post("/contacts/search", "SearchContacts").idempotent(),
            Operation::post("/tickets/search", "searchTickets").idempotent(),
            Operation::get("/me", "identifyAdmin"),
        ],
        handler: Handler::Workflow {
            plan: plan_search,
            run: run_search,
        },
    },
    Tool {
        name: "intercom_fetch",
        title: "Fetch",
        version: None,
        toolset: Toolset::SEARCH,
        description: "Fetch the whole of one conversation (with its parts), contact, company or ticket, as Intercom's hosted MCP server's `fetch`: give an id as search returns it (conversation_123, contact_abc, company_x, ticket_9), a link to it in the Intercom app, or a bare id with object_type. Returns the object under `data`, with a title and a link to the Intercom app.",
        params: &[
            Param::input(
                "id",
                JsonType::String,
                "A prefixed id (conversation_123, contact_abc, company_x, ticket_9), a link to the Intercom app, or a bare id with object_type.",
            )
            .required()
            .non_empty(),
            Param::input(
                "object_type",
                JsonType::String,
                "What a bare id is.",
            )
            .one_of(&["conversation", "contact", "company", "ticket"]),
        ],
        rules: &[Rule::Check(check_fetch)],
        annotations: Annotations::READ,
        operations: &[
            Operation::get("/conversations/{id}", "retrieveConversation"),
            Operation::get("/contacts/{id}", "ShowContact"),
            Operation::get("/companies/{id}", "RetrieveACompanyById"),
            Operation::get("/tickets/{id}", "getTicket"),
        ],
        handler: Handler::Workflow {
            plan: plan_fetch,
            run: run_fetch,
        },
    },
];

// ---- search ----

/// The parsed query with the separate `limit`/`starting_after` folded in.
fn read_query(args: &Args) -> Result<hosted::Query, (&'static str, String)> {
    let text = args
        .get("query")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut query = hosted::parse(text).map_err(|e| ("query", e))?;
    if let Some(limit) = args.get("limit").and_then(Value::as_u64) {
        match query.limit {
            Some(l) if u64::from(l) != limit => {
                return Err((
                    "limit",
                    format!("is {limit} but the query says limit:{l}: give one"),
                ));
            }
            _ => query.limit = Some(limit as u32),
        }
    }
    if let Some(cursor) = args.get("starting_after").and_then(Value::as_str) {
        match &query.starting_after {
            Some(c) if c != cursor => {
                return Err((
                    "starting_after",
                    "differs from the query's starting_after: give one".to_owned(),
                ));
            }
            _ => query.starting_after = Some(cursor.to_owned()),
        }
    }
    Ok(query)
}

fn given_time_zone(args: &Args) -> Result<Option<TimeZone>, (&'static str, String)> {
    args.get("time_zone")
        .and_then(Value::as_str)
        .map(|name| dates_tz(name))
        .transpose()
}

fn dates_tz(name: &str) -> Result<TimeZone, (&'static str, String)> {
    crate::dates::time_zone(name).map_err(|e| ("time_zone", e))
}

fn check_search(args: &Args) -> Result<(), (&'static str, String)> {
    let query = read_query(args)?;
    let tz = given_time_zone(args)?.unwrap_or(TimeZone::UTC);
    hosted::compile(
        &query,
        &Context {
            now: Timestamp::now(),
            time_zone: tz,
        },
    )
    .map(|_| ())
    .map_err(|e| ("query", e))
}

fn search_request(query: &hosted::Query, dsl: Value) -> Request {
    let mut pagination = json!({ "per_page": query.limit.unwrap_or(DEFAULT_LIMIT) });
    if let Some(c) = &query.starting_after {
        pagination["starting_after"] = json!(c);
    }
    Request::post(
        query.object_type.search_path(),
        json!({ "query": dsl, "pagination": pagination }),
    )
    .idempotent()
}

fn invalid(tool: &Tool) -> impl Fn((&'static str, String)) -> ToolError + '_ {
    move |(field, message)| ToolError::validation(tool.name, field, message)
}

fn plan_search(tool: &Tool, args: &Args) -> Result<Vec<Request>, ToolError> {
    let query = read_query(args).map_err(invalid(tool))?;
    let given = given_time_zone(args).map_err(invalid(tool))?;
    let mut requests = Vec::new();
    if given.is_none() && hosted::needs_time_zone(&query) {
        requests.push(Request::get("/me"));
    }
    let cx = Context {
        now: Timestamp::now(),
        time_zone: given.unwrap_or(TimeZone::UTC),
    };
    let dsl =
        hosted::compile(&query, &cx).map_err(|e| ToolError::validation(tool.name, "query", e))?;
    requests.push(search_request(&query, dsl));
    Ok(requests)
}

fn run_search<'a>(
    tool: &'a Tool,
    client: &'a Client,
    args: &'a Args,
) -> BoxFuture<'a, Result<Value, ToolError>> {
    Box::pin(async move {
        let query = read_query(args).map_err(invalid(tool))?;
        let time_zone = match given_time_zone(args).map_err(invalid(tool))? {
            Some(tz) => tz,
            None if hosted::needs_time_zone(&query) => {
                resolve::workspace_time_zone(client)
                    .await
                    .map_err(|e| ToolError::api(tool.name, e))?
                    .0
            }
            None => TimeZone::UTC,
        };
        let cx = Context {
            now: Timestamp::now(),
            time_zone,
        };
        let dsl = hosted::compile(&query, &cx)
            .map_err(|e| ToolError::validation(tool.name, "query", e))?;
        let page = client
            .json(&search_request(&query, dsl.clone()))
            .await
            .map_err(|e| ToolError::api(tool.name, e))?;
        let origin = hosted::app_origin(&client.config().base_url);
        let results: Vec<Value> = page[query.object_type.items_key()]
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| hosted::summary(query.object_type, item, origin))
            .collect();
        let mut out = json!({
            "total_in_page": results.len(),
            "results": results,
        });
        if let Some(total) = page["total_count"].as_u64() {
            out["total_count"] = json!(total);
        }
        if let Some(pages) = page.get("pages").filter(|p| p.is_object()) {
            out["pages"] = pages.clone();
        }
        if let Some(next) = page["pages"]["next"]["starting_after"].as_str() {
            out["_note"] = json!(format!(
                "More results available. To get the next page, add to your query: starting_after:{next}"
            ));
        }
        out["query"] = dsl;
        Ok(out)
    })
}

// ---- fetch ----

fn read_fetch(args: &Args) -> Result<(FetchType, String), (&'static str, String)> {
    let id = args.get("id").and_then(Value::as_str).unwrap_or_default();
    let ty = args.get("object_type").and_then(Value::as_str);
    hosted::fetch_id(id, ty).map_err(|e| ("id", e))
}

fn check_fetch(args: &Args) -> Result<(), (&'static str, String)> {
    read_fetch(args).map(|_| ())
}

fn plan_fetch(tool: &Tool, args: &Args) -> Result<Vec<Request>, ToolError> {
    let (ty, id) = read_fetch(args).map_err(invalid(tool))?;
    Ok(vec![Request::get(ty.path(&id))])
}

fn run_fetch<'a>(
    tool: &'a Tool,
    client: &'a Client,
    args: &'a Args,
) -> BoxFuture<'a, Result<Value, ToolError>> {
    Box::pin(async move {
        let (ty, id) = read_fetch(args).map_err(invalid(tool))?;
        let object = client
            .json(&Request::get(ty.path(&id)))
            .await
            .map_err(|e| ToolError::api(tool.name, e))?;
        let origin = hosted::app_origin(&client.config().base_url);
        Ok(json!({
            "id": format!("{}_{id}", ty.as_str()),
            "object_type": ty.as_str(),
            "title": hosted::title(ty, &object),
            "url": hosted::app_url(origin, ty, &id),
            "data": object,
        }))
    })
}
