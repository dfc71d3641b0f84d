//! The ledger of write attempts: a small SQLite table of the writes that were sent and how they
//! ended, so that a write whose outcome was never settled (the process died with it in flight,
//! or it was reported `applied: unknown`) is looked for before the same write is sent again,
//! by this process or the next one.
//!
//! One file per base URL and token, beside the shared rate budget file (same directory, same
//! hashed name, `.writes.sqlite`), readable by the user alone; in memory when there is no
//! directory ([`crate::Config::rate_limit_dir`] unset). It holds, per attempt: a fingerprint
//! (SHA-256 of the tool, method, path and body; never the body itself), the tool's name, the
//! client clock's time it started, and its state. Rows older than [`KEEP_SECONDS`] are
//! dropped when the ledger is opened. A ledger that cannot be opened or written degrades to
//! nothing: a write never fails because of it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::Digest as _;

/// How long attempts are kept: a day.
pub const KEEP_SECONDS: i64 = 24 * 3600;

/// How a recorded attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptState {
    /// Sent, no outcome recorded yet (in flight, or the process died with it).
    InFlight,
    /// It took effect (answered, or found afterwards).
    Applied,
    /// It did not take effect.
    NotApplied,
    /// It took effect, but its caller was never told (the call was cancelled while it was in
    /// flight, and settled afterwards): the same write coming again is looked for first, so it
    /// is not made twice.
    AppliedUntold,
    /// It could not be settled.
    Unknown,
    /// A later attempt of the same write settled it.
    Settled,
}

impl AttemptState {
    fn as_str(self) -> &'static str {
        match self {
            AttemptState::InFlight => "in_flight",
            AttemptState::Applied => "applied",
            AttemptState::NotApplied => "not_applied",
            AttemptState::AppliedUntold => "applied_untold",
            AttemptState::Unknown => "unknown",
            AttemptState::Settled => "settled",
        }
    }
}

/// The write attempts of one workspace (see the module documentation). Opened on first use,
/// so a client that only reads never touches it.
#[derive(Debug)]
pub struct Ledger {
    /// Where to store it (`None`: in memory), and the time to drop old rows from.
    wanted: Option<(PathBuf, i64)>,
    opened: std::sync::OnceLock<Opened>,
}

#[derive(Debug)]
struct Opened {
    connection: Option<Mutex<rusqlite::Connection>>,
    path: Option<PathBuf>,
}

impl Opened {
    fn new(connection: Option<rusqlite::Connection>, path: Option<PathBuf>, now: i64) -> Opened {
        let connection = connection.and_then(|c| {
            c.busy_timeout(std::time::Duration::from_secs(2)).ok()?;
            c.execute_batch(
                "CREATE TABLE IF NOT EXISTS attempts (
                     id INTEGER PRIMARY KEY,
                     fingerprint TEXT NOT NULL,
                     tool TEXT NOT NULL,
                     started_at INTEGER NOT NULL,
                     state TEXT NOT NULL
                 );
                 CREATE INDEX IF NOT EXISTS attempts_fingerprint ON attempts (fingerprint, state);",
            )
            .ok()?;
            let _ = c.execute(
                "DELETE FROM attempts WHERE started_at < ?1",
                [now.saturating_sub(KEEP_SECONDS)],
            );
            Some(Mutex::new(c))
        });
        Opened { connection, path }
    }

    fn in_memory() -> Opened {
        Opened::new(rusqlite::Connection::open_in_memory().ok(), None, 0)
    }
}

impl Ledger {
    /// A ledger kept in memory (for this process only).
    pub fn in_memory() -> Ledger {
        Ledger {
            wanted: None,
            opened: std::sync::OnceLock::new(),
        }
    }

    /// The ledger stored at `path` (created, with its directory, if missing, on first use;
    /// `now` is unix seconds, to drop old rows). Falls back to memory when the file cannot be
    /// used.
    pub fn open(path: &Path, now: i64) -> Ledger {
        Ledger {
            wanted: Some((path.to_owned(), now)),
            opened: std::sync::OnceLock::new(),
        }
    }

    fn opened(&self) -> &Opened {
        self.opened.get_or_init(|| {
            let Some((path, now)) = &self.wanted else {
                return Opened::in_memory();
            };
            let connection = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .ok()
                .and_then(|()| rusqlite::Connection::open(path).ok());
            match connection {
                Some(connection) => {
                    restrict(path);
                    Opened::new(Some(connection), Some(path.clone()), *now)
                }
                None => {
                    tracing::debug!(path = %path.display(), "write ledger unavailable; keeping it in memory");
                    Opened::in_memory()
                }
            }
        })
    }

    /// Where the ledger is stored (`None`: in memory). Opens it.
    pub fn path(&self) -> Option<&Path> {
        self.opened().path.as_deref()
    }

    fn with<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>) -> Option<T> {
        let connection = self.opened().connection.as_ref()?;
        let connection = connection
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&connection)
            .map_err(|e| tracing::debug!(error = %e, "write ledger"))
            .ok()
    }

    /// The start time of the latest attempt of the same write that was never settled (in
    /// flight or unknown), if there is one.
    pub fn unsettled(&self, fingerprint: &str) -> Option<i64> {
        self.with(|c| {
            c.query_row(
                "SELECT MAX(started_at) FROM attempts
                 WHERE fingerprint = ?1 AND state IN ('in_flight', 'unknown', 'applied_untold')",
                [fingerprint],
                |row| row.get::<_, Option<i64>>(0),
            )
        })
        .flatten()
    }

    /// Records an attempt as in flight; returns its row.
    pub fn begin(&self, fingerprint: &str, tool: &str, started_at: i64) -> Option<i64> {
        self.with(|c| {
            c.execute(
                "INSERT INTO attempts (fingerprint, tool, started_at, state)
                 VALUES (?1, ?2, ?3, 'in_flight')",
                rusqlite::params![fingerprint, tool, started_at],
            )?;
            Ok(c.last_insert_rowid())
        })
    }

    /// Records how the attempt `row` ended. Once it is settled (applied or not), earlier
    /// unsettled attempts of the same write are marked settled too.
    pub fn finish(&self, row: Option<i64>, state: AttemptState) {
        let Some(row) = row else { return };
        self.with(|c| {
            c.execute(
                "UPDATE attempts SET state = ?1 WHERE id = ?2",
                rusqlite::params![state.as_str(), row],
            )?;
            if matches!(
                state,
                AttemptState::Applied | AttemptState::NotApplied | AttemptState::AppliedUntold
            ) {
                c.execute(
                    "UPDATE attempts SET state = 'settled'
                     WHERE id < ?1 AND state IN ('in_flight', 'unknown', 'applied_untold')
                       AND fingerprint = (SELECT fingerprint FROM attempts WHERE id = ?1)",
                    [row],
                )?;
            }
            Ok(())
        });
    }
}

/// The fingerprint of a write: SHA-256 over its tool, method, path and body.
pub fn fingerprint(tool: &str, request: &crate::Request) -> String {
    let mut hasher = sha2::Sha256::new();
    for part in [
        tool,
        request.method.as_str(),
        request.path.as_str(),
        &request
            .body
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(unix)]
fn restrict(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
fn restrict(_: &Path) {}
