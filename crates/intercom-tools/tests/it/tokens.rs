//! The result budget against a real tokenizer (o200k and cl100k BPE, from `tiktoken-rs`): the
//! estimate of [`estimate_tokens`] is never below the real count for the shapes tools return,
//! so a result cut to `max_tokens` fits `max_tokens` real tokens.

use intercom_sandbox::SandboxConfig;
use intercom_tools::Registry;
use intercom_tools::shape::estimate_tokens;
use serde_json::{Value, json};
use tiktoken_rs::CoreBPE;

use crate::harness::Env;

fn real(bpe: &CoreBPE, v: &Value) -> usize {
    bpe.encode_ordinary(&serde_json::to_string(v).unwrap())
        .len()
}

/// Results of every shape the tools produce, compact and full.
async fn shapes(env: &Env) -> Vec<(String, Value)> {
    let page = env
        .call("intercom_list_conversations", json!({"per_page": 5}))
        .await;
    let conversation = page["conversations"][0]["id"].as_str().unwrap().to_owned();
    let contacts = env
        .call("intercom_list_contacts", json!({"per_page": 5}))
        .await;
    let contact = contacts["data"][0]["id"].as_str().unwrap().to_owned();
    let tickets = env
        .call(
            "intercom_search_tickets",
            json!({"query": {"field": "open", "operator": "=", "value": true}}),
        )
        .await;
    let mut calls: Vec<(&str, Value)> = vec![
        ("intercom_list_conversations", json!({"per_page": 50})),
        (
            "intercom_search_conversations",
            json!({"query": {"field": "state", "operator": "=", "value": "open"}, "pagination": {"per_page": 50}}),
        ),
        (
            "intercom_retrieve_conversation",
            json!({"conversation_id": conversation}),
        ),
        ("intercom_list_contacts", json!({"per_page": 50})),
        (
            "intercom_search_contacts",
            json!({"query": {"field": "role", "operator": "=", "value": "user"}}),
        ),
        ("intercom_retrieve_contact", json!({"contact_id": contact})),
        ("intercom_list_companies", json!({})),
        ("intercom_list_admins", json!({})),
        ("intercom_list_teams", json!({})),
        ("intercom_list_tags", json!({})),
        ("intercom_list_segments", json!({})),
        ("intercom_identify_admin", json!({})),
        ("intercom_get_counts", json!({})),
        (
            "intercom_search_tickets",
            json!({"query": {"field": "open", "operator": "=", "value": true}}),
        ),
        (
            "intercom_search",
            json!({"query": "object_type:conversations state:open"}),
        ),
    ];
    if let Some(ticket) = tickets["tickets"][0]["id"].as_str() {
        calls.push(("intercom_retrieve_ticket", json!({"ticket_id": ticket})));
    }
    let mut out = Vec::new();
    for (name, args) in calls {
        for format in ["compact", "full"] {
            let mut args = args.clone();
            args["response_format"] = json!(format);
            args["max_tokens"] = json!(1_000_000);
            out.push((format!("{name} ({format})"), env.call(name, args).await));
        }
    }
    out
}

#[tokio::test]
async fn the_estimate_is_never_below_a_real_tokenizer() {
    let env = Env::start_with(
        SandboxConfig::default().contacts(60).conversations(60),
        Registry::builtin(),
    )
    .await;
    let o200k = tiktoken_rs::o200k_base().unwrap();
    let cl100k = tiktoken_rs::cl100k_base().unwrap();
    let mut report = Vec::new();
    let mut low = Vec::new();
    for (what, value) in shapes(&env).await {
        let bytes = serde_json::to_vec(&value).unwrap().len();
        let (o, c) = (real(&o200k, &value), real(&cl100k, &value));
        let estimate = estimate_tokens(&value);
        report.push(format!(
            "{what}: {bytes} bytes, o200k {o} ({:.2} b/t), cl100k {c} ({:.2} b/t), estimate {estimate}",
            bytes as f64 / o as f64,
            bytes as f64 / c as f64
        ));
        if estimate < o.max(c) {
            low.push(what);
        }
    }
    assert!(
        low.is_empty(),
        "estimate below the real count for {low:?}:\n{}",
        report.join("\n")
    );
    env.stop().await;
}

/// The case: a long page cut to a budget measures under that budget in real tokens.
#[tokio::test]
async fn a_page_cut_to_the_budget_fits_it_in_real_tokens() {
    let env = Env::start_with(
        SandboxConfig::default().contacts(150).conversations(150),
        Registry::builtin(),
    )
    .await;
    let o200k = tiktoken_rs::o200k_base().unwrap();
    let cl100k = tiktoken_rs::cl100k_base().unwrap();
    for (name, args) in [
        ("intercom_list_contacts", json!({"per_page": 150})),
        ("intercom_list_conversations", json!({"per_page": 150})),
        (
            "intercom_list_conversations",
            json!({"per_page": 150, "response_format": "full"}),
        ),
    ] {
        for budget in [2_000, 8_000] {
            let mut args = args.clone();
            args["max_tokens"] = json!(budget);
            let value = env.call(name, args.clone()).await;
            assert_eq!(value["truncated"], true, "{name} {args}: not cut");
            let (o, c) = (real(&o200k, &value), real(&cl100k, &value));
            assert!(
                o <= budget && c <= budget,
                "{name} {args}: o200k {o}, cl100k {c} over {budget}"
            );
            // and not absurdly under: at least half the budget is used.
            assert!(o * 2 >= budget, "{name} {args}: o200k {o} of {budget}");
        }
    }
    env.stop().await;
}
