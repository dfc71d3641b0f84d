//! Intercom's search DSL: parsing and validation, a reference evaluator over API documents, and a
//! compiler to SQLite over a JSON document column.
//!
//! CONTRACT (between the store and this module): every searchable row keeps, in a TEXT column,
//! exactly the JSON object the API returns for it (GET /contacts/{id}, GET /conversations/{id}
//! without `conversation_parts`, GET /tickets/{id}). Search field names map to paths in that JSON.

use serde_json::Value;

/// Which resource a search runs over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchModel {
    Contacts,
    Conversations,
    Tickets,
}

/// A validated query.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    _private: (),
}

/// Why a query was refused; rendered by the server as a 400 `error.list` item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchError {
    /// Intercom's error code for the case (e.g. `parameter_invalid`).
    pub code: &'static str,
    pub message: String,
    /// JSON path of the offending part, e.g. `query.value[1].operator`.
    pub field: Option<String>,
}

/// A WHERE clause over a table whose JSON document column was named in [`SearchQuery::to_sql`].
#[derive(Debug, Clone)]
pub struct SqlFilter {
    pub where_clause: String,
    pub params: Vec<rusqlite::types::Value>,
}

/// Parses and validates `query` (the value of the request body's `query` key).
pub fn parse(model: SearchModel, query: &Value) -> Result<SearchQuery, SearchError> {
    let _ = (model, query);
    todo!("search DSL work")
}

impl SearchQuery {
    /// The reference evaluator: does `doc` (an API object) match?
    pub fn matches(&self, doc: &Value) -> bool {
        let _ = doc;
        todo!("search DSL work")
    }

    /// The same predicate as SQL over `doc_column`.
    pub fn to_sql(&self, doc_column: &str) -> SqlFilter {
        let _ = doc_column;
        todo!("search DSL work")
    }
}
