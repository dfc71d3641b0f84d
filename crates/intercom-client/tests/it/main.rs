//! Integration tests of intercom-client, all against servers on 127.0.0.1 with a test clock.

mod config;
mod deadline;
mod ledger;
mod mock;
mod pacing;
mod pagination;
mod retries;
mod retry_policy;
mod shared_budget;
mod transport;
mod verdict;
