//! Integration tests of the MCP server, in one binary.

mod asks;
mod calls;
mod cancel;
mod capabilities;
mod definitions;
mod discovery;
mod http;
mod progress;
mod protocol;
mod selection;

use intercom_client::{Client, Config};
use intercom_mcp::{Connector, IntercomServer, Selection};
use intercom_sandbox::{DEFAULT_TOKEN, RunningSandbox, Sandbox, SandboxConfig};
use intercom_tools::Registry;

/// A sandbox on 127.0.0.1 with a small demo workspace, accepting `token`.
pub async fn sandbox(token: &str) -> RunningSandbox {
    Sandbox::open(
        SandboxConfig::default()
            .token(token)
            .contacts(12)
            .conversations(10),
    )
    .unwrap()
    .bind("127.0.0.1:0".parse().unwrap())
    .await
    .unwrap()
}

pub fn client(sandbox: &RunningSandbox, token: &str) -> Client {
    Client::new(Config::new(token).base_url(&sandbox.base_url()).unwrap()).unwrap()
}

/// A server for `selection` whose calls go to `sandbox` with the default token.
pub fn server(sandbox: &RunningSandbox, selection: Selection) -> IntercomServer {
    let catalog = selection.resolve(&Registry::builtin()).unwrap();
    IntercomServer::new(catalog, Connector::fixed(client(sandbox, DEFAULT_TOKEN)))
}
