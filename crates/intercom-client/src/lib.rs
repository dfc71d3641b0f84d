//! Typed transport for Intercom's REST API.
//!
//! A [`Request`] is an owned, serializable value that knows nothing of the transport; a [`Client`]
//! sends it with auth, the `Intercom-Version` header, rate-limit pacing and the retry policy, and
//! gives back JSON or a typed [`Error`]. [`Client::paginate`] walks every pagination style Intercom
//! uses as one stream of items.
//!
//! - [`Config`]: token, region or base URL, `Intercom-Version`, timeout, attempts, pacing; from
//!   flags or the environment ([`Config::from_lookup`]). The token never shows in `Debug`, logs
//!   or errors.
//! - [`RetryPolicy::decide`]: the whole retry policy as one pure function of an [`Outcome`], the
//!   attempt number and the request's [`WriteSafety`]; table-tested.
//! - Pacing: clones of a [`Client`] share the budget of the latest `X-RateLimit-*` headers
//!   ([`Client::rate_limit`]) and wait before sending when it is nearly spent.
//! - Shared budget: with [`Config::rate_limit_dir`] set, processes of one user against one
//!   workspace also share the budget through a small locked file there (see
//!   [`default_rate_limit_dir`]), so separate processes meet no 429s either.
//! - [`Error::applied`]: every failure says whether a write took effect ([`Applied`]: yes, no,
//!   or unknown with how to check); [`Client::send_until`] stops a call on cancellation and
//!   says whether an attempt was in flight; [`Ledger`] records write attempts so an unsettled
//!   one is looked for before the same write is sent again (the tool registry does it).
//! - [`Clock`]: every wait goes through the client's clock; [`TestClock`] makes retry and pacing
//!   tests instant and lets them assert the waits ([`Client::with_clock`]).
//! - [`Pages`]: one stream of items for cursor (query or body), page-number and scroll
//!   pagination, with loop detection, [`Pages::limit`] and whole pages ([`Pages::pages`]).
//!
//! A runnable example against an in-process sandbox: `cargo run -p intercom-client --example
//! list_and_search`.

mod clock;
mod config;
mod error;
mod ledger;
pub mod observe;
mod pacing;
mod pagination;
mod request;
mod retry;
mod shared_budget;
mod transport;

pub use clock::{Clock, Sleep, SystemClock, TestClock};
pub use config::{
    Config, ConfigError, DEFAULT_DEADLINE, DEFAULT_VERSION, Region, env, parse_deadline,
    rate_limit_dir_setting,
};
pub use error::{ApiError, Applied, ConnectionFailure, Error, ErrorItem};
pub use ledger::{AttemptState, KEEP_SECONDS, Ledger, fingerprint as write_fingerprint};
pub use pacing::{MAX_PACING_WAIT, RateLimit};
pub use pagination::{PageStyle, Pages};
pub use request::{MAX_URL_BYTES, Method, Request, WriteSafety};
pub use retry::{Decision, Outcome, RetryAfter, RetryPolicy};
pub use shared_budget::{PROBE_TIMEOUT, default_rate_limit_dir};
pub use transport::{Client, Response};
