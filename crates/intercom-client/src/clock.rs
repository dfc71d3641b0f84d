//! Time as the client sees it: the current time, sleeping, and the jitter of retry waits.
//!
//! The [`crate::Client`] never calls `tokio::time` or `SystemTime::now` directly; it asks its
//! [`Clock`]. [`SystemClock`] is the real one; [`TestClock`] advances virtual time at once and
//! records every sleep, so retry and pacing tests take no wall time and can assert the waits.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A future returned by [`Clock::sleep`].
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// The client's source of time.
pub trait Clock: Send + Sync + std::fmt::Debug + 'static {
    /// The current time.
    fn now(&self) -> SystemTime;
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> Sleep;
    /// A future that completes when one attempt has run for `duration` (the per-attempt
    /// timeout). Unlike [`Clock::sleep`] it races a request in flight, so a test clock must not
    /// fire it at once: [`TestClock`] waits for real (or the shorter time set by
    /// [`TestClock::with_hang_after`]) and then moves its time forward by `duration`.
    fn timeout(&self, duration: Duration) -> Sleep {
        self.sleep(duration)
    }
    /// A number in `[0, 1]` that spreads retry waits ([`crate::RetryPolicy::backoff`]).
    fn jitter(&self) -> f64 {
        rand::random::<f64>()
    }
    /// [`Clock::now`] as a duration since the unix epoch (zero before it).
    fn unix(&self) -> Duration {
        self.now().duration_since(UNIX_EPOCH).unwrap_or_default()
    }
}

/// Wall-clock time and `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Virtual time for tests: `sleep` records its duration, moves the time forward by it and
/// returns at once (after yielding to other tasks). Clones share the same time and record.
///
/// Concurrent sleeps add up (two tasks sleeping 1 s each move time forward by 2 s), so virtual
/// time runs at least as fast as real time would: waits are never shorter than asked.
#[derive(Debug, Clone)]
pub struct TestClock {
    inner: Arc<Mutex<TestClockState>>,
}

#[derive(Debug)]
struct TestClockState {
    now: SystemTime,
    sleeps: Vec<Duration>,
    jitter: f64,
    /// Real time after which an attempt timeout fires (`None`: the timeout itself).
    hang_after: Option<Duration>,
}

impl TestClock {
    /// A clock standing at `unix_seconds`, with jitter 1.0 (every backoff at its nominal value).
    pub fn at_unix(unix_seconds: u64) -> TestClock {
        TestClock {
            inner: Arc::new(Mutex::new(TestClockState {
                now: UNIX_EPOCH + Duration::from_secs(unix_seconds),
                sleeps: Vec::new(),
                jitter: 1.0,
                hang_after: None,
            })),
        }
    }
    /// Sets the value [`Clock::jitter`] returns.
    pub fn with_jitter(self, jitter: f64) -> TestClock {
        self.lock().jitter = jitter;
        self
    }
    /// Makes attempt timeouts ([`Clock::timeout`]) fire after `real` wall time instead of their
    /// full duration, while the clock still moves forward by the full duration: a server that
    /// hangs for 30 s a try is simulated in a few milliseconds.
    pub fn with_hang_after(self, real: Duration) -> TestClock {
        self.lock().hang_after = Some(real);
        self
    }
    /// Moves time forward without recording a sleep.
    pub fn advance(&self, duration: Duration) {
        self.lock().now += duration;
    }
    /// Every sleep so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }
    /// Sum of every sleep so far.
    pub fn total_slept(&self) -> Duration {
        self.lock().sleeps.iter().sum()
    }
    fn lock(&self) -> std::sync::MutexGuard<'_, TestClockState> {
        // A panic while holding this lock cannot leave the state half-written.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Clock for TestClock {
    fn now(&self) -> SystemTime {
        self.lock().now
    }
    fn sleep(&self, duration: Duration) -> Sleep {
        let clock = self.clone();
        Box::pin(async move {
            {
                let mut state = clock.lock();
                state.sleeps.push(duration);
                state.now += duration;
            }
            tokio::task::yield_now().await;
        })
    }
    fn timeout(&self, duration: Duration) -> Sleep {
        let clock = self.clone();
        let real = self.lock().hang_after.unwrap_or(duration).min(duration);
        Box::pin(async move {
            tokio::time::sleep(real).await;
            clock.lock().now += duration;
        })
    }
    fn jitter(&self) -> f64 {
        self.lock().jitter
    }
}
