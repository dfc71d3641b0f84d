//! Integration tests of intercom-mirror: syncs against the in-process sandbox on 127.0.0.1, and
//! the store's questions over documents written directly.

mod rate;
mod scale;
mod store;
mod support;
mod sync;
