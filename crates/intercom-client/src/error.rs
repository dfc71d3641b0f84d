//! The one error enum of the client.

use std::time::Duration;

use crate::ConfigError;

/// One entry of Intercom's `error.list`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct ErrorItem {
    pub code: String,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
}

/// An error response from the API: status, Intercom's error items and request id.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    pub status: u16,
    pub request_id: Option<String>,
    pub errors: Vec<ErrorItem>,
    /// The raw body when it was not an `error.list` (truncated to a few KB).
    pub raw_body: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 401: missing, wrong or revoked token.
    #[error("authentication failed (HTTP {}): {}", .0.status, summary(.0))]
    Unauthorized(ApiError),
    /// 429 after the retry budget was spent.
    #[error("rate limited by Intercom after {attempts} attempt(s): {}", summary(.error))]
    RateLimited {
        error: ApiError,
        attempts: u32,
        retry_after: Option<Duration>,
    },
    /// Any other non-2xx status.
    #[error("Intercom API error (HTTP {}): {}", .0.status, summary(.0))]
    Api(ApiError),
    /// Could not connect, or the connection broke.
    #[error("network error talking to {url}")]
    Transport {
        url: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// No answer within the configured timeout.
    #[error("request to {url} timed out after {timeout:?}")]
    Timeout { url: String, timeout: Duration },
    /// The call's overall deadline ([`crate::Config::deadline`]) passed before it got an answer;
    /// `last` is how the last attempt failed, when one was made.
    #[error(
        "no answer from {url} within the call's deadline of {deadline:?} ({attempts} attempt(s))"
    )]
    DeadlineExceeded {
        url: String,
        deadline: Duration,
        attempts: u32,
        #[source]
        last: Option<Box<Error>>,
    },
    /// A 2xx response whose body was not the JSON expected.
    #[error("could not decode the response of {url}")]
    Decode {
        url: String,
        #[source]
        source: serde_json::Error,
    },
    /// A request value that cannot be sent (bad path, bad header value).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// Pagination found a cursor it had already seen.
    #[error("pagination loop detected: cursor `{cursor}` came back twice")]
    PaginationLoop { cursor: String },
    /// The [`crate::Config`] could not be used (a field set directly was invalid).
    #[error("invalid client configuration")]
    Config(#[source] ConfigError),
}

/// The source of an [`Error::Transport`]: says whether the request could have reached the server,
/// which decides whether a write may be sent again.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectionFailure {
    /// Connecting failed (DNS, refused, TLS): nothing was sent.
    #[error("could not connect; the request was not sent")]
    NotSent(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The connection broke after the request went out: it may have been processed.
    #[error("the connection broke after the request was sent; it may have been processed")]
    MaybeSent(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Error {
        Error::Config(e)
    }
}

impl Error {
    /// Intercom's error body, when the error came from the API.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Unauthorized(e) | Error::Api(e) => Some(e),
            Error::RateLimited { error, .. } => Some(error),
            _ => None,
        }
    }
    /// HTTP status, when there was a response.
    pub fn status(&self) -> Option<u16> {
        self.api().map(|e| e.status)
    }
}

fn summary(e: &ApiError) -> String {
    if e.errors.is_empty() {
        return e
            .raw_body
            .clone()
            .unwrap_or_else(|| "no error body".to_owned());
    }
    e.errors
        .iter()
        .map(|i| {
            let mut s = i.code.clone();
            if let Some(m) = &i.message {
                s.push_str(": ");
                s.push_str(m);
            }
            if let Some(f) = &i.field {
                s.push_str(&format!(" (field `{f}`)"));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}
