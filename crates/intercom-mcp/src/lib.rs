//! intercom-mcp: the tool registry served to MCP clients, over stdio or Streamable HTTP.
//!
//! ```no_run
//! # async fn demo(client: intercom_client::Client) -> Result<(), intercom_mcp::McpError> {
//! use intercom_mcp::{Connector, IntercomServer, Selection};
//! let registry = intercom_tools::Registry::builtin();
//! let catalog = Selection::new().toolsets(["conversations"]).read_only(true).resolve(&registry)?;
//! let server = IntercomServer::new(catalog, Connector::fixed(client));
//! intercom_mcp::serve_stdio(server).await
//! # }
//! ```
//!
//! - [`Selection`] picks the tools (toolsets, an exact list, read-only, discovery mode) and
//!   resolves into a [`Catalog`].
//! - [`IntercomServer`] answers `tools/list` (the registry's names, descriptions, input schemas
//!   and annotations) and `tools/call` (results as `structuredContent` plus text; every failure
//!   a tool error whose text says what to do next).
//! - [`Connector`] gives each call its Intercom client: the server's, or one per token sent in
//!   `X-Intercom-Token`.
//! - [`http::router`] is the `/mcp` endpoint as an `axum::Router`; [`http::serve`] binds it.

mod connector;
pub mod definition;
pub mod discover;
mod error;
mod framing;
pub mod http;
pub mod prompts;
pub mod reply;
pub mod resources;
mod selection;
mod server;

pub use connector::{Connector, MAX_CACHED_CLIENTS, NoClient, RequestToken};
pub use error::McpError;
pub use http::{HttpOptions, HttpState, RunningHttp, router};
pub use selection::{Catalog, DEFAULT_TOOLS, Refusal, Selection, toolset_names};
pub use server::{IntercomServer, OLDEST_PROTOCOL_VERSION};

use rmcp::ServiceExt as _;

/// Serves `server` on stdin/stdout until the client closes the stream. Nothing else may write
/// to stdout meanwhile; logs go to stderr. Every line is checked by our own framing first, so
/// a malformed one is answered with a JSON-RPC error rather than dropped.
pub async fn serve_stdio(server: IntercomServer) -> Result<(), McpError> {
    let running = server
        .serve({
            let (read, write) = rmcp::transport::stdio_pipes();
            framing::LineTransport::new(read, write)
        })
        .await
        .map_err(|e| McpError::Session(e.to_string()))?;
    running
        .waiting()
        .await
        .map_err(|e| McpError::Transport(std::io::Error::other(e)))?;
    Ok(())
}

/// Serves `server` over any byte stream pair (tests and benchmarks use in-memory pipes).
pub async fn serve_io<R, W>(server: IntercomServer, read: R, write: W) -> Result<(), McpError>
where
    R: tokio::io::AsyncRead + Send + Unpin + 'static,
    W: tokio::io::AsyncWrite + Send + Unpin + 'static,
{
    let running = server
        .serve(framing::LineTransport::new(read, write))
        .await
        .map_err(|e| McpError::Session(e.to_string()))?;
    running
        .waiting()
        .await
        .map_err(|e| McpError::Transport(std::io::Error::other(e)))?;
    Ok(())
}
