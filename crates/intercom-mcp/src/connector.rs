//! Which Intercom client serves a call: the server's own, or one per token sent with the request.
//!
//! Over HTTP, one server can serve several people: each request may carry its own Intercom token
//! (`X-Intercom-Token`), and gets a client made for that token alone, so workspaces never mix.
//! Clients are cached per token (a client keeps its connection pool and rate-limit pacing), at
//! most [`MAX_CACHED_CLIENTS`] of them: past that the least recently used one is dropped, so a
//! busy caller keeps its client however many others come and go. Tokens are never logged.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use intercom_client::{Client, Config};

/// The most per-token clients kept; past it the least recently used is dropped.
pub const MAX_CACHED_CLIENTS: usize = 1024;

/// Clients by token, bounded, dropping the least recently used: a map from token to client and
/// last use, and the tokens ordered by last use.
#[derive(Debug)]
struct Lru {
    capacity: usize,
    clock: u64,
    entries: HashMap<String, (Client, u64)>,
    by_use: BTreeMap<u64, String>,
}

impl Lru {
    fn new(capacity: usize) -> Lru {
        Lru {
            capacity: capacity.max(1),
            clock: 0,
            entries: HashMap::new(),
            by_use: BTreeMap::new(),
        }
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// The client for `token`, marked as just used.
    fn get(&mut self, token: &str) -> Option<Client> {
        let now = self.tick();
        let (client, used) = self.entries.get_mut(token)?;
        self.by_use.remove(used);
        *used = now;
        self.by_use.insert(now, token.to_owned());
        Some(client.clone())
    }

    fn insert(&mut self, token: &str, client: Client) {
        let now = self.tick();
        if let Some((_, used)) = self.entries.remove(token) {
            self.by_use.remove(&used);
        }
        while self.entries.len() >= self.capacity {
            let Some((_, oldest)) = self.by_use.pop_first() else {
                break;
            };
            self.entries.remove(&oldest);
        }
        self.entries.insert(token.to_owned(), (client, now));
        self.by_use.insert(now, token.to_owned());
    }

    fn len(&self) -> usize {
        self.entries.len()
    }
}

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
    cache: Mutex<Lru>,
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
            cache: Mutex::new(Lru::new(MAX_CACHED_CLIENTS)),
        }
    }

    /// Calls use the request's token when it has one, with `template`'s base URL, version and
    /// limits (its token is ignored), else `default`, else fail.
    pub fn per_request(default: Option<Client>, template: Config) -> Connector {
        Connector {
            default,
            template: Some(template),
            cache: Mutex::new(Lru::new(MAX_CACHED_CLIENTS)),
        }
    }

    /// Keeps at most `capacity` per-token clients (at least one; [`MAX_CACHED_CLIENTS`] unless
    /// set), dropping the least recently used.
    pub fn cache_capacity(self, capacity: usize) -> Connector {
        let cache = Mutex::new(Lru::new(capacity));
        Connector { cache, ..self }
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
        cache.insert(token, client.clone());
        Ok(client)
    }

    /// How many per-token clients are cached.
    pub fn cached_clients(&self) -> usize {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(token: &str) -> Client {
        Client::new(Config::new(token).base_url("http://127.0.0.1:9").unwrap()).unwrap()
    }

    #[test]
    fn the_least_recently_used_client_goes_first() {
        let mut lru = Lru::new(3);
        for token in ["a", "b", "c"] {
            lru.insert(token, client(token));
        }
        assert!(lru.get("a").is_some()); // a is now the most recent; b the least
        lru.insert("d", client("d"));
        assert_eq!(lru.len(), 3);
        assert!(lru.get("b").is_none(), "b was the least recently used");
        for kept in ["a", "c", "d"] {
            assert!(lru.get(kept).is_some(), "{kept}");
        }
        // a, c and d were then used in that order: e drops a.
        lru.insert("e", client("e"));
        assert!(lru.get("a").is_none());
        assert_eq!(lru.by_use.len(), lru.entries.len());
        // Inserting a token again replaces it without growing.
        lru.insert("e", client("e"));
        assert_eq!(lru.len(), 3);
        assert_eq!(lru.by_use.len(), 3);
    }

    #[test]
    fn a_busy_token_keeps_its_client_while_many_others_pass() {
        let template = Config::new("unused")
            .base_url("http://127.0.0.1:9")
            .unwrap();
        let connector = Connector::per_request(None, template).cache_capacity(8);
        let busy = RequestToken("busy".into());
        connector.client(Some(&busy)).unwrap();
        for n in 0..100 {
            connector
                .client(Some(&RequestToken(format!("passer-{n}"))))
                .unwrap();
            connector.client(Some(&busy)).unwrap();
            assert!(connector.cached_clients() <= 8);
        }
        let cache = connector.cache.lock().unwrap();
        assert!(cache.entries.contains_key("busy"));
        assert!(cache.entries.contains_key("passer-99"));
        assert!(!cache.entries.contains_key("passer-0"));
        assert_eq!(cache.len(), 8);
    }
}
