//! Retries end to end: scripted statuses from a local server, waits on a test clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use intercom_client::{ConnectionFailure, Error, Request};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::mock::{Mock, Reply, T0, client, client_with, config};

fn ms(list: &[u64]) -> Vec<Duration> {
    list.iter().map(|&n| Duration::from_millis(n)).collect()
}

#[tokio::test]
async fn get_retries_503_then_succeeds_with_backoff() {
    let mock = Mock::scripted(vec![
        Reply::error(503, "service_unavailable", "try later"),
        Reply::text(502, "bad gateway"),
        Reply::ok(json!({"id": "1"})),
    ])
    .await;
    let (client, clock) = client(&mock.base_url);
    let body = client.json(&Request::get("/contacts/1")).await.unwrap();
    assert_eq!(body, json!({"id": "1"}));
    assert_eq!(mock.count(), 3);
    assert_eq!(clock.sleeps(), ms(&[500, 1000]));
}

#[tokio::test]
async fn gives_up_after_max_attempts() {
    let mock = Mock::scripted(vec![Reply::error(504, "timeout", "gateway timeout"); 5]).await;
    let (client, clock) = client(&mock.base_url);
    let err = client.json(&Request::get("/contacts")).await.unwrap_err();
    assert!(matches!(&err, Error::Api(e) if e.status == 504), "{err:?}");
    assert_eq!(mock.count(), 5);
    assert_eq!(clock.sleeps(), ms(&[500, 1000, 2000, 4000]));
}

#[tokio::test]
async fn a_post_is_not_resent_after_a_503() {
    let mock = Mock::scripted(vec![
        Reply::error(503, "service_unavailable", "x"),
        Reply::ok(json!({})),
    ])
    .await;
    let (client, clock) = client(&mock.base_url);
    let err = client
        .json(&Request::post("/conversations", json!({"body": "hi"})))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(mock.count(), 1, "the write may have been processed");
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn a_search_marked_idempotent_is_resent_after_a_503() {
    let mock = Mock::scripted(vec![
        Reply::error(503, "service_unavailable", "x"),
        Reply::ok(json!({"data": []})),
    ])
    .await;
    let (client, clock) = client(&mock.base_url);
    let req = Request::post("/contacts/search", json!({"query": {}})).idempotent();
    client.json(&req).await.unwrap();
    assert_eq!(mock.count(), 2);
    assert_eq!(
        mock.requests()[1].json(),
        json!({"query": {}}),
        "same body again"
    );
    assert_eq!(clock.sleeps(), ms(&[500]));
}

#[tokio::test]
async fn a_post_is_resent_after_a_429_honouring_retry_after() {
    let mock = Mock::scripted(vec![
        Reply::error(429, "rate_limit_exceeded", "Exceeded rate limit").header("retry-after", 3),
        Reply::ok(json!({"id": "c1"})),
    ])
    .await;
    let (client, clock) = client(&mock.base_url);
    let body = client
        .json(&Request::post("/conversations", json!({})))
        .await
        .unwrap();
    assert_eq!(body["id"], "c1");
    assert_eq!(mock.count(), 2);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(3)]);
}

#[tokio::test]
async fn a_429_waits_until_the_rate_limit_reset() {
    let mock = Mock::scripted(vec![
        Reply::error(429, "rate_limit_exceeded", "x")
            .header("x-ratelimit-limit", 10)
            .header("x-ratelimit-remaining", 0)
            .header("x-ratelimit-reset", T0 + 8),
        Reply::ok(json!({})),
    ])
    .await;
    // Pacing off, so the only wait is the retry policy's.
    let (client, clock) = client_with(config(&mock.base_url).pacing(false));
    client.json(&Request::get("/contacts")).await.unwrap();
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(8)]);
}

#[tokio::test]
async fn persistent_429_becomes_rate_limited() {
    let reply = Reply::error(
        429,
        "rate_limit_exceeded",
        "Exceeded rate limit of 167 in 10_seconds",
    )
    .header("retry-after", 2);
    let mock = Mock::scripted(vec![reply; 3]).await;
    let (client, clock) = client_with(config(&mock.base_url).max_attempts(3));
    let err = client.json(&Request::get("/contacts")).await.unwrap_err();
    let Error::RateLimited {
        error,
        attempts,
        retry_after,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (*attempts, *retry_after, error.status),
        (3, Some(Duration::from_secs(2)), 429)
    );
    assert_eq!(error.errors[0].code, "rate_limit_exceeded");
    assert_eq!(
        err.to_string(),
        "rate limited by Intercom after 3 attempt(s): rate_limit_exceeded: Exceeded rate limit of 167 in 10_seconds"
    );
    assert_eq!(mock.count(), 3);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(2); 2]);
}

#[tokio::test]
async fn statuses_that_are_never_retried() {
    for status in [400u16, 401, 403, 404, 409, 422, 500] {
        let mock = Mock::scripted(vec![Reply::error(status, "x", "y"), Reply::ok(json!({}))]).await;
        let (client, clock) = client(&mock.base_url);
        let err = client.json(&Request::get("/x")).await.unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(mock.count(), 1, "status {status}");
        assert!(clock.sleeps().is_empty(), "status {status}");
    }
}

/// A raw TCP server that reads each request and hangs up without answering.
async fn hang_up_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buf = vec![0u8; 65536];
            let _ = socket.read(&mut buf).await;
            let _ = socket.shutdown().await;
        }
    });
    (base, accepted)
}

#[tokio::test]
async fn a_dropped_connection_resends_a_get_but_not_a_post() {
    let (base, accepted) = hang_up_server().await;
    let (client, clock) = client_with(config(&base).max_attempts(3));
    let err = client
        .json(&Request::post("/conversations", json!({"body": "hi"})))
        .await
        .unwrap_err();
    let Error::Transport { source, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        matches!(
            source.downcast_ref::<ConnectionFailure>(),
            Some(ConnectionFailure::MaybeSent(_))
        ),
        "{err:?}"
    );
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "the write is not sent twice"
    );
    assert!(clock.sleeps().is_empty());

    let err = client.json(&Request::get("/contacts")).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1 + 3);
    assert_eq!(clock.sleeps(), ms(&[500, 1000]));
}

#[tokio::test]
async fn a_refused_connection_resends_even_a_post() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let (client, clock) = client(&base);
    let err = client
        .json(&Request::post("/conversations", json!({})))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(clock.sleeps(), ms(&[500, 1000, 2000, 4000]));
}
