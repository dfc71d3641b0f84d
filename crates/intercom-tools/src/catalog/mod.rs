//! The built-in tools, one module per API area. Parameters shared by several tools live here.

use serde_json::Value;

use crate::spec::{Args, JsonType, Param, Rule, Tool};

pub(crate) mod admins;
pub(crate) mod companies;
pub(crate) mod contacts;
pub(crate) mod conversations;
pub(crate) mod counts;
mod entries;
pub(crate) mod mirror;
pub(crate) mod overlay;
pub(crate) mod search;
pub(crate) mod segments;
pub(crate) mod tags;
pub(crate) mod teams;
pub(crate) mod tickets;
pub(crate) mod workflows;

/// The hand-written tools, grouped by toolset.
const HAND_WRITTEN: [&[Tool]; 13] = [
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
    mirror::TOOLS,
];

/// Every built-in tool: the hand-written ones, then those made from the generated operation data.
pub(crate) fn all() -> Vec<&'static Tool> {
    HAND_WRITTEN
        .into_iter()
        .flatten()
        .chain(overlay::tools().iter().copied())
        .collect()
}

/// The name of the tool that calls `operation_id` (hand-written tools first).
pub(crate) fn tool_name_of_operation(operation_id: &str) -> Option<&'static str> {
    HAND_WRITTEN
        .into_iter()
        .flatten()
        .find(|t| t.operations.iter().any(|o| o.operation_id == operation_id))
        .map(|t| t.name)
        .or_else(|| {
            entries::ENTRIES
                .iter()
                .find(|e| e.operation_id == operation_id)
                .map(|e| e.name)
        })
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

/// Filters one AND/OR group may hold, and how deep groups may nest (the root group is level 1).
const MAX_GROUP_FILTERS: usize = 15;
const MAX_GROUP_LEVELS: usize = 2;

/// The rule every search tool carries: the whole filter tree has the shape Intercom accepts,
/// checked before anything is sent (the schema only describes the top level).
pub(crate) const SEARCH_QUERY_SHAPE: Rule = Rule::Check(check_search_query);

fn check_search_query(args: &Args) -> Result<(), (&'static str, String)> {
    match args.get("query") {
        Some(query) => check_filter(query, "query", 1).map_err(|message| ("query", message)),
        None => Ok(()),
    }
}

/// Checks one filter at `at` (a JSON path), `level` being the nesting level a group here has.
fn check_filter(filter: &Value, at: &str, level: usize) -> Result<(), String> {
    let Some(object) = filter.as_object() else {
        return Err(format!(
            "`{at}` must be a filter object such as {{\"field\": \"email\", \"operator\": \"=\", \"value\": \"a@b.co\"}}"
        ));
    };
    let operator = match object.get("operator") {
        Some(Value::String(op)) => op.as_str(),
        _ => {
            return Err(format!(
                "`{at}.operator` is required: a comparison or AND/OR"
            ));
        }
    };
    let value = object.get("value");
    match operator {
        "AND" | "OR" => {
            if level > MAX_GROUP_LEVELS {
                return Err(format!(
                    "`{at}`: AND/OR groups nest at most {MAX_GROUP_LEVELS} levels deep, as in (a OR b) AND (c OR d)"
                ));
            }
            if object.contains_key("field") {
                return Err(format!(
                    "`{at}` is an {operator} group: it takes no `field`; put the filters in `value`"
                ));
            }
            let Some(filters) = value.and_then(Value::as_array) else {
                return Err(format!(
                    "`{at}.value` must be an array of filters for {operator}"
                ));
            };
            if filters.is_empty() || filters.len() > MAX_GROUP_FILTERS {
                return Err(format!(
                    "`{at}.value` holds {} filters; an {operator} group takes 1 to {MAX_GROUP_FILTERS}",
                    filters.len()
                ));
            }
            filters
                .iter()
                .enumerate()
                .try_for_each(|(i, f)| check_filter(f, &format!("{at}.value[{i}]"), level + 1))
        }
        op if SEARCH_OPERATORS.contains(&op) => {
            match object.get("field") {
                Some(Value::String(field)) if !field.is_empty() => {}
                _ => {
                    return Err(format!(
                        "`{at}.field` is required with operator `{op}` (e.g. `email`, `state`)"
                    ));
                }
            }
            let list = matches!(op, "IN" | "NIN");
            match value {
                None => Err(format!("`{at}.value` is required")),
                Some(Value::Array(_)) if list => Ok(()),
                Some(_) if list => Err(format!("`{at}.value` must be an array with `{op}`")),
                Some(Value::Array(_) | Value::Object(_)) => Err(format!(
                    "`{at}.value` must be a string, number, boolean or null with `{op}` (use IN or NIN for a list)"
                )),
                Some(_) => Ok(()),
            }
        }
        other => Err(format!(
            "`{at}.operator` must be one of {}; got `{other}`",
            SEARCH_OPERATORS.join(" ")
        )),
    }
}

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
    "A structured filter, not free text: `{\"field\": \"email\", \"operator\": \"=\", \"value\": \"a@b.co\"}`, or `{\"operator\": \"AND\", \"value\": [filter, ...]}` (at most 2 levels of nesting and 15 filters per group). An object is preferred; the same object as a JSON string is accepted.",
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
