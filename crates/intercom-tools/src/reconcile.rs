//! Exactly-once writes: after an ambiguous failure of a write (a 5xx, a timeout, a connection
//! broken after the request went out, a call cancelled in flight), find out whether it landed
//! before answering.
//!
//! Intercom takes no idempotency key, so each kind of write says, in [`WRITES`], how to tell
//! whether it took effect:
//!
//! - [`How::Repeat`]: sending it again cannot duplicate anything (PUT, DELETE, attach a tag,
//!   create-or-update by a key, cancel). Every tool annotated idempotent is reconciled so
//!   without an entry: the write is sent once more, and its answer is the answer (a DELETE that
//!   then finds nothing, 404, was applied by the first attempt).
//! - [`How::Find`]: what the write creates can be looked up (a reply among the conversation's
//!   parts by author and body, a contact by email or external id, a note among the contact's
//!   notes by body, an event among the user's events by name and time). Found: the call
//!   succeeds with the object found, marked recovered. Not found, where the lookup is a
//!   consistent read or Intercom refuses a second copy anyway: it did not land, so it is sent
//!   once more. Not found by a search that may lag: the verdict is unknown.
//! - [`How::NoLook`]: Intercom gives no way to look; the verdict is unknown, with the read tool
//!   to call to check.
//!
//! The verdict of every failure that reaches the caller is in [`ToolError::Api`]'s `applied`.
//!
//! Every write is also recorded in the client's [`intercom_client::Ledger`] (on disk beside the
//! shared rate budget, or in memory) before it is sent, and its outcome after. When the same
//! write (same tool, path and body) comes again while an earlier attempt was never settled (its
//! process died with it in flight, or it was reported unknown), a [`How::Find`] write is looked
//! for first, from the earlier attempt's time: found, it is answered without being sent again.

use intercom_client::{Applied, AttemptState, Client, Error as ClientError, Method, Request};
use serde_json::{Value, json};

use crate::ToolError;
use crate::build::expand_path;
use crate::spec::{Args, Tool};

/// How far before the attempt (client clock) a candidate may have been created and still be
/// taken for the write: room for the clock skew between this machine and Intercom.
pub const CLOCK_SLACK_SECONDS: i64 = 120;

/// A write that was answered from a lookup or a second sending after its first attempt failed
/// ambiguously.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Recovery {
    /// What happened, in a sentence (for logs, the MCP result and the CLI).
    pub note: String,
}

/// The result of a call, and how it was recovered if it was.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Reported {
    pub value: Value,
    pub recovery: Option<Recovery>,
}

impl Reported {
    pub fn plain(value: Value) -> Reported {
        Reported {
            value,
            recovery: None,
        }
    }
    fn recovered(value: Value, note: impl Into<String>) -> Reported {
        Reported {
            value,
            recovery: Some(Recovery { note: note.into() }),
        }
    }
}

/// How a kind of write is reconciled.
#[derive(Debug, Clone, Copy)]
pub enum How {
    /// Sending it again is harmless; why, in a few words.
    Repeat(&'static str),
    Find(Find),
    /// No way to look; how the caller can check (`{arg}` is replaced by the call's argument).
    NoLook(&'static str),
}

/// Where and how to look for what a write creates.
#[derive(Debug, Clone, Copy)]
pub struct Find {
    pub look: Look,
    /// JSON pointer of the candidates (an array) in the lookup's answer.
    pub items: &'static str,
    /// `(pointer in the request body, pointer in a candidate)`: every pair whose request value
    /// is present must match (text compared without HTML tags, case or extra spaces).
    pub same: &'static [(&'static str, &'static str)],
    /// Pointer of a candidate's creation time (unix seconds). A candidate must have been
    /// created at the time the request body gives (`/created_at`) or, when it gives none, no
    /// earlier than [`CLOCK_SLACK_SECONDS`] before the attempt.
    pub created: Option<&'static str>,
    /// Not finding it proves it did not land: the lookup reads what was just written (not a
    /// search index that may lag), or Intercom would refuse a second copy anyway.
    pub absence_proves: bool,
    /// What the caller gets when it is found: the candidate, or the lookup's whole answer
    /// (a reply answers the conversation, which is what the lookup reads).
    pub answer: Answer,
    /// How the caller can check when the lookup cannot settle it. A lookup whose answer has
    /// more pages, or a conversation at Intercom's 500 parts, that does not hold the write
    /// settles nothing: the verdict is unknown.
    pub how_to_check: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Item,
    Whole,
}

/// A lookup request.
#[derive(Debug, Clone, Copy)]
pub enum Look {
    /// `GET path` (a template over the call's arguments) with query pairs: a fixed value
    /// (`"=user"`) or a pointer into the request body (`"/user_id"`), sent when present.
    Get {
        path: &'static str,
        query: &'static [(&'static str, &'static str)],
    },
    /// `POST path` with `{"query": {"field": f, "operator": "=", "value": v}}` (150 a page) for
    /// the first `(f, pointer in the request body)` whose value is present; with `since`, only
    /// what was created (that field) from [`CLOCK_SLACK_SECONDS`] before the attempt on, so the
    /// page holds the candidates and not years of older objects.
    Search {
        path: &'static str,
        by: &'static [(&'static str, &'static str)],
        since: Option<&'static str>,
    },
}

const PARTS: &[(&str, &str)] = &[
    ("/body", "/body"),
    ("/admin_id", "/author/id"),
    ("/intercom_user_id", "/author/id"),
    ("/email", "/author/email"),
];

/// Every write that is not idempotent by nature, and how it is reconciled. A test checks that
/// every such tool of the catalog is here, and that every tool named in a `how_to_check` exists.
pub static WRITES: &[(&str, How)] = &[
    (
        "intercom_reply_to_conversation",
        How::Find(Find {
            look: Look::Get {
                path: "/conversations/{conversation_id}",
                query: &[],
            },
            items: "/conversation_parts/conversation_parts",
            same: PARTS,
            created: Some("/created_at"),
            absence_proves: true,
            answer: Answer::Whole,
            how_to_check: "call intercom_retrieve_conversation with conversation_id {conversation_id} and look for this reply among its latest parts",
        }),
    ),
    (
        "intercom_manage_conversation",
        How::Find(Find {
            look: Look::Get {
                path: "/conversations/{conversation_id}",
                query: &[],
            },
            items: "/conversation_parts/conversation_parts",
            // The part the action adds, by its type (see PART_TYPES), the admin, the assignee
            // and the optional message. Not classed idempotent: every close, open, snooze and
            // assignment adds a part of its own to the conversation (the spec's part types
            // `close`, `open`, `snoozed`, `assignment`, `assign_and_reopen`), visible in the
            // conversation and its statistics even when the state was already that, and a
            // close or assignment with a body sends that message to the customer again.
            same: &[
                ("/message_type", "/part_type"),
                ("/admin_id", "/author/id"),
                ("/assignee_id", "/assigned_to/id"),
                ("/body", "/body"),
            ],
            created: Some("/created_at"),
            absence_proves: true,
            answer: Answer::Whole,
            how_to_check: "call intercom_retrieve_conversation with conversation_id {conversation_id} and look at its state and latest parts",
        }),
    ),
    (
        "intercom_reply_to_ticket",
        How::Find(Find {
            look: Look::Get {
                path: "/tickets/{ticket_id}",
                query: &[],
            },
            items: "/ticket_parts/ticket_parts",
            same: PARTS,
            created: Some("/created_at"),
            absence_proves: true,
            answer: Answer::Item,
            how_to_check: "call intercom_retrieve_ticket with ticket_id {ticket_id} and look for this reply among its latest parts",
        }),
    ),
    (
        "intercom_create_contact",
        How::Find(Find {
            look: Look::Search {
                path: "/contacts/search",
                by: &[("email", "/email"), ("external_id", "/external_id")],
                since: None,
            },
            items: "/data",
            same: &[
                ("/email", "/email"),
                ("/external_id", "/external_id"),
                ("/role", "/role"),
            ],
            created: None,
            // Intercom refuses a second contact with the same email or external id.
            absence_proves: true,
            answer: Answer::Item,
            how_to_check: "call intercom_search_contacts for the contact's email, external_id or name",
        }),
    ),
    (
        "intercom_create_contact_note",
        How::Find(Find {
            look: Look::Get {
                path: "/contacts/{contact_id}/notes",
                query: &[("per_page", "=250")],
            },
            items: "/data",
            // By body, author and time (a note sent without `admin_id` is written by the
            // token's admin, and then any author matches).
            same: &[("/body", "/body"), ("/admin_id", "/author/id")],
            created: Some("/created_at"),
            absence_proves: true,
            answer: Answer::Item,
            how_to_check: "call intercom_list_contact_notes with contact_id {contact_id} and look for this note",
        }),
    ),
    (
        "intercom_create_company_note",
        How::Find(Find {
            look: Look::Get {
                path: "/companies/{company_id}/notes",
                query: &[("per_page", "=250")],
            },
            items: "/data",
            // By body, author and time (a note sent without `admin_id` is written by the
            // token's admin, and then any author matches).
            same: &[("/body", "/body"), ("/admin_id", "/author/id")],
            created: Some("/created_at"),
            absence_proves: true,
            answer: Answer::Item,
            how_to_check: "call intercom_list_company_notes with company_id {company_id} and look for this note",
        }),
    ),
    (
        "intercom_create_data_event",
        How::Find(Find {
            look: Look::Get {
                path: "/events",
                query: &[
                    ("type", "=user"),
                    ("user_id", "/user_id"),
                    ("intercom_user_id", "/id"),
                    ("email", "/email"),
                    ("per_page", "=250"),
                ],
            },
            items: "/events",
            same: &[
                ("/event_name", "/event_name"),
                ("/created_at", "/created_at"),
                ("/user_id", "/user_id"),
            ],
            created: Some("/created_at"),
            absence_proves: true,
            answer: Answer::Item,
            how_to_check: "call intercom_list_data_events for the user and look for an event named `{event_name}` at {created_at}",
        }),
    ),
    (
        "intercom_create_conversation",
        How::Find(Find {
            look: Look::Search {
                path: "/conversations/search",
                by: &[("source.author.id", "/from/id")],
                since: Some("created_at"),
            },
            items: "/conversations",
            same: &[("/body", "/source/body")],
            created: Some("/created_at"),
            // The search index may lag behind a conversation just created.
            absence_proves: false,
            answer: Answer::Item,
            how_to_check: "call intercom_search_conversations_by_customer for the contact in `from` and look for a conversation started with this body",
        }),
    ),
    (
        "intercom_create_ticket",
        How::Find(Find {
            look: Look::Search {
                path: "/tickets/search",
                by: &[("title", "/ticket_attributes/_default_title_")],
                since: Some("created_at"),
            },
            items: "/tickets",
            same: &[
                (
                    "/ticket_attributes/_default_title_",
                    "/ticket_attributes/_default_title_",
                ),
                ("/ticket_type_id", "/ticket_type/id"),
            ],
            created: Some("/created_at"),
            absence_proves: false,
            answer: Answer::Item,
            how_to_check: "call intercom_search_tickets_by_customer for the ticket's contact and look for a ticket of type {ticket_type_id} created since the attempt",
        }),
    ),
    (
        "intercom_create_data_attribute",
        How::Find(Find {
            look: Look::Get {
                path: "/data_attributes",
                query: &[("model", "/model")],
            },
            items: "/data",
            same: &[("/name", "/name"), ("/model", "/model")],
            created: None,
            // Names are unique per model: a second one is refused.
            absence_proves: true,
            answer: Answer::Item,
            how_to_check: "call intercom_list_data_attributes with model {model} and look for `{name}`",
        }),
    ),
    (
        "intercom_create_ticket_type",
        How::Find(Find {
            look: Look::Get {
                path: "/ticket_types",
                query: &[],
            },
            items: "/data",
            same: &[("/name", "/name")],
            created: None,
            absence_proves: false,
            answer: Answer::Item,
            how_to_check: "call intercom_list_ticket_types and look for `{name}`",
        }),
    ),
    (
        "intercom_create_conversation_attribute",
        How::NoLook(
            "call intercom_list_conversation_attributes and look for an attribute with this name",
        ),
    ),
    (
        "intercom_create_conversation_attribute_option",
        How::NoLook(
            "call intercom_retrieve_conversation_attribute with attribute_id {attribute_id} and look for this option",
        ),
    ),
    (
        "intercom_create_ticket_type_attribute",
        How::NoLook(
            "call intercom_retrieve_ticket_type with ticket_type_id {ticket_type_id} and look for an attribute with this name",
        ),
    ),
    (
        "intercom_create_message",
        How::Find(Find {
            // The conversation the message starts, whose source is the message: among the
            // recipient's conversations since the attempt, by body, subject and sender.
            look: Look::Search {
                path: "/conversations/search",
                by: &[("contact_ids", "/to/id"), ("contact_ids", "/to/0/id")],
                since: Some("created_at"),
            },
            items: "/conversations",
            same: &[
                ("/body", "/source/body"),
                ("/subject", "/source/subject"),
                ("/from/id", "/source/author/id"),
            ],
            created: Some("/created_at"),
            // The search index may lag, and Intercom may show the conversation only once the
            // contact replies: not finding it proves nothing.
            absence_proves: false,
            answer: Answer::Item,
            how_to_check: "call intercom_search_conversations_by_customer for the recipient and look for a conversation started with this message since the attempt",
        }),
    ),
    (
        "intercom_create_article",
        How::NoLook("call intercom_search_articles with the article's title"),
    ),
    (
        "intercom_publish_article_draft",
        How::NoLook(
            "call intercom_retrieve_article with article_id {article_id}: a published draft shows in the article's current version",
        ),
    ),
    (
        "intercom_create_internal_article",
        How::NoLook("call intercom_search_internal_articles with the article's title"),
    ),
    (
        "intercom_create_content_snippet",
        How::NoLook("call intercom_list_content_snippets and look for this title"),
    ),
    (
        "intercom_create_content_import_source",
        How::NoLook("call intercom_list_content_import_sources and look for this url"),
    ),
    (
        "intercom_create_audience",
        How::NoLook("call intercom_list_audiences and look for this name"),
    ),
    (
        "intercom_create_help_center_collection",
        How::NoLook("call intercom_list_help_center_collections and look for `{name}`"),
    ),
    (
        "intercom_create_help_center_redirect",
        How::NoLook(
            "call intercom_list_help_center_redirects with help_center_id {help_center_id} and look for this redirect",
        ),
    ),
    (
        "intercom_create_news_item",
        How::NoLook("call intercom_list_news_items and look for `{title}`"),
    ),
    (
        "intercom_create_office_hours_schedule",
        How::NoLook("call intercom_list_office_hours_schedules and look for this name"),
    ),
    (
        "intercom_create_office_hours_exception",
        How::NoLook(
            "call intercom_list_office_hours_exceptions with office_hours_schedule_id {office_hours_schedule_id} and look for this exception",
        ),
    ),
    (
        "intercom_create_data_connector",
        How::NoLook("call intercom_list_data_connectors and look for this name"),
    ),
    (
        "intercom_create_data_event_summaries",
        How::NoLook(
            "call intercom_list_data_events with summary=true for the user: the counts show whether these summaries were added",
        ),
    ),
    (
        "intercom_create_data_export",
        How::NoLook(
            "a second export job does no harm but costs time: look for the job id in your logs, or call intercom_retrieve_data_export with it",
        ),
    ),
    (
        "intercom_create_reporting_data_export",
        How::NoLook(
            "call intercom_retrieve_reporting_data_export with the job id if you have it; a second export job does no harm",
        ),
    ),
    (
        "intercom_cancel_data_export",
        How::Repeat("cancelling a job twice leaves it cancelled"),
    ),
    (
        "intercom_change_ticket_type",
        How::Repeat("setting the same type twice leaves the ticket as it was"),
    ),
    (
        "intercom_redact_conversation",
        How::Repeat("redacting a part or a source twice leaves it redacted"),
    ),
    (
        "intercom_merge_contacts",
        How::NoLook(
            "call intercom_retrieve_contact with the lead's id (`from`): a 404 means it was merged into the user",
        ),
    ),
    (
        "intercom_merge_conversation",
        How::NoLook(
            "call intercom_retrieve_conversation with conversation_id {conversation_id} and look for the merged parts",
        ),
    ),
    (
        "intercom_convert_conversation_to_ticket",
        How::NoLook(
            "call intercom_search_tickets_by_customer for the conversation's contact and look for a ticket linked to conversation {conversation_id}",
        ),
    ),
    (
        "intercom_convert_visitor",
        How::NoLook("call intercom_search_contacts for the visitor's email or user_id"),
    ),
    (
        "intercom_enqueue_create_ticket",
        How::NoLook(
            "call intercom_retrieve_job_status with the job id if you have it, or intercom_search_tickets_by_customer for the ticket's contact",
        ),
    ),
    (
        "intercom_bulk_content_actions",
        How::NoLook(
            "call intercom_retrieve_job_status with the job id if you have it, or read the content items back",
        ),
    ),
    (
        "intercom_register_fin_voice_call",
        How::NoLook(
            "call intercom_find_fin_voice_call_by_external_id or intercom_find_fin_voice_call_by_phone_number for this call",
        ),
    ),
    (
        "intercom_submit_fin_csat",
        How::NoLook(
            "a rating sent twice is kept once per conversation by Fin; call intercom_retrieve_conversation to see it",
        ),
    ),
    (
        "intercom_reply_to_fin",
        How::NoLook(
            "call intercom_retrieve_conversation for the Fin conversation and look for this reply",
        ),
    ),
    (
        "intercom_start_fin_conversation",
        How::NoLook(
            "call intercom_search_conversations_by_customer for the user and look for a conversation started since the attempt",
        ),
    ),
    (
        "intercom_create_phone_switch",
        How::NoLook(
            "ask the user whether the SMS with the link arrived: Intercom has no read of phone switches",
        ),
    ),
];

/// How `tool`'s writes are reconciled: its entry in [`WRITES`], else [`How::Repeat`] for a tool
/// annotated idempotent, else no way to look.
pub fn how(tool: &Tool) -> How {
    if let Some((_, how)) = WRITES.iter().find(|(name, _)| *name == tool.name) {
        return *how;
    }
    if tool.annotations.idempotent {
        How::Repeat("the write is idempotent")
    } else {
        How::NoLook(
            "read the object back with the matching read tool before sending the write again",
        )
    }
}

/// Sends the write `request` of `tool` and, when it fails ambiguously, settles whether it
/// landed (see the module documentation).
pub async fn send(
    tool: &'static Tool,
    args: &Args,
    client: &Client,
    request: &Request,
) -> Result<Reported, ToolError> {
    send_until(tool, args, client, request, std::future::pending()).await
}

/// [`send`], given up when `cancelled` completes: a write cancelled in flight is reconciled
/// like any ambiguous failure (the lookups themselves are not cancelled: they are reads).
pub async fn send_until(
    tool: &'static Tool,
    args: &Args,
    client: &Client,
    request: &Request,
    cancelled: impl std::future::Future<Output = ()>,
) -> Result<Reported, ToolError> {
    let started = i64::try_from(client.now().as_secs()).unwrap_or(i64::MAX);
    let ledger = client.ledger();
    let fingerprint = intercom_client::write_fingerprint(tool.name, request);
    let how = how(tool);
    // An earlier attempt of this same write was never settled (its process died with it in
    // flight, or it was reported unknown): look for it before sending it again.
    if let (Some(earlier), How::Find(find)) = (ledger.unsettled(&fingerprint), how)
        && let Ok(Some(value)) = look(&find, tool, args, client, request, earlier).await
    {
        let row = ledger.begin(&fingerprint, tool.name, started);
        ledger.finish(row, AttemptState::Applied);
        return Ok(Reported::recovered(
            value,
            "an earlier attempt of this same write, never settled, had landed: found it, not sent again",
        ));
    }
    let row = ledger.begin(&fingerprint, tool.name, started);
    // Whether the call was cancelled: its caller is then gone, and a write that landed stays
    // open in the ledger (applied, untold) for the next identical call to find.
    let was_cancelled = std::sync::atomic::AtomicBool::new(false);
    let cancelled = async {
        cancelled.await;
        was_cancelled.store(true, std::sync::atomic::Ordering::Relaxed);
    };
    let result = settle(tool, args, client, request, cancelled, started, how).await;
    let applied = if was_cancelled.load(std::sync::atomic::Ordering::Relaxed) {
        AttemptState::AppliedUntold
    } else {
        AttemptState::Applied
    };
    ledger.finish(
        row,
        match &result {
            Ok(_) => applied,
            Err(e) => match e.applied() {
                Some(Applied::No) => AttemptState::NotApplied,
                Some(Applied::Yes) => applied,
                _ => AttemptState::Unknown,
            },
        },
    );
    result
}

/// Sends once and settles an ambiguous failure (see the module documentation).
async fn settle(
    tool: &'static Tool,
    args: &Args,
    client: &Client,
    request: &Request,
    cancelled: impl std::future::Future<Output = ()>,
    started: i64,
    how: How,
) -> Result<Reported, ToolError> {
    let mut error = match client.send_until(request, cancelled).await {
        Ok(response) => return Ok(Reported::plain(response.body)),
        Err(error) => error,
    };
    let unknown = |error: ClientError, how_to_check: String| ToolError::Api {
        tool: tool.name.to_owned(),
        source: Box::new(error),
        applied: Some(Applied::Unknown { how_to_check }),
    };
    let check_text = |text: &str| fill(text, args);
    let mut resent = false;
    loop {
        if !error.applied().is_unknown() {
            // A sending that proved nothing landed; after a lookup that found nothing, so is the
            // whole call's.
            return Err(ToolError::Api {
                tool: tool.name.to_owned(),
                applied: Some(error.applied()),
                source: Box::new(error),
            });
        }
        match how {
            How::NoLook(text) => return Err(unknown(error, check_text(text))),
            How::Repeat(why) => {
                let repeat =
                    format!("{why}: sending the same call again with the same arguments is safe");
                tracing::info!(
                    tool = tool.name,
                    "ambiguous failure of an idempotent write: sending it once more"
                );
                match client.send(request).await {
                    Ok(response) => {
                        return Ok(Reported::recovered(
                            response.body,
                            format!(
                                "the first attempt failed ({error}); {why}, so it was sent once more and succeeded"
                            ),
                        ));
                    }
                    Err(again)
                        if request.method == Method::Delete && again.status() == Some(404) =>
                    {
                        return Ok(Reported::recovered(
                            Value::Null,
                            format!(
                                "the first attempt failed ({error}) but deleted it: sent once more, it was gone"
                            ),
                        ));
                    }
                    Err(again) if again.applied().is_unknown() => {
                        return Err(unknown(again, repeat));
                    }
                    // Refused the second time: the first attempt may still have landed.
                    Err(_) => return Err(unknown(error, repeat)),
                }
            }
            How::Find(find) => {
                let found = look(&find, tool, args, client, request, started).await;
                match found {
                    Ok(Some(value)) => {
                        return Ok(Reported::recovered(
                            value,
                            format!(
                                "the attempt failed ({error}) but the write had landed: found it"
                            ),
                        ));
                    }
                    Ok(None) if find.absence_proves && !resent => {
                        resent = true;
                        tracing::info!(
                            tool = tool.name,
                            "ambiguous failure of a write that did not land: sending it once more"
                        );
                        match client.send(request).await {
                            Ok(response) => {
                                return Ok(Reported::recovered(
                                    response.body,
                                    format!(
                                        "the first attempt failed ({error}) and had not landed: sent once more"
                                    ),
                                ));
                            }
                            Err(again) => error = again,
                        }
                    }
                    Ok(None) if find.absence_proves => {
                        return Err(ToolError::Api {
                            tool: tool.name.to_owned(),
                            source: Box::new(error),
                            applied: Some(Applied::No),
                        });
                    }
                    Ok(None) | Err(_) => {
                        return Err(unknown(error, check_text(find.how_to_check)));
                    }
                }
            }
        }
    }
}

/// Looks for what `request` would have created; `Ok(None)` when the lookup ran and found
/// nothing, `Err` when it could not run (no value to look by, or the lookup failed).
async fn look(
    find: &Find,
    tool: &Tool,
    args: &Args,
    client: &Client,
    request: &Request,
    started: i64,
) -> Result<Option<Value>, ()> {
    let body = request.body.clone().unwrap_or(Value::Null);
    let mut lookup = match find.look {
        Look::Get { path, query } => {
            let mut lookup = Request::get(expand_path(tool, path, args).map_err(|_| ())?);
            for (key, source) in query {
                if let Some(fixed) = source.strip_prefix('=') {
                    lookup = lookup.query(*key, fixed);
                } else if let Some(value) = body.pointer(source).and_then(text) {
                    lookup = lookup.query(*key, value);
                }
            }
            lookup
        }
        Look::Search { path, by, since } => {
            let (field, value) = by
                .iter()
                .find_map(|(field, pointer)| Some((*field, body.pointer(pointer)?.clone())))
                .ok_or(())?;
            let by = json!({"field": field, "operator": "=", "value": value});
            let query = match since {
                None => by,
                Some(created) => {
                    let from = body
                        .pointer("/created_at")
                        .and_then(Value::as_i64)
                        .map_or(started - CLOCK_SLACK_SECONDS, |given| {
                            given.min(started - CLOCK_SLACK_SECONDS)
                        });
                    json!({"operator": "AND", "value": [
                        by,
                        {"field": created, "operator": ">", "value": from - 1},
                    ]})
                }
            };
            Request::post(
                path,
                json!({"query": query, "pagination": {"per_page": 150}}),
            )
            .idempotent()
        }
    };
    if let Some(version) = &request.version {
        // Read the object in the version the write used, so it answers in the same shape.
        lookup = lookup.version(version.clone());
    }
    let answer = client.json(&lookup).await.map_err(|e| {
        tracing::info!(tool = tool.name, error = %e, "the lookup after an ambiguous write failed");
    })?;
    let items = answer
        .pointer(find.items)
        .and_then(Value::as_array)
        .ok_or(())?;
    let given_at = body.pointer("/created_at").and_then(Value::as_i64);
    let found = items.iter().rev().find(|item| {
        let time_ok = match (find.created, given_at) {
            (None, _) => true,
            (Some(at), Some(given)) => item.pointer(at).and_then(Value::as_i64) == Some(given),
            (Some(at), None) => item
                .pointer(at)
                .and_then(Value::as_i64)
                .is_some_and(|t| t >= started - CLOCK_SLACK_SECONDS),
        };
        time_ok
            && find
                .same
                .iter()
                .all(|(sent, stored)| match body.pointer(sent) {
                    None | Some(Value::Null) => true,
                    Some(sent) => matches(stored, sent, item.pointer(stored)),
                })
    });
    match found {
        Some(item) => Ok(Some(match find.answer {
            Answer::Item => item.clone(),
            Answer::Whole => answer.clone(),
        })),
        // Not found, but the lookup did not see everything (more pages, or a conversation at
        // Intercom's cap of 500 parts): that proves nothing.
        None if more_pages(&answer) || items.len() >= MAX_PARTS_SHOWN => Err(()),
        None => Ok(None),
    }
}

/// The part types an action of `intercom_manage_conversation` (its `message_type`) adds, from
/// the part types the spec's examples show: an assignment of a closed conversation reopens it
/// and is recorded as `assign_and_reopen`.
const PART_TYPES: &[(&str, &[&str])] = &[
    ("assignment", &["assignment", "assign_and_reopen"]),
    ("close", &["close"]),
    ("open", &["open"]),
    ("snoozed", &["snoozed"]),
];

/// Whether a candidate's value at `pointer` matches the value sent: as text, except a part's
/// type (an action's `message_type` matches the part types it adds, [`PART_TYPES`]) and an
/// assignee (`0`, which unassigns, matches a part assigned to no one).
fn matches(pointer: &str, sent: &Value, stored: Option<&Value>) -> bool {
    match (pointer, sent.as_str(), stored) {
        ("/part_type", Some(action), Some(stored)) => {
            let kinds = PART_TYPES
                .iter()
                .find(|(a, _)| *a == action)
                .map_or(&[][..], |(_, kinds)| *kinds);
            match stored.as_str() {
                Some(part) => kinds.contains(&part) || part == action,
                None => false,
            }
        }
        ("/assigned_to/id", Some("0"), None | Some(Value::Null)) => true,
        (_, _, Some(stored)) => same_text(sent, stored),
        (_, _, None) => false,
    }
}

/// Parts Intercom shows of a conversation at most.
const MAX_PARTS_SHOWN: usize = 500;

/// Whether a list answer says there is more after this page.
fn more_pages(answer: &Value) -> bool {
    match answer.pointer("/pages/next") {
        None | Some(Value::Null) => false,
        Some(Value::Object(next)) => !next.is_empty(),
        Some(Value::String(next)) => !next.is_empty(),
        Some(_) => true,
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Equal as text once HTML tags, entities, case and runs of spaces are set aside (Intercom
/// stores a plain-text body as HTML).
fn same_text(a: &Value, b: &Value) -> bool {
    match (text(a), text(b)) {
        (Some(a), Some(b)) => normalize(&a) == normalize(&b),
        _ => a == b,
    }
}

fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            _ => out.push(c),
        }
    }
    let out = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `text` with each `{arg}` replaced by the call's argument (left as it is when absent).
fn fill(text: &str, args: &Args) -> String {
    let mut out = text.to_owned();
    for (key, value) in args {
        if let Some(v) = self::text(value) {
            out = out.replace(&format!("{{{key}}}"), &v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_compare_as_text() {
        assert!(same_text(
            &json!("<p>Hello  there</p>"),
            &json!("hello there")
        ));
        assert!(same_text(&json!("a &amp; b"), &json!("<p>A & B</p>")));
        assert!(!same_text(&json!("hello"), &json!("hello again")));
        assert!(same_text(&json!(12), &json!("12")));
    }

    #[test]
    fn a_list_with_more_pages_proves_nothing() {
        assert!(more_pages(&json!({"pages": {"next": "/x?page=2"}})));
        assert!(more_pages(
            &json!({"pages": {"next": {"starting_after": "a"}}})
        ));
        assert!(!more_pages(&json!({"pages": {"next": null}})));
        assert!(!more_pages(&json!({"data": []})));
    }

    #[test]
    fn how_to_check_names_the_arguments() {
        let mut args = Args::new();
        args.insert("contact_id".into(), json!("42"));
        assert_eq!(
            fill("list notes of {contact_id}", &args),
            "list notes of 42"
        );
    }
}
