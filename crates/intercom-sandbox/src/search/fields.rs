//! The searchable fields of each model: their types (which decide the operators) and where their
//! values live in the API document.

use super::{AttributeType, SearchModel, SearchOptions};

/// The type of a searchable field, which decides the operators and values it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldKind {
    /// `= != IN NIN ~ !~ ^ $`, string values (integers are taken as their decimal text).
    String,
    /// `= != IN NIN < <= > >=`, integer values.
    Integer,
    /// `= != IN NIN < <= > >=`, integer or float values.
    Number,
    /// `= != IN NIN`, boolean values.
    Boolean,
    /// A contact date: `= < >` only, matched by calendar day in the workspace time zone.
    Day,
    /// A conversation or ticket date: `= != IN NIN < <= > >=` on Unix seconds.
    Timestamp,
    /// Contacts' `tag_id` and `segment_id`: `=` and `!=` only, string ids.
    Membership,
    /// An untyped custom attribute: every operator; the value's JSON type decides the comparison.
    Any,
}

/// A row of the field table, for documentation and error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldInfo {
    /// The name a query uses (`{name}`/`{id}` for the open families).
    pub name: &'static str,
    pub kind: FieldKind,
    /// Where the value lives in the API document (`[*]` marks a list).
    pub path: String,
}

/// How a field's values are read from the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Access {
    /// One value at a path of object keys.
    Path(Vec<String>),
    /// The `item` of every object element of the array at `array`.
    Each {
        array: Vec<String>,
        item: Vec<String>,
    },
    /// The lowercased part after the first `@` of the string at the path.
    EmailDomain(Vec<String>),
    /// The words of the (HTML) string at the path.
    BodyWords(Vec<String>),
}

/// A field a query names, resolved against the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub name: String,
    pub kind: FieldKind,
    pub access: Access,
    /// `=`/`!=`/`IN`/`NIN` ignore ASCII case.
    pub fold_case: bool,
}

#[derive(Clone, Copy)]
enum Shape {
    Path(&'static str),
    Each(&'static str, &'static str),
    EmailDomain(&'static str),
    BodyWords(&'static str),
}

struct Row {
    name: &'static str,
    kind: FieldKind,
    shape: Shape,
    fold_case: bool,
}

const fn row(name: &'static str, kind: FieldKind, shape: Shape) -> Row {
    Row {
        name,
        kind,
        shape,
        fold_case: false,
    }
}

const fn folded(name: &'static str, kind: FieldKind, shape: Shape) -> Row {
    Row {
        name,
        kind,
        shape,
        fold_case: true,
    }
}

use FieldKind::{
    Boolean as B, Day as D, Integer as I, Membership as M, String as S, Timestamp as T,
};
use Shape::{BodyWords, Each, EmailDomain, Path as P};

const CONTACTS: &[Row] = &[
    row("id", S, P("id")),
    row("role", S, P("role")),
    row("name", S, P("name")),
    row("avatar", S, P("avatar.image_url")),
    row("owner_id", I, P("owner_id")),
    folded("email", S, P("email")),
    folded("email_domain", S, EmailDomain("email")),
    row("phone", S, P("phone")),
    row("formatted_phone", S, P("formatted_phone")),
    row("external_id", S, P("external_id")),
    row("created_at", D, P("created_at")),
    row("signed_up_at", D, P("signed_up_at")),
    row("updated_at", D, P("updated_at")),
    row("last_seen_at", D, P("last_seen_at")),
    row("last_contacted_at", D, P("last_contacted_at")),
    row("last_replied_at", D, P("last_replied_at")),
    row("last_email_opened_at", D, P("last_email_opened_at")),
    row("last_email_clicked_at", D, P("last_email_clicked_at")),
    row("language_override", S, P("language_override")),
    row("browser", S, P("browser")),
    row("browser_language", S, P("browser_language")),
    row("os", S, P("os")),
    row("location.country", S, P("location.country")),
    row("location.region", S, P("location.region")),
    row("location.city", S, P("location.city")),
    row("unsubscribed_from_emails", B, P("unsubscribed_from_emails")),
    row("marked_email_as_spam", B, P("marked_email_as_spam")),
    row("has_hard_bounced", B, P("has_hard_bounced")),
    row("ios_last_seen_at", D, P("ios_last_seen_at")),
    row("ios_app_version", S, P("ios_app_version")),
    row("ios_device", S, P("ios_device")),
    // Listed by the docs, absent from the contact model: read as `ios_device`.
    row("ios_app_device", S, P("ios_device")),
    row("ios_os_version", S, P("ios_os_version")),
    row("ios_app_name", S, P("ios_app_name")),
    row("ios_sdk_version", S, P("ios_sdk_version")),
    row("android_last_seen_at", D, P("android_last_seen_at")),
    row("android_app_version", S, P("android_app_version")),
    row("android_device", S, P("android_device")),
    row("android_app_name", S, P("android_app_name")),
    // The docs spell it `andoid_sdk_version`; accept both spellings.
    row("andoid_sdk_version", S, P("android_sdk_version")),
    row("android_sdk_version", S, P("android_sdk_version")),
    // The contact document carries no segments; `segments.data` is read if the store adds it.
    row("segment_id", M, Each("segments.data", "id")),
    row("tag_id", M, Each("tags.data", "id")),
];

const CONVERSATIONS: &[Row] = &[
    row("id", S, P("id")),
    row("created_at", T, P("created_at")),
    row("updated_at", T, P("updated_at")),
    row("source.type", S, P("source.type")),
    row("source.id", S, P("source.id")),
    row("source.delivered_as", S, P("source.delivered_as")),
    row("source.subject", S, P("source.subject")),
    folded("source.body", S, BodyWords("source.body")),
    row("source.author.id", S, P("source.author.id")),
    row("source.author.type", S, P("source.author.type")),
    row("source.author.name", S, P("source.author.name")),
    folded("source.author.email", S, P("source.author.email")),
    row("source.url", S, P("source.url")),
    row("contact_ids", S, Each("contacts.contacts", "id")),
    row("teammate_ids", S, Each("teammates.teammates", "id")),
    row("admin_assignee_id", I, P("admin_assignee_id")),
    row("team_assignee_id", I, P("team_assignee_id")),
    row("channel_initiated", S, P("channel_initiated")),
    row("open", B, P("open")),
    row("read", B, P("read")),
    row("state", S, P("state")),
    row("waiting_since", T, P("waiting_since")),
    row("snoozed_until", T, P("snoozed_until")),
    row("tag_ids", S, Each("tags.tags", "id")),
    row("priority", S, P("priority")),
    row(
        "statistics.time_to_assignment",
        I,
        P("statistics.time_to_assignment"),
    ),
    row(
        "statistics.time_to_admin_reply",
        I,
        P("statistics.time_to_admin_reply"),
    ),
    row(
        "statistics.time_to_first_close",
        I,
        P("statistics.time_to_first_close"),
    ),
    row(
        "statistics.time_to_last_close",
        I,
        P("statistics.time_to_last_close"),
    ),
    row(
        "statistics.median_time_to_reply",
        I,
        P("statistics.median_time_to_reply"),
    ),
    row(
        "statistics.first_contact_reply_at",
        T,
        P("statistics.first_contact_reply_at"),
    ),
    row(
        "statistics.first_assignment_at",
        T,
        P("statistics.first_assignment_at"),
    ),
    row(
        "statistics.first_admin_reply_at",
        T,
        P("statistics.first_admin_reply_at"),
    ),
    row(
        "statistics.first_close_at",
        T,
        P("statistics.first_close_at"),
    ),
    row(
        "statistics.last_assignment_at",
        T,
        P("statistics.last_assignment_at"),
    ),
    row(
        "statistics.last_assignment_admin_reply_at",
        T,
        P("statistics.last_assignment_admin_reply_at"),
    ),
    row(
        "statistics.last_contact_reply_at",
        T,
        P("statistics.last_contact_reply_at"),
    ),
    row(
        "statistics.last_admin_reply_at",
        T,
        P("statistics.last_admin_reply_at"),
    ),
    row("statistics.last_close_at", T, P("statistics.last_close_at")),
    row(
        "statistics.last_closed_by_id",
        S,
        P("statistics.last_closed_by_id"),
    ),
    row("statistics.count_reopens", I, P("statistics.count_reopens")),
    row(
        "statistics.count_assignments",
        I,
        P("statistics.count_assignments"),
    ),
    row(
        "statistics.count_conversation_parts",
        I,
        P("statistics.count_conversation_parts"),
    ),
    row(
        "conversation_rating.requested_at",
        T,
        P("conversation_rating.created_at"),
    ),
    row(
        "conversation_rating.replied_at",
        T,
        P("conversation_rating.updated_at"),
    ),
    row(
        "conversation_rating.score",
        I,
        P("conversation_rating.rating"),
    ),
    row(
        "conversation_rating.remark",
        S,
        P("conversation_rating.remark"),
    ),
    row(
        "conversation_rating.contact_id",
        S,
        P("conversation_rating.contact.id"),
    ),
    // The docs spell it `admin_d`; accept `admin_id` too.
    row(
        "conversation_rating.admin_d",
        S,
        P("conversation_rating.teammate.id"),
    ),
    row(
        "conversation_rating.admin_id",
        S,
        P("conversation_rating.teammate.id"),
    ),
    row("ai_agent_participated", B, P("ai_agent_participated")),
    row(
        "ai_agent.resolution_state",
        S,
        P("ai_agent.resolution_state"),
    ),
    row(
        "ai_agent.last_answer_type",
        S,
        P("ai_agent.last_answer_type"),
    ),
    row("ai_agent.rating", I, P("ai_agent.rating")),
    row("ai_agent.rating_remark", S, P("ai_agent.rating_remark")),
    row("ai_agent.source_type", S, P("ai_agent.source_type")),
    row("ai_agent.source_title", S, P("ai_agent.source_title")),
];

const TICKETS: &[Row] = &[
    row("id", S, P("id")),
    row("created_at", T, P("created_at")),
    row("updated_at", T, P("updated_at")),
    row("title", S, P("ticket_attributes._default_title_")),
    row(
        "description",
        S,
        P("ticket_attributes._default_description_"),
    ),
    row("category", S, P("category")),
    row("ticket_type_id", S, P("ticket_type.id")),
    row("contact_ids", S, Each("contacts.contacts", "id")),
    // The ticket document carries no teammates; `teammates.teammates` is read if present.
    row("teammate_ids", S, Each("teammates.teammates", "id")),
    row("admin_assignee_id", S, P("admin_assignee_id")),
    row("team_assignee_id", S, P("team_assignee_id")),
    row("open", B, P("open")),
    row("state", S, P("ticket_state.category")),
    row("snoozed_until", T, P("snoozed_until")),
];

const CUSTOM_PREFIX: &str = "custom_attributes.";
const TICKET_ATTRIBUTE_PREFIX: &str = "ticket_attribute.";

fn table(model: SearchModel) -> &'static [Row] {
    match model {
        SearchModel::Contacts => CONTACTS,
        SearchModel::Conversations => CONVERSATIONS,
        SearchModel::Tickets => TICKETS,
    }
}

/// The field table of `model`, open families last.
pub fn searchable_fields(model: SearchModel) -> Vec<FieldInfo> {
    let mut rows: Vec<FieldInfo> = table(model)
        .iter()
        .map(|r| FieldInfo {
            name: r.name,
            kind: r.kind,
            path: match r.shape {
                Shape::Path(p) => p.to_owned(),
                Shape::Each(array, item) => format!("{array}[*].{item}"),
                Shape::EmailDomain(p) => format!("{p} (the part after the @)"),
                Shape::BodyWords(p) => format!("{p} (word by word)"),
            },
        })
        .collect();
    rows.push(match model {
        SearchModel::Contacts | SearchModel::Conversations => FieldInfo {
            name: "custom_attributes.{name}",
            kind: FieldKind::Any,
            path: "custom_attributes.{name}".to_owned(),
        },
        SearchModel::Tickets => FieldInfo {
            name: "ticket_attribute.{id}",
            kind: FieldKind::Any,
            path: "ticket_attributes.{name}".to_owned(),
        },
    });
    rows
}

fn split(path: &str) -> Vec<String> {
    path.split('.').map(str::to_owned).collect()
}

fn declared_kind(model: SearchModel, declared: Option<AttributeType>) -> FieldKind {
    match declared {
        None => FieldKind::Any,
        Some(AttributeType::String) => FieldKind::String,
        Some(AttributeType::Integer) => FieldKind::Integer,
        Some(AttributeType::Float) => FieldKind::Number,
        Some(AttributeType::Boolean) => FieldKind::Boolean,
        Some(AttributeType::Date) => match model {
            SearchModel::Contacts => FieldKind::Day,
            _ => FieldKind::Timestamp,
        },
    }
}

/// Why an attribute key cannot be used as a JSON path label.
fn bad_key(key: &str) -> Option<&'static str> {
    if key.is_empty() {
        Some("the attribute name is empty")
    } else if key.contains(['"', '\\']) || key.chars().any(char::is_control) {
        Some("the attribute name may not contain quotes, backslashes or control characters")
    } else {
        None
    }
}

/// Resolves a field name; `Err` carries the reason it is not searchable.
pub(crate) fn resolve(
    model: SearchModel,
    name: &str,
    options: &SearchOptions,
) -> Result<Resolved, String> {
    if let Some(r) = table(model).iter().find(|r| r.name == name) {
        let access = match r.shape {
            Shape::Path(p) => Access::Path(split(p)),
            Shape::Each(array, item) => Access::Each {
                array: split(array),
                item: split(item),
            },
            Shape::EmailDomain(p) => Access::EmailDomain(split(p)),
            Shape::BodyWords(p) => Access::BodyWords(split(p)),
        };
        return Ok(Resolved {
            name: name.to_owned(),
            kind: r.kind,
            access,
            fold_case: r.fold_case,
        });
    }
    let open = match model {
        SearchModel::Contacts | SearchModel::Conversations => {
            name.strip_prefix(CUSTOM_PREFIX).map(|attr| {
                (
                    "custom_attributes",
                    attr.to_owned(),
                    options.custom_attribute_types.get(attr).copied(),
                )
            })
        }
        SearchModel::Tickets => name
            .strip_prefix(TICKET_ATTRIBUTE_PREFIX)
            .map(|id| match options.ticket_attributes.get(id) {
                Some(t) => ("ticket_attributes", t.name.clone(), t.data_type),
                None => ("ticket_attributes", id.to_owned(), None),
            }),
    };
    match open {
        Some((container, key, declared)) => {
            if let Some(why) = bad_key(&key) {
                return Err(format!("`{name}` is not a searchable field: {why}"));
            }
            Ok(Resolved {
                name: name.to_owned(),
                kind: declared_kind(model, declared),
                access: Access::Path(vec![container.to_owned(), key]),
                fold_case: false,
            })
        }
        None => {
            let names: Vec<&str> = searchable_fields(model).iter().map(|f| f.name).collect();
            Err(format!(
                "`{name}` is not a searchable field of {}; searchable fields are: {}",
                model.as_str(),
                names.join(", ")
            ))
        }
    }
}
