//! State shared by the router and the handlers: the workspace ([`AppState`]), the store lock,
//! and the extractors of request bodies and query strings whose errors name the field.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use http::StatusCode;
use serde_json::{Map, Value};

use crate::clock::Clock;
use crate::config::SandboxConfig;
use crate::error::{ApiError, ApiResult, SandboxError};
use crate::seed;
use crate::store::Store;

/// Versions the `Intercom-Version` header may name.
pub(crate) const VERSIONS: &[&str] = &[
    "1.0", "1.1", "1.2", "1.3", "1.4", "2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7",
    "2.8", "2.9", "2.10", "2.11", "2.12", "2.13", "2.14", "2.15", "2.16", "Preview", "Unstable",
];

/// The one open companies scroll.
#[derive(Debug, Clone)]
pub(crate) struct Scroll {
    pub param: String,
    pub after_seq: Option<i64>,
    pub last_used: i64,
}

#[derive(Debug, Default)]
pub(crate) struct Window {
    pub start: i64,
    pub used: u32,
}

pub(crate) struct AppState {
    pub store: Mutex<Store>,
    pub tokens: Vec<String>,
    pub rate_limit: u32,
    pub default_version: String,
    pub clock: Arc<dyn Clock>,
    pub window: Mutex<Window>,
    pub log: Mutex<VecDeque<Value>>,
    pub faults: crate::faults::Faults,
    pub scroll: Mutex<Option<Scroll>>,
    pub me_admin_id: String,
    pub app: Value,
}

/// Locks a mutex, recovering the data if a panic poisoned it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl AppState {
    pub fn open(config: SandboxConfig) -> Result<AppState, SandboxError> {
        if config.tokens.is_empty() || config.tokens.iter().any(|t| t.trim().is_empty()) {
            return Err(SandboxError::Config(
                "at least one non-empty bearer token is required".to_owned(),
            ));
        }
        if !VERSIONS.contains(&config.default_version.as_str()) {
            return Err(SandboxError::Config(format!(
                "default version {:?} is not one of {}",
                config.default_version,
                VERSIONS.join(", ")
            )));
        }
        if config.rate_limit_per_window == 0 {
            return Err(SandboxError::Config(
                "the rate limit must allow at least one request per window".to_owned(),
            ));
        }
        let mut store =
            Store::open(config.db_path.as_deref()).map_err(|source| SandboxError::Store {
                path: config.db_path.clone(),
                source,
            })?;
        let workspace = seed::ensure_seeded(&mut store, &config)
            .map_err(|source| SandboxError::Seed { source })?;
        Ok(AppState {
            store: Mutex::new(store),
            tokens: config.tokens,
            rate_limit: config.rate_limit_per_window,
            default_version: config.default_version,
            clock: config.clock,
            window: Mutex::new(Window::default()),
            log: Mutex::new(VecDeque::new()),
            faults: crate::faults::Faults::default(),
            scroll: Mutex::new(None),
            me_admin_id: workspace.me_admin_id,
            app: workspace.app,
        })
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Runs `f` against the store inside one transaction.
    pub fn tx<T>(&self, f: impl FnOnce(&Store) -> ApiResult<T>) -> ApiResult<T> {
        let mut store = lock(&self.store);
        store.transaction(f)
    }

    pub fn clear_log(&self) {
        lock(&self.log).clear();
    }

    pub fn log_snapshot(&self) -> Vec<Value> {
        lock(&self.log).iter().cloned().collect()
    }
}

/// A JSON request body as an object, with typed accessors whose errors name the field.
#[derive(Debug, Default)]
pub(crate) struct Body {
    map: Map<String, Value>,
    prefix: String,
}

impl Body {
    /// Parses a body; an empty body is an empty object.
    pub fn parse(bytes: &[u8]) -> ApiResult<Body> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Body::default());
        }
        let value: Value = serde_json::from_slice(bytes).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "parameter_invalid",
                format!("The request body is not valid JSON: {e}"),
            )
            .with_field("body")
        })?;
        match value {
            Value::Object(map) => Ok(Body {
                map,
                prefix: String::new(),
            }),
            other => Err(ApiError::invalid(
                "body",
                format!(
                    "The request body must be a JSON object, not {}",
                    json_type(&other)
                ),
            )),
        }
    }

    pub fn nested(&self, field: &str) -> ApiResult<Option<Body>> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Body {
                map: map.clone(),
                prefix: format!("{}.", self.path(field)),
            })),
            Some(other) => Err(self.wrong_type(field, "an object", other)),
        }
    }

    pub fn path(&self, field: &str) -> String {
        format!("{}{field}", self.prefix)
    }

    pub fn has(&self, field: &str) -> bool {
        self.map.contains_key(field)
    }

    pub fn raw(&self, field: &str) -> Option<&Value> {
        self.map.get(field)
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.map.keys()
    }

    fn wrong_type(&self, field: &str, wanted: &str, got: &Value) -> ApiError {
        ApiError::invalid(
            &self.path(field),
            format!(
                "{} must be {wanted}, not {}",
                self.path(field),
                json_type(got)
            ),
        )
    }

    pub fn str_opt(&self, field: &str) -> ApiResult<Option<String>> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.wrong_type(field, "a string", other)),
        }
    }

    pub fn str_req(&self, field: &str) -> ApiResult<String> {
        self.str_opt(field)?.ok_or_else(|| {
            ApiError::missing(
                &self.path(field),
                format!("{} is required", self.path(field)),
            )
        })
    }

    /// A string, or an integer taken as its decimal text (ids are sent both ways).
    pub fn id_opt(&self, field: &str) -> ApiResult<Option<String>> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(Some(n.to_string())),
            Some(other) => Err(self.wrong_type(field, "a string or integer id", other)),
        }
    }

    pub fn id_req(&self, field: &str) -> ApiResult<String> {
        self.id_opt(field)?.ok_or_else(|| {
            ApiError::missing(
                &self.path(field),
                format!("{} is required", self.path(field)),
            )
        })
    }

    pub fn i64_opt(&self, field: &str) -> ApiResult<Option<i64>> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.wrong_type(field, "an integer", &Value::Number(n.clone()))),
            Some(other) => Err(self.wrong_type(field, "an integer", other)),
        }
    }

    pub fn bool_opt(&self, field: &str) -> ApiResult<Option<bool>> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(self.wrong_type(field, "a boolean", other)),
        }
    }

    pub fn bool_req(&self, field: &str) -> ApiResult<bool> {
        self.bool_opt(field)?.ok_or_else(|| {
            ApiError::missing(
                &self.path(field),
                format!("{} is required", self.path(field)),
            )
        })
    }

    pub fn object_opt(&self, field: &str) -> ApiResult<Option<Map<String, Value>>> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m.clone())),
            Some(other) => Err(self.wrong_type(field, "an object", other)),
        }
    }

    pub fn array_opt(&self, field: &str) -> ApiResult<Option<Vec<Value>>> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a.clone())),
            Some(other) => Err(self.wrong_type(field, "an array", other)),
        }
    }

    /// One of `allowed`, or an error listing them.
    pub fn enum_opt(&self, field: &str, allowed: &[&str]) -> ApiResult<Option<String>> {
        let Some(value) = self.str_opt(field)? else {
            return Ok(None);
        };
        if allowed.contains(&value.as_str()) {
            Ok(Some(value))
        } else {
            Err(ApiError::invalid(
                &self.path(field),
                format!(
                    "{} must be one of {}, not {value:?}",
                    self.path(field),
                    allowed.join(", ")
                ),
            ))
        }
    }

    /// Refuses keys outside `allowed`.
    pub fn only(&self, allowed: &[&str]) -> ApiResult<()> {
        match self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            None => Ok(()),
            Some(key) => Err(ApiError::invalid(
                &self.path(key),
                format!(
                    "{} is not a known parameter here; allowed: {}",
                    self.path(key),
                    allowed.join(", ")
                ),
            )),
        }
    }
}

pub(crate) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Query-string parameters with typed accessors.
#[derive(Debug, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(query: Option<&str>) -> Params {
        Params(
            url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// An integer within `min..=max`, `default` when absent.
    pub fn int(&self, name: &str, default: usize, min: usize, max: usize) -> ApiResult<usize> {
        let Some(raw) = self.get(name) else {
            return Ok(default);
        };
        match raw.trim().parse::<usize>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::invalid(
                name,
                format!("{name} must be an integer between {min} and {max}, not {raw:?}"),
            )),
        }
    }

    pub fn flag(&self, name: &str) -> ApiResult<bool> {
        match self.get(name) {
            None => Ok(false),
            Some("true") | Some("1") => Ok(true),
            Some("false") | Some("0") => Ok(false),
            Some(other) => Err(ApiError::invalid(
                name,
                format!("{name} must be true or false, not {other:?}"),
            )),
        }
    }
}
