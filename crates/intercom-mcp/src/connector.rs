//! Which Intercom client serves a call: the server's own, or one per token sent with the request.
//!
//! Over HTTP, one server can serve several people: each request may carry its own Intercom token
//! (`X-Intercom-Token`), and gets a client made for that token alone, so workspaces never mix.
//! Clients are cached per token (a client keeps its connection pool and rate-limit pacing);
//! tokens are never logged.

use std::collections::HashMap;
use std::sync::Mutex;

use intercom_client::{Client, Config};

/// The most per-token clients kept; past it the cache starts afresh.
const MAX_CACHED_CLIENTS: usize = 1024;

/// An Intercom token that came with one MCP request (over HTTP, from `X-Intercom-Token`).
#[derive(Clone)]
pub struct RequestToken(pub String);

impl std::fmt::Debug for RequestToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RequestToken(<redacted>)")
    }
}

/// Gives the client for a call.
#[derive(Debug)]
pub struct Connector {
    default: Option<Client>,
    template: Option<Config>,
    cache: Mutex<HashMap<String, Client>>,
}

/// Why no client could be made for a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoClient {
    /// Neither the server nor the request has a token.
    Missing,
    /// The request's token cannot be used (the reason never quotes the token).
    Invalid(String),
}

impl Connector {
    /// Every call uses `client`; request tokens are ignored.
    pub fn fixed(client: Client) -> Connector {
        Connector {
            default: Some(client),
            template: None,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Calls use the request's token when it has one, with `template`'s base URL, version and
    /// limits (its token is ignored), else `default`, else fail.
    pub fn per_request(default: Option<Client>, template: Config) -> Connector {
        Connector {
            default,
            template: Some(template),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Whether calls may bring their own token.
    pub fn accepts_request_tokens(&self) -> bool {
        self.template.is_some()
    }

    /// The client for a call that came with `token` (or none).
    pub fn client(&self, token: Option<&RequestToken>) -> Result<Client, NoClient> {
        let (Some(token), Some(template)) = (token, &self.template) else {
            return self.default.clone().ok_or(NoClient::Missing);
        };
        let token = token.0.trim();
        if token.is_empty() {
            return self.default.clone().ok_or(NoClient::Missing);
        }
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(client) = cache.get(token) {
            return Ok(client.clone());
        }
        let mut config = template.clone();
        config.token = token.to_owned();
        let client = Client::new(config).map_err(|e| NoClient::Invalid(e.to_string()))?;
        if cache.len() >= MAX_CACHED_CLIENTS {
            cache.clear();
        }
        cache.insert(token.to_owned(), client.clone());
        Ok(client)
    }

    /// How many per-token clients are cached.
    pub fn cached_clients(&self) -> usize {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}
