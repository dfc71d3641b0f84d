//! Owned request values.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Longest URL (scheme, host, path and query) the client sends: 8,192 bytes. Intercom does not
/// publish a limit; 8 KiB is the request-line limit common to web servers and proxies, so a
/// longer URL would most likely be cut off or refused on the way. A request over it fails with
/// [`crate::Error::InvalidRequest`] before anything is sent.
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// HTTP methods Intercom uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl std::str::FromStr for Method {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "GET" => Ok(Method::Get),
            "POST" => Ok(Method::Post),
            "PUT" => Ok(Method::Put),
            "PATCH" => Ok(Method::Patch),
            "DELETE" => Ok(Method::Delete),
            other => Err(format!(
                "unknown HTTP method `{other}`: expected GET, POST, PUT, PATCH or DELETE"
            )),
        }
    }
}

/// Whether a request may be sent again after it may have reached the server.
///
/// The retry policy consults this: a request that is not [`WriteSafety::Idempotent`] is re-sent
/// only when the failure proves the server never processed it: the connection could not be made,
/// or a 429. Not after a 502/503/504, a timeout or a connection dropped after sending: the
/// failure's [`crate::Error::applied`] is then unknown, and the tool registry settles it by
/// looking (`intercom_tools::reconcile`) whether the first attempt took effect before it sends
/// the write again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum WriteSafety {
    /// Safe to repeat: GET, PUT, DELETE, and searches sent as POST.
    Idempotent,
    /// Repeating it may duplicate an effect (a reply, a new conversation).
    #[default]
    NotIdempotent,
}

/// One API call, as a value: method, path (already expanded, starting with `/`), query pairs, an
/// optional JSON body and an optional `Intercom-Version` override.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Request {
    pub method: Method,
    pub path: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Sent as `Intercom-Version` instead of the client's default (an operation that needs a
    /// newer version than the configured one sets it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub safety: WriteSafety,
}

impl Request {
    /// A request with the safety its method implies (`GET`, `PUT`, `DELETE` idempotent; `POST`,
    /// `PATCH` not).
    pub fn new(method: Method, path: impl Into<String>) -> Request {
        let safety = match method {
            Method::Get | Method::Put | Method::Delete => WriteSafety::Idempotent,
            Method::Post | Method::Patch => WriteSafety::NotIdempotent,
        };
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            version: None,
            safety,
        }
    }
    pub fn get(path: impl Into<String>) -> Request {
        Request::new(Method::Get, path)
    }
    pub fn post(path: impl Into<String>, body: Value) -> Request {
        Request::new(Method::Post, path).body(body)
    }
    pub fn put(path: impl Into<String>, body: Value) -> Request {
        Request::new(Method::Put, path).body(body)
    }
    pub fn delete(path: impl Into<String>) -> Request {
        Request::new(Method::Delete, path)
    }
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Request {
        self.query.push((key.into(), value.into()));
        self
    }
    pub fn body(mut self, body: Value) -> Request {
        self.body = Some(body);
        self
    }
    pub fn version(mut self, version: impl Into<String>) -> Request {
        self.version = Some(version.into());
        self
    }
    /// Marks a POST that only reads (a search) or is otherwise safe to repeat.
    pub fn idempotent(mut self) -> Request {
        self.safety = WriteSafety::Idempotent;
        self
    }
}
