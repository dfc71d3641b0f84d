use std::sync::Arc;

use axum::body::Body;
use http::Request;
use intercom_sandbox::{ManualClock, SandboxConfig};
use serde_json::json;

use crate::support::{Api, assert_error};

#[tokio::test]
async fn auth_is_required_and_checked() {
    let api = Api::new();
    for auth in [
        None,
        Some("Bearer wrong"),
        Some("Basic sandbox-token"),
        Some("Bearer"),
    ] {
        let mut builder = Request::builder().uri("/contacts");
        if let Some(value) = auth {
            builder = builder.header("authorization", value);
        }
        let resp = api.send(builder.body(Body::empty()).unwrap()).await;
        assert_error(&resp, 401, "unauthorized");
        assert_eq!(resp.body["errors"][0]["message"], "Access Token Invalid");
        assert!(
            resp.header("x-ratelimit-limit").is_none(),
            "no rate headers when unauthenticated"
        );
    }
    let lower = Request::builder()
        .uri("/me")
        .header("authorization", "bearer sandbox-token")
        .body(Body::empty())
        .unwrap();
    assert_eq!(api.send(lower).await.status, 200);

    let custom = Api::with(SandboxConfig::default().tokens(["one", "two"]));
    let two = Request::builder()
        .uri("/me")
        .header("authorization", "Bearer two")
        .body(Body::empty())
        .unwrap();
    assert_eq!(custom.send(two).await.status, 200);
    assert_error(&custom.get("/me").await, 401, "unauthorized");
}

#[tokio::test]
async fn unknown_routes_are_error_lists() {
    let api = Api::new();
    let resp = api.get("/no/such/thing").await;
    assert_error(&resp, 404, "not_found");
    let wrong_method = api.call("PATCH", "/contacts", None).await;
    assert_error(&wrong_method, 404, "not_found");
    let bad_utf8 = api.get("/contacts/%FF%FE").await;
    assert_error(&bad_utf8, 400, "parameter_invalid");
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(3 * 1024 * 1024));
    let request = Api::request("POST", "/contacts", Some(&json!({})))
        .body(Body::from(huge))
        .unwrap();
    assert_error(&api.send(request).await, 413, "parameter_invalid");
    let unauth = api
        .send(
            Request::builder()
                .uri("/no/such/thing")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_error(&unauth, 401, "unauthorized");
}

#[tokio::test]
async fn every_response_has_a_request_id() {
    let api = Api::new();
    let a = api.get("/me").await;
    let b = api.get("/me").await;
    let (ra, rb) = (
        a.header("x-request-id").unwrap(),
        b.header("x-request-id").unwrap(),
    );
    assert_ne!(ra, rb);
    assert_eq!(ra.len(), 36);
    let sandbox = api.get("/_sandbox/requests").await;
    assert!(sandbox.header("x-request-id").is_some());
}

#[tokio::test]
async fn rate_limit_window_with_injected_clock() {
    let clock = Arc::new(ManualClock::new(1_700_000_003));
    let api = Api::with(
        SandboxConfig::default()
            .rate_limit_per_window(3)
            .clock(clock.clone()),
    );
    for remaining in ["2", "1", "0"] {
        let resp = api.get("/me").await;
        assert_eq!(resp.status, 200);
        assert_eq!(resp.header("x-ratelimit-limit"), Some("3"));
        assert_eq!(resp.header("x-ratelimit-remaining"), Some(remaining));
        assert_eq!(resp.header("x-ratelimit-reset"), Some("1700000010"));
    }
    let limited = api.get("/me").await;
    assert_error(&limited, 429, "rate_limit_exceeded");
    assert_eq!(limited.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(limited.header("retry-after"), Some("7"));
    clock.advance(6);
    assert_error(&api.get("/me").await, 429, "rate_limit_exceeded");
    clock.advance(1);
    let fresh = api.get("/me").await;
    assert_eq!(fresh.status, 200);
    assert_eq!(fresh.header("x-ratelimit-remaining"), Some("2"));
    assert_eq!(fresh.header("x-ratelimit-reset"), Some("1700000020"));
    // The sandbox control routes are not rate limited.
    for _ in 0..5 {
        assert_eq!(api.get("/_sandbox/requests").await.status, 200);
    }
}

#[tokio::test]
async fn version_header() {
    let api = Api::new();
    for version in ["2.14", "1.0", "2.16", "Preview", "Unstable"] {
        let req = Api::request("GET", "/me", None)
            .header("intercom-version", version)
            .body(Body::empty())
            .unwrap();
        assert_eq!(api.send(req).await.status, 200, "version {version}");
    }
    for version in ["2.17", "3", "latest", ""] {
        let req = Api::request("GET", "/me", None)
            .header("intercom-version", version)
            .body(Body::empty())
            .unwrap();
        let resp = api.send(req).await;
        assert_error(&resp, 400, "intercom_version_invalid");
        assert!(resp.header("x-ratelimit-limit").is_some());
    }
    let log = api.ok("GET", "/_sandbox/requests", None).await;
    let versions: Vec<_> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        &versions[..5],
        ["2.14", "1.0", "2.16", "Preview", "Unstable"]
    );
    assert!(SandboxConfig::default().default_version == "2.14");
    assert!(
        intercom_sandbox::Sandbox::open(SandboxConfig::default().default_version("9.9")).is_err()
    );
}

#[tokio::test]
async fn request_log_records_and_clears() {
    let clock = Arc::new(ManualClock::new(1_750_000_000));
    let api = Api::with(SandboxConfig::default().clock(clock));
    api.get("/me").await;
    api.get("/contacts?per_page=2").await;
    api.get("/contacts/nope").await;
    let log = api.ok("GET", "/_sandbox/requests", None).await;
    let requests = log["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 3, "{log}");
    assert_eq!(requests[1]["method"], "GET");
    assert_eq!(requests[1]["path"], "/contacts");
    assert_eq!(requests[1]["query"], "per_page=2");
    assert_eq!(requests[1]["status"], 200);
    assert_eq!(requests[1]["time"], 1_750_000_000);
    assert_eq!(requests[1]["version"], "2.14");
    assert_eq!(requests[2]["status"], 404);
    let cleared = api.delete("/_sandbox/requests").await;
    assert_eq!(cleared.status, 204);
    let log = api.ok("GET", "/_sandbox/requests", None).await;
    assert_eq!(log, json!({"requests": []}));
}

#[tokio::test]
async fn fault_injection() {
    let api = Api::new();
    let added = api
        .post("/_sandbox/faults", json!({"path_prefix": "/conversations", "method": "POST", "status": 503, "times": 2, "retry_after": 1}))
        .await;
    assert_eq!(added.status, 200, "{}", added.text);
    let before = api.ok("GET", "/conversations?per_page=1", None).await["total_count"].clone();
    let contact = api.ok("GET", "/contacts?per_page=1", None).await["data"][0].clone();
    let body = json!({"from": {"type": "user", "id": contact["id"]}, "body": "hello"});
    for _ in 0..2 {
        let failed = api.post("/conversations", body.clone()).await;
        assert_error(&failed, 503, "service_unavailable");
        assert_eq!(failed.header("retry-after"), Some("1"));
    }
    let after_faults =
        api.ok("GET", "/conversations?per_page=1", None).await["total_count"].clone();
    assert_eq!(before, after_faults, "faults fail before touching state");
    assert_eq!(api.post("/conversations", body.clone()).await.status, 200);

    api.post(
        "/_sandbox/faults",
        json!({"path_prefix": "/contacts", "status": 500, "times": 5}),
    )
    .await;
    assert_error(&api.get("/contacts").await, 500, "server_error");
    assert_eq!(
        api.ok("GET", "/_sandbox/faults", None).await["faults"][0]["times"],
        4
    );
    assert_eq!(api.delete("/_sandbox/faults").await.status, 204);
    assert_eq!(api.get("/contacts").await.status, 200);

    let bad = api.post("/_sandbox/faults", json!({"status": 200})).await;
    assert_error(&bad, 400, "parameter_invalid");
    assert_eq!(bad.body["errors"][0]["field"], "status");
}
