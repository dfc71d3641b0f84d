//! Calls tools by name, as an agent would, against an in-process sandbox.
//!
//! `cargo run -p intercom-tools --example call_tool`

use std::net::SocketAddr;

use intercom_client::{Client, Config};
use intercom_sandbox::{DEFAULT_TOKEN, Sandbox, SandboxConfig};
use intercom_tools::Registry;
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::open(SandboxConfig::default())?
        .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await?;
    let client = Client::new(Config::new(DEFAULT_TOKEN).base_url(&sandbox.base_url())?)?;
    let registry = Registry::builtin();

    // A tool by its name; arguments are checked against its input schema before anything is sent.
    let admins = registry
        .prepare("intercom_list_admins", json!({}))?
        .run(&client)
        .await?;
    println!("{}", serde_json::to_string_pretty(&admins)?);

    // An alias resolves to its tool; a bad argument is refused with the field named.
    match registry.prepare("INTERCOM_GET_A_CONTACT", json!({"contact_id": 42})) {
        Ok(_) => println!("accepted"),
        Err(err) => println!("refused before sending: {err}"),
    }

    // What a call would send, without sending it (what `intercom call --dry-run` prints).
    let requests = registry
        .prepare(
            "intercom_search_contacts",
            json!({"query": {"field": "email", "operator": "~", "value": "example"}}),
        )?
        .requests()?;
    println!("{}", serde_json::to_string(&requests)?);

    sandbox.shutdown().await;
    Ok(())
}
