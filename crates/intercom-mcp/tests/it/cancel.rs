//! `notifications/cancelled` and a departed HTTP client stop a call: no further request.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use intercom_client::{Client, Clock, Config, Sleep};
use intercom_mcp::{Connector, IntercomServer, Selection};
use intercom_sandbox::DEFAULT_TOKEN;
use intercom_tools::Registry;
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::protocol::Peer;
use crate::sandbox;

/// A clock whose waits never end by themselves: it says when one starts and when one is
/// dropped (its call was abandoned), so a test can act while a call waits to retry.
#[derive(Debug, Default)]
pub(crate) struct GateClock {
    pub(crate) started: Arc<Notify>,
    pub(crate) dropped: Arc<Notify>,
}

struct OnDrop(Arc<Notify>);

impl Drop for OnDrop {
    fn drop(&mut self) {
        self.0.notify_one();
    }
}

impl Clock for GateClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
    fn sleep(&self, duration: Duration) -> Sleep {
        let started = Arc::clone(&self.started);
        let dropped = Arc::clone(&self.dropped);
        Box::pin(async move {
            if duration.is_zero() {
                return;
            }
            let _dropped = OnDrop(dropped);
            started.notify_one();
            std::future::pending::<()>().await;
        })
    }
    /// Attempt timeouts never fire (the sandbox answers at once).
    fn timeout(&self, _duration: Duration) -> Sleep {
        Box::pin(std::future::pending())
    }
    fn jitter(&self) -> f64 {
        1.0
    }
}

/// The requests the sandbox has seen for `path` (its request log).
pub(crate) async fn requests_to(client: &Client, path: &str) -> usize {
    let log = client
        .json(&intercom_client::Request::get("/_sandbox/requests"))
        .await
        .unwrap();
    log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == path)
        .count()
}

pub(crate) async fn fault(client: &Client, fault: Value) {
    client
        .json(&intercom_client::Request::post("/_sandbox/faults", fault))
        .await
        .unwrap();
}

/// A bounded wait for a signal that must come; a hang here is the failure it guards against.
pub(crate) async fn must(notify: &Notify, what: &str) {
    tokio::time::timeout(Duration::from_secs(20), notify.notified())
        .await
        .unwrap_or_else(|_| panic!("{what} did not happen"));
}

#[tokio::test]
async fn a_cancelled_stdio_call_makes_no_further_request() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let control = crate::client(&sb, DEFAULT_TOKEN);
    let clock = Arc::new(GateClock::default());
    let client = Client::with_clock(
        Config::new(DEFAULT_TOKEN).base_url(&sb.base_url()).unwrap(),
        Arc::clone(&clock) as Arc<dyn Clock>,
    )
    .unwrap();
    let catalog = Selection::new().resolve(&Registry::builtin()).unwrap();
    let mut peer = Peer::start(IntercomServer::new(catalog, Connector::fixed(client)));
    peer.initialize("2025-11-25").await;
    // Rate limited: every answer is a 429 asking to come back in 5 s.
    fault(
        &control,
        json!({"path_prefix": "/admins", "method": "GET", "status": 429, "times": 5, "retry_after": 5}),
    )
    .await;
    peer.send(json!({"jsonrpc": "2.0", "id": 41, "method": "tools/call", "params": {"name": "intercom_list_admins", "arguments": {}}}))
        .await;
    must(&clock.started, "the wait before the retry").await;
    assert_eq!(requests_to(&control, "/admins").await, 1);
    peer.send(json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 41, "reason": "the user gave up"}}))
        .await;
    must(&clock.dropped, "dropping the cancelled call").await;
    // The server goes on serving; the cancelled call is not answered and made no retry.
    let ping = peer.request("ping", json!({})).await;
    assert_eq!(ping["result"], json!({}), "{ping}");
    assert_eq!(requests_to(&control, "/admins").await, 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn an_http_client_that_goes_away_cancels_its_call() {
    use tokio::io::AsyncWriteExt as _;
    let sb = sandbox(DEFAULT_TOKEN).await;
    let control = crate::client(&sb, DEFAULT_TOKEN);
    let clock = Arc::new(GateClock::default());
    let client = Client::with_clock(
        Config::new(DEFAULT_TOKEN).base_url(&sb.base_url()).unwrap(),
        Arc::clone(&clock) as Arc<dyn Clock>,
    )
    .unwrap();
    let catalog = Selection::new().resolve(&Registry::builtin()).unwrap();
    let server = IntercomServer::new(catalog, Connector::fixed(client));
    let http = intercom_mcp::http::serve(
        "127.0.0.1:0".parse().unwrap(),
        intercom_mcp::HttpState::new(server, intercom_mcp::HttpOptions::new()),
    )
    .await
    .unwrap();
    fault(
        &control,
        json!({"path_prefix": "/admins", "method": "GET", "status": 503, "times": 5, "retry_after": 5}),
    )
    .await;
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "intercom_list_admins", "arguments": {}}}).to_string();
    let mut tcp = tokio::net::TcpStream::connect(http.local_addr())
        .await
        .unwrap();
    let request = format!(
        "POST /mcp HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\naccept: application/json, text/event-stream\r\nmcp-protocol-version: 2025-06-18\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    must(&clock.started, "the wait before the retry").await;
    assert_eq!(requests_to(&control, "/admins").await, 1);
    drop(tcp);
    must(&clock.dropped, "dropping the call of the departed client").await;
    assert_eq!(requests_to(&control, "/admins").await, 1);
    http.shutdown().await.unwrap();
    sb.shutdown().await;
}

#[tokio::test]
async fn a_write_cancelled_in_flight_is_settled_reported_and_not_sent_twice() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let control = crate::client(&sb, DEFAULT_TOKEN);
    let client = crate::client(&sb, DEFAULT_TOKEN);
    let admins = control
        .json(&intercom_client::Request::get("/admins"))
        .await
        .unwrap();
    let admin = admins["admins"][0]["id"].as_str().unwrap().to_owned();
    let contacts = control
        .json(&intercom_client::Request::get("/contacts"))
        .await
        .unwrap();
    let contact = contacts["data"][0]["id"].as_str().unwrap().to_owned();
    let notes_path = format!("/contacts/{contact}/notes");
    let catalog = Selection::new()
        .tools(["intercom_create_contact_note"])
        .resolve(&Registry::builtin())
        .unwrap();
    let mut peer = Peer::start(IntercomServer::new(
        catalog,
        Connector::fixed(client.clone()),
    ));
    peer.initialize("2025-11-25").await;
    // The sandbox applies the note, then holds its answer (until the client goes away).
    fault(
        &control,
        json!({"path_prefix": notes_path, "method": "POST", "when": "after", "action": "hang", "hang_seconds": 300}),
    )
    .await;
    let args = json!({"contact_id": contact, "body": "Cancelled but kept", "admin_id": admin});
    peer.send(json!({"jsonrpc": "2.0", "id": 51, "method": "tools/call", "params": {"name": "intercom_create_contact_note", "arguments": args}}))
        .await;
    let notes = || async {
        control
            .json(&intercom_client::Request::get(notes_path.clone()))
            .await
            .unwrap()["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| {
                n["body"]
                    .as_str()
                    .is_some_and(|b| b.contains("Cancelled but kept"))
            })
            .count()
    };
    // Bounded wait until the write has landed (its answer is held).
    let mut landed = false;
    for _ in 0..2_000 {
        if notes().await == 1 {
            landed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    if !landed {
        let answer = tokio::time::timeout(Duration::from_secs(1), peer.next_message()).await;
        panic!("the note never landed; the server said {answer:?}");
    }
    peer.send(json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 51, "reason": "the user gave up"}}))
        .await;
    // No answer to request 51; a warning saying what became of the write.
    let log = tokio::time::timeout(Duration::from_secs(20), peer.next_message())
        .await
        .expect("a log notification after the cancel");
    assert_eq!(log["method"], "notifications/message", "{log}");
    assert_eq!(log["params"]["level"], "warning", "{log}");
    let data = &log["params"]["data"];
    assert_eq!(data["applied"], "yes", "{log}");
    assert_eq!(data["tool"], "intercom_create_contact_note", "{log}");
    let message = data["message"].as_str().unwrap();
    assert!(
        message.contains("cancelled") && message.contains("applied: yes"),
        "{message}"
    );
    // The ledger knows: the write landed and its caller was never told.
    let registry = Registry::builtin();
    let call = registry
        .prepare("intercom_create_contact_note", args.clone())
        .unwrap();
    let request = call.requests().unwrap().remove(0);
    let fingerprint = intercom_client::write_fingerprint("intercom_create_contact_note", &request);
    assert!(
        client.ledger().unsettled(&fingerprint).is_some(),
        "the ledger keeps the cancelled write open for the next identical call"
    );
    // The same call again is answered from what landed, not sent a second time. (The held
    // POST is not in the request log: its answer was never sent.)
    let posts = || async {
        let log = control
            .json(&intercom_client::Request::get("/_sandbox/requests"))
            .await
            .unwrap();
        log["requests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["path"] == notes_path.as_str())
            .map(|r| r["method"].as_str().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
    };
    let before = posts().await;
    let again = peer
        .request(
            "tools/call",
            json!({"name": "intercom_create_contact_note", "arguments": args}),
        )
        .await;
    assert_eq!(again["result"]["isError"], json!(false), "{again}");
    assert!(
        again["result"]["structuredContent"]["_recovered"]
            .as_str()
            .is_some_and(|n| n.contains("not sent again")),
        "{again}"
    );
    assert_eq!(notes().await, 1, "the note exists once");
    let after = posts().await;
    assert!(
        after[before.len()..].iter().all(|m| m == "GET"),
        "the second call only looked: {after:?}"
    );
    sb.shutdown().await;
}
