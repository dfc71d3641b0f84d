//! Lists every contact and searches conversations, page after page, against an in-process
//! sandbox (no account, no network beyond 127.0.0.1).
//!
//! `cargo run -p intercom-client --example list_and_search`
//!
//! Against a real workspace, replace the sandbox with `Config::from_env()?` (INTERCOM_TOKEN).

use std::net::SocketAddr;

use futures::TryStreamExt as _;
use intercom_client::{Client, Config, PageStyle, Request};
use intercom_sandbox::{DEFAULT_TOKEN, Sandbox, SandboxConfig};
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::open(SandboxConfig::default().contacts(120))?
        .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await?;
    let client = Client::new(Config::new(DEFAULT_TOKEN).base_url(&sandbox.base_url())?)?;

    // GET /contacts, 50 a page: the stream follows `pages.next.starting_after` to the end.
    let contacts: Vec<_> = client
        .paginate(
            Request::get("/contacts").query("per_page", "50"),
            PageStyle::cursor_query("data"),
        )
        .try_collect()
        .await?;
    println!("{} contacts", contacts.len());

    // POST /conversations/search: the cursor goes in the body's `pagination`.
    let search = Request::post(
        "/conversations/search",
        json!({
            "query": {"field": "state", "operator": "=", "value": "open"},
            "pagination": {"per_page": 20}
        }),
    );
    let mut open = client.paginate(search, PageStyle::cursor_body("conversations"));
    let mut count = 0;
    while let Some(conversation) = open.try_next().await? {
        if count < 3 {
            println!("open conversation {}", conversation["id"]);
        }
        count += 1;
    }
    println!("{count} open conversations");

    sandbox.shutdown().await;
    Ok(())
}
