//! The exactly-once soak: writes of every kind the catalog reconciles, against a sandbox on a
//! socket that faults a fraction of them before or after applying them (5xx, 429, connection
//! reset, hang), then the sandbox's state compared with what each caller was told: no
//! duplicates, nothing lost, no wrong verdict. Time is the client's test clock (a hang costs a
//! few milliseconds), and the sandbox stamps writes with the same clock.
//!
//! Shared by the test (a CI-sized run) and `cargo bench -p intercom-tools --bench soak`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use intercom_client::{Applied, Client, Clock as _, Config, Request, TestClock};
use intercom_sandbox::{DEFAULT_TOKEN, Sandbox, SandboxConfig};
use intercom_tools::{Registry, ShapeDefaults, ToolError};
use serde_json::{Value, json};

/// The sandbox's clock: the client's test clock, so "since the attempt" means the same to both.
#[derive(Debug)]
struct SharedClock(TestClock);

impl intercom_sandbox::Clock for SharedClock {
    fn now(&self) -> i64 {
        i64::try_from(self.0.unix().as_secs()).unwrap_or(i64::MAX)
    }
}

/// What a caller was told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Told {
    /// Success (possibly recovered after an ambiguous failure), or `applied: yes`.
    Applied,
    No,
    Unknown,
}

/// The counts of one soak run.
#[derive(Debug, Default, Clone)]
pub struct Counts {
    pub writes: usize,
    pub faulted: usize,
    pub succeeded: usize,
    pub recovered: usize,
    pub verdict_yes: usize,
    pub verdict_no: usize,
    pub verdict_unknown: usize,
    pub duplicates: usize,
    pub lost: usize,
    pub wrong_verdicts: usize,
    /// Writes per tool.
    pub kinds: BTreeMap<&'static str, usize>,
    /// What went wrong, one line each (empty when all is well).
    pub problems: Vec<String>,
    pub elapsed: Duration,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "writes {} (faulted {}), kinds {}",
            self.writes,
            self.faulted,
            self.kinds.len()
        )?;
        writeln!(
            f,
            "told: succeeded {} (recovered {}), applied yes {}, no {}, unknown {}",
            self.succeeded, self.recovered, self.verdict_yes, self.verdict_no, self.verdict_unknown
        )?;
        writeln!(
            f,
            "duplicates {}, lost {}, wrong verdicts {}",
            self.duplicates, self.lost, self.wrong_verdicts
        )?;
        for (kind, n) in &self.kinds {
            writeln!(f, "  {kind}: {n}")?;
        }
        for p in self.problems.iter().take(20) {
            writeln!(f, "  problem: {p}")?;
        }
        write!(f, "time {:.2?}", self.elapsed)
    }
}

/// A tiny deterministic generator (xorshift64*), so a run is the same for a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// How to count, afterwards, the objects one write made.
#[derive(Debug, Clone)]
enum Probe {
    /// Contacts with this email.
    ContactEmail(String),
    /// A company with this company_id.
    Company(String),
    /// Tags with this name.
    Tag(String),
    /// Notes of a contact with this body.
    ContactNote { contact: String, body: String },
    /// Parts of a conversation with this body.
    ConversationPart { conversation: String, body: String },
    /// Parts of a ticket with this body.
    TicketPart { ticket: String, body: String },
    /// Tickets with this title.
    Ticket(String),
    /// The user's events with this name.
    Event { user_id: String, name: String },
    /// Conversations started by a contact with this body.
    Conversation { contact: String, body: String },
    /// The contact's name is this (an update: 1 when it is, 0 otherwise).
    ContactName { contact: String, name: String },
    /// Conversations of a contact whose source is an admin's message with this body.
    Message { contact: String, body: String },
    /// Contact data attributes with this name.
    DataAttribute(String),
    /// Ticket types with this name.
    TicketType(String),
    /// Parts of these types (an assignment's, whether it reopened or not) in a conversation
    /// made for the one state change.
    StatePart {
        conversation: String,
        part_types: &'static [&'static str],
    },
}

struct Fixture {
    admin: String,
    contacts: Vec<(String, String)>,
    /// Recipients of admin messages (their own, so each has a short list of conversations).
    recipients: Vec<String>,
    /// The contact that starts the conversations the state changes work on.
    state_contact: String,
    conversations: Vec<String>,
    tickets: Vec<String>,
    ticket_type: String,
}

/// How many kinds of write the run cycles through (`i % KINDS` picks one).
const KINDS: usize = 14;

/// Runs `n` writes with `fault_percent` of them faulted, and checks the sandbox afterwards.
pub async fn run(n: usize, fault_percent: u64, seed: u64) -> Counts {
    let wall = Instant::now();
    let clock = TestClock::at_unix(1_800_000_000).with_hang_after(Duration::from_millis(100));
    let running = Sandbox::open(
        SandboxConfig::default()
            .contacts(20)
            .conversations(20)
            .tickets(10)
            // 429s come from the injected faults only: the sandbox's window runs on the test
            // clock, which the checking client (on real time) does not move.
            .rate_limit_per_window(1_000_000)
            .clock(Arc::new(SharedClock(clock.clone()))),
    )
    .unwrap()
    .bind("127.0.0.1:0".parse().unwrap())
    .await
    .unwrap();
    let client = Client::with_clock(
        Config::new(DEFAULT_TOKEN)
            .base_url(&running.base_url())
            .unwrap(),
        Arc::new(clock.clone()),
    )
    .unwrap();
    // Checking the state afterwards takes real time, not the test clock's simulated hangs: a
    // long conversation read on a loaded machine must not time out.
    let checker = Client::new(
        Config::new(DEFAULT_TOKEN)
            .base_url(&running.base_url())
            .unwrap(),
    )
    .unwrap();
    let registry = Registry::builtin().with_shaping(ShapeDefaults::RAW);
    let fixture = fixture(&checker).await;
    let mut rng = Rng(seed.max(1));
    let mut counts = Counts::default();
    let mut written: Vec<(Probe, Told)> = Vec::with_capacity(n);

    for i in 0..n {
        // A state change works on a conversation of its own, so its parts count it alone.
        let own = if i % KINDS == 11 {
            Some(state_conversation(&checker, &fixture, i).await)
        } else {
            None
        };
        let (tool, mut args, probe, method, path) = write(i, &fixture, own, &mut rng);
        if args
            .as_object_mut()
            .unwrap()
            .remove("_closed_first")
            .is_some()
        {
            close(&checker, &fixture, &args["conversation_id"]).await;
        }
        if rng.below(100) < fault_percent {
            counts.faulted += 1;
            let when = if rng.below(2) == 0 { "before" } else { "after" };
            let mut fault = json!({"path_prefix": path, "method": method, "when": when});
            let action = match rng.below(6) {
                0 => json!({"action": "reset"}),
                1 => json!({"action": "hang", "hang_seconds": 1}),
                2 if when == "before" => json!({"status": 429, "retry_after": 1}),
                _ => {
                    let status = [500, 502, 503, 504][pick_index(&mut rng, 4)];
                    json!({ "status": status })
                }
            };
            fault
                .as_object_mut()
                .unwrap()
                .extend(action.as_object().unwrap().clone());
            client
                .json(&Request::post("/_sandbox/faults", fault))
                .await
                .unwrap();
        }
        *counts.kinds.entry(tool).or_default() += 1;
        counts.writes += 1;
        let call = registry.prepare(tool, args.clone()).unwrap();
        let told = match call.run_reported(&client).await {
            Ok(reported) => {
                counts.succeeded += 1;
                if reported.recovery.is_some() {
                    counts.recovered += 1;
                }
                Told::Applied
            }
            Err(err @ ToolError::Api { .. }) => match err.applied() {
                Some(Applied::Yes) => {
                    counts.verdict_yes += 1;
                    Told::Applied
                }
                Some(Applied::No) => {
                    counts.verdict_no += 1;
                    Told::No
                }
                Some(Applied::Unknown { how_to_check }) => {
                    assert!(!how_to_check.is_empty());
                    counts.verdict_unknown += 1;
                    Told::Unknown
                }
                _ => panic!("{tool} {args}: a write failed without a verdict: {err}"),
            },
            Err(err) => panic!("{tool} {args}: {err}"),
        };
        // Any fault left unfired (the write went another way) must not hit the next write.
        client
            .send(&Request::delete("/_sandbox/faults"))
            .await
            .unwrap();
        written.push((probe, told));
    }

    // Answers held by hangs end when their client went away; wait for the last of them.
    for _ in 0..300 {
        let faults = client
            .json(&Request::get("/_sandbox/faults"))
            .await
            .unwrap();
        if faults["held"] == json!(0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for (i, (probe, told)) in written.iter().enumerate() {
        // A later update of the same contact overwrites an earlier one's name.
        if let Probe::ContactName { contact, .. } = probe
            && written[i + 1..]
                .iter()
                .any(|(p, _)| matches!(p, Probe::ContactName { contact: c, .. } if c == contact))
        {
            continue;
        }
        let found = count(&checker, probe).await;
        let problem = match (told, found) {
            (_, n) if n > 1 => {
                counts.duplicates += 1;
                Some("duplicated")
            }
            (Told::Applied, 0) => {
                counts.lost += 1;
                Some("told applied, not there")
            }
            (Told::No, 1) => {
                counts.wrong_verdicts += 1;
                Some("told not applied, but it is there")
            }
            _ => None,
        };
        if let Some(p) = problem {
            counts
                .problems
                .push(format!("{probe:?}: {p} ({told:?}, found {found})"));
        }
    }
    running.shutdown().await;
    counts.elapsed = wall.elapsed();
    counts
}

async fn fixture(client: &Client) -> Fixture {
    let admins = client.json(&Request::get("/admins")).await.unwrap();
    let admin = admins["admins"][0]["id"].as_str().unwrap().to_owned();
    let mut contacts = Vec::new();
    for i in 0..8 {
        let email = format!("soak-user-{i}@example.com");
        let c = client
            .json(&Request::post(
                "/contacts",
                json!({"role": "user", "email": email, "external_id": format!("soak-{i}")}),
            ))
            .await
            .unwrap();
        contacts.push((c["id"].as_str().unwrap().to_owned(), format!("soak-{i}")));
    }
    let mut recipients = Vec::new();
    for i in 0..12 {
        let c = client
            .json(&Request::post(
                "/contacts",
                json!({"role": "user", "email": format!("soak-recipient-{i}@example.com")}),
            ))
            .await
            .unwrap();
        recipients.push(c["id"].as_str().unwrap().to_owned());
    }
    let state_contact = client
        .json(&Request::post(
            "/contacts",
            json!({"role": "user", "email": "soak-states@example.com"}),
        ))
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut conversations = Vec::new();
    for (id, _) in &contacts {
        let m = client
            .json(&Request::post(
                "/conversations",
                json!({"from": {"type": "user", "id": id}, "body": format!("start {id}")}),
            ))
            .await
            .unwrap();
        conversations.push(m["conversation_id"].as_str().unwrap().to_owned());
    }
    // A type of its own: only the default title and description attributes.
    let ticket_type = client
        .json(&Request::post(
            "/ticket_types",
            json!({"name": "Soak", "category": "Customer"}),
        ))
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut tickets = Vec::new();
    for (id, _) in contacts.iter().take(4) {
        let t = client
            .json(&Request::post(
                "/tickets",
                json!({"ticket_type_id": ticket_type, "contacts": [{"id": id}],
                       "ticket_attributes": {"_default_title_": format!("fixture {id}")}}),
            ))
            .await
            .unwrap();
        tickets.push(t["id"].as_str().unwrap().to_owned());
    }
    Fixture {
        admin,
        contacts,
        recipients,
        state_contact,
        conversations,
        tickets,
        ticket_type,
    }
}

/// The `i`th write: tool, arguments, how to count it, and the method and path a fault targets.
fn write(
    i: usize,
    f: &Fixture,
    own_conversation: Option<String>,
    rng: &mut Rng,
) -> (&'static str, Value, Probe, &'static str, String) {
    let pick = |rng: &mut Rng, len: usize| rng.below(len as u64) as usize;
    let marker = format!("soak {i}");
    match i % KINDS {
        10 => {
            let contact = f.recipients[pick(rng, f.recipients.len())].clone();
            let mut args = json!({"message_type": "in_app", "body": marker,
                                  "from": {"type": "admin", "id": f.admin.parse::<i64>().unwrap()},
                                  "to": {"type": "user", "id": contact}});
            if rng.below(2) == 0 {
                args["message_type"] = json!("email");
                args["subject"] = json!(format!("subject {i}"));
                args["template"] = json!("plain");
            }
            (
                "intercom_create_message",
                args,
                Probe::Message {
                    contact,
                    body: marker,
                },
                "POST",
                "/messages".to_owned(),
            )
        }
        11 => {
            // Each state change works on a conversation of its own (made, and closed when the
            // change needs a closed one, by prepare_state_change), so its parts count it alone.
            let conversation = own_conversation.expect("a conversation of its own");
            let path = format!("/conversations/{conversation}/parts");
            const ASSIGNED: &[&str] = &["assignment", "assign_and_reopen"];
            let (action, part_types) = [
                ("close", &["close"][..]),
                ("open", &["open"]),
                ("snoozed", &["snoozed"]),
                ("assignment", ASSIGNED),
                ("reopen", ASSIGNED),
            ][pick(rng, 5)];
            let mut args = json!({"conversation_id": conversation, "admin_id": f.admin,
                                  "message_type": action});
            match action {
                "snoozed" => args["snoozed_until"] = json!(1_900_000_000 + i),
                "assignment" | "reopen" => {
                    args["message_type"] = json!("assignment");
                    args["assignee_id"] = json!(f.admin);
                    args["body"] = json!(marker);
                    if action == "reopen" {
                        args["_closed_first"] = json!(true);
                    }
                }
                "close" => args["body"] = json!(marker),
                _ => args["_closed_first"] = json!(true),
            }
            (
                "intercom_manage_conversation",
                args,
                Probe::StatePart {
                    conversation,
                    part_types,
                },
                "POST",
                path,
            )
        }
        0 => {
            let email = format!("soak-{i}@example.com");
            (
                "intercom_create_contact",
                json!({"role": "user", "email": email, "name": marker}),
                Probe::ContactEmail(email),
                "POST",
                "/contacts".to_owned(),
            )
        }
        1 => {
            let id = format!("soak-co-{i}");
            (
                "intercom_create_or_update_company",
                json!({"company_id": id, "name": marker}),
                Probe::Company(id),
                "POST",
                "/companies".to_owned(),
            )
        }
        2 => {
            let name = format!("soak-tag-{i}");
            (
                "intercom_create_or_update_tag",
                json!({"name": name}),
                Probe::Tag(name),
                "POST",
                "/tags".to_owned(),
            )
        }
        3 => {
            let (contact, _) = f.contacts[pick(rng, f.contacts.len())].clone();
            let path = format!("/contacts/{contact}/notes");
            (
                "intercom_create_contact_note",
                json!({"contact_id": contact, "body": marker, "admin_id": f.admin}),
                Probe::ContactNote {
                    contact,
                    body: marker,
                },
                "POST",
                path,
            )
        }
        4 | 9 => {
            let conversation = f.conversations[pick(rng, f.conversations.len())].clone();
            let path = format!("/conversations/{conversation}/reply");
            let kind = if i % KINDS == 4 { "comment" } else { "note" };
            (
                "intercom_reply_to_conversation",
                json!({"conversation_id": conversation, "type": "admin", "message_type": kind,
                       "admin_id": f.admin, "body": marker}),
                Probe::ConversationPart {
                    conversation,
                    body: marker,
                },
                "POST",
                path,
            )
        }
        5 => {
            let (contact, _) = f.contacts[pick(rng, f.contacts.len())].clone();
            (
                "intercom_create_ticket",
                json!({"ticket_type_id": f.ticket_type, "contacts": [{"id": contact}],
                       "ticket_attributes": {"_default_title_": marker}}),
                Probe::Ticket(marker),
                "POST",
                "/tickets".to_owned(),
            )
        }
        6 => {
            let ticket = f.tickets[pick(rng, f.tickets.len())].clone();
            let path = format!("/tickets/{ticket}/reply");
            (
                "intercom_reply_to_ticket",
                json!({"ticket_id": ticket, "type": "admin", "message_type": "comment",
                       "admin_id": f.admin, "body": marker}),
                Probe::TicketPart {
                    ticket,
                    body: marker,
                },
                "POST",
                path,
            )
        }
        12 => {
            let name = format!("soak_attribute_{i}");
            (
                "intercom_create_data_attribute",
                json!({"name": name, "model": "contact", "data_type": "string"}),
                Probe::DataAttribute(name),
                "POST",
                "/data_attributes".to_owned(),
            )
        }
        13 => {
            let name = format!("Soak type {i}");
            (
                "intercom_create_ticket_type",
                json!({"name": name, "category": "Customer"}),
                Probe::TicketType(name),
                "POST",
                "/ticket_types".to_owned(),
            )
        }
        7 => {
            let (_, user_id) = f.contacts[pick(rng, f.contacts.len())].clone();
            let name = format!("soak-event-{i}");
            (
                "intercom_create_data_event",
                json!({"event_name": name, "created_at": 1_700_000_000 + i, "user_id": user_id}),
                Probe::Event { user_id, name },
                "POST",
                "/events".to_owned(),
            )
        }
        _ => {
            let (contact, _) = f.contacts[pick(rng, f.contacts.len())].clone();
            if rng.below(2) == 0 {
                (
                    "intercom_create_conversation",
                    json!({"from": {"type": "user", "id": contact}, "body": marker}),
                    Probe::Conversation {
                        contact,
                        body: marker,
                    },
                    "POST",
                    "/conversations".to_owned(),
                )
            } else {
                let path = format!("/contacts/{contact}");
                (
                    "intercom_update_contact",
                    json!({"contact_id": contact, "name": marker}),
                    Probe::ContactName {
                        contact,
                        name: marker,
                    },
                    "PUT",
                    path,
                )
            }
        }
    }
}

/// A new conversation of the state changes' contact.
async fn state_conversation(client: &Client, f: &Fixture, i: usize) -> String {
    let m = client
        .json(&Request::post(
            "/conversations",
            json!({"from": {"type": "user", "id": f.state_contact}, "body": format!("state {i}")}),
        ))
        .await
        .unwrap();
    m["conversation_id"].as_str().unwrap().to_owned()
}

/// Closes a conversation (unfaulted), for a change that needs a closed one.
async fn close(client: &Client, f: &Fixture, conversation: &Value) {
    let conversation = conversation.as_str().unwrap();
    client
        .json(&Request::post(
            format!("/conversations/{conversation}/parts"),
            json!({"message_type": "close", "type": "admin", "admin_id": f.admin}),
        ))
        .await
        .unwrap();
}

fn pick_index(rng: &mut Rng, len: usize) -> usize {
    usize::try_from(rng.below(len as u64)).unwrap_or(0)
}

fn matching(items: Option<&Value>, key: &str, value: &str) -> usize {
    items.and_then(Value::as_array).map_or(0, |items| {
        items
            .iter()
            .filter(|item| {
                item.pointer(key)
                    .and_then(Value::as_str)
                    .is_some_and(|v| v == value || strip(v) == value)
            })
            .count()
    })
}

fn strip(html: &str) -> String {
    let mut out = String::new();
    let mut tag = false;
    for c in html.chars() {
        match c {
            '<' => tag = true,
            '>' => tag = false,
            _ if !tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_owned()
}

async fn search(client: &Client, path: &str, field: &str, value: &str) -> Value {
    client
        .json(
            &Request::post(
                path,
                json!({"query": {"field": field, "operator": "=", "value": value},
                       "pagination": {"per_page": 150}}),
            )
            .idempotent(),
        )
        .await
        .unwrap()
}

/// How many objects the write of `probe` made.
async fn count(client: &Client, probe: &Probe) -> usize {
    let get = |path: String| async move { client.json(&Request::get(path)).await.unwrap() };
    match probe {
        Probe::ContactEmail(email) => {
            let found = search(client, "/contacts/search", "email", email).await;
            matching(found.get("data"), "/email", email)
        }
        Probe::Company(id) => {
            match client
                .json(&Request::get("/companies").query("company_id", id))
                .await
            {
                Ok(c) => matching(c.get("data"), "/company_id", id),
                Err(e) if e.status() == Some(404) => 0,
                Err(e) => panic!("{e}"),
            }
        }
        Probe::Tag(name) => matching(get("/tags".into()).await.get("data"), "/name", name),
        Probe::DataAttribute(name) => matching(
            client
                .json(&Request::get("/data_attributes").query("model", "contact"))
                .await
                .unwrap()
                .get("data"),
            "/name",
            name,
        ),
        Probe::TicketType(name) => {
            matching(get("/ticket_types".into()).await.get("data"), "/name", name)
        }
        Probe::ContactNote { contact, body } => {
            let notes = client
                .json(&Request::get(format!("/contacts/{contact}/notes")).query("per_page", "250"))
                .await
                .unwrap();
            assert!(
                notes.pointer("/pages/next").is_none_or(Value::is_null),
                "{notes}"
            );
            matching(notes.get("data"), "/body", body)
        }
        Probe::ConversationPart { conversation, body } => matching(
            get(format!("/conversations/{conversation}"))
                .await
                .pointer("/conversation_parts/conversation_parts"),
            "/body",
            body,
        ),
        Probe::TicketPart { ticket, body } => matching(
            get(format!("/tickets/{ticket}"))
                .await
                .pointer("/ticket_parts/ticket_parts"),
            "/body",
            body,
        ),
        Probe::Ticket(title) => {
            let found = search(client, "/tickets/search", "title", title).await;
            matching(
                found.get("tickets"),
                "/ticket_attributes/_default_title_",
                title,
            )
        }
        Probe::Event { user_id, name } => {
            let events = client
                .json(
                    &Request::get("/events")
                        .query("type", "user")
                        .query("user_id", user_id)
                        .query("per_page", "250"),
                )
                .await
                .unwrap();
            matching(events.get("events"), "/event_name", name)
        }
        Probe::Conversation { contact, body } => {
            let found = search(client, "/conversations/search", "source.author.id", contact).await;
            matching(found.get("conversations"), "/source/body", body)
        }
        Probe::ContactName { contact, name } => {
            let c = get(format!("/contacts/{contact}")).await;
            usize::from(c["name"] == json!(name))
        }
        Probe::Message { contact, body } => {
            let found = search(client, "/conversations/search", "contact_ids", contact).await;
            assert!(
                found.pointer("/pages/next").is_none_or(Value::is_null),
                "more than a page of conversations for {contact}"
            );
            let conversations = found["conversations"].as_array().unwrap();
            conversations
                .iter()
                .filter(|c| c["source"]["delivered_as"] == "admin_initiated")
                .filter(|c| {
                    c["source"]["body"]
                        .as_str()
                        .is_some_and(|b| strip(b) == *body)
                })
                .count()
        }
        Probe::StatePart {
            conversation,
            part_types,
        } => {
            let c = get(format!("/conversations/{conversation}")).await;
            c["conversation_parts"]["conversation_parts"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| {
                    p["part_type"]
                        .as_str()
                        .is_some_and(|t| part_types.contains(&t))
                })
                .count()
        }
    }
}

#[cfg(test)]
mod tests {
    /// A CI-sized soak: every kind, 20% of the writes faulted before or after they apply.
    #[tokio::test]
    async fn every_write_lands_once_and_every_caller_is_told_the_truth() {
        let counts = super::run(300, 20, 9).await;
        println!("{counts}");
        assert!(counts.faulted > 30, "{counts}");
        assert_eq!(counts.kinds.len(), 14, "{counts}");
        assert_eq!(
            (counts.duplicates, counts.lost, counts.wrong_verdicts),
            (0, 0, 0),
            "{counts}"
        );
        assert!(counts.recovered > 0, "{counts}");
    }
}
