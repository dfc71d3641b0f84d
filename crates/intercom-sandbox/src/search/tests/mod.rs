//! Tests of the search DSL: refusals, hand-written semantics, and the SQL compiler checked
//! against the reference evaluator on random documents and queries.

mod errors;
mod props;
mod semantics;

use std::collections::BTreeSet;

use rusqlite::Connection;
use serde_json::Value;

use super::{
    BodyIndex, SearchModel, SearchOptions, SearchQuery, body_index_schema, parse_with,
    register_functions,
};

/// An in-memory table `docs(id, doc)` holding `docs`, ids being their indexes, with the body
/// index the store keeps for conversations.
fn table(docs: &[Value]) -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    register_functions(&conn).unwrap();
    conn.execute_batch("CREATE TABLE docs (id INTEGER PRIMARY KEY, doc TEXT NOT NULL)")
        .unwrap();
    conn.execute_batch(&body_index_schema("docs", "id"))
        .unwrap();
    for (i, doc) in docs.iter().enumerate() {
        conn.execute(
            "INSERT INTO docs (id, doc) VALUES (?1, ?2)",
            rusqlite::params![i as i64, doc.to_string()],
        )
        .unwrap();
    }
    conn
}

/// Indexes of the documents the SQL clause selects, with and without the body index (which
/// must agree).
fn sql_ids(conn: &Connection, query: &SearchQuery) -> BTreeSet<usize> {
    let plain = sql_ids_with(conn, &query.to_sql("doc"));
    let index = BodyIndex {
        fts_table: "docs_body".to_owned(),
        rowid: "id".to_owned(),
    };
    let indexed = sql_ids_with(conn, &query.to_sql_indexed("doc", &index));
    assert_eq!(plain, indexed, "the body index changed what was selected");
    plain
}

fn sql_ids_with(conn: &Connection, filter: &super::SqlFilter) -> BTreeSet<usize> {
    let sql = format!(
        "SELECT id FROM docs WHERE {} ORDER BY id",
        filter.where_clause
    );
    let mut stmt = conn
        .prepare(&sql)
        .unwrap_or_else(|e| panic!("bad SQL ({e}): {sql}"));
    stmt.query_map(rusqlite::params_from_iter(filter.params.iter()), |row| {
        row.get::<_, i64>(0)
    })
    .unwrap()
    .map(|id| id.unwrap() as usize)
    .collect()
}

/// Indexes of the documents the reference evaluator accepts.
fn ref_ids(docs: &[Value], query: &SearchQuery) -> BTreeSet<usize> {
    docs.iter()
        .enumerate()
        .filter(|(_, doc)| query.matches(doc))
        .map(|(i, _)| i)
        .collect()
}

/// Runs `query` over `docs` both ways, asserts they agree, and returns the matching indexes.
fn run_with(
    model: SearchModel,
    options: &SearchOptions,
    query: &Value,
    docs: &[Value],
) -> BTreeSet<usize> {
    let parsed = parse_with(model, query, options)
        .unwrap_or_else(|e| panic!("query refused: {e:?}\n{query}"));
    let by_sql = sql_ids(&table(docs), &parsed);
    let by_ref = ref_ids(docs, &parsed);
    assert_eq!(by_sql, by_ref, "SQL and reference disagree on {query}");
    by_ref
}

fn run(model: SearchModel, query: &Value, docs: &[Value]) -> BTreeSet<usize> {
    run_with(model, &SearchOptions::default(), query, docs)
}

fn ids(list: &[usize]) -> BTreeSet<usize> {
    list.iter().copied().collect()
}
