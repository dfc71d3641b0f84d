//! The store behind the mirror: what a sync writes and what questions read.
//!
//! Everything a sync needs to resume lives in the store with the data ([`Checkpoint`]), and
//! every page is one [`Store::write`]: its documents, the removals it found and the checkpoint
//! after it, in one transaction. A store is `Send + Sync`; implementations serialize writes.

use std::collections::HashMap;

use intercom_client::Request;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Count, Counts, Error, Filter, Hits, Resource, Search};

/// Where a resource's sync stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Walking pages; `Checkpoint::next` is the next page's request.
    Paging,
    /// Every page is in; removals are being looked for.
    Reconciling,
    /// The last run finished.
    Done,
}

/// A resource's sync state, stored with its data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Checkpoint {
    pub stage: Stage,
    /// The window of the run under way: documents updated after `since` (`None`: all), as of
    /// `until` (unix seconds, when the run started).
    pub since: Option<i64>,
    pub until: i64,
    /// The next page's request while [`Stage::Paging`].
    pub next: Option<Request>,
    /// `until` of the last finished run: the next run's window starts there, less the overlap.
    pub last_complete: Option<i64>,
    /// When the last run finished (unix seconds).
    pub finished_at: Option<i64>,
}

/// One transaction of a sync.
#[derive(Debug, Clone, Default)]
pub struct Write<'a> {
    /// Documents to insert or replace.
    pub upserts: &'a [Value],
    /// Ids to remove.
    pub deletes: &'a [String],
    /// Mark the upserted ids as seen by this run's listing (see [`Store::finish_listing`]).
    pub seen: bool,
    /// The checkpoint after this write.
    pub checkpoint: Option<&'a Checkpoint>,
}

/// How fresh a resource is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ResourceFreshness {
    pub resource: &'static str,
    pub items: u64,
    /// When its last sync finished (unix seconds); `None` when it never did.
    pub synced_at: Option<i64>,
    /// A run started and has not finished (interrupted, or under way).
    pub in_progress: bool,
}

/// How fresh the mirror is: per resource, and the oldest finished sync of all.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Freshness {
    /// The oldest `synced_at` of the resources (the mirror is at least this fresh); `None`
    /// when some resource was never synced.
    pub synced_at: Option<i64>,
    pub resources: Vec<ResourceFreshness>,
}

impl ResourceFreshness {
    /// A resource holding `items`, with its checkpoint (`None` before its first sync).
    pub fn new(resource: Resource, items: u64, checkpoint: Option<&Checkpoint>) -> Self {
        ResourceFreshness {
            resource: resource.as_str(),
            items,
            synced_at: checkpoint.and_then(|c| c.last_complete),
            in_progress: checkpoint.is_some_and(|c| c.stage != Stage::Done),
        }
    }
}

impl Freshness {
    /// The freshness of the mirror whose resources are these: as fresh as the least fresh.
    pub fn of(resources: Vec<ResourceFreshness>) -> Self {
        let synced_at = resources
            .iter()
            .map(|r| r.synced_at)
            .collect::<Option<Vec<i64>>>()
            .and_then(|all| all.into_iter().min());
        Freshness {
            synced_at,
            resources,
        }
    }

    /// One line for people and agents: `synced 2026-12-01T10:00:00Z (12 min ago)`.
    pub fn describe(&self, now: i64) -> String {
        let Some(at) = self.synced_at else {
            return if self.resources.iter().any(|r| r.synced_at.is_some()) {
                "partly synced: some resources were never synced (run `intercom sync`)".to_owned()
            } else {
                "never synced: run `intercom sync` first".to_owned()
            };
        };
        let when = jiff::Timestamp::from_second(at)
            .map(|t| t.to_string())
            .unwrap_or_else(|_| at.to_string());
        let age = (now - at).max(0);
        let ago = match age {
            0..60 => format!("{age} s ago"),
            60..7200 => format!("{} min ago", age / 60),
            7200..172_800 => format!("{} h ago", age / 3600),
            _ => format!("{} days ago", age / 86_400),
        };
        let unfinished = self.resources.iter().any(|r| r.in_progress);
        format!(
            "synced {when} ({ago}){}",
            if unfinished {
                "; a later sync did not finish"
            } else {
                ""
            }
        )
    }
}

/// A mirror store. [`crate::SqliteStore`] is the embedded one, [`crate::PostgresStore`] the
/// shared one.
pub trait Store: Send + Sync {
    /// The stored `updated_at` of each of `ids` that the store holds.
    fn updated_at(&self, resource: Resource, ids: &[String])
    -> Result<HashMap<String, i64>, Error>;
    /// Documents, removals and checkpoint in one transaction. Returns how many documents were
    /// new or changed.
    fn write(&self, resource: Resource, write: Write<'_>) -> Result<u64, Error>;
    /// The resource's checkpoint, `None` before its first sync.
    fn checkpoint(&self, resource: Resource) -> Result<Option<Checkpoint>, Error>;
    /// Removes the resource's documents that the current listing did not see, forgets what it
    /// saw, and returns the ids removed.
    fn finish_listing(&self, resource: Resource) -> Result<Vec<String>, Error>;
    /// Forgets what the current listing of the resource has seen, removing nothing: a listing
    /// that starts again from its first page.
    fn restart_listing(&self, resource: Resource) -> Result<(), Error>;
    /// How many documents were created in `[from, to)` (unix seconds).
    fn count_created(&self, resource: Resource, from: i64, to: i64) -> Result<u64, Error>;
    /// The ids of the documents created in `[from, to)`.
    fn ids_created(&self, resource: Resource, from: i64, to: i64) -> Result<Vec<String>, Error>;
    /// The median `created_at` in `[from, to)`, to split a range in halves.
    fn median_created(&self, resource: Resource, from: i64, to: i64) -> Result<Option<i64>, Error>;
    /// One document as Intercom returned it.
    fn get(&self, resource: Resource, id: &str) -> Result<Option<Value>, Error>;
    /// Full-text search with filters, ranked.
    fn search(&self, search: &Search) -> Result<Hits, Error>;
    /// A count, optionally grouped.
    fn count(&self, count: &Count) -> Result<Counts, Error>;
    /// Every matching document, oldest first, handed to `sink` one at a time; returns how many.
    fn export(
        &self,
        resource: Resource,
        filter: &Filter,
        sink: &mut dyn FnMut(&Value) -> Result<(), Error>,
    ) -> Result<u64, Error>;
    /// How fresh each resource is.
    fn freshness(&self) -> Result<Freshness, Error>;
    /// Bytes the store takes on disk (0 in memory).
    fn size_on_disk(&self) -> Result<u64, Error>;
}

/// Whether `target` names a PostgreSQL database (`postgres://…` or `postgresql://…`) rather
/// than a SQLite file.
pub fn is_postgres_url(target: &str) -> bool {
    target.starts_with("postgres://") || target.starts_with("postgresql://")
}

/// Opens the store `target` names: a `postgres://` or `postgresql://` URL for a
/// [`crate::PostgresStore`] (its tables created when missing), else a file path for a
/// [`crate::SqliteStore`] (created when missing).
pub fn open_store(target: &str) -> Result<Box<dyn Store>, Error> {
    if is_postgres_url(target) {
        return Ok(Box::new(crate::PostgresStore::open(target)?));
    }
    Ok(Box::new(crate::SqliteStore::open(target)?))
}
