//! Serves a sandbox on a loopback port until interrupted:
//! `cargo run -p intercom-sandbox --example serve -- 127.0.0.1:8765`.

use intercom_sandbox::{DEFAULT_TOKEN, Sandbox, SandboxConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8765".to_owned())
        .parse()?;
    let running = Sandbox::open(SandboxConfig::default())?.bind(addr).await?;
    println!("sandbox on {} (token {DEFAULT_TOKEN})", running.base_url());
    tokio::signal::ctrl_c().await?;
    running.shutdown().await;
    Ok(())
}
