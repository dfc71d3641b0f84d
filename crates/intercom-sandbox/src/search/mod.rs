//! Intercom's search DSL: parsing and validation, a reference evaluator over API documents, and a
//! compiler to SQLite over a JSON document column.
//!
//! CONTRACT (between the store and this module): every searchable row keeps, in a TEXT column,
//! exactly the JSON object the API returns for it (GET /contacts/{id}, GET /conversations/{id}
//! without `conversation_parts`, GET /tickets/{id}). Search field names map to paths in that JSON.
//!
//! The store must call [`register_functions`] on every SQLite connection that runs a clause made by
//! [`SearchQuery::to_sql`] (the clause may call `intercom_search_words`).
//!
//! # Semantics (the same in [`SearchQuery::matches`] and [`SearchQuery::to_sql`])
//!
//! - A field yields zero or more values from the document: a scalar field one value (none when the
//!   path is missing or JSON `null`); a list field (`contact_ids`, `tag_ids`, `tag_id`, ...) the
//!   non-null `id` of every element of its array; `source.body` the words of the body.
//! - `=`, `IN`, `<`, `<=`, `>`, `>=`, `~`, `^`, `$` match when some value satisfies them.
//!   `!=`, `NIN`, `!~` match when no value satisfies the positive form; on a scalar field (and on
//!   `source.body`, `email_domain`) the field must also be present, so a missing field matches no
//!   comparison. On a list field an empty or missing list matches every negative operator.
//! - `= null` matches a missing/null field (an empty list), `!= null` a present one.
//! - Strings: `=`/`!=`/`IN`/`NIN` are exact, except on e-mail fields (`email`, `email_domain`,
//!   `source.author.email`) and `source.body`, where they ignore ASCII case. `~` (contains), `!~`,
//!   `^` (starts with) and `$` (ends with) always ignore ASCII case. Case folding is ASCII only
//!   (SQLite's `lower()` folds ASCII only), so `Ä` and `ä` differ. A JSON integer in the document
//!   compares as its decimal text against a string value (ids stored as numbers still match).
//! - Numbers compare numerically (integer and float alike); booleans only equal booleans; values of
//!   another JSON type never satisfy a comparison (so they do satisfy the negative operators).
//! - Contacts' dates (and Date custom attributes declared in [`SearchOptions`]) match by calendar
//!   day in [`SearchOptions::time_zone`]: `=` the same day, `<` an earlier day, `>` a later day.
//!   Dates of conversations and tickets compare as plain Unix seconds.
//! - `source.body` is matched word by word: HTML tags are stripped, a few entities decoded, the text
//!   split on white space, punctuation trimmed from both ends of each word, words lowercased
//!   (ASCII). `=` matches when one word equals the value, `~` when one word contains it.

mod eval;
mod fields;
mod parse;
mod sql;
mod words;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use serde_json::Value;

pub use fields::{FieldInfo, FieldKind, searchable_fields};
pub use sql::{
    BodyIndex, INDEXED_PATHS, body_index_backfill, body_index_schema, register_functions,
};

/// Which resource a search runs over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchModel {
    Contacts,
    Conversations,
    Tickets,
}

impl SearchModel {
    /// The plural resource name used in messages (`contacts`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            SearchModel::Contacts => "contacts",
            SearchModel::Conversations => "conversations",
            SearchModel::Tickets => "tickets",
        }
    }
}

/// A validated query.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    root: parse::Node,
    time_zone: TimeZone,
}

/// Why a query was refused; rendered by the server as a 400 `error.list` item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SearchError {
    /// Intercom's error code for the case (e.g. `parameter_invalid`).
    pub code: &'static str,
    pub message: String,
    /// JSON path of the offending part, e.g. `query.value[1].operator`.
    pub field: Option<String>,
}

impl SearchError {
    /// A required key is missing.
    pub const PARAMETER_NOT_FOUND: &'static str = "parameter_not_found";
    /// A value has the wrong shape or type, or a limit is exceeded.
    pub const PARAMETER_INVALID: &'static str = "parameter_invalid";
    /// The operator is unknown or not allowed on the field.
    pub const INVALID_OPERATOR: &'static str = "invalid_operator";
    /// The field is not searchable on this model.
    pub const INVALID_FIELD: &'static str = "invalid_field";

    pub(crate) fn new(code: &'static str, field: &str, message: impl Into<String>) -> Self {
        SearchError {
            code,
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }
}

/// A WHERE clause over a table whose JSON document column was named in [`SearchQuery::to_sql`].
///
/// The clause uses only anonymous `?` placeholders, bound in the order of `params`, so the store
/// can put its own placeholders before or after it.
#[derive(Debug, Clone)]
pub struct SqlFilter {
    pub where_clause: String,
    pub params: Vec<rusqlite::types::Value>,
}

/// The declared data type of a custom attribute or ticket attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttributeType {
    String,
    Integer,
    Float,
    Boolean,
    /// A Unix timestamp. On contacts it matches by calendar day, elsewhere as seconds.
    Date,
}

/// A ticket type attribute, named in queries as `ticket_attribute.{id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketAttribute {
    /// Its key under `ticket_attributes` in the ticket document (e.g. `_default_title_`).
    pub name: String,
    /// Its type; `None` accepts every operator and compares by the JSON type of the value.
    pub data_type: Option<AttributeType>,
}

/// What the workspace knows beyond the query itself. The default suits a fresh sandbox.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// The workspace time zone; contacts' dates match by calendar day in it. Default UTC.
    pub time_zone: TimeZone,
    /// Declared types of `custom_attributes.{name}`, by name, for the model searched. An
    /// undeclared attribute accepts every operator and compares by the JSON type of the value.
    pub custom_attribute_types: BTreeMap<String, AttributeType>,
    /// Ticket attributes by the id a query uses. An id not listed here is taken as the key
    /// under `ticket_attributes` itself, untyped.
    pub ticket_attributes: BTreeMap<String, TicketAttribute>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            time_zone: TimeZone::UTC,
            custom_attribute_types: BTreeMap::new(),
            ticket_attributes: BTreeMap::new(),
        }
    }
}

/// Parses and validates `query` (the value of the request body's `query` key).
pub fn parse(model: SearchModel, query: &Value) -> Result<SearchQuery, SearchError> {
    parse_with(model, query, &SearchOptions::default())
}

/// [`parse`] with the workspace's time zone and attribute types.
pub fn parse_with(
    model: SearchModel,
    query: &Value,
    options: &SearchOptions,
) -> Result<SearchQuery, SearchError> {
    let root = parse::parse_root(model, query, options)?;
    Ok(SearchQuery {
        root,
        time_zone: options.time_zone.clone(),
    })
}

impl SearchQuery {
    /// The reference evaluator: does `doc` (an API object) match?
    pub fn matches(&self, doc: &Value) -> bool {
        eval::matches(&self.root, doc, &self.time_zone)
    }

    /// The same predicate as SQL over `doc_column`.
    ///
    /// `doc_column` is spliced into the SQL as written when it is an identifier, optionally
    /// qualified (`doc`, `c.doc`), and quoted otherwise. Values are always bound. An unqualified
    /// name must not be one of the columns of `json_each` (`key`, `value`, `type`, `atom`, `id`,
    /// `parent`, `fullkey`, `path`, `json`, `root`); qualify it with its table if it is.
    pub fn to_sql(&self, doc_column: &str) -> SqlFilter {
        sql::compile(&self.root, doc_column, None)
    }

    /// [`SearchQuery::to_sql`] over a table that has a body index ([`body_index_schema`]):
    /// word tests on `source.body` consult it first. The rows selected are the same.
    pub fn to_sql_indexed(&self, doc_column: &str, body_index: &BodyIndex) -> SqlFilter {
        sql::compile(&self.root, doc_column, Some(body_index))
    }
}
