//! The resources the mirror keeps, and how each is fetched.

use intercom_client::{PageStyle, Request};
use serde_json::json;

/// One kind of object in the mirror.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Resource {
    Admins,
    Teams,
    Tags,
    Segments,
    Companies,
    Contacts,
    Conversations,
    Tickets,
    Articles,
}

/// How a resource is walked.
pub(crate) enum Walk {
    /// A search with an `updated_at` window; removals found by counting `created_at` ranges.
    Search {
        path: &'static str,
        items_key: &'static str,
    },
    /// A full listing every time; what the listing no longer holds is removed.
    List { request: Request, style: PageStyle },
}

impl Resource {
    /// Every resource, in the order a sync walks them (small reference data first, so names of
    /// teams and admins are there before the conversations that point at them).
    pub const ALL: [Resource; 9] = [
        Resource::Admins,
        Resource::Teams,
        Resource::Tags,
        Resource::Segments,
        Resource::Companies,
        Resource::Contacts,
        Resource::Conversations,
        Resource::Tickets,
        Resource::Articles,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Admins => "admins",
            Resource::Teams => "teams",
            Resource::Tags => "tags",
            Resource::Segments => "segments",
            Resource::Companies => "companies",
            Resource::Contacts => "contacts",
            Resource::Conversations => "conversations",
            Resource::Tickets => "tickets",
            Resource::Articles => "articles",
        }
    }

    /// Whether the mirror finds its changes by an `updated_at` search (else it lists it whole).
    pub fn is_incremental(self) -> bool {
        matches!(
            self,
            Resource::Contacts | Resource::Conversations | Resource::Tickets
        )
    }

    /// Seconds of the unit its search compares dates in: a day for contacts (Intercom matches
    /// contact dates by calendar day), a second for the others.
    pub(crate) fn date_step(self) -> i64 {
        match self {
            Resource::Contacts => 86_400,
            _ => 1,
        }
    }

    pub(crate) fn walk(self) -> Walk {
        let list = |path: &str, style: PageStyle| Walk::List {
            request: Request::get(path),
            style,
        };
        match self {
            Resource::Admins => list("/admins", PageStyle::cursor_query("admins")),
            Resource::Teams => list("/teams", PageStyle::cursor_query("teams")),
            Resource::Tags => list("/tags", PageStyle::cursor_query("data")),
            Resource::Segments => list("/segments", PageStyle::cursor_query("segments")),
            Resource::Companies => Walk::List {
                request: Request::get("/companies").query("per_page", "60"),
                style: PageStyle::page_number("data"),
            },
            Resource::Articles => Walk::List {
                request: Request::get("/articles").query("per_page", "50"),
                style: PageStyle::page_number("data"),
            },
            Resource::Contacts => Walk::Search {
                path: "/contacts/search",
                items_key: "data",
            },
            Resource::Conversations => Walk::Search {
                path: "/conversations/search",
                items_key: "conversations",
            },
            Resource::Tickets => Walk::Search {
                path: "/tickets/search",
                items_key: "tickets",
            },
        }
    }

    /// A search of this resource for `query`, `per_page` items a page.
    pub(crate) fn search(self, query: serde_json::Value, per_page: u32) -> Option<Request> {
        let Walk::Search { path, .. } = self.walk() else {
            return None;
        };
        Some(
            Request::post(
                path,
                json!({"query": query, "pagination": {"per_page": per_page}}),
            )
            .idempotent(),
        )
    }
}

impl std::fmt::Display for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Resource {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Resource, crate::Error> {
        Resource::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Resource::ALL.iter().map(|r| r.as_str()).collect();
                crate::Error::invalid(
                    "resource",
                    format!(
                        "`{s}` is not a mirrored resource: use one of {}",
                        names.join(", ")
                    ),
                )
            })
    }
}
