//! intercom-tools
