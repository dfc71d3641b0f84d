//! Discovery mode: three meta-tools instead of the catalog.
//!
//! `intercom_search_tools` finds tools by keywords, `intercom_describe_tool` gives one tool's
//! full definition (input schema included), and `intercom_call_tool` calls any served tool by
//! name. A model pays for three definitions and still reaches every tool.

mod index;
mod synonyms;

pub use index::{Index, query_terms, stem};

use std::sync::Arc;

use intercom_tools::Tool;
use rmcp::model::{JsonObject, Tool as McpTool, ToolAnnotations};
use serde_json::{Value, json};

use crate::definition::definition;
use crate::selection::Catalog;

pub const SEARCH: &str = "intercom_search_tools";
pub const DESCRIBE: &str = "intercom_describe_tool";
pub const CALL: &str = "intercom_call_tool";

const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 50;

/// The three meta-tools. With a read-only catalog, `intercom_call_tool` is read-only too.
pub fn definitions(catalog: &Catalog) -> Vec<McpTool> {
    let toolsets: Vec<String> = {
        let mut names: Vec<String> = catalog
            .enabled()
            .iter()
            .map(|t| t.toolset.as_str().to_owned())
            .collect();
        names.dedup();
        names.sort();
        names.dedup();
        names
    };
    let read = ToolAnnotations::new()
        .read_only(true)
        .destructive(false)
        .idempotent(true)
        .open_world(false);
    let call = if catalog.read_only() {
        ToolAnnotations::new()
            .read_only(true)
            .destructive(false)
            .idempotent(true)
            .open_world(true)
    } else {
        ToolAnnotations::new()
            .read_only(false)
            .destructive(true)
            .idempotent(false)
            .open_world(true)
    };
    vec![
        McpTool::new(
            SEARCH,
            format!(
                "Find Intercom tools by keywords (e.g. \"close conversation\", \"tag contact\"). Returns each match's name, toolset, whether it only reads, and its description. {} tools are available{}. Next, call {DESCRIBE} for a tool's arguments, then {CALL}.",
                catalog.enabled().len(),
                if catalog.read_only() { ", all read-only" } else { "" },
            ),
            schema(json!({
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "What you want to do, in plain words or keywords (\"how many open conversations\", \"tag a contact\"). Empty lists every tool (up to limit)."},
                    "toolset": {"type": "string", "description": "Only tools of this toolset.", "enum": toolsets},
                    "limit": {"type": "integer", "description": "Most results to return (default 10).", "minimum": 1, "maximum": MAX_LIMIT}
                },
                "additionalProperties": false
            })),
        )
        .with_title("Search Intercom tools")
        .with_annotations(read.clone()),
        McpTool::new(
            DESCRIBE,
            format!("The full definition of one Intercom tool: description, input JSON Schema and annotations. Call it before {CALL} to learn the arguments."),
            schema(json!({
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "Tool name, as returned by intercom_search_tools.", "minLength": 1}
                },
                "required": ["name"],
                "additionalProperties": false
            })),
        )
        .with_title("Describe an Intercom tool")
        .with_annotations(read),
        McpTool::new(
            CALL,
            format!(
                "Call an Intercom tool by name with its arguments (see {DESCRIBE} for the schema). Returns the tool's result, or an error that says what to fix.{}",
                if catalog.read_only() { " This server is read-only: write tools are refused." } else { "" },
            ),
            schema(json!({
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "Tool name.", "minLength": 1},
                    "arguments": {"type": "object", "description": "The tool's arguments, as its input schema describes."}
                },
                "required": ["name"],
                "additionalProperties": false
            })),
        )
        .with_title("Call an Intercom tool")
        .with_annotations(call),
    ]
}

fn schema(value: Value) -> Arc<JsonObject> {
    match value {
        Value::Object(map) => Arc::new(map),
        _ => Arc::new(JsonObject::new()),
    }
}

/// `intercom_search_tools`: the catalog's tools ranked for `query` ([`Index::search`]), or every
/// tool in catalog order for an empty query.
pub fn search(
    catalog: &Catalog,
    index: &Index,
    query: &str,
    toolset: Option<&str>,
    limit: usize,
) -> Value {
    let in_toolset = |t: &Tool| toolset.is_none_or(|s| t.toolset.as_str().eq_ignore_ascii_case(s));
    let ranked: Vec<&Tool> = if query.trim().is_empty() {
        catalog
            .enabled()
            .iter()
            .copied()
            .filter(|t| in_toolset(t))
            .collect()
    } else {
        index
            .search(query)
            .into_iter()
            .map(|(t, _)| t)
            .filter(|t| in_toolset(t))
            .collect()
    };
    let total = ranked.len();
    let limit = limit.clamp(1, MAX_LIMIT);
    let tools: Vec<Value> = ranked
        .into_iter()
        .take(limit)
        .map(|t| {
            json!({
                "name": t.name,
                "title": t.title,
                "toolset": t.toolset.as_str(),
                "read_only": t.annotations.read_only,
                "description": intercom_tools::schema::description(t),
            })
        })
        .collect();
    let mut out = json!({ "tools": tools, "matches": total });
    if total == 0 {
        out["hint"] = json!("no tool matched: try other words, or an empty query to list tools");
    } else if total > limit {
        out["hint"] = json!(format!(
            "{} more matched, ranked lower: add words or raise limit",
            total - limit
        ));
    }
    out
}

pub fn default_limit() -> usize {
    DEFAULT_LIMIT
}

/// `intercom_describe_tool`: the tool's MCP definition, plus its aliases.
pub fn describe(catalog: &Catalog, tool: &Tool) -> Value {
    let mut value = serde_json::to_value(definition(tool)).unwrap_or(Value::Null);
    let aliases: Vec<&str> = catalog
        .registry()
        .aliases_of(tool.name)
        .iter()
        .map(|a| a.name)
        .collect();
    value["toolset"] = json!(tool.toolset.as_str());
    value["aliases"] = json!(aliases);
    value
}
