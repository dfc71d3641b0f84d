//! intercom-sandbox: a local, stateful emulator of Intercom's REST API.
//!
//! [`Sandbox::open`] builds (or reopens) a SQLite store, seeds a deterministic demo workspace when
//! the store is empty, and [`Sandbox::router`] serves the API as an [`axum::Router`];
//! [`Sandbox::bind`] serves it on a socket. See the crate README for what is and is not emulated.

#![recursion_limit = "256"]

mod api;
mod clock;
mod config;
mod error;
mod faults;
mod http;
mod openapi;
mod plaintext;
pub mod search;
mod seed;
mod serve;
mod state;
mod store;

use std::net::SocketAddr;
use std::sync::Arc;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{DEFAULT_TOKEN, SandboxConfig};
pub use error::SandboxError;

/// A sandbox workspace: its store, configuration and in-memory server state. Cheap to clone.
#[derive(Clone)]
pub struct Sandbox {
    state: Arc<state::AppState>,
    expose_controls: bool,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Opens (or creates) the store named by `config.db_path`, in memory when it is `None`, and
    /// seeds the demo workspace when the store is empty.
    pub fn open(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        let expose_controls = config.expose_controls;
        let state = state::AppState::open(config)?;
        Ok(Sandbox {
            state: Arc::new(state),
            expose_controls,
        })
    }

    /// The HTTP API as a router, for in-process use (tests, embedding).
    pub fn router(&self) -> axum::Router {
        http::router(self.state.clone())
    }

    /// The id of the admin who owns the configured tokens (what `GET /me` returns).
    pub fn me_admin_id(&self) -> String {
        self.state.me_admin_id.clone()
    }

    /// Binds `addr` and serves the API on a background task until [`RunningSandbox::shutdown`].
    ///
    /// Each request body is read in full before it is answered (so early answers keep the
    /// connection alive), and the `/_sandbox/*` control endpoints answer loopback peers only
    /// unless [`SandboxConfig::expose_controls`] is set.
    pub async fn bind(self, addr: SocketAddr) -> Result<RunningSandbox, SandboxError> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| SandboxError::Bind { addr, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| SandboxError::Bind { addr, source })?;
        let router = self.router();
        let options = serve::Options {
            expose_controls: self.expose_controls,
        };
        let (tx, rx) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(serve::serve(listener, router, options, rx));
        Ok(RunningSandbox {
            local_addr,
            shutdown: tx,
            task,
        })
    }
}

/// A sandbox serving on a socket.
#[derive(Debug)]
pub struct RunningSandbox {
    local_addr: SocketAddr,
    shutdown: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningSandbox {
    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://IP:PORT`, ready to use as a client's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// Stops accepting connections, lets in-flight requests finish and waits for the task.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}
