//! Resource templates: one conversation, contact, company, ticket or article by id, read-only,
//! as compact JSON text (the same compact form tool results take).
//!
//! `intercom://conversations/{id}` reads `GET /conversations/{id}`, and so on. No concrete
//! resources are listed (`resources/list` is empty): a workspace has too many objects to list,
//! and the ids come from tools.

use intercom_client::{Client, Error as ClientError, Request};
use intercom_tools::shape::{ShapeOptions, shape};
use rmcp::ErrorData;
use rmcp::model::{ReadResourceResult, ResourceContents, ResourceTemplate};
use serde_json::json;

/// URI scheme of the templates.
pub const SCHEME: &str = "intercom://";

/// `(collection, API path, what it is)` of each template.
const KINDS: &[(&str, &str, &str)] = &[
    (
        "conversations",
        "/conversations",
        "One conversation with its parts (messages, notes, assignments), as compact JSON.",
    ),
    (
        "contacts",
        "/contacts",
        "One contact (user or lead): identity, attributes, location, as compact JSON.",
    ),
    (
        "companies",
        "/companies",
        "One company: name, plan, size, spend, tags and segments, as compact JSON.",
    ),
    (
        "tickets",
        "/tickets",
        "One ticket: type, state, attributes, contacts and parts, as compact JSON.",
    ),
    (
        "articles",
        "/articles",
        "One help center article: title, body as text, state, author, as compact JSON.",
    ),
];

/// The five templates.
pub fn templates() -> Vec<ResourceTemplate> {
    KINDS
        .iter()
        .map(|(kind, _, description)| {
            let singular = kind.strip_suffix("ies").map_or_else(
                || kind.trim_end_matches('s').to_owned(),
                |b| format!("{b}y"),
            );
            ResourceTemplate::new(format!("{SCHEME}{kind}/{{id}}"), singular.clone())
                .with_title(format!("Intercom {singular}"))
                .with_description(*description)
                .with_mime_type("application/json")
        })
        .collect()
}

/// The API request for `uri`, or an error naming what is wrong with it.
pub fn request(uri: &str) -> Result<Request, ErrorData> {
    let bad = |why: String| ErrorData::invalid_params(why, Some(json!({ "uri": uri })));
    let rest = uri.strip_prefix(SCHEME).ok_or_else(|| {
        bad(format!(
            "unknown resource URI `{uri}`: expected {SCHEME}<kind>/<id>"
        ))
    })?;
    let (kind, id) = rest.split_once('/').unwrap_or((rest, ""));
    let Some((_, path, _)) = KINDS.iter().find(|(k, _, _)| *k == kind) else {
        return Err(bad(format!(
            "unknown resource kind `{kind}`: expected one of {}",
            KINDS.iter().map(|k| k.0).collect::<Vec<_>>().join(", ")
        )));
    };
    let valid = !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid {
        return Err(bad(format!(
            "the id in `{uri}` must be an Intercom id (letters, digits, `_` or `-`)"
        )));
    }
    Ok(Request::get(format!("{path}/{id}")))
}

/// Reads `uri` with `client`: the object as compact JSON text. A missing object is the
/// protocol's resource-not-found error (-32002).
pub async fn read(client: &Client, uri: &str) -> Result<ReadResourceResult, ErrorData> {
    let request = request(uri)?;
    let value = client.json(&request).await.map_err(|e| match &e {
        ClientError::Api(api) if api.status == 404 => ErrorData::resource_not_found(
            format!("{uri} does not exist in this workspace"),
            Some(json!({ "uri": uri })),
        ),
        _ => ErrorData::internal_error(
            format!("reading {uri} failed: {e}"),
            Some(json!({ "uri": uri })),
        ),
    })?;
    let shaped = shape(value, &ShapeOptions::compact());
    let text = serde_json::to_string(&shaped.value).unwrap_or_default();
    Ok(ReadResourceResult::new(vec![
        ResourceContents::text(text, uri).with_mime_type("application/json"),
    ]))
}
