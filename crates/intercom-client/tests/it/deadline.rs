//! One overall deadline per call, besides the per-attempt timeout, on the test clock: a server
//! that hangs for 30 s a try is simulated in milliseconds.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use intercom_client::{Client, Clock, Config, Error, Request, TestClock};
use tokio::io::AsyncReadExt as _;

use crate::mock::T0;

/// A server that reads every request and never answers; counts the connections.
async fn hanging_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                while matches!(socket.read(&mut buf).await, Ok(n) if n > 0) {}
            });
        }
    });
    (format!("http://{addr}"), connections)
}

fn hanging_client(config: Config) -> (Client, TestClock) {
    let clock = TestClock::at_unix(T0).with_hang_after(Duration::from_millis(20));
    let client = Client::with_clock(config, Arc::new(clock.clone()) as Arc<dyn Clock>).unwrap();
    (client, clock)
}

fn elapsed(clock: &TestClock) -> Duration {
    clock.unix() - Duration::from_secs(T0)
}

#[tokio::test]
async fn a_read_that_hangs_every_time_fails_at_the_deadline() {
    let (base, connections) = hanging_server().await;
    // Defaults: 30 s a try, 5 attempts, 60 s for the whole call.
    let config = Config::new("t").base_url(&base).unwrap();
    assert_eq!(config.deadline, Duration::from_secs(60));
    let (client, clock) = hanging_client(config);
    let err = client.send(&Request::get("/contacts")).await.unwrap_err();
    let Error::DeadlineExceeded {
        deadline,
        attempts,
        last,
        ..
    } = &err
    else {
        panic!("expected DeadlineExceeded, got {err:?}")
    };
    assert_eq!(*deadline, Duration::from_secs(60));
    // 30 s, a 0.5 s wait, then the second try gets the 29.5 s left.
    assert_eq!(*attempts, 2);
    assert_eq!(connections.load(Ordering::SeqCst), 2);
    assert_eq!(elapsed(&clock), Duration::from_secs(60));
    let Some(last) = last.as_deref() else {
        panic!("the last attempt's error is kept")
    };
    assert!(
        matches!(last, Error::Timeout { timeout, .. } if *timeout == Duration::from_millis(29_500)),
        "{last:?}"
    );
    assert_eq!(
        err.to_string(),
        format!("no answer from {base}/contacts within the call's deadline of 60s (2 attempt(s))")
    );
}

#[tokio::test]
async fn without_a_tight_deadline_the_same_hang_takes_every_attempt() {
    // What the deadline replaces: five 30 s tries and 7.5 s of waits.
    let (base, connections) = hanging_server().await;
    let config = Config::new("t")
        .base_url(&base)
        .unwrap()
        .deadline(Duration::from_secs(3600));
    let (client, clock) = hanging_client(config);
    let err = client.send(&Request::get("/contacts")).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 5);
    assert_eq!(elapsed(&clock), Duration::from_millis(157_500));
}

#[tokio::test]
async fn no_retry_wait_is_begun_that_would_end_past_the_deadline() {
    let mock = crate::mock::Mock::scripted(vec![
        crate::mock::Reply::error(
            503,
            "service_unavailable",
            "down"
        );
        5
    ])
    .await;
    let config = crate::mock::config(&mock.base_url).deadline(Duration::from_secs(2));
    let (client, clock) = crate::mock::client_with(config);
    let err = client.send(&Request::get("/contacts")).await.unwrap_err();
    // Waits of 0.5 s and 1 s fit; the next (2 s) would end past 2 s, so the call stops.
    assert_eq!(
        clock.sleeps(),
        vec![Duration::from_millis(500), Duration::from_secs(1)]
    );
    assert_eq!(mock.count(), 3);
    let Error::DeadlineExceeded {
        attempts: 3,
        last: Some(last),
        ..
    } = &err
    else {
        panic!("expected DeadlineExceeded after 3 attempts, got {err:?}")
    };
    assert_eq!(last.status(), Some(503));
}

#[test]
fn the_deadline_comes_from_the_environment() {
    let lookup = |value: &'static str| {
        move |key: &str| match key {
            "INTERCOM_TOKEN" => Some("t".to_owned()),
            "INTERCOM_DEADLINE" => Some(value.to_owned()),
            _ => None,
        }
    };
    let config = Config::from_lookup(lookup("2.5")).unwrap();
    assert_eq!(config.deadline, Duration::from_millis(2500));
    for bad in ["0", "-1", "soon", "100000"] {
        let err = Config::from_lookup(lookup(bad)).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "invalid deadline `{bad}`: expected a number of seconds above 0 and at most 86400, e.g. 60 or 2.5"
            )
        );
    }
}
