//! The verdict every failure carries ([`Error::applied`]): `No` when nothing can have been
//! applied, `Unknown` when the write may have landed; and cancellation in flight.

use std::time::Duration;

use intercom_client::{Applied, Error, Request};
use serde_json::json;

use crate::mock::{Mock, Reply, client, client_with, config};

fn write() -> Request {
    Request::post("/contacts/1/notes", json!({"body": "hi"}))
}

#[tokio::test]
async fn refusals_before_acting_are_not_applied() {
    for (status, code) in [
        (400, "parameter_invalid"),
        (401, "unauthorized"),
        (404, "not_found"),
        (409, "conflict"),
        (422, "parameter_invalid"),
    ] {
        let mock = Mock::scripted(vec![Reply::error(status, code, "x")]).await;
        let (client, _) = client(&mock.base_url);
        let err = client.json(&write()).await.unwrap_err();
        assert_eq!(err.applied(), Applied::No, "status {status}: {err}");
    }
    // A 429 every time: Intercom refused each attempt before acting.
    let mock = Mock::scripted(vec![Reply::error(429, "rate_limit_exceeded", "x"); 5]).await;
    let (client, _) = client_with(config(&mock.base_url).max_attempts(2));
    let err = client.json(&write()).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(err.applied(), Applied::No);
}

#[tokio::test]
async fn a_refused_connection_is_not_applied() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let (client, _) = client_with(config(&base).max_attempts(1));
    let err = client.json(&write()).await.unwrap_err();
    assert_eq!(err.applied(), Applied::No, "{err}");
}

#[tokio::test]
async fn a_5xx_or_a_timeout_leaves_a_write_in_doubt() {
    for status in [500, 502, 503, 504] {
        let mock = Mock::scripted(vec![Reply::error(status, "server_error", "x")]).await;
        let (client, _) = client(&mock.base_url);
        let err = client.json(&write()).await.unwrap_err();
        assert!(err.applied().is_unknown(), "status {status}: {err}");
        assert_eq!(mock.count(), 1);
    }
    let err = Error::Timeout {
        url: "http://127.0.0.1/x".into(),
        timeout: Duration::from_secs(1),
    };
    assert!(err.applied().is_unknown());
}

#[tokio::test]
async fn an_idempotent_write_stays_in_doubt_after_an_earlier_ambiguous_attempt() {
    // 503 (may have applied the PUT), then a 429 that proves nothing about the first attempt.
    let mock = Mock::scripted(vec![
        Reply::error(503, "service_unavailable", "x"),
        Reply::error(429, "rate_limit_exceeded", "x"),
    ])
    .await;
    let (client, _) = client_with(config(&mock.base_url).max_attempts(2));
    let err = client
        .json(&Request::put("/contacts/1", json!({"name": "A"})))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::AfterAmbiguousAttempt { .. }),
        "{err:?}"
    );
    assert!(err.applied().is_unknown());
    assert_eq!(err.status(), Some(429), "the last answer still shows");
    assert!(
        err.to_string()
            .contains("earlier attempt may have been applied")
    );
}

#[tokio::test]
async fn a_write_cancelled_in_flight_is_in_doubt_and_one_cancelled_before_is_not() {
    // The server never answers: the attempt is in flight when the caller gives up.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let (client, _) = client(&base);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let call = tokio::spawn({
        let client = client.clone();
        async move {
            client
                .send_until(&write(), async {
                    let _ = rx.await;
                })
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    tx.send(()).unwrap();
    let err = call.await.unwrap().unwrap_err();
    assert!(
        matches!(err, Error::Cancelled { in_flight: true }),
        "{err:?}"
    );
    assert!(err.applied().is_unknown());

    let err = client
        .send_until(&write(), std::future::ready(()))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Cancelled { in_flight: false }),
        "{err:?}"
    );
    assert_eq!(err.applied(), Applied::No);
}

#[test]
fn the_verdict_reads_plainly() {
    assert_eq!(Applied::No.to_string(), "applied: no (nothing was written)");
    let unknown = Applied::Unknown {
        how_to_check: "list the contact's notes".into(),
    };
    assert_eq!(
        unknown.to_string(),
        "applied: unknown (it may have taken effect); list the contact's notes"
    );
    assert_eq!(
        serde_json::to_value(&unknown).unwrap(),
        json!({"applied": "unknown", "how_to_check": "list the contact's notes"})
    );
}
