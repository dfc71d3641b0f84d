//! One stream for every pagination style.

/// How a list or search pages.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PageStyle {
    /// GET list; next request adds `starting_after=<pages.next.starting_after>` to the query.
    CursorQuery { items_key: String },
    /// POST search; next request sets `pagination.starting_after` in the body.
    CursorBody { items_key: String },
    /// `page` + `per_page` query (GET /companies and friends), until `pages.page >= total_pages`.
    PageNumber { items_key: String },
    /// GET /companies/scroll, then `scroll_param=<value>` until `data` is empty.
    Scroll { items_key: String },
}

/// A stream of items (`Result<serde_json::Value, Error>`) across every page.
pub struct Pages {
    pub(crate) _private: (),
}
