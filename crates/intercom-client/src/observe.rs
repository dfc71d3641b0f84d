//! Retries seen from outside: code that calls the client (the MCP server) can learn of each
//! retry made on its behalf, to tell its own caller ("rate limited, retrying in 2 s").
//!
//! [`observe`] runs a future with an observer in scope (a tokio task-local, so concurrent calls
//! on one shared client each see only their own retries); [`crate::Client::send`] reports every
//! retry it decides to the observer in scope, if any.
//!
//! [`observe_progress`] does the same for [`Progress`]: each page of a paging call, and each
//! wait for rate-limit budget before it starts (the MCP server turns them into
//! `notifications/progress`).

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

/// A step of a call its caller may show as progress.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Progress {
    /// A page of a paging call arrived: its number (1 for the first) and how many items it held.
    Page { number: u32, items: usize },
    /// The call is about to wait this long for rate-limit budget (its own pacing, or the budget
    /// shared with other processes) before its next request.
    RateLimitWait { wait: Duration },
}

/// Receives the progress of the calls made in its scope.
pub type ProgressObserver = Arc<dyn Fn(&Progress) + Send + Sync>;

tokio::task_local! {
    static PROGRESS: ProgressObserver;
}

/// Runs `future` with `observer` told of its [`Progress`].
pub async fn observe_progress<F: std::future::Future>(
    observer: ProgressObserver,
    future: F,
) -> F::Output {
    PROGRESS.scope(observer, future).await
}

/// Tells the progress observer in scope, if any (code that pages by itself reports its pages).
pub fn report_progress(progress: &Progress) {
    let _ = PROGRESS.try_with(|observer| observer(progress));
}
