//! The shared store: a PostgreSQL database, for several processes or replicas at once.
//! The design, tables and differences are documented on [`PostgresStore`].

use std::collections::HashMap;
use std::str::FromStr as _;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, NoTls, Statement};
use serde_json::Value;

use crate::store::{Checkpoint, Freshness, ResourceFreshness, Store, Write};
use crate::{
    Count, CountGroup, Counts, Error, Facets, Filter, GroupBy, Hit, Hits, Resource, Search, facets,
};

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS mirror_schema (version integer NOT NULL);
CREATE TABLE IF NOT EXISTS mirror_items (
    item bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resource text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    created_at bigint,
    updated_at bigint,
    state text COLLATE "C",
    team_id text COLLATE "C",
    admin_id text COLLATE "C",
    title text NOT NULL DEFAULT '',
    body text NOT NULL DEFAULT '',
    parts_total bigint,
    parts_stored bigint,
    truncated boolean NOT NULL DEFAULT false,
    doc text NOT NULL,
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, body), 'D')
    ) STORED,
    UNIQUE (resource, id)
);
-- No pending list: a search right after a sync's bulk writes does not scan them one by one.
CREATE INDEX IF NOT EXISTS mirror_items_search ON mirror_items USING gin (search)
    WITH (fastupdate = off);
CREATE INDEX IF NOT EXISTS mirror_items_created ON mirror_items (resource, created_at);
CREATE INDEX IF NOT EXISTS mirror_items_export
    ON mirror_items (resource, (coalesce(created_at, -9223372036854775807)), id);
CREATE INDEX IF NOT EXISTS mirror_items_updated ON mirror_items (resource, updated_at);
CREATE INDEX IF NOT EXISTS mirror_items_state ON mirror_items (resource, state, created_at);
CREATE INDEX IF NOT EXISTS mirror_items_team ON mirror_items (resource, team_id, created_at);
CREATE INDEX IF NOT EXISTS mirror_items_admin ON mirror_items (resource, admin_id, created_at);
CREATE TABLE IF NOT EXISTS mirror_item_tags (
    item bigint NOT NULL REFERENCES mirror_items ON DELETE CASCADE,
    tag_id text COLLATE "C" NOT NULL,
    tag_name text NOT NULL,
    PRIMARY KEY (item, tag_id)
);
CREATE INDEX IF NOT EXISTS mirror_item_tags_id ON mirror_item_tags (tag_id);
CREATE INDEX IF NOT EXISTS mirror_item_tags_name ON mirror_item_tags (lower(tag_name));
CREATE TABLE IF NOT EXISTS mirror_item_contacts (
    item bigint NOT NULL REFERENCES mirror_items ON DELETE CASCADE,
    contact_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (item, contact_id)
);
CREATE INDEX IF NOT EXISTS mirror_item_contacts_id ON mirror_item_contacts (contact_id);
CREATE TABLE IF NOT EXISTS mirror_sync_state (
    resource text PRIMARY KEY,
    checkpoint text NOT NULL
);
CREATE TABLE IF NOT EXISTS mirror_sync_seen (
    resource text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    PRIMARY KEY (resource, id)
);
"#;

/// `created_at` of a document without one, in the export order (first, as SQLite sorts NULL).
const NO_TIME: i64 = -9_223_372_036_854_775_807;
/// Documents per export page.
const EXPORT_PAGE: i64 = 500;
/// Runs of a transaction the server aborted for a deadlock or a serialization failure.
const ATTEMPTS: u32 = 5;

const UPSERT: &str = "INSERT INTO mirror_items (resource, id, created_at, updated_at, state, team_id, admin_id, title, body, parts_total, parts_stored, truncated, doc) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
    ON CONFLICT (resource, id) DO UPDATE SET created_at = excluded.created_at, updated_at = excluded.updated_at, state = excluded.state, team_id = excluded.team_id, admin_id = excluded.admin_id, title = excluded.title, body = excluded.body, parts_total = excluded.parts_total, parts_stored = excluded.parts_stored, truncated = excluded.truncated, doc = excluded.doc \
    WHERE mirror_items.doc IS DISTINCT FROM excluded.doc \
    RETURNING item";
const SEEN: &str =
    "INSERT INTO mirror_sync_seen (resource, id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
const CLEAR_TAGS: &str = "DELETE FROM mirror_item_tags WHERE item = $1";
const CLEAR_CONTACTS: &str = "DELETE FROM mirror_item_contacts WHERE item = $1";
const TAG: &str = "INSERT INTO mirror_item_tags (item, tag_id, tag_name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
const CONTACT: &str =
    "INSERT INTO mirror_item_contacts (item, contact_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
const DELETE: &str = "DELETE FROM mirror_items WHERE resource = $1 AND id = ANY($2)";
const SAVE_CHECKPOINT: &str = "INSERT INTO mirror_sync_state (resource, checkpoint) VALUES ($1, $2) ON CONFLICT (resource) DO UPDATE SET checkpoint = excluded.checkpoint";

/// A mirror in a PostgreSQL database, shared by several processes or replicas.
///
/// # Tables
///
/// Created on first open in the connection's current schema (the first of `search_path`;
/// `?options=-csearch_path%3Dmirror` in the URL picks another), under an advisory lock so that
/// replicas starting together do not race, and recorded as schema version
/// [`PostgresStore::SCHEMA_VERSION`] in `mirror_schema` (a newer version is refused):
/// `mirror_items` holds every document as Intercom returned it (`doc`, the JSON text as it came)
/// beside the columns questions filter and group on, its plain-text transcript (`body`) and a
/// generated `tsvector` column (`search`: the title weighted `A`, the transcript `D`) with a
/// GIN index; `mirror_item_tags` and `mirror_item_contacts` hold the lists (deleted with their
/// document); `mirror_sync_state` keeps each resource's [`Checkpoint`] and `mirror_sync_seen`
/// what a listing saw.
///
/// # Concurrency
///
/// Every [`Store::write`] and [`Store::finish_listing`] is one transaction; documents are
/// upserted with `INSERT … ON CONFLICT`, so two writers of the same document never lose one
/// write or fail on a duplicate, and a checkpoint is committed with the page it follows or not
/// at all. A transaction that the server aborts for a deadlock or a serialization failure is
/// run again (up to five times). Each store holds one connection; one process may share one
/// store between threads (calls are served in turn), several processes each open their own.
///
/// # Why a thread
///
/// The [`Store`] trait is synchronous, and the sync engine, the CLI and the MCP tools call it
/// from async code on tokio runtimes, current-thread ones included (`#[tokio::test]`, the
/// CLI's). The `postgres` crate drives its connection with a private tokio runtime and
/// panics when it is used (or dropped) on a thread that runs a runtime. So the connection lives
/// on a thread the store owns, which runs no runtime of its own but the crate's: each call
/// sends a job there over a channel and waits for its answer, as a call to the SQLite store
/// waits for its file. [`Store::export`] fetches keyset pages of 500 documents (ordered by
/// `created_at`, `id`) and hands each to the sink on the caller's thread between pages, so
/// neither the whole table nor a long transaction is held, and a sink may call the store. A
/// closed connection is opened again before the next call.
///
/// # Full text: how it differs from the SQLite store
///
/// The query language is the same (plain words all required, `"a phrase"`, `word*`, `OR`,
/// `AND`, `NOT`, parentheses), translated to a `tsquery` with the `simple` configuration: words
/// are lower-cased but neither stemmed nor dropped as stop words, as in SQLite's `unicode61`.
/// The differences: accents are kept (`café` does not match `cafe`); PostgreSQL's parser keeps
/// e-mail addresses, URLs, numbers like `3.5` and hyphenated words whole (as well as in parts
/// for the hyphenated), where FTS5 splits them at punctuation; `NEAR(…)` is refused; the rank
/// is `ts_rank` (frequency, title four times the transcript, negated so that lower is better
/// as with BM25), not BM25; snippets come from `ts_headline` (up to two fragments of up to 12
/// words, joined by `…`). Words matched and counts agree for ordinary words and phrases.
///
/// # TLS
///
/// Not supported yet: connect over loopback, a Unix socket or a trusted network. A URL asking
/// for TLS (`sslmode=require`) is refused rather than connected in plain text; the default
/// (`prefer`, as libpq) connects without it.
pub struct PostgresStore {
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
    /// The URL without its password.
    shown: String,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("db", &self.shown)
            .finish_non_exhaustive()
    }
}

type Job = Box<dyn FnOnce(&mut Worker) + Send>;

/// The store's thread: the connection (opened again when it closed) and its statements.
struct Worker {
    config: postgres::Config,
    shown: String,
    conn: Option<Conn>,
}

struct Conn {
    client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl Worker {
    fn conn(&mut self) -> Result<&mut Conn, Error> {
        if self.conn.as_ref().is_some_and(|c| c.client.is_closed()) {
            self.conn = None;
        }
        if self.conn.is_none() {
            let client = self.config.connect(NoTls).map_err(|e| Error::Connect {
                db: self.shown.clone(),
                message: describe(&e),
            })?;
            self.conn = Some(Conn {
                client,
                statements: HashMap::new(),
            });
        }
        Ok(self.conn.as_mut().expect("opened above"))
    }
}

impl Conn {
    /// The prepared statement of `sql` (prepared once per connection).
    fn statement(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }
}

/// A PostgreSQL error with its causes, in one line.
fn describe(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut text = format!("{} {}: {}", db.severity(), db.code().code(), db.message());
        if let Some(detail) = db.detail() {
            text.push_str(&format!(" ({detail})"));
        }
        return text;
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

fn db(error: postgres::Error) -> Error {
    Error::Postgres {
        message: describe(&error),
    }
}

/// Whether running the transaction again may succeed.
fn retryable(error: &postgres::Error) -> bool {
    matches!(
        error.code(),
        Some(c) if *c == SqlState::T_R_DEADLOCK_DETECTED || *c == SqlState::T_R_SERIALIZATION_FAILURE
    )
}

/// The password of a URL as written (percent-encoded) and decoded, to keep out of messages.
fn secrets(url: &str, config: Option<&postgres::Config>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(rest) = url.split_once("://").map(|(_, r)| r) {
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && let Some((_, password)) = userinfo.split_once(':')
        {
            out.push(password.to_owned());
        }
    }
    for pair in url.split(['?', '&', ' ']) {
        if let Some(password) = pair.strip_prefix("password=") {
            out.push(password.trim_matches('\'').to_owned());
        }
    }
    if let Some(password) = config.and_then(|c| c.get_password()) {
        out.push(String::from_utf8_lossy(password).into_owned());
    }
    out.retain(|s| !s.is_empty());
    out
}

fn scrub(mut text: String, secrets: &[String]) -> String {
    for secret in secrets {
        text = text.replace(secret.as_str(), "***");
    }
    text
}

/// `postgres://user@host:port/db`: what a message may show of the URL.
fn shown(config: &postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(n, host)| {
            let name = match host {
                Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                Host::Unix(path) => path.display().to_string(),
            };
            match config.get_ports().get(n).or(config.get_ports().first()) {
                Some(port) => format!("{name}:{port}"),
                None => name,
            }
        })
        .collect();
    let user = config
        .get_user()
        .map(|u| format!("{u}@"))
        .unwrap_or_default();
    let dbname = config.get_dbname().unwrap_or_default();
    format!("postgres://{user}{}/{dbname}", hosts.join(","))
}

impl PostgresStore {
    /// The schema version this build creates and reads.
    pub const SCHEMA_VERSION: i32 = 1;

    /// Connects to the database `url` names (`postgres://user:password@host:port/db`, or the
    /// `key=value` form) and creates the mirror's tables when missing.
    ///
    /// A URL that cannot be read, or that asks for TLS, is an [`Error::Invalid`] of field
    /// `db`; a server that cannot be reached or refuses is an [`Error::Connect`]. Neither
    /// message shows the password.
    pub fn open(url: &str) -> Result<PostgresStore, Error> {
        let mut config = postgres::Config::from_str(url).map_err(|e| {
            let secrets = secrets(url, None);
            let mut at = url.to_owned();
            for s in &secrets {
                at = at.replace(s.as_str(), "***");
            }
            Error::invalid(
                "db",
                scrub(
                    format!(
                        "`{at}` is not a PostgreSQL URL ({}): use postgres://user:password@host:port/database",
                        describe(&e)
                    ),
                    &secrets,
                ),
            )
        })?;
        let secrets = secrets(url, Some(&config));
        let shown = shown(&config);
        if !matches!(config.get_ssl_mode(), SslMode::Disable | SslMode::Prefer) {
            return Err(Error::invalid(
                "db",
                format!(
                    "{shown} asks for TLS (sslmode=require), which the PostgreSQL mirror does not support yet: connect over loopback, a Unix socket or a trusted network with sslmode=disable"
                ),
            ));
        }
        if config.get_hosts().is_empty() {
            return Err(Error::invalid(
                "db",
                format!("{shown} names no host: use postgres://user:password@host:port/database"),
            ));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("intercom-mirror");
        }

        let (jobs, queue) = mpsc::channel::<Job>();
        let (ready, opened) = mpsc::sync_channel::<Result<(), Error>>(1);
        let mut worker = Worker {
            config,
            shown: shown.clone(),
            conn: None,
        };
        let thread = std::thread::Builder::new()
            .name("intercom-mirror-postgres".to_owned())
            .spawn(move || {
                let db = worker.shown.clone();
                let setup = worker.conn().and_then(|conn| {
                    create_schema(&mut conn.client)
                        .map_err(|message| Error::Connect { db, message })
                });
                let ok = setup.is_ok();
                let _ = ready.send(setup);
                if !ok {
                    return;
                }
                while let Ok(job) = queue.recv() {
                    // A panicking job loses its answer (the caller gets an error), not the
                    // store.
                    let _ =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut worker)));
                }
            })
            .map_err(|e| Error::Connect {
                db: shown.clone(),
                message: format!("cannot start the connection's thread: {e}"),
            })?;
        let outcome = opened.recv().unwrap_or_else(|_| {
            Err(Error::Connect {
                db: shown.clone(),
                message: "the connection's thread stopped".to_owned(),
            })
        });
        if let Err(error) = outcome {
            let _ = thread.join();
            return Err(match error {
                Error::Connect { db, message } => Error::Connect {
                    db,
                    message: scrub(message, &secrets),
                },
                other => other,
            });
        }
        Ok(PostgresStore {
            jobs: Some(jobs),
            thread: Some(thread),
            shown,
        })
    }

    /// Runs `job` on the connection's thread and waits for its answer.
    fn call<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Conn) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let stopped = || Error::Postgres {
            message: "the PostgreSQL connection's thread stopped".to_owned(),
        };
        let (answer, answered) = mpsc::sync_channel(1);
        let jobs = self.jobs.as_ref().ok_or_else(stopped)?;
        jobs.send(Box::new(move |worker: &mut Worker| {
            let _ = answer.send(worker.conn().and_then(job));
        }))
        .map_err(|_| stopped())?;
        answered.recv().map_err(|_| stopped())?
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        // The thread ends when the queue closes, and closes the connection itself.
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Creates the tables (once, whoever opens first) and checks the schema version.
fn create_schema(client: &mut Client) -> Result<(), String> {
    let run = |client: &mut Client| -> Result<(), postgres::Error> {
        let mut tx = client.transaction()?;
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext(coalesce(current_schema(), '') || '.intercom_mirror'))",
            &[],
        )?;
        tx.batch_execute(SCHEMA)?;
        let versions: Vec<i32> = tx
            .query("SELECT version FROM mirror_schema", &[])?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if versions.is_empty() {
            tx.execute(
                "INSERT INTO mirror_schema (version) VALUES ($1)",
                &[&PostgresStore::SCHEMA_VERSION],
            )?;
        }
        tx.commit()?;
        Ok(())
    };
    run(client).map_err(|e| describe(&e))?;
    let version: i32 = client
        .query_one("SELECT max(version) FROM mirror_schema", &[])
        .map_err(|e| describe(&e))?
        .get(0);
    if version > PostgresStore::SCHEMA_VERSION {
        return Err(format!(
            "the mirror's tables are of schema version {version}, newer than this build's {}: use a newer intercom, or another schema",
            PostgresStore::SCHEMA_VERSION
        ));
    }
    Ok(())
}

/// A query's parameters, numbered as they are pushed.
#[derive(Default)]
struct Params(Vec<Box<dyn ToSql + Sync + Send>>);

impl Params {
    /// Adds `value` and returns its placeholder (`$3`).
    fn push(&mut self, value: impl ToSql + Sync + Send + 'static) -> String {
        self.0.push(Box::new(value));
        format!("${}", self.0.len())
    }
    fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.0.iter().map(|p| &**p as &(dyn ToSql + Sync)).collect()
    }
}

/// The condition over `mirror_items i` for `filter`, `text` left out.
fn conditions(resource: Resource, filter: &Filter, params: &mut Params) -> String {
    let mut sql = vec![format!(
        "i.resource = {}",
        params.push(resource.as_str().to_owned())
    )];
    for (column, value) in [
        ("state", &filter.state),
        ("team_id", &filter.team_id),
        ("admin_id", &filter.admin_id),
    ] {
        if let Some(v) = value {
            sql.push(format!("i.{column} = {}", params.push(v.clone())));
        }
    }
    if let Some(tag) = &filter.tag {
        let p = params.push(tag.clone());
        sql.push(format!(
            "i.item IN (SELECT item FROM mirror_item_tags WHERE tag_id = {p} OR lower(tag_name) = lower({p}))"
        ));
    }
    if let Some(contact) = &filter.contact_id {
        sql.push(format!(
            "i.item IN (SELECT item FROM mirror_item_contacts WHERE contact_id = {})",
            params.push(contact.clone())
        ));
    }
    for (column, op, value) in [
        ("created_at", ">=", filter.created_after),
        ("created_at", "<", filter.created_before),
        ("updated_at", ">=", filter.updated_after),
        ("updated_at", "<", filter.updated_before),
    ] {
        if let Some(v) = value {
            sql.push(format!("i.{column} {op} {}", params.push(v)));
        }
    }
    if filter.truncated_only {
        sql.push("i.truncated".to_owned());
    }
    sql.join(" AND ")
}

/// `conditions` and, when the filter has words, their match.
fn conditions_with_text(
    resource: Resource,
    filter: &Filter,
    params: &mut Params,
) -> Result<String, Error> {
    let mut cond = conditions(resource, filter, params);
    if let Some(text) = &filter.text {
        let query = tsquery(text)?;
        cond.push_str(&format!(
            " AND i.search @@ to_tsquery('simple'::regconfig, {})",
            params.push(query)
        ));
    }
    Ok(cond)
}

/// A query PostgreSQL rejected for its words, as an error naming `text`.
fn text_error(filter: &Filter, error: postgres::Error) -> Error {
    match (&filter.text, error.as_db_error()) {
        (Some(text), Some(e)) if e.message().contains("tsquery") => Error::invalid(
            "text",
            format!(
                "`{text}` is not a valid full-text query ({}): use plain words, \"a phrase\", word*, or OR/NOT between words",
                e.message()
            ),
        ),
        _ => db(error),
    }
}

// The words of a search as a `tsquery`.

#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// Words that must follow one another (one for a bare word), the last one a prefix when
    /// `*` follows.
    Words(Vec<String>, bool),
    Open,
    Close,
    Or,
    And,
    Not,
}

/// A lexeme for `to_tsquery`: quoted, so that any punctuation in it is the parser's business.
fn lexeme(word: &str, prefix: bool) -> String {
    let quoted = word.replace('\\', "\\\\").replace('\'', "''");
    format!("'{quoted}'{}", if prefix { ":*" } else { "" })
}

fn words_query(words: &[String], prefix: bool) -> String {
    let last = words.len().saturating_sub(1);
    let parts: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(n, w)| lexeme(w, prefix && n == last))
        .collect();
    if parts.len() == 1 {
        parts.into_iter().next().unwrap_or_default()
    } else {
        format!("({})", parts.join(" <-> "))
    }
}

/// `text` in the FTS5 syntax the SQLite store takes, as `to_tsquery` input: plain words (no
/// quote, `*`, parenthesis or operator) are each quoted and all required; otherwise
/// `"phrases"`, `word*`, `OR`, `AND`, `NOT` (binary, as in FTS5: `a NOT b`) and parentheses,
/// NOT binding tightest, then AND (also implied between neighbours), then OR.
fn tsquery(text: &str) -> Result<String, Error> {
    let invalid = |why: &str| {
        Error::invalid(
            "text",
            format!(
                "`{text}` is not a valid full-text query ({why}): use plain words, \"a phrase\", word*, or OR/NOT between words"
            ),
        )
    };
    let syntax = text.contains('"')
        || text.contains('*')
        || text.contains('(')
        || text
            .split_whitespace()
            .any(|w| matches!(w, "OR" | "AND" | "NOT" | "NEAR"));
    if !syntax {
        let words: Vec<String> = text.split_whitespace().map(lexeme_of_plain).collect();
        if words.is_empty() {
            return Err(invalid("no words"));
        }
        return Ok(words.join(" & "));
    }
    let tokens = tokens(text).map_err(|why| invalid(&why))?;
    let mut parser = Parser { tokens, at: 0 };
    let query = parser.or().map_err(|why| invalid(&why))?;
    if parser.at < parser.tokens.len() {
        return Err(invalid("unexpected `)`"));
    }
    Ok(query)
}

fn lexeme_of_plain(word: &str) -> String {
    lexeme(&word.replace('"', ""), false)
}

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                out.push(Token::Open);
            }
            ')' => {
                chars.next();
                out.push(Token::Close);
            }
            '*' => return Err("`*` must follow a word".to_owned()),
            '"' => {
                chars.next();
                let mut phrase = String::new();
                loop {
                    match chars.next() {
                        None => return Err("a phrase is not closed with `\"`".to_owned()),
                        // `""` inside a phrase is a quote, as in FTS5.
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            phrase.push('"');
                        }
                        Some('"') => break,
                        Some(c) => phrase.push(c),
                    }
                }
                let words: Vec<String> = phrase.split_whitespace().map(str::to_owned).collect();
                if words.is_empty() {
                    return Err("an empty phrase".to_owned());
                }
                let prefix = chars.peek() == Some(&'*');
                if prefix {
                    chars.next();
                }
                out.push(Token::Words(words, prefix));
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | '"' | '*') {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                let prefix = chars.peek() == Some(&'*');
                if prefix {
                    chars.next();
                }
                out.push(match word.as_str() {
                    "OR" if !prefix => Token::Or,
                    "AND" if !prefix => Token::And,
                    "NOT" if !prefix => Token::Not,
                    "NEAR" if !prefix => {
                        return Err("NEAR is not supported by the PostgreSQL store: use \"a phrase\" or AND".to_owned());
                    }
                    _ => Token::Words(vec![word], prefix),
                });
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn or(&mut self) -> Result<String, String> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            parts.push(self.and()?);
        }
        Ok(join(parts, " | "))
    }

    fn and(&mut self) -> Result<String, String> {
        let mut parts = vec![self.not()?];
        loop {
            match self.peek() {
                Some(Token::And) => {
                    self.at += 1;
                    parts.push(self.not()?);
                }
                Some(Token::Words(..) | Token::Open) => parts.push(self.not()?),
                _ => break,
            }
        }
        Ok(join(parts, " & "))
    }

    fn not(&mut self) -> Result<String, String> {
        let mut query = self.primary()?;
        while self.peek() == Some(&Token::Not) {
            self.at += 1;
            let negated = self.primary()?;
            query = format!("({query} & !{negated})");
        }
        Ok(query)
    }

    fn primary(&mut self) -> Result<String, String> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        match token {
            Some(Token::Words(words, prefix)) => Ok(words_query(&words, prefix)),
            Some(Token::Open) => {
                let inner = self.or()?;
                if self.peek() != Some(&Token::Close) {
                    return Err("a `(` is not closed".to_owned());
                }
                self.at += 1;
                Ok(inner)
            }
            Some(Token::Or) => Err("OR needs words on both sides".to_owned()),
            Some(Token::And) => Err("AND needs words on both sides".to_owned()),
            Some(Token::Not) => Err("NOT needs words on both sides: `a NOT b`".to_owned()),
            Some(Token::Close) => Err("unexpected `)`".to_owned()),
            None => Err("words are missing at the end".to_owned()),
        }
    }
}

fn join(parts: Vec<String>, op: &str) -> String {
    if parts.len() == 1 {
        parts.into_iter().next().unwrap_or_default()
    } else {
        format!("({})", parts.join(op))
    }
}

/// A document ready to write: its facets and its JSON text.
struct Prepared {
    facets: Facets,
    doc: String,
}

fn write_once(
    conn: &mut Conn,
    resource: Resource,
    docs: &[Prepared],
    deletes: &[String],
    seen: bool,
    checkpoint: Option<&str>,
) -> Result<u64, postgres::Error> {
    let upsert = conn.statement(UPSERT)?;
    let mark = conn.statement(SEEN)?;
    let clear_tags = conn.statement(CLEAR_TAGS)?;
    let clear_contacts = conn.statement(CLEAR_CONTACTS)?;
    let tag = conn.statement(TAG)?;
    let contact = conn.statement(CONTACT)?;
    let delete = conn.statement(DELETE)?;
    let save = conn.statement(SAVE_CHECKPOINT)?;
    let name = resource.as_str();
    let mut tx = conn.client.transaction()?;
    let mut changed = 0;
    for Prepared { facets: f, doc } in docs {
        if seen {
            tx.execute(&mark, &[&name, &f.id])?;
        }
        let row = tx.query_opt(
            &upsert,
            &[
                &name,
                &f.id,
                &f.created_at,
                &f.updated_at,
                &f.state,
                &f.team_id,
                &f.admin_id,
                &f.title,
                &f.body,
                &f.parts_total,
                &f.parts_stored,
                &f.truncated,
                doc,
            ],
        )?;
        let Some(row) = row else { continue };
        let item: i64 = row.get(0);
        changed += 1;
        tx.execute(&clear_tags, &[&item])?;
        tx.execute(&clear_contacts, &[&item])?;
        for (id, tag_name) in &f.tags {
            tx.execute(&tag, &[&item, id, tag_name])?;
        }
        for contact_id in &f.contact_ids {
            tx.execute(&contact, &[&item, contact_id])?;
        }
    }
    if !deletes.is_empty() {
        tx.execute(&delete, &[&name, &deletes])?;
    }
    if let Some(cp) = checkpoint {
        tx.execute(&save, &[&name, &cp])?;
    }
    tx.commit()?;
    Ok(changed)
}

/// Runs `attempt` again while the server aborts it for a deadlock or a serialization failure.
fn retrying<T>(
    conn: &mut Conn,
    mut attempt: impl FnMut(&mut Conn) -> Result<T, postgres::Error>,
) -> Result<T, Error> {
    let mut tries = 0;
    loop {
        tries += 1;
        match attempt(conn) {
            Ok(value) => return Ok(value),
            Err(e) if tries < ATTEMPTS && retryable(&e) => continue,
            Err(e) => return Err(db(e)),
        }
    }
}

fn read_checkpoint(resource: Resource, text: &str) -> Result<Checkpoint, Error> {
    serde_json::from_str(text).map_err(|e| Error::Unexpected {
        resource: resource.as_str(),
        message: format!("stored checkpoint unreadable: {e}"),
    })
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}

impl Store for PostgresStore {
    fn updated_at(
        &self,
        resource: Resource,
        ids: &[String],
    ) -> Result<HashMap<String, i64>, Error> {
        let ids = ids.to_vec();
        self.call(move |conn| {
            let stmt = conn
                .statement("SELECT id, updated_at FROM mirror_items WHERE resource = $1 AND id = ANY($2) AND updated_at IS NOT NULL")
                .map_err(db)?;
            let rows = conn
                .client
                .query(&stmt, &[&resource.as_str(), &ids])
                .map_err(db)?;
            Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
        })
    }

    fn write(&self, resource: Resource, write: Write<'_>) -> Result<u64, Error> {
        // Everything that can fail without the database fails here, before the transaction.
        let docs = write
            .upserts
            .iter()
            .map(|doc| {
                let facets = facets(resource, doc).ok_or_else(|| Error::Unexpected {
                    resource: resource.as_str(),
                    message: "a document without an id".to_owned(),
                })?;
                Ok(Prepared {
                    facets,
                    doc: doc.to_string(),
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        // Rows locked in one order (by id) by every writer: two replicas writing the same
        // documents wait for each other instead of deadlocking. The sort is stable, so of
        // two copies of a document in one write the later still wins.
        let mut docs = docs;
        docs.sort_by(|a, b| a.facets.id.cmp(&b.facets.id));
        let checkpoint = write
            .checkpoint
            .map(|cp| {
                serde_json::to_string(cp).map_err(|e| Error::Unexpected {
                    resource: resource.as_str(),
                    message: format!("checkpoint cannot be written: {e}"),
                })
            })
            .transpose()?;
        let mut deletes = write.deletes.to_vec();
        deletes.sort();
        let seen = write.seen;
        self.call(move |conn| {
            retrying(conn, |conn| {
                write_once(conn, resource, &docs, &deletes, seen, checkpoint.as_deref())
            })
        })
    }

    fn checkpoint(&self, resource: Resource) -> Result<Option<Checkpoint>, Error> {
        let text: Option<String> = self.call(move |conn| {
            let stmt = conn
                .statement("SELECT checkpoint FROM mirror_sync_state WHERE resource = $1")
                .map_err(db)?;
            Ok(conn
                .client
                .query_opt(&stmt, &[&resource.as_str()])
                .map_err(db)?
                .map(|r| r.get(0)))
        })?;
        text.map(|t| read_checkpoint(resource, &t)).transpose()
    }

    fn finish_listing(&self, resource: Resource) -> Result<Vec<String>, Error> {
        self.call(move |conn| {
            retrying(conn, |conn| {
                let name = resource.as_str();
                let mut tx = conn.client.transaction()?;
                let gone: Vec<String> = tx
                    .query(
                        "DELETE FROM mirror_items i WHERE i.resource = $1 AND NOT EXISTS (SELECT 1 FROM mirror_sync_seen s WHERE s.resource = $1 AND s.id = i.id) RETURNING i.id",
                        &[&name],
                    )?
                    .iter()
                    .map(|r| r.get(0))
                    .collect();
                tx.execute("DELETE FROM mirror_sync_seen WHERE resource = $1", &[&name])?;
                tx.commit()?;
                Ok(gone)
            })
        })
    }

    fn restart_listing(&self, resource: Resource) -> Result<(), Error> {
        self.call(move |conn| {
            conn.client
                .execute(
                    "DELETE FROM mirror_sync_seen WHERE resource = $1",
                    &[&resource.as_str()],
                )
                .map_err(db)?;
            Ok(())
        })
    }

    fn count_created(&self, resource: Resource, from: i64, to: i64) -> Result<u64, Error> {
        self.call(move |conn| {
            let stmt = conn
                .statement("SELECT count(*) FROM mirror_items WHERE resource = $1 AND created_at >= $2 AND created_at < $3")
                .map_err(db)?;
            let n: i64 = conn
                .client
                .query_one(&stmt, &[&resource.as_str(), &from, &to])
                .map_err(db)?
                .get(0);
            Ok(to_u64(n))
        })
    }

    fn ids_created(&self, resource: Resource, from: i64, to: i64) -> Result<Vec<String>, Error> {
        self.call(move |conn| {
            let stmt = conn
                .statement("SELECT id FROM mirror_items WHERE resource = $1 AND created_at >= $2 AND created_at < $3")
                .map_err(db)?;
            Ok(conn
                .client
                .query(&stmt, &[&resource.as_str(), &from, &to])
                .map_err(db)?
                .iter()
                .map(|r| r.get(0))
                .collect())
        })
    }

    fn median_created(&self, resource: Resource, from: i64, to: i64) -> Result<Option<i64>, Error> {
        let n = self.count_created(resource, from, to)?;
        if n == 0 {
            return Ok(None);
        }
        let offset = (n / 2) as i64;
        self.call(move |conn| {
            let stmt = conn
                .statement("SELECT created_at FROM mirror_items WHERE resource = $1 AND created_at >= $2 AND created_at < $3 ORDER BY created_at LIMIT 1 OFFSET $4")
                .map_err(db)?;
            Ok(conn
                .client
                .query_opt(&stmt, &[&resource.as_str(), &from, &to, &offset])
                .map_err(db)?
                .map(|r| r.get(0)))
        })
    }

    fn get(&self, resource: Resource, id: &str) -> Result<Option<Value>, Error> {
        let id = id.to_owned();
        let text: Option<String> = self.call(move |conn| {
            let stmt = conn
                .statement("SELECT doc FROM mirror_items WHERE resource = $1 AND id = $2")
                .map_err(db)?;
            Ok(conn
                .client
                .query_opt(&stmt, &[&resource.as_str(), &id])
                .map_err(db)?
                .map(|r| r.get(0)))
        })?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    fn search(&self, search: &Search) -> Result<Hits, Error> {
        if search.limit == 0 || search.limit > Search::MAX_LIMIT {
            return Err(Error::invalid(
                "limit",
                format!("must be 1 to {}, not {}", Search::MAX_LIMIT, search.limit),
            ));
        }
        let filter = search.filter.clone();
        let query = filter.text.as_deref().map(tsquery).transpose()?;
        let resource = search.resource;
        let limit = i64::from(search.limit);
        let offset = i64::try_from(search.offset).unwrap_or(i64::MAX);
        self.call(move |conn| {
            let mut params = Params::default();
            let (from, rank, order) = match &query {
                Some(q) => (
                    format!(
                        "mirror_items i CROSS JOIN to_tsquery('simple'::regconfig, {}) AS q(q) WHERE i.search @@ q.q AND",
                        params.push(q.clone())
                    ),
                    "(-ts_rank('{0.25, 0.5, 0.75, 1.0}'::float4[], i.search, q.q))::float8",
                    "9, i.id",
                ),
                None => (
                    "mirror_items i WHERE".to_owned(),
                    "NULL::float8",
                    "i.updated_at DESC NULLS LAST, i.id",
                ),
            };
            let cond = conditions(resource, &filter, &mut params);
            let total: i64 = conn
                .client
                .query_one(&format!("SELECT count(*) FROM {from} {cond}"), &params.refs())
                .map_err(|e| text_error(&filter, e))?
                .get(0);
            let l = params.push(limit);
            let o = params.push(offset);
            let rows = conn
                .client
                .query(
                    &format!(
                        "SELECT i.id, i.title, i.state, i.team_id, i.admin_id, i.created_at, i.updated_at, i.truncated, {rank}, i.item FROM {from} {cond} ORDER BY {order} LIMIT {l} OFFSET {o}"
                    ),
                    &params.refs(),
                )
                .map_err(|e| text_error(&filter, e))?;
            let mut items = Vec::new();
            let mut hits: Vec<Hit> = rows
                .iter()
                .map(|r| {
                    items.push(r.get::<_, i64>(9));
                    Hit {
                        id: r.get(0),
                        title: r.get(1),
                        state: r.get(2),
                        team_id: r.get(3),
                        admin_id: r.get(4),
                        created_at: r.get(5),
                        updated_at: r.get(6),
                        truncated: r.get(7),
                        snippet: None,
                        rank: r.get(8),
                    }
                })
                .collect();
            // Snippets for the page alone, not for every match.
            if let Some(q) = &query
                && !items.is_empty()
            {
                let snippets: HashMap<i64, String> = conn
                    .client
                    .query(
                        "SELECT i.item, ts_headline('simple'::regconfig, i.body, to_tsquery('simple'::regconfig, $1), 'StartSel=[, StopSel=], MaxWords=12, MinWords=4, MaxFragments=2, FragmentDelimiter=\" … \"') FROM mirror_items i WHERE i.item = ANY($2)",
                        &[q, &items],
                    )
                    .map_err(db)?
                    .iter()
                    .map(|r| (r.get(0), r.get(1)))
                    .collect();
                for (hit, item) in hits.iter_mut().zip(&items) {
                    hit.snippet = snippets.get(item).cloned();
                }
            }
            Ok(Hits {
                total: to_u64(total),
                hits,
            })
        })
    }

    fn count(&self, count: &Count) -> Result<Counts, Error> {
        let filter = count.filter.clone();
        let resource = count.resource;
        let group = count.group_by;
        let mut params = Params::default();
        let cond = conditions_with_text(resource, &filter, &mut params)?;
        self.call(move |conn| {
            let args = params.refs();
            let total: i64 = conn
                .client
                .query_one(&format!("SELECT count(*) FROM mirror_items i WHERE {cond}"), &args)
                .map_err(|e| text_error(&filter, e))?
                .get(0);
            let Some(group) = group else {
                return Ok(Counts {
                    total: to_u64(total),
                    groups: Vec::new(),
                });
            };
            let utc = "(to_timestamp(i.created_at) AT TIME ZONE 'UTC')";
            let sql = match group {
                GroupBy::State => format!(
                    "SELECT i.state, NULL::text, count(*) FROM mirror_items i WHERE {cond} GROUP BY 1 ORDER BY 3 DESC, 1 NULLS FIRST"
                ),
                GroupBy::Team | GroupBy::Admin => {
                    let (column, names) = match group {
                        GroupBy::Team => ("team_id", "teams"),
                        _ => ("admin_id", "admins"),
                    };
                    format!(
                        "SELECT i.{column}, (SELECT n.title FROM mirror_items n WHERE n.resource = '{names}' AND n.id = i.{column}), count(*) FROM mirror_items i WHERE {cond} GROUP BY i.{column} ORDER BY 3 DESC, 1 NULLS FIRST"
                    )
                }
                GroupBy::Tag => format!(
                    "SELECT g.tag_id, max(g.tag_name), count(*) FROM mirror_items i JOIN mirror_item_tags g ON g.item = i.item WHERE {cond} GROUP BY g.tag_id ORDER BY 3 DESC, 1"
                ),
                GroupBy::Day => format!(
                    "SELECT to_char({utc}, 'YYYY-MM-DD'), NULL::text, count(*) FROM mirror_items i WHERE {cond} GROUP BY 1 ORDER BY 1 NULLS FIRST"
                ),
                GroupBy::Week => format!(
                    "SELECT to_char(date_trunc('week', {utc}), 'YYYY-MM-DD'), NULL::text, count(*) FROM mirror_items i WHERE {cond} GROUP BY 1 ORDER BY 1 NULLS FIRST"
                ),
                GroupBy::Month => format!(
                    "SELECT to_char({utc}, 'YYYY-MM'), NULL::text, count(*) FROM mirror_items i WHERE {cond} GROUP BY 1 ORDER BY 1 NULLS FIRST"
                ),
            };
            let groups = conn
                .client
                .query(&sql, &args)
                .map_err(|e| text_error(&filter, e))?
                .iter()
                .map(|r| CountGroup {
                    key: r.get(0),
                    name: r.get::<_, Option<String>>(1).filter(|n| !n.is_empty()),
                    count: to_u64(r.get(2)),
                })
                .collect();
            Ok(Counts {
                total: to_u64(total),
                groups,
            })
        })
    }

    fn export(
        &self,
        resource: Resource,
        filter: &Filter,
        sink: &mut dyn FnMut(&Value) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        // Validate the words once, before the first page.
        conditions_with_text(resource, filter, &mut Params::default())?;
        let mut after: Option<(i64, String)> = None;
        let mut n = 0;
        loop {
            let filter = filter.clone();
            let from = after.clone();
            let page: Vec<(String, i64, String)> = self.call(move |conn| {
                let mut params = Params::default();
                let mut cond = conditions_with_text(resource, &filter, &mut params)?;
                if let Some((at, id)) = from {
                    let (a, b) = (params.push(at), params.push(id));
                    cond.push_str(&format!(
                        " AND (coalesce(i.created_at, {NO_TIME}), i.id) > ({a}, {b})"
                    ));
                }
                let limit = params.push(EXPORT_PAGE);
                Ok(conn
                    .client
                    .query(
                        &format!(
                            "SELECT i.doc, coalesce(i.created_at, {NO_TIME}), i.id FROM mirror_items i WHERE {cond} ORDER BY 2, 3 LIMIT {limit}"
                        ),
                        &params.refs(),
                    )
                    .map_err(|e| text_error(&filter, e))?
                    .iter()
                    .map(|r| (r.get(0), r.get(1), r.get(2)))
                    .collect())
            })?;
            let full = page.len() as i64 == EXPORT_PAGE;
            for (text, at, id) in page {
                let doc: Value = serde_json::from_str(&text).map_err(|e| Error::Unexpected {
                    resource: resource.as_str(),
                    message: format!("stored document unreadable: {e}"),
                })?;
                sink(&doc)?;
                n += 1;
                after = Some((at, id));
            }
            if !full {
                return Ok(n);
            }
        }
    }

    fn freshness(&self) -> Result<Freshness, Error> {
        let (counts, checkpoints): (HashMap<String, i64>, HashMap<String, String>) =
            self.call(|conn| {
                let counts = conn
                    .client
                    .query(
                        "SELECT resource, count(*) FROM mirror_items GROUP BY resource",
                        &[],
                    )
                    .map_err(db)?
                    .iter()
                    .map(|r| (r.get(0), r.get(1)))
                    .collect();
                let checkpoints = conn
                    .client
                    .query("SELECT resource, checkpoint FROM mirror_sync_state", &[])
                    .map_err(db)?
                    .iter()
                    .map(|r| (r.get(0), r.get(1)))
                    .collect();
                Ok((counts, checkpoints))
            })?;
        let mut resources = Vec::new();
        for resource in Resource::ALL {
            let cp = checkpoints
                .get(resource.as_str())
                .map(|t| read_checkpoint(resource, t))
                .transpose()?;
            resources.push(ResourceFreshness::new(
                resource,
                to_u64(counts.get(resource.as_str()).copied().unwrap_or(0)),
                cp.as_ref(),
            ));
        }
        Ok(Freshness::of(resources))
    }

    fn size_on_disk(&self) -> Result<u64, Error> {
        self.call(|conn| {
            let n: i64 = conn
                .client
                .query_one(
                    "SELECT (pg_total_relation_size('mirror_items') + pg_total_relation_size('mirror_item_tags') + pg_total_relation_size('mirror_item_contacts') + pg_total_relation_size('mirror_sync_state') + pg_total_relation_size('mirror_sync_seen') + pg_total_relation_size('mirror_schema'))::bigint",
                    &[],
                )
                .map_err(db)?
                .get(0);
            Ok(to_u64(n))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> String {
        tsquery(text).unwrap()
    }

    #[test]
    fn plain_words_are_quoted_and_all_required() {
        assert_eq!(q("refund"), "'refund'");
        assert_eq!(q("can't refund?"), "'can''t' & 'refund?'");
        assert_eq!(q(r"back\slash"), r"'back\\slash'");
    }

    #[test]
    fn the_fts5_syntax_becomes_a_tsquery() {
        assert_eq!(q("refun*"), "'refun':*");
        assert_eq!(q("\"annual plan\""), "('annual' <-> 'plan')");
        assert_eq!(q("refund OR credit"), "('refund' | 'credit')");
        assert_eq!(q("refund NOT late"), "('refund' & !'late')");
        assert_eq!(
            q("(refund OR credit) AND plan*"),
            "(('refund' | 'credit') & 'plan':*)"
        );
        assert_eq!(q("a b OR c"), "(('a' & 'b') | 'c')");
        assert_eq!(q("\"say \"\"hi\"\"\""), "('say' <-> '\"hi\"')");
    }

    #[test]
    fn bad_syntax_names_the_field() {
        for bad in [
            "refund AND",
            "OR refund",
            "NOT refund",
            "(refund",
            "(refund))",
            "\"open",
            "\"\"",
            "*",
            "NEAR(a b)",
            "",
        ] {
            let error = tsquery(bad).unwrap_err();
            assert!(
                error.to_string().starts_with(&format!(
                    "field `text`: `{bad}` is not a valid full-text query ("
                )),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn the_shown_url_has_no_password() {
        let url = "postgres://me:pa%3Ass@db.example:6543/mirror?sslmode=disable";
        let config = postgres::Config::from_str(url).unwrap();
        assert_eq!(shown(&config), "postgres://me@db.example:6543/mirror");
        let secrets = secrets(url, Some(&config));
        assert!(secrets.contains(&"pa%3Ass".to_owned()));
        assert!(secrets.contains(&"pa:ss".to_owned()));
        assert_eq!(
            scrub("x pa:ss y".to_owned(), &secrets),
            "x *** y".to_owned()
        );
    }
}
