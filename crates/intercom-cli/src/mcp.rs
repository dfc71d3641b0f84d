//! `intercom mcp`: serve the registry to MCP clients over stdio (default) or Streamable HTTP.

use std::net::SocketAddr;

use anyhow::Context as _;
use clap::Args;
use intercom_client::{Client, Config, Region};
use intercom_mcp::{Connector, HttpOptions, HttpState, IntercomServer, McpError, Selection};
use intercom_sandbox::DEFAULT_TOKEN;
use intercom_tools::Registry;

use crate::exit::UsageError;
use crate::{Connection, Global};

pub const AFTER_HELP: &str = "\
Toolsets: the API areas (run `intercom tools` to see each tool's). Without --toolsets or
--tools, a curated default of 20 tools is served (the inbox, customers, tickets,
teammates, tags, counts); `--toolsets default,tags` adds to it.

Examples:
  intercom mcp --sandbox                         # stdio, demo workspace, no token needed
  intercom mcp --toolsets all --read-only        # stdio, every read tool
  intercom mcp --discover                        # three meta-tools reach every tool
  intercom mcp --http 127.0.0.1:8787             # Streamable HTTP on http://127.0.0.1:8787/mcp
  intercom mcp --http 0.0.0.0:8787 --bearer-token \"$MCP_TOKEN\" --allowed-hosts mcp.example.com";

#[derive(Debug, Args)]
pub struct McpArgs {
    /// Toolsets to serve, comma-separated, or `default` or `all`.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    toolsets: Vec<String>,
    /// Exact tools to serve (names or aliases), comma-separated; added to --toolsets.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    tools: Vec<String>,
    /// List only read-only tools, and refuse any other call even by name.
    #[arg(long)]
    read_only: bool,
    /// List three meta-tools (search, describe, call) that reach every served tool.
    #[arg(long)]
    discover: bool,
    /// Tools per tools/list page (default: all on one page).
    #[arg(long, value_name = "N")]
    page_size: Option<usize>,
    /// Serve Streamable HTTP on this address (endpoint /mcp) instead of stdio.
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = "127.0.0.1:8787")]
    http: Option<SocketAddr>,
    /// Token MCP clients must send as `Authorization: Bearer` (required off loopback).
    #[arg(
        long,
        env = "INTERCOM_MCP_BEARER_TOKEN",
        hide_env_values = true,
        requires = "http"
    )]
    bearer_token: Option<String>,
    /// Host header values to accept, comma-separated (behind a reverse proxy: its public name).
    #[arg(long, value_delimiter = ',', value_name = "LIST", requires = "http")]
    allowed_hosts: Vec<String>,
    /// Browser origins to accept, comma-separated, e.g. `https://app.example.com:443`.
    #[arg(long, value_delimiter = ',', value_name = "LIST", requires = "http")]
    allowed_origins: Vec<String>,
    /// Refuse X-Intercom-Token: every request uses the server's own Intercom token.
    #[arg(long, requires = "http")]
    no_token_header: bool,
}

pub async fn run(global: &Global, args: McpArgs) -> anyhow::Result<()> {
    let registry = Registry::builtin();
    let catalog = Selection::new()
        .toolsets(args.toolsets.clone())
        .tools(args.tools.clone())
        .read_only(args.read_only)
        .discover(args.discover)
        .page_size(args.page_size)
        .resolve(&registry)
        .map_err(usage)?;
    let per_request = args.http.is_some() && !args.no_token_header;
    let has_token = global.sandbox || token(global).is_some() || global.base_url.is_some();

    let (connector, connection) = if has_token {
        let connection = crate::connect(global).await?;
        let connector = if per_request {
            Connector::per_request(
                Some(connection.client.clone()),
                template(global, &connection)?,
            )
        } else {
            Connector::fixed(connection.client.clone())
        };
        (connector, Some(connection))
    } else if per_request {
        eprintln!(
            "intercom mcp: no INTERCOM_TOKEN: every request must send its own token in X-Intercom-Token"
        );
        (
            Connector::per_request(None, base_config(global, None)?),
            None,
        )
    } else {
        return Err(UsageError(
            "no access token: set INTERCOM_TOKEN (or pass --token), add --sandbox to try the demo workspace, or serve --http where each request sends X-Intercom-Token"
                .to_owned(),
        )
        .into());
    };
    let server = IntercomServer::new(catalog, connector);
    let served = server.listed().len();

    let result = match args.http {
        None => {
            tracing::info!(tools = served, "serving MCP on stdio");
            intercom_mcp::serve_stdio(server)
                .await
                .map_err(anyhow::Error::new)
        }
        Some(addr) => {
            let options = HttpOptions::new()
                .bearer_token(args.bearer_token.clone())
                .allowed_hosts(args.allowed_hosts.clone())
                .allowed_origins(args.allowed_origins.clone())
                .refuse_token_header(args.no_token_header);
            let running = intercom_mcp::http::serve(addr, HttpState::new(server, options))
                .await
                .map_err(usage)?;
            eprintln!(
                "intercom mcp: serving {served} tool definition(s) on {}",
                running.url()
            );
            tokio::signal::ctrl_c()
                .await
                .context("cannot wait for Ctrl-C")?;
            running.shutdown().await.map_err(anyhow::Error::new)
        }
    };
    if let Some(connection) = connection {
        connection.close().await;
    }
    result
}

/// Configuration mistakes are usage errors (exit 2); socket failures are not.
fn usage(err: McpError) -> anyhow::Error {
    match err {
        McpError::Bind { .. } | McpError::Transport(_) | McpError::Session(_) => {
            anyhow::Error::new(err)
        }
        other => UsageError(other.to_string()).into(),
    }
}

fn token(global: &Global) -> Option<String> {
    global.token.clone().filter(|t| !t.is_empty()).or_else(|| {
        std::env::var("INTERCOM_ACCESS_TOKEN")
            .ok()
            .filter(|t| !t.is_empty())
    })
}

/// The configuration per-request clients copy (their token replaces this one's).
fn template(global: &Global, connection: &Connection) -> anyhow::Result<Config> {
    let sandbox_url = connection.sandbox.as_ref().map(|s| s.base_url());
    base_config(global, sandbox_url.as_deref())
}

fn base_config(global: &Global, sandbox_url: Option<&str>) -> anyhow::Result<Config> {
    let mut config = Config::new(DEFAULT_TOKEN);
    if let Some(region) = &global.region {
        config = config.region(region.parse::<Region>()?);
    }
    if let Some(url) = sandbox_url.or(global.base_url.as_deref()) {
        config = config.base_url(url)?;
    }
    if sandbox_url.is_none() {
        config = config.rate_limit_dir(crate::rate_limit_dir());
    }
    if let Some(version) = &global.intercom_version {
        config = config.version(version.clone());
    }
    if let Some(deadline) = &global.deadline {
        config = config.deadline(intercom_client::parse_deadline(deadline)?);
    }
    // Fail now, not on the first request, if the configuration cannot make a client.
    Client::new(config.clone())?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_help_counts_the_default_tools_right() {
        let count = intercom_mcp::DEFAULT_TOOLS.len();
        assert!(
            super::AFTER_HELP.contains(&format!("a curated default of {count} tools")),
            "update the count in intercom-cli's mcp::AFTER_HELP to {count}"
        );
    }
}
