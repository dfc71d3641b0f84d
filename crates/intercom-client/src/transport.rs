//! The client: sends a [`Request`] and returns JSON or a typed error.

use std::sync::{Arc, Once};
use std::time::Instant;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use serde_json::Value;

use crate::clock::{Clock, SystemClock};
use crate::config::check_version;
use crate::error::ConnectionFailure;
use crate::pacing::{Pacer, RateLimit};
use crate::shared_budget::{SharedBudget, budget_file};
use crate::{
    ApiError, Config, Error, ErrorItem, MAX_URL_BYTES, Method, Outcome, PageStyle, Pages, Request,
};
use crate::{Decision, RetryPolicy};

/// Longest raw (non-JSON) error body kept in [`ApiError::raw_body`].
const RAW_BODY_LIMIT: usize = 4096;

/// A successful answer: a 2xx, or a redirect (3xx with a `Location`), which is not followed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response {
    pub status: u16,
    pub request_id: Option<String>,
    /// The JSON body; `null` for an empty body (204); a string for a `text/plain` body (a call's
    /// transcript); for a redirect, `{"type": "redirect", "status": 302, "location": "…"}`
    /// (a call's recording: `location` is its signed download address).
    pub body: Value,
    /// Every response header (`Location`, `Link`, the rate-limit headers, ...).
    pub headers: HeaderMap,
}

/// Cheap to clone; clones share the connection pool and the rate-limit budget.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    config: Config,
    /// `config.base_url` parsed, and its path without a trailing slash.
    base: url::Url,
    base_path: String,
    auth: HeaderValue,
    policy: RetryPolicy,
    clock: Arc<dyn Clock>,
    pacer: Arc<Pacer>,
    /// The budget shared with other processes, when [`Config::rate_limit_dir`] is set.
    shared: Option<SharedBudget>,
    /// The write attempts of this workspace (see [`crate::Ledger`]).
    ledger: crate::Ledger,
    /// State that the layers above keep per client (see [`Client::extension`]).
    extensions: std::sync::Mutex<http::Extensions>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("policy", &self.inner.policy)
            .field("clock", &self.inner.clock)
            .finish_non_exhaustive()
    }
}

/// What one attempt produced before any decision.
enum Attempt {
    Answered {
        status: u16,
        headers: HeaderMap,
        body: Bytes,
    },
    Failed {
        outcome: Outcome,
        error: reqwest::Error,
    },
    /// No whole answer within the attempt's time (the request may have been sent).
    TimedOut,
}

fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Err means another provider is already installed for the process; that one serves.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl Client {
    pub fn new(config: Config) -> Result<Client, Error> {
        Client::with_clock(config, Arc::new(SystemClock))
    }

    /// A client that takes time (now, sleep, jitter) from `clock`: pass a
    /// [`crate::TestClock`] to test retries and pacing without waiting.
    pub fn with_clock(config: Config, clock: Arc<dyn Clock>) -> Result<Client, Error> {
        config.validate()?;
        install_crypto_provider();
        let base = url::Url::parse(&config.base_url).map_err(|e| {
            Error::Config(crate::ConfigError::BaseUrl {
                url: config.base_url.clone(),
                reason: e.to_string(),
            })
        })?;
        let base_path = base.path().trim_end_matches('/').to_owned();
        let mut auth =
            HeaderValue::from_str(&format!("Bearer {}", config.token)).map_err(|_| {
                Error::Config(crate::ConfigError::Token(
                    "it cannot be sent in an HTTP header",
                ))
            })?;
        auth.set_sensitive(true);
        let user_agent = HeaderValue::from_str(&config.user_agent).map_err(|_| {
            Error::InvalidRequest(format!(
                "user agent `{}` contains characters an HTTP header cannot carry",
                config.user_agent
            ))
        })?;
        // The per-attempt timeout is the clock's (`Clock::timeout`), so tests can simulate hangs.
        // Redirects are answers, not followed: Intercom redirects a download (a call's
        // recording) to a signed address on its file host, which is what the caller wants;
        // following it would fetch audio, and would carry the request to another host.
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Transport {
                url: config.base_url.clone(),
                source: Box::new(e.without_url()),
            })?;
        let policy = RetryPolicy::new(config.max_attempts);
        let shared = config
            .rate_limit_dir
            .as_deref()
            .filter(|_| config.pacing)
            .map(|dir| SharedBudget::new(budget_file(dir, &config.base_url, &config.token)));
        let ledger = match config.rate_limit_dir.as_deref() {
            Some(dir) => crate::Ledger::open(
                &budget_file(dir, &config.base_url, &config.token).with_extension("writes.sqlite"),
                i64::try_from(clock.unix().as_secs()).unwrap_or(i64::MAX),
            ),
            None => crate::Ledger::in_memory(),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                ledger,
                http,
                config,
                base,
                base_path,
                auth,
                policy,
                clock,
                pacer: Arc::default(),
                shared,
                extensions: std::sync::Mutex::default(),
            }),
        })
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The retry policy in force (from [`Config::max_attempts`]).
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.policy
    }

    /// The rate-limit headers of the latest response that had them, from any clone.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.inner.pacer.last_seen()
    }

    /// The full URL `request` would be sent to (for `--dry-run` output), or why it cannot be.
    pub fn url(&self, request: &Request) -> Result<String, Error> {
        Ok(self.build_url(request)?.to_string())
    }

    /// The value of type `T` kept with this client (shared by its clones), inserting the one
    /// `init` makes when there is none yet. Layers above the transport keep per-client state here
    /// (for example a cache of the workspace's admins), so nothing is shared between clients
    /// that talk to different workspaces or with different tokens.
    pub fn extension<T: Clone + Send + Sync + 'static>(&self, init: impl FnOnce() -> T) -> T {
        let mut extensions = self
            .inner
            .extensions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(value) = extensions.get::<T>() {
            return value.clone();
        }
        let value = init();
        extensions.insert(value.clone());
        value
    }

    /// Sends with pacing and retries.
    pub async fn send(&self, request: &Request) -> Result<Response, Error> {
        self.send_until(request, std::future::pending()).await
    }

    /// The ledger of write attempts shared by this client's clones (on disk beside the shared
    /// rate budget when [`Config::rate_limit_dir`] is set, else in memory).
    pub fn ledger(&self) -> &crate::Ledger {
        &self.inner.ledger
    }

    /// The client clock's current time, as time since the unix epoch (what a write's attempt
    /// is stamped with, to look for its effect afterwards).
    pub fn now(&self) -> std::time::Duration {
        self.inner.clock.unix()
    }

    /// [`Client::send`], given up as soon as `cancelled` completes. The call then fails with
    /// [`Error::Cancelled`], whose `in_flight` says whether an attempt may have reached Intercom
    /// (sent and not answered, or an earlier attempt that failed ambiguously): for a write,
    /// that is an ambiguous failure ([`Error::applied`] is `Unknown`), to be reconciled like a
    /// timeout. Dropping the future of [`Client::send`] instead loses that verdict.
    pub async fn send_until(
        &self,
        request: &Request,
        cancelled: impl std::future::Future<Output = ()>,
    ) -> Result<Response, Error> {
        let doubt = std::sync::atomic::AtomicBool::new(false);
        tokio::select! {
            biased;
            () = cancelled => Err(Error::Cancelled {
                in_flight: doubt.load(std::sync::atomic::Ordering::SeqCst),
            }),
            result = self.send_tracked(request, &doubt) => result,
        }
    }

    /// The retry loop. `doubt` is true while an attempt is in flight and after one failed
    /// ambiguously (what a cancellation reports).
    async fn send_tracked(
        &self,
        request: &Request,
        doubt: &std::sync::atomic::AtomicBool,
    ) -> Result<Response, Error> {
        use std::sync::atomic::Ordering;
        let inner = &*self.inner;
        let url = self.build_url(request)?;
        let version = request.version.as_deref().unwrap_or(&inner.config.version);
        check_version(version)
            .map_err(|e| Error::InvalidRequest(format!("field `version`: {e}")))?;
        let version = HeaderValue::from_str(version).map_err(|_| {
            Error::InvalidRequest(format!(
                "field `version`: `{version}` is not a valid header value"
            ))
        })?;
        let body = match &request.body {
            Some(value) => Some(Bytes::from(serde_json::to_vec(value).map_err(|e| {
                Error::InvalidRequest(format!("field `body` cannot be serialized as JSON: {e}"))
            })?)),
            None => None,
        };
        let shown_url = display_url(&url);
        // The deadline counts attempts and retry waits, not waits for the rate budget: those
        // are bounded by MAX_PACING_WAIT each, and a call queued behind others must not fail
        // for having waited its turn.
        let deadline = inner.config.deadline;
        let mut started: Option<std::time::Duration> = None;
        let mut paced = std::time::Duration::ZERO;
        let spent = |started: Option<std::time::Duration>, paced| {
            started.map_or(std::time::Duration::ZERO, |s| {
                inner.clock.unix().saturating_sub(s).saturating_sub(paced)
            })
        };
        let mut attempt = 0u32;
        let mut last: Option<Error> = None;
        // How an earlier attempt failed ambiguously, if one did (only an idempotent request is
        // retried after such a failure): a later failure that proves nothing cannot clear it.
        let mut earlier: Option<String> = None;
        let settle = |error: Error, earlier: &Option<String>| match earlier {
            Some(e) if !error.ambiguous() && !matches!(error, Error::Decode { .. }) => {
                Error::AfterAmbiguousAttempt {
                    last: Box::new(error),
                    earlier: e.clone(),
                }
            }
            _ => error,
        };
        loop {
            let queued = inner.clock.unix();
            let permit = inner
                .pacer
                .acquire(&*inner.clock, inner.config.pacing)
                .await;
            if let Some(shared) = &inner.shared {
                shared.reserve(&*inner.clock).await;
            }
            match started {
                None => started = Some(inner.clock.unix()),
                Some(_) => paced += inner.clock.unix().saturating_sub(queued),
            }
            let Some(left) = deadline
                .checked_sub(spent(started, paced))
                .filter(|d| !d.is_zero())
            else {
                drop(permit);
                return Err(settle(
                    Error::DeadlineExceeded {
                        url: shown_url,
                        deadline,
                        attempts: attempt,
                        last: last.map(Box::new),
                    },
                    &earlier,
                ));
            };
            attempt += 1;
            let per_attempt = inner.config.timeout.min(left);
            let wall = Instant::now();
            doubt.store(true, Ordering::SeqCst);
            let result = tokio::select! {
                biased;
                result = self.attempt(request.method, &url, &version, body.clone()) => result,
                () = inner.clock.timeout(per_attempt) => Attempt::TimedOut,
            };
            let ambiguous_now = match &result {
                Attempt::Answered { status, .. } => *status >= 500,
                Attempt::Failed { outcome, .. } => !matches!(outcome, Outcome::NotSent),
                Attempt::TimedOut => true,
            };
            doubt.store(ambiguous_now || earlier.is_some(), Ordering::SeqCst);
            let elapsed_ms = u64::try_from(wall.elapsed().as_millis()).unwrap_or(u64::MAX);
            let outcome = match &result {
                Attempt::Answered {
                    status, headers, ..
                } => {
                    tracing::debug!(
                        method = request.method.as_str(),
                        path = %request.path,
                        status,
                        attempt,
                        duration_ms = elapsed_ms,
                        "intercom response"
                    );
                    permit.finish(headers, inner.clock.unix());
                    if let Some(shared) = &inner.shared {
                        shared.record(RateLimit::from_headers(headers));
                    }
                    Outcome::from_response(*status, headers)
                }
                Attempt::Failed { outcome, .. } => {
                    tracing::debug!(
                        method = request.method.as_str(),
                        path = %request.path,
                        attempt,
                        duration_ms = elapsed_ms,
                        failure = ?outcome,
                        "intercom request failed"
                    );
                    drop(permit);
                    if let Some(shared) = &inner.shared {
                        shared.abandon();
                    }
                    outcome.clone()
                }
                Attempt::TimedOut => {
                    tracing::debug!(
                        method = request.method.as_str(),
                        path = %request.path,
                        attempt,
                        timeout_ms = u64::try_from(per_attempt.as_millis()).unwrap_or(u64::MAX),
                        "intercom request timed out"
                    );
                    drop(permit);
                    if let Some(shared) = &inner.shared {
                        shared.abandon();
                    }
                    Outcome::MaybeSent { timed_out: true }
                }
            };
            if let Attempt::Answered {
                status, headers, ..
            } = &result
                && ((200..=299).contains(status)
                    || ((300..=399).contains(status)
                        && headers.contains_key(http::header::LOCATION)))
            {
                return answered_ok(result, &shown_url);
            }
            let now = inner.clock.unix().as_secs();
            match inner
                .policy
                .decide(&outcome, attempt, request.safety, now, inner.clock.jitter())
            {
                Decision::RetryAfter(wait) => {
                    let reason = match &result {
                        Attempt::Answered { status, .. } => status.to_string(),
                        Attempt::Failed {
                            outcome: Outcome::NotSent,
                            ..
                        } => "could not connect".to_owned(),
                        Attempt::Failed {
                            outcome: Outcome::MaybeSent { timed_out: true },
                            ..
                        }
                        | Attempt::TimedOut => "timed out".to_owned(),
                        Attempt::Failed { .. } => "the connection broke".to_owned(),
                    };
                    let error =
                        self.failure(result, &outcome, attempt, now, per_attempt, &shown_url);
                    if spent(started, paced).saturating_add(wait) >= deadline {
                        tracing::debug!(
                            method = request.method.as_str(),
                            path = %request.path,
                            attempt,
                            "not retrying: the wait would end past the call's deadline"
                        );
                        return Err(settle(
                            Error::DeadlineExceeded {
                                url: shown_url,
                                deadline,
                                attempts: attempt,
                                last: Some(Box::new(error)),
                            },
                            &earlier,
                        ));
                    }
                    if earlier.is_none() && error.ambiguous() {
                        earlier = Some(error.to_string());
                    }
                    last = Some(error);
                    tracing::debug!(
                        method = request.method.as_str(),
                        path = %request.path,
                        attempt,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "retrying"
                    );
                    crate::observe::report(&crate::observe::RetryNotice {
                        method: request.method.as_str(),
                        path: request.path.clone(),
                        attempt,
                        wait,
                        reason,
                    });
                    inner.clock.sleep(wait).await;
                }
                Decision::Return => {
                    let error =
                        self.failure(result, &outcome, attempt, now, per_attempt, &shown_url);
                    return Err(settle(error, &earlier));
                }
            }
        }
    }

    /// [`Client::send`] and return the body.
    pub async fn json(&self, request: &Request) -> Result<Value, Error> {
        Ok(self.send(request).await?.body)
    }

    /// Every item of a list or search, across pages.
    pub fn paginate(&self, request: Request, style: PageStyle) -> Pages {
        Pages::new(self.clone(), request, style)
    }

    async fn attempt(
        &self,
        method: Method,
        url: &url::Url,
        version: &HeaderValue,
        body: Option<Bytes>,
    ) -> Attempt {
        let method = match method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut builder = self
            .inner
            .http
            .request(method, url.clone())
            .header(http::header::AUTHORIZATION, self.inner.auth.clone())
            .header(http::header::ACCEPT, "application/json")
            .header("Intercom-Version", version.clone());
        if let Some(body) = body {
            builder = builder
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let response = match builder.send().await {
            Ok(response) => response,
            Err(error) => {
                return Attempt::Failed {
                    outcome: classify(&error),
                    error,
                };
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        match response.bytes().await {
            Ok(body) => Attempt::Answered {
                status,
                headers,
                body,
            },
            // The status line came back, so the request was sent; the body was cut off.
            Err(error) => Attempt::Failed {
                outcome: Outcome::MaybeSent {
                    timed_out: error.is_timeout(),
                },
                error,
            },
        }
    }

    fn failure(
        &self,
        result: Attempt,
        outcome: &Outcome,
        attempt: u32,
        now: u64,
        timeout: std::time::Duration,
        url: &str,
    ) -> Error {
        let url = url.to_owned();
        match result {
            Attempt::Answered {
                status,
                headers,
                body,
            } => {
                let error = api_error(status, &headers, &body);
                match status {
                    401 => Error::Unauthorized(error),
                    429 => Error::RateLimited {
                        error,
                        attempts: attempt,
                        retry_after: outcome.server_wait(now),
                    },
                    _ => Error::Api(error),
                }
            }
            Attempt::TimedOut => Error::Timeout { url, timeout },
            Attempt::Failed { outcome, error } => {
                let error = error.without_url();
                match outcome {
                    Outcome::MaybeSent { timed_out: true } => Error::Timeout { url, timeout },
                    Outcome::NotSent => Error::Transport {
                        url,
                        source: Box::new(ConnectionFailure::NotSent(Box::new(error))),
                    },
                    _ => Error::Transport {
                        url,
                        source: Box::new(ConnectionFailure::MaybeSent(Box::new(error))),
                    },
                }
            }
        }
    }

    /// Base URL + path (checked) + query pairs (encoded).
    fn build_url(&self, request: &Request) -> Result<url::Url, Error> {
        let path = request.path.as_str();
        let too_long = |what: &str, length: usize| {
            Error::InvalidRequest(format!(
                "field `{what}`: the URL would be {length} bytes or more, over the {MAX_URL_BYTES} \
                 this client sends (Intercom publishes no limit; 8 KiB is what web servers and \
                 proxies commonly accept); shorten the ids or query values, or send long values \
                 in a request body where the endpoint takes one"
            ))
        };
        if path.len() > MAX_URL_BYTES {
            return Err(too_long("path", path.len()));
        }
        let bad = |why: &str| Error::InvalidRequest(format!("field `path`: `{path}` {why}"));
        if !path.starts_with('/') {
            return Err(bad("must start with `/`"));
        }
        if path.contains('?') || path.contains('#') {
            return Err(bad(
                "must not contain `?` or `#`; pass query parameters as query pairs",
            ));
        }
        if path.contains("..") {
            return Err(bad("must not contain `..`"));
        }
        if path.bytes().any(|b| !b.is_ascii_graphic()) {
            return Err(bad(
                "must be percent-encoded: spaces, control and non-ASCII characters are not allowed",
            ));
        }
        let expected = format!("{}{}", self.inner.base_path, path);
        let mut url = self.inner.base.clone();
        url.set_path(&expected);
        if url.path() != expected {
            return Err(bad(
                "changes when read as a URL path; percent-encode each segment (no backslashes, quotes, braces or encoded dot segments)",
            ));
        }
        for (key, _) in &request.query {
            if key.is_empty() {
                return Err(Error::InvalidRequest(
                    "field `query`: a parameter name is empty".to_owned(),
                ));
            }
        }
        let raw_query: usize = request
            .query
            .iter()
            .map(|(k, v)| k.len() + v.len() + 2)
            .sum();
        if url.as_str().len() + raw_query > MAX_URL_BYTES {
            return Err(too_long("query", url.as_str().len() + raw_query));
        }
        if !request.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(request.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        if url.as_str().len() > MAX_URL_BYTES {
            return Err(too_long("query", url.as_str().len()));
        }
        Ok(url)
    }
}

/// Whether a failed send could have reached the server.
fn classify(error: &reqwest::Error) -> Outcome {
    if error.is_connect() {
        Outcome::NotSent
    } else {
        Outcome::MaybeSent {
            timed_out: error.is_timeout(),
        }
    }
}

/// The URL without its query string (which can carry personal data), for errors.
fn display_url(url: &url::Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.to_string()
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn answered_ok(result: Attempt, url: &str) -> Result<Response, Error> {
    let Attempt::Answered {
        status,
        headers,
        body,
    } = result
    else {
        unreachable!("only called with an answer");
    };
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let value = if (300..=399).contains(&status) {
        let location = headers
            .get(http::header::LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        serde_json::json!({"type": "redirect", "status": status, "location": location})
    } else if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else if content_type.starts_with("text/plain") {
        // A file Intercom answers as text (a call's transcript). Other non-JSON answers (an
        // HTML page from a proxy) stay decode errors.
        Value::String(String::from_utf8_lossy(&body).into_owned())
    } else {
        serde_json::from_slice(&body).map_err(|source| Error::Decode {
            url: url.to_owned(),
            source,
        })?
    };
    Ok(Response {
        status,
        request_id: request_id(&headers),
        body: value,
        headers,
    })
}

/// Reads Intercom's `error.list` when the body is one; keeps a truncated raw body otherwise.
fn api_error(status: u16, headers: &HeaderMap, body: &[u8]) -> ApiError {
    let mut error = ApiError {
        status,
        request_id: request_id(headers),
        errors: Vec::new(),
        raw_body: None,
    };
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let items = parsed
        .as_ref()
        .and_then(|v| v.get("errors"))
        .and_then(Value::as_array);
    match items {
        Some(items) => {
            error.errors = items.iter().map(error_item).collect();
            if let Some(id) = parsed
                .as_ref()
                .and_then(|v| v.get("request_id"))
                .and_then(Value::as_str)
            {
                error.request_id = Some(id.to_owned());
            }
        }
        None if body.iter().all(u8::is_ascii_whitespace) => {}
        None => error.raw_body = Some(truncate(body)),
    }
    error
}

fn error_item(item: &Value) -> ErrorItem {
    let text = |key: &str| match item.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    ErrorItem {
        code: text("code").unwrap_or_else(|| "unknown".to_owned()),
        message: text("message"),
        field: text("field"),
    }
}

fn truncate(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= RAW_BODY_LIMIT {
        return text.into_owned();
    }
    let mut end = RAW_BODY_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], body.len())
}
