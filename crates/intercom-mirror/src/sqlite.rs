//! The embedded store: one SQLite file (rusqlite, bundled, with FTS5).
//!
//! `items` holds the columns questions filter and group on, one small row per document, and
//! `docs` (same rowid) the document as Intercom returned it (JSON text): kept apart so that a
//! search or count walking thousands of matches reads small rows, not transcripts; `item_tags` and `item_contacts` hold the lists; `items_fts`
//! (FTS5, rowid = `items.rowid`) holds each document's title and plain-text transcript.
//! `sync_state` keeps each resource's [`Checkpoint`] and `sync_seen` what a listing saw.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use serde_json::Value;

use crate::store::{Checkpoint, Freshness, ResourceFreshness, Store, Write};
use crate::{
    Count, CountGroup, Counts, Error, Filter, GroupBy, Hit, Hits, Resource, Search, facets,
};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS items (
    rowid INTEGER PRIMARY KEY,
    resource TEXT NOT NULL,
    id TEXT NOT NULL,
    created_at INTEGER,
    updated_at INTEGER,
    state TEXT,
    team_id TEXT,
    admin_id TEXT,
    title TEXT NOT NULL DEFAULT '',
    parts_total INTEGER,
    parts_stored INTEGER,
    truncated INTEGER NOT NULL DEFAULT 0,
    UNIQUE (resource, id)
);
CREATE INDEX IF NOT EXISTS items_created ON items (resource, created_at);
CREATE INDEX IF NOT EXISTS items_updated ON items (resource, updated_at);
CREATE INDEX IF NOT EXISTS items_state ON items (resource, state, created_at);
CREATE INDEX IF NOT EXISTS items_team ON items (resource, team_id, created_at);
CREATE INDEX IF NOT EXISTS items_admin ON items (resource, admin_id, created_at);
CREATE TABLE IF NOT EXISTS docs (
    rowid INTEGER PRIMARY KEY,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS item_tags (
    item INTEGER NOT NULL,
    tag_id TEXT NOT NULL,
    tag_name TEXT NOT NULL,
    PRIMARY KEY (item, tag_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS item_tags_id ON item_tags (tag_id);
CREATE INDEX IF NOT EXISTS item_tags_name ON item_tags (tag_name COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS item_contacts (
    item INTEGER NOT NULL,
    contact_id TEXT NOT NULL,
    PRIMARY KEY (item, contact_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS item_contacts_id ON item_contacts (contact_id);
CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(
    title, body, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS sync_state (
    resource TEXT PRIMARY KEY,
    checkpoint TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sync_seen (
    resource TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (resource, id)
) WITHOUT ROWID;
";

/// A mirror in one SQLite file (or in memory).
pub struct SqliteStore {
    conn: Mutex<Connection>,
    path: Option<String>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens the file at `path`, creating it (and its directory) when missing.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, Error> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::Open {
                path: shown.clone(),
                source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
            })?;
        }
        let conn = Connection::open(path).map_err(|source| Error::Open {
            path: shown.clone(),
            source,
        })?;
        SqliteStore::setup(conn, Some(shown))
    }

    /// A store in memory (tests, benchmarks).
    pub fn in_memory() -> Result<SqliteStore, Error> {
        let conn = Connection::open_in_memory().map_err(|source| Error::Open {
            path: ":memory:".to_owned(),
            source,
        })?;
        SqliteStore::setup(conn, None)
    }

    fn setup(conn: Connection, path: Option<String>) -> Result<SqliteStore, Error> {
        let shown = path.clone().unwrap_or_else(|| ":memory:".to_owned());
        let init = || -> rusqlite::Result<()> {
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
            if path.is_some() {
                conn.pragma_update(None, "journal_mode", "WAL")?;
                // Questions read rows all over the file (a transcript's facets beside its
                // document): mapped pages and a 32 MB cache keep them off the read syscall.
                conn.pragma_update(None, "mmap_size", 268_435_456)?;
                conn.pragma_update(None, "cache_size", -32_768)?;
            }
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            conn.execute_batch(SCHEMA)?;
            // A mirror made before documents moved to `docs` keeps them in `items.doc`.
            let old: bool = conn.query_row(
                "SELECT count(*) FROM pragma_table_info('items') WHERE name = 'doc'",
                [],
                |r| r.get::<_, i64>(0).map(|n| n > 0),
            )?;
            if old {
                conn.execute_batch(
                    "BEGIN;
                     INSERT OR REPLACE INTO docs (rowid, doc) SELECT rowid, doc FROM items;
                     ALTER TABLE items DROP COLUMN doc;
                     COMMIT;",
                )?;
                // The rows shrank in place, one to a page as before: rebuild the file so
                // that they sit many to a page (once, at the first open after the change).
                conn.execute_batch("VACUUM")?;
            }
            Ok(())
        };
        init().map_err(|source| Error::Open {
            path: shown,
            source,
        })?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            path,
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// `text` as an FTS5 query: FTS5 syntax as it is, plain words each quoted (so `can't` or
/// `C++` never is a syntax error), all of them required.
fn fts_query(text: &str) -> String {
    let syntax = text.contains('"')
        || text.contains('*')
        || text.contains('(')
        || text
            .split_whitespace()
            .any(|w| matches!(w, "OR" | "AND" | "NOT" | "NEAR"));
    if syntax {
        return text.to_owned();
    }
    text.split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The SQL condition (over `items i`) and its parameters, `text` left out.
fn conditions(resource: Resource, filter: &Filter) -> (String, Vec<Sql>) {
    let mut sql = vec!["i.resource = ?".to_owned()];
    let mut args = vec![Sql::Text(resource.as_str().to_owned())];
    let mut eq = |column: &str, value: &Option<String>| {
        if let Some(v) = value {
            sql.push(format!("i.{column} = ?"));
            args.push(Sql::Text(v.clone()));
        }
    };
    eq("state", &filter.state);
    eq("team_id", &filter.team_id);
    eq("admin_id", &filter.admin_id);
    if let Some(tag) = &filter.tag {
        sql.push(
            "i.rowid IN (SELECT item FROM item_tags WHERE tag_id = ? OR tag_name = ? COLLATE NOCASE)"
                .to_owned(),
        );
        args.push(Sql::Text(tag.clone()));
        args.push(Sql::Text(tag.clone()));
    }
    if let Some(contact) = &filter.contact_id {
        sql.push("i.rowid IN (SELECT item FROM item_contacts WHERE contact_id = ?)".to_owned());
        args.push(Sql::Text(contact.clone()));
    }
    let mut range = |column: &str, op: &str, value: Option<i64>| {
        if let Some(v) = value {
            sql.push(format!("i.{column} {op} ?"));
            args.push(Sql::Integer(v));
        }
    };
    range("created_at", ">=", filter.created_after);
    range("created_at", "<", filter.created_before);
    range("updated_at", ">=", filter.updated_after);
    range("updated_at", "<", filter.updated_before);
    if filter.truncated_only {
        sql.push("i.truncated = 1".to_owned());
    }
    (sql.join(" AND "), args)
}

/// The day, week (its Monday) or month of `day` days after 1970-01-01, as `2026-11-02` or
/// `2026-11`.
fn period_of(day: i64, group: GroupBy) -> String {
    let epoch = jiff::civil::date(1970, 1, 1);
    let Ok(date) = epoch.checked_add(jiff::Span::new().days(day)) else {
        return day.to_string();
    };
    match group {
        GroupBy::Month => date.strftime("%Y-%m").to_string(),
        GroupBy::Week => {
            let back = i64::from(date.weekday().to_monday_zero_offset());
            date.checked_sub(jiff::Span::new().days(back))
                .unwrap_or(date)
                .to_string()
        }
        _ => date.to_string(),
    }
}

/// A failed full-text query as an error naming `text`.
fn text_error(filter: &Filter, error: rusqlite::Error) -> Error {
    match (&filter.text, &error) {
        (Some(text), rusqlite::Error::SqliteFailure(_, Some(message)))
            if message.contains("fts5") || message.contains("MATCH") =>
        {
            Error::invalid(
                "text",
                format!(
                    "`{text}` is not a valid full-text query ({message}): use plain words, \"a phrase\", word*, or OR/NOT between words"
                ),
            )
        }
        _ => Error::Database(error),
    }
}

fn upsert(
    tx: &rusqlite::Transaction<'_>,
    resource: Resource,
    doc: &Value,
    seen: bool,
) -> Result<bool, Error> {
    let Some(f) = facets(resource, doc) else {
        return Err(Error::Unexpected {
            resource: resource.as_str(),
            message: "a document without an id".to_owned(),
        });
    };
    let text = doc.to_string();
    if seen {
        tx.prepare_cached("INSERT OR IGNORE INTO sync_seen (resource, id) VALUES (?, ?)")?
            .execute(params![resource.as_str(), f.id])?;
    }
    let existing: Option<(i64, String)> = tx
        .prepare_cached(
            "SELECT i.rowid, d.doc FROM items i JOIN docs d ON d.rowid = i.rowid WHERE i.resource = ? AND i.id = ?",
        )?
        .query_row(params![resource.as_str(), f.id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let rowid = match existing {
        Some((_, old)) if old == text => return Ok(false),
        Some((rowid, _)) => {
            tx.prepare_cached(
                "UPDATE items SET created_at = ?, updated_at = ?, state = ?, team_id = ?, admin_id = ?, title = ?, parts_total = ?, parts_stored = ?, truncated = ? WHERE rowid = ?",
            )?
            .execute(params![f.created_at, f.updated_at, f.state, f.team_id, f.admin_id, f.title, f.parts_total, f.parts_stored, f.truncated, rowid])?;
            tx.prepare_cached("UPDATE docs SET doc = ? WHERE rowid = ?")?
                .execute(params![text, rowid])?;
            clear_lists(tx, rowid)?;
            rowid
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO items (resource, id, created_at, updated_at, state, team_id, admin_id, title, parts_total, parts_stored, truncated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![resource.as_str(), f.id, f.created_at, f.updated_at, f.state, f.team_id, f.admin_id, f.title, f.parts_total, f.parts_stored, f.truncated])?;
            let rowid = tx.last_insert_rowid();
            tx.prepare_cached("INSERT INTO docs (rowid, doc) VALUES (?, ?)")?
                .execute(params![rowid, text])?;
            rowid
        }
    };
    tx.prepare_cached("INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)")?
        .execute(params![rowid, f.title, f.body])?;
    for (id, name) in &f.tags {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO item_tags (item, tag_id, tag_name) VALUES (?, ?, ?)",
        )?
        .execute(params![rowid, id, name])?;
    }
    for contact in &f.contact_ids {
        tx.prepare_cached("INSERT OR IGNORE INTO item_contacts (item, contact_id) VALUES (?, ?)")?
            .execute(params![rowid, contact])?;
    }
    Ok(true)
}

fn clear_lists(tx: &rusqlite::Transaction<'_>, rowid: i64) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM items_fts WHERE rowid = ?")?
        .execute([rowid])?;
    tx.prepare_cached("DELETE FROM item_tags WHERE item = ?")?
        .execute([rowid])?;
    tx.prepare_cached("DELETE FROM item_contacts WHERE item = ?")?
        .execute([rowid])?;
    Ok(())
}

fn remove(tx: &rusqlite::Transaction<'_>, resource: Resource, id: &str) -> rusqlite::Result<()> {
    let rowid: Option<i64> = tx
        .prepare_cached("SELECT rowid FROM items WHERE resource = ? AND id = ?")?
        .query_row(params![resource.as_str(), id], |r| r.get(0))
        .optional()?;
    if let Some(rowid) = rowid {
        clear_lists(tx, rowid)?;
        tx.prepare_cached("DELETE FROM items WHERE rowid = ?")?
            .execute([rowid])?;
        tx.prepare_cached("DELETE FROM docs WHERE rowid = ?")?
            .execute([rowid])?;
    }
    Ok(())
}

fn save_checkpoint(
    tx: &rusqlite::Transaction<'_>,
    resource: Resource,
    cp: &Checkpoint,
) -> Result<(), Error> {
    let text = serde_json::to_string(cp).map_err(|e| Error::Unexpected {
        resource: resource.as_str(),
        message: format!("checkpoint cannot be written: {e}"),
    })?;
    tx.prepare_cached("INSERT INTO sync_state (resource, checkpoint) VALUES (?, ?) ON CONFLICT (resource) DO UPDATE SET checkpoint = excluded.checkpoint")?
        .execute(params![resource.as_str(), text])?;
    Ok(())
}

impl Store for SqliteStore {
    fn updated_at(
        &self,
        resource: Resource,
        ids: &[String],
    ) -> Result<HashMap<String, i64>, Error> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached("SELECT updated_at FROM items WHERE resource = ? AND id = ?")?;
        let mut out = HashMap::new();
        for id in ids {
            let at: Option<Option<i64>> = stmt
                .query_row(params![resource.as_str(), id], |r| r.get(0))
                .optional()?;
            if let Some(Some(at)) = at {
                out.insert(id.clone(), at);
            }
        }
        Ok(out)
    }

    fn write(&self, resource: Resource, write: Write<'_>) -> Result<u64, Error> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut changed = 0;
        for doc in write.upserts {
            if upsert(&tx, resource, doc, write.seen)? {
                changed += 1;
            }
        }
        for id in write.deletes {
            remove(&tx, resource, id)?;
        }
        if let Some(cp) = write.checkpoint {
            save_checkpoint(&tx, resource, cp)?;
        }
        tx.commit()?;
        Ok(changed)
    }

    fn checkpoint(&self, resource: Resource) -> Result<Option<Checkpoint>, Error> {
        let text: Option<String> = self
            .conn()
            .query_row(
                "SELECT checkpoint FROM sync_state WHERE resource = ?",
                [resource.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        text.map(|t| {
            serde_json::from_str(&t).map_err(|e| Error::Unexpected {
                resource: resource.as_str(),
                message: format!("stored checkpoint unreadable: {e}"),
            })
        })
        .transpose()
    }

    fn finish_listing(&self, resource: Resource) -> Result<Vec<String>, Error> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let gone: Vec<String> = tx
            .prepare("SELECT id FROM items WHERE resource = ?1 AND id NOT IN (SELECT id FROM sync_seen WHERE resource = ?1)")?
            .query_map([resource.as_str()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in &gone {
            remove(&tx, resource, id)?;
        }
        tx.execute(
            "DELETE FROM sync_seen WHERE resource = ?",
            [resource.as_str()],
        )?;
        tx.commit()?;
        Ok(gone)
    }

    fn restart_listing(&self, resource: Resource) -> Result<(), Error> {
        self.conn().execute(
            "DELETE FROM sync_seen WHERE resource = ?",
            [resource.as_str()],
        )?;
        Ok(())
    }

    fn count_created(&self, resource: Resource, from: i64, to: i64) -> Result<u64, Error> {
        Ok(self.conn().prepare_cached(
            "SELECT count(*) FROM items WHERE resource = ? AND created_at >= ? AND created_at < ?",
        )?
        .query_row(params![resource.as_str(), from, to], |r| r.get::<_, i64>(0))? as u64)
    }

    fn ids_created(&self, resource: Resource, from: i64, to: i64) -> Result<Vec<String>, Error> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM items WHERE resource = ? AND created_at >= ? AND created_at < ?",
        )?;
        let ids = stmt
            .query_map(params![resource.as_str(), from, to], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    fn median_created(&self, resource: Resource, from: i64, to: i64) -> Result<Option<i64>, Error> {
        let n = self.count_created(resource, from, to)?;
        if n == 0 {
            return Ok(None);
        }
        Ok(self.conn().prepare_cached(
            "SELECT created_at FROM items WHERE resource = ? AND created_at >= ? AND created_at < ? ORDER BY created_at LIMIT 1 OFFSET ?",
        )?
        .query_row(params![resource.as_str(), from, to, (n / 2) as i64], |r| r.get(0))
        .optional()?)
    }

    fn get(&self, resource: Resource, id: &str) -> Result<Option<Value>, Error> {
        let text: Option<String> = self
            .conn()
            .prepare_cached(
                "SELECT d.doc FROM items i JOIN docs d ON d.rowid = i.rowid WHERE i.resource = ? AND i.id = ?",
            )?
            .query_row(params![resource.as_str(), id], |r| r.get(0))
            .optional()?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    fn search(&self, search: &Search) -> Result<Hits, Error> {
        if search.limit == 0 || search.limit > Search::MAX_LIMIT {
            return Err(Error::invalid(
                "limit",
                format!("must be 1 to {}, not {}", Search::MAX_LIMIT, search.limit),
            ));
        }
        let filter = &search.filter;
        let (cond, mut args) = conditions(search.resource, filter);
        let conn = self.conn();
        let columns = "i.id, i.title, i.state, i.team_id, i.admin_id, i.created_at, i.updated_at, i.truncated, i.rowid";
        // `CROSS JOIN` keeps the full-text index as the outer loop (SQLite does not reorder it):
        // matching first and filtering the matches is what stays fast with a filter on
        // `state` or dates, where probing the index once per filtered row is not.
        let (from, order, extra) = match &filter.text {
            Some(text) => {
                args.insert(0, Sql::Text(fts_query(text)));
                (
                    "items_fts CROSS JOIN items i ON i.rowid = items_fts.rowid WHERE items_fts MATCH ? AND",
                    "bm25(items_fts, 4.0, 1.0)",
                    ", bm25(items_fts, 4.0, 1.0)",
                )
            }
            None => ("items i WHERE", "i.updated_at DESC, i.id", ""),
        };
        let total: i64 = conn
            .prepare(&format!("SELECT count(*) FROM {from} {cond}"))?
            .query_row(params_from_iter(args.iter()), |r| r.get(0))
            .map_err(|e| text_error(filter, e))?;
        let mut page_args = args.clone();
        page_args.push(Sql::Integer(i64::from(search.limit)));
        page_args.push(Sql::Integer(search.offset as i64));
        let mut stmt = conn.prepare(&format!(
            "SELECT {columns}{extra} FROM {from} {cond} ORDER BY {order} LIMIT ? OFFSET ?"
        ))?;
        let text = filter.text.is_some();
        let mut rowids = Vec::new();
        let mut hits = stmt
            .query_map(params_from_iter(page_args.iter()), |r| {
                Ok((
                    r.get::<_, i64>(8)?,
                    Hit {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        state: r.get(2)?,
                        team_id: r.get(3)?,
                        admin_id: r.get(4)?,
                        created_at: r.get(5)?,
                        updated_at: r.get(6)?,
                        truncated: r.get(7)?,
                        snippet: None,
                        rank: if text { r.get(9)? } else { None },
                    },
                ))
            })
            .map_err(|e| text_error(filter, e))?
            .map(|row| {
                row.map(|(rowid, hit)| {
                    rowids.push(rowid);
                    hit
                })
            })
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| text_error(filter, e))?;
        // Snippets for the page alone, not for every match.
        if let Some(text) = &filter.text
            && !rowids.is_empty()
        {
            let marks = vec!["?"; rowids.len()].join(", ");
            let mut params = vec![Sql::Text(fts_query(text))];
            params.extend(rowids.iter().map(|r| Sql::Integer(*r)));
            let mut stmt = conn.prepare(&format!(
                "SELECT rowid, snippet(items_fts, 1, '[', ']', '…', 12) FROM items_fts WHERE items_fts MATCH ? AND rowid IN ({marks})"
            ))?;
            let snippets: HashMap<i64, String> = stmt
                .query_map(params_from_iter(params.iter()), |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            for (hit, rowid) in hits.iter_mut().zip(&rowids) {
                hit.snippet = snippets.get(rowid).cloned();
            }
        }
        Ok(Hits {
            total: total as u64,
            hits,
        })
    }

    fn count(&self, count: &Count) -> Result<Counts, Error> {
        let filter = &count.filter;
        let (mut cond, mut args) = conditions(count.resource, filter);
        if let Some(text) = &filter.text {
            cond.push_str(" AND i.rowid IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)");
            args.push(Sql::Text(fts_query(text)));
        }
        let conn = self.conn();
        let total: i64 = conn
            .prepare(&format!("SELECT count(*) FROM items i WHERE {cond}"))?
            .query_row(params_from_iter(args.iter()), |r| r.get(0))
            .map_err(|e| text_error(filter, e))?;
        let Some(group) = count.group_by else {
            return Ok(Counts {
                total: total as u64,
                groups: Vec::new(),
            });
        };
        let sql = match group {
            GroupBy::State => format!(
                "SELECT i.state, NULL, count(*) FROM items i WHERE {cond} GROUP BY 1 ORDER BY 3 DESC, 1"
            ),
            GroupBy::Team | GroupBy::Admin => {
                let (column, names) = match group {
                    GroupBy::Team => ("team_id", "teams"),
                    _ => ("admin_id", "admins"),
                };
                format!(
                    "SELECT i.{column}, (SELECT n.title FROM items n WHERE n.resource = '{names}' AND n.id = i.{column}), count(*) FROM items i WHERE {cond} GROUP BY i.{column} ORDER BY 3 DESC, 1"
                )
            }
            GroupBy::Tag => format!(
                "SELECT g.tag_id, max(g.tag_name), count(*) FROM items i JOIN item_tags g ON g.item = i.rowid WHERE {cond} GROUP BY g.tag_id ORDER BY 3 DESC, 1"
            ),
            GroupBy::Day | GroupBy::Week | GroupBy::Month => {
                // Whole days in SQL (integer division reads the index alone), periods here.
                let days: Vec<(Option<i64>, u64)> = conn
                    .prepare(&format!(
                        "SELECT i.created_at / 86400, count(*) FROM items i WHERE {cond} GROUP BY 1 ORDER BY 1"
                    ))?
                    .query_map(params_from_iter(args.iter()), |r| {
                        Ok((r.get(0)?, r.get::<_, i64>(1)? as u64))
                    })
                    .map_err(|e| text_error(filter, e))?
                    .collect::<rusqlite::Result<_>>()
                    .map_err(|e| text_error(filter, e))?;
                let mut periods: std::collections::BTreeMap<Option<String>, u64> =
                    std::collections::BTreeMap::new();
                for (day, n) in days {
                    *periods.entry(day.map(|d| period_of(d, group))).or_default() += n;
                }
                return Ok(Counts {
                    total: total as u64,
                    groups: periods
                        .into_iter()
                        .map(|(key, count)| CountGroup {
                            key,
                            name: None,
                            count,
                        })
                        .collect(),
                });
            }
        };
        let groups = conn
            .prepare(&sql)?
            .query_map(params_from_iter(args.iter()), |r| {
                Ok(CountGroup {
                    key: r.get(0)?,
                    name: r.get::<_, Option<String>>(1)?.filter(|n| !n.is_empty()),
                    count: r.get::<_, i64>(2)? as u64,
                })
            })
            .map_err(|e| text_error(filter, e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| text_error(filter, e))?;
        Ok(Counts {
            total: total as u64,
            groups,
        })
    }

    fn export(
        &self,
        resource: Resource,
        filter: &Filter,
        sink: &mut dyn FnMut(&Value) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        let (mut cond, mut args) = conditions(resource, filter);
        if let Some(text) = &filter.text {
            cond.push_str(" AND i.rowid IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)");
            args.push(Sql::Text(fts_query(text)));
        }
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT d.doc FROM items i JOIN docs d ON d.rowid = i.rowid WHERE {cond} ORDER BY i.created_at, i.id"
        ))?;
        let mut rows = stmt
            .query(params_from_iter(args.iter()))
            .map_err(|e| text_error(filter, e))?;
        let mut n = 0;
        while let Some(row) = rows.next().map_err(|e| text_error(filter, e))? {
            let text: String = row.get(0)?;
            let doc: Value = serde_json::from_str(&text).map_err(|e| Error::Unexpected {
                resource: resource.as_str(),
                message: format!("stored document unreadable: {e}"),
            })?;
            sink(&doc)?;
            n += 1;
        }
        Ok(n)
    }

    fn freshness(&self) -> Result<Freshness, Error> {
        let mut resources = Vec::new();
        for resource in Resource::ALL {
            let cp = self.checkpoint(resource)?;
            let items =
                self.conn()
                    .prepare_cached("SELECT count(*) FROM items WHERE resource = ?")?
                    .query_row([resource.as_str()], |r| r.get::<_, i64>(0))? as u64;
            resources.push(ResourceFreshness::new(resource, items, cp.as_ref()));
        }
        Ok(Freshness::of(resources))
    }

    fn size_on_disk(&self) -> Result<u64, Error> {
        let Some(path) = &self.path else {
            return Ok(0);
        };
        let conn = self.conn();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let size = |p: &str| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        Ok(size(path) + size(&format!("{path}-wal")))
    }
}
