//! Exactly-once writes: every write tool is classified, and an ambiguous failure is settled by a
//! lookup (or a second sending) against a sandbox that applies the write and then loses the answer.

use intercom_client::{Applied, Request};
use intercom_tools::reconcile::{How, WRITES, how};
use intercom_tools::{Registry, ToolError};
use serde_json::{Value, json};

use crate::harness::Env;

/// A tool that makes several requests is a workflow; today every one is a read, so a later
/// step's failure has no earlier write to report. A workflow that writes must say, when a
/// step fails, what the earlier steps applied (e.g. "the reply was sent (applied: yes); the
/// close failed (applied: unknown)"), not only the failed request's verdict: this test stops
/// one from being added without that.
#[test]
fn every_tool_that_makes_several_requests_only_reads() {
    let registry = Registry::builtin();
    let writing: Vec<&str> = registry
        .tools()
        .iter()
        .filter(|t| matches!(t.handler, intercom_tools::spec::Handler::Workflow { .. }))
        .filter(|t| !t.annotations.read_only)
        .map(|t| t.name)
        .collect();
    assert_eq!(
        writing,
        Vec::<&str>::new(),
        "a workflow that writes needs a verdict for every step it applied"
    );
}

#[test]
fn every_write_that_is_not_idempotent_is_classified() {
    let registry = Registry::builtin();
    let missing: Vec<&str> = registry
        .tools()
        .iter()
        .filter(|t| !t.annotations.read_only && !t.annotations.idempotent)
        .filter(|t| !WRITES.iter().any(|(name, _)| *name == t.name))
        .map(|t| t.name)
        .collect();
    assert_eq!(missing, Vec::<&str>::new(), "add them to reconcile::WRITES");
    for (name, how) in WRITES {
        let tool = registry
            .tool(name)
            .unwrap_or_else(|| panic!("{name} is no tool"));
        assert!(!tool.annotations.read_only, "{name} does not write");
        let text = match how {
            How::NoLook(text) => *text,
            How::Find(find) => find.how_to_check,
            How::Repeat(_) => continue,
        };
        // Every tool a way-to-check names exists, and each names at least one.
        let named: Vec<&str> = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| w.starts_with("intercom_"))
            .collect();
        assert!(
            !named.is_empty() || text.contains("ask the user"),
            "{name}: {text}"
        );
        for tool in named {
            assert!(registry.tool(tool).is_some(), "{name} names `{tool}`");
        }
    }
    // Idempotent tools are reconciled by sending again, without an entry.
    let put = registry.tool("intercom_update_contact").unwrap();
    assert!(matches!(how(put), How::Repeat(_)));
}

async fn fault(env: &Env, fault: Value) {
    env.api(Request::post("/_sandbox/faults", fault)).await;
}

async fn admin(env: &Env) -> String {
    let admins = env.call("intercom_list_admins", json!({})).await;
    admins["admins"][0]["id"].as_str().unwrap().to_owned()
}

async fn notes(env: &Env, contact: &str) -> Vec<Value> {
    let list = env
        .api(Request::get(format!("/contacts/{contact}/notes")))
        .await;
    list["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_note_applied_then_lost_is_found_not_sent_twice() {
    let env = Env::start().await;
    let admin = admin(&env).await;
    let contact = env.contact("once@example.com", "Once").await;
    for (i, action) in [json!({"status": 503}), json!({"action": "reset"})]
        .into_iter()
        .enumerate()
    {
        let mut f = json!({"path_prefix": format!("/contacts/{contact}/notes"), "method": "POST", "when": "after"});
        f.as_object_mut()
            .unwrap()
            .extend(action.as_object().unwrap().clone());
        fault(&env, f).await;
        let body = format!("note {i}");
        let call = env
            .registry
            .prepare(
                "intercom_create_contact_note",
                json!({"contact_id": contact, "body": body, "admin_id": admin}),
            )
            .unwrap();
        let reported = call.run_reported(&env.client).await.unwrap();
        let recovery = reported.recovery.expect("marked recovered");
        assert!(recovery.note.contains("had landed"), "{}", recovery.note);
        assert!(reported.value["body"].as_str().unwrap().contains(&body));
    }
    assert_eq!(notes(&env, &contact).await.len(), 2, "each note once");
    env.stop().await;
}

#[tokio::test]
async fn a_note_refused_before_the_handler_is_sent_once_more() {
    let env = Env::start().await;
    let admin = admin(&env).await;
    let contact = env.contact("before@example.com", "Before").await;
    fault(
        &env,
        json!({"path_prefix": format!("/contacts/{contact}/notes"), "method": "POST", "when": "before", "status": 502}),
    )
    .await;
    let call = env
        .registry
        .prepare(
            "intercom_create_contact_note",
            json!({"contact_id": contact, "body": "only once", "admin_id": admin}),
        )
        .unwrap();
    let reported = call.run_reported(&env.client).await.unwrap();
    assert!(
        reported.recovery.unwrap().note.contains("had not landed"),
        "it was looked for, then sent"
    );
    assert_eq!(notes(&env, &contact).await.len(), 1);
    let log = env.take_log().await;
    let posts = log
        .iter()
        .filter(|l| l.starts_with("POST /contacts/") && l.ends_with("/notes"))
        .count();
    assert_eq!(posts, 2, "{log:?}");
    env.stop().await;
}

#[tokio::test]
async fn a_reply_applied_then_lost_answers_the_conversation() {
    let env = Env::start().await;
    let admin = admin(&env).await;
    let contact = env.contact("reply@example.com", "Reply").await;
    let conversation = env
        .conversation(&contact, "hello", jiff::Timestamp::now())
        .await;
    fault(
        &env,
        json!({"path_prefix": format!("/conversations/{conversation}/reply"), "when": "after", "status": 500}),
    )
    .await;
    let call = env
        .registry
        .prepare(
            "intercom_reply_to_conversation",
            json!({"conversation_id": conversation, "type": "admin", "message_type": "comment", "admin_id": admin, "body": "We are on it"}),
        )
        .unwrap();
    let reported = call.run_reported(&env.client).await.unwrap();
    assert!(reported.recovery.is_some());
    assert_eq!(reported.value["id"], json!(conversation));
    let conv = env
        .api(Request::get(format!("/conversations/{conversation}")))
        .await;
    let replies = conv["conversation_parts"]["conversation_parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["body"]
                .as_str()
                .is_some_and(|b| b.contains("We are on it"))
        })
        .count();
    assert_eq!(replies, 1);
    env.stop().await;
}

#[tokio::test]
async fn a_message_is_found_by_the_conversation_it_started_or_said_unknown() {
    let env = Env::start().await;
    let admin = admin(&env).await;
    let contact = env.contact("msg@example.com", "Msg").await;
    let message = |body: &str| json!({"message_type": "in_app", "body": body, "from": {"type": "admin", "id": admin.parse::<i64>().unwrap()}, "to": {"type": "user", "id": contact}});
    // Applied, then the answer lost: found among the contact's conversations, not sent again.
    fault(
        &env,
        json!({"path_prefix": "/messages", "when": "after", "status": 503}),
    )
    .await;
    let call = env
        .registry
        .prepare("intercom_create_message", message("landed"))
        .unwrap();
    let reported = call.run_reported(&env.client).await.unwrap();
    assert!(
        reported
            .recovery
            .expect("recovered")
            .note
            .contains("had landed"),
        "{}",
        reported.value
    );
    assert_eq!(reported.value["source"]["delivered_as"], "admin_initiated");
    // Refused before it landed: the search finds nothing, which proves nothing (the index
    // may lag), so the verdict is unknown with the way to check.
    fault(
        &env,
        json!({"path_prefix": "/messages", "when": "before", "status": 503}),
    )
    .await;
    let err = env
        .call_err("intercom_create_message", message("lost"))
        .await;
    let Some(Applied::Unknown { how_to_check }) = err.applied() else {
        panic!("{err:?}")
    };
    assert!(
        how_to_check.contains("intercom_search_conversations_by_customer"),
        "{how_to_check}"
    );
    assert!(err.to_string().contains("applied: unknown"), "{err}");
    let log = env.take_log().await;
    let posts = log.iter().filter(|l| *l == "POST /messages").count();
    assert_eq!(posts, 2, "each message sent once: {log:?}");
    // A write with no way to look says unknown and how to check.
    fault(
        &env,
        json!({"path_prefix": "/news/news_items", "when": "after", "status": 503}),
    )
    .await;
    let err = env
        .call_err(
            "intercom_create_news_item",
            json!({"title": "Launch", "sender_id": admin.parse::<i64>().unwrap()}),
        )
        .await;
    let Some(Applied::Unknown { how_to_check }) = err.applied() else {
        panic!("{err:?}")
    };
    assert!(
        how_to_check.contains("intercom_list_news_items"),
        "{how_to_check}"
    );
    // A validation error from Intercom: nothing was applied.
    let err = env
        .call_err(
            "intercom_create_contact_note",
            json!({"contact_id": "does-not-exist", "body": "x", "admin_id": admin}),
        )
        .await;
    assert!(matches!(err, ToolError::Api { .. }), "{err:?}");
    assert_eq!(err.applied(), Some(&Applied::No), "{err}");
    env.stop().await;
}

#[tokio::test]
async fn a_reopening_assignment_that_landed_is_found_not_sent_twice() {
    let env = Env::start().await;
    let admin = admin(&env).await;
    let contact = env.contact("reopen@example.com", "Reopen").await;
    let conversation = env
        .conversation(&contact, "hello", jiff::Timestamp::now())
        .await;
    env.call(
        "intercom_manage_conversation",
        json!({"conversation_id": conversation, "message_type": "close", "admin_id": admin}),
    )
    .await;
    fault(
        &env,
        json!({"path_prefix": format!("/conversations/{conversation}/parts"), "when": "after", "status": 502}),
    )
    .await;
    let call = env
        .registry
        .prepare(
            "intercom_manage_conversation",
            json!({"conversation_id": conversation, "message_type": "assignment", "admin_id": admin, "assignee_id": admin}),
        )
        .unwrap();
    let reported = call.run_reported(&env.client).await.unwrap();
    assert!(
        reported
            .recovery
            .expect("recovered")
            .note
            .contains("had landed"),
        "{}",
        reported.value
    );
    assert_eq!(reported.value["state"], "open");
    let conv = env
        .api(Request::get(format!("/conversations/{conversation}")))
        .await;
    let kinds: Vec<&str> = conv["conversation_parts"]["conversation_parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["part_type"].as_str())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "assign_and_reopen").count(),
        1,
        "{kinds:?}"
    );
    assert!(!kinds.contains(&"assignment"), "{kinds:?}");
    env.stop().await;
}

#[tokio::test]
async fn a_note_by_another_author_is_not_taken_for_this_one() {
    let env = Env::start().await;
    let admins = env.api(Request::get("/admins")).await;
    let ids: Vec<String> = admins["admins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    let (first, second) = (&ids[0], &ids[1]);
    let contact = env.contact("author@example.com", "Author").await;
    // The same words, by another admin, just before.
    env.call(
        "intercom_create_contact_note",
        json!({"contact_id": contact, "body": "Called back", "admin_id": second}),
    )
    .await;
    fault(
        &env,
        json!({"path_prefix": format!("/contacts/{contact}/notes"), "method": "POST", "when": "before", "status": 503}),
    )
    .await;
    let call = env
        .registry
        .prepare(
            "intercom_create_contact_note",
            json!({"contact_id": contact, "body": "Called back", "admin_id": first}),
        )
        .unwrap();
    let reported = call.run_reported(&env.client).await.unwrap();
    assert!(
        reported.recovery.unwrap().note.contains("had not landed"),
        "the other admin's note was not taken for it"
    );
    let notes = notes(&env, &contact).await;
    let authors: Vec<&Value> = notes.iter().map(|n| &n["author"]["id"]).collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(authors.contains(&&json!(first)) && authors.contains(&&json!(second)));
    env.stop().await;
}

#[tokio::test]
async fn a_write_whose_process_died_in_flight_is_found_by_the_next_one() {
    let env = Env::start().await;
    let admin = admin(&env).await;
    let contact = env.contact("died@example.com", "Died").await;
    let dir = std::env::temp_dir().join(format!("intercom-tools-ledger-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let process = || {
        intercom_client::Client::new(
            intercom_client::Config::new(intercom_sandbox::DEFAULT_TOKEN)
                .base_url(&env.base_url())
                .unwrap()
                .rate_limit_dir(Some(dir.clone()))
                // No shared rate budget: the dying process would hold its first-request probe.
                .pacing(false),
        )
        .unwrap()
    };
    let args = json!({"contact_id": contact, "body": "written once", "admin_id": admin});
    // The note is applied and its answer held; the first process dies waiting for it.
    fault(
        &env,
        json!({"path_prefix": format!("/contacts/{contact}/notes"), "method": "POST", "when": "after", "action": "hang", "hang_seconds": 60}),
    )
    .await;
    let first = process();
    let call = env
        .registry
        .prepare("intercom_create_contact_note", args.clone())
        .unwrap();
    let dying = tokio::spawn(async move { call.run_reported(&first).await.map(|_| ()) });
    loop {
        let faults = env.api(Request::get("/_sandbox/faults")).await;
        if faults["held"] == json!(1) {
            break;
        }
        tokio::task::yield_now().await;
    }
    dying.abort();
    let _ = dying.await;
    assert_eq!(notes(&env, &contact).await.len(), 1);
    env.clear_log().await;

    // The next process sends the same write: it looks first, finds it, and does not send it.
    let second = process();
    let reported = env
        .registry
        .prepare("intercom_create_contact_note", args)
        .unwrap()
        .run_reported(&second)
        .await
        .unwrap();
    let note = reported.recovery.expect("recovered").note;
    assert!(note.contains("never settled"), "{note}");
    assert_eq!(notes(&env, &contact).await.len(), 1, "not written twice");
    let log = env.take_log().await;
    assert!(
        !log.iter().any(|l| l.starts_with("POST")),
        "nothing was sent: {log:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    env.stop().await;
}

#[tokio::test]
async fn a_write_cancelled_in_flight_is_reconciled_not_forgotten() {
    let env = Env::start().await;
    let admin = admin(&env).await;
    let contact = env.contact("cancel@example.com", "Cancel").await;
    fault(
        &env,
        json!({"path_prefix": format!("/contacts/{contact}/notes"), "method": "POST", "when": "after", "action": "hang", "hang_seconds": 60}),
    )
    .await;
    let call = env
        .registry
        .prepare(
            "intercom_create_contact_note",
            json!({"contact_id": contact, "body": "cancelled in flight", "admin_id": admin}),
        )
        .unwrap();
    // Cancelled once the sandbox has applied the note and holds its answer.
    let cancelled = async {
        loop {
            let faults = env.api(Request::get("/_sandbox/faults")).await;
            if faults["held"] == json!(1) {
                break;
            }
            tokio::task::yield_now().await;
        }
    };
    let reported = call.run_until(&env.client, cancelled).await.unwrap();
    let note = reported
        .recovery
        .expect("settled after the cancellation")
        .note;
    assert!(
        note.contains("cancelled while a request was in flight"),
        "{note}"
    );
    assert_eq!(notes(&env, &contact).await.len(), 1);

    // Cancelled before anything was sent: nothing applied.
    let call = env
        .registry
        .prepare(
            "intercom_create_contact_note",
            json!({"contact_id": contact, "body": "never sent", "admin_id": admin}),
        )
        .unwrap();
    let err = call
        .run_until(&env.client, std::future::ready(()))
        .await
        .unwrap_err();
    assert_eq!(err.applied(), Some(&Applied::No), "{err}");
    assert_eq!(notes(&env, &contact).await.len(), 1);
    env.stop().await;
}
