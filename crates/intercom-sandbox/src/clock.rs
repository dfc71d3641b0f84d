//! Time source for the rate limiter, request log, scroll expiry and new writes.

use std::fmt::Debug;
use std::sync::atomic::{AtomicI64, Ordering};

/// Where the sandbox reads "now" (unix seconds). Inject [`ManualClock`] in tests.
pub trait Clock: Send + Sync + Debug {
    /// The current time as unix seconds.
    fn now(&self) -> i64;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        jiff::Timestamp::now().as_second()
    }
}

/// A clock that only moves when told to; share it through an `Arc`.
#[derive(Debug)]
pub struct ManualClock {
    now: AtomicI64,
}

impl ManualClock {
    /// A clock standing at `unix_seconds`.
    pub fn new(unix_seconds: i64) -> ManualClock {
        ManualClock {
            now: AtomicI64::new(unix_seconds),
        }
    }

    /// Moves the clock to `unix_seconds`.
    pub fn set(&self, unix_seconds: i64) {
        self.now.store(unix_seconds, Ordering::SeqCst);
    }

    /// Moves the clock forward by `seconds`.
    pub fn advance(&self, seconds: i64) {
        self.now.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }
}
