//! The connection level, over real loopback sockets: keep-alive after early answers, control
//! endpoints and their peers, and faults after the write.

use std::time::Duration;

use intercom_sandbox::{DEFAULT_TOKEN, RunningSandbox, Sandbox, SandboxConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn running(config: SandboxConfig) -> RunningSandbox {
    Sandbox::open(config)
        .unwrap()
        .bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

/// Reads one HTTP/1.1 response (Content-Length framed) from `stream`: status and body, or
/// `None` when the connection closes first.
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<(u16, String)> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let status: u16 = head.split(' ').nth(1)?.parse().ok()?;
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + length]).into_owned();
                buf.drain(..end + 4 + length);
                return Some((status, body));
            }
        }
        let mut chunk = [0u8; 8192];
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk))
            .await
            .expect("the server answers within 10 s")
            .ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

#[tokio::test]
async fn a_request_answered_before_its_body_is_read_keeps_the_connection() {
    let server = running(SandboxConfig::default()).await;
    let body = format!("{{\"padding\": \"{}\"}}", "x".repeat(64 * 1024));
    // 404 (no route) and 401 (no token) are answered without reading the body.
    for (path, auth) in [("/no/such/route", true), ("/contacts", false)] {
        let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
        let auth = if auth {
            format!("Authorization: Bearer {DEFAULT_TOKEN}\r\n")
        } else {
            String::new()
        };
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: sandbox\r\n{auth}Content-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.flush().await.unwrap();
        // The body arrives after the server could have answered, as on a busy network.
        tokio::time::sleep(Duration::from_millis(100)).await;
        stream.write_all(body.as_bytes()).await.unwrap();
        let next = format!(
            "GET /me HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer {DEFAULT_TOKEN}\r\n\r\n"
        );
        stream.write_all(next.as_bytes()).await.unwrap();
        let mut buf = Vec::new();
        let first = read_response(&mut stream, &mut buf).await;
        assert!(
            matches!(first, Some((404 | 401, _))),
            "{path}: first answer {first:?}"
        );
        let second = read_response(&mut stream, &mut buf).await;
        let (status, text) = second
            .unwrap_or_else(|| panic!("{path}: the connection was dropped after the early answer"));
        assert_eq!(status, 200, "{text}");
        assert!(text.contains("\"type\":\"admin\""), "{text}");
    }
    server.shutdown().await;
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

async fn add_fault(base: &str, fault: serde_json::Value) {
    let added = client()
        .post(format!("{base}/_sandbox/faults"))
        .json(&fault)
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 200, "{}", added.text().await.unwrap());
}

/// The contacts whose email is `email`, found through search.
async fn contacts_with_email(base: &str, email: &str) -> u64 {
    let found: serde_json::Value = client()
        .post(format!("{base}/contacts/search"))
        .bearer_auth(DEFAULT_TOKEN)
        .json(&serde_json::json!({"query": {"field": "email", "operator": "=", "value": email}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    found["total_count"].as_u64().unwrap()
}

fn create_contact(base: &str, email: &str) -> reqwest::RequestBuilder {
    client()
        .post(format!("{base}/contacts"))
        .bearer_auth(DEFAULT_TOKEN)
        .json(&serde_json::json!({"email": email, "role": "user"}))
}

#[tokio::test]
async fn a_5xx_after_the_write_leaves_the_write_applied() {
    let server = running(SandboxConfig::default()).await;
    let base = server.base_url();
    add_fault(
        &base,
        serde_json::json!({"path_prefix": "/contacts", "method": "POST", "when": "after",
                           "status": 503, "times": 1}),
    )
    .await;
    let lost = create_contact(&base, "after-503@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(lost.status(), 503);
    let body: serde_json::Value = lost.json().await.unwrap();
    assert_eq!(body["type"], "error.list");
    assert_eq!(body["errors"][0]["code"], "service_unavailable");
    assert_eq!(contacts_with_email(&base, "after-503@example.com").await, 1);
    // The fault fired once; the retry meets the duplicate.
    let retry = create_contact(&base, "after-503@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(retry.status(), 409);
    server.shutdown().await;
}

#[tokio::test]
async fn a_reset_after_the_write_drops_the_connection_and_keeps_the_write() {
    let server = running(SandboxConfig::default()).await;
    let base = server.base_url();
    add_fault(
        &base,
        serde_json::json!({"path_prefix": "/contacts", "method": "POST", "when": "after",
                           "action": "reset"}),
    )
    .await;
    let lost = create_contact(&base, "after-reset@example.com")
        .send()
        .await;
    let err = lost.expect_err("the connection closes without an answer");
    assert!(!err.is_timeout() && !err.is_status(), "{err:?}");
    assert_eq!(
        contacts_with_email(&base, "after-reset@example.com").await,
        1
    );

    // Before the write, a reset leaves nothing behind.
    add_fault(
        &base,
        serde_json::json!({"path_prefix": "/contacts", "method": "POST", "action": "reset"}),
    )
    .await;
    assert!(
        create_contact(&base, "before-reset@example.com")
            .send()
            .await
            .is_err()
    );
    assert_eq!(
        contacts_with_email(&base, "before-reset@example.com").await,
        0
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_hang_after_the_write_outlasts_the_client_and_is_released_when_it_leaves() {
    let server = running(SandboxConfig::default()).await;
    let base = server.base_url();
    add_fault(
        &base,
        serde_json::json!({"path_prefix": "/contacts", "method": "POST", "when": "after",
                           "action": "hang", "hang_seconds": 300}),
    )
    .await;
    let lost = create_contact(&base, "after-hang@example.com")
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(lost.expect_err("the client gives up").is_timeout());
    assert_eq!(
        contacts_with_email(&base, "after-hang@example.com").await,
        1
    );
    // The client closed its connection; the held answer is dropped with it, long before
    // hang_seconds.
    let mut held = u64::MAX;
    for _ in 0..500 {
        let faults: serde_json::Value = client()
            .get(format!("{base}/_sandbox/faults"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        held = faults["held"].as_u64().unwrap();
        if held == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(held, 0, "the held answer was not released");
    server.shutdown().await;
}
