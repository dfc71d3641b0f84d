//! The tool registry: every Intercom operation as a named tool with a JSON Schema, annotations
//! and its binding to the API.
//!
//! ```no_run
//! # async fn demo(client: intercom_client::Client) -> Result<(), intercom_tools::ToolError> {
//! use intercom_tools::Registry;
//! let registry = Registry::builtin();
//! // Validation and request building need no socket:
//! let requests = registry.plan("INTERCOM_CLOSE_CONVERSATION", serde_json::json!({"id": "123", "admin_id": "7"}))?;
//! assert_eq!(requests[0].path, "/conversations/123/parts");
//! // Calling sends them:
//! let admins = registry.call(&client, "intercom_list_admins", serde_json::json!({})).await?;
//! # let _ = admins; Ok(()) }
//! ```
//!
//! A tool is a `static` [`Tool`]: a table of [`Param`]s (name, JSON type, location, required,
//! description, allowed values) that generates both its input schema and its request, plus a
//! [`Handler`] hook for tools that choose among operations, reshape the body or make several calls.
//! Input is validated before any request, with an error that names the field and what is allowed.

mod aliases;
pub mod body;
pub mod build;
mod catalog;
pub mod dates;
pub mod docs;
mod error;
pub mod hosted;
pub mod operations;
pub mod reconcile;
mod registry;
pub mod resolve;
pub mod schema;
pub mod shape;
pub mod spec;
pub mod validate;

pub use aliases::Alias;
pub use body::html_body;
pub use build::MAX_ID_CHARS;
pub use catalog::mirror::use_mirror_at;
pub use error::ToolError;
pub use reconcile::{Recovery, Reported};
pub use registry::{Call, IGNORED_PARAMS, Lookup, MAX_TOOL_NAME_CHARS, Registry};
pub use shape::{ResponseFormat, ShapeDefaults, ShapeOptions, Shaped, shape};
pub use spec::{
    Annotations, Args, Handler, JsonType, Location, Operation, Param, Resolve, Rule, Tool, Toolset,
};
