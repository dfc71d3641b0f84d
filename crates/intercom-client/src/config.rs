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
}

/// Everything a [`crate::Client`] needs. `Debug` never shows the token.
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    pub token: String,
    /// Scheme, host and optional path prefix, without a trailing slash.
    pub base_url: String,
    pub version: String,
    pub timeout: Duration,
    pub max_attempts: u32,
    pub user_agent: String,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("token", &"<redacted>")
            .field("base_url", &self.base_url)
            .field("version", &self.version)
            .field("timeout", &self.timeout)
            .field("max_attempts", &self.max_attempts)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

impl Config {
    /// A config for `token` against the US region with the defaults.
    pub fn new(token: impl Into<String>) -> Config {
        Config {
            token: token.into(),
            base_url: Region::Us.base_url().to_owned(),
            version: DEFAULT_VERSION.to_owned(),
            timeout: Duration::from_secs(30),
            max_attempts: 5,
            user_agent: format!("intercom-agent-tools/{}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// Reads `INTERCOM_TOKEN` (or `INTERCOM_ACCESS_TOKEN`), `INTERCOM_REGION`,
    /// `INTERCOM_BASE_URL` (wins over the region) and `INTERCOM_VERSION`.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|k| std::env::var(k).ok())
    }

    /// [`Config::from_env`] with an injectable lookup, for tests.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let _ = lookup;
        todo!("client work fills this in")
    }

    pub fn region(mut self, region: Region) -> Config {
        self.base_url = region.base_url().to_owned();
        self
    }
    /// Validates and sets the base URL (http or https, no query or fragment).
    pub fn base_url(mut self, url: &str) -> Result<Config, ConfigError> {
        self.base_url = url.trim_end_matches('/').to_owned();
        Ok(self)
    }
    pub fn version(mut self, version: impl Into<String>) -> Config {
        self.version = version.into();
        self
    }
}
