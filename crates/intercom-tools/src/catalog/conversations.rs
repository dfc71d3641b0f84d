//! Conversations: listing, search, creation, replies and state changes.

use intercom_client::Request;
use serde_json::{Map, Value, json};

use crate::ToolError;
use crate::build;
use crate::catalog::{
    ADMIN_BY_NAME, CONVERSATION_ID, FIND_ADMIN, FIND_CONTACT, PER_PAGE, SEARCH_PAGINATION,
    SEARCH_QUERY, SEARCH_QUERY_SHAPE, STARTING_AFTER,
};
use crate::spec::{
    Annotations, Args, Handler, JsonType, Operation, Param, Resolve, Rule, Tool, Toolset,
};

const FROM_FIELDS: &[Param] = &[
    Param::field(
        "type",
        JsonType::String,
        "Kind of contact starting the conversation.",
    )
    .required()
    .one_of(&["user", "lead", "contact"]),
    Param::field("id", JsonType::String, "Intercom id of the contact.")
        .required()
        .non_empty(),
];

const USER_IDS: &[&str] = &["intercom_user_id", "email", "user_id"];

pub(crate) const TOOLS: &[Tool] = &[
    Tool {
        name: "intercom_list_conversations",
        title: "List conversations",
        version: None,
        toolset: Toolset::CONVERSATIONS,
        description: "List conversations one page at a time. The response carries `pages.next.starting_after` when there are more; pass it back as starting_after. To filter, use intercom_search_conversations.",
        params: &[PER_PAGE, STARTING_AFTER],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/conversations", "listConversations")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_search_conversations",
        title: "Search conversations",
        version: None,
        toolset: Toolset::CONVERSATIONS,
        description: "Find conversations with a structured filter on fields such as state, open, read, created_at, updated_at, source.type, source.author.email, admin_assignee_id or team_assignee_id. Returns one page and a cursor.",
        params: &[SEARCH_QUERY, SEARCH_PAGINATION],
        rules: &[SEARCH_QUERY_SHAPE],
        annotations: Annotations::READ,
        operations: &[Operation::post("/conversations/search", "searchConversations").idempotent()],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_retrieve_conversation",
        title: "Retrieve conversation",
        version: None,
        toolset: Toolset::CONVERSATIONS,
        description: "Fetch one conversation with its source message, state, assignees, tags and every conversation part (replies, notes, assignments, closes).",
        params: &[
            CONVERSATION_ID,
            Param::query(
                "display_as",
                JsonType::String,
                "`plaintext` returns message bodies as plain text instead of HTML.",
            )
            .one_of(&["plaintext"]),
            Param::query(
                "include_translations",
                JsonType::Boolean,
                "Also return the translated text of each part, where Intercom translated it.",
            ),
        ],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/conversations/{conversation_id}", "retrieveConversation")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_create_conversation",
        title: "Create conversation",
        version: None,
        toolset: Toolset::CONVERSATIONS,
        description: "Start a conversation on behalf of a contact (user or lead), as if they had written in. The sender must be a contact, not an admin; to message a contact as an admin, reply to one of their conversations.",
        params: &[
            Param::body("from", JsonType::Object, "The contact who writes: `{\"type\": \"user\", \"id\": \"<contact id>\"}`.")
                .required()
                .fields(FROM_FIELDS)
                .hint(FIND_CONTACT),
            Param::body("body", JsonType::String, "Text of the first message. Intercom shows it as plain text: markup is turned into text, and a body with no text is refused.")
                .required()
                .non_empty(),
            Param::body("subject", JsonType::String, "Subject line, for email conversations."),
            Param::body(
                "created_at",
                JsonType::Integer,
                "Unix time (seconds) to backdate the conversation to, when importing history.",
            )
            .min(0),
        ],
        rules: &[Rule::Check(check_text_body)],
        annotations: Annotations::CREATE,
        operations: &[Operation::post("/conversations", "createConversation")],
        handler: Handler::Build(build_create),
    },
    Tool {
        name: "intercom_reply_to_conversation",
        title: "Reply to conversation",
        version: None,
        toolset: Toolset::CONVERSATIONS,
        description: "Add a reply to a conversation: as an admin (a comment the customer sees, or an internal note) or on behalf of the contact. Plain text is escaped and wrapped in <p> (blank lines start paragraphs); HTML is cleaned to what Intercom renders; an empty reply is refused. Not idempotent: calling twice posts twice.",
        params: &[
            CONVERSATION_ID,
            Param::body("type", JsonType::String, "Who replies: an admin, or the contact (user).")
                .one_of(&["admin", "user"])
                .default("admin"),
            Param::body(
                "message_type",
                JsonType::String,
                "`comment` is visible to the customer; `note` is internal (admins only).",
            )
            .one_of(&["comment", "note"])
            .default("comment"),
            Param::body("body", JsonType::String, "Text of the reply: plain text or HTML (p, br, b, strong, i, em, a, ul, ol, li, code, pre, blockquote, img). May be left out when attachment_urls is given.").non_empty(),
            Param::body("attachment_urls", JsonType::Array, "URLs of files to attach (up to 10): an array, or one comma-separated string.").items(JsonType::String),
            Param::body("admin_id", JsonType::String, ADMIN_BY_NAME).non_empty().hint(FIND_ADMIN).resolve(Resolve::Admin),
            Param::body("intercom_user_id", JsonType::String, "Intercom id of the contact replying.")
                .non_empty()
                .hint(FIND_CONTACT),
            Param::body("email", JsonType::String, "Email of the contact replying.").non_empty(),
            Param::body("user_id", JsonType::String, "Your own user_id of the contact replying.").non_empty(),
            Param::body("created_at", JsonType::Integer, "Unix time (seconds) to backdate the reply to.").min(0),
        ],
        rules: &[
            Rule::AnyOf { fields: &["body", "attachment_urls"] },
            Rule::RequiredIf { field: "admin_id", when: "type", equals: &["admin"] },
            Rule::OnlyIf { field: "admin_id", when: "type", equals: &["admin"] },
            Rule::AnyOfIf { fields: USER_IDS, when: "type", equals: &["user"] },
            Rule::OnlyIf { field: "intercom_user_id", when: "type", equals: &["user"] },
            Rule::OnlyIf { field: "email", when: "type", equals: &["user"] },
            Rule::OnlyIf { field: "user_id", when: "type", equals: &["user"] },
            Rule::Check(check_html_body),
        ],
        annotations: Annotations::CREATE,
        operations: &[Operation::post("/conversations/{conversation_id}/reply", "replyConversation")],
        handler: Handler::Build(build_reply),
    },
    Tool {
        name: "intercom_manage_conversation",
        title: "Manage conversation",
        version: None,
        toolset: Toolset::CONVERSATIONS,
        description: "Change a conversation's state as an admin: assign it to an admin or team, close it, reopen it, or snooze it until a time. message_type picks the action.",
        params: &[
            CONVERSATION_ID,
            Param::body("message_type", JsonType::String, "The action.")
                .required()
                .one_of(&["assignment", "close", "open", "snoozed"]),
            Param::body("admin_id", JsonType::String, ADMIN_BY_NAME)
                .required()
                .non_empty()
                .hint(FIND_ADMIN)
                .resolve(Resolve::Admin),
            Param::body(
                "type",
                JsonType::String,
                "For assignment: whether assignee_id is an admin or a team. Other actions are always done by an admin.",
            )
            .one_of(&["admin", "team"])
            .default("admin"),
            Param::body(
                "assignee_id",
                JsonType::String,
                "Who to assign to: an admin or team id, an admin's email or name, a team's name, or `me`; `0` unassigns. A team name sets type to `team`.",
            )
            .non_empty()
            .hint("call intercom_list_admins or intercom_list_teams to find one")
            .resolve(Resolve::Assignee),
            Param::body("snoozed_until", JsonType::Integer, "Unix time (seconds) when the conversation reopens.").min(0),
            Param::body("body", JsonType::String, "Optional message posted with the assignment or the close: plain text or HTML, cleaned like a reply.").non_empty(),
        ],
        rules: &[
            Rule::RequiredIf { field: "assignee_id", when: "message_type", equals: &["assignment"] },
            Rule::OnlyIf { field: "assignee_id", when: "message_type", equals: &["assignment"] },
            Rule::RequiredIf { field: "snoozed_until", when: "message_type", equals: &["snoozed"] },
            Rule::OnlyIf { field: "snoozed_until", when: "message_type", equals: &["snoozed"] },
            Rule::OnlyIf { field: "body", when: "message_type", equals: &["assignment", "close"] },
            Rule::Check(check_html_body),
        ],
        annotations: Annotations::CREATE,
        operations: &[Operation::post("/conversations/{conversation_id}/parts", "manageConversation")],
        handler: Handler::Build(build_manage),
    },
    Tool {
        name: "intercom_update_conversation",
        title: "Update conversation",
        version: None,
        toolset: Toolset::CONVERSATIONS,
        description: "Mark a conversation read or unread, retitle it, or set its custom attributes.",
        params: &[
            CONVERSATION_ID,
            Param::body("read", JsonType::Boolean, "true marks the conversation as read."),
            Param::body("title", JsonType::String, "New title of the conversation."),
            Param::body(
                "custom_attributes",
                JsonType::Object,
                "Conversation data attributes to set, as name-value pairs. An object is preferred; the same object as a JSON string is accepted.",
            ),
        ],
        rules: &[Rule::AnyOf { fields: &["read", "title", "custom_attributes"] }],
        annotations: Annotations::UPDATE,
        operations: &[Operation::put("/conversations/{conversation_id}", "updateConversation")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_auto_assign_conversation",
        title: "Auto-assign conversation",
        version: None,
        toolset: Toolset::CONVERSATIONS,
        description: "Kept for the name the seeds use: Intercom's API 2.14 and 2.16 have no operation that runs assignment rules on a conversation, so this tool refuses every call and says so. Use intercom_manage_conversation with message_type `assignment` and an assignee_id.",
        params: &[CONVERSATION_ID],
        rules: &[],
        annotations: Annotations::UPDATE,
        operations: &[],
        handler: Handler::Build(refuse_auto_assign),
    },
];

fn build_reply(tool: &Tool, args: &Args) -> Result<Request, ToolError> {
    let mut request = build::direct(tool, args)?;
    let is_user = args.get("type").and_then(Value::as_str) == Some("user");
    if is_user && args.get("message_type").and_then(Value::as_str) == Some("note") {
        return Err(ToolError::validation(
            tool.name,
            "message_type",
            "must be `comment` when type is `user`: only admins can write notes",
        ));
    }
    if let Some(Value::Object(body)) = request.body.as_mut() {
        wrap_body(tool, body)?;
    }
    Ok(request)
}

fn build_manage(tool: &Tool, args: &Args) -> Result<Request, ToolError> {
    let request = build::direct(tool, args)?;
    let action = args
        .get("message_type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let kind = args.get("type").and_then(Value::as_str).unwrap_or("admin");
    if action != "assignment" && kind != "admin" {
        return Err(ToolError::validation(
            tool.name,
            "type",
            format!(
                "must be `admin` for message_type `{action}`: `team` only applies to assignment"
            ),
        ));
    }
    // Send exactly the fields the chosen action takes.
    let keep: &[&str] = match action {
        "assignment" => &["message_type", "type", "admin_id", "assignee_id", "body"],
        "close" => &["message_type", "type", "admin_id", "body"],
        "snoozed" => &["message_type", "admin_id", "snoozed_until"],
        _ => &["message_type", "admin_id"],
    };
    let mut body = Map::new();
    for key in keep {
        if let Some(v) = args.get(*key) {
            body.insert((*key).to_owned(), v.clone());
        } else if *key == "type" {
            body.insert("type".to_owned(), json!("admin"));
        }
    }
    wrap_body(tool, &mut body)?;
    Ok(request.body(Value::Object(body)))
}

/// Refuses an HTML body that would show nothing, before anything is sent.
fn check_html_body(args: &Args) -> Result<(), (&'static str, String)> {
    match args.get("body").and_then(Value::as_str) {
        Some(text) => crate::body::html_body(text)
            .map(|_| ())
            .map_err(|e| ("body", e.to_string())),
        None => Ok(()),
    }
}

/// Refuses a plain-text body with no text, before anything is sent.
fn check_text_body(args: &Args) -> Result<(), (&'static str, String)> {
    match args.get("body").and_then(Value::as_str) {
        Some(text) => crate::body::text_body(text)
            .map(|_| ())
            .map_err(|e| ("body", e.to_string())),
        None => Ok(()),
    }
}

/// Replaces `body` with the HTML Intercom renders, or refuses it when it would show nothing.
fn wrap_body(tool: &Tool, body: &mut Map<String, Value>) -> Result<(), ToolError> {
    if let Some(Value::String(text)) = body.get_mut("body") {
        *text = crate::body::html_body(text)
            .map_err(|e| ToolError::validation(tool.name, "body", e.to_string()))?;
    }
    Ok(())
}

fn build_create(tool: &Tool, args: &Args) -> Result<Request, ToolError> {
    let mut request = build::direct(tool, args)?;
    if let Some(Value::Object(body)) = request.body.as_mut()
        && let Some(Value::String(text)) = body.get_mut("body")
    {
        *text = crate::body::text_body(text)
            .map_err(|e| ToolError::validation(tool.name, "body", e.to_string()))?;
    }
    Ok(request)
}

/// `intercom_auto_assign_conversation` has no operation to call.
fn refuse_auto_assign(tool: &Tool, _args: &Args) -> Result<Request, ToolError> {
    Err(ToolError::validation(
        tool.name,
        "",
        "has no operation in Intercom API 2.14 or 2.16 (assignment rules run only inside Intercom); \
         call intercom_manage_conversation with message_type `assignment` and an assignee_id instead",
    ))
}
