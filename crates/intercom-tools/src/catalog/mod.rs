//! The built-in tools, one module per API area. Parameters shared by several tools live here.

use crate::spec::{JsonType, Param, Tool};

pub(crate) mod admins;
pub(crate) mod companies;
pub(crate) mod contacts;
pub(crate) mod conversations;
pub(crate) mod counts;
pub(crate) mod search;
pub(crate) mod segments;
pub(crate) mod tags;
pub(crate) mod teams;
pub(crate) mod tickets;
pub(crate) mod workflows;

/// Every built-in tool, grouped by toolset.
pub(crate) fn all() -> Vec<&'static Tool> {
    [
        admins::TOOLS,
        teams::TOOLS,
        conversations::TOOLS,
        workflows::CONVERSATION_TOOLS,
        contacts::TOOLS,
        companies::TOOLS,
        segments::TOOLS,
        tags::TOOLS,
        counts::TOOLS,
        tickets::TOOLS,
        workflows::TICKET_TOOLS,
        search::TOOLS,
    ]
    .into_iter()
    .flatten()
    .collect()
}

pub(crate) const FIND_ADMIN: &str =
    "call intercom_list_admins (or intercom_identify_admin) to find one";
pub(crate) const FIND_CONVERSATION: &str =
    "call intercom_list_conversations or intercom_search_conversations to find one";
pub(crate) const FIND_CONTACT: &str =
    "call intercom_search_contacts or intercom_list_contacts to find one";
pub(crate) const FIND_COMPANY: &str = "call intercom_list_companies to find one";
pub(crate) const FIND_TAG: &str = "call intercom_list_tags to find one";
pub(crate) const FIND_SEGMENT: &str = "call intercom_list_segments to find one";
pub(crate) const FIND_TEAM: &str = "call intercom_list_teams to find one";

/// The description of a parameter naming the admin who acts.
pub(crate) const ADMIN_BY_NAME: &str =
    "The admin who acts: an admin id, an admin's email or name, or `me` (the token's own admin).";

pub(crate) const CONVERSATION_ID: Param = Param::path(
    "conversation_id",
    "Intercom id of the conversation (a numeric string).",
)
.hint(FIND_CONVERSATION);
pub(crate) const CONTACT_ID: Param =
    Param::path("contact_id", "Intercom id of the contact.").hint(FIND_CONTACT);
pub(crate) const COMPANY_ID_PATH: Param = Param::path(
    "company_id",
    "Intercom id of the company (not your own company_id).",
)
.hint(FIND_COMPANY);

pub(crate) const PER_PAGE: Param =
    Param::query("per_page", JsonType::Integer, "Items per page (1 to 150).").range(1, 150);
pub(crate) const STARTING_AFTER: Param = Param::query(
    "starting_after",
    JsonType::String,
    "Cursor of the page to fetch: the `pages.next.starting_after` of the previous response.",
)
.non_empty();

const SEARCH_OPERATORS: &[&str] = &[
    "=", "!=", "IN", "NIN", "<", "<=", ">", ">=", "~", "!~", "^", "$", "AND", "OR",
];

const QUERY_FIELDS: &[Param] = &[
    Param::field("field", JsonType::String, "Field to compare, e.g. `email`, `state`, `custom_attributes.plan`. Omit it for AND/OR groups.")
        .non_empty(),
    Param::field(
        "operator",
        JsonType::String,
        "Comparison (`=`, `!=`, `IN`, `NIN`, `<`, `<=`, `>`, `>=`, `~` contains, `!~`, `^` starts with, `$` ends with) or `AND`/`OR` to combine the filters listed in `value`.",
    )
    .required()
    .one_of(SEARCH_OPERATORS),
    Param::field(
        "value",
        JsonType::Any,
        "Value to compare with (string, number, boolean, or an array for IN/NIN); for AND/OR, an array of nested filters.",
    )
    .required(),
];

/// The `query` of POST .../search: one filter or an AND/OR group of filters.
pub(crate) const SEARCH_QUERY: Param = Param::body(
    "query",
    JsonType::Object,
    "A structured filter, not free text: `{\"field\": \"email\", \"operator\": \"=\", \"value\": \"a@b.co\"}`, or `{\"operator\": \"AND\", \"value\": [filter, ...]}` (at most 2 levels of nesting and 15 filters per group).",
)
.required()
.fields(QUERY_FIELDS);

const PAGINATION_FIELDS: &[Param] = &[
    Param::field(
        "per_page",
        JsonType::Integer,
        "Results per page (1 to 150).",
    )
    .range(1, 150),
    Param::field(
        "starting_after",
        JsonType::String,
        "Cursor from `pages.next.starting_after` of the previous page.",
    )
    .non_empty(),
];

/// The `pagination` object of POST .../search.
pub(crate) const SEARCH_PAGINATION: Param = Param::body(
    "pagination",
    JsonType::Object,
    "Page size and cursor: `{\"per_page\": 50, \"starting_after\": \"...\"}`.",
)
.fields(PAGINATION_FIELDS);
