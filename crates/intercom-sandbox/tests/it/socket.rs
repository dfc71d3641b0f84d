//! One test over a real loopback socket.

use intercom_sandbox::{DEFAULT_TOKEN, Sandbox, SandboxConfig};
use serde_json::{Value, json};

#[tokio::test]
async fn serves_over_a_socket_with_faults_and_shutdown() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sandbox = Sandbox::open(SandboxConfig::default()).unwrap();
    let running = sandbox.bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let base = running.base_url();
    assert_eq!(
        base,
        format!("http://127.0.0.1:{}", running.local_addr().port())
    );
    let client = reqwest::Client::new();

    let me = client
        .get(format!("{base}/me"))
        .bearer_auth(DEFAULT_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    assert!(me.headers().contains_key("x-ratelimit-remaining"));
    let body: Value = me.json().await.unwrap();
    assert_eq!(body["type"], "admin");

    let added = client
        .post(format!("{base}/_sandbox/faults"))
        .json(&json!({"path_prefix": "/admins", "status": 503, "times": 1, "retry_after": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 200);
    let failed = client
        .get(format!("{base}/admins"))
        .bearer_auth(DEFAULT_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), 503);
    assert_eq!(failed.headers()["retry-after"], "2");
    let body: Value = failed.json().await.unwrap();
    assert_eq!(body["type"], "error.list");
    let ok = client
        .get(format!("{base}/admins"))
        .bearer_auth(DEFAULT_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);

    let addr = running.local_addr();
    running.shutdown().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "nothing listens after shutdown"
    );
}
