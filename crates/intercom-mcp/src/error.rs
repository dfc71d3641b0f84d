//! The one error enum of the MCP server: problems found while configuring or starting it.
//!
//! Failures of a tool call never show up here: they go back to the MCP client as tool results
//! with `isError` (see `reply.rs`).

use std::net::SocketAddr;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum McpError {
    /// `--toolsets` named a toolset that does not exist.
    #[error("unknown toolset `{name}`: expected one of {known}, `default` or `all`")]
    UnknownToolset { name: String, known: String },

    /// `--tools` named a tool (or alias) that does not exist.
    #[error("unknown tool `{name}` in --tools{}", suggestion_text(.suggestions))]
    UnknownTool {
        name: String,
        suggestions: Vec<String>,
    },

    /// `--tools` named a write tool together with `--read-only`.
    #[error(
        "`{name}` in --tools writes to Intercom, and --read-only allows only read tools: drop one of them"
    )]
    WriteToolInReadOnly { name: String },

    /// The selection left no tool to serve.
    #[error("the selection serves no tool: {reason}")]
    EmptySelection { reason: String },

    /// `--page-size` of zero.
    #[error("--page-size must be at least 1")]
    PageSize,

    /// A non-loopback address without a bearer token for the MCP endpoint.
    #[error(
        "refusing to listen on {addr} without a bearer token: anyone who can reach it could use the Intercom token; set --bearer-token (or INTERCOM_MCP_BEARER_TOKEN), or listen on 127.0.0.1"
    )]
    InsecureBind { addr: SocketAddr },

    /// The bearer token cannot be sent in an HTTP header, or is empty.
    #[error("invalid bearer token: {0}")]
    BearerToken(&'static str),

    /// The HTTP listener could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },

    /// The MCP session over stdio or HTTP ended with an I/O error.
    #[error("the MCP transport failed")]
    Transport(#[source] std::io::Error),

    /// The stdio session could not be started (the client never initialized).
    #[error("the MCP session could not start: {0}")]
    Session(String),
}

fn suggestion_text(suggestions: &[String]) -> String {
    match suggestions {
        [] => ": run `intercom tools` to see every name".to_owned(),
        [one] => format!(": did you mean `{one}`?"),
        many => format!(
            ": did you mean one of {}?",
            many.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
