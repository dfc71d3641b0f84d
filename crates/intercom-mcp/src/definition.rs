//! Registry tools as MCP tool definitions.
//!
//! Same name, title and input schema as `intercom tools --json`, and the same description plus the
//! rules too long to repeat on each field ([`intercom_tools::schema::description`]); the registry's
//! annotations become `readOnlyHint`, `openWorldHint` and, for a tool that writes,
//! `destructiveHint` and `idempotentHint`.
//! No `outputSchema` is declared: results are Intercom's own JSON, whose shape the registry does
//! not describe, so a schema could not be kept truthful.

use std::sync::Arc;

use intercom_tools::{Annotations, Tool};
use rmcp::model::{JsonObject, Tool as McpTool, ToolAnnotations};
use serde_json::Value;

/// The MCP definition of a registry tool.
pub fn definition(tool: &Tool) -> McpTool {
    McpTool::new(
        tool.name,
        intercom_tools::schema::description(tool),
        Arc::new(portable(tool.input_schema())),
    )
    .with_title(tool.title)
    .with_annotations(annotations(tool.annotations))
}

/// The MCP annotations for the registry's. `destructiveHint` and `idempotentHint` mean
/// something only for a tool that writes (MCP says so), so a read-only tool carries neither:
/// that keeps the default list within its token budget with each tool's `title`.
pub fn annotations(a: Annotations) -> ToolAnnotations {
    let annotations = ToolAnnotations::new()
        .read_only(a.read_only)
        .open_world(a.open_world);
    if a.read_only {
        annotations
    } else {
        annotations
            .destructive(a.destructive)
            .idempotent(a.idempotent)
    }
}

/// An input schema every client accepts: an object at the root, with `properties`, and no
/// top-level `anyOf`/`oneOf`/`allOf` (which several clients refuse). The registry's schemas
/// already have that shape; this only guarantees it.
pub fn portable(schema: Value) -> JsonObject {
    let mut map = match schema {
        Value::Object(map) => map,
        _ => JsonObject::new(),
    };
    for keyword in ["anyOf", "oneOf", "allOf", "$schema"] {
        map.remove(keyword);
    }
    map.insert("type".into(), Value::String("object".into()));
    map.entry("properties")
        .or_insert_with(|| Value::Object(JsonObject::new()));
    map
}
