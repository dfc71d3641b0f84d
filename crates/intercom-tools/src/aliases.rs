//! Other names the seeds use for the tools: Composio's `INTERCOM_*` slugs, the workflow names
//! of seed 003, and the `search`/`fetch` of Intercom's hosted MCP server.
//!
//! An alias points at a tool and may rename parameters (`id` → `conversation_id`) and preset
//! values (`message_type` = `close`). A preset fills a missing value; a different value given
//! by the caller is refused.

/// Another name for a tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alias {
    pub name: &'static str,
    pub target: &'static str,
    /// `(alias parameter, tool parameter)` pairs.
    pub renames: &'static [(&'static str, &'static str)],
    /// `(tool parameter, value)` pairs.
    pub presets: &'static [(&'static str, &'static str)],
}

const fn alias(name: &'static str, target: &'static str) -> Alias {
    Alias {
        name,
        target,
        renames: &[],
        presets: &[],
    }
}

const fn renamed(
    name: &'static str,
    target: &'static str,
    renames: &'static [(&'static str, &'static str)],
) -> Alias {
    Alias {
        name,
        target,
        renames,
        presets: &[],
    }
}

const ID_IS_CONVERSATION: &[(&str, &str)] = &[("id", "conversation_id")];

/// The Composio slugs of seed 000.
pub(crate) const COMPOSIO: &[Alias] = &[
    alias("INTERCOM_LIST_ALL_ADMINS", "intercom_list_admins"),
    alias("INTERCOM_LIST_CONVERSATIONS", "intercom_list_conversations"),
    alias(
        "INTERCOM_SEARCH_CONVERSATIONS",
        "intercom_search_conversations",
    ),
    renamed(
        "INTERCOM_GET_CONVERSATION",
        "intercom_retrieve_conversation",
        ID_IS_CONVERSATION,
    ),
    alias(
        "INTERCOM_CREATE_CONVERSATION",
        "intercom_create_conversation",
    ),
    renamed(
        "INTERCOM_REPLY_TO_CONVERSATION",
        "intercom_reply_to_conversation",
        ID_IS_CONVERSATION,
    ),
    Alias {
        name: "INTERCOM_ASSIGN_CONVERSATION",
        target: "intercom_manage_conversation",
        renames: ID_IS_CONVERSATION,
        presets: &[("message_type", "assignment")],
    },
    Alias {
        name: "INTERCOM_CLOSE_CONVERSATION",
        target: "intercom_manage_conversation",
        renames: ID_IS_CONVERSATION,
        presets: &[("message_type", "close")],
    },
    Alias {
        name: "INTERCOM_REOPEN_CONVERSATION",
        target: "intercom_manage_conversation",
        renames: ID_IS_CONVERSATION,
        presets: &[("message_type", "open")],
    },
    alias("INTERCOM_SEARCH_CONTACTS", "intercom_search_contacts"),
    renamed(
        "INTERCOM_GET_A_CONTACT",
        "intercom_retrieve_contact",
        &[("id", "contact_id")],
    ),
    alias(
        "INTERCOM_SHOW_CONTACT_BY_EXTERNAL_ID",
        "intercom_find_contact_by_external_id",
    ),
    alias("INTERCOM_LIST_CONTACTS", "intercom_list_contacts"),
    alias(
        "INTERCOM_LIST_TAGS_ATTACHED_TO_A_CONTACT",
        "intercom_list_contact_tags",
    ),
    alias(
        "INTERCOM_LIST_ATTACHED_SEGMENTS_FOR_CONTACT",
        "intercom_list_contact_segments",
    ),
    alias(
        "INTERCOM_DETACH_A_CONTACT",
        "intercom_detach_contact_from_company",
    ),
    renamed(
        "INTERCOM_IDENTIFY_AN_ADMIN",
        "intercom_retrieve_admin",
        &[("id", "admin_id")],
    ),
    alias("INTERCOM_LIST_SEGMENTS", "intercom_list_segments"),
    alias(
        "INTERCOM_LIST_ATTACHED_SEGMENTS_FOR_COMPANIES",
        "intercom_list_company_segments",
    ),
    alias("INTERCOM_GET_COUNTS", "intercom_get_counts"),
    alias("INTERCOM_LIST_ALL_COMPANIES", "intercom_list_companies"),
];

/// seed 003's parameter names; camelCase is also accepted on the tools themselves.
const SEED_DATES: &[(&str, &str)] = &[("startDate", "start_date"), ("endDate", "end_date")];
const SEED_CUSTOMER: &[(&str, &str)] = &[
    ("customerIdentifier", "customer_identifier"),
    ("startDate", "start_date"),
    ("endDate", "end_date"),
];
const SEED_LIST: &[(&str, &str)] = &[
    ("startDate", "start_date"),
    ("endDate", "end_date"),
    ("keyword", "keywords"),
];

/// The workflow names of seed 003, and the hosted MCP server's two universal tools.
pub(crate) const WORKFLOWS: &[Alias] = &[
    renamed(
        "search_conversations_by_customer",
        "intercom_search_conversations_by_customer",
        SEED_CUSTOMER,
    ),
    renamed(
        "search_tickets_by_customer",
        "intercom_search_tickets_by_customer",
        SEED_CUSTOMER,
    ),
    renamed(
        "search_tickets_by_status",
        "intercom_search_tickets_by_status",
        SEED_DATES,
    ),
    renamed(
        "list_conversations",
        "intercom_list_conversations_by_date",
        SEED_LIST,
    ),
    alias("search", "intercom_search"),
    alias("fetch", "intercom_fetch"),
];
