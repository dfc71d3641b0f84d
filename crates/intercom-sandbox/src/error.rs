//! The crate's error enum ([`SandboxError`]) and the HTTP error answered to clients ([`ApiError`]).

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode};
use serde_json::{Value, json};

/// Why a sandbox could not be opened or served.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// The SQLite store could not be opened or prepared.
    #[error("cannot open the sandbox store {}", path.as_ref().map_or("in memory".to_owned(), |p| p.display().to_string()))]
    Store {
        path: Option<PathBuf>,
        #[source]
        source: rusqlite::Error,
    },
    /// Seeding or migrating the store failed.
    #[error("cannot seed the sandbox store")]
    Seed {
        #[source]
        source: rusqlite::Error,
    },
    /// The configuration is unusable.
    #[error("invalid sandbox configuration: {0}")]
    Config(String),
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

tokio::task_local! {
    /// The id of the request being served, for error bodies.
    pub(crate) static REQUEST_ID: String;
}

pub(crate) fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// An Intercom-shaped error answer: a status and one `error.list` item.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub field: Option<String>,
    pub retry_after: Option<u64>,
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Replaces the error code (for Intercom's case-specific codes).
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = code.into();
        self
    }

    /// 404 with a resource-specific code (`not_found`, `company_not_found`, ...).
    pub fn not_found(code: &str, message: &str) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    /// 400 `parameter_invalid` naming `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "parameter_invalid", message).with_field(field)
    }

    /// 400 `parameter_not_found` naming `field`.
    pub fn missing(field: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "parameter_not_found", message).with_field(field)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::CONFLICT, "conflict", message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", message)
    }

    pub fn body(&self) -> Value {
        let mut item = json!({"code": self.code, "message": self.message});
        if let Some(field) = &self.field {
            item["field"] = json!(field);
        }
        json!({"type": "error.list", "request_id": current_request_id(), "errors": [item]})
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> Self {
        tracing::error!(error = %err, "sandbox store error");
        ApiError::internal(format!("The sandbox store failed: {err}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, value);
        }
        response
    }
}
