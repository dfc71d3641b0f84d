//! The harness of the end-to-end tests: a sandbox on a real socket (127.0.0.1:0), a client for
//! it, a registry, and the sandbox's request log.

use futures::TryStreamExt as _;
use intercom_client::{Client, Config, PageStyle, Request};
use intercom_sandbox::{DEFAULT_TOKEN, RunningSandbox, Sandbox, SandboxConfig};
use intercom_tools::{Registry, ShapeDefaults, ToolError};
use jiff::Timestamp;
use serde_json::{Value, json};

pub(crate) struct Env {
    pub registry: Registry,
    pub client: Client,
    running: Option<RunningSandbox>,
}

impl Env {
    /// A small sandbox (20 contacts, 30 conversations) and a registry that returns the API's
    /// JSON uncut.
    pub async fn start() -> Env {
        Env::start_with(
            SandboxConfig::default().contacts(20).conversations(30),
            Registry::builtin().with_shaping(ShapeDefaults::RAW),
        )
        .await
    }

    pub async fn start_with(config: SandboxConfig, registry: Registry) -> Env {
        let running = Sandbox::open(config)
            .unwrap()
            .bind("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let client = Client::new(
            Config::new(DEFAULT_TOKEN)
                .base_url(&running.base_url())
                .unwrap(),
        )
        .unwrap();
        Env {
            registry,
            client,
            running: Some(running),
        }
    }

    /// The sandbox's base URL.
    pub fn base_url(&self) -> String {
        self.running.as_ref().unwrap().base_url()
    }

    pub async fn call(&self, name: &str, args: Value) -> Value {
        match self.registry.call(&self.client, name, args.clone()).await {
            Ok(v) => v,
            Err(e) => panic!("{name} {args}: {e} ({:?})", e.client_error()),
        }
    }

    pub async fn call_err(&self, name: &str, args: Value) -> ToolError {
        self.registry
            .call(&self.client, name, args)
            .await
            .expect_err("expected an error")
    }

    /// Sends a request directly (test setup), bypassing the tools.
    pub async fn api(&self, request: Request) -> Value {
        self.client.json(&request).await.unwrap()
    }

    /// The sandbox's request log, as `METHOD /path`.
    pub async fn log(&self) -> Vec<String> {
        let log = self.api(Request::get("/_sandbox/requests")).await;
        log["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r["method"].as_str().unwrap(),
                    r["path"].as_str().unwrap()
                )
            })
            .collect()
    }

    pub async fn clear_log(&self) {
        self.client
            .send(&Request::delete("/_sandbox/requests"))
            .await
            .unwrap();
    }

    /// The request log, then cleared.
    pub async fn take_log(&self) -> Vec<String> {
        let log = self.log().await;
        self.clear_log().await;
        log
    }

    /// Every item of a list, walked independently of the tools.
    pub async fn all(&self, request: Request, style: PageStyle) -> Vec<Value> {
        self.client
            .paginate(request, style)
            .try_collect()
            .await
            .unwrap()
    }

    pub async fn contact(&self, email: &str, name: &str) -> String {
        let c = self
            .api(Request::post(
                "/contacts",
                json!({"role": "user", "email": email, "name": name}),
            ))
            .await;
        c["id"].as_str().unwrap().to_owned()
    }

    pub async fn conversation(&self, contact: &str, body: &str, at: Timestamp) -> String {
        let m = self
            .api(Request::post(
                "/conversations",
                json!({"from": {"type": "user", "id": contact}, "body": body, "created_at": at.as_second()}),
            ))
            .await;
        m["conversation_id"].as_str().unwrap().to_owned()
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
    }
}
