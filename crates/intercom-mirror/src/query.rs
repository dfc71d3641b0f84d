//! Questions to the mirror: filters, searches and counts, as values.

use serde::Serialize;
use serde_json::Value;

use crate::{Error, Resource};

/// Which documents a search, count or export takes: every field set must match.
///
/// The fields are those of Intercom's search DSL that questions use: state, assignee team and
/// admin, tag (id or name), contact, and `created_at`/`updated_at` ranges (unix seconds,
/// `after` inclusive, `before` exclusive), plus full text over the whole document.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Filter {
    /// Words to find (all of them, anywhere in the transcript); FTS5 syntax (`"exact phrase"`,
    /// `refund OR credit`, `refun*`) is taken as it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_id: Option<String>,
    /// A tag id or a tag name (case-insensitive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_after: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_before: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_after: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_before: Option<i64>,
    /// Only conversations whose parts Intercom cut at 500.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated_only: bool,
}

impl Filter {
    /// A filter on text alone.
    pub fn text(text: impl Into<String>) -> Filter {
        Filter {
            text: Some(text.into()),
            ..Filter::default()
        }
    }

    /// The filter of a tool's JSON arguments (`text`, `state`, `team_id`, `admin_id`, `tag`,
    /// `contact_id`, `created_after`, `created_before`, `updated_after`, `updated_before`;
    /// times as unix seconds, an ISO date `2026-11-01` or a timestamp `2026-11-01T09:00:00Z`).
    /// Other keys are left for the caller.
    pub fn from_json(args: &Value) -> Result<Filter, Error> {
        let text = |field: &'static str| -> Result<Option<String>, Error> {
            match &args[field] {
                Value::Null => Ok(None),
                Value::String(s) if s.trim().is_empty() => Ok(None),
                Value::String(s) => Ok(Some(s.trim().to_owned())),
                Value::Number(n) if field != "text" => Ok(Some(n.to_string())),
                other => Err(Error::invalid(
                    field,
                    format!("expected a string, got {other}"),
                )),
            }
        };
        let time = |field: &'static str| -> Result<Option<i64>, Error> {
            match &args[field] {
                Value::Null => Ok(None),
                Value::Number(n) => n.as_i64().map(Some).ok_or_else(|| {
                    Error::invalid(field, format!("expected whole unix seconds, got {n}"))
                }),
                Value::String(s) => parse_time(field, s).map(Some),
                other => Err(Error::invalid(
                    field,
                    format!("expected unix seconds or an ISO date, got {other}"),
                )),
            }
        };
        Ok(Filter {
            text: text("text")?,
            state: text("state")?,
            team_id: text("team_id")?,
            admin_id: text("admin_id")?,
            tag: text("tag")?,
            contact_id: text("contact_id")?,
            created_after: time("created_after")?,
            created_before: time("created_before")?,
            updated_after: time("updated_after")?,
            updated_before: time("updated_before")?,
            truncated_only: args["truncated_only"].as_bool().unwrap_or(false),
        })
    }
}

/// Unix seconds from `2026-11-01` (midnight UTC), `2026-11-01T09:30:00Z` or `1793577600`.
pub fn parse_time(field: &'static str, text: &str) -> Result<i64, Error> {
    let text = text.trim();
    if let Ok(n) = text.parse::<i64>() {
        return Ok(n);
    }
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Ok(ts.as_second());
    }
    if let Ok(date) = text.parse::<jiff::civil::Date>()
        && let Ok(zoned) = date.to_zoned(jiff::tz::TimeZone::UTC)
    {
        return Ok(zoned.timestamp().as_second());
    }
    Err(Error::invalid(
        field,
        format!(
            "`{text}` is not a time: use unix seconds, a date (2026-11-01) or a UTC timestamp (2026-11-01T09:30:00Z)"
        ),
    ))
}

/// A full-text search (or, without text, the latest documents matching the filter).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Search {
    pub resource: Resource,
    pub filter: Filter,
    /// Hits to return, 1 to [`Search::MAX_LIMIT`]. Default 20.
    pub limit: u32,
    pub offset: u64,
}

impl Search {
    pub const MAX_LIMIT: u32 = 200;

    /// A search of conversations.
    pub fn new(filter: Filter) -> Search {
        Search {
            resource: Resource::Conversations,
            filter,
            limit: 20,
            offset: 0,
        }
    }
    pub fn resource(mut self, resource: Resource) -> Search {
        self.resource = resource;
        self
    }
    pub fn limit(mut self, limit: u32) -> Search {
        self.limit = limit;
        self
    }
    pub fn offset(mut self, offset: u64) -> Search {
        self.offset = offset;
        self
    }
}

/// One document found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Hit {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    /// The matching words in context, marked `[like this]` (text searches only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// Relevance, lower is better (text searches only): BM25 in the SQLite store, `ts_rank`
    /// negated in the PostgreSQL one; compare ranks within one store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<f64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// A page of hits and how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Hits {
    pub total: u64,
    pub hits: Vec<Hit>,
}

/// What to group a count by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GroupBy {
    State,
    Team,
    Admin,
    Tag,
    Day,
    Week,
    Month,
}

impl GroupBy {
    pub const NAMES: &'static [&'static str] =
        &["state", "team", "admin", "tag", "day", "week", "month"];
}

impl std::str::FromStr for GroupBy {
    type Err = Error;
    fn from_str(s: &str) -> Result<GroupBy, Error> {
        Ok(match s {
            "state" => GroupBy::State,
            "team" => GroupBy::Team,
            "admin" => GroupBy::Admin,
            "tag" => GroupBy::Tag,
            "day" => GroupBy::Day,
            "week" => GroupBy::Week,
            "month" => GroupBy::Month,
            other => {
                return Err(Error::invalid(
                    "group_by",
                    format!(
                        "`{other}` is not a grouping: use one of {}",
                        GroupBy::NAMES.join(", ")
                    ),
                ));
            }
        })
    }
}

/// A count, optionally grouped. Periods (`day`, `week` from Monday, `month`) are of
/// `created_at` in UTC.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Count {
    pub resource: Resource,
    pub filter: Filter,
    pub group_by: Option<GroupBy>,
}

impl Count {
    /// A count of conversations.
    pub fn new(filter: Filter) -> Count {
        Count {
            resource: Resource::Conversations,
            filter,
            group_by: None,
        }
    }
    pub fn resource(mut self, resource: Resource) -> Count {
        self.resource = resource;
        self
    }
    pub fn group_by(mut self, group_by: GroupBy) -> Count {
        self.group_by = Some(group_by);
        self
    }
}

/// One group of a count: its key (an id, a state, a tag name or a period such as `2026-11`),
/// the name of the team or admin when the mirror has it, and how many.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CountGroup {
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub count: u64,
}

/// The result of a [`Count`]: the total of matching documents, and the groups (largest
/// first, periods in order). With `tag`, a document with two tags counts in both.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Counts {
    pub total: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<CountGroup>,
}
