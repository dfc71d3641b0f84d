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
mod http;
mod openapi;
mod plaintext;
pub mod search;
mod seed;
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
        let state = state::AppState::open(config)?;
        Ok(Sandbox {
            state: Arc::new(state),
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
    pub async fn bind(self, addr: SocketAddr) -> Result<RunningSandbox, SandboxError> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| SandboxError::Bind { addr, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| SandboxError::Bind { addr, source })?;
        let router = self.router();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
            if let Err(err) = served {
                tracing::error!(error = %err, "sandbox server stopped with an error");
            }
        });
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
    shutdown: tokio::sync::oneshot::Sender<()>,
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
        let _ = self.shutdown.send(());
        let _ = self.task.await;
    }
}
