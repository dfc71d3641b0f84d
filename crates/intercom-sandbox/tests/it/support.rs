//! A small in-process client for the sandbox router.

use axum::Router;
use axum::body::Body;
use http::{HeaderMap, Request};
use intercom_sandbox::{DEFAULT_TOKEN, Sandbox, SandboxConfig};
use serde_json::Value;
use tower::ServiceExt;

pub struct Api {
    pub sandbox: Sandbox,
    router: Router,
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    /// The first error item's code, for error answers.
    pub fn code(&self) -> &str {
        self.body["errors"][0]["code"].as_str().unwrap_or("<none>")
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl Api {
    pub fn new() -> Api {
        Api::with(SandboxConfig::default())
    }

    pub fn with(config: SandboxConfig) -> Api {
        let sandbox = Sandbox::open(config).expect("sandbox opens");
        let router = sandbox.router();
        Api { sandbox, router }
    }

    pub async fn send(&self, request: Request<Body>) -> Resp {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body reads");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    pub fn request(method: &str, path: &str, body: Option<&Value>) -> http::request::Builder {
        let builder = Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {DEFAULT_TOKEN}"));
        if body.is_some() {
            builder.header("content-type", "application/json")
        } else {
            builder
        }
    }

    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let request = Api::request(method, path, body.as_ref())
            .body(match &body {
                Some(b) => Body::from(b.to_string()),
                None => Body::empty(),
            })
            .expect("request builds");
        self.send(request).await
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.call("GET", path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.call("POST", path, Some(body)).await
    }
    pub async fn put(&self, path: &str, body: Value) -> Resp {
        self.call("PUT", path, Some(body)).await
    }
    pub async fn delete(&self, path: &str) -> Resp {
        self.call("DELETE", path, None).await
    }

    /// Asserts a 200 and returns the body.
    pub async fn ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let resp = self.call(method, path, body).await;
        assert_eq!(resp.status, 200, "{method} {path} answered {}", resp.text);
        resp.body
    }

    pub fn me(&self) -> String {
        self.sandbox.me_admin_id()
    }
}

/// Asserts an Intercom error.list of `status` and `code`.
pub fn assert_error(resp: &Resp, status: u16, code: &str) {
    assert_eq!(resp.status, status, "unexpected answer: {}", resp.text);
    assert_eq!(resp.body["type"], "error.list", "{}", resp.text);
    assert_eq!(resp.code(), code, "{}", resp.text);
    let rid = resp.body["request_id"]
        .as_str()
        .expect("request_id in body");
    assert_eq!(Some(rid), resp.header("x-request-id"));
}
