//! The sync: from Intercom (or the sandbox) into a [`Store`].
//!
//! **What a run fetches.** Contacts, conversations and tickets are searched: the first run for
//! everything, each later run for what was updated after the previous run *started*, less an
//! overlap ([`SyncOptions::overlap`], 5 minutes by default), so a change made while a run was
//! paging, or stamped a little out of order, is not lost at the boundary. A conversation found
//! this way is fetched whole (`GET /conversations/{id}`, every part) only when its `updated_at`
//! differs from the mirror's, so the overlap costs search pages, never a second fetch of an
//! unchanged transcript. Admins, teams, tags, segments, companies and articles have no
//! `updated_at` search: they are listed whole each run (for most workspaces a page or a few).
//!
//! **Removals.** Intercom's search does not show what was deleted. For searched resources,
//! after the pages are in, one search asking for a single item gives the server's
//! `total_count` of everything created before the run started; when it equals the mirror's count
//! of the same range nothing was removed (one request). When it does not, the `created_at`
//! range is cut in two at the mirror's median and each half counted the same way, down to
//! ranges of at most a page, which are listed and compared id by id. Only the lower half is
//! asked for: the upper half's count is the whole's less the lower's. A few removals cost a
//! few requests per removal (one per halving), never a full listing. For listed resources,
//! whatever the listing did not return is removed.
//!
//! **Resuming.** Each page is written with its checkpoint (the next page's request,
//! [`intercom_client::Pages::next_request`]) in one transaction; every whole conversation is
//! written as it arrives. A run that stops (a request failing for good, the process killed)
//! leaves the checkpoint of the last page written: the next run goes on from there, within the
//! same window, and refetches no conversation it already holds at that `updated_at`. A
//! listing by page number (companies, articles) starts again from its first page instead, as
//! a deletion in between would shift its pages, and forgets what it had seen. The removal check is not checkpointed inside;
//! it starts again (from its first count).
//!
//! **Rate.** Requests go through the client, so they are paced by `X-RateLimit-*` and the
//! shared budget across processes; whole conversations are fetched
//! [`SyncOptions::concurrency`] at a time so the budget, not the latency, sets the pace.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use futures::StreamExt;
use intercom_client::{Client, PageStyle, Request};
use serde::Serialize;
use serde_json::{Value, json};

use crate::resource::Walk;
use crate::store::{Checkpoint, Stage, Store, Write};
use crate::{Error, Resource};

/// How a sync runs.
#[derive(Clone)]
#[non_exhaustive]
pub struct SyncOptions {
    /// Seconds before the previous run's start that the next window begins. Default 300.
    pub overlap: i64,
    /// Items per search page (1 to 150). Default 150.
    pub per_page: u32,
    /// Whole conversations fetched at once. Default 8.
    pub concurrency: usize,
    /// Which resources to sync, in [`Resource::ALL`] order. Default: all.
    pub resources: Vec<Resource>,
    /// The current time, unix seconds (tests set it).
    pub now: Arc<dyn Fn() -> i64 + Send + Sync>,
}

impl std::fmt::Debug for SyncOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncOptions")
            .field("overlap", &self.overlap)
            .field("per_page", &self.per_page)
            .field("concurrency", &self.concurrency)
            .field("resources", &self.resources)
            .finish_non_exhaustive()
    }
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            overlap: 300,
            per_page: 150,
            concurrency: 8,
            resources: Resource::ALL.to_vec(),
            now: Arc::new(|| jiff::Timestamp::now().as_second()),
        }
    }
}

impl SyncOptions {
    pub fn per_page(mut self, per_page: u32) -> SyncOptions {
        self.per_page = per_page.clamp(1, 150);
        self
    }
    pub fn overlap(mut self, seconds: i64) -> SyncOptions {
        self.overlap = seconds.max(0);
        self
    }
    pub fn concurrency(mut self, n: usize) -> SyncOptions {
        self.concurrency = n.max(1);
        self
    }
    pub fn resources(mut self, resources: impl IntoIterator<Item = Resource>) -> SyncOptions {
        let wanted: HashSet<Resource> = resources.into_iter().collect();
        self.resources = Resource::ALL
            .into_iter()
            .filter(|r| wanted.contains(r))
            .collect();
        self
    }
    pub fn clock(mut self, now: impl Fn() -> i64 + Send + Sync + 'static) -> SyncOptions {
        self.now = Arc::new(now);
        self
    }
}

/// Hooks for showing progress (the CLI draws bars with them). Every method has a default
/// that does nothing.
pub trait Progress: Send + Sync {
    /// A resource starts; `expected` is the server's `total_count` for this run when known.
    fn started(&self, _resource: Resource, _expected: Option<u64>, _resumed: bool) {}
    /// Items received so far in this run of the resource, and requests sent.
    fn advanced(&self, _resource: Resource, _items: u64, _requests: u64) {}
    /// A resource is done.
    fn finished(&self, _resource: Resource, _report: &ResourceReport) {}
}

/// What a run did for one resource.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ResourceReport {
    pub resource: &'static str,
    /// This run walked everything (the first one), not a window of changes.
    pub full: bool,
    /// This run went on from an interrupted one.
    pub resumed: bool,
    /// Items received in list or search pages.
    pub received: u64,
    /// Documents new or changed in the mirror.
    pub written: u64,
    /// Documents removed from the mirror.
    pub deleted: u64,
    /// Conversations fetched whole, and those skipped because the mirror had them unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetched_whole: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unchanged_skipped: Option<u64>,
    /// Requests sent (pages, whole conversations, counts of the removal check).
    pub requests: u64,
    /// Of them, the removal check's.
    pub reconcile_requests: u64,
    pub seconds: f64,
    /// Documents of the resource in the mirror after the run.
    pub items: u64,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SyncReport {
    pub resources: Vec<ResourceReport>,
    pub requests: u64,
    pub seconds: f64,
    pub requests_per_second: f64,
    /// `X-RateLimit-Limit` of the last answer: requests allowed per 10-second window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_per_window: Option<u32>,
    /// Requests per 10 seconds as a fraction of that limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_fraction: Option<f64>,
    /// Conversations whose parts Intercom cut at 500 (the mirror holds only those).
    pub truncated_conversations: u64,
}

/// A `created_at` range the removal check still has to compare.
struct Range {
    lo: i64,
    hi: i64,
    /// The server's count of it, when known without asking (an upper half, from its whole).
    known: Option<u64>,
    /// For a lower half: the count of the whole it was cut from.
    sibling_of: Option<u64>,
}

/// Runs syncs of one client into one store.
pub struct Syncer<'a> {
    client: Client,
    store: &'a dyn Store,
    options: SyncOptions,
    progress: Option<&'a dyn Progress>,
}

impl std::fmt::Debug for Syncer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Syncer")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// Counters of one resource's run.
#[derive(Default)]
struct Tally {
    requests: u64,
    reconcile: u64,
    received: u64,
    written: u64,
    deleted: u64,
    whole: u64,
    skipped: u64,
}

impl<'a> Syncer<'a> {
    pub fn new(client: Client, store: &'a dyn Store) -> Syncer<'a> {
        Syncer {
            client,
            store,
            options: SyncOptions::default(),
            progress: None,
        }
    }
    pub fn options(mut self, options: SyncOptions) -> Syncer<'a> {
        self.options = options;
        self
    }
    pub fn progress(mut self, progress: &'a dyn Progress) -> Syncer<'a> {
        self.progress = Some(progress);
        self
    }

    /// Syncs every resource of the options, in order. On a request that fails for good it
    /// stops with [`Error::Api`]; what was written stays, and the next run resumes.
    pub async fn run(&self) -> Result<SyncReport, Error> {
        let start = Instant::now();
        let mut report = SyncReport::default();
        for &resource in &self.options.resources {
            let r = self.sync_resource(resource).await?;
            report.requests += r.requests;
            report.resources.push(r);
        }
        report.seconds = start.elapsed().as_secs_f64();
        if report.seconds > 0.0 {
            report.requests_per_second = report.requests as f64 / report.seconds;
        }
        report.rate_limit_per_window = self.client.rate_limit().and_then(|r| r.limit);
        report.budget_fraction = report
            .rate_limit_per_window
            .filter(|l| *l > 0)
            .map(|l| report.requests_per_second * 10.0 / f64::from(l));
        report.truncated_conversations = self
            .store
            .count(&crate::Count::new(crate::Filter {
                truncated_only: true,
                ..crate::Filter::default()
            }))?
            .total;
        Ok(report)
    }

    fn now(&self) -> i64 {
        (self.options.now)()
    }

    fn api(resource: Resource) -> impl Fn(intercom_client::Error) -> Error {
        move |source| Error::Api {
            resource: resource.as_str(),
            source,
        }
    }

    async fn sync_resource(&self, resource: Resource) -> Result<ResourceReport, Error> {
        let started = Instant::now();
        let previous = self.store.checkpoint(resource)?;
        let (mut cp, resumed) = match previous {
            Some(cp) if cp.stage != Stage::Done => (cp, true),
            previous => {
                let last = previous.as_ref().and_then(|p| p.last_complete);
                let cp = Checkpoint {
                    stage: Stage::Paging,
                    since: last.map(|t| t - self.options.overlap),
                    until: self.now(),
                    next: None,
                    last_complete: last,
                    finished_at: previous.and_then(|p| p.finished_at),
                };
                (cp, false)
            }
        };
        let mut tally = Tally::default();
        if cp.stage == Stage::Paging {
            self.walk(resource, &mut cp, resumed, &mut tally).await?;
        } else if let Some(progress) = self.progress {
            progress.started(resource, None, resumed);
        }
        if cp.stage == Stage::Reconciling {
            match resource.walk() {
                Walk::Search { .. } => self.reconcile(resource, &cp, &mut tally).await?,
                Walk::List { .. } => {
                    tally.deleted += self.store.finish_listing(resource)?.len() as u64;
                }
            }
            cp.stage = Stage::Done;
            cp.last_complete = Some(cp.until);
            cp.finished_at = Some(self.now());
            cp.next = None;
            self.store.write(
                resource,
                Write {
                    checkpoint: Some(&cp),
                    ..Write::default()
                },
            )?;
        }
        let items = self
            .store
            .count(&crate::Count::new(crate::Filter::default()).resource(resource))?
            .total;
        let conversations = resource == Resource::Conversations;
        let report = ResourceReport {
            resource: resource.as_str(),
            full: cp.since.is_none(),
            resumed,
            received: tally.received,
            written: tally.written,
            deleted: tally.deleted,
            fetched_whole: conversations.then_some(tally.whole),
            unchanged_skipped: conversations.then_some(tally.skipped),
            requests: tally.requests,
            reconcile_requests: tally.reconcile,
            seconds: started.elapsed().as_secs_f64(),
            items,
        };
        if let Some(progress) = self.progress {
            progress.finished(resource, &report);
        }
        Ok(report)
    }

    /// The first request of a run and how it pages.
    fn first(&self, resource: Resource, since: Option<i64>) -> (Request, PageStyle) {
        match resource.walk() {
            Walk::Search { items_key, .. } => {
                // Contacts' dates compare by calendar day: `> the day before` takes the whole
                // day of `since`.
                let step = resource.date_step();
                let after = since.map_or(0, |t| if step > 1 { t - step } else { t }.max(0));
                let query = json!({"field": "updated_at", "operator": ">", "value": after});
                let request = resource
                    .search(query, self.options.per_page)
                    .expect("a searched resource");
                (request, PageStyle::cursor_body(items_key))
            }
            Walk::List { request, style } => (request, style),
        }
    }

    fn style(resource: Resource) -> PageStyle {
        match resource.walk() {
            Walk::Search { items_key, .. } => PageStyle::cursor_body(items_key),
            Walk::List { style, .. } => style,
        }
    }

    async fn walk(
        &self,
        resource: Resource,
        cp: &mut Checkpoint,
        resumed: bool,
        tally: &mut Tally,
    ) -> Result<(), Error> {
        let style = Self::style(resource);
        let listing = matches!(resource.walk(), Walk::List { .. });
        // A listing by page number starts again from its first page: an item deleted since
        // the interruption would shift the later pages, and the items moved onto a page
        // already read would go unseen and be removed. What was seen before stays seen.
        let restart = listing && matches!(style, PageStyle::PageNumber { .. });
        let start = match cp.next.clone() {
            Some(next) if resumed && !restart => next,
            _ => {
                if resumed && restart {
                    self.store.restart_listing(resource)?;
                }
                self.first(resource, cp.since).0
            }
        };
        let key = style.items_key().to_owned();
        let mut pages = self.client.paginate(start, style);
        let mut first = true;
        loop {
            let page = pages.next_page().await;
            if !matches!(page, Ok(None)) {
                tally.requests += 1;
            }
            let Some(page) = page.map_err(Self::api(resource))? else {
                break;
            };
            if first {
                first = false;
                if let Some(progress) = self.progress {
                    progress.started(resource, page["total_count"].as_u64(), resumed);
                }
            }
            let items = page[key.as_str()].as_array().cloned().unwrap_or_default();
            tally.received += items.len() as u64;
            let docs = if resource == Resource::Conversations {
                self.whole_conversations(&items, tally).await?;
                Vec::new()
            } else {
                items
            };
            cp.next = pages.next_request().cloned();
            if cp.next.is_none() {
                cp.stage = Stage::Reconciling;
            }
            tally.written += self.store.write(
                resource,
                Write {
                    upserts: &docs,
                    seen: listing,
                    checkpoint: Some(cp),
                    ..Write::default()
                },
            )?;
            if let Some(progress) = self.progress {
                progress.advanced(resource, tally.received, tally.requests);
            }
            if cp.next.is_none() {
                break;
            }
        }
        if cp.stage == Stage::Paging {
            cp.stage = Stage::Reconciling;
            cp.next = None;
            self.store.write(
                resource,
                Write {
                    checkpoint: Some(cp),
                    ..Write::default()
                },
            )?;
        }
        Ok(())
    }

    /// Fetches (and writes, one by one) the conversations of `items` that the mirror does not
    /// hold at their `updated_at`.
    async fn whole_conversations(&self, items: &[Value], tally: &mut Tally) -> Result<(), Error> {
        let ids: Vec<String> = items
            .iter()
            .filter_map(|c| c["id"].as_str().map(str::to_owned))
            .collect();
        let stored = self.store.updated_at(Resource::Conversations, &ids)?;
        let need: Vec<String> = items
            .iter()
            .filter_map(|c| {
                let id = c["id"].as_str()?;
                let at = c["updated_at"].as_i64();
                (at.is_none() || stored.get(id).copied() != at).then(|| id.to_owned())
            })
            .collect();
        tally.skipped += (ids.len() - need.len()) as u64;
        // At most `concurrency` in flight. After a failure no new fetch starts, and those in
        // flight are still written when they succeed, so a resumed run has none to fetch again.
        let client = &self.client;
        let fetch = |id: String| async move {
            let request = Request::get(format!("/conversations/{id}"));
            client.json(&request).await
        };
        let mut pending = need.into_iter();
        let mut running = futures::stream::FuturesUnordered::new();
        let mut failure = None;
        loop {
            while failure.is_none() && running.len() < self.options.concurrency {
                match pending.next() {
                    Some(id) => running.push(fetch(id)),
                    None => break,
                }
            }
            let Some(result) = running.next().await else {
                break;
            };
            tally.requests += 1;
            match result {
                Ok(doc) => {
                    tally.whole += 1;
                    tally.written += self.store.write(
                        Resource::Conversations,
                        Write {
                            upserts: std::slice::from_ref(&doc),
                            ..Write::default()
                        },
                    )?;
                }
                Err(error) => {
                    failure.get_or_insert(error);
                }
            }
        }
        match failure {
            Some(error) => Err(Self::api(Resource::Conversations)(error)),
            None => Ok(()),
        }
    }

    /// The search for documents created in `[lo, hi)`.
    fn range_request(&self, resource: Resource, lo: i64, hi: i64, per_page: u32) -> Request {
        // `lo` and `hi` are multiples of the resource's date step, so `> lo - step` and
        // `< hi` take exactly `[lo, hi)` whether dates compare by second or by day.
        let step = resource.date_step();
        let mut filters = vec![json!({"field": "created_at", "operator": "<", "value": hi})];
        if lo > 0 {
            filters.push(json!({"field": "created_at", "operator": ">", "value": lo - step}));
        }
        let query = if filters.len() == 1 {
            filters.remove(0)
        } else {
            json!({"operator": "AND", "value": filters})
        };
        resource
            .search(query, per_page)
            .expect("a searched resource")
    }

    /// Finds removals by counting `created_at` ranges (see the module's documentation).
    async fn reconcile(
        &self,
        resource: Resource,
        cp: &Checkpoint,
        tally: &mut Tally,
    ) -> Result<(), Error> {
        let per_page = u64::from(self.options.per_page);
        let step = resource.date_step();
        let mut ranges = vec![Range {
            lo: 0,
            hi: (cp.until / step + 1) * step,
            known: None,
            sibling_of: None,
        }];
        while let Some(Range {
            lo,
            hi,
            known,
            sibling_of,
        }) = ranges.pop()
        {
            let server = match known {
                Some(count) => count,
                None => {
                    let probe = self
                        .client
                        .json(&self.range_request(resource, lo, hi, 1))
                        .await
                        .map_err(Self::api(resource))?;
                    tally.requests += 1;
                    tally.reconcile += 1;
                    probe["total_count"]
                        .as_u64()
                        .ok_or_else(|| Error::Unexpected {
                            resource: resource.as_str(),
                            message: "a search answer without total_count".to_owned(),
                        })?
                }
            };
            // The upper half's count is the whole's less the lower half's: one request per
            // halving, not two. The upper half is the entry just below this one.
            if let Some(whole) = sibling_of
                && let Some(upper) = ranges.last_mut()
            {
                upper.known = Some(whole.saturating_sub(server));
            }
            let local = self.store.count_created(resource, lo, hi)?;
            if server == local {
                continue;
            }
            if server.min(local) <= per_page || hi - lo <= step {
                self.relist(resource, lo, hi, tally).await?;
                continue;
            }
            let align = |t: i64| t / step * step;
            let mid = self
                .store
                .median_created(resource, lo, hi)?
                .map(align)
                .filter(|m| *m > lo && *m < hi)
                .unwrap_or_else(|| align(lo + (hi - lo) / 2).max(lo + step));
            ranges.push(Range {
                lo: mid,
                hi,
                known: None,
                sibling_of: None,
            });
            ranges.push(Range {
                lo,
                hi: mid,
                known: None,
                sibling_of: Some(server),
            });
        }
        Ok(())
    }

    /// Lists `[lo, hi)` in full: writes what is new or changed, removes what the server no
    /// longer has.
    async fn relist(
        &self,
        resource: Resource,
        lo: i64,
        hi: i64,
        tally: &mut Tally,
    ) -> Result<(), Error> {
        let style = Self::style(resource);
        let key = style.items_key().to_owned();
        let request = self.range_request(resource, lo, hi, self.options.per_page);
        let mut pages = self.client.paginate(request, style);
        let mut on_server = HashSet::new();
        loop {
            let page = pages.next_page().await;
            if !matches!(page, Ok(None)) {
                tally.requests += 1;
                tally.reconcile += 1;
            }
            let Some(page) = page.map_err(Self::api(resource))? else {
                break;
            };
            let items = page[key.as_str()].as_array().cloned().unwrap_or_default();
            for item in &items {
                if let Some(id) = item["id"].as_str() {
                    on_server.insert(id.to_owned());
                }
            }
            if resource == Resource::Conversations {
                self.whole_conversations(&items, tally).await?;
            } else {
                tally.written += self.store.write(
                    resource,
                    Write {
                        upserts: &items,
                        ..Write::default()
                    },
                )?;
            }
            if pages.next_request().is_none() {
                break;
            }
        }
        let missing: Vec<String> = self
            .store
            .ids_created(resource, lo, hi)?
            .into_iter()
            .filter(|id| !on_server.contains(id))
            .collect();
        // Each one missing from the range is asked for by id: only a 404 removes it, so a range
        // the server draws differently (another time zone's days) never removes a live one.
        let mut gone = Vec::new();
        for id in missing {
            let request = Request::get(format!("/{resource}/{id}"));
            let answer = self.client.json(&request).await;
            tally.requests += 1;
            tally.reconcile += 1;
            match answer {
                Ok(doc) if resource == Resource::Conversations => {
                    tally.whole += 1;
                    tally.written += self.store.write(
                        resource,
                        Write {
                            upserts: std::slice::from_ref(&doc),
                            ..Write::default()
                        },
                    )?;
                }
                Ok(doc) => {
                    tally.written += self.store.write(
                        resource,
                        Write {
                            upserts: std::slice::from_ref(&doc),
                            ..Write::default()
                        },
                    )?;
                }
                Err(error) if error.status() == Some(404) => gone.push(id),
                Err(error) => return Err(Self::api(resource)(error)),
            }
        }
        if !gone.is_empty() {
            tally.deleted += gone.len() as u64;
            self.store.write(
                resource,
                Write {
                    deletes: &gone,
                    ..Write::default()
                },
            )?;
        }
        Ok(())
    }
}
