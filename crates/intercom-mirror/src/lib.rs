//! A local mirror of an Intercom workspace.
//!
//! [`Syncer::run`] copies contacts, companies, conversations (with every part), tickets, tags,
//! segments, admins, teams and articles into a [`Store`]; the first run pages through
//! everything, later runs fetch only what changed since the previous one (an `updated_at`
//! window with an overlap) and find removals by comparing counts (see [`sync`]). Every page is
//! written with its checkpoint in one transaction, so an interrupted run resumes where it stopped.
//!
//! The store then answers offline: full-text search over whole transcripts with ranking and
//! snippets ([`Store::search`]), counts grouped by state, team, admin, tag or period
//! ([`Store::count`]), and streaming export ([`Store::export`]). [`SqliteStore`] is the embedded
//! implementation (SQLite with FTS5); [`PostgresStore`] the shared one, for several processes or
//! replicas (PostgreSQL with `tsvector` full text; its page says what tables it creates, how
//! it handles concurrency and how its full text differs). [`open_store`] opens either, from a
//! path or a `postgres://` URL.
//!
//! ```no_run
//! # async fn demo(client: intercom_client::Client) -> Result<(), intercom_mirror::Error> {
//! use intercom_mirror::{Filter, Search, SqliteStore, Store, Syncer};
//! let store = SqliteStore::open("mirror.sqlite")?;
//! let report = Syncer::new(client, &store).run().await?;
//! println!("{} requests", report.requests);
//! let hits = store.search(&Search::new(Filter::text("refund")))?;
//! # let _ = hits; Ok(()) }
//! ```

mod error;
mod postgres;
mod query;
mod resource;
mod sqlite;
mod store;
pub mod sync;
mod transcript;

pub use error::Error;
pub use postgres::PostgresStore;
pub use query::{Count, CountGroup, Counts, Filter, GroupBy, Hit, Hits, Search};
pub use resource::Resource;
pub use sqlite::SqliteStore;
pub use store::{
    Checkpoint, Freshness, ResourceFreshness, Stage, Store, Write, is_postgres_url, open_store,
};
pub use sync::{Progress, ResourceReport, SyncOptions, SyncReport, Syncer};
pub use transcript::{Facets, facets, html_to_text};

/// Where the mirror lives when no `--db` is given: `$INTERCOM_MIRROR_DB` if set, else
/// `mirror.sqlite` in the user's data directory (`$XDG_DATA_HOME/intercom-agent-tools`,
/// `~/.local/share/intercom-agent-tools`, `~/Library/Application Support/intercom-agent-tools`
/// on macOS, `%LOCALAPPDATA%\intercom-agent-tools` on Windows). `None` when there is no home.
pub fn default_db_path() -> Option<std::path::PathBuf> {
    let from_env = |key: &str| {
        std::env::var_os(key)
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from)
    };
    if let Some(path) = from_env("INTERCOM_MIRROR_DB") {
        return Some(path);
    }
    let data = if cfg!(windows) {
        from_env("LOCALAPPDATA")?
    } else if cfg!(target_os = "macos") {
        from_env("HOME")?
            .join("Library")
            .join("Application Support")
    } else {
        from_env("XDG_DATA_HOME")
            .or_else(|| Some(from_env("HOME")?.join(".local").join("share")))?
    };
    Some(data.join("intercom-agent-tools").join("mirror.sqlite"))
}
