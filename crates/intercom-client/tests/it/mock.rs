//! A local axum server on 127.0.0.1 that records every request and answers from a script or a
//! handler function.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use intercom_client::{Client, Clock, Config, TestClock};
use serde_json::Value;

/// Start of virtual time in the tests: a multiple of 10 s, like Intercom's windows.
pub const T0: u64 = 1_800_000_000;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
    /// Query pairs, decoded.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect()
    }
    pub fn query_value(&self, key: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string(),
        }
    }
    pub fn ok(body: Value) -> Reply {
        Reply::json(200, body)
    }
    pub fn text(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "text/html".into())],
            body: body.to_owned(),
        }
    }
    /// An Intercom `error.list` with one item.
    pub fn error(status: u16, code: &str, message: &str) -> Reply {
        Reply::json(
            status,
            serde_json::json!({
                "type": "error.list",
                "request_id": format!("req-{status}"),
                "errors": [{"code": code, "message": message}]
            }),
        )
    }
    pub fn header(mut self, name: &str, value: impl ToString) -> Reply {
        self.headers.push((name.to_owned(), value.to_string()));
        self
    }
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

#[derive(Clone)]
struct Shared {
    seen: Arc<Mutex<Vec<Seen>>>,
    handler: Arc<Handler>,
}

pub struct Mock {
    pub base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Mock {
    /// Answers each request with the next reply; a request past the end gets a 418 that names it.
    pub async fn scripted(replies: Vec<Reply>) -> Mock {
        let script = Mutex::new(VecDeque::from(replies));
        Mock::with_handler(move |seen| {
            script.lock().unwrap().pop_front().unwrap_or_else(|| {
                Reply::text(
                    418,
                    &format!(
                        "unexpected request past the script: {} {}",
                        seen.method, seen.path
                    ),
                )
            })
        })
        .await
    }

    pub async fn with_handler(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Mock {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let shared = Shared {
            seen: Arc::clone(&seen),
            handler: Arc::new(handler),
        };
        let app = axum::Router::new().fallback(answer).with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Mock {
            base_url: format!("http://{addr}"),
            seen,
        }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
    pub fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

async fn answer(
    State(shared): State<Shared>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let seen = Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
    };
    let reply = (shared.handler)(&seen);
    shared.seen.lock().unwrap().push(seen);
    let mut headers = HeaderMap::new();
    for (k, v) in &reply.headers {
        headers.append(
            axum::http::HeaderName::try_from(k.as_str()).unwrap(),
            v.parse().unwrap(),
        );
    }
    (
        StatusCode::from_u16(reply.status).unwrap(),
        headers,
        reply.body,
    )
        .into_response()
}

pub fn config(base_url: &str) -> Config {
    Config::new("test-token-s3cr3t").base_url(base_url).unwrap()
}

/// A client on `base_url` with a test clock at [`T0`].
pub fn client(base_url: &str) -> (Client, TestClock) {
    client_with(config(base_url))
}

pub fn client_with(config: Config) -> (Client, TestClock) {
    let clock = TestClock::at_unix(T0);
    let client = Client::with_clock(config, Arc::new(clock.clone()) as Arc<dyn Clock>).unwrap();
    (client, clock)
}

/// The whole error chain, one cause per line.
pub fn chain(error: &dyn std::error::Error) -> Vec<String> {
    let mut out = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        out.push(e.to_string());
        source = e.source();
    }
    out
}
