//! The client: sends a [`Request`] and returns JSON or a typed error.

use serde_json::Value;

use crate::{Config, Error, PageStyle, Pages, Request};

/// A 2xx response.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response {
    pub status: u16,
    pub request_id: Option<String>,
    /// `null` for an empty body (204).
    pub body: Value,
}

/// Cheap to clone; clones share the connection pool and the rate-limit budget.
#[derive(Clone, Debug)]
pub struct Client {
    _private: (),
}

impl Client {
    pub fn new(config: Config) -> Result<Client, Error> {
        let _ = config;
        todo!("client work")
    }
    pub fn config(&self) -> &Config {
        todo!("client work")
    }
    /// Sends with pacing and retries.
    pub async fn send(&self, request: &Request) -> Result<Response, Error> {
        let _ = request;
        todo!("client work")
    }
    /// [`Client::send`] and return the body.
    pub async fn json(&self, request: &Request) -> Result<Value, Error> {
        Ok(self.send(request).await?.body)
    }
    /// Every item of a list or search, across pages.
    pub fn paginate(&self, request: Request, style: PageStyle) -> Pages {
        let _ = (request, style);
        todo!("client work")
    }
}
