//! The MCP server: `tools/list` and `tools/call` over the registry.

use std::borrow::Cow;
use std::sync::Arc;

use intercom_tools::Tool;
#[allow(deprecated)]
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CompleteRequestMethod,
    CompleteRequestParams, CompleteResult, GetPromptRequestParams, GetPromptResponse,
    Implementation, ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult,
    ListToolsResult, LoggingLevel, LoggingMessageNotificationParam, PaginatedRequestParams,
    ProgressNotificationParam, ProtocolVersion, ReadResourceRequestParams, ReadResourceResponse,
    ServerCapabilities, ServerConfig, SetLevelRequestParams, Tool as McpTool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Map, Value, json};

use crate::connector::{Connector, NoClient, RequestToken};
use crate::definition::definition;
use crate::selection::Catalog;
use crate::{discover, prompts, reply, resources};

/// The oldest protocol version served; the newest is rmcp's.
pub const OLDEST_PROTOCOL_VERSION: ProtocolVersion = ProtocolVersion::V_2025_06_18;

/// An MCP server for a [`Catalog`]. Cheap to clone: one per HTTP request is fine.
#[derive(Clone)]
pub struct IntercomServer {
    inner: Arc<Inner>,
}

struct Inner {
    catalog: Catalog,
    connector: Connector,
    /// What `tools/list` shows, computed once.
    listed: Vec<McpTool>,
    versions: Vec<ProtocolVersion>,
    instructions: String,
    /// The tool-search index (discovery mode only).
    index: Option<discover::Index>,
    /// The lowest level of `notifications/message` sent (`logging/setLevel`), as a rank of
    /// [`level_rank`]; warnings by default.
    log_level: std::sync::atomic::AtomicU8,
}

/// The rank of a logging level, from `debug` (0) to `emergency` (7).
#[allow(deprecated)]
fn level_rank(level: LoggingLevel) -> u8 {
    match level {
        LoggingLevel::Debug => 0,
        LoggingLevel::Info => 1,
        LoggingLevel::Notice => 2,
        LoggingLevel::Warning => 3,
        LoggingLevel::Error => 4,
        LoggingLevel::Critical => 5,
        LoggingLevel::Alert => 6,
        LoggingLevel::Emergency => 7,
    }
}

impl std::fmt::Debug for IntercomServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntercomServer")
            .field("tools", &self.inner.listed.len())
            .finish_non_exhaustive()
    }
}

impl IntercomServer {
    pub fn new(catalog: Catalog, connector: Connector) -> IntercomServer {
        let listed = if catalog.discover() {
            discover::definitions(&catalog)
        } else {
            catalog.enabled().iter().map(|t| definition(t)).collect()
        };
        let versions = ProtocolVersion::KNOWN_VERSIONS
            .iter()
            .filter(|v| v.as_str() >= OLDEST_PROTOCOL_VERSION.as_str())
            .cloned()
            .collect();
        let instructions = instructions(catalog.discover());
        let index = catalog
            .discover()
            .then(|| discover::Index::new(catalog.registry(), catalog.enabled()));
        IntercomServer {
            inner: Arc::new(Inner {
                instructions,
                index,
                log_level: std::sync::atomic::AtomicU8::new(level_rank(
                    #[allow(deprecated)]
                    LoggingLevel::Warning,
                )),
                catalog,
                connector,
                listed,
                versions,
            }),
        }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.inner.catalog
    }

    /// The protocol versions served, oldest first.
    pub fn protocol_versions(&self) -> &[ProtocolVersion] {
        &self.inner.versions
    }

    pub fn connector(&self) -> &Connector {
        &self.inner.connector
    }

    /// Every definition `tools/list` returns, across all pages.
    pub fn listed(&self) -> &[McpTool] {
        &self.inner.listed
    }

    /// One page of `tools/list`; the cursor is the offset of the page's first tool.
    pub fn list_page(&self, cursor: Option<&str>) -> Result<ListToolsResult, ErrorData> {
        let all = &self.inner.listed;
        let start = match cursor {
            None => 0,
            Some(c) => c
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= all.len())
                .ok_or_else(|| {
                    ErrorData::invalid_params(
                        "invalid cursor: pass back the nextCursor of the previous page",
                        None,
                    )
                })?,
        };
        let size = self.inner.catalog.page_size().unwrap_or(all.len().max(1));
        let end = (start + size).min(all.len());
        let mut result = ListToolsResult::with_all_items(all[start..end].to_vec());
        if end < all.len() {
            result.next_cursor = Some(end.to_string());
        }
        Ok(result)
    }

    /// Handles one `tools/call`: never a protocol error, every failure is a tool error.
    pub async fn call(
        &self,
        name: &str,
        args: Value,
        token: Option<&RequestToken>,
    ) -> CallToolResult {
        self.call_until(name, args, token, std::future::pending())
            .await
    }

    /// [`IntercomServer::call`], given up when `cancelled` completes: a write cancelled with its
    /// request in flight is reconciled (looked for, or its verdict found) before this returns,
    /// and the result says whether it was applied.
    pub async fn call_until(
        &self,
        name: &str,
        args: Value,
        token: Option<&RequestToken>,
        cancelled: impl std::future::Future<Output = ()> + Send,
    ) -> CallToolResult {
        let catalog = &self.inner.catalog;
        if catalog.discover() {
            match name {
                discover::SEARCH => return self.search(&args),
                discover::DESCRIBE => return self.describe(&args),
                discover::CALL => {
                    let target = args.get("name").and_then(Value::as_str).map(str::to_owned);
                    let Some(target) = target.filter(|n| !n.trim().is_empty()) else {
                        return meta_error(
                            discover::CALL,
                            "name",
                            "is required: the tool to call, e.g. from intercom_search_tools",
                        );
                    };
                    let inner_args = match args.get("arguments") {
                        None | Some(Value::Null) => Value::Null,
                        Some(v @ Value::Object(_)) => v.clone(),
                        Some(_) => {
                            return meta_error(
                                discover::CALL,
                                "arguments",
                                "must be a JSON object of the tool's arguments",
                            );
                        }
                    };
                    if [discover::SEARCH, discover::DESCRIBE, discover::CALL]
                        .contains(&target.as_str())
                    {
                        return meta_error(
                            discover::CALL,
                            "name",
                            "names a meta-tool: call it directly",
                        );
                    }
                    return Box::pin(self.call_tool_by_name(&target, inner_args, token, cancelled))
                        .await;
                }
                _ => {}
            }
        }
        self.call_tool_by_name(name, args, token, cancelled).await
    }

    async fn call_tool_by_name(
        &self,
        name: &str,
        args: Value,
        token: Option<&RequestToken>,
        cancelled: impl std::future::Future<Output = ()> + Send,
    ) -> CallToolResult {
        let catalog = &self.inner.catalog;
        let registry = catalog.registry();
        let tool = match registry.lookup(name) {
            Ok(lookup) => lookup.tool,
            Err(err) => return reply::tool_error(&err, None),
        };
        if let Err(refusal) = catalog.check(tool) {
            tracing::debug!(tool = tool.name, ?refusal, "call refused");
            return reply::refused(tool, refusal);
        }
        let call = match registry.prepare(name, args) {
            Ok(call) => call,
            Err(err) => return reply::tool_error(&err, Some(tool)),
        };
        let client = match self.inner.connector.client(token) {
            Ok(client) => client,
            Err(missing) => {
                return no_client(
                    tool,
                    &missing,
                    self.inner.connector.accepts_request_tokens(),
                );
            }
        };
        // A cancelled read stops here; a cancelled write is settled first (`call_tool` lets
        // it finish in the background and tells the client what became of it).
        match call.run_until(&client, cancelled).await {
            Ok(reported) => match reported.recovery {
                // A write whose answer was lost, found to have landed: say so beside it.
                Some(recovery) => reply::recovered(reported.value, &recovery.note),
                None => reply::success(reported.value),
            },
            Err(err) => reply::tool_error(&err, Some(tool)),
        }
    }

    fn search(&self, args: &Value) -> CallToolResult {
        let query = match args.get("query") {
            None | Some(Value::Null) => "",
            Some(Value::String(s)) => s.as_str(),
            Some(_) => {
                return meta_error(discover::SEARCH, "query", "must be a string of keywords");
            }
        };
        let toolset = match args.get("toolset") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => return meta_error(discover::SEARCH, "toolset", "must be a string"),
        };
        let limit = match args.get("limit") {
            None | Some(Value::Null) => discover::default_limit(),
            Some(v) => match v.as_u64() {
                Some(n) if (1..=50).contains(&n) => n as usize,
                _ => {
                    return meta_error(
                        discover::SEARCH,
                        "limit",
                        "must be an integer from 1 to 50",
                    );
                }
            },
        };
        let catalog = &self.inner.catalog;
        let built;
        let index = match &self.inner.index {
            Some(index) => index,
            None => {
                built = discover::Index::new(catalog.registry(), catalog.enabled());
                &built
            }
        };
        reply::success(discover::search(catalog, index, query, toolset, limit))
    }

    fn describe(&self, args: &Value) -> CallToolResult {
        let Some(name) = args
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.trim().is_empty())
        else {
            return meta_error(
                discover::DESCRIBE,
                "name",
                "is required: a tool name from intercom_search_tools",
            );
        };
        let catalog = &self.inner.catalog;
        let tool = match catalog.registry().lookup(name) {
            Ok(lookup) => lookup.tool,
            Err(err) => return reply::tool_error(&err, None),
        };
        if let Err(refusal) = catalog.check(tool) {
            return reply::refused(tool, refusal);
        }
        reply::success(discover::describe(catalog, tool))
    }
}

/// Whether notifications can reach the client during a request: always over stdio; over HTTP
/// when the POST accepts an event stream (its answer becomes the request's stream).
fn can_stream(context: &RequestContext<RoleServer>) -> bool {
    let Some(parts) = context.extensions.get::<http::request::Parts>() else {
        return true;
    };
    parts
        .headers
        .get_all(http::header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/event-stream"))
        })
}

/// The Intercom token sent with an HTTP request (`X-Intercom-Token`), if any.
fn request_token(context: &RequestContext<RoleServer>) -> Option<RequestToken> {
    context
        .extensions
        .get::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestToken>())
        .cloned()
}

impl IntercomServer {
    /// Sends a `notifications/message` when `level` is at or above the level the client set.
    /// Over HTTP only when the POST accepts `text/event-stream`: the notification then turns the
    /// answer into an event stream carrying it and the response (a POST that accepts only JSON
    /// gets its one JSON response, and no log).
    #[allow(deprecated)]
    async fn log(&self, context: &RequestContext<RoleServer>, level: LoggingLevel, data: Value) {
        let threshold = self
            .inner
            .log_level
            .load(std::sync::atomic::Ordering::Relaxed);
        if level_rank(level) < threshold || !can_stream(context) {
            return;
        }
        self.log_to(&context.peer, true, level, data).await;
    }

    /// [`IntercomServer::log`] to a peer, outside a request (`streamable`: whether the request
    /// it concerns could carry notifications).
    #[allow(deprecated)]
    async fn log_to(
        &self,
        peer: &rmcp::Peer<RoleServer>,
        streamable: bool,
        level: LoggingLevel,
        data: Value,
    ) {
        let threshold = self
            .inner
            .log_level
            .load(std::sync::atomic::Ordering::Relaxed);
        if level_rank(level) < threshold || !streamable {
            return;
        }
        let param = LoggingMessageNotificationParam::new(level, data).with_logger("intercom");
        if let Err(e) = peer.notify_logging_message(param).await {
            tracing::debug!(error = %e, "could not send a log notification");
        }
    }
}

impl IntercomServer {
    /// Whether a call of `name` with `args` may write (`intercom_call_tool` names its tool).
    fn may_write(&self, name: &str, args: &Value) -> bool {
        let registry = self.inner.catalog.registry();
        let name = if name == discover::CALL && self.inner.catalog.discover() {
            match args.get("name").and_then(Value::as_str) {
                Some(target) => target,
                None => return false,
            }
        } else {
            name
        };
        registry
            .lookup(name)
            .is_ok_and(|l| !l.tool.annotations.read_only)
    }

    /// Settles a write the client cancelled in flight, in the background and bounded by
    /// [`CANCELLED_WRITE_BOUND`]: the call, told of the cancel, stops retrying and reconciles
    /// (its verdict goes to the ledger); the client gets a `notifications/message` (warning)
    /// saying what was cancelled and whether it was applied, since rmcp answers a cancelled
    /// request with nothing.
    fn settle_cancelled(
        &self,
        name: String,
        work: std::pin::Pin<Box<dyn std::future::Future<Output = CallToolResult> + Send>>,
        context: &RequestContext<RoleServer>,
    ) {
        let server = self.clone();
        let peer = context.peer.clone();
        let streamable = can_stream(context);
        tokio::spawn(async move {
            let (applied, how_to_check) = match tokio::time::timeout(CANCELLED_WRITE_BOUND, work)
                .await
            {
                Ok(result) => verdict_of(&result),
                Err(_) => (
                    "unknown",
                    Some(format!(
                        "it could not be settled within {} s of the cancel: read the object back with the matching read tool before sending it again",
                        CANCELLED_WRITE_BOUND.as_secs()
                    )),
                ),
            };
            let message = match (applied, &how_to_check) {
                ("yes", _) => format!(
                    "{name} was cancelled in flight, but the write had been applied: applied: yes; do not send it again"
                ),
                ("no", _) => format!(
                    "{name} was cancelled in flight and the write was not applied: applied: no; nothing was changed"
                ),
                (_, Some(how)) => format!(
                    "{name} was cancelled in flight and may have been applied: applied: unknown; {how}"
                ),
                (_, None) => format!(
                    "{name} was cancelled in flight and may have been applied: applied: unknown; look for its effect before sending it again"
                ),
            };
            tracing::info!(tool = %name, applied, "a write cancelled in flight was settled");
            let mut data =
                json!({"message": message, "tool": name, "cancelled": true, "applied": applied});
            if let Some(how) = how_to_check {
                data["how_to_check"] = json!(how);
            }
            #[allow(deprecated)]
            server
                .log_to(&peer, streamable, LoggingLevel::Warning, data)
                .await;
        });
    }

    /// The result of a call the client cancelled. rmcp does not send it (a cancelled request is
    /// not answered); it is what the server knows, for its log and for a caller that awaits it.
    ///
    /// Verdict hook: a write cancelled after its request went out may have been applied. When
    /// the client's errors carry a verdict (applied: yes, no, or unknown and how to check), the
    /// cancelled write's verdict belongs here, found the way an ambiguous failure's is.
    fn cancelled(&self, name: &str, write: bool) -> CallToolResult {
        let text = if write {
            format!(
                "{name} was cancelled by the client before it finished; the write may have reached Intercom before the cancel, so it may have been applied: look for its effect before sending it again"
            )
        } else {
            format!("{name} was cancelled by the client before it finished; nothing was changed")
        };
        reply::failure(
            "cancelled",
            text,
            Map::from_iter([
                ("tool".into(), json!(name)),
                (
                    "applied".into(),
                    json!(if write { "unknown" } else { "no" }),
                ),
            ]),
        )
    }
}

/// How long a write cancelled in flight may take to be settled (its lookups) before its
/// verdict is given as unknown.
pub const CANCELLED_WRITE_BOUND: std::time::Duration = std::time::Duration::from_secs(60);

/// The verdict a call's result carries: `yes` for a success (applied, or found to have
/// landed), else the error's `applied` and `how_to_check`.
fn verdict_of(result: &CallToolResult) -> (&'static str, Option<String>) {
    if result.is_error != Some(true) {
        return ("yes", None);
    }
    let error = result
        .structured_content
        .as_ref()
        .and_then(|s| s.get("error"));
    let how = error
        .and_then(|e| e.get("how_to_check"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    match error.and_then(|e| e.get("applied")).and_then(Value::as_str) {
        Some("yes") => ("yes", None),
        Some("no") => ("no", None),
        _ => ("unknown", how),
    }
}

/// When the request carries `_meta.progressToken`: a sender of progress messages, and the task
/// that sends each as a `notifications/progress` (numbered 1, 2, ...), until the sender drops.
fn progress_forwarder(
    context: &RequestContext<RoleServer>,
) -> (
    Option<tokio::sync::mpsc::UnboundedSender<String>>,
    Option<tokio::task::JoinHandle<()>>,
) {
    let Some(token) = context
        .meta
        .get_progress_token()
        .filter(|_| can_stream(context))
    else {
        return (None, None);
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let peer = context.peer.clone();
    let task = tokio::spawn(async move {
        let mut step = 0u32;
        while let Some(message) = rx.recv().await {
            step += 1;
            let param = ProgressNotificationParam::new(token.clone(), f64::from(step))
                .with_message(message);
            if let Err(e) = peer.notify_progress(param).await {
                tracing::debug!(error = %e, "could not send a progress notification");
                return;
            }
        }
    });
    (Some(tx), Some(task))
}

fn progress_message(progress: &intercom_client::observe::Progress) -> String {
    use intercom_client::observe::Progress;
    match progress {
        Progress::Page { number, items } => format!("page {number} fetched ({items} items)"),
        Progress::RateLimitWait { wait } => format!(
            "waiting {} ms for rate-limit budget before the next request",
            wait.as_millis()
        ),
        _ => "working".to_owned(),
    }
}

fn meta_error(tool: &str, field: &str, message: &str) -> CallToolResult {
    reply::failure(
        "validation",
        format!("invalid input for `{tool}`: `{field}` {message}"),
        Map::from_iter([("tool".into(), json!(tool)), ("field".into(), json!(field))]),
    )
}

fn no_client(tool: &Tool, why: &NoClient, per_request: bool) -> CallToolResult {
    let text = match why {
        NoClient::Missing if per_request => format!(
            "{} needs an Intercom access token and this server has none: send one in the X-Intercom-Token header of the MCP request (configure it in the MCP client), or start the server with INTERCOM_TOKEN",
            tool.name
        ),
        NoClient::Missing => format!(
            "{} needs an Intercom access token and this server has none: ask the user to start the server with INTERCOM_TOKEN set",
            tool.name
        ),
        NoClient::Invalid(reason) => format!(
            "the Intercom token sent in X-Intercom-Token cannot be used ({reason}): fix the MCP client's configuration"
        ),
    };
    reply::failure(
        "auth",
        text,
        Map::from_iter([("tool".into(), json!(tool.name))]),
    )
}

const INSTRUCTIONS: &str = "Tools for one Intercom workspace: conversations, contacts, companies, admins, tickets, tags and more. Ids come from list and search tools; when a call fails, its error says which tool to call or what to fix.";
const DISCOVER_INSTRUCTIONS: &str = "Tools for one Intercom workspace, reached through three meta-tools: call intercom_search_tools with a plain-language ask or keywords to find a tool, intercom_describe_tool for its arguments, then intercom_call_tool with its name and arguments. When a call fails, its error says which tool to call or what to fix.";

/// The server's instructions: what it serves, then once for every tool what the shaping
/// parameters do (each schema describes them in a few words).
fn instructions(discover: bool) -> String {
    let head = if discover {
        DISCOVER_INSTRUCTIONS
    } else {
        INSTRUCTIONS
    };
    format!("{head}\n\n{}", intercom_tools::shape::EXPLANATION)
}

impl ServerHandler for IntercomServer {
    #[allow(deprecated)]
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_logging()
                .enable_prompts()
                .enable_resources()
                .enable_tools()
                .build(),
        )
        .with_server_info(
            Implementation::new("intercom", env!("CARGO_PKG_VERSION"))
                .with_title("Intercom")
                .with_description("Every Intercom REST API operation as an MCP tool"),
        )
        .with_instructions(self.inner.instructions.clone())
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [ProtocolVersion]> {
        Cow::Owned(self.inner.versions.clone())
    }

    #[allow(deprecated)]
    async fn set_level(
        &self,
        request: SetLevelRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.inner.log_level.store(
            level_rank(request.level),
            std::sync::atomic::Ordering::Relaxed,
        );
        Ok(())
    }

    async fn complete(
        &self,
        _request: CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        Err(ErrorData::method_not_found::<CompleteRequestMethod>())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(Vec::new()))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(
            resources::templates(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        resources::request(&request.uri)?;
        let client = self
            .inner
            .connector
            .client(request_token(&context).as_ref())
            .map_err(|why| {
                ErrorData::invalid_request(
                    match why {
                        NoClient::Missing => "this server has no Intercom token: send one in the X-Intercom-Token header, or start the server with INTERCOM_TOKEN".to_owned(),
                        NoClient::Invalid(reason) => format!("the Intercom token sent in X-Intercom-Token cannot be used ({reason})"),
                    },
                    None,
                )
            })?;
        resources::read(&client, &request.uri).await.map(Into::into)
    }

    async fn on_custom_request(
        &self,
        request: rmcp::model::CustomRequest,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::CustomResult, ErrorData> {
        Err(ErrorData::new(
            rmcp::model::ErrorCode::METHOD_NOT_FOUND,
            format!(
                "method not found: `{}`; this server answers initialize, ping, tools/list, tools/call, resources/list, resources/templates/list, resources/read, prompts/list, prompts/get and logging/setLevel",
                request.method
            ),
            None,
        ))
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(ListPromptsResult::with_all_items(prompts::list()))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        prompts::get(&request.name, request.arguments.as_ref()).map(Into::into)
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        self.list_page(request.as_ref().and_then(|r| r.cursor.as_deref()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let token = request_token(&context);
        let args = request.arguments.map(Value::Object).unwrap_or(Value::Null);
        let write = self.may_write(&request.name, &args);
        let started = std::time::Instant::now();
        let retries: Arc<std::sync::Mutex<Vec<intercom_client::observe::RetryNotice>>> =
            Arc::default();
        let seen = Arc::clone(&retries);
        let (progress, forwarder) = progress_forwarder(&context);
        let on_retry = progress.clone();
        let on_progress = progress.clone();
        let work = intercom_client::observe::observe(
            Arc::new(move |n: &intercom_client::observe::RetryNotice| {
                if let Ok(mut all) = seen.lock() {
                    all.push(n.clone());
                }
                if let Some(tx) = &on_retry {
                    let _ = tx.send(format!(
                        "{} {} failed ({}); waiting {} ms before attempt {}",
                        n.method,
                        n.path,
                        n.reason,
                        n.wait.as_millis(),
                        n.attempt + 1
                    ));
                }
            }),
            intercom_client::observe::observe_progress(
                Arc::new(move |p: &intercom_client::observe::Progress| {
                    if let Some(tx) = &on_progress {
                        let _ = tx.send(progress_message(p));
                    }
                }),
                {
                    let server = self.clone();
                    let name = request.name.to_string();
                    let ct = context.ct.clone();
                    async move {
                        server
                            .call_until(&name, args, token.as_ref(), ct.cancelled_owned())
                            .await
                    }
                },
            ),
        );
        let mut work: std::pin::Pin<Box<dyn std::future::Future<Output = CallToolResult> + Send>> =
            Box::pin(work);
        // `notifications/cancelled` (stdio and HTTP) and an HTTP client that goes away both
        // cancel `context.ct`: the call is told (no retry, no next page is made after it, and
        // a request in flight is abandoned), and a read's future is dropped here.
        let result = tokio::select! {
            result = &mut work => result,
            () = context.ct.cancelled() => {
                if let Some(forwarder) = forwarder {
                    forwarder.abort();
                }
                tracing::info!(tool = %request.name, elapsed_ms = started.elapsed().as_secs_f64() * 1000.0, "tools/call cancelled by the client");
                // A read is dropped here. A write may have reached Intercom: it is settled in
                // the background and the client told what became of it.
                if write {
                    self.settle_cancelled(request.name.to_string(), work, &context);
                }
                return Ok(self.cancelled(&request.name, write).into());
            }
        };
        // Every progress notification goes out before the response.
        drop(progress);
        if let Some(forwarder) = forwarder {
            let _ = forwarder.await;
        }
        let retries = retries.lock().map(|r| r.clone()).unwrap_or_default();
        for n in retries {
            self.log(
                &context,
                #[allow(deprecated)]
                LoggingLevel::Warning,
                json!({
                    "message": format!(
                        "{} {} failed ({}); retrying in {} ms (attempt {})",
                        n.method, n.path, n.reason, n.wait.as_millis(), n.attempt + 1
                    ),
                    "tool": request.name,
                    "retry": {"method": n.method, "path": n.path, "attempt": n.attempt, "wait_ms": n.wait.as_millis() as u64, "reason": n.reason},
                }),
            )
            .await;
        }
        if result.is_error == Some(true) {
            let text = result
                .content
                .first()
                .and_then(|c| c.as_text())
                .map(|t| t.text.clone())
                .unwrap_or_default();
            self.log(
                &context,
                #[allow(deprecated)]
                LoggingLevel::Warning,
                json!({"message": text, "tool": request.name}),
            )
            .await;
        }
        tracing::debug!(
            tool = %request.name,
            is_error = result.is_error.unwrap_or(false),
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            "tools/call"
        );
        Ok(result.into())
    }
}
