//! What the mirror indexes from each document: the columns it filters and groups on, and the
//! plain text it searches.

use serde_json::Value;

use crate::Resource;

/// Intercom returns at most this many parts of a conversation.
pub const PART_LIMIT: usize = 500;

/// The indexed view of one document.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Facets {
    pub id: String,
    pub created_at: Option<i64>,
    pub updated_at: Option<i64>,
    /// Conversation `state`, ticket state category, contact `role`, article `state`.
    pub state: Option<String>,
    pub team_id: Option<String>,
    pub admin_id: Option<String>,
    /// Tags as `(id, name)`; the name is empty where the document gives none.
    pub tags: Vec<(String, String)>,
    pub contact_ids: Vec<String>,
    /// A name or title for listings.
    pub title: String,
    /// Everything searchable, as plain text (a conversation's whole transcript).
    pub body: String,
    /// Conversations: the parts Intercom says there are, and how many came back.
    pub parts_total: Option<i64>,
    pub parts_stored: Option<i64>,
    /// A conversation whose parts Intercom cut at 500 (`PART_LIMIT`): the mirror has not all of
    /// it.
    pub truncated: bool,
}

fn string_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn assignee(v: &Value) -> Option<String> {
    string_of(v).filter(|s| s != "0")
}

fn push_text(body: &mut String, html: &Value) {
    if let Some(html) = html.as_str() {
        let text = html_to_text(html);
        if !text.is_empty() {
            if !body.is_empty() {
                body.push('\n');
            }
            body.push_str(&text);
        }
    }
}

fn tags_of(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some((
                string_of(&t["id"])?,
                t["name"].as_str().unwrap_or_default().to_owned(),
            ))
        })
        .collect()
}

fn ids_of(list: &Value) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| string_of(&c["id"]))
        .collect()
}

/// The facets of `doc`, a document of `resource` as Intercom returns it; `None` without an id.
pub fn facets(resource: Resource, doc: &Value) -> Option<Facets> {
    let mut f = Facets {
        id: string_of(&doc["id"])?,
        created_at: doc["created_at"].as_i64(),
        updated_at: doc["updated_at"].as_i64(),
        ..Facets::default()
    };
    match resource {
        Resource::Conversations => {
            f.state = doc["state"].as_str().map(str::to_owned);
            f.team_id = assignee(&doc["team_assignee_id"]);
            f.admin_id = assignee(&doc["admin_assignee_id"]);
            f.tags = tags_of(&doc["tags"]["tags"]);
            f.contact_ids = ids_of(&doc["contacts"]["contacts"]);
            f.title = doc["title"]
                .as_str()
                .filter(|t| !t.is_empty())
                .or_else(|| doc["source"]["subject"].as_str().filter(|t| !t.is_empty()))
                .map(str::to_owned)
                .unwrap_or_else(|| {
                    let first = html_to_text(doc["source"]["body"].as_str().unwrap_or(""));
                    first.chars().take(80).collect()
                });
            push_text(&mut f.body, &doc["title"]);
            push_text(&mut f.body, &doc["source"]["subject"]);
            push_text(&mut f.body, &doc["source"]["body"]);
            let parts = &doc["conversation_parts"];
            if let Some(list) = parts["conversation_parts"].as_array() {
                for part in list {
                    push_text(&mut f.body, &part["body"]);
                }
                let stored = list.len();
                let total = parts["total_count"].as_u64().map(|t| t as usize);
                f.parts_stored = Some(stored as i64);
                f.parts_total = total.map(|t| t as i64);
                f.truncated = match total {
                    Some(total) => total > stored,
                    None => stored >= PART_LIMIT,
                };
            }
        }
        Resource::Tickets => {
            f.state = match &doc["ticket_state"] {
                Value::String(s) => Some(s.clone()),
                Value::Object(o) => o.get("category").and_then(Value::as_str).map(str::to_owned),
                _ => None,
            };
            f.team_id = assignee(&doc["team_assignee_id"]);
            f.admin_id = assignee(&doc["admin_assignee_id"]);
            f.tags = tags_of(&doc["tags"]["tags"]);
            f.contact_ids = ids_of(&doc["contacts"]["contacts"]);
            let attrs = &doc["ticket_attributes"];
            f.title = attrs["_default_title_"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            push_text(&mut f.body, &attrs["_default_title_"]);
            push_text(&mut f.body, &attrs["_default_description_"]);
            for part in doc["ticket_parts"]["ticket_parts"]
                .as_array()
                .into_iter()
                .flatten()
            {
                push_text(&mut f.body, &part["body"]);
            }
        }
        Resource::Contacts => {
            f.state = doc["role"].as_str().map(str::to_owned);
            f.tags = tags_of(&doc["tags"]["data"]);
            f.title = doc["name"]
                .as_str()
                .or_else(|| doc["email"].as_str())
                .unwrap_or_default()
                .to_owned();
            push_text(&mut f.body, &doc["name"]);
            push_text(&mut f.body, &doc["email"]);
        }
        Resource::Articles => {
            f.state = doc["state"].as_str().map(str::to_owned);
            f.title = doc["title"].as_str().unwrap_or_default().to_owned();
            push_text(&mut f.body, &doc["title"]);
            push_text(&mut f.body, &doc["description"]);
            push_text(&mut f.body, &doc["body"]);
        }
        Resource::Admins | Resource::Teams | Resource::Tags | Resource::Segments => {
            f.title = doc["name"].as_str().unwrap_or_default().to_owned();
            push_text(&mut f.body, &doc["name"]);
            push_text(&mut f.body, &doc["email"]);
        }
        Resource::Companies => {
            f.title = doc["name"].as_str().unwrap_or_default().to_owned();
            f.tags = tags_of(&doc["tags"]["tags"]);
            push_text(&mut f.body, &doc["name"]);
        }
    }
    Some(f)
}

/// Intercom's HTML bodies as plain text: tags dropped (block tags become line breaks), the
/// common entities decoded, runs of spaces collapsed.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(['<', '&']) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            let tag = rest[1..end].trim_end_matches('>').trim_start_matches('/');
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if matches!(
                name.as_str(),
                "p" | "br" | "div" | "li" | "tr" | "h1" | "h2" | "h3"
            ) {
                out.push('\n');
            }
            rest = &rest[end..];
        } else {
            let entity = rest
                .char_indices()
                .take(10)
                .find(|&(_, c)| c == ';')
                .map(|(e, _)| &rest[..=e]);
            let decoded = match entity {
                Some("&amp;") => Some("&"),
                Some("&lt;") => Some("<"),
                Some("&gt;") => Some(">"),
                Some("&quot;") => Some("\""),
                Some("&#39;" | "&apos;") => Some("'"),
                Some("&nbsp;") => Some(" "),
                _ => None,
            };
            match (entity, decoded) {
                (Some(entity), Some(text)) => {
                    out.push_str(text);
                    rest = &rest[entity.len()..];
                }
                _ => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    let mut clean = String::with_capacity(out.len());
    for line in out.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        if !clean.is_empty() {
            clean.push('\n');
        }
        clean.push_str(&words.join(" "));
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn html_becomes_plain_text() {
        assert_eq!(
            html_to_text(
                "<p>Refund &amp; credit</p><p>for   order&nbsp;#12 &lt;now&gt; it&#39;s</p>"
            ),
            "Refund & credit\nfor order #12 <now> it's"
        );
        assert_eq!(html_to_text("a & b"), "a & b");
        assert_eq!(html_to_text("unclosed <b"), "unclosed");
    }

    #[test]
    fn a_conversation_cut_by_intercom_is_flagged_truncated() {
        let parts: Vec<_> = (0..PART_LIMIT)
            .map(|i| json!({"type": "conversation_part", "id": i.to_string(), "body": "<p>x</p>"}))
            .collect();
        let doc = |total: Option<usize>| {
            let mut list = json!({"type": "conversation_part.list", "conversation_parts": parts});
            if let Some(t) = total {
                list["total_count"] = json!(t);
            }
            json!({"id": "7", "created_at": 1, "updated_at": 2, "state": "open", "conversation_parts": list})
        };
        let cut = facets(Resource::Conversations, &doc(Some(612))).unwrap();
        assert!(cut.truncated);
        assert_eq!((cut.parts_total, cut.parts_stored), (Some(612), Some(500)));
        let whole = facets(Resource::Conversations, &doc(Some(500))).unwrap();
        assert!(!whole.truncated);
        // No total to compare with: a full 500 may have been cut, so it is flagged.
        assert!(
            facets(Resource::Conversations, &doc(None))
                .unwrap()
                .truncated
        );
    }

    #[test]
    fn unassigned_is_no_assignee() {
        let doc = json!({"id": 5, "team_assignee_id": "0", "admin_assignee_id": 12, "ticket_state": {"category": "submitted"}});
        let f = facets(Resource::Tickets, &doc).unwrap();
        assert_eq!(f.id, "5");
        assert_eq!(f.team_id, None);
        assert_eq!(f.admin_id.as_deref(), Some("12"));
        assert_eq!(f.state.as_deref(), Some("submitted"));
    }
}
