//! The demo tickets: the workspace's ticket states, three ticket types with attributes, and
//! tickets across every state, linked to demo contacts, many assigned, with replies and notes.
//!
//! Everything here draws from stream 1 of the seed's ChaCha generator (the rest of the demo data
//! uses stream 0), and runs after the rest is stored, so adding tickets changes nothing else.

use rand::seq::SliceRandom;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value, json};

use super::{DAY, Workspace, epoch, pick};
use crate::api::model::{
    AttributeSpec, DEFAULT_DESCRIPTION, DEFAULT_TITLE, TICKET_ATTRIBUTE_IDS, TICKET_IDS,
    TICKET_NUMBERS, TICKET_PART_IDS, TICKET_STATE_IDS, TICKET_TYPE_IDS, blank_ticket,
    blank_ticket_type, contact_reference, derive_ticket, push_ticket_part, state_reference,
    ticket_admin_author, ticket_contact_author, ticket_keys, ticket_part, ticket_state_doc,
    ticket_state_part, ticket_type_attribute, ticket_type_keys,
};
use crate::store::{Key, Keys, Kind, Order, Rel, Store};

/// The meta key that marks a store whose tickets are seeded.
pub(super) const SEEDED: &str = "tickets_seeded";

const ALL: usize = usize::MAX >> 2;

/// The workspace's ticket states: (category, internal label, external label).
const STATES: &[(&str, &str, &str)] = &[
    ("submitted", "Submitted", "Submitted"),
    ("in_progress", "In progress", "In progress"),
    (
        "waiting_on_customer",
        "Waiting on customer",
        "Waiting on you",
    ),
    ("resolved", "Resolved", "Resolved"),
    ("in_progress", "With engineering", "In progress"),
    ("resolved", "Refund issued", "Refunded"),
];

/// An attribute beyond the built-in title and description.
struct Attr {
    name: &'static str,
    description: &'static str,
    data_type: &'static str,
    /// List labels, or for strings whether the input is multi-line ("multiline").
    options: &'static [&'static str],
    required: bool,
}

/// A demo ticket's words: its title and description, the teammate's reply, question and
/// resolution, the customer's answer, and an internal note.
struct Topic {
    title: &'static str,
    description: &'static str,
    reply: &'static str,
    ask: &'static str,
    answer: &'static str,
    resolution: &'static str,
    note: &'static str,
    /// Free text for the type's string attribute (affected area, order reference prefix, ...).
    detail: &'static str,
}

struct TypeDef {
    name: &'static str,
    description: &'static str,
    icon: &'static str,
    category: &'static str,
    title_required: bool,
    attributes: &'static [Attr],
    /// Indexes into [`STATES`] the type offers, in order.
    states: &'static [usize],
    /// Team (by name) that works these tickets.
    team: &'static str,
    /// Tag (by name) some of these tickets get.
    tag: &'static str,
    /// Share of the demo tickets, in percent.
    weight: u32,
    topics: &'static [Topic],
}

const BUG_TOPICS: &[Topic] = &[
    Topic {
        title: "CSV export times out for large reports",
        description: "Exporting the quarterly revenue report to CSV spins for a minute and then fails with a timeout.",
        reply: "<p>Thanks for the detailed report. I can reproduce the timeout on reports over 50,000 rows and have passed it to our engineers.</p>",
        ask: "<p>Could you tell us roughly how many rows the report has and which filters you apply?</p>",
        answer: "<p>About 80,000 rows, filtered to the EMEA region and the last quarter.</p>",
        resolution: "<p>A fix for large exports shipped this morning; exports now stream and finish in seconds. Could you give it another try?</p>",
        note: "<p>Export worker hits the 60 s request limit. Engineering ticket ENG-4411.</p>",
        detail: "Reports",
    },
    Topic {
        title: "Slack notifications missing for private channels",
        description: "Alerts for our private #ops channel stopped arriving; public channels still work.",
        reply: "<p>Thanks for flagging this. It looks specific to private channels, and I've escalated it to the integrations team.</p>",
        ask: "<p>Could you confirm the Slack app is still a member of the private channel?</p>",
        answer: "<p>Yes, the app is listed in the channel's integrations.</p>",
        resolution: "<p>The integrations team fixed delivery to private channels. Notifications should be flowing again.</p>",
        note: "<p>Linked to incident INC-2231 (private channel delivery).</p>",
        detail: "Integrations",
    },
    Topic {
        title: "iOS app crashes on login with Google",
        description: "The iOS app closes immediately after tapping \"Sign in with Google\" on iOS 17.4.",
        reply: "<p>Sorry about that! We've reproduced the crash on iOS 17.4 with Google sign-in.</p>",
        ask: "<p>Which version of the app do you have installed? You'll find it under Settings &gt; About.</p>",
        answer: "<p>Version 5.2.0.</p>",
        resolution: "<p>Version 5.2.1 with the fix is now in the App Store. Updating should solve it.</p>",
        note: "<p>Crash in the SSO callback on iOS 17.4. Tracked in MOB-118.</p>",
        detail: "Mobile app",
    },
    Topic {
        title: "Dashboard charts show no data after midnight UTC",
        description: "Between midnight and 1am UTC every chart on the dashboard is empty.",
        reply: "<p>Thanks! This looks like a time zone boundary issue in the dashboard queries. Engineering is looking at it.</p>",
        ask: "<p>Which time zone is set on your workspace and on your user profile?</p>",
        answer: "<p>Workspace is Europe/Dublin, my profile is America/New_York.</p>",
        resolution: "<p>We fixed how the dashboard picks the day boundary. Charts now show data at every hour.</p>",
        note: "<p>Day bucketing used UTC instead of the workspace zone.</p>",
        detail: "Dashboard",
    },
    Topic {
        title: "Webhook retries never stop after a 410",
        description: "Our endpoint answers 410 Gone for deleted records but your webhooks keep retrying for days.",
        reply: "<p>Good catch: a 410 should stop retries. I've raised it with the platform team.</p>",
        ask: "<p>Could you share the subscription id of the webhook in question?</p>",
        answer: "<p>It's whsub_5521.</p>",
        resolution: "<p>Webhooks now stop retrying on 410 responses. The queued retries for whsub_5521 were cleared.</p>",
        note: "<p>Retry policy treated 410 like 5xx.</p>",
        detail: "Webhooks",
    },
    Topic {
        title: "Invoice PDF shows the wrong VAT rate",
        description: "Our March invoice PDF lists 20% VAT but we're billed at 23% (Ireland).",
        reply: "<p>Thanks for spotting that. The amounts are right but the PDF label is wrong; we're fixing the template.</p>",
        ask: "<p>Is the VAT number on your billing profile the Irish one?</p>",
        answer: "<p>Yes, IE1234567T.</p>",
        resolution: "<p>The invoice template is fixed and a corrected PDF of your March invoice is in Settings &gt; Billing.</p>",
        note: "<p>PDF template used the default rate instead of the customer's country rate.</p>",
        detail: "Billing",
    },
];

const REFUND_TOPICS: &[Topic] = &[
    Topic {
        title: "Duplicate charge on the March invoice",
        description: "Our card was charged twice for the March invoice.",
        reply: "<p>Thanks for letting us know. I can see the duplicate payment and I'm looking into a refund.</p>",
        ask: "<p>Could you confirm the last four digits of the card that was charged?</p>",
        answer: "<p>It ends in 4242.</p>",
        resolution: "<p>The duplicate payment has been refunded; it should reach your card within 5-10 business days.</p>",
        note: "<p>Gateway timeout caused a retry and a second capture.</p>",
        detail: "INV-2025-03",
    },
    Topic {
        title: "Refund for the outage on 12 May",
        description: "We lost most of a working day to the outage and would like a service credit.",
        reply: "<p>I'm sorry for the disruption. Service credits for that incident are being processed and I've added your account.</p>",
        ask: "<p>Would you prefer a refund to your card or a credit on your next invoice?</p>",
        answer: "<p>A credit on the next invoice is fine.</p>",
        resolution: "<p>A credit for one day of service has been applied to your next invoice.</p>",
        note: "<p>Eligible under the SLA: 6 h 40 min downtime.</p>",
        detail: "SLA-0512",
    },
    Topic {
        title: "Refund after downgrading to Starter",
        description: "We downgraded from Pro to Starter mid-cycle and expected a prorated refund.",
        reply: "<p>Thanks! Downgrades are prorated as a credit by default, but I can turn it into a refund.</p>",
        ask: "<p>Can you confirm the date you downgraded?</p>",
        answer: "<p>On the 14th.</p>",
        resolution: "<p>The prorated difference has been refunded to your card.</p>",
        note: "<p>Manual refund; proration credit reversed.</p>",
        detail: "INV-2025-04",
    },
    Topic {
        title: "Charged after cancelling",
        description: "I cancelled last month but was still charged this month.",
        reply: "<p>Sorry about that. The cancellation was scheduled for the end of the term, which is why this charge went through.</p>",
        ask: "<p>Would you like me to cancel immediately and refund the current period?</p>",
        answer: "<p>Yes please.</p>",
        resolution: "<p>Your subscription is cancelled and this month's charge is refunded.</p>",
        note: "<p>Customer expected immediate cancellation; the cancel dialog copy is unclear.</p>",
        detail: "INV-2025-06",
    },
    Topic {
        title: "Annual plan charged at the monthly rate",
        description: "We switched to annual billing but were charged 12 times the monthly price.",
        reply: "<p>Thanks for reaching out. The annual discount wasn't applied; I'm correcting it now.</p>",
        ask: "<p>Could you share the invoice number?</p>",
        answer: "<p>INV-2025-0117.</p>",
        resolution: "<p>The difference (two months' price) has been refunded.</p>",
        note: "<p>Coupon for the annual discount was not attached at checkout.</p>",
        detail: "INV-2025-0117",
    },
];

const ACCESS_TOPICS: &[Topic] = &[
    Topic {
        title: "Admin console access for the new team lead",
        description: "The new support team lead needs admin console access from Monday.",
        reply: "<p>Request received; waiting on approval from the workspace owner.</p>",
        ask: "<p>Which workspace should the access cover?</p>",
        answer: "<p>The EMEA workspace only.</p>",
        resolution: "<p>Access granted and confirmed with the requester.</p>",
        note: "<p>Approved by the head of support.</p>",
        detail: "",
    },
    Topic {
        title: "Billing portal access for finance",
        description: "Finance needs read access to the billing portal for the audit.",
        reply: "<p>Looking into it; billing access needs approval from the billing specialist.</p>",
        ask: "<p>How long does the audit run?</p>",
        answer: "<p>Until the end of the quarter.</p>",
        resolution: "<p>Read-only billing access granted until the end of the quarter.</p>",
        note: "<p>Time-boxed access, expires with the audit.</p>",
        detail: "",
    },
    Topic {
        title: "Read-only warehouse access for an analyst",
        description: "An analyst on the data team needs read-only access to the data warehouse.",
        reply: "<p>On it. Warehouse access goes through the data team's approval.</p>",
        ask: "<p>Which schemas does the analyst need?</p>",
        answer: "<p>Only the support_metrics schema.</p>",
        resolution: "<p>Read-only access to support_metrics granted.</p>",
        note: "<p>Least privilege: one schema.</p>",
        detail: "",
    },
    Topic {
        title: "Revoke production access for a contractor",
        description: "The contractor's engagement ended; please revoke their production access.",
        reply: "<p>Revocation scheduled.</p>",
        ask: "<p>Should their personal API tokens be revoked as well?</p>",
        answer: "<p>Yes, revoke everything.</p>",
        resolution: "<p>All access and tokens revoked.</p>",
        note: "<p>Offboarding checklist completed.</p>",
        detail: "",
    },
];

const TYPES: &[TypeDef] = &[
    TypeDef {
        name: "Bug report",
        description: "A defect a customer ran into, tracked until engineering ships a fix.",
        icon: "\u{1F41E}",
        category: "Customer",
        title_required: true,
        attributes: &[
            Attr {
                name: "Severity",
                description: "How badly the bug affects the customer.",
                data_type: "list",
                options: &["Low", "Medium", "High", "Critical"],
                required: true,
            },
            Attr {
                name: "Affected area",
                description: "The part of the product where the bug shows.",
                data_type: "string",
                options: &[],
                required: false,
            },
            Attr {
                name: "Steps to reproduce",
                description: "What to do to see the bug.",
                data_type: "string",
                options: &["multiline"],
                required: false,
            },
            Attr {
                name: "Reproducible",
                description: "Whether the team could reproduce it.",
                data_type: "boolean",
                options: &[],
                required: false,
            },
        ],
        states: &[0, 1, 4, 2, 3],
        team: "Support",
        tag: "Bug",
        weight: 45,
        topics: BUG_TOPICS,
    },
    TypeDef {
        name: "Refund request",
        description: "A customer asks for money back: duplicate charges, outages, cancellations.",
        icon: "\u{1F4B8}",
        category: "Customer",
        title_required: true,
        attributes: &[
            Attr {
                name: "Order reference",
                description: "The invoice or order the refund is for.",
                data_type: "string",
                options: &[],
                required: true,
            },
            Attr {
                name: "Amount",
                description: "The amount to refund, in the invoice currency.",
                data_type: "decimal",
                options: &[],
                required: false,
            },
            Attr {
                name: "Reason",
                description: "Why the customer asks for a refund.",
                data_type: "list",
                options: &[
                    "Duplicate charge",
                    "Service outage",
                    "Cancelled plan",
                    "Billing error",
                    "Other",
                ],
                required: false,
            },
        ],
        states: &[0, 1, 2, 3, 5],
        team: "Billing",
        tag: "Billing",
        weight: 35,
        topics: REFUND_TOPICS,
    },
    TypeDef {
        name: "Access request",
        description: "An internal request to grant or revoke access to a system.",
        icon: "\u{1F511}",
        category: "Back-office",
        title_required: false,
        attributes: &[
            Attr {
                name: "System",
                description: "The system the access is for.",
                data_type: "list",
                options: &[
                    "Admin console",
                    "Billing portal",
                    "Data warehouse",
                    "Production database",
                ],
                required: true,
            },
            Attr {
                name: "Access level",
                description: "What the person may do.",
                data_type: "list",
                options: &["Read only", "Read and write", "Admin"],
                required: false,
            },
            Attr {
                name: "Approved",
                description: "Whether the owner of the system approved.",
                data_type: "boolean",
                options: &[],
                required: false,
            },
            Attr {
                name: "Expires at",
                description: "When the access ends.",
                data_type: "datetime",
                options: &[],
                required: false,
            },
        ],
        states: &[0, 1, 2, 3],
        team: "Onboarding",
        tag: "",
        weight: 20,
        topics: ACCESS_TOPICS,
    },
];

/// A deterministic UUID (version 4 layout) from the generator.
fn uuid_from(rng: &mut ChaCha8Rng) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// The state documents, stored, in [`STATES`] order.
fn seed_states(s: &Store) -> rusqlite::Result<Vec<Value>> {
    let mut states = Vec::new();
    for (category, internal, external) in STATES {
        let id = TICKET_STATE_IDS.next(s)?;
        let doc = ticket_state_doc(&id, category, internal, external);
        s.insert(Kind::TicketState, &id, &Keys::none(), &doc)?;
        states.push(doc);
    }
    Ok(states)
}

fn seed_type(
    s: &Store,
    rng: &mut ChaCha8Rng,
    def: &TypeDef,
    states: &[Value],
    workspace_id: &str,
    at: i64,
) -> rusqlite::Result<Value> {
    let id = TICKET_TYPE_IDS.next(s)?;
    let mut doc = blank_ticket_type(&id, workspace_id, at);
    doc["name"] = json!(def.name);
    doc["description"] = json!(def.description);
    doc["icon"] = json!(def.icon);
    doc["category"] = json!(def.category);
    let mut attributes = Vec::new();
    for builtin in [DEFAULT_TITLE, DEFAULT_DESCRIPTION] {
        let mut spec = AttributeSpec::builtin(builtin);
        spec.required_to_create = builtin == DEFAULT_TITLE && def.title_required;
        let attr_id = TICKET_ATTRIBUTE_IDS.next(s)?;
        let order = attributes.len();
        attributes.push(ticket_type_attribute(
            &attr_id,
            workspace_id,
            &id,
            order,
            spec,
            at,
        ));
    }
    for attr in def.attributes {
        let input_options = match attr.data_type {
            "list" => {
                let options: Vec<Value> = attr
                    .options
                    .iter()
                    .map(|label| {
                        json!({
                            "type": "list_option",
                            "id": uuid_from(rng),
                            "label": label,
                            "archived": false,
                        })
                    })
                    .collect();
                json!({"list_options": options})
            }
            "string" => json!({"multiline": attr.options.contains(&"multiline")}),
            _ => Value::Null,
        };
        let attr_id = TICKET_ATTRIBUTE_IDS.next(s)?;
        let order = attributes.len();
        attributes.push(ticket_type_attribute(
            &attr_id,
            workspace_id,
            &id,
            order,
            AttributeSpec {
                name: attr.name,
                description: attr.description,
                data_type: attr.data_type,
                input_options,
                required_to_create: attr.required,
                required_to_create_for_contacts: false,
                visible_on_create: true,
                visible_to_contacts: def.category == "Customer",
                default: false,
            },
            at,
        ));
    }
    doc["ticket_type_attributes"]["data"] = json!(attributes);
    let offered: Vec<Value> = def
        .states
        .iter()
        .map(|&i| state_reference(&states[i]))
        .collect();
    doc["ticket_states"] = json!({"type": "list", "data": offered});
    s.insert(Kind::TicketType, &id, &ticket_type_keys(&doc), &doc)?;
    for &i in def.states {
        let state_id = states[i]["id"].as_str().unwrap_or_default();
        s.link(Rel::TicketTypeState, &id, state_id, at, None)?;
    }
    Ok(doc)
}

/// The values of a ticket's attributes beyond title and description.
fn attribute_values(rng: &mut ChaCha8Rng, def: &TypeDef, topic: &Topic) -> Map<String, Value> {
    let mut values = Map::new();
    for attr in def.attributes {
        let value = match (attr.data_type, attr.name) {
            ("list", _) => json!(*pick(rng, attr.options)),
            (_, "Affected area") => json!(topic.detail),
            (_, "Steps to reproduce") => json!(format!(
                "1. Sign in\n2. Open {}\n3. {}",
                topic.detail, topic.description
            )),
            (_, "Order reference") => json!(topic.detail),
            (_, "Amount") => json!(rng.random_range(1_900..90_000) as f64 / 100.0),
            ("boolean", _) => json!(rng.random_bool(0.7)),
            ("datetime", _) => Value::Null,
            _ => continue,
        };
        values.insert(attr.name.to_owned(), value);
    }
    values
}

/// Seeds states, types and `count` tickets, then marks the store.
pub(super) fn seed_tickets(
    s: &Store,
    seed: u64,
    count: usize,
    workspace: &Workspace,
) -> rusqlite::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(1);
    let now = epoch(seed);
    let workspace_id = workspace.app["id_code"].as_str().unwrap_or_default();

    let states = seed_states(s)?;
    let mut types = Vec::new();
    for (i, def) in TYPES.iter().enumerate() {
        let at = now - (320 - 20 * i as i64) * DAY;
        types.push(seed_type(s, &mut rng, def, &states, workspace_id, at)?);
    }

    let n_contacts = s.count(Kind::Contact, None, None)?;
    let admins: Vec<Value> = s
        .page(Kind::Admin, None, None, Order::Asc, ALL)?
        .into_iter()
        .map(|r| r.doc)
        .collect();
    let teams: Vec<Value> = s
        .page(Kind::Team, None, None, Order::Asc, ALL)?
        .into_iter()
        .map(|r| r.doc)
        .collect();
    let me = admins
        .iter()
        .find(|a| a["id"] == workspace.me_admin_id.as_str())
        .cloned()
        .unwrap_or(Value::Null);
    if n_contacts == 0 || admins.is_empty() {
        s.set_meta(SEEDED, "true")?;
        return Ok(());
    }

    let mut created: Vec<i64> = (0..count)
        .map(|_| now - rng.random_range(DAY..150 * DAY))
        .collect();
    created.sort_unstable();
    let total_weight: u32 = TYPES.iter().map(|t| t.weight).sum();
    // Exact shares of final states (a quarter submitted, 30% in progress, a fifth waiting, the
    // rest resolved), in a shuffled order, so even a small demo has tickets in every state.
    let mut outcomes: Vec<u8> = (0..count)
        .map(|j| match j * 20 / count.max(1) {
            0..5 => 0,
            5..11 => 1,
            11..15 => 2,
            _ => 3,
        })
        .collect();
    outcomes.shuffle(&mut rng);
    // Each type alternates between its states of one category (e.g. "In progress" and "With
    // engineering"), so the custom states show up too.
    let mut alternate = vec![[true; 2]; TYPES.len()];
    for (j, created_at) in created.into_iter().enumerate() {
        let mut roll = rng.random_range(0..total_weight);
        let mut type_index = 0;
        for (i, def) in TYPES.iter().enumerate() {
            if roll < def.weight {
                type_index = i;
                break;
            }
            roll -= def.weight;
        }
        let def = &TYPES[type_index];
        let ticket_type = &types[type_index];
        let topic = pick(&mut rng, def.topics);
        let contact_index = rng.random_range(0..n_contacts);
        let Some(contact) = s
            .page_number(Kind::Contact, None, Order::Asc, contact_index + 1, 1)?
            .into_iter()
            .next()
            .map(|r| r.doc)
        else {
            continue;
        };
        let team = teams.iter().find(|t| t["name"] == def.team);
        let members: Vec<String> = team
            .and_then(|t| t["admin_ids"].as_array())
            .map(|ids| ids.iter().map(|id| id.to_string()).collect())
            .unwrap_or_default();
        let admin = match members.is_empty() {
            true => &me,
            false => {
                let id = &members[rng.random_range(0..members.len())];
                admins
                    .iter()
                    .find(|a| a["id"] == id.as_str())
                    .unwrap_or(&me)
            }
        };
        let admin_author = ticket_admin_author(admin);
        let contact_author = ticket_contact_author(&contact);
        let customer = def.category == "Customer";
        let admin_message = if customer { "comment" } else { "note" };

        // Where the ticket ends up: 0 submitted, 1 in progress, 2 waiting, 3 resolved.
        let outcome = outcomes[j];
        let state_for = |category: &str, alternative: bool| -> &Value {
            let offered: Vec<&Value> = def
                .states
                .iter()
                .map(|&i| &states[i])
                .filter(|st| st["category"] == category)
                .collect();
            match (alternative, offered.len()) {
                (true, n) if n > 1 => offered[1],
                _ => offered[0],
            }
        };

        let id = TICKET_IDS.next(s)?;
        let number = TICKET_NUMBERS.next(s)?;
        let mut doc = blank_ticket(&id, &number, created_at, vec![contact_reference(&contact)]);
        let mut attributes = Map::new();
        attributes.insert(DEFAULT_TITLE.to_owned(), json!(topic.title));
        attributes.insert(DEFAULT_DESCRIPTION.to_owned(), json!(topic.description));
        attributes.extend(attribute_values(&mut rng, def, topic));
        doc["ticket_attributes"] = Value::Object(attributes);
        doc["is_shared"] = json!(customer);

        let mut t = created_at;
        let limit = now - 60;
        let step = |t: &mut i64, rng: &mut ChaCha8Rng, lo: i64, hi: i64| -> i64 {
            *t = (*t + rng.random_range(lo..hi)).min(limit);
            *t
        };
        let mut current = "submitted";
        let mut state = state_for("submitted", false).clone();
        push_ticket_part(
            &mut doc,
            ticket_state_part(
                &TICKET_PART_IDS.next(s)?,
                current,
                current,
                t,
                admin_author.clone(),
            ),
        );
        let assigned = rng.random_bool(if outcome == 0 { 0.3 } else { 0.9 });
        if assigned {
            let at = step(&mut t, &mut rng, 60, 3_600);
            push_ticket_part(
                &mut doc,
                ticket_part(
                    &TICKET_PART_IDS.next(s)?,
                    "assignment",
                    None,
                    at,
                    admin_author.clone(),
                    json!({"type": "admin", "id": admin["id"]}),
                ),
            );
            doc["admin_assignee_id"] = admin["id"].clone();
            if let Some(team) = team {
                doc["team_assignee_id"] = team["id"].clone();
            }
        }
        if outcome >= 1 {
            let at = step(&mut t, &mut rng, 600, 28_800);
            push_ticket_part(
                &mut doc,
                ticket_part(
                    &TICKET_PART_IDS.next(s)?,
                    admin_message,
                    Some(topic.reply),
                    at,
                    admin_author.clone(),
                    Value::Null,
                ),
            );
            let mut next = state_for("in_progress", false).clone();
            if outcome == 1 {
                next = state_for("in_progress", alternate[type_index][0]).clone();
                alternate[type_index][0] ^= true;
            }
            let at = step(&mut t, &mut rng, 30, 600);
            push_ticket_part(
                &mut doc,
                ticket_state_part(
                    &TICKET_PART_IDS.next(s)?,
                    current,
                    "in_progress",
                    at,
                    admin_author.clone(),
                ),
            );
            current = "in_progress";
            state = next;
            if rng.random_bool(0.4) {
                let at = step(&mut t, &mut rng, 300, 7_200);
                push_ticket_part(
                    &mut doc,
                    ticket_part(
                        &TICKET_PART_IDS.next(s)?,
                        "note",
                        Some(topic.note),
                        at,
                        admin_author.clone(),
                        Value::Null,
                    ),
                );
            }
        }
        if outcome == 2 || (outcome == 3 && rng.random_bool(0.5)) {
            let at = step(&mut t, &mut rng, 600, 28_800);
            push_ticket_part(
                &mut doc,
                ticket_part(
                    &TICKET_PART_IDS.next(s)?,
                    admin_message,
                    Some(topic.ask),
                    at,
                    admin_author.clone(),
                    Value::Null,
                ),
            );
            push_ticket_part(
                &mut doc,
                ticket_state_part(
                    &TICKET_PART_IDS.next(s)?,
                    current,
                    "waiting_on_customer",
                    at,
                    admin_author.clone(),
                ),
            );
            current = "waiting_on_customer";
            state = state_for("waiting_on_customer", false).clone();
            if outcome == 3 && customer {
                let at = step(&mut t, &mut rng, 1_800, 86_400);
                push_ticket_part(
                    &mut doc,
                    ticket_part(
                        &TICKET_PART_IDS.next(s)?,
                        "comment",
                        Some(topic.answer),
                        at,
                        contact_author.clone(),
                        Value::Null,
                    ),
                );
            }
        }
        if outcome == 3 {
            let at = step(&mut t, &mut rng, 3_600, 172_800);
            push_ticket_part(
                &mut doc,
                ticket_part(
                    &TICKET_PART_IDS.next(s)?,
                    admin_message,
                    Some(topic.resolution),
                    at,
                    admin_author.clone(),
                    Value::Null,
                ),
            );
            push_ticket_part(
                &mut doc,
                ticket_state_part(
                    &TICKET_PART_IDS.next(s)?,
                    current,
                    "resolved",
                    at,
                    admin_author.clone(),
                ),
            );
            state = state_for("resolved", alternate[type_index][1]).clone();
            alternate[type_index][1] ^= true;
            doc["open"] = json!(false);
        }
        if outcome == 2 && rng.random_bool(0.3) {
            doc["snoozed_until"] = json!(now + rng.random_range(1..7) * DAY);
        }
        doc["updated_at"] = json!(t);
        derive_ticket(&mut doc, ticket_type, Some(&state));
        s.insert(Kind::Ticket, &id, &ticket_keys(&doc), &doc)?;

        if !def.tag.is_empty()
            && rng.random_bool(0.4)
            && let Some(tag) = s
                .find_by(Kind::Tag, Key::K1, &def.tag.to_lowercase())?
                .into_iter()
                .next()
        {
            let by = admin["id"].as_str().unwrap_or_default();
            s.link(Rel::TicketTag, &id, &tag.id, created_at + 120, Some(by))?;
        }
        if let Some(contact_id) = contact["id"].as_str()
            && let Some(company) = s.links_from(Rel::ContactCompany, contact_id)?.first()
        {
            s.link(Rel::TicketCompany, &id, &company.b, created_at, None)?;
        }
    }
    s.set_meta(SEEDED, "true")?;
    Ok(())
}
