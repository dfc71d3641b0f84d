//! The retry policy: a pure function of (status or failure, headers, attempt, safety).

use std::time::Duration;

/// What to do after one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Hand the result to the caller.
    Return,
    /// Wait this long, then send again.
    RetryAfter(Duration),
}

/// Exponential backoff with jitter, honouring `Retry-After` and `X-RateLimit-Reset`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}
