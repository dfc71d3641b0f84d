//! The overlay of the generated tools: for each operation no hand-written tool calls, the tool's
//! name (the seeds' where a seed names it), its description in our own words, and where needed
//! parameter renames, relaxed required flags and annotations. Grouped by the spec's tag.

use super::overlay::{Entry, tool};
use intercom_client::Request;
use serde_json::Value;

use crate::ToolError;
use crate::spec::{Args, JsonType, Param, Tool};

/// `page` and `per_page`, which Intercom's older list endpoints take though the 2.14
/// description does not list them; the seeds send them.
const PAGES: &[Param] = &[
    Param::query("page", JsonType::Integer, "Page number, from 1.").min(1),
    Param::query("per_page", JsonType::Integer, "Items per page.").range(1, 250),
];
const PER_PAGE_ONLY: &[Param] = &[PAGES[1]];

/// Scalekit's older shape of a ticket update: `assignment` and `state`.
const TICKET_UPDATE_EXTRA: &[Param] = &[
    Param::input(
        "assignment",
        JsonType::Object,
        "Older form of admin_id and assignee_id: `{\"admin_id\": \"...\", \"assignee_id\": \"...\"}`.",
    )
    .fields(&[
        Param::field("admin_id", JsonType::String, "The admin who makes the change."),
        Param::field("assignee_id", JsonType::String, "The admin or team to assign the ticket to; `0` unassigns."),
    ]),
    Param::input(
        "state",
        JsonType::String,
        "Older form of ticket_state_id: the id of a ticket state (call intercom_list_ticket_states to find one).",
    )
    .non_empty(),
];

/// Moves `assignment.admin_id`/`assignee_id` and `state` to the 2.14 fields.
fn build_update_ticket(tool: &Tool, args: &Args) -> Result<Request, ToolError> {
    let mut request = crate::build::direct(tool, args)?;
    let Some(Value::Object(body)) = request.body.as_mut() else {
        return Ok(request);
    };
    if let Some(Value::Object(assignment)) = args.get("assignment") {
        for key in ["admin_id", "assignee_id"] {
            if let Some(v) = assignment.get(key) {
                if body.contains_key(key) {
                    return Err(ToolError::validation(
                        tool.name,
                        format!("assignment.{key}"),
                        format!("and `{key}` name the same thing: give only one"),
                    ));
                }
                body.insert(key.to_owned(), v.clone());
            }
        }
    }
    if let Some(Value::String(state)) = args.get("state") {
        if body.contains_key("ticket_state_id") {
            return Err(ToolError::validation(
                tool.name,
                "state",
                "and `ticket_state_id` name the same thing: give only one",
            ));
        }
        if !state.chars().all(|c| c.is_ascii_digit()) {
            return Err(ToolError::validation(
                tool.name,
                "state",
                format!(
                    "must be a ticket state id in API 2.14, got `{state}`: call intercom_list_ticket_states to find the id of the state"
                ),
            ));
        }
        body.insert("ticket_state_id".to_owned(), Value::String(state.clone()));
    }
    Ok(request)
}

const ARTICLE_ID: &[(&str, &str)] = &[("article_id", "id")];
const TAG_ID: &[(&str, &str)] = &[("tag_id", "id")];

const MESSAGE_PARAMS: &[(&str, &str)] = &[
    (
        "from",
        "The admin who sends it: `{\"type\": \"admin\", \"id\": \"<admin id>\"}`.",
    ),
    (
        "to",
        "The recipient: `{\"type\": \"user\" or \"lead\", \"id\": \"<contact id>\"}` (or `email`/`user_id` in place of `id`), or an array of them.",
    ),
    (
        "message_type",
        "`in_app` or `email`; an email needs a subject.",
    ),
];

const TICKET_PARAMS: &[(&str, &str)] = &[
    (
        "contacts",
        "The contacts the ticket is for: an array of `{\"id\": ...}`, `{\"external_id\": ...}` or `{\"email\": ...}`.",
    ),
    (
        "ticket_attributes",
        "Values of the ticket type's attributes by name, e.g. `{\"_default_title_\": \"...\"}`. An object is preferred; a JSON string of one is accepted.",
    ),
    (
        "skip_notifications",
        "Create it without notifying the contacts (`disable_notifications` is accepted too).",
    ),
];

pub(crate) const ENTRIES: &[Entry] = &[
    // admins
    tool("listActivityLogEventTypes", "intercom_list_activity_log_event_types", "List the kinds of event the admin activity log records, to filter an activity-log search."),
    tool("listActivityLogs", "intercom_list_activity_logs", "List admin activity (sign-ins, setting changes, deletions...) between two times, given as Unix timestamps in seconds."),
    tool("searchActivityLogs", "intercom_search_activity_logs", "Search admin activity between two Unix times, optionally only some event types, page by page.").reads(),
    tool("setAwayAdmin", "intercom_set_away_admin", "Turn an admin's away mode on or off, and choose whether their new conversations are reassigned meanwhile."),
    // ai_content
    tool("listContentImportSources", "intercom_list_content_import_sources", "List the sources Fin imports external content from (websites and the like)."),
    tool("createContentImportSource", "intercom_create_content_import_source", "Add a source of external content for Fin to learn from, by its URL."),
    tool("deleteContentImportSource", "intercom_delete_content_import_source", "Remove a content import source and the pages imported from it."),
    tool("getContentImportSource", "intercom_retrieve_content_import_source", "Fetch one content import source by id: URL, status, sync behaviour."),
    tool("updateContentImportSource", "intercom_update_content_import_source", "Change a content import source's URL, status or sync behaviour."),
    tool("listExternalPages", "intercom_list_external_pages", "List the external pages Fin can use as knowledge."),
    tool("createExternalPage", "intercom_create_external_page", "Add an external page (title, HTML, URL) for Fin to use, or replace the one with the same external id.").repeatable(),
    tool("deleteExternalPage", "intercom_delete_external_page", "Remove an external page from Fin's knowledge."),
    tool("getExternalPage", "intercom_retrieve_external_page", "Fetch one external page by id, with its content and where Fin may use it."),
    tool("updateExternalPage", "intercom_update_external_page", "Change an external page's title, HTML, URL or availability to Fin."),
    // articles
    tool("listArticles", "intercom_list_articles", "List help-center articles page by page, with title, state, author and parent collection.").extra(PAGES),
    tool("createArticle", "intercom_create_article", "Write a help-center article: title, HTML body, author, state (draft or published) and the collection it sits in."),
    tool("searchArticles", "intercom_search_articles", "Find help-center articles containing a phrase, optionally in one help center and state, with highlighted matches."),
    tool("deleteArticle", "intercom_delete_article", "Delete a help-center article for good.").rename(ARTICLE_ID),
    tool("retrieveArticle", "intercom_retrieve_article", "Fetch one help-center article by id, with its body and translations.").rename(ARTICLE_ID),
    tool("updateArticle", "intercom_update_article", "Change a help-center article's title, body, author, state or collection; fields left out keep their value.").rename(ARTICLE_ID),
    tool("listArticleVersions", "intercom_list_article_versions", "List the saved versions of an article."),
    tool("retrieveArticleVersion", "intercom_retrieve_article_version", "Fetch one saved version of an article.").rename(&[("version_id", "id")]),
    tool("retrieveArticleDraft", "intercom_retrieve_article_draft", "Fetch the unpublished draft of an article.").rename(ARTICLE_ID),
    tool("stageArticleDraft", "intercom_stage_article_draft", "Save changes to an article as a draft, without publishing them.").rename(ARTICLE_ID),
    tool("publishArticleDraft", "intercom_publish_article_draft", "Publish an article's staged draft, replacing the live version.").rename(ARTICLE_ID),
    tool("attachTagToArticle", "intercom_attach_tag_to_article", "Tag an article with an existing tag.").repeatable(),
    tool("detachTagFromArticle", "intercom_detach_tag_from_article", "Remove a tag from an article; the tag itself stays.").rename(TAG_ID),
    // audiences
    tool("listAudiences", "intercom_list_audiences", "List the saved audiences (rule-based groups of people) of the workspace."),
    tool("createAudience", "intercom_create_audience", "Create an audience from a name and a set of rules."),
    tool("deleteAudience", "intercom_delete_audience", "Delete a saved audience for good.").rename(&[("audience_id", "id")]),
    tool("retrieveAudience", "intercom_retrieve_audience", "Fetch one audience by id, with its rules.").rename(&[("audience_id", "id")]),
    tool("updateAudience", "intercom_update_audience", "Rename an audience or change its rules.").rename(&[("audience_id", "id")]),
    // away_status_reasons
    tool("listAwayStatusReasons", "intercom_list_away_status_reasons", "List the reasons an admin can give for being away."),
    // banners
    tool("listContactBanners", "intercom_list_contact_banners", "List the banners a contact could see.").rename(&[("contact_id", "id")]),
    tool("dismissContactBanner", "intercom_dismiss_contact_banner", "Mark a banner as dismissed for a contact.").rename(&[("contact_id", "id")]).repeatable(),
    // brands
    tool("listBrands", "intercom_list_brands", "List the workspace's brands."),
    tool("retrieveBrand", "intercom_retrieve_brand", "Fetch one brand by id.").rename(&[("brand_id", "id")]),
    // calls
    tool("listCalls", "intercom_list_calls", "List phone calls page by page."),
    tool("listCallsWithTranscripts", "intercom_list_calls_with_transcripts", "Fetch several calls by id together with their transcripts.").reads(),
    tool("showCall", "intercom_retrieve_call", "Fetch one phone call by id: participants, times, state."),
    tool("showCallRecording", "intercom_retrieve_call_recording", "Get where to download a call's recording: its short-lived signed address, in `location`; the audio itself is not fetched."),
    tool("showCallTranscript", "intercom_retrieve_call_transcript", "Get a call's transcript, as plain text with a time stamp per line."),
    tool("collectFinVoiceCallById", "intercom_retrieve_fin_voice_call", "Fetch a Fin Voice call by its id.").rename(&[("call_id", "id")]),
    tool("collectFinVoiceCallsByConversationId", "intercom_list_fin_voice_calls_for_conversation", "List the Fin Voice calls of a conversation."),
    tool("collectFinVoiceCallByExternalId", "intercom_find_fin_voice_call_by_external_id", "Fetch a Fin Voice call by the external id it was registered with."),
    tool("collectFinVoiceCallByPhoneNumber", "intercom_find_fin_voice_call_by_phone_number", "Fetch the Fin Voice call of a phone number."),
    tool("registerFinVoiceCall", "intercom_register_fin_voice_call", "Tell Intercom about a Fin Voice call placed through another phone system."),
    // companies
    tool("UpdateCompany", "intercom_update_company", "Change fields of a company, given its Intercom id; fields left out keep their value."),
    // contacts
    tool("MergeContact", "intercom_merge_contacts", "Merge a lead into a user: the lead's data and conversations move to the user and the lead goes away."),
    tool("ArchiveContact", "intercom_archive_contact", "Archive a contact: hidden from the workspace but not deleted, and can be unarchived.").repeatable(),
    tool("BlockContact", "intercom_block_contact", "Block a contact: their messages no longer reach the inbox.").repeatable(),
    tool("UnarchiveContact", "intercom_unarchive_contact", "Bring an archived contact back.").repeatable(),
    tool("ListContactMergeHistory", "intercom_list_contact_merge_history", "List the contacts that were merged into this one.").rename(&[("contact_id", "id")]),
    tool("listSubscriptionsForAContact", "intercom_list_contact_subscriptions", "List a contact's subscription types with their opt-in or opt-out state.").toolset("contacts"),
    // content
    tool("bulkContentActions", "intercom_bulk_content_actions", "Run one action (such as tagging or moving) over many Knowledge Hub items at once."),
    tool("searchContent", "intercom_search_content", "Search the Knowledge Hub (articles, snippets, external pages) with a phrase."),
    // content_snippets
    tool("listContentSnippets", "intercom_list_content_snippets", "List the content snippets Fin can use."),
    tool("createContentSnippet", "intercom_create_content_snippet", "Write a content snippet (a short piece of knowledge for Fin)."),
    tool("deleteContentSnippet", "intercom_delete_content_snippet", "Delete a content snippet.").rename(&[("content_snippet_id", "id")]),
    tool("getContentSnippet", "intercom_retrieve_content_snippet", "Fetch one content snippet by id.").rename(&[("content_snippet_id", "id")]),
    tool("updateContentSnippet", "intercom_update_content_snippet", "Change a content snippet's title, body or availability.").rename(&[("content_snippet_id", "id")]),
    tool("attachTagToContentSnippet", "intercom_attach_tag_to_content_snippet", "Tag a content snippet with an existing tag.").repeatable(),
    tool("detachTagFromContentSnippet", "intercom_detach_tag_from_content_snippet", "Remove a tag from a content snippet.").rename(TAG_ID),
    // conversations
    tool("listDeletedConversationIds", "intercom_list_deleted_conversation_ids", "List the ids of deleted conversations, to clean up copies kept elsewhere."),
    tool("redactConversation", "intercom_redact_conversation", "Redact a conversation part or a source message, removing its text for good."),
    tool("deleteConversation", "intercom_delete_conversation", "Delete a conversation for good."),
    tool("convertConversationToTicket", "intercom_convert_conversation_to_ticket", "Turn a conversation into a ticket of a given ticket type."),
    tool("attachContactToConversation", "intercom_attach_contact_to_conversation", "Add a contact as a participant of a conversation (by id, user id or email).").repeatable(),
    tool("detachContactFromConversation", "intercom_detach_contact_from_conversation", "Remove a participant from a group conversation.").optional(&["admin_id"]),
    tool("listHandlingEvents", "intercom_list_conversation_handling_events", "List who handled a conversation and when (assignments, replies, closes).").rename(&[("conversation_id", "id")]),
    tool("mergeConversation", "intercom_merge_conversation", "Merge a conversation into another one.").rename(&[("conversation_id", "id")]),
    tool("listSideConversations", "intercom_list_side_conversations", "List the side conversations (internal threads) started from a conversation.").rename(&[("conversation_id", "id")]),
    // conversations_attributes
    tool("listConversationAttributes", "intercom_list_conversation_attributes", "List the custom attributes defined for conversations."),
    tool("createConversationAttribute", "intercom_create_conversation_attribute", "Define a new custom attribute for conversations: name, data type and, for a list, its options."),
    tool("deleteConversationAttribute", "intercom_delete_conversation_attribute", "Archive a conversation attribute.").rename(&[("attribute_id", "id")]),
    tool("getConversationAttribute", "intercom_retrieve_conversation_attribute", "Fetch one conversation attribute by id.").rename(&[("attribute_id", "id")]),
    tool("updateConversationAttribute", "intercom_update_conversation_attribute", "Rename a conversation attribute, change its description or visibility.").rename(&[("attribute_id", "id")]),
    tool("createConversationAttributeOption", "intercom_create_conversation_attribute_option", "Add an option to a list-type conversation attribute.").rename(&[("attribute_id", "id")]),
    tool("deleteConversationAttributeOption", "intercom_delete_conversation_attribute_option", "Archive one option of a list-type conversation attribute.").rename(&[("attribute_id", "id")]),
    tool("updateConversationAttributeOption", "intercom_update_conversation_attribute_option", "Rename one option of a list-type conversation attribute.").rename(&[("attribute_id", "id")]),
    // custom_object_instances
    tool("deleteCustomObjectInstancesById", "intercom_delete_custom_object_instance_by_external_id", "Delete a custom object instance given its external id."),
    tool("listCustomObjectInstances", "intercom_list_custom_object_instances", "List the instances of a custom object type."),
    tool("createCustomObjectInstances", "intercom_create_or_update_custom_object_instance", "Create a custom object instance, or update the one with the same external id.").repeatable(),
    tool("deleteCustomObjectInstancesByExternalId", "intercom_delete_custom_object_instance", "Delete a custom object instance given its Intercom id."),
    tool("getCustomObjectInstancesById", "intercom_retrieve_custom_object_instance", "Fetch one custom object instance by its Intercom id."),
    // data_attributes
    tool("lisDataAttributes", "intercom_list_data_attributes", "List the data attributes of contacts, companies or conversations, the custom ones included."),
    tool("createDataAttribute", "intercom_create_data_attribute", "Define a custom data attribute for contacts or companies: name, data type and, for a list, its options."),
    tool("updateDataAttribute", "intercom_update_data_attribute", "Change a custom data attribute's description, options or messenger writability, or archive it."),
    // data_connectors
    tool("listDataConnectors", "intercom_list_data_connectors", "List the data connectors (calls to outside APIs) of the workspace."),
    tool("createDataConnector", "intercom_create_data_connector", "Create a data connector that calls an outside API."),
    tool("listDataConnectorExecutionResults", "intercom_list_data_connector_execution_results", "List the recent runs of a data connector, with their outcome."),
    tool("showDataConnectorExecutionResult", "intercom_retrieve_data_connector_execution_result", "Fetch one run of a data connector.").rename(&[("execution_id", "id")]),
    tool("deleteDataConnector", "intercom_delete_data_connector", "Delete a data connector.").rename(&[("data_connector_id", "id")]),
    tool("RetrieveDataConnector", "intercom_retrieve_data_connector", "Fetch one data connector by id.").rename(&[("data_connector_id", "id")]),
    tool("updateDataConnector", "intercom_update_data_connector", "Change a data connector's settings.").rename(&[("data_connector_id", "id")]),
    // data_events
    tool("lisDataEvents", "intercom_list_data_events", "List the events one user did (by Intercom id, user id or email), or a summary of them.").extra(PER_PAGE_ONLY),
    tool("createDataEvent", "intercom_create_data_event", "Record that a user did something (an event name, a time and optional metadata)."),
    tool("dataEventSummaries", "intercom_create_data_event_summaries", "Record counts of events a user did, without sending each event."),
    // data_export
    tool("downloadDataExport", "intercom_download_data_export", "Download the result of a finished content data export."),
    tool("cancelDataExport", "intercom_cancel_data_export", "Cancel a content data export that is still running."),
    tool("createDataExport", "intercom_create_data_export", "Start an export of message content data between two Unix times."),
    tool("getDataExport", "intercom_retrieve_data_export", "Check the status of a content data export."),
    // emails
    tool("listEmails", "intercom_list_email_settings", "List the email addresses the workspace sends from, with their settings."),
    tool("retrieveEmail", "intercom_retrieve_email_setting", "Fetch one sender email address's settings.").rename(&[("email_id", "id")]),
    // fin_agent
    tool("submitFinCsat", "intercom_submit_fin_csat", "Send a customer's satisfaction rating of a Fin conversation."),
    tool("replyToFin", "intercom_reply_to_fin", "Send a customer's message to Fin in a conversation Fin runs."),
    tool("startFinConversation", "intercom_start_fin_conversation", "Start a conversation between a customer and Fin."),
    // help_center
    tool("listAllCollections", "intercom_list_help_center_collections", "List the help-center collections (article groups)."),
    tool("createCollection", "intercom_create_help_center_collection", "Create a help-center collection, optionally inside another collection."),
    tool("deleteCollection", "intercom_delete_help_center_collection", "Delete a help-center collection."),
    tool("retrieveCollection", "intercom_retrieve_help_center_collection", "Fetch one help-center collection by id."),
    tool("updateCollection", "intercom_update_help_center_collection", "Rename a help-center collection, change its description or parent."),
    tool("listHelpCenters", "intercom_list_help_centers", "List the workspace's help centers."),
    tool("retrieveHelpCenter", "intercom_retrieve_help_center", "Fetch one help center by id."),
    tool("listHelpCenterRedirects", "intercom_list_help_center_redirects", "List the URL redirects of a help center."),
    tool("createHelpCenterRedirect", "intercom_create_help_center_redirect", "Add a URL redirect to a help center."),
    tool("deleteHelpCenterRedirect", "intercom_delete_help_center_redirect", "Remove a URL redirect from a help center.").rename(&[("redirect_id", "id")]),
    tool("retrieveHelpCenterRedirect", "intercom_retrieve_help_center_redirect", "Fetch one URL redirect of a help center.").rename(&[("redirect_id", "id")]),
    // internal_articles
    tool("listInternalArticles", "intercom_list_internal_articles", "List the internal articles (knowledge for teammates only)."),
    tool("createInternalArticle", "intercom_create_internal_article", "Write an internal article for teammates."),
    tool("searchInternalArticles", "intercom_search_internal_articles", "Find internal articles by folder."),
    tool("deleteInternalArticle", "intercom_delete_internal_article", "Delete an internal article."),
    tool("retrieveInternalArticle", "intercom_retrieve_internal_article", "Fetch one internal article by id."),
    tool("updateInternalArticle", "intercom_update_internal_article", "Change an internal article's title, body, author or owner."),
    tool("attachTagToInternalArticle", "intercom_attach_tag_to_internal_article", "Tag an internal article with an existing tag.").repeatable(),
    tool("detachTagFromInternalArticle", "intercom_detach_tag_from_internal_article", "Remove a tag from an internal article.").rename(TAG_ID),
    // ip_allowlist
    tool("getIpAllowlist", "intercom_retrieve_ip_allowlist", "Show whether the IP allowlist is on and which addresses it lets in.").title("Retrieve IP allowlist"),
    tool("updateIpAllowlist", "intercom_update_ip_allowlist", "Turn the IP allowlist on or off and set the addresses it lets in.").title("Update IP allowlist"),
    // jobs
    tool("jobsStatus", "intercom_retrieve_job_status", "Check how an asynchronous job (such as an enqueued ticket) is doing."),
    // macros
    tool("listMacros", "intercom_list_macros", "List the saved replies (macros) teammates can use."),
    tool("getMacro", "intercom_retrieve_macro", "Fetch one macro by id, with its body and actions.").rename(&[("macro_id", "id")]),
    // messages
    tool("createMessage", "intercom_create_message", "Send a message from an admin to a contact, as an in-app message or an email (give `from` and `to`).").optional(&["message_type"]).params(MESSAGE_PARAMS),
    tool("getWhatsAppMessageStatus", "intercom_list_whatsapp_message_statuses", "List the delivery statuses of the WhatsApp messages a series ruleset sent."),
    tool("RetrieveWhatsAppMessageStatus", "intercom_retrieve_whatsapp_message_status", "Fetch the delivery status of one WhatsApp message."),
    // news
    tool("listNewsItems", "intercom_list_news_items", "List the news items of the workspace."),
    tool("createNewsItem", "intercom_create_news_item", "Write a news item: title, body, sender, state and the newsfeeds it appears in."),
    tool("deleteNewsItem", "intercom_delete_news_item", "Delete a news item for good."),
    tool("retrieveNewsItem", "intercom_retrieve_news_item", "Fetch one news item by id."),
    tool("updateNewsItem", "intercom_update_news_item", "Change a news item's title, body, sender, state or labels.").optional(&["title", "sender_id"]),
    tool("listNewsfeeds", "intercom_list_newsfeeds", "List the newsfeeds news items are published in."),
    tool("retrieveNewsfeed", "intercom_retrieve_newsfeed", "Fetch one newsfeed by id."),
    tool("listLiveNewsfeedItems", "intercom_list_newsfeed_items", "List the news items currently live in a newsfeed."),
    // notes
    tool("retrieveNote", "intercom_retrieve_note", "Fetch one note by id, with its author and contact."),
    tool("listCompanyNotes", "intercom_list_company_notes", "List the notes left on a company."),
    tool("createCompanyNote", "intercom_create_company_note", "Leave a note on a company."),
    tool("listNotes", "intercom_list_contact_notes", "List the notes teammates left on a contact, newest first.").extra(PAGES),
    tool("createNote", "intercom_create_contact_note", "Leave a note on a contact, written by an admin."),
    // office_hours
    tool("listOfficeHoursSchedules", "intercom_list_office_hours_schedules", "List the office-hours schedules."),
    tool("createOfficeHoursSchedule", "intercom_create_office_hours_schedule", "Create an office-hours schedule: time zone and weekly opening intervals."),
    tool("deleteOfficeHoursSchedule", "intercom_delete_office_hours_schedule", "Delete an office-hours schedule.").rename(&[("office_hours_schedule_id", "id")]),
    tool("getOfficeHoursSchedule", "intercom_retrieve_office_hours_schedule", "Fetch one office-hours schedule by id.").rename(&[("office_hours_schedule_id", "id")]),
    tool("updateOfficeHoursSchedule", "intercom_update_office_hours_schedule", "Change an office-hours schedule's name, time zone or intervals.").rename(&[("office_hours_schedule_id", "id")]),
    tool("listOfficeHoursExceptions", "intercom_list_office_hours_exceptions", "List the exceptions (holidays, special hours) of an office-hours schedule."),
    tool("createOfficeHoursException", "intercom_create_office_hours_exception", "Add an exception (a closed day or special hours) to an office-hours schedule."),
    tool("deleteOfficeHoursException", "intercom_delete_office_hours_exception", "Remove an exception from an office-hours schedule.").rename(&[("exception_id", "id")]),
    tool("getOfficeHoursException", "intercom_retrieve_office_hours_exception", "Fetch one exception of an office-hours schedule.").rename(&[("exception_id", "id")]),
    tool("updateOfficeHoursException", "intercom_update_office_hours_exception", "Change an exception of an office-hours schedule.").rename(&[("exception_id", "id")]),
    // reporting_data_export
    tool("downloadReportingDataExport", "intercom_download_reporting_data_export", "Download the data of a finished reporting export."),
    tool("enqueueReportingDataExport", "intercom_create_reporting_data_export", "Start a reporting data export of one dataset between two times."),
    tool("listReportingDataDatasets", "intercom_list_reporting_datasets", "List the reporting datasets and their attributes that can be exported."),
    tool("getReportingDataExport", "intercom_retrieve_reporting_data_export", "Check the status of a reporting data export."),
    // segments (none left), subscription_types
    tool("listSubscriptionTypes", "intercom_list_subscription_types", "List the subscription types (email and SMS topics people opt in or out of)."),
    tool("attachSubscriptionTypeToContact", "intercom_attach_subscription_to_contact", "Subscribe a contact to a subscription type, with opt-in or opt-out consent.").toolset("contacts").repeatable(),
    tool("detachSubscriptionTypeToContact", "intercom_detach_subscription_from_contact", "Remove a subscription type from a contact.").toolset("contacts"),
    // switch
    tool("createPhoneSwitch", "intercom_create_phone_switch", "Send a caller an SMS link that moves the phone call to the Messenger."),
    // tags
    tool("createTag", "intercom_create_or_update_tag", "Create a tag, or rename the one with the given id; with `companies` or `users`, tag (or untag) them instead.").repeatable(),
    tool("deleteTag", "intercom_delete_tag", "Delete a tag from the workspace; it comes off everything it was on."),
    tool("attachTagToConversation", "intercom_attach_tag_to_conversation", "Tag a conversation with an existing tag, as an admin.").toolset("conversations").repeatable(),
    tool("detachTagFromConversation", "intercom_detach_tag_from_conversation", "Remove a tag from a conversation, as an admin.").toolset("conversations"),
    tool("attachTagToTicket", "intercom_attach_tag_to_ticket", "Tag a ticket with an existing tag, as an admin.").toolset("tickets").repeatable(),
    tool("detachTagFromTicket", "intercom_detach_tag_from_ticket", "Remove a tag from a ticket, as an admin.").toolset("tickets"),
    // teams
    tool("getTeamMetrics", "intercom_retrieve_team_metrics", "Show a team's live inbox figures (open, idle and snoozed conversations)."),
    // ticket_states
    tool("listTicketStates", "intercom_list_ticket_states", "List the ticket states of the workspace, with the category each belongs to."),
    // ticket_type_attributes
    tool("createTicketTypeAttribute", "intercom_create_ticket_type_attribute", "Add an attribute (a field) to a ticket type."),
    tool("updateTicketTypeAttribute", "intercom_update_ticket_type_attribute", "Change an attribute of a ticket type, or archive it."),
    // ticket_types
    tool("listTicketTypes", "intercom_list_ticket_types", "List the ticket types with their categories and attributes."),
    tool("createTicketType", "intercom_create_ticket_type", "Create a ticket type: name, category (customer, back-office or tracker), icon."),
    tool("getTicketType", "intercom_retrieve_ticket_type", "Fetch one ticket type by id, with its attributes."),
    tool("updateTicketType", "intercom_update_ticket_type", "Rename a ticket type, change its category, icon or description, or archive it."),
    // tickets
    tool("createTicket", "intercom_create_ticket", "Open a ticket of a ticket type for one or more contacts, with its attributes.").params(TICKET_PARAMS),
    tool("enqueueCreateTicket", "intercom_enqueue_create_ticket", "Queue the creation of a ticket and get a job to follow (for bulk loads)."),
    tool("deleteTicket", "intercom_delete_ticket", "Delete a ticket for good."),
    tool("updateTicket", "intercom_update_ticket", "Change a ticket: its attributes, state, assignee, openness, snooze or sharing.").extra(TICKET_UPDATE_EXTRA).build(build_update_ticket),
    tool("changeTicketType", "intercom_change_ticket_type", "Move a ticket to another ticket type."),
    tool("linkConversationToTicket", "intercom_link_conversation_to_ticket", "Link a conversation to a ticket.").repeatable(),
    tool("unlinkConversationFromTicket", "intercom_unlink_conversation_from_ticket", "Remove the link between a conversation and a ticket.").rename(&[("conversation_id", "id")]),
    tool("replyTicket", "intercom_reply_to_ticket", "Reply to a ticket as an admin (a comment or an internal note) or on behalf of a contact."),
    // visitors
    tool("retrieveVisitorWithUserId", "intercom_retrieve_visitor", "Fetch a visitor (an anonymous Messenger user) by their user id."),
    tool("updateVisitor", "intercom_update_visitor", "Change a visitor's name or custom attributes, given their id or user id."),
    tool("convertVisitor", "intercom_convert_visitor", "Turn a visitor into a lead or a user, or merge them into an existing user.").optional(&["user"]),
    // workflows
    tool("exportWorkflow", "intercom_export_workflow", "Export a workflow's definition as JSON.").rename(&[("workflow_id", "id")]),
];
