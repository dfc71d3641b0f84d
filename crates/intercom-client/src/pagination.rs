//! One stream for every pagination style.
//!
//! [`Pages`] sends the first request as given, then builds each next request from the page that
//! came back, in the way its [`PageStyle`] says. It follows every cursor the server gives, and
//! stops as soon as a page gives none, even when `total_pages` or `total_count` claim more. A
//! cursor seen twice ends the walk with [`Error::PaginationLoop`] instead of looping forever.
//!
//! The stream yields the items of each page in order. [`Pages::next_page`] and [`Pages::pages`]
//! give whole pages (the raw JSON, envelope included) instead; use one way or the other on a
//! given `Pages`. An error ends the walk.

use std::collections::{HashSet, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::stream::{BoxStream, Stream};
use serde::de::Error as _;
use serde_json::{Map, Value};

use crate::{Client, Error, Request};

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

impl PageStyle {
    pub fn cursor_query(items_key: impl Into<String>) -> PageStyle {
        PageStyle::CursorQuery {
            items_key: items_key.into(),
        }
    }
    pub fn cursor_body(items_key: impl Into<String>) -> PageStyle {
        PageStyle::CursorBody {
            items_key: items_key.into(),
        }
    }
    pub fn page_number(items_key: impl Into<String>) -> PageStyle {
        PageStyle::PageNumber {
            items_key: items_key.into(),
        }
    }
    pub fn scroll(items_key: impl Into<String>) -> PageStyle {
        PageStyle::Scroll {
            items_key: items_key.into(),
        }
    }
    /// The key of the item array in each page (`data`, `conversations`, `tickets`, ...).
    pub fn items_key(&self) -> &str {
        match self {
            PageStyle::CursorQuery { items_key }
            | PageStyle::CursorBody { items_key }
            | PageStyle::PageNumber { items_key }
            | PageStyle::Scroll { items_key } => items_key,
        }
    }
}

type Fetch = BoxFuture<'static, (Walker, Result<Option<Value>, Error>)>;

/// A stream of items (`Result<serde_json::Value, Error>`) across every page.
pub struct Pages {
    /// `None` while a fetch holds it.
    walker: Option<Walker>,
    fetch: Option<Fetch>,
    buffer: VecDeque<Value>,
    limit: Option<usize>,
    yielded: usize,
}

impl std::fmt::Debug for Pages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("buffered", &self.buffer.len())
            .field("yielded", &self.yielded)
            .field("limit", &self.limit)
            .field("fetching", &self.fetch.is_some())
            .finish_non_exhaustive()
    }
}

/// The page-to-page walk: the next request to send, and what was seen so far.
struct Walker {
    client: Client,
    style: PageStyle,
    next: Option<Request>,
    seen: HashSet<String>,
    /// Hash of the previous page's items (scroll pages have no changing cursor to check).
    last_items: Option<u64>,
    /// Items in pages fetched so far (for `limit` on whole pages).
    items_fetched: usize,
    /// Pages fetched so far.
    pages_fetched: u32,
    /// An error found while reading a page that was itself fine (a repeated cursor): the page
    /// is delivered first, the error on the next call.
    failed: Option<Error>,
    /// The request whose page could not be fetched, once the walk stopped on it.
    stopped_at: Option<Request>,
}

impl Pages {
    pub(crate) fn new(client: Client, request: Request, style: PageStyle) -> Pages {
        let mut seen = HashSet::new();
        // A walk resumed from a cursor must not be handed the same cursor again.
        if let Some(cursor) = first_cursor(&request, &style) {
            seen.insert(cursor);
        }
        let walker = Walker {
            client,
            style,
            next: Some(request),
            seen,
            last_items: None,
            items_fetched: 0,
            pages_fetched: 0,
            failed: None,
            stopped_at: None,
        };
        Pages {
            walker: Some(walker),
            fetch: None,
            buffer: VecDeque::new(),
            limit: None,
            yielded: 0,
        }
    }

    /// Stops after `n` items (and fetches no page past the one that holds the n-th). With
    /// [`Pages::pages`] / [`Pages::next_page`], stops once the pages fetched hold `n` items.
    pub fn limit(mut self, n: usize) -> Pages {
        self.limit = Some(n);
        self
    }

    /// The next whole page (the raw JSON), or `None` after the last one.
    pub async fn next_page(&mut self) -> Result<Option<Value>, Error> {
        if let Some(fetch) = self.fetch.take() {
            let (walker, result) = fetch.await;
            self.walker = Some(walker);
            return result;
        }
        let Some(walker) = self.walker.as_mut() else {
            return Ok(None);
        };
        if self.limit.is_some_and(|n| walker.items_fetched >= n) {
            return Ok(None);
        }
        walker.next_page().await
    }

    /// After the walk stopped because a page could not be fetched: the request of that page.
    /// A new walk from it (`client.paginate(request.clone(), style)`) goes on where this one
    /// stopped, so nothing already delivered comes twice and nothing is skipped. `None` while
    /// the walk goes on, after it ended normally, or when it stopped on a repeated cursor.
    pub fn resume_request(&self) -> Option<&Request> {
        self.walker.as_ref()?.stopped_at.as_ref()
    }

    /// A stream of whole pages (the raw JSON of each) instead of items.
    pub fn pages(self) -> BoxStream<'static, Result<Value, Error>> {
        Box::pin(futures::stream::unfold(self, |mut pages| async move {
            match pages.next_page().await {
                Ok(Some(page)) => Some((Ok(page), pages)),
                Ok(None) => None,
                Err(e) => Some((Err(e), pages)),
            }
        }))
    }
}

impl Stream for Pages {
    type Item = Result<Value, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.limit.is_some_and(|n| this.yielded >= n) {
                this.fetch = None;
                return Poll::Ready(None);
            }
            if let Some(item) = this.buffer.pop_front() {
                this.yielded += 1;
                return Poll::Ready(Some(Ok(item)));
            }
            if this.fetch.is_none() {
                let Some(mut walker) = this.walker.take() else {
                    return Poll::Ready(None);
                };
                if walker.finished() {
                    this.walker = Some(walker);
                    return Poll::Ready(None);
                }
                this.fetch = Some(Box::pin(async move {
                    let result = walker.next_page().await;
                    (walker, result)
                }));
            }
            let Some(fetch) = this.fetch.as_mut() else {
                return Poll::Ready(None);
            };
            let (walker, result) = std::task::ready!(fetch.as_mut().poll(cx));
            this.fetch = None;
            let key = walker.style.items_key().to_owned();
            this.walker = Some(walker);
            match result {
                Ok(Some(mut page)) => {
                    if let Some(Value::Array(items)) = page.get_mut(&key).map(Value::take) {
                        this.buffer.extend(items);
                    }
                }
                Ok(None) => return Poll::Ready(None),
                Err(e) => return Poll::Ready(Some(Err(e))),
            }
        }
    }
}

impl Walker {
    /// Sends the next request; on success works out the one after (or that there is none).
    async fn next_page(&mut self) -> Result<Option<Value>, Error> {
        if let Some(error) = self.failed.take() {
            return Err(error);
        }
        let Some(request) = self.next.take() else {
            return Ok(None);
        };
        let page = match self.client.json(&request).await {
            Ok(page) => page,
            Err(error) => {
                self.stopped_at = Some(request);
                return Err(error);
            }
        };
        let count = match items_of(&page, self.style.items_key(), &request) {
            Ok(items) => items.len(),
            Err(error) => {
                self.stopped_at = Some(request);
                return Err(error);
            }
        };
        self.items_fetched += count;
        self.pages_fetched += 1;
        crate::observe::report_progress(&crate::observe::Progress::Page {
            number: self.pages_fetched,
            items: count,
        });
        match self.follow(&request, &page, count) {
            Ok(next) => self.next = next,
            Err(error) => self.failed = Some(error),
        }
        Ok(Some(page))
    }

    fn finished(&self) -> bool {
        self.next.is_none() && self.failed.is_none()
    }

    /// The request for the page after `page`, or `None` when the walk is over.
    fn follow(
        &mut self,
        sent: &Request,
        page: &Value,
        count: usize,
    ) -> Result<Option<Request>, Error> {
        match &self.style {
            PageStyle::CursorQuery { .. } => {
                let Some(cursor) = next_cursor(page) else {
                    return Ok(None);
                };
                self.check_new(&cursor)?;
                Ok(Some(with_query(sent, "starting_after", cursor)))
            }
            PageStyle::CursorBody { .. } => {
                let Some(cursor) = next_cursor(page) else {
                    return Ok(None);
                };
                self.check_new(&cursor)?;
                let mut next = sent.clone();
                let body = object(next.body.get_or_insert_with(|| Value::Object(Map::new())));
                let pagination = object(
                    body.entry("pagination")
                        .or_insert_with(|| Value::Object(Map::new())),
                );
                pagination.insert("starting_after".to_owned(), Value::String(cursor));
                Ok(Some(next))
            }
            PageStyle::PageNumber { .. } => {
                let pages = page.get("pages");
                let has_next = pages
                    .and_then(|p| p.get("next"))
                    .is_some_and(|n| !n.is_null());
                if count == 0 || !has_next {
                    return Ok(None);
                }
                let requested = query_value(sent, "page")
                    .and_then(|p| p.parse::<u64>().ok())
                    .unwrap_or(1);
                let current = pages
                    .and_then(|p| p.get("page"))
                    .and_then(Value::as_u64)
                    .unwrap_or(requested);
                let total = pages
                    .and_then(|p| p.get("total_pages"))
                    .and_then(Value::as_u64);
                if total.is_some_and(|t| current >= t) {
                    return Ok(None);
                }
                let next = current + 1;
                self.check_new(&format!("page={next}"))?;
                Ok(Some(with_query(sent, "page", next.to_string())))
            }
            PageStyle::Scroll { .. } => {
                if count == 0 {
                    return Ok(None);
                }
                let Some(param) = page
                    .get("scroll_param")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                else {
                    return Ok(None);
                };
                // The scroll parameter may stay the same for the whole scroll, so the loop check
                // is on the content: the same items twice in a row means the scroll is stuck.
                let mut hasher = DefaultHasher::new();
                page.get(self.style.items_key())
                    .map(Value::to_string)
                    .hash(&mut hasher);
                let digest = hasher.finish();
                if self.last_items.replace(digest) == Some(digest) {
                    return Err(Error::PaginationLoop {
                        cursor: param.to_owned(),
                    });
                }
                Ok(Some(with_query(sent, "scroll_param", param.to_owned())))
            }
        }
    }

    fn check_new(&mut self, cursor: &str) -> Result<(), Error> {
        if self.seen.insert(cursor.to_owned()) {
            Ok(())
        } else {
            Err(Error::PaginationLoop {
                cursor: cursor.to_owned(),
            })
        }
    }
}

/// The items array of a page; a page without it is an error that names the key.
fn items_of<'a>(page: &'a Value, key: &str, request: &Request) -> Result<&'a [Value], Error> {
    match page.get(key) {
        Some(Value::Array(items)) => Ok(items),
        Some(Value::Null) => Ok(&[]),
        other => {
            let found = match other {
                Some(v) => format!("a {} instead of an array", json_kind(v)),
                None => match page.as_object() {
                    Some(map) => {
                        let keys: Vec<&str> = map.keys().map(String::as_str).collect();
                        format!("no such key (keys: {})", keys.join(", "))
                    }
                    None => format!("a {} body, not an object", json_kind(page)),
                },
            };
            Err(Error::Decode {
                url: request.path.clone(),
                source: serde_json::Error::custom(format!(
                    "expected the page's items under `{key}`, found {found}"
                )),
            })
        }
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `pages.next.starting_after`, when it is a non-empty string.
fn next_cursor(page: &Value) -> Option<String> {
    let cursor = page.get("pages")?.get("next")?.get("starting_after")?;
    cursor.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

/// The cursor a request already carries (a resumed walk).
fn first_cursor(request: &Request, style: &PageStyle) -> Option<String> {
    match style {
        PageStyle::CursorQuery { .. } => query_value(request, "starting_after").map(str::to_owned),
        PageStyle::CursorBody { .. } => request
            .body
            .as_ref()?
            .get("pagination")?
            .get("starting_after")?
            .as_str()
            .map(str::to_owned),
        PageStyle::PageNumber { .. } => Some(format!(
            "page={}",
            query_value(request, "page")
                .and_then(|p| p.parse::<u64>().ok())
                .unwrap_or(1)
        )),
        PageStyle::Scroll { .. } => None,
    }
}

fn query_value<'a>(request: &'a Request, key: &str) -> Option<&'a str> {
    request
        .query
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// `sent` with every `key` query pair replaced by `key=value`.
fn with_query(sent: &Request, key: &str, value: String) -> Request {
    let mut next = sent.clone();
    next.query.retain(|(k, _)| k != key);
    next.query.push((key.to_owned(), value));
    next
}

/// `value` as an object, replacing anything else with an empty one.
fn object(value: &mut Value) -> &mut Map<String, Value> {
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    match value {
        Value::Object(map) => map,
        _ => unreachable!("just made an object"),
    }
}
