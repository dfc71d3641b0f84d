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
    /// The caller gave up on the call (a cancellation, see [`crate::Client::send_until`]).
    /// `in_flight` is true when an attempt had been sent and had no answer yet: the write may
    /// have been applied.
    #[error(
        "the call was cancelled{}",
        if *.in_flight { " while a request was in flight" } else { " before the request was sent" }
    )]
    Cancelled { in_flight: bool },
    /// The last attempt failed in a way that proves nothing was applied, but an earlier attempt
    /// of the same (idempotent) request failed ambiguously: that one may have been applied.
    #[error("{last} (an earlier attempt may have been applied: {earlier})")]
    AfterAmbiguousAttempt {
        last: Box<Error>,
        /// How the earlier attempt failed.
        earlier: String,
    },
}

/// Whether a failed write took effect on Intercom's side: the verdict every failure of a write
/// carries to its caller.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "applied", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Applied {
    /// The write took effect (it was found after the failure).
    Yes,
    /// Nothing was applied: the request never went out, or Intercom refused it before acting
    /// (a 4xx validation error, a 401, a 429). Sending it again cannot duplicate anything.
    No,
    /// It may or may not have been applied (a 5xx, a timeout, a connection broken after the
    /// request went out, a call cancelled in flight) and it could not be settled;
    /// `how_to_check` says how to find out before sending it again.
    Unknown { how_to_check: String },
}

impl Applied {
    /// `yes`, `no` or `unknown`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Applied::Yes => "yes",
            Applied::No => "no",
            Applied::Unknown { .. } => "unknown",
        }
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self, Applied::Unknown { .. })
    }
}

impl std::fmt::Display for Applied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Applied::Yes => f.write_str("applied: yes (the write took effect)"),
            Applied::No => f.write_str("applied: no (nothing was written)"),
            Applied::Unknown { how_to_check } => {
                write!(
                    f,
                    "applied: unknown (it may have taken effect); {how_to_check}"
                )
            }
        }
    }
}

/// What the client says, without knowing the request, when a failure leaves a write in doubt.
pub(crate) const GENERIC_CHECK: &str =
    "read the object back (or list what the write would have created) before sending it again";

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
            Error::AfterAmbiguousAttempt { last, .. } => last.api(),
            _ => None,
        }
    }
    /// HTTP status, when there was a response.
    pub fn status(&self) -> Option<u16> {
        self.api().map(|e| e.status)
    }

    /// The error that decides what the caller sees: the last attempt's, past an
    /// [`Error::AfterAmbiguousAttempt`].
    pub fn last(&self) -> &Error {
        match self {
            Error::AfterAmbiguousAttempt { last, .. } => last.last(),
            other => other,
        }
    }

    /// Whether the request, if it was a write, took effect, as far as the transport can tell:
    /// [`Applied::No`] when it never went out or Intercom refused it before acting (any 4xx,
    /// 401 and 429 included; an invalid request or configuration); [`Applied::Unknown`] after a
    /// 5xx, a timeout, a connection broken after sending, a deadline that passed with an attempt
    /// in flight, a cancellation in flight, or an earlier ambiguous attempt. The transport never
    /// says [`Applied::Yes`] but for [`Error::Decode`] (a 2xx came back, its body was not
    /// JSON); otherwise only a look at Intercom's state can (the tool registry does it).
    pub fn applied(&self) -> Applied {
        if matches!(self, Error::Decode { .. }) {
            Applied::Yes
        } else if self.ambiguous() {
            Applied::Unknown {
                how_to_check: GENERIC_CHECK.to_owned(),
            }
        } else {
            Applied::No
        }
    }

    pub(crate) fn ambiguous(&self) -> bool {
        match self {
            Error::Unauthorized(_)
            | Error::RateLimited { .. }
            | Error::InvalidRequest(_)
            | Error::PaginationLoop { .. }
            | Error::Config(_) => false,
            Error::Api(e) => e.status >= 500,
            Error::Transport { source, .. } => !matches!(
                source.downcast_ref::<ConnectionFailure>(),
                Some(ConnectionFailure::NotSent(_))
            ),
            Error::Decode { .. } => false,
            Error::Timeout { .. } | Error::AfterAmbiguousAttempt { .. } => true,
            Error::DeadlineExceeded { last, .. } => last.as_deref().is_some_and(Error::ambiguous),
            Error::Cancelled { in_flight } => *in_flight,
        }
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
