//! Typed transport for Intercom's REST API.
//!
//! A [`Request`] is an owned, serializable value that knows nothing of the transport; a [`Client`]
//! sends it with auth, the `Intercom-Version` header, rate-limit pacing and the retry policy, and
//! gives back JSON or a typed [`Error`]. [`Client::paginate`] walks every pagination style Intercom
//! uses as one stream of items.
//!
//! CONTRACT NOTE (for the crates above): the public items declared in this file are the API that
//! `intercom-tools` and `intercom-cli` code against. Their names and signatures stay as written;
//! the bodies are filled in by the client work.

mod config;
mod error;
mod pagination;
mod request;
mod retry;
mod transport;

pub use config::{Config, ConfigError, Region, DEFAULT_VERSION};
pub use error::{ApiError, Error, ErrorItem};
pub use pagination::{PageStyle, Pages};
pub use request::{Method, Request, WriteSafety};
pub use retry::{Decision, RetryPolicy};
pub use transport::{Client, Response};
