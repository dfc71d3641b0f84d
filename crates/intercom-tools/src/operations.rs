//! The structural facts of every operation of Intercom's API, generated from the OpenAPI
//! descriptions by `cargo run -p xtask -- generate` (see `crates/xtask/src/catalog.rs`), and
//! checked in: the product never reads the descriptions at run time.

use intercom_client::Method;

use crate::spec::Param;

#[rustfmt::skip]
#[path = "generated/operations.rs"]
mod data;

/// One operation: where it lives, which versions have it, and its parameters in the shape of the
/// oldest version that has it (the version a tool sends).
#[derive(Debug, Clone, Copy)]
pub struct ApiOperation {
    /// The spec's operationId (four operations without one get a name of ours).
    pub operation_id: &'static str,
    pub method: Method,
    /// Path template, e.g. `/articles/{article_id}`.
    pub path: &'static str,
    /// The spec's tags, the first being the operation's home.
    pub tags: &'static [&'static str],
    /// The versions whose description has the operation, oldest first.
    pub versions: &'static [&'static str],
    /// Path and query parameters (descriptions empty).
    pub params: &'static [Param],
    /// The JSON body's top-level properties, when the operation takes a body.
    pub body: Option<&'static [Param]>,
    pub body_required: bool,
}

impl ApiOperation {
    /// The version a tool calling this operation sends: the oldest that has it.
    pub fn version(&self) -> &'static str {
        self.versions.first().copied().unwrap_or("2.16")
    }
}

/// Every operation of the newest description, in path order.
pub fn all() -> &'static [ApiOperation] {
    data::OPERATIONS
}

/// The operation with this operationId.
pub fn find(operation_id: &str) -> Option<&'static ApiOperation> {
    data::OPERATIONS
        .iter()
        .find(|o| o.operation_id == operation_id)
}
