//! Rate-limit pacing shared by every clone of a client.
//!
//! Intercom reports its budget on each authenticated response: `X-RateLimit-Limit` (requests per
//! window), `X-RateLimit-Remaining` and `X-RateLimit-Reset` (unix seconds when the window ends).
//! The [`Pacer`] keeps a local estimate of what is left in the current window: it takes one off
//! for every request it lets out and lowers the estimate to what the server reports. Before a
//! request goes out:
//!
//! - no response yet: one request goes first, the others wait for its answer (the budget is not
//!   known, and a burst of concurrent callers could spend it at once);
//! - nothing known after that (the server sends no rate-limit headers): go;
//! - nothing left: wait until the window resets (by the client's clock), then look again; when the
//!   reset is further away than [`MAX_PACING_WAIT`], go and let the server and the retry policy
//!   decide;
//! - a little left (no more than the requests already in flight plus this one): spread the rest
//!   evenly over what remains of the window instead of sending them in one burst;
//! - otherwise: go.
//!
//! When the window's reset time passes, the estimate starts again from the limit, less the
//! requests still in flight, until a response reports the new window.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Notify;

use crate::Clock;

/// Longest single wait pacing will impose; beyond it the request is sent anyway.
pub const MAX_PACING_WAIT: Duration = Duration::from_secs(60);

/// The rate-limit headers of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed per window.
    pub limit: Option<u32>,
    /// `X-RateLimit-Remaining`.
    pub remaining: u32,
    /// `X-RateLimit-Reset`: unix seconds when the window ends.
    pub reset: u64,
}

impl RateLimit {
    /// Reads the headers; `None` unless `X-RateLimit-Remaining` and `X-RateLimit-Reset` are both
    /// present and numeric.
    pub fn from_headers(headers: &http::HeaderMap) -> Option<RateLimit> {
        let num = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        Some(RateLimit {
            limit: num("x-ratelimit-limit").and_then(|v| u32::try_from(v).ok()),
            remaining: u32::try_from(num("x-ratelimit-remaining")?).unwrap_or(u32::MAX),
            reset: num("x-ratelimit-reset")?,
        })
    }
}

#[derive(Debug, Default)]
pub(crate) struct Pacer {
    state: Mutex<State>,
    changed: Notify,
}

#[derive(Debug, Default)]
struct State {
    limit: Option<u32>,
    /// Estimate of requests left in the window ending at `reset`; `None` when unknown.
    remaining: Option<u32>,
    /// End of the current window (unix seconds); `None` when not known.
    reset: Option<u64>,
    in_flight: u32,
    /// Whether any response came back yet.
    answered: bool,
    last_send: Option<Duration>,
    last_seen: Option<RateLimit>,
}

enum Step {
    Go,
    Sleep(Duration),
    AwaitResponse,
}

/// A request let out by the pacer. Dropping it without [`Permit::finish`] (an error, a
/// cancelled future) still counts the request as finished.
#[derive(Debug)]
pub(crate) struct Permit {
    pacer: Arc<Pacer>,
    done: bool,
}

impl Pacer {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The latest rate-limit headers seen.
    pub(crate) fn last_seen(&self) -> Option<RateLimit> {
        self.lock().last_seen
    }

    /// Waits (on `clock`) until a request may go out, when `pace` is on; counts it in flight.
    pub(crate) async fn acquire(self: &Arc<Self>, clock: &dyn Clock, pace: bool) -> Permit {
        if pace {
            loop {
                let notified = self.changed.notified();
                match self.step(clock.unix()) {
                    Step::Go => break,
                    Step::Sleep(wait) => {
                        tracing::debug!(
                            wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                            "pacing: waiting for rate-limit budget"
                        );
                        crate::observe::report_progress(&crate::observe::Progress::RateLimitWait {
                            wait,
                        });
                        clock.sleep(wait).await;
                    }
                    Step::AwaitResponse => notified.await,
                }
            }
        } else {
            let mut state = self.lock();
            state.in_flight += 1;
            state.remaining = state.remaining.map(|r| r.saturating_sub(1));
        }
        Permit {
            pacer: Arc::clone(self),
            done: false,
        }
    }

    /// One look at the state: go (and count the request), or how to wait.
    fn step(&self, now: Duration) -> Step {
        let mut state = self.lock();
        if !state.answered && state.in_flight > 0 {
            return Step::AwaitResponse;
        }
        if let Some(reset) = state.reset
            && now >= Duration::from_secs(reset)
        {
            // The window is over: start again from the limit until a response reports the new one.
            state.reset = None;
            state.remaining = state.limit.map(|l| l.saturating_sub(state.in_flight));
        }
        if let Some(remaining) = state.remaining {
            let until_reset = state
                .reset
                .map(|r| Duration::from_secs(r).saturating_sub(now));
            if remaining == 0 {
                match until_reset {
                    Some(wait) if wait <= MAX_PACING_WAIT => return Step::Sleep(wait),
                    Some(_) => {}
                    None if state.in_flight > 0 => return Step::AwaitResponse,
                    None => {}
                }
            } else if let Some(window_left) = until_reset
                && remaining <= state.in_flight + 1
            {
                let gap = window_left / (remaining + 1);
                if let Some(last) = state.last_send {
                    let next = last + gap;
                    if next > now && next - now <= MAX_PACING_WAIT {
                        return Step::Sleep(next - now);
                    }
                }
            }
        }
        state.in_flight += 1;
        state.remaining = state.remaining.map(|r| r.saturating_sub(1));
        state.last_send = Some(now);
        Step::Go
    }
}

impl Permit {
    /// Records the rate-limit headers of the response to this request.
    pub(crate) fn finish(mut self, headers: &http::HeaderMap, now: Duration) {
        self.done = true;
        let pacer = Arc::clone(&self.pacer);
        {
            let mut state = pacer.lock();
            state.in_flight = state.in_flight.saturating_sub(1);
            state.answered = true;
            if let Some(seen) = RateLimit::from_headers(headers) {
                state.last_seen = Some(seen);
                if seen.limit.is_some() {
                    state.limit = seen.limit;
                }
                let current = Duration::from_secs(seen.reset) > now;
                match state.reset {
                    Some(reset) if seen.reset == reset => {
                        state.remaining = Some(
                            state
                                .remaining
                                .map_or(seen.remaining, |r| r.min(seen.remaining)),
                        );
                    }
                    Some(reset) if seen.reset < reset => {}
                    _ if current => {
                        // A newer window: what the server has left, less what we still have out.
                        state.reset = Some(seen.reset);
                        state.remaining = Some(seen.remaining.saturating_sub(state.in_flight));
                    }
                    _ => {}
                }
            }
        }
        pacer.changed.notify_waiters();
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if !self.done {
            {
                let mut state = self.pacer.lock();
                state.in_flight = state.in_flight.saturating_sub(1);
            }
            self.pacer.changed.notify_waiters();
        }
    }
}
