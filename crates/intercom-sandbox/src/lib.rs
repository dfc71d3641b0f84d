//! intercom-sandbox
