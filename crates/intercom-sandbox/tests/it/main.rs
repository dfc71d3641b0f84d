//! Integration tests of the sandbox, driven in-process through `Sandbox::router` (and one real
//! socket), one module per API area.

mod admins;
mod companies;
mod conformance;
mod connections;
mod contacts;
mod conversations;
mod defects;
mod edges;
mod events;
mod faults;
mod pagination;
mod search;
mod seed_and_store;
mod socket;
mod spec_shapes;
mod support;
mod tags;
mod tickets;
mod versions;
