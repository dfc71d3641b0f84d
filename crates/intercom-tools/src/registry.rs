//! The registry: lookup by name or alias, validation, request building and execution.

use intercom_client::{Client, Request};
use serde_json::{Map, Value, json};

use crate::aliases::{self, Alias};
use crate::reconcile::{self, Reported};
use crate::schema::or_list;
use crate::shape::{self, ShapeDefaults, ShapeOptions, Shaped};
use crate::spec::{Args, Handler, JsonType, Rule, Tool};
use crate::validate::{self, describe};
use crate::{ToolError, build, catalog};

/// Parameters every tool accepts and ignores (Scalekit sends them).
pub const IGNORED_PARAMS: &[&str] = &["schema_version", "tool_version"];

/// Every tool and alias; the single source of truth for tools/list, `intercom tools` and docs.
/// Longest tool name or alias looked up, in characters: 128, the upper bound MCP gives for tool
/// names. The longest name in the registry is well under it.
pub const MAX_TOOL_NAME_CHARS: usize = 128;

#[derive(Debug, Clone)]
pub struct Registry {
    tools: Vec<&'static Tool>,
    aliases: Vec<&'static Alias>,
    /// How results are shaped when a call does not say (see [`crate::shape`]).
    shaping: ShapeDefaults,
}

impl Default for Registry {
    fn default() -> Registry {
        Registry::builtin()
    }
}

/// A tool resolved from a name, and the alias the name was, if any.
#[derive(Debug, Clone, Copy)]
pub struct Lookup {
    pub tool: &'static Tool,
    pub alias: Option<&'static Alias>,
}

/// A validated call, ready to be planned or run.
#[derive(Debug, Clone)]
pub struct Call {
    pub tool: &'static Tool,
    pub alias: Option<&'static Alias>,
    /// Arguments after alias renames, presets and defaults, validated; without the shaping
    /// parameters, and with a continuation cursor turned back into the API's.
    pub args: Args,
    /// How the result is shaped: the call's `response_format`, `fields` and `max_tokens` over
    /// the registry's defaults.
    pub shape: ShapeOptions,
}

impl Registry {
    /// The built-in tools and Composio aliases.
    pub fn builtin() -> Registry {
        Registry {
            tools: catalog::all(),
            aliases: aliases::COMPOSIO.iter().chain(aliases::WORKFLOWS).collect(),
            shaping: ShapeDefaults::AGENT,
        }
    }

    /// The same registry with other shaping defaults: [`ShapeDefaults::AGENT`] (compact, about
    /// 20,000 tokens a result; the default) or [`ShapeDefaults::RAW`] (the API's JSON, uncut).
    pub fn with_shaping(mut self, shaping: ShapeDefaults) -> Registry {
        self.shaping = shaping;
        self
    }

    pub fn shaping(&self) -> ShapeDefaults {
        self.shaping
    }

    pub fn tools(&self) -> &[&'static Tool] {
        &self.tools
    }

    pub fn aliases(&self) -> &[&'static Alias] {
        &self.aliases
    }

    /// The aliases that point at `tool`.
    pub fn aliases_of(&self, tool: &str) -> Vec<&'static Alias> {
        self.aliases
            .iter()
            .copied()
            .filter(|a| a.target == tool)
            .collect()
    }

    /// A tool by its canonical name.
    pub fn tool(&self, name: &str) -> Option<&'static Tool> {
        self.tools.iter().copied().find(|t| t.name == name)
    }

    /// A tool by name or alias (exact first, then ignoring case); else the nearest names. A
    /// name over [`MAX_TOOL_NAME_CHARS`] is refused without searching.
    pub fn lookup(&self, name: &str) -> Result<Lookup, ToolError> {
        let name = name.trim();
        let length = name.chars().count();
        if length > MAX_TOOL_NAME_CHARS {
            return Err(ToolError::NameTooLong {
                length,
                max: MAX_TOOL_NAME_CHARS,
            });
        }
        if let Some(tool) = self.tool(name) {
            return Ok(Lookup { tool, alias: None });
        }
        let alias = self
            .aliases
            .iter()
            .copied()
            .find(|a| a.name == name)
            .or_else(|| {
                self.aliases
                    .iter()
                    .copied()
                    .find(|a| a.name.eq_ignore_ascii_case(name))
            });
        if let Some(alias) = alias {
            let tool = self
                .tool(alias.target)
                .ok_or_else(|| ToolError::UnknownTool {
                    name: alias.target.to_owned(),
                    suggestions: vec![],
                })?;
            return Ok(Lookup {
                tool,
                alias: Some(alias),
            });
        }
        if let Some(tool) = self
            .tools
            .iter()
            .copied()
            .find(|t| t.name.eq_ignore_ascii_case(name))
        {
            return Ok(Lookup { tool, alias: None });
        }
        Err(ToolError::UnknownTool {
            name: name.to_owned(),
            suggestions: self.suggest(name),
        })
    }

    /// Up to three known names close to `name`: tool names, and aliases whose tool is not
    /// already suggested.
    pub fn suggest(&self, name: &str) -> Vec<String> {
        let lower = name.trim().to_ascii_lowercase();
        let bare = lower.strip_prefix("intercom_").unwrap_or(&lower).to_owned();
        let score = |candidate: &str| {
            let c = candidate.to_ascii_lowercase();
            let c_bare = c.strip_prefix("intercom_").unwrap_or(&c);
            // Compare without the shared `intercom_` prefix, which would make every name look close.
            let mut score = strsim::jaro_winkler(&bare, c_bare);
            if bare.len() >= 4 && c_bare.contains(bare.as_str()) {
                score = score.max(0.9);
            }
            score
        };
        // (score, name, tool it stands for); tools win ties over aliases.
        let mut scored: Vec<(f64, &str, &str)> = self
            .tools
            .iter()
            .map(|t| (score(t.name) + 0.001, t.name, t.name))
            .chain(
                self.aliases
                    .iter()
                    .map(|a| (score(a.name), a.name, a.target)),
            )
            .filter(|(s, _, _)| *s >= 0.8)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let mut out: Vec<(&str, &str)> = Vec::new();
        for (_, name, target) in scored {
            if out.len() == 3 {
                break;
            }
            if !out.iter().any(|(_, t)| *t == target) {
                out.push((name, target));
            }
        }
        out.into_iter().map(|(n, _)| n.to_owned()).collect()
    }

    /// Looks the tool up and validates `args` (an object, or `null` for none).
    pub fn prepare(&self, name: &str, args: Value) -> Result<Call, ToolError> {
        let Lookup { tool, alias } = self.lookup(name)?;
        let (args, shape) = self.take_shaping(tool, alias, args)?;
        Ok(Call {
            tool,
            alias,
            args,
            shape,
        })
    }

    /// The request(s) a call would send, without sending anything.
    pub fn plan(&self, name: &str, args: Value) -> Result<Vec<Request>, ToolError> {
        self.prepare(name, args)?.requests()
    }

    /// Validates, sends the call's request(s) with `client`, and shapes the result (the call's
    /// `response_format`, `fields` and `max_tokens` over the registry's defaults; see
    /// [`crate::shape()`]).
    pub async fn call(&self, client: &Client, name: &str, args: Value) -> Result<Value, ToolError> {
        self.prepare(name, args)?.run(client).await
    }

    /// Splits the shaping parameters off `args` (they never reach a request), validates the
    /// rest, and reads the page cursor.
    fn take_shaping(
        &self,
        tool: &'static Tool,
        alias: Option<&'static Alias>,
        mut args: Value,
    ) -> Result<(Args, ShapeOptions), ToolError> {
        let request = shape::take_params(tool, alias.map_or(tool.name, |a| a.name), &mut args)?;
        let mut args = normalize(tool, alias, args)?;
        let page = shape::take_cursor(tool, &mut args);
        Ok((args, request.resolve(self.shaping, page)))
    }

    /// One tool as JSON: name, aliases, toolset, description, annotations, input schema, operations.
    pub fn tool_json(&self, tool: &Tool) -> Value {
        let aliases: Vec<Value> = self
            .aliases_of(tool.name)
            .into_iter()
            .map(alias_json)
            .collect();
        let operations: Vec<Value> = tool
            .operations
            .iter()
            .map(|op| {
                json!({
                    "method": op.method.as_str(),
                    "path": op.path,
                    "operation_id": op.operation_id,
                    "version": tool.version.unwrap_or(intercom_client::DEFAULT_VERSION),
                })
            })
            .collect();
        json!({
            "name": tool.name,
            "title": tool.title,
            "toolset": tool.toolset.as_str(),
            "description": crate::schema::description(tool),
            "aliases": aliases,
            "annotations": tool.annotations,
            "input_schema": tool.input_schema(),
            "operations": operations,
        })
    }

    /// Every tool as JSON (the output of `intercom tools --json`).
    pub fn to_json(&self) -> Value {
        Value::Array(self.tools.iter().map(|t| self.tool_json(t)).collect())
    }

    /// `docs/tools.md`.
    pub fn markdown(&self) -> String {
        crate::docs::markdown(self)
    }
}

fn alias_json(alias: &Alias) -> Value {
    let mut map = Map::new();
    map.insert("name".into(), json!(alias.name));
    if !alias.renames.is_empty() {
        let renames: Map<String, Value> = alias
            .renames
            .iter()
            .map(|(a, b)| ((*a).to_owned(), json!(b)))
            .collect();
        map.insert("renames".into(), Value::Object(renames));
    }
    if !alias.presets.is_empty() {
        let presets: Map<String, Value> = alias
            .presets
            .iter()
            .map(|(a, b)| ((*a).to_owned(), json!(b)))
            .collect();
        map.insert("presets".into(), Value::Object(presets));
    }
    Value::Object(map)
}

impl Call {
    /// The request(s) this call sends, in order.
    pub fn requests(&self) -> Result<Vec<Request>, ToolError> {
        match self.tool.handler {
            Handler::Direct => Ok(vec![build::direct(self.tool, &self.args)?]),
            Handler::Build(f) => Ok(vec![f(self.tool, &self.args)?]),
            Handler::Workflow { plan, .. } => plan(self.tool, &self.args),
        }
    }

    /// Sends the call and returns the shaped result (see [`crate::shape()`]).
    pub async fn run(&self, client: &Client) -> Result<Value, ToolError> {
        Ok(self.run_shaped(client).await?.value)
    }

    /// Sends the call and returns the shaped result with its size and whether it was cut.
    pub async fn run_shaped(&self, client: &Client) -> Result<Shaped, ToolError> {
        let raw = self.run_raw(client).await?;
        Ok(shape::shape(raw, &self.shape))
    }

    /// Sends the call, given up when `cancelled` completes, and returns the shaped result with
    /// the [`crate::Recovery`] of a write whose first attempt failed ambiguously and was then
    /// settled. This is the call for servers that cancel: a write cancelled in flight is
    /// reconciled before this returns, and the error's [`ToolError::applied`] says whether it
    /// landed.
    pub async fn run_until(
        &self,
        client: &Client,
        cancelled: impl std::future::Future<Output = ()>,
    ) -> Result<Reported, ToolError> {
        let reported = self.run_reported_until(client, cancelled).await?;
        Ok(Reported {
            value: shape::shape(reported.value, &self.shape).value,
            ..reported
        })
    }

    /// Sends the call and returns Intercom's JSON (or the workflow's result), unshaped.
    pub async fn run_raw(&self, client: &Client) -> Result<Value, ToolError> {
        Ok(self.run_reported(client).await?.value)
    }

    /// [`Call::run_raw`], and whether a write that failed ambiguously was recovered (found to
    /// have landed, or sent once more once it was known not to have): see [`crate::reconcile`].
    pub async fn run_reported(&self, client: &Client) -> Result<Reported, ToolError> {
        self.run_reported_until(client, std::future::pending())
            .await
    }

    /// [`Call::run_reported`], given up when `cancelled` completes. A write cancelled with its
    /// request in flight is reconciled like any ambiguous failure before this returns, so the
    /// caller learns whether it was applied ([`ToolError::applied`]).
    pub async fn run_reported_until(
        &self,
        client: &Client,
        cancelled: impl std::future::Future<Output = ()>,
    ) -> Result<Reported, ToolError> {
        // Teammate names, emails and `me` become ids before anything is built (crate::resolve).
        if let Some(resolved) = self.resolve_names(client).await? {
            return Box::pin(resolved.run_reported_until(client, cancelled)).await;
        }
        let request = match self.tool.handler {
            Handler::Direct => build::direct(self.tool, &self.args)?,
            Handler::Build(f) => f(self.tool, &self.args)?,
            Handler::Workflow { run, .. } => {
                return run(self.tool, client, &self.args)
                    .await
                    .map(Reported::plain);
            }
        };
        tracing::debug!(tool = self.tool.name, method = request.method.as_str(), path = %request.path, "calling");
        if self.tool.annotations.read_only {
            return tokio::select! {
                biased;
                () = cancelled => Err(ToolError::api(
                    self.tool.name,
                    intercom_client::Error::Cancelled { in_flight: false },
                )),
                result = client.json(&request) => result
                    .map(Reported::plain)
                    .map_err(|source| ToolError::api(self.tool.name, source)),
            };
        }
        reconcile::send_until(self.tool, &self.args, client, &request, cancelled).await
    }
}

/// Aliases, ignored parameters, nulls, validation, defaults and rules, in that order.
fn normalize(
    tool: &'static Tool,
    alias: Option<&'static Alias>,
    args: Value,
) -> Result<Args, ToolError> {
    let reported = alias.map_or(tool.name, |a| a.name);
    let mut args = match args {
        Value::Null => Map::new(),
        Value::Object(map) => map,
        other => {
            return Err(ToolError::validation(
                reported,
                "",
                format!(
                    "the arguments must be a JSON object, got {}",
                    describe(&other)
                ),
            ));
        }
    };
    for key in IGNORED_PARAMS {
        args.remove(*key);
    }
    args.retain(|_, v| !v.is_null());

    if let Some(alias) = alias {
        for (from, to) in alias.renames {
            if tool.param(from).is_some() {
                continue;
            }
            if let Some(v) = args.remove(*from) {
                if args.contains_key(*to) {
                    return Err(ToolError::validation(
                        reported,
                        *from,
                        format!("and `{to}` name the same thing: give only one"),
                    ));
                }
                args.insert((*to).to_owned(), v);
            }
        }
        for (key, value) in alias.presets {
            match args.get(*key) {
                None => {
                    args.insert((*key).to_owned(), Value::String((*value).to_owned()));
                }
                Some(Value::String(given)) if given == value => {}
                Some(other) => {
                    return Err(ToolError::validation(
                        reported,
                        *key,
                        format!(
                            "is always `{value}` for {}, got {}; call {} to choose another",
                            alias.name,
                            describe(other),
                            tool.name
                        ),
                    ));
                }
            }
        }
    }

    let respelled = respell(tool, reported, &mut args)?;
    let shown = |field: &str| -> String {
        let (root, rest) = split_root(field);
        if let Some((given, _)) = respelled.iter().find(|(_, to)| *to == root) {
            return format!("{given}{rest}");
        }
        let Some(alias) = alias else {
            return field.to_owned();
        };
        match alias.renames.iter().find(|(_, to)| *to == root) {
            Some((from, _)) => format!("{from}{rest}"),
            None => field.to_owned(),
        }
    };

    let instance = Value::Object(args);
    if let Err(v) = validate::validate(&tool.input_schema(), &instance) {
        let (root, _) = split_root(&v.field);
        let hint = tool.param(root).and_then(|p| p.hint);
        let message = match hint {
            Some(hint) if v.message == "is required" || v.message == "must not be empty" => {
                format!("{}: {hint}", v.message)
            }
            _ => v.message,
        };
        return Err(ToolError::validation(reported, shown(&v.field), message));
    }
    let Value::Object(mut args) = instance else {
        unreachable!("validated as an object")
    };

    for p in tool.params {
        if let Some(default) = p.default {
            args.entry(p.name.to_owned())
                .or_insert_with(|| Value::String(default.to_owned()));
        }
    }

    for rule in tool.rules {
        check_rule(tool, reported, rule, &args, &shown)?;
    }
    Ok(args)
}

/// Accepts other spellings of parameter names: camelCase for snake_case (`startDate` for
/// `start_date`, as seed 003 writes them) and a singular for an array parameter (`keyword` for
/// `keywords`). A single string given for an array of strings becomes a one-item array. Returns
/// the `(given, parameter)` pairs, so messages can name the field as the caller wrote it.
fn respell(
    tool: &Tool,
    reported: &str,
    args: &mut Args,
) -> Result<Vec<(String, &'static str)>, ToolError> {
    let mut renamed = Vec::new();
    let unknown: Vec<String> = args
        .keys()
        .filter(|k| tool.param(k).is_none())
        .cloned()
        .collect();
    for given in unknown {
        let snake = snake_case(&given);
        let synonym = SYNONYMS
            .iter()
            .find(|(other, _)| *other == snake)
            .map(|(_, ours)| *ours);
        let target = synonym
            .and_then(|s| tool.param(s))
            .or_else(|| tool.param(&snake))
            .or_else(|| {
                tool.param(&format!("{snake}s"))
                    .filter(|p| p.ty == JsonType::Array)
            });
        let Some(param) = target else { continue };
        if args.contains_key(param.name) {
            return Err(ToolError::validation(
                reported,
                given,
                format!("and `{}` name the same thing: give only one", param.name),
            ));
        }
        if let Some(value) = args.remove(&given) {
            args.insert(param.name.to_owned(), value);
            renamed.push((given, param.name));
        }
    }
    for p in tool.params {
        let Some(v) = args.get_mut(p.name) else {
            continue;
        };
        match (p.ty, &*v) {
            (JsonType::Array, Value::String(s)) if p.items == Some(JsonType::String) => {
                // A list of URLs or ids may come as one comma-separated string (Sim sends them so).
                let list: Vec<Value> = if p.name.ends_with("_urls") || p.name.ends_with("_ids") {
                    s.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| Value::String(s.to_owned()))
                        .collect()
                } else {
                    vec![Value::String(s.clone())]
                };
                *v = Value::Array(list);
            }
            (JsonType::Object | JsonType::ObjectOrArray, Value::String(s)) => {
                // An object sent as JSON text (Sim does, for `query` and `custom_attributes`).
                if let Ok(parsed @ (Value::Object(_) | Value::Array(_))) =
                    serde_json::from_str::<Value>(s)
                {
                    *v = parsed;
                }
            }
            _ => {}
        }
    }
    Ok(renamed)
}

/// Other names callers give parameters: `(theirs, ours)`. Sim's block says
/// `disable_notifications` where the API says `skip_notifications`.
const SYNONYMS: &[(&str, &str)] = &[("disable_notifications", "skip_notifications")];

/// `customerIdentifier` → `customer_identifier`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn split_root(field: &str) -> (&str, &str) {
    let end = field.find(['.', '[']).unwrap_or(field.len());
    field.split_at(end)
}

fn matches_when(args: &Args, when: &str, equals: &[&str]) -> Option<String> {
    let value = args.get(when)?.as_str()?;
    equals.contains(&value).then(|| value.to_owned())
}

fn check_rule(
    tool: &Tool,
    reported: &str,
    rule: &Rule,
    args: &Args,
    shown: &dyn Fn(&str) -> String,
) -> Result<(), ToolError> {
    let hint = |field: &str| {
        tool.param(field)
            .and_then(|p| p.hint)
            .map(|h| format!(": {h}"))
            .unwrap_or_default()
    };
    match *rule {
        Rule::AnyOf { fields } => {
            if !fields.iter().any(|f| args.contains_key(*f)) {
                let others: Vec<String> = fields[1..]
                    .iter()
                    .map(|f| format!("`{}`", shown(f)))
                    .collect();
                return Err(ToolError::validation(
                    reported,
                    shown(fields[0]),
                    format!(
                        "(or {}) is required: give at least one of them",
                        or_list(&others.iter().map(String::as_str).collect::<Vec<_>>())
                    ),
                ));
            }
        }
        Rule::RequiredIf {
            field,
            when,
            equals,
        } => {
            if let Some(value) = matches_when(args, when, equals)
                && !args.contains_key(field)
            {
                return Err(ToolError::validation(
                    reported,
                    shown(field),
                    format!(
                        "is required when `{}` is `{value}`{}",
                        shown(when),
                        hint(field)
                    ),
                ));
            }
        }
        Rule::AnyOfIf {
            fields,
            when,
            equals,
        } => {
            if let Some(value) = matches_when(args, when, equals)
                && !fields.iter().any(|f| args.contains_key(*f))
            {
                let others: Vec<String> = fields[1..]
                    .iter()
                    .map(|f| format!("`{}`", shown(f)))
                    .collect();
                return Err(ToolError::validation(
                    reported,
                    shown(fields[0]),
                    format!(
                        "(or {}) is required when `{}` is `{value}`{}",
                        or_list(&others.iter().map(String::as_str).collect::<Vec<_>>()),
                        shown(when),
                        hint(fields[0])
                    ),
                ));
            }
        }
        Rule::OnlyIf {
            field,
            when,
            equals,
        } => {
            if args.contains_key(field) && matches_when(args, when, equals).is_none() {
                let actual = args.get(when).map_or_else(
                    || "not given".to_owned(),
                    |v| format!("`{}`", crate::build::query_value(v)),
                );
                let allowed: Vec<String> = equals.iter().map(|e| format!("`{e}`")).collect();
                return Err(ToolError::validation(
                    reported,
                    shown(field),
                    format!(
                        "only applies when `{}` is {} (it is {actual}): leave it out",
                        shown(when),
                        or_list(&allowed.iter().map(String::as_str).collect::<Vec<_>>())
                    ),
                ));
            }
        }
        Rule::Check(check) => {
            if let Err((field, message)) = check(args) {
                return Err(ToolError::validation(reported, shown(field), message));
            }
        }
    }
    Ok(())
}
