//! intercom-sandbox: a local, stateful emulator of Intercom's REST API.

pub mod search;
