//! `notifications/progress` for a request that carries `_meta.progressToken`: each page of a
//! paging call, and each wait for the rate limit before it starts.

use std::sync::Arc;

use intercom_client::{Client, Config, TestClock};
use intercom_mcp::{Connector, IntercomServer, Selection};
use intercom_sandbox::{DEFAULT_TOKEN, Sandbox, SandboxConfig};
use intercom_tools::Registry;
use serde_json::{Value, json};

use crate::protocol::Peer;
use crate::sandbox;

async fn peer_for(sb: &intercom_sandbox::RunningSandbox) -> Peer {
    peer_with(sb, TestClock::at_unix(1_750_000_000)).await
}

/// The sandbox reads the client's virtual time, so a rate-limit window ends when the client
/// has waited for it.
#[derive(Debug)]
struct SharedTime(TestClock);

impl intercom_sandbox::Clock for SharedTime {
    fn now(&self) -> i64 {
        use intercom_client::Clock as _;
        i64::try_from(self.0.unix().as_secs()).unwrap_or(i64::MAX)
    }
}

async fn peer_with(sb: &intercom_sandbox::RunningSandbox, clock: TestClock) -> Peer {
    // A virtual clock: waits take no real time.
    let client = Client::with_clock(
        Config::new(DEFAULT_TOKEN).base_url(&sb.base_url()).unwrap(),
        Arc::new(clock),
    )
    .unwrap();
    let catalog = Selection::new()
        .toolsets(["all"])
        .resolve(&Registry::builtin())
        .unwrap();
    let mut peer = Peer::start(IntercomServer::new(catalog, Connector::fixed(client)));
    peer.initialize("2025-11-25").await;
    peer
}

fn progress(notes: &[Value]) -> Vec<&Value> {
    notes
        .iter()
        .filter(|n| n["method"] == "notifications/progress")
        .map(|n| &n["params"])
        .collect()
}

#[tokio::test]
async fn each_page_is_reported() {
    let sb = Sandbox::open(
        SandboxConfig::default()
            .token(DEFAULT_TOKEN)
            .contacts(5)
            .conversations(160),
    )
    .unwrap()
    .bind("127.0.0.1:0".parse().unwrap())
    .await
    .unwrap();
    let mut peer = peer_for(&sb).await;
    let (response, notes) = peer
        .request_with_notifications(
            "tools/call",
            json!({"name": "intercom_list_conversations_by_date", "arguments": {"max_results": 160}, "_meta": {"progressToken": "pages"}}),
        )
        .await;
    assert_eq!(response["result"]["isError"], false, "{response}");
    let steps = progress(&notes);
    assert_eq!(
        steps,
        [
            &json!({"progressToken": "pages", "progress": 1.0, "message": "page 1 fetched (150 items)"}),
            &json!({"progressToken": "pages", "progress": 2.0, "message": "page 2 fetched (10 items)"}),
        ],
        "{notes:?}"
    );
    // Without a progress token, nothing is sent.
    let (_, notes) = peer
        .request_with_notifications(
            "tools/call",
            json!({"name": "intercom_list_conversations_by_date", "arguments": {"max_results": 160}}),
        )
        .await;
    assert!(progress(&notes).is_empty(), "{notes:?}");
    sb.shutdown().await;
}

#[tokio::test]
async fn a_wait_for_the_rate_limit_is_reported_before_it_starts() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let control = crate::client(&sb, DEFAULT_TOKEN);
    let mut peer = peer_for(&sb).await;
    crate::cancel::fault(
        &control,
        json!({"path_prefix": "/admins", "method": "GET", "status": 429, "times": 1, "retry_after": 2}),
    )
    .await;
    let (response, notes) = peer
        .request_with_notifications(
            "tools/call",
            json!({"name": "intercom_list_admins", "arguments": {}, "_meta": {"progressToken": 7}}),
        )
        .await;
    assert_eq!(response["result"]["isError"], false, "{response}");
    let steps = progress(&notes);
    assert_eq!(steps.len(), 1, "{notes:?}");
    assert_eq!(steps[0]["progressToken"], 7);
    assert_eq!(steps[0]["progress"], 1.0);
    assert_eq!(
        steps[0]["message"],
        "GET /admins failed (429); waiting 2000 ms before attempt 2"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn a_wait_for_pacing_budget_is_reported() {
    let clock = TestClock::at_unix(1_750_000_000);
    let sb = Sandbox::open(
        SandboxConfig::default()
            .token(DEFAULT_TOKEN)
            .contacts(2)
            .conversations(2)
            .rate_limit_per_window(1)
            .clock(Arc::new(SharedTime(clock.clone()))),
    )
    .unwrap()
    .bind("127.0.0.1:0".parse().unwrap())
    .await
    .unwrap();
    let mut peer = peer_with(&sb, clock).await;
    let call = json!({"name": "intercom_list_admins", "arguments": {}, "_meta": {"progressToken": "paced"}});
    let (first, _) = peer
        .request_with_notifications("tools/call", call.clone())
        .await;
    assert_eq!(first["result"]["isError"], false, "{first}");
    // The budget of the window is spent: the next call waits for it, and says so first.
    let (second, notes) = peer.request_with_notifications("tools/call", call).await;
    assert_eq!(second["result"]["isError"], false, "{second}");
    let steps = progress(&notes);
    assert!(!steps.is_empty(), "{notes:?}");
    let message = steps[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("waiting ")
            && message.ends_with(" ms for rate-limit budget before the next request"),
        "{message}"
    );
    sb.shutdown().await;
}
