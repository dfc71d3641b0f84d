//! The retry policy: a pure function of (status or failure, headers, attempt, safety).
//!
//! [`RetryPolicy::decide`] reads no clock and draws no random number: the caller passes the
//! current unix time and a jitter value, so the whole policy is tested as a table.
//!
//! Rules:
//! - 429, 502, 503, 504 and connection failures are retried; every other status (other 4xx, 500,
//!   2xx, 3xx) is returned as it is.
//! - The wait is exponential (`base_delay * 2^(attempt-1)`, capped at `max_delay`) with jitter,
//!   unless the server says how long: `Retry-After` (seconds or an HTTP date) on any retried
//!   response, `X-RateLimit-Reset` (unix seconds) on a 429. A server-given wait is capped at
//!   `max_delay` too.
//! - A request that is not [`WriteSafety::Idempotent`] is retried only when the failure proves
//!   the server did not act on it: the connection could not be made (nothing was sent), or a 429
//!   (Intercom rejects before processing). A 502/503/504, a timeout or a connection dropped after
//!   sending may hide a write that took effect, so those are returned to the caller, with an
//!   unknown verdict ([`crate::Error::applied`]) that the tool registry settles by looking
//!   whether the first attempt took effect before it sends the write again.
//! - Nothing is retried once `max_attempts` attempts were made.

use std::time::Duration;

use crate::WriteSafety;

/// What to do after one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Hand the result to the caller.
    Return,
    /// Wait this long, then send again.
    RetryAfter(Duration),
}

/// Exponential backoff with jitter, honouring `Retry-After` and `X-RateLimit-Reset`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first one included.
    pub max_attempts: u32,
    pub base_delay: Duration,
    /// Cap on any single wait, computed or server-given.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy::new(5)
    }
}

/// A `Retry-After` header value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// `Retry-After: 3`
    Seconds(u64),
    /// `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`, as unix seconds.
    At(u64),
}

impl RetryAfter {
    /// Parses delay-seconds or an HTTP date; `None` for anything else.
    pub fn parse(value: &str) -> Option<RetryAfter> {
        let value = value.trim();
        if let Ok(secs) = value.parse::<u64>() {
            return Some(RetryAfter::Seconds(secs));
        }
        let ts = jiff::fmt::rfc2822::DateTimeParser::new()
            .parse_timestamp(value)
            .ok()?;
        u64::try_from(ts.as_second()).ok().map(RetryAfter::At)
    }
}

/// What one attempt came to, as far as retrying is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The server answered with `status`.
    Response {
        status: u16,
        /// The `Retry-After` header.
        retry_after: Option<RetryAfter>,
        /// The `X-RateLimit-Reset` header (unix seconds).
        rate_limit_reset: Option<u64>,
    },
    /// The connection could not be made (DNS, refused, TLS handshake, connect timeout): the
    /// request was never sent.
    NotSent,
    /// The connection dropped, or the attempt timed out, after the request was sent: the server
    /// may have processed it.
    MaybeSent { timed_out: bool },
}

impl Outcome {
    /// A response with no timing headers.
    pub fn status(status: u16) -> Outcome {
        Outcome::Response {
            status,
            retry_after: None,
            rate_limit_reset: None,
        }
    }

    /// A response, reading `Retry-After` and `X-RateLimit-Reset` from its headers.
    pub fn from_response(status: u16, headers: &http::HeaderMap) -> Outcome {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        Outcome::Response {
            status,
            retry_after: header("retry-after").and_then(RetryAfter::parse),
            rate_limit_reset: header("x-ratelimit-reset").and_then(|v| v.trim().parse().ok()),
        }
    }

    /// Sets `Retry-After` on a response outcome.
    pub fn with_retry_after(mut self, value: RetryAfter) -> Outcome {
        if let Outcome::Response { retry_after, .. } = &mut self {
            *retry_after = Some(value);
        }
        self
    }

    /// Sets `X-RateLimit-Reset` on a response outcome.
    pub fn with_rate_limit_reset(mut self, unix_seconds: u64) -> Outcome {
        if let Outcome::Response {
            rate_limit_reset, ..
        } = &mut self
        {
            *rate_limit_reset = Some(unix_seconds);
        }
        self
    }

    /// How long the server asked us to wait, at `now_unix`: `Retry-After` first, then (on a
    /// 429 only) the time until `X-RateLimit-Reset`. Not capped.
    pub fn server_wait(&self, now_unix: u64) -> Option<Duration> {
        let Outcome::Response {
            status,
            retry_after,
            rate_limit_reset,
        } = self
        else {
            return None;
        };
        match retry_after {
            Some(RetryAfter::Seconds(s)) => return Some(Duration::from_secs(*s)),
            Some(RetryAfter::At(t)) => {
                return Some(Duration::from_secs(t.saturating_sub(now_unix)));
            }
            None => {}
        }
        // Intercom sends the rate-limit headers on every authenticated response; the reset time
        // only says when to come back after a 429.
        match (status, rate_limit_reset) {
            (429, Some(reset)) => Some(Duration::from_secs(reset.saturating_sub(now_unix))),
            _ => None,
        }
    }
}

impl RetryPolicy {
    /// `max_attempts` attempts (at least 1), 500 ms base delay, 30 s cap.
    pub fn new(max_attempts: u32) -> RetryPolicy {
        RetryPolicy {
            max_attempts: max_attempts.max(1),
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }

    /// Decides after attempt number `attempt` (1 for the first) ended in `outcome`.
    ///
    /// `now_unix` is the current unix time in seconds (to turn an HTTP date or a reset time into
    /// a wait); `jitter` is a number in `[0, 1]` that scales the computed backoff between half
    /// and all of its nominal value (values outside are clamped).
    pub fn decide(
        &self,
        outcome: &Outcome,
        attempt: u32,
        safety: WriteSafety,
        now_unix: u64,
        jitter: f64,
    ) -> Decision {
        if attempt >= self.max_attempts {
            return Decision::Return;
        }
        let idempotent = safety == WriteSafety::Idempotent;
        let retry = match outcome {
            // Intercom turns a request away with 429 before doing anything with it.
            Outcome::Response { status: 429, .. } => true,
            Outcome::Response {
                status: 502..=504, ..
            } => idempotent,
            Outcome::Response { .. } => false,
            Outcome::NotSent => true,
            Outcome::MaybeSent { .. } => idempotent,
        };
        if !retry {
            return Decision::Return;
        }
        let wait = match outcome.server_wait(now_unix) {
            Some(wait) if !wait.is_zero() => wait.min(self.max_delay),
            _ => self.backoff(attempt, jitter),
        };
        Decision::RetryAfter(wait)
    }

    /// The computed wait after attempt number `attempt`: `base_delay * 2^(attempt-1)`, capped at
    /// `max_delay`, then scaled into `[half, all]` of itself by `jitter`.
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let nominal = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        let jitter = if jitter.is_nan() {
            1.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        nominal.mul_f64(0.5 + 0.5 * jitter)
    }
}
