//! The sandbox's persistent state: a narrow document store over SQLite.
//!
//! Every resource kind lives in its own table of `(seq, id, k1, k2, doc)`: `seq` orders rows
//! for cursors, `id` is Intercom's id, `k1`/`k2` are lookup keys specific to the kind (see
//! [`Kind`]) and `doc` is exactly the JSON the API returns for the object, which is what the
//! search compiler filters on. Documents are stored as SQLite's binary JSON (`jsonb`), which the
//! JSON functions read without parsing text, and read back as text with `json(doc)`; the fields
//! searched most have expression indexes (`search::INDEXED_PATHS`). Relations (tagging, company membership, segment membership) live
//! in one `links` table. Nothing outside this module writes SQL, so another backend (PostgreSQL)
//! can replace it behind the same methods.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use serde_json::Value;

use crate::search::SqlFilter;

/// A resource kind, i.e. a table. The meaning of the lookup keys per kind:
/// contacts k1 = lower-case email, k2 = external_id; companies k1 = company_id, k2 = lower-case
/// name; tags k1 = lower-case name; conversation parts k1 = conversation id; tickets k1 = ticket
/// type id, k2 = the human-facing `ticket_id`; ticket types k1 = lower-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Admin,
    Team,
    Contact,
    Company,
    Tag,
    Segment,
    Conversation,
    Part,
    TicketType,
    TicketState,
    Ticket,
}

impl Kind {
    const ALL: [Kind; 11] = [
        Kind::Admin,
        Kind::Team,
        Kind::Contact,
        Kind::Company,
        Kind::Tag,
        Kind::Segment,
        Kind::Conversation,
        Kind::Part,
        Kind::TicketType,
        Kind::TicketState,
        Kind::Ticket,
    ];

    /// Which lookup keys the kind uses (and so indexes).
    fn indexed_keys(self) -> (bool, bool) {
        match self {
            Kind::Contact | Kind::Company | Kind::Ticket => (true, true),
            Kind::Tag | Kind::Part | Kind::TicketType => (true, false),
            Kind::Admin | Kind::Team | Kind::Segment | Kind::Conversation | Kind::TicketState => {
                (false, false)
            }
        }
    }

    fn table(self) -> &'static str {
        match self {
            Kind::Admin => "admins",
            Kind::Team => "teams",
            Kind::Contact => "contacts",
            Kind::Company => "companies",
            Kind::Tag => "tags",
            Kind::Segment => "segments",
            Kind::Conversation => "conversations",
            Kind::Part => "conversation_parts",
            Kind::TicketType => "ticket_types",
            Kind::TicketState => "ticket_states",
            Kind::Ticket => "tickets",
        }
    }
}

/// Which lookup key a query uses.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Key {
    K1,
    K2,
}

impl Key {
    fn column(self) -> &'static str {
        match self {
            Key::K1 => "k1",
            Key::K2 => "k2",
        }
    }
}

/// A relation between two ids, stored in `links`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rel {
    /// contact id -> company id
    ContactCompany,
    /// contact id -> tag id
    ContactTag,
    /// company id -> tag id
    CompanyTag,
    /// conversation id -> tag id
    ConversationTag,
    /// contact id -> segment id
    ContactSegment,
    /// company id -> segment id
    CompanySegment,
    /// contact id -> "archived" marker
    ContactArchived,
    /// ticket id -> tag id
    TicketTag,
    /// ticket type id -> ticket state id (the states a type offers)
    TicketTypeState,
    /// ticket id -> company id
    TicketCompany,
}

impl Rel {
    fn name(self) -> &'static str {
        match self {
            Rel::ContactCompany => "contact_company",
            Rel::ContactTag => "contact_tag",
            Rel::CompanyTag => "company_tag",
            Rel::ConversationTag => "conversation_tag",
            Rel::ContactSegment => "contact_segment",
            Rel::CompanySegment => "company_segment",
            Rel::ContactArchived => "contact_archived",
            Rel::TicketTag => "ticket_tag",
            Rel::TicketTypeState => "ticket_type_state",
            Rel::TicketCompany => "ticket_company",
        }
    }
}

/// One stored object.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub seq: i64,
    pub id: String,
    pub doc: Value,
}

/// One relation row.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub a: String,
    pub b: String,
    pub at: i64,
    pub by: Option<String>,
}

/// Lookup keys written with a document.
#[derive(Debug, Clone, Default)]
pub(crate) struct Keys {
    pub k1: Option<String>,
    pub k2: Option<String>,
}

impl Keys {
    pub fn none() -> Keys {
        Keys::default()
    }
    pub fn k1(k1: Option<String>) -> Keys {
        Keys { k1, k2: None }
    }
    pub fn both(k1: Option<String>, k2: Option<String>) -> Keys {
        Keys { k1, k2 }
    }
}

/// Ordering of a page query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Asc,
    Desc,
}

pub(crate) struct Store {
    conn: Connection,
}

type SqlResult<T> = rusqlite::Result<T>;

fn parse_doc(text: String) -> SqlResult<Value> {
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

impl Store {
    /// Opens the store at `path`, or in memory, and creates the schema if missing.
    pub fn open(path: Option<&Path>) -> SqlResult<Store> {
        let conn = match path {
            Some(path) => Connection::open(path)?,
            None => Connection::open_in_memory()?,
        };
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        crate::search::register_functions(&conn)?;
        if path.is_some() {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        let store = Store { conn };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&self) -> SqlResult<()> {
        let mut sql = String::from(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS links (rel TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL,
                 at INTEGER NOT NULL, by_id TEXT, PRIMARY KEY (rel, a, b));
             CREATE INDEX IF NOT EXISTS links_by_b ON links (rel, b);
             CREATE TABLE IF NOT EXISTS records (seq INTEGER PRIMARY KEY AUTOINCREMENT,
                 resource TEXT NOT NULL, id TEXT NOT NULL, parent TEXT, doc TEXT NOT NULL,
                 UNIQUE (resource, id));
             CREATE INDEX IF NOT EXISTS records_by_parent ON records (resource, parent);",
        );
        for kind in Kind::ALL {
            let t = kind.table();
            sql.push_str(&format!(
                "CREATE TABLE IF NOT EXISTS {t} (seq INTEGER PRIMARY KEY AUTOINCREMENT,
                     id TEXT NOT NULL UNIQUE, k1 TEXT, k2 TEXT, doc TEXT NOT NULL);"
            ));
            let (k1, k2) = kind.indexed_keys();
            if k1 {
                sql.push_str(&format!("CREATE INDEX IF NOT EXISTS {t}_k1 ON {t} (k1);"));
            }
            if k2 {
                sql.push_str(&format!("CREATE INDEX IF NOT EXISTS {t}_k2 ON {t} (k2);"));
            }
        }
        for (table, paths) in crate::search::INDEXED_PATHS {
            for (i, (path, fold)) in paths.iter().enumerate() {
                let expr = format!("json_extract(doc, '{path}')");
                let expr = if *fold {
                    format!("lower({expr})")
                } else {
                    expr
                };
                sql.push_str(&format!(
                    "CREATE INDEX IF NOT EXISTS {table}_search_{i} ON {table} ({expr});"
                ));
            }
        }
        // Conversations' bodies are searched by word through a full-text index; a store made
        // before the index existed gets it filled from its rows.
        let table = Kind::Conversation.table();
        let indexed: i64 = self.conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = ?1",
            [format!("{table}_body")],
            |r| r.get(0),
        )?;
        sql.push_str(&crate::search::body_index_schema(table, "seq"));
        self.conn.execute_batch(&sql)?;
        if indexed == 0 {
            self.conn
                .execute_batch(&crate::search::body_index_backfill(table, "seq"))?;
        }
        Ok(())
    }

    /// The full-text index of conversations' `source.body` words, for searches over them.
    pub fn conversation_body_index() -> crate::search::BodyIndex {
        crate::search::BodyIndex {
            fts_table: format!("{}_body", Kind::Conversation.table()),
            rowid: "seq".to_owned(),
        }
    }

    /// Runs `f` in one transaction: committed when it returns `Ok`, rolled back otherwise.
    pub fn transaction<T, E>(&mut self, f: impl FnOnce(&Store) -> Result<T, E>) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        if !self.conn.is_autocommit() {
            // A panic unwound through an earlier transaction; drop what it left behind.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        match f(self) {
            Ok(value) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(value)
            }
            Err(err) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(err)
            }
        }
    }

    pub fn meta(&self, key: &str) -> SqlResult<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
    }

    pub fn set_meta(&self, key: &str, value: &str) -> SqlResult<()> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// Increments the counter `name` (starting after `start`) and returns the new value.
    pub fn next_counter(&self, name: &str, start: i64) -> SqlResult<i64> {
        let current = self
            .meta(name)?
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(start);
        let next = current + 1;
        self.set_meta(name, &next.to_string())?;
        Ok(next)
    }

    pub fn insert(&self, kind: Kind, id: &str, keys: &Keys, doc: &Value) -> SqlResult<i64> {
        self.insert_raw(kind, id, keys, &doc.to_string())
    }

    /// Inserts a document already serialized to JSON text.
    pub fn insert_raw(&self, kind: Kind, id: &str, keys: &Keys, json: &str) -> SqlResult<i64> {
        let sql = format!(
            "INSERT INTO {} (id, k1, k2, doc) VALUES (?1, ?2, ?3, jsonb(?4))",
            kind.table()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        stmt.execute(params![id, keys.k1, keys.k2, json])?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Replaces the document and keys of an existing row; false when there is none.
    pub fn update(&self, kind: Kind, id: &str, keys: &Keys, doc: &Value) -> SqlResult<bool> {
        let sql = format!(
            "UPDATE {} SET k1 = ?2, k2 = ?3, doc = jsonb(?4) WHERE id = ?1",
            kind.table()
        );
        let n = self.conn.prepare_cached(&sql)?.execute(params![
            id,
            keys.k1,
            keys.k2,
            doc.to_string()
        ])?;
        Ok(n > 0)
    }

    /// Replaces only the document.
    pub fn update_doc(&self, kind: Kind, id: &str, doc: &Value) -> SqlResult<bool> {
        let sql = format!("UPDATE {} SET doc = jsonb(?2) WHERE id = ?1", kind.table());
        let n = self
            .conn
            .prepare_cached(&sql)?
            .execute(params![id, doc.to_string()])?;
        Ok(n > 0)
    }

    pub fn get(&self, kind: Kind, id: &str) -> SqlResult<Option<Value>> {
        let sql = format!("SELECT json(doc) FROM {} WHERE id = ?1", kind.table());
        let text: Option<String> = self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], |r| r.get(0))
            .optional()?;
        text.map(parse_doc).transpose()
    }

    /// Rows whose lookup key equals `value`, in `seq` order.
    pub fn find_by(&self, kind: Kind, key: Key, value: &str) -> SqlResult<Vec<Row>> {
        let sql = format!(
            "SELECT seq, id, json(doc) FROM {} WHERE {} = ?1 ORDER BY seq",
            kind.table(),
            key.column()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([value], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        collect_rows(rows)
    }

    pub fn delete(&self, kind: Kind, id: &str) -> SqlResult<bool> {
        let sql = format!("DELETE FROM {} WHERE id = ?1", kind.table());
        Ok(self.conn.prepare_cached(&sql)?.execute([id])? > 0)
    }

    /// Up to `limit` rows after position `after_seq` (exclusive) in `order`, filtered.
    pub fn page(
        &self,
        kind: Kind,
        filter: Option<&SqlFilter>,
        after_seq: Option<i64>,
        order: Order,
        limit: usize,
    ) -> SqlResult<Vec<Row>> {
        let mut clauses = Vec::new();
        let mut params: Vec<rusqlite::types::Value> = Vec::new();
        if let Some(f) = filter {
            clauses.push(format!("({})", f.where_clause));
            params.extend(f.params.iter().cloned());
        }
        if let Some(seq) = after_seq {
            params.push(rusqlite::types::Value::Integer(seq));
            let op = if order == Order::Asc { ">" } else { "<" };
            clauses.push(format!("seq {op} ?{}", params.len()));
        }
        let where_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let dir = if order == Order::Asc { "ASC" } else { "DESC" };
        params.push(rusqlite::types::Value::Integer(limit as i64));
        let sql = format!(
            "SELECT seq, id, json(doc) FROM {} {where_sql} ORDER BY seq {dir} LIMIT ?{}",
            kind.table(),
            params.len()
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(params.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        collect_rows(rows)
    }

    /// Rows at page `page` (1-based) of `per_page`, filtered.
    pub fn page_number(
        &self,
        kind: Kind,
        filter: Option<&SqlFilter>,
        order: Order,
        page: usize,
        per_page: usize,
    ) -> SqlResult<Vec<Row>> {
        let mut params: Vec<rusqlite::types::Value> = Vec::new();
        let where_sql = match filter {
            Some(f) => {
                params.extend(f.params.iter().cloned());
                format!("WHERE ({})", f.where_clause)
            }
            None => String::new(),
        };
        let dir = if order == Order::Asc { "ASC" } else { "DESC" };
        params.push(rusqlite::types::Value::Integer(per_page as i64));
        let limit_at = params.len();
        params.push(rusqlite::types::Value::Integer(
            (page.saturating_sub(1) * per_page) as i64,
        ));
        let sql = format!(
            "SELECT seq, id, json(doc) FROM {} {where_sql} ORDER BY seq {dir} LIMIT ?{limit_at} OFFSET ?{}",
            kind.table(),
            params.len()
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(params.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        collect_rows(rows)
    }

    /// How many rows match `filter`; with `upto`, only those at or before that position.
    pub fn count(
        &self,
        kind: Kind,
        filter: Option<&SqlFilter>,
        upto: Option<(i64, Order)>,
    ) -> SqlResult<usize> {
        let mut clauses = Vec::new();
        let mut params: Vec<rusqlite::types::Value> = Vec::new();
        if let Some(f) = filter {
            clauses.push(format!("({})", f.where_clause));
            params.extend(f.params.iter().cloned());
        }
        if let Some((seq, order)) = upto {
            params.push(rusqlite::types::Value::Integer(seq));
            let op = if order == Order::Asc { "<=" } else { ">=" };
            clauses.push(format!("seq {op} ?{}", params.len()));
        }
        let where_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let sql = format!("SELECT COUNT(*) FROM {} {where_sql}", kind.table());
        let n: i64 = self
            .conn
            .query_row(&sql, params_from_iter(params.iter()), |r| r.get(0))?;
        Ok(n as usize)
    }

    /// A filter selecting rows whose id is the `a` side of `rel` links to `b`.
    pub fn linked_to_filter(rel: Rel, b: &str) -> SqlFilter {
        SqlFilter {
            where_clause: "id IN (SELECT a FROM links WHERE rel = ? AND b = ?)".to_owned(),
            params: vec![rel.name().to_owned().into(), b.to_owned().into()],
        }
    }

    /// Links `a` to `b` (idempotent; keeps the first `at`/`by`). True when newly linked.
    pub fn link(&self, rel: Rel, a: &str, b: &str, at: i64, by: Option<&str>) -> SqlResult<bool> {
        let n = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO links (rel, a, b, at, by_id) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![rel.name(), a, b, at, by])?;
        Ok(n > 0)
    }

    pub fn unlink(&self, rel: Rel, a: &str, b: &str) -> SqlResult<bool> {
        let n = self
            .conn
            .prepare_cached("DELETE FROM links WHERE rel = ?1 AND a = ?2 AND b = ?3")?
            .execute(params![rel.name(), a, b])?;
        Ok(n > 0)
    }

    /// Links from `a`, in link order.
    pub fn links_from(&self, rel: Rel, a: &str) -> SqlResult<Vec<Link>> {
        self.links_query(
            "SELECT a, b, at, by_id FROM links WHERE rel = ?1 AND a = ?2 ORDER BY at, rowid",
            rel,
            a,
        )
    }

    /// The documents of `kind` linked from `a`, each with its link, in link order (a link whose
    /// target no longer exists is skipped).
    pub fn linked(&self, rel: Rel, a: &str, kind: Kind) -> SqlResult<Vec<(Link, Value)>> {
        let mut out = Vec::new();
        for link in self.links_from(rel, a)? {
            if let Some(doc) = self.get(kind, &link.b)? {
                out.push((link, doc));
            }
        }
        Ok(out)
    }

    /// Links to `b`, in link order.
    pub fn links_to(&self, rel: Rel, b: &str) -> SqlResult<Vec<Link>> {
        self.links_query(
            "SELECT a, b, at, by_id FROM links WHERE rel = ?1 AND b = ?2 ORDER BY at, rowid",
            rel,
            b,
        )
    }

    fn links_query(&self, sql: &str, rel: Rel, id: &str) -> SqlResult<Vec<Link>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params![rel.name(), id], |r| {
            Ok(Link {
                a: r.get(0)?,
                b: r.get(1)?,
                at: r.get(2)?,
                by: r.get(3)?,
            })
        })?;
        rows.collect()
    }

    pub fn count_links_to(&self, rel: Rel, b: &str) -> SqlResult<usize> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM links WHERE rel = ?1 AND b = ?2")?
            .query_row(params![rel.name(), b], |r| r.get(0))?;
        Ok(n as usize)
    }

    /// Removes every link where `id` is on the `a` side.
    pub fn unlink_all_from(&self, rel: Rel, a: &str) -> SqlResult<usize> {
        self.conn
            .prepare_cached("DELETE FROM links WHERE rel = ?1 AND a = ?2")?
            .execute(params![rel.name(), a])
    }

    /// Removes every link where `id` is on the `b` side.
    pub fn unlink_all_to(&self, rel: Rel, b: &str) -> SqlResult<usize> {
        self.conn
            .prepare_cached("DELETE FROM links WHERE rel = ?1 AND b = ?2")?
            .execute(params![rel.name(), b])
    }
}

/// Documents of the table-driven resources (see `api::engine`): one table keyed by resource
/// name and id, with the concrete path of the parent a nested record was created under.
impl Store {
    pub fn record_insert(
        &self,
        resource: &str,
        id: &str,
        parent: Option<&str>,
        doc: &Value,
    ) -> SqlResult<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO records (resource, id, parent, doc) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (resource, id) DO UPDATE SET doc = excluded.doc",
            )?
            .execute(params![resource, id, parent, doc.to_string()])?;
        Ok(())
    }

    pub fn record_get(&self, resource: &str, id: &str) -> SqlResult<Option<Value>> {
        let text: Option<String> = self
            .conn
            .prepare_cached("SELECT doc FROM records WHERE resource = ?1 AND id = ?2")?
            .query_row([resource, id], |r| r.get(0))
            .optional()?;
        text.map(parse_doc).transpose()
    }

    /// A resource's documents in creation order; with `parent`, only those created under it.
    pub fn record_list(&self, resource: &str, parent: Option<&str>) -> SqlResult<Vec<Value>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT doc FROM records WHERE resource = ?1 AND (?2 IS NULL OR parent = ?2) ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![resource, parent], |r| r.get::<_, String>(0))?;
        rows.map(|r| parse_doc(r?)).collect()
    }

    pub fn record_update(&self, resource: &str, id: &str, doc: &Value) -> SqlResult<bool> {
        let n = self
            .conn
            .prepare_cached("UPDATE records SET doc = ?3 WHERE resource = ?1 AND id = ?2")?
            .execute(params![resource, id, doc.to_string()])?;
        Ok(n > 0)
    }

    pub fn record_delete(&self, resource: &str, id: &str) -> SqlResult<bool> {
        let n = self
            .conn
            .prepare_cached("DELETE FROM records WHERE resource = ?1 AND id = ?2")?
            .execute(params![resource, id])?;
        Ok(n > 0)
    }
}

fn collect_rows(
    rows: impl Iterator<Item = SqlResult<(i64, String, String)>>,
) -> SqlResult<Vec<Row>> {
    rows.map(|r| {
        let (seq, id, doc) = r?;
        Ok(Row {
            seq,
            id,
            doc: parse_doc(doc)?,
        })
    })
    .collect()
}
