//! Request handlers, one module per API area, plus the document model they share.

pub(crate) mod admins;
pub(crate) mod calls;
pub(crate) mod companies;
pub(crate) mod contacts;
pub(crate) mod conversations;
pub(crate) mod custom_objects;
pub(crate) mod engine;
pub(crate) mod events;
pub(crate) mod messages;
pub(crate) mod model;
pub(crate) mod sandbox;
pub(crate) mod tags;
pub(crate) mod ticket_types;
pub(crate) mod tickets;

use axum::Json;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::search::SqlFilter;
use crate::store::{Kind, Order, Row, Store};

pub(crate) type JsonResult = ApiResult<Json<Value>>;

const CURSOR_PREFIX: &str = "sbx1:";

/// An opaque cursor for the position `seq`.
pub(crate) fn encode_cursor(seq: i64) -> String {
    let raw = format!("{CURSOR_PREFIX}{seq}");
    raw.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The position named by a cursor this sandbox issued.
pub(crate) fn decode_cursor(field: &str, cursor: &str) -> ApiResult<i64> {
    let bad = || {
        ApiError::invalid(
            field,
            format!(
                "{field} {cursor:?} is not a cursor issued by this API; pass back pages.next.starting_after unchanged"
            ),
        )
    };
    if !cursor.len().is_multiple_of(2) || !cursor.is_ascii() {
        return Err(bad());
    }
    let bytes: Option<Vec<u8>> = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&cursor[i..i + 2], 16).ok())
        .collect();
    let text = bytes
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(bad)?;
    text.strip_prefix(CURSOR_PREFIX)
        .and_then(|n| n.parse::<i64>().ok())
        .ok_or_else(bad)
}

/// One page of a cursor-paginated list.
pub(crate) struct CursorPage {
    pub rows: Vec<Row>,
    pub total: usize,
    pub pages: Value,
}

/// Reads one cursor page of `kind` in insertion order.
pub(crate) fn cursor_page(
    s: &Store,
    kind: Kind,
    filter: Option<&SqlFilter>,
    per_page: usize,
    starting_after: Option<&str>,
    cursor_field: &str,
) -> ApiResult<CursorPage> {
    let after = starting_after
        .filter(|c| !c.is_empty())
        .map(|c| decode_cursor(cursor_field, c))
        .transpose()?;
    let mut rows = s.page(kind, filter, after, Order::Asc, per_page + 1)?;
    let has_more = rows.len() > per_page;
    rows.truncate(per_page);
    let total = s.count(kind, filter, None)?;
    let before = match after {
        Some(seq) => s.count(kind, filter, Some((seq, Order::Asc)))?,
        None => 0,
    };
    let mut pages = json!({
        "type": "pages",
        "page": before / per_page.max(1) + 1,
        "per_page": per_page,
        "total_pages": total.div_ceil(per_page.max(1)),
    });
    if has_more && let Some(last) = rows.last() {
        pages["next"] = json!({"per_page": per_page, "starting_after": encode_cursor(last.seq)});
    }
    Ok(CursorPage { rows, total, pages })
}

pub(crate) fn docs(rows: Vec<Row>) -> Vec<Value> {
    rows.into_iter().map(|r| r.doc).collect()
}

/// A parsed search request body.
pub(crate) struct SearchRequest {
    pub filter: SqlFilter,
    pub per_page: usize,
    pub starting_after: Option<String>,
}

impl SearchRequest {
    /// The page of `kind`'s documents this search asks for.
    pub(crate) fn page(&self, s: &Store, kind: Kind) -> ApiResult<CursorPage> {
        cursor_page(
            s,
            kind,
            Some(&self.filter),
            self.per_page,
            self.starting_after.as_deref(),
            "pagination.starting_after",
        )
    }
}

/// Validates a search body (`query`, `pagination`) and compiles the query to SQL over `doc`.
pub(crate) fn parse_search(
    bytes: &[u8],
    model: crate::search::SearchModel,
    default_per_page: usize,
) -> ApiResult<SearchRequest> {
    parse_search_with(
        bytes,
        model,
        default_per_page,
        &crate::search::SearchOptions::default(),
    )
}

/// [`parse_search`] with what the workspace declares (ticket attributes, time zone).
pub(crate) fn parse_search_with(
    bytes: &[u8],
    model: crate::search::SearchModel,
    default_per_page: usize,
    options: &crate::search::SearchOptions,
) -> ApiResult<SearchRequest> {
    let body = crate::state::Body::parse(bytes)?;
    body.only(&["query", "pagination", "sort"])?;
    let Some(query) = body.raw("query").filter(|q| !q.is_null()) else {
        return Err(ApiError::missing("query", "query is required"));
    };
    if !query.is_object() {
        return Err(ApiError::invalid(
            "query",
            format!(
                "query must be an object, not {}",
                crate::state::json_type(query)
            ),
        ));
    }
    let mut per_page = default_per_page;
    let mut starting_after = None;
    if let Some(pagination) = body.nested("pagination")? {
        // `page` is sent by an official SDK and by peers; Intercom ignores it, and so do we.
        pagination.only(&["per_page", "starting_after", "page"])?;
        if let Some(n) = pagination.i64_opt("per_page")? {
            if !(1..=150).contains(&n) {
                return Err(ApiError::invalid(
                    "pagination.per_page",
                    format!("pagination.per_page must be between 1 and 150, not {n}"),
                ));
            }
            per_page = n as usize;
        }
        starting_after = pagination.str_opt("starting_after")?;
        if let Some(cursor) = &starting_after {
            decode_cursor("pagination.starting_after", cursor)?;
        }
    }
    let parsed = crate::search::parse_with(model, query, options).map_err(|e| {
        let mut err = ApiError::new(http::StatusCode::BAD_REQUEST, e.code, e.message);
        err.field = e.field;
        err
    })?;
    let filter = match model {
        crate::search::SearchModel::Conversations => {
            parsed.to_sql_indexed("doc", &Store::conversation_body_index())
        }
        _ => parsed.to_sql("doc"),
    };
    Ok(SearchRequest {
        filter,
        per_page,
        starting_after,
    })
}
