//! Sandbox configuration: everything `intercom sandbox` flags can set.

use std::path::PathBuf;
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};

/// The bearer token accepted when none is configured.
pub const DEFAULT_TOKEN: &str = "sandbox-token";

/// How to open a sandbox. Build with [`SandboxConfig::default`] and the setters.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SandboxConfig {
    /// Bearer tokens accepted; any other gets a 401. Default: `[DEFAULT_TOKEN]`.
    pub tokens: Vec<String>,
    /// SQLite file for state that survives a restart; `None` keeps everything in memory.
    pub db_path: Option<PathBuf>,
    /// Seed of the demo data; the same seed gives byte-identical demo data. Default 42.
    pub seed: u64,
    /// Number of demo contacts. Default 50.
    pub contacts: usize,
    /// Number of demo conversations. Default 100.
    pub conversations: usize,
    /// Number of demo tickets (none when there are no contacts). Default 30.
    pub tickets: usize,
    /// Requests allowed per fixed 10-second window. Default 1000.
    pub rate_limit_per_window: u32,
    /// API version assumed when a request has no `Intercom-Version` header. Default "2.14".
    pub default_version: String,
    /// Time source; the wall clock unless a test injects one.
    pub clock: Arc<dyn Clock>,
    /// Serve the unauthenticated `/_sandbox/*` control endpoints to peers that are not on a
    /// loopback address (they get 403 otherwise). Default false.
    pub expose_controls: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            tokens: vec![DEFAULT_TOKEN.to_owned()],
            db_path: None,
            seed: 42,
            contacts: 50,
            conversations: 100,
            tickets: 30,
            rate_limit_per_window: 1000,
            default_version: "2.14".to_owned(),
            clock: Arc::new(SystemClock),
            expose_controls: false,
        }
    }
}

impl SandboxConfig {
    /// Replaces the accepted tokens with `token` alone.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.tokens = vec![token.into()];
        self
    }

    /// Replaces the accepted tokens.
    pub fn tokens<I, S>(mut self, tokens: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tokens = tokens.into_iter().map(Into::into).collect();
        self
    }

    /// Keeps state in the SQLite file at `path`.
    pub fn db_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.db_path = Some(path.into());
        self
    }

    /// Sets the demo data seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the number of demo contacts.
    pub fn contacts(mut self, contacts: usize) -> Self {
        self.contacts = contacts;
        self
    }

    /// Sets the number of demo conversations.
    pub fn conversations(mut self, conversations: usize) -> Self {
        self.conversations = conversations;
        self
    }

    /// Sets the number of demo tickets.
    pub fn tickets(mut self, tickets: usize) -> Self {
        self.tickets = tickets;
        self
    }

    /// Sets the number of requests allowed per 10-second window.
    pub fn rate_limit_per_window(mut self, limit: u32) -> Self {
        self.rate_limit_per_window = limit;
        self
    }

    /// Sets the version assumed when a request sends no `Intercom-Version`.
    pub fn default_version(mut self, version: impl Into<String>) -> Self {
        self.default_version = version.into();
        self
    }

    /// Serves the control endpoints to every peer, not only loopback ones.
    pub fn expose_controls(mut self, expose: bool) -> Self {
        self.expose_controls = expose;
        self
    }

    /// Injects a time source.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}
