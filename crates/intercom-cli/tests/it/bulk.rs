//! `api --paginate` that loses nothing: a page that fails for good keeps what was printed, and
//! `--resume` with the printed cursor prints the rest, for every pagination style.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use intercom_sandbox::{RunningSandbox, Sandbox, SandboxConfig};
use serde_json::Value;

use crate::{intercom_with_stdin, stderr, stdout};

/// A sandbox behind a proxy that answers the `fail_at`-th request to `path` with a 500 (which
/// no retry repeats, so the page fails for good) and forwards everything else.
struct FaultyWorkspace {
    runtime: tokio::runtime::Runtime,
    sandbox: Option<RunningSandbox>,
    direct: String,
    proxied: String,
}

struct Proxy {
    upstream: String,
    path: String,
    fail_at: usize,
    seen: AtomicUsize,
    http: reqwest::Client,
}

async fn forward(
    State(proxy): State<Arc<Proxy>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if uri.path() == proxy.path && proxy.seen.fetch_add(1, Ordering::SeqCst) + 1 == proxy.fail_at {
        let body = r#"{"type":"error.list","errors":[{"code":"server_error","message":"injected by the test proxy"}]}"#;
        return (StatusCode::INTERNAL_SERVER_ERROR, body).into_response();
    }
    let url = format!("{}{}", proxy.upstream, uri);
    let mut request = proxy.http.request(method, url).body(body);
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            request = request.header(name, value);
        }
    }
    match request.send().await {
        Ok(answer) => {
            let status = answer.status();
            let headers = answer.headers().clone();
            let body = answer.bytes().await.unwrap_or_default();
            let mut response = Response::new(Body::from(body));
            *response.status_mut() = status;
            for (name, value) in &headers {
                if name != "content-length" && name != "transfer-encoding" {
                    response.headers_mut().insert(name, value.clone());
                }
            }
            response
        }
        Err(err) => (StatusCode::BAD_GATEWAY, err.to_string()).into_response(),
    }
}

impl FaultyWorkspace {
    fn new(contacts: usize, path: &str, fail_at: usize) -> FaultyWorkspace {
        // Err: another test installed it first.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let (sandbox, proxied) = runtime.block_on(async {
            let sandbox = Sandbox::open(SandboxConfig::default().contacts(contacts))
                .unwrap()
                .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
                .await
                .unwrap();
            let proxy = Arc::new(Proxy {
                upstream: sandbox.base_url(),
                path: path.to_owned(),
                fail_at,
                seen: AtomicUsize::new(0),
                http: reqwest::Client::new(),
            });
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let proxied = format!("http://{}", listener.local_addr().unwrap());
            let app = axum::Router::new().fallback(forward).with_state(proxy);
            tokio::spawn(async move { axum::serve(listener, app).await });
            (sandbox, proxied)
        });
        let direct = sandbox.base_url();
        FaultyWorkspace {
            runtime,
            sandbox: Some(sandbox),
            direct,
            proxied,
        }
    }
}

impl Drop for FaultyWorkspace {
    fn drop(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            self.runtime.block_on(sandbox.shutdown());
        }
    }
}

fn ids(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            let item: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            item["id"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// The `--resume` value the interrupted run printed on stderr.
fn resume_value(err: &str) -> String {
    let start = err
        .find("--resume ")
        .unwrap_or_else(|| panic!("no --resume in: {err}"))
        + "--resume ".len();
    let rest = &err[start..];
    rest[..rest.find('`').unwrap()].to_owned()
}

/// Runs `args` through the proxy (page 51 fails), checks the first 50 pages were kept, resumes,
/// and checks the two runs together print exactly what one clean run prints, in order.
fn interrupted_and_resumed(
    contacts: usize,
    path: &str,
    per_page: usize,
    args: &[&str],
    stdin: Option<&str>,
) {
    let workspace = FaultyWorkspace::new(contacts, path, 51);
    let run = |base: &str, extra: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--paginate", "--base-url", base]);
        all.extend(extra);
        intercom_with_stdin(&all, stdin)
    };

    let clean = run(&workspace.direct, &[]);
    assert!(clean.status.success(), "{}", stderr(&clean));
    let expected = ids(&stdout(&clean));
    assert!(
        expected.len() > 51 * per_page,
        "the workspace must have more than 51 pages: {} items",
        expected.len()
    );

    let broken = run(&workspace.proxied, &[]);
    assert_eq!(broken.status.code(), Some(1), "{}", stderr(&broken));
    let kept = ids(&stdout(&broken));
    assert_eq!(
        kept.len(),
        50 * per_page,
        "the first 50 pages stay on stdout"
    );
    assert_eq!(kept[..], expected[..kept.len()]);
    let err = stderr(&broken);
    assert!(err.contains("HTTP 500"), "{err}");
    let cursor = resume_value(&err);

    let resumed = run(&workspace.proxied, &["--resume", &cursor]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    let mut together = kept;
    together.extend(ids(&stdout(&resumed)));
    assert_eq!(
        together, expected,
        "no item twice, none missing, same order"
    );
}

#[test]
fn a_cursor_list_resumes_where_it_failed() {
    interrupted_and_resumed(
        300,
        "/contacts",
        5,
        &["api", "GET", "/contacts", "-f", "per_page=5"],
        None,
    );
}

#[test]
fn a_search_with_the_cursor_in_the_body_resumes_where_it_failed() {
    let query = r#"{"query": {"field": "role", "operator": "IN", "value": ["user", "lead"]}, "pagination": {"per_page": 5}}"#;
    interrupted_and_resumed(
        300,
        "/contacts/search",
        5,
        &["api", "POST", "/contacts/search", "--input", "-"],
        Some(query),
    );
}

#[test]
fn a_page_number_list_resumes_where_it_failed() {
    // 330 contacts make 55 companies.
    interrupted_and_resumed(
        330,
        "/companies",
        1,
        &["api", "GET", "/companies", "-f", "per_page=1"],
        None,
    );
}

#[test]
fn a_scroll_resumes_where_it_failed() {
    interrupted_and_resumed(
        330,
        "/companies/scroll",
        1,
        &["api", "GET", "/companies/scroll", "-f", "per_page=1"],
        None,
    );
}

#[test]
fn a_resume_value_that_is_not_a_cursor_is_a_usage_error() {
    let out = intercom_with_stdin(
        &[
            "api",
            "GET",
            "/contacts",
            "--paginate",
            "--resume",
            "yesterday",
            "--sandbox",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("starting_after=CURSOR"),
        "{}",
        stderr(&out)
    );
}
