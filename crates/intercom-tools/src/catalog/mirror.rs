//! The `mirror` toolset: questions answered from the local mirror (`intercom sync`), offline,
//! in milliseconds, with no API call. Every answer says how fresh the mirror is.
//!
//! The mirror file is the one [`use_mirror_at`] set for the client, else
//! `intercom_mirror::default_db_path()` (`$INTERCOM_MIRROR_DB`, or the user's data directory).
//! A `postgres://` URL in its place names a PostgreSQL mirror, which several servers can share.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use intercom_client::{Client, Request};
use intercom_mirror::{Count, Filter, GroupBy, Resource, Search, SqliteStore, Store};

/// An open mirror, shared by the tools' calls.
type Shared = Arc<dyn Store>;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use crate::ToolError;
use crate::dates;
use crate::spec::{Annotations, Args, BoxFuture, Handler, JsonType, Param, Tool, Toolset};

/// Read-only, and closed-world: nothing leaves the machine.
const LOCAL: Annotations = Annotations {
    read_only: true,
    destructive: false,
    idempotent: true,
    open_world: false,
};

const RESOURCES: &[&str] = &[
    "conversations",
    "tickets",
    "contacts",
    "companies",
    "articles",
    "admins",
    "teams",
    "tags",
    "segments",
];

const FILTERS: [Param; 10] = [
    Param::input(
        "resource",
        JsonType::String,
        "What to ask about. Default: conversations.",
    )
    .one_of(RESOURCES),
    Param::input(
        "state",
        JsonType::String,
        "Conversation state (`open`, `closed`, `snoozed`), ticket state category, or contact role (`user`, `lead`).",
    ),
    Param::input(
        "team_id",
        JsonType::String,
        "Only those assigned to this team (an id; intercom_local_count by team lists them with names).",
    ),
    Param::input(
        "admin_id",
        JsonType::String,
        "Only those assigned to this admin (an id).",
    ),
    Param::input(
        "tag",
        JsonType::String,
        "Only those with this tag: its id or its name (any case).",
    ),
    Param::input(
        "contact_id",
        JsonType::String,
        "Only those involving this contact (an id).",
    ),
    Param::input(
        "created_after",
        JsonType::StringOrNumber,
        "Created at or after this time. Accepts DD/MM/YYYY, YYYY-MM-DD, ISO 8601, Unix seconds, or 30d, 2w, today, yesterday (UTC).",
    ),
    Param::input(
        "created_before",
        JsonType::StringOrNumber,
        "Created at or before this time (a day means up to its end). Same forms as created_after.",
    ),
    Param::input(
        "updated_after",
        JsonType::StringOrNumber,
        "Updated at or after this time. Same forms as created_after.",
    ),
    Param::input(
        "updated_before",
        JsonType::StringOrNumber,
        "Updated at or before this time. Same forms as created_after.",
    ),
];

const TEXT: Param = Param::input(
    "text",
    JsonType::String,
    "Words to find anywhere in the whole transcript (every part, not only the first message); all must appear. \"an exact phrase\", refund*, and OR/NOT between words work too.",
)
.non_empty();

const SEARCH_PARAMS: &[Param] = &[
    TEXT,
    FILTERS[0],
    FILTERS[1],
    FILTERS[2],
    FILTERS[3],
    FILTERS[4],
    FILTERS[5],
    FILTERS[6],
    FILTERS[7],
    FILTERS[8],
    FILTERS[9],
    Param::input(
        "limit",
        JsonType::Integer,
        "Hits to return (1 to 50). Default 10.",
    )
    .range(1, 50),
    Param::input(
        "offset",
        JsonType::Integer,
        "Hits to skip, for the next page.",
    )
    .min(0),
];

const COUNT_PARAMS: &[Param] = &[
    Param::input("group_by", JsonType::String, "Split the count: by `state`, `team`, `admin` or `tag`, or by `day`, `week` (from Monday) or `month` of creation (UTC).")
        .one_of(GroupBy::NAMES),
    TEXT,
    FILTERS[0], FILTERS[1], FILTERS[2], FILTERS[3], FILTERS[4], FILTERS[5], FILTERS[6], FILTERS[7], FILTERS[8], FILTERS[9],
];

pub(crate) const TOOLS: &[Tool] = &[
    Tool {
        name: "intercom_local_search",
        title: "Search the local mirror",
        version: None,
        toolset: Toolset::MIRROR,
        description: "Full-text search of the local mirror (filled by `intercom sync`): whole conversation transcripts, tickets, contacts and articles, ranked by relevance, each hit with a snippet marking the words found. Filters on state, team, admin, tag, contact and creation or update dates. Answers offline in milliseconds without calling Intercom; the answer says when the mirror was last synced. Without `text`, lists the most recently updated matches.",
        params: SEARCH_PARAMS,
        rules: &[],
        annotations: LOCAL,
        operations: &[],
        handler: Handler::Workflow {
            plan: no_requests,
            run: run_search,
        },
    },
    Tool {
        name: "intercom_local_count",
        title: "Count in the local mirror",
        version: None,
        toolset: Toolset::MIRROR,
        description: "Count conversations (or tickets, contacts, ...) in the local mirror that match words and filters, optionally split by state, team, admin, tag, day, week or month: \"how many conversations mentioned refunds last month, by team\" in one call. Answers offline from the mirror filled by `intercom sync`, and says when it was last synced.",
        params: COUNT_PARAMS,
        rules: &[],
        annotations: LOCAL,
        operations: &[],
        handler: Handler::Workflow {
            plan: no_requests,
            run: run_count,
        },
    },
    Tool {
        name: "intercom_local_get",
        title: "Read one document from the local mirror",
        version: None,
        toolset: Toolset::MIRROR,
        description: "One conversation (with every part), ticket, contact or other document from the local mirror, as Intercom returned it at the last sync. Use it after intercom_local_search to read a transcript without an API call.",
        params: &[
            Param::input("id", JsonType::String, "Intercom id of the document.")
                .required()
                .non_empty(),
            FILTERS[0],
        ],
        rules: &[],
        annotations: LOCAL,
        operations: &[],
        handler: Handler::Workflow {
            plan: no_requests,
            run: run_get,
        },
    },
    Tool {
        name: "intercom_local_status",
        title: "Local mirror status",
        version: None,
        toolset: Toolset::MIRROR,
        description: "How fresh the local mirror is: when each resource was last synced, how many documents it holds, and whether a sync was interrupted. Call it to decide whether the mirror is recent enough or `intercom sync` should run first.",
        params: &[],
        rules: &[],
        annotations: LOCAL,
        operations: &[],
        handler: Handler::Workflow {
            plan: no_requests,
            run: run_status,
        },
    },
];

/// The mirror a client's tools read: its path, and the store once opened.
#[derive(Clone, Default)]
struct MirrorDb(Arc<Mutex<Slot>>);

/// The path set by [`use_mirror_at`], and the store once opened.
#[derive(Default)]
struct Slot {
    path: Option<PathBuf>,
    store: Option<Shared>,
}

/// Makes the `mirror` tools called with `client` (and its clones) read the mirror at `path`.
pub fn use_mirror_at(client: &Client, path: impl Into<PathBuf>) {
    let db = client.extension(MirrorDb::default);
    let mut slot =
        db.0.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
    *slot = Slot {
        path: Some(path.into()),
        store: None,
    };
}

fn store(tool: &Tool, client: &Client) -> Result<Shared, ToolError> {
    let db = client.extension(MirrorDb::default);
    let mut slot =
        db.0.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(store) = &slot.store {
        return Ok(store.clone());
    }
    let path = slot
        .path
        .clone()
        .or_else(intercom_mirror::default_db_path)
        .ok_or_else(|| response(tool, "no data directory for the mirror (HOME is not set): set INTERCOM_MIRROR_DB to its file"))?;
    // A PostgreSQL URL (`INTERCOM_MIRROR_DB=postgres://…`): the mirror replicas share.
    let target = path.to_string_lossy();
    if intercom_mirror::is_postgres_url(&target) {
        let store: Shared =
            Arc::from(intercom_mirror::open_store(&target).map_err(|e| mirror_error(tool, e))?);
        slot.store = Some(store.clone());
        return Ok(store);
    }
    if !path.exists() {
        return Err(response(
            tool,
            format!(
                "there is no mirror at {}: run `intercom sync` first (or set INTERCOM_MIRROR_DB to the mirror's file)",
                path.display()
            ),
        ));
    }
    let store: Shared = Arc::new(SqliteStore::open(&path).map_err(|e| mirror_error(tool, e))?);
    slot.store = Some(store.clone());
    Ok(store)
}

fn response(tool: &Tool, message: impl Into<String>) -> ToolError {
    ToolError::Response {
        tool: tool.name.to_owned(),
        message: message.into(),
    }
}

fn mirror_error(tool: &Tool, error: intercom_mirror::Error) -> ToolError {
    match error {
        intercom_mirror::Error::Invalid { field, message } => {
            ToolError::validation(tool.name, field, message)
        }
        other => {
            let mut message = other.to_string();
            let mut source = std::error::Error::source(&other);
            while let Some(cause) = source {
                message.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            response(tool, message)
        }
    }
}

fn no_requests(_tool: &Tool, _args: &Args) -> Result<Vec<Request>, ToolError> {
    Ok(Vec::new())
}

fn now() -> Timestamp {
    Timestamp::now()
}

/// The mirror's filter from the tool's arguments (dates in the forms of [`dates`]).
fn filter(tool: &Tool, args: &Args) -> Result<(Resource, Filter), ToolError> {
    let resource = match args.get("resource").and_then(Value::as_str) {
        Some(r) => r.parse().map_err(|e| mirror_error(tool, e))?,
        None => Resource::Conversations,
    };
    let text = |k: &str| args.get(k).and_then(Value::as_str).map(str::to_owned);
    let spec = |field: &'static str| {
        args.get(field)
            .map(|v| dates::parse_value(v).map_err(|m| ToolError::validation(tool.name, field, m)))
            .transpose()
    };
    let range = |after: &'static str,
                 before: &'static str|
     -> Result<(Option<i64>, Option<i64>), ToolError> {
        let r = dates::range(
            spec(after)?.as_ref(),
            spec(before)?.as_ref(),
            (after, before),
            now(),
            &TimeZone::UTC,
        )
        .map_err(|e| ToolError::validation(tool.name, e.field, e.message))?;
        Ok((
            r.start.map(|t| t.as_second()),
            r.end.map(|t| t.as_second() + 1),
        ))
    };
    let (created_after, created_before) = range("created_after", "created_before")?;
    let (updated_after, updated_before) = range("updated_after", "updated_before")?;
    Ok((
        resource,
        Filter {
            text: text("text"),
            state: text("state"),
            team_id: text("team_id"),
            admin_id: text("admin_id"),
            tag: text("tag"),
            contact_id: text("contact_id"),
            created_after,
            created_before,
            updated_after,
            updated_before,
            truncated_only: false,
        },
    ))
}

/// Runs `query` on the store off the async threads.
async fn ask<T: Send + 'static>(
    tool: &Tool,
    client: &Client,
    query: impl FnOnce(&dyn Store) -> Result<T, intercom_mirror::Error> + Send + 'static,
) -> Result<(T, String), ToolError> {
    let store = store(tool, client)?;
    let (answer, fresh) = tokio::task::spawn_blocking(move || {
        let answer = query(&*store)?;
        let fresh = store.freshness()?.describe(now().as_second());
        Ok::<_, intercom_mirror::Error>((answer, fresh))
    })
    .await
    .map_err(|e| response(tool, format!("the mirror query did not finish: {e}")))?
    .map_err(|e| mirror_error(tool, e))?;
    Ok((answer, fresh))
}

fn run_search<'a>(
    tool: &'a Tool,
    client: &'a Client,
    args: &'a Args,
) -> BoxFuture<'a, Result<Value, ToolError>> {
    Box::pin(async move {
        let (resource, filter) = filter(tool, args)?;
        let limit = args.get("limit").and_then(Value::as_u64).unwrap_or(10) as u32;
        let offset = args.get("offset").and_then(Value::as_u64).unwrap_or(0);
        let search = Search::new(filter)
            .resource(resource)
            .limit(limit)
            .offset(offset);
        let (hits, fresh) = ask(tool, client, move |s| s.search(&search)).await?;
        let shown = offset + hits.hits.len() as u64;
        let mut out = json!({"mirror": fresh, "total": hits.total, "hits": hits.hits});
        if shown < hits.total {
            out["next_offset"] = json!(shown);
        }
        Ok(out)
    })
}

fn run_count<'a>(
    tool: &'a Tool,
    client: &'a Client,
    args: &'a Args,
) -> BoxFuture<'a, Result<Value, ToolError>> {
    Box::pin(async move {
        let (resource, filter) = filter(tool, args)?;
        let mut count = Count::new(filter).resource(resource);
        if let Some(by) = args.get("group_by").and_then(Value::as_str) {
            count = count.group_by(by.parse().map_err(|e| mirror_error(tool, e))?);
        }
        let (counts, fresh) = ask(tool, client, move |s| s.count(&count)).await?;
        let mut out = json!({"mirror": fresh, "total": counts.total});
        if !counts.groups.is_empty() {
            out["groups"] = json!(counts.groups);
        }
        Ok(out)
    })
}

fn run_get<'a>(
    tool: &'a Tool,
    client: &'a Client,
    args: &'a Args,
) -> BoxFuture<'a, Result<Value, ToolError>> {
    Box::pin(async move {
        let (resource, _) = filter(tool, args)?;
        let id = args
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let wanted = id.clone();
        let (doc, fresh) = ask(tool, client, move |s| s.get(resource, &wanted)).await?;
        match doc {
            Some(doc) => Ok(json!({"mirror": fresh, resource.as_str(): doc})),
            None => Err(ToolError::validation(
                tool.name,
                "id",
                format!(
                    "the mirror has no {resource} with id `{id}`: find one with intercom_local_search, or sync again if it is new ({fresh})"
                ),
            )),
        }
    })
}

fn run_status<'a>(
    tool: &'a Tool,
    client: &'a Client,
    _args: &'a Args,
) -> BoxFuture<'a, Result<Value, ToolError>> {
    Box::pin(async move {
        let (fresh, line) = ask(tool, client, |s| s.freshness()).await?;
        Ok(json!({"mirror": line, "resources": fresh.resources}))
    })
}
