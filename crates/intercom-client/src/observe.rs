//! Retries seen from outside: code that calls the client (the MCP server) can learn of each
//! retry made on its behalf, to tell its own caller ("rate limited, retrying in 2 s").
//!
//! [`observe`] runs a future with an observer in scope (a tokio task-local, so concurrent calls
//! on one shared client each see only their own retries); [`crate::Client::send`] reports every
//! retry it decides to the observer in scope, if any.

use std::sync::Arc;
use std::time::Duration;

/// One retry the client is about to make.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryNotice {
    pub method: &'static str,
    pub path: String,
    /// The attempt that failed (1 for the first).
    pub attempt: u32,
    /// The wait before the next attempt.
    pub wait: Duration,
    /// What went wrong, e.g. `429`, `503`, `connection refused`.
    pub reason: String,
}

/// Receives the retries of the calls made in its scope.
pub type Observer = Arc<dyn Fn(&RetryNotice) + Send + Sync>;

tokio::task_local! {
    static OBSERVER: Observer;
}

/// Runs `future` with `observer` told of every retry the client makes inside it.
pub async fn observe<F: std::future::Future>(observer: Observer, future: F) -> F::Output {
    OBSERVER.scope(observer, future).await
}

pub(crate) fn report(notice: &RetryNotice) {
    let _ = OBSERVER.try_with(|observer| observer(notice));
}
