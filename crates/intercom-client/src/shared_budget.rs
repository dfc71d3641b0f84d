//! The rate-limit budget shared by every process of one user against one workspace.
//!
//! In-process pacing ([`crate::pacing`]) keeps the clones of one client within the budget, but
//! twenty `intercom call` processes each start with no idea of what the others spend. So each
//! process also keeps the budget in a small file: one per base URL and token, named by a hash of
//! the two (never the token itself), in the user's cache directory
//! (`$XDG_CACHE_HOME/intercom-agent-tools/rate-limit/`, or `~/.cache/...`). No daemon: every
//! process locks the file for the few microseconds it reads and writes it.
//!
//! The file holds what the latest `X-RateLimit-*` headers said (the limit and when the window
//! ends) and how many requests were let out in that window by all processes. Before a request:
//!
//! - window known, requests left: count this one, go;
//! - window known, nothing left: wait until it ends (by the client's clock), then look again;
//! - window unknown (nothing seen yet, or the last one ended): one request goes first to learn
//!   the new window, the others poll until its answer is recorded (at most [`PROBE_TIMEOUT`]).
//!   That wait is for a request in flight, so it is on wall-clock time, shared by every
//!   process; the window's own times are the client's clock, like all pacing.
//!
//! Each answer writes back the server's own count (`limit - remaining`) when it is higher, so a
//! process that is not using the file (another tool, another machine) still slows everyone down
//! to what the server reports. A file that cannot be read or written turns the sharing off for
//! that call: it never fails a request.

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use crate::{Clock, RateLimit};

/// How long the others wait for the request that learns a new window before one of them
/// goes instead.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(5);
/// How often a waiting process looks at the file again while a window is being learnt.
const POLL: Duration = Duration::from_millis(10);
/// Near the end of a window that is half spent, wait for the next one instead of sending: a
/// request that reaches the server after the window turned would be counted in the new window,
/// where the others do not expect it.
const EDGE: Duration = Duration::from_millis(500);
/// Longest single wait for a window to end; beyond it, go and let the server and retries decide.
const MAX_WAIT: Duration = Duration::from_secs(60);

/// The default directory of the shared budget files: the user's cache directory, or `None`
/// when there is none (no `HOME`).
pub fn default_rate_limit_dir() -> Option<PathBuf> {
    let from_env = |key: &str| {
        std::env::var_os(key)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let cache = if cfg!(windows) {
        from_env("LOCALAPPDATA")?
    } else if cfg!(target_os = "macos") {
        from_env("HOME")?.join("Library").join("Caches")
    } else {
        from_env("XDG_CACHE_HOME").or_else(|| Some(from_env("HOME")?.join(".cache")))?
    };
    Some(cache.join("intercom-agent-tools").join("rate-limit"))
}

/// The budget file of one base URL and token, inside `dir`.
pub(crate) fn budget_file(dir: &Path, base_url: &str, token: &str) -> PathBuf {
    let mut hasher = sha2::Sha256::new();
    hasher.update(base_url.as_bytes());
    hasher.update([0u8]);
    hasher.update(token.as_bytes());
    let digest = hasher.finalize();
    let name: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("{name}.json"))
}

#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct State {
    /// `X-RateLimit-Limit` of the latest answer.
    limit: Option<u32>,
    /// End of the current window (unix seconds), when known.
    reset: Option<u64>,
    /// Requests let out in that window, by every process, or counted by the server.
    used: u32,
    /// While a request learns a new window: when the others stop waiting for it (unix ms).
    probe_until_ms: Option<u64>,
}

enum Step {
    Go,
    /// Wait on the client's clock (a window to end).
    Wait(Duration),
    /// Wait in real time for the request learning the window.
    Poll,
}

/// One budget file.
#[derive(Debug)]
pub(crate) struct SharedBudget {
    path: PathBuf,
}

impl SharedBudget {
    pub(crate) fn new(path: PathBuf) -> SharedBudget {
        SharedBudget { path }
    }

    /// Waits until the shared budget lets one more request out, and counts it.
    pub(crate) async fn reserve(&self, clock: &dyn Clock) {
        loop {
            let now = clock.unix();
            let wall = wall_ms();
            let step = self.update(|state| reserve_step(state, now, wall));
            match step {
                Some(Step::Poll) => tokio::time::sleep(POLL).await,
                Some(Step::Wait(wait)) if wait <= MAX_WAIT => {
                    tracing::debug!(
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "pacing: waiting for the budget shared with other processes"
                    );
                    crate::observe::report_progress(&crate::observe::Progress::RateLimitWait {
                        wait,
                    });
                    clock.sleep(wait).await;
                }
                _ => return,
            }
        }
    }

    /// Records the rate-limit headers of an answer.
    pub(crate) fn record(&self, seen: Option<RateLimit>) {
        let _ = self.update(|state| {
            state.probe_until_ms = None;
            let Some(seen) = seen else {
                return;
            };
            if let Some(limit) = seen.limit {
                state.limit = Some(limit);
            }
            let counted = state.limit.map(|l| l.saturating_sub(seen.remaining));
            match state.reset {
                // An answer from a window already over says nothing about the current one.
                Some(reset) if seen.reset < reset => {}
                Some(reset) if seen.reset == reset => {
                    if let Some(counted) = counted {
                        state.used = state.used.max(counted);
                    }
                }
                _ => {
                    state.reset = Some(seen.reset);
                    state.used = counted.unwrap_or(0);
                }
            }
        });
    }

    /// The request that was reserved got no answer: let the others stop waiting for it.
    pub(crate) fn abandon(&self) {
        let _ = self.update(|state| state.probe_until_ms = None);
    }

    /// Locks the file, applies `change` to its state and writes it back; `None` when the file
    /// cannot be used (then nothing is shared).
    fn update<T>(&self, change: impl FnOnce(&mut State) -> T) -> Option<T> {
        match self.try_update(change) {
            Ok(value) => Some(value),
            Err(err) => {
                tracing::debug!(path = %self.path.display(), error = %err, "shared rate-limit budget unavailable");
                None
            }
        }
    }

    fn try_update<T>(&self, change: impl FnOnce(&mut State) -> T) -> std::io::Result<T> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = open(&self.path)?;
        lock(&file)?;
        let mut text = String::new();
        file.read_to_string(&mut text)?;
        // A file another version wrote, or a torn one: start again from nothing known.
        let mut state: State = serde_json::from_str(&text).unwrap_or_default();
        let before = state.clone();
        let value = change(&mut state);
        if state != before {
            let text = serde_json::to_string(&state).map_err(std::io::Error::other)?;
            // Overwrite, then cut to length: truncating to zero first would make ext4 flush
            // the file to disk on close (its protection for replace-by-truncate), 20 ms a call.
            file.rewind()?;
            file.write_all(text.as_bytes())?;
            file.set_len(text.len() as u64)?;
        }
        // Closing the file releases the lock.
        drop(file);
        Ok(value)
    }
}

/// Waits for the exclusive lock of the file (released when the file is closed).
#[cfg(unix)]
fn lock(file: &File) -> std::io::Result<()> {
    rustix::fs::flock(file, rustix::fs::FlockOperation::LockExclusive).map_err(std::io::Error::from)
}

/// No lock without flock: sharing is off (see [`SharedBudget::update`]).
#[cfg(not(unix))]
fn lock(_file: &File) -> std::io::Result<()> {
    Err(std::io::Error::other(
        "sharing the rate-limit budget needs file locks, available on Unix only",
    ))
}

fn open(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Only the user: the file says how busy the user's workspace is.
        options.mode(0o600);
    }
    options.open(path)
}

fn wall_ms() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(now.as_millis()).unwrap_or(u64::MAX)
}

/// One look at the state at `now` (the client's clock) and `wall_ms` (real unix ms).
fn reserve_step(state: &mut State, now: Duration, wall_ms: u64) -> Step {
    if state.reset.is_some_and(|reset| now.as_secs() >= reset) {
        // The window is over; the next answer tells the new one.
        state.reset = None;
        state.used = 0;
    }
    match (state.reset, state.limit) {
        (Some(reset), Some(limit)) => {
            let until = Duration::from_secs(reset).saturating_sub(now);
            let near_edge = until < EDGE && state.used >= limit / 2;
            if state.used < limit && !near_edge {
                state.used += 1;
                Step::Go
            } else {
                Step::Wait(until.max(POLL))
            }
        }
        _ => match state.probe_until_ms {
            Some(until) if until > wall_ms => Step::Poll,
            _ => {
                let timeout = u64::try_from(PROBE_TIMEOUT.as_millis()).unwrap_or(u64::MAX);
                state.probe_until_ms = Some(wall_ms.saturating_add(timeout));
                state.used = state.used.saturating_add(1);
                Step::Go
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn one_request_learns_a_window_then_the_budget_is_counted() {
        let mut state = State::default();
        let wall = 5_000;
        let step = |state: &mut State, now| reserve_step(state, secs(now), wall);
        assert!(matches!(step(&mut state, 100), Step::Go));
        // A second caller waits for the first answer, until the probe times out.
        assert!(matches!(step(&mut state, 100), Step::Poll));
        assert!(matches!(
            reserve_step(&mut state, secs(100), wall + 5_000),
            Step::Go
        ));
        // The answer: limit 3, 2 left, window ends at 110.
        state.probe_until_ms = None;
        state.limit = Some(3);
        state.reset = Some(110);
        state.used = 1;
        assert!(matches!(step(&mut state, 101), Step::Go));
        assert!(matches!(step(&mut state, 101), Step::Go));
        assert!(
            matches!(step(&mut state, 102), Step::Wait(w) if w == secs(8)),
            "the budget is spent until the window ends"
        );
        // After the window: one goes first again.
        assert!(matches!(step(&mut state, 110), Step::Go));
        assert!(matches!(step(&mut state, 110), Step::Poll));
    }

    #[test]
    fn the_file_is_named_by_a_hash_never_the_token() {
        let dir = Path::new("/cache");
        let a = budget_file(dir, "https://api.intercom.io", "tok-secret");
        let b = budget_file(dir, "https://api.eu.intercom.io", "tok-secret");
        let c = budget_file(dir, "https://api.intercom.io", "other");
        assert_ne!(a, b);
        assert_ne!(a, c);
        let name = a.file_name().unwrap().to_str().unwrap();
        assert!(!name.contains("tok") && !name.contains("secret"), "{name}");
        assert_eq!(name.len(), 32 + ".json".len());
    }
}
