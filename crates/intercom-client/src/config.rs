//! Client configuration from flags or the environment.

use std::time::Duration;

/// `Intercom-Version` sent when nothing else is asked for.
pub const DEFAULT_VERSION: &str = "2.14";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Region {
    #[default]
    Us,
    Eu,
    Au,
}

impl Region {
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://api.intercom.io",
            Region::Eu => "https://api.eu.intercom.io",
            Region::Au => "https://api.au.intercom.io",
        }
    }
}

impl std::str::FromStr for Region {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "us" => Ok(Region::Us),
            "eu" => Ok(Region::Eu),
            "au" => Ok(Region::Au),
            _ => Err(ConfigError::Region(s.to_owned())),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("unknown region `{0}`: expected us, eu or au")]
    Region(String),
    #[error("invalid base URL `{url}`: {reason}")]
    BaseUrl { url: String, reason: String },
    #[error("no access token: set INTERCOM_TOKEN (or INTERCOM_ACCESS_TOKEN), or pass --token")]
    MissingToken,
    /// The token cannot be sent in an HTTP header. The token itself is never shown.
    #[error("invalid access token: {0}")]
    Token(&'static str),
    #[error(
        "invalid deadline `{0}`: expected a number of seconds above 0 and at most 86400, e.g. 60 or 2.5"
    )]
    Deadline(String),
    #[error("invalid API version `{version}`: {reason}")]
    Version {
        version: String,
        reason: &'static str,
    },
}

/// Everything a [`crate::Client`] needs. `Debug` never shows the token.
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    pub token: String,
    /// Scheme, host and optional path prefix, without a trailing slash.
    pub base_url: String,
    pub version: String,
    /// Time allowed for one attempt (connect, send and read the whole response).
    pub timeout: Duration,
    /// Time allowed for a whole call: its attempts and the retry waits between them (default
    /// 60 s). No retry wait is begun that would end past it, and the last attempt gets only
    /// what is left. Waits for the rate budget (pacing) are not counted.
    pub deadline: Duration,
    /// Attempts per request, the first one included (1 disables retries).
    pub max_attempts: u32,
    pub user_agent: String,
    /// Wait before sending when the last rate-limit headers say the window is nearly spent, so
    /// concurrent callers share the budget instead of meeting 429s. On by default.
    pub pacing: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("token", &"<redacted>")
            .field("base_url", &self.base_url)
            .field("version", &self.version)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("max_attempts", &self.max_attempts)
            .field("user_agent", &self.user_agent)
            .field("pacing", &self.pacing)
            .finish()
    }
}

/// Environment variables read by [`Config::from_env`].
pub mod env {
    pub const TOKEN: &str = "INTERCOM_TOKEN";
    pub const ACCESS_TOKEN: &str = "INTERCOM_ACCESS_TOKEN";
    pub const REGION: &str = "INTERCOM_REGION";
    pub const BASE_URL: &str = "INTERCOM_BASE_URL";
    pub const VERSION: &str = "INTERCOM_VERSION";
    /// The overall deadline of a call, in seconds (decimals allowed).
    pub const DEADLINE: &str = "INTERCOM_DEADLINE";
}

/// The overall deadline of a call unless configured: 60 s, two full attempts at the default
/// 30 s timeout, or many quick retries.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

impl Config {
    /// A config for `token` against the US region with the defaults.
    pub fn new(token: impl Into<String>) -> Config {
        Config {
            token: token.into(),
            base_url: Region::Us.base_url().to_owned(),
            version: DEFAULT_VERSION.to_owned(),
            timeout: Duration::from_secs(30),
            deadline: DEFAULT_DEADLINE,
            max_attempts: 5,
            user_agent: format!("intercom-agent-tools/{}", env!("CARGO_PKG_VERSION")),
            pacing: true,
        }
    }

    /// Reads `INTERCOM_TOKEN` (or `INTERCOM_ACCESS_TOKEN`), `INTERCOM_REGION`,
    /// `INTERCOM_BASE_URL` (wins over the region) and `INTERCOM_VERSION`.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|k| std::env::var(k).ok())
    }

    /// [`Config::from_env`] with an injectable lookup, for tests.
    ///
    /// Command-line flags layer on top by answering from the flag first:
    /// `Config::from_lookup(|k| flag_value(k).or_else(|| std::env::var(k).ok()))`.
    /// Empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |key: &str| {
            lookup(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let token = get(env::TOKEN)
            .or_else(|| get(env::ACCESS_TOKEN))
            .ok_or(ConfigError::MissingToken)?;
        let mut config = Config::new(token);
        config.check_token()?;
        if let Some(region) = get(env::REGION) {
            config = config.region(region.parse()?);
        }
        if let Some(url) = get(env::BASE_URL) {
            config = config.base_url(&url)?;
        }
        if let Some(version) = get(env::VERSION) {
            config = config.version(version);
            check_version(&config.version)?;
        }
        if let Some(deadline) = get(env::DEADLINE) {
            config = config.deadline(parse_deadline(&deadline)?);
        }
        Ok(config)
    }

    pub fn region(mut self, region: Region) -> Config {
        self.base_url = region.base_url().to_owned();
        self
    }
    /// Validates and sets the base URL: `http` or `https`, a host, no credentials, query or
    /// fragment. A path prefix is kept (`https://proxy.example/intercom`); a trailing slash is
    /// dropped.
    pub fn base_url(mut self, url: &str) -> Result<Config, ConfigError> {
        self.base_url = normalize_base_url(url)?;
        Ok(self)
    }
    pub fn version(mut self, version: impl Into<String>) -> Config {
        self.version = version.into();
        self
    }
    /// Time allowed for each attempt.
    pub fn timeout(mut self, timeout: Duration) -> Config {
        self.timeout = timeout;
        self
    }
    /// Time allowed for a whole call, retries and waits included (0 is treated as 1 ms).
    pub fn deadline(mut self, deadline: Duration) -> Config {
        self.deadline = deadline.max(Duration::from_millis(1));
        self
    }
    /// Attempts per request, the first included; `1` disables retries (0 is treated as 1).
    pub fn max_attempts(mut self, attempts: u32) -> Config {
        self.max_attempts = attempts.max(1);
        self
    }
    /// Turns rate-limit pacing on or off.
    pub fn pacing(mut self, on: bool) -> Config {
        self.pacing = on;
        self
    }

    /// Checks the fields a caller may have set directly: token, base URL and version.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.check_token()?;
        normalize_base_url(&self.base_url)?;
        check_version(&self.version)
    }

    fn check_token(&self) -> Result<(), ConfigError> {
        if self.token.trim().is_empty() {
            return Err(ConfigError::MissingToken);
        }
        if !self.token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ConfigError::Token(
                "it contains spaces, control or non-ASCII characters, which an HTTP header cannot carry",
            ));
        }
        Ok(())
    }
}

/// A deadline in seconds: a positive number, decimals allowed, at most a day.
pub fn parse_deadline(text: &str) -> Result<Duration, ConfigError> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| ConfigError::Deadline(text.to_owned()))
}

/// An `Intercom-Version` value must be a short header-safe word (`2.14`, `Preview`).
pub(crate) fn check_version(version: &str) -> Result<(), ConfigError> {
    let err = |reason| ConfigError::Version {
        version: version.to_owned(),
        reason,
    };
    if version.is_empty() {
        return Err(err(
            "it is empty; expected a version such as 2.14 or Preview",
        ));
    }
    if version.len() > 32
        || !version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_')
    {
        return Err(err(
            "expected a version such as 2.14 or Preview (letters, digits, `.`, `-`, `_`)",
        ));
    }
    Ok(())
}

fn normalize_base_url(raw: &str) -> Result<String, ConfigError> {
    let err = |reason: &str| ConfigError::BaseUrl {
        url: raw.to_owned(),
        reason: reason.to_owned(),
    };
    let trimmed = raw.trim();
    let url = url::Url::parse(trimmed).map_err(|e| err(&format!("not an absolute URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(err("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(err("a host is required"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(err(
            "credentials in the URL are not allowed; pass the token separately",
        ));
    }
    if url.query().is_some() {
        return Err(err("a query string is not allowed"));
    }
    if url.fragment().is_some() {
        return Err(err("a fragment is not allowed"));
    }
    let mut s = url.as_str().to_owned();
    while s.ends_with('/') {
        s.pop();
    }
    Ok(s)
}
