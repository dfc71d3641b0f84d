//! Injected faults driven in-process (the socket-level ones are in `connections`).

use serde_json::json;

use crate::support::{Api, assert_error};

#[tokio::test(start_paused = true)]
async fn a_hang_is_released_after_hang_seconds_with_the_real_answer() {
    // Tokio's clock is paused: the 60 virtual seconds pass at once.
    let api = Api::new();
    let added = api
        .post(
            "/_sandbox/faults",
            json!({"path_prefix": "/contacts", "method": "POST", "when": "after",
                   "action": "hang", "hang_seconds": 60}),
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.text);
    let started = tokio::time::Instant::now();
    let created = api
        .post("/contacts", json!({"email": "slow@example.com"}))
        .await;
    assert!(started.elapsed() >= std::time::Duration::from_secs(60));
    assert_eq!(created.status, 200, "{}", created.text);
    assert_eq!(created.body["email"], "slow@example.com");
    let faults = api.get("/_sandbox/faults").await;
    assert_eq!(faults.body, json!({"faults": [], "held": 0}));
}

#[tokio::test]
async fn faults_are_validated() {
    let api = Api::new();
    for (body, field) in [
        (json!({"when": "after", "status": 404}), "status"),
        (json!({"when": "later", "status": 503}), "when"),
        (json!({"action": "explode"}), "action"),
        (json!({"action": "reset", "status": 503}), "status"),
        (json!({"action": "hang", "hang_seconds": 0}), "hang_seconds"),
        (
            json!({"action": "hang", "hang_seconds": 301}),
            "hang_seconds",
        ),
        (json!({"status": 503, "hang_seconds": 5}), "hang_seconds"),
        (json!({}), "status"),
    ] {
        let resp = api.post("/_sandbox/faults", body.clone()).await;
        assert_error(&resp, 400, resp.code());
        assert_eq!(
            resp.body["errors"][0]["field"], field,
            "{body}: {}",
            resp.text
        );
    }
    let in_process = api
        .post(
            "/_sandbox/faults",
            json!({"path_prefix": "/me", "action": "reset", "when": "after"}),
        )
        .await;
    assert_eq!(in_process.status, 200);
    // Without a socket to close, the router's caller sees the marked answer.
    assert_error(&api.get("/me").await, 502, "connection_reset");
}
