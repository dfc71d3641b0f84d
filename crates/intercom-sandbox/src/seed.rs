//! The deterministic demo workspace: admins, teams, tags, segments, companies, contacts and
//! conversations with parts, all drawn from one ChaCha stream seeded by `SandboxConfig::seed`;
//! then ticket types, states and tickets from a second stream of the same seed ([`tickets`]).
//! Timestamps count back from an epoch derived from the seed, never from the wall clock.

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use crate::api::companies::blank_company;
use crate::api::conversations::{blank_conversation, contact_author};
use crate::api::model::{
    applied_tag, blank_contact, company_keys, contact_keys, contact_reference, derive_conversation,
    object_id, part_doc,
};
use crate::config::SandboxConfig;
use crate::store::{Keys, Kind, Rel, Store};

mod tickets;

/// What the server needs to know about the seeded workspace.
pub(crate) struct Workspace {
    pub me_admin_id: String,
    pub app: Value,
}

const DAY: i64 = 86_400;
/// 2025-01-01T00:00:00Z; the seed moves the epoch forward by up to a year.
const BASE_EPOCH: i64 = 1_735_689_600;

/// The fixed "now" of the demo data for `seed`.
pub(crate) fn epoch(seed: u64) -> i64 {
    BASE_EPOCH + (seed % 365) as i64 * DAY + 12 * 3_600
}

/// Seeds an empty store; on a store seeded before, reads the workspace back.
pub(crate) fn ensure_seeded(
    store: &mut Store,
    config: &SandboxConfig,
) -> rusqlite::Result<Workspace> {
    let workspace = match (store.meta("me_admin_id")?, store.meta("app")?) {
        (Some(me), Some(app)) => Workspace {
            me_admin_id: me,
            app: serde_json::from_str(&app).unwrap_or(Value::Null),
        },
        _ => store.transaction(|s| seed(s, config))?,
    };
    // Tickets come last, from their own random stream, so the rest of the demo data is the same
    // with or without them; a store seeded before tickets existed gets them on its next open.
    if store.meta(tickets::SEEDED)?.is_none() {
        let seed = store
            .meta("seed")?
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(config.seed);
        store.transaction(|s| tickets::seed_tickets(s, seed, config.tickets, &workspace))?;
    }
    store.transaction(crate::api::engine::seed)?;
    Ok(workspace)
}

const FIRST: &[&str] = &[
    "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Sophia", "Elijah", "Isabella", "Lucas",
    "Mia", "Mateo", "Aisha", "Kenji", "Fatima", "Diego", "Hannah", "Ravi", "Zoe", "Ethan", "Leah",
    "Omar", "Grace", "Felix", "Nora", "Hugo", "Chloe", "Ivan", "Ines", "Tariq", "Yuki", "Sven",
    "Lucia", "Malik", "Freya", "Arjun", "Clara", "Kofi", "Elena", "Marcus",
];
const LAST: &[&str] = &[
    "Smith",
    "Garcia",
    "Chen",
    "Murphy",
    "Kowalski",
    "Nguyen",
    "O'Brien",
    "Patel",
    "Rossi",
    "Schmidt",
    "Dubois",
    "Silva",
    "Kim",
    "Johansson",
    "Okafor",
    "Haddad",
    "Novak",
    "Tanaka",
    "Fischer",
    "Moreau",
    "Walsh",
    "Ibrahim",
    "Larsen",
    "Costa",
    "Brennan",
    "Yamamoto",
    "Ahmed",
    "Lopez",
    "Becker",
    "Kelly",
    "Singh",
    "Andersen",
    "Russo",
    "Petrov",
    "Mensah",
    "Duarte",
];
const COMPANY_A: &[&str] = &[
    "Northwind",
    "Bluebird",
    "Copperleaf",
    "Brightline",
    "Harbor",
    "Summit",
    "Lumen",
    "Granite",
    "Foxglove",
    "Redwood",
    "Tidewater",
    "Evergreen",
    "Ironbark",
    "Silverline",
    "Maple",
    "Quartz",
];
const COMPANY_B: &[&str] = &[
    "Analytics",
    "Logistics",
    "Health",
    "Studios",
    "Labs",
    "Foods",
    "Robotics",
    "Travel",
    "Finance",
    "Learning",
];
const INDUSTRIES: &[&str] = &[
    "Software",
    "Logistics",
    "Healthcare",
    "Media",
    "Retail",
    "Manufacturing",
    "Education",
    "Financial Services",
];
const PLANS: &[&str] = &["free", "starter", "pro", "enterprise"];
const PERSONAL_DOMAINS: &[&str] = &["mailbox.example", "inbox.example", "postbox.example"];
const LOCATIONS: &[(&str, &str, &str, &str, &str)] = &[
    ("Dublin", "Leinster", "Ireland", "IE", "EU"),
    ("London", "England", "United Kingdom", "GB", "EU"),
    ("Berlin", "Berlin", "Germany", "DE", "EU"),
    ("San Francisco", "California", "United States", "US", "NA"),
    ("New York", "New York", "United States", "US", "NA"),
    ("Toronto", "Ontario", "Canada", "CA", "NA"),
    ("Sydney", "New South Wales", "Australia", "AU", "OC"),
    ("Lisbon", "Lisbon", "Portugal", "PT", "EU"),
    ("Bangalore", "Karnataka", "India", "IN", "AS"),
    ("São Paulo", "São Paulo", "Brazil", "BR", "SA"),
];
const BROWSERS: &[(&str, &str)] = &[
    ("chrome", "Mac OS X"),
    ("firefox", "Windows 10"),
    ("safari", "iOS"),
    ("edge", "Windows 11"),
    ("chrome", "Android"),
];
const TAGS: &[&str] = &[
    "VIP",
    "Churn risk",
    "Beta tester",
    "Billing",
    "Bug",
    "Feature request",
    "Onboarding",
    "Enterprise",
];
const ADMINS: &[(&str, &str)] = &[
    ("Maya Brennan", "Head of Support"),
    ("Tomás Ortega", "Support Engineer"),
    ("Priya Raman", "Customer Success Manager"),
    ("Jonas Weber", "Billing Specialist"),
    ("Chloe Park", "Support Engineer"),
    ("Samuel Osei", "Onboarding Specialist"),
];
const TEAMS: &[(&str, &[usize])] = &[
    ("Support", &[0, 1, 4]),
    ("Billing", &[0, 3]),
    ("Onboarding", &[2, 5]),
];

/// A support topic: the customer's opening, the replies and a note, as HTML.
struct Topic {
    title: &'static str,
    category: &'static str,
    tag: Option<&'static str>,
    opening: &'static str,
    reply: &'static str,
    follow_up: &'static str,
    resolution: &'static str,
    note: &'static str,
}

const TOPICS: &[Topic] = &[
    Topic {
        title: "Password reset email not arriving",
        category: "Account",
        tag: None,
        opening: "<p>Hi, I requested a password reset three times but the email never shows up. I checked my spam folder too. Can you help?</p>",
        reply: "<p>Hi {name}, sorry about that! I can see the reset emails were sent but your mail server rejected them. I've cleared the bounce on your address; could you try once more?</p>",
        follow_up: "<p>That worked, the email came through straight away. Thanks!</p>",
        resolution: "<p>Great to hear, {name}. If it happens again just reply here and we'll take a look.</p>",
        note: "<p>Bounce was caused by a strict SPF policy on their domain. Suggested they allowlist our sending domain.</p>",
    },
    Topic {
        title: "Charged twice this month",
        category: "Billing",
        tag: Some("Billing"),
        opening: "<p>Hello, my card was charged twice for the March invoice. Could you refund the duplicate payment?</p>",
        reply: "<p>Hi {name}, thanks for flagging this. I can confirm a duplicate charge went through; I've issued a refund for the second payment. It should appear on your statement within 5-10 business days.</p>",
        follow_up: "<p>Thank you. Will I get a receipt for the refund?</p>",
        resolution: "<p>Yes, a refund receipt has been emailed to your billing contact. Anything else I can help with?</p>",
        note: "<p>Duplicate charge caused by a retry after a gateway timeout. Refund issued via the billing console.</p>",
    },
    Topic {
        title: "How do I export my data to CSV?",
        category: "How-to",
        tag: None,
        opening: "<p>Is there a way to export all of my reports to CSV? I need to share them with our finance team.</p>",
        reply: "<p>Hi {name}! Yes: open <b>Reports</b>, pick the report, then use <b>Export &gt; CSV</b> in the top right. Exports of more than 10,000 rows are emailed to you as a download link.</p>",
        follow_up: "<p>Found it, thanks. Can I schedule the export to run every Monday?</p>",
        resolution: "<p>Scheduled exports are available on the Pro plan under <b>Reports &gt; Schedules</b>. I've sent you a short guide.</p>",
        note: "<p>Second request this week for scheduled exports on the Starter plan; adding to the feature request board.</p>",
    },
    Topic {
        title: "Integration with Slack stopped working",
        category: "Bug",
        tag: Some("Bug"),
        opening: "<p>Our Slack notifications stopped yesterday afternoon. Nothing has changed on our side as far as I know.</p>",
        reply: "<p>Hi {name}, thanks for reporting this. It looks like the Slack token for your workspace was revoked. Could you reconnect the integration from <b>Settings &gt; Integrations</b>?</p>",
        follow_up: "<p>I reconnected it but messages still aren't coming through to the #alerts channel.</p>",
        resolution: "<p>Thanks for checking. Our engineers found a bug affecting private channels and shipped a fix an hour ago; notifications should be flowing again.</p>",
        note: "<p>Linked to incident INC-2231 (private channel delivery). Customer is on the enterprise plan, keep them posted.</p>",
    },
    Topic {
        title: "Request: dark mode for the dashboard",
        category: "Feedback",
        tag: Some("Feature request"),
        opening: "<p>Love the product! Any plans to add a dark mode? Our team works late and the dashboard is very bright.</p>",
        reply: "<p>Hi {name}, thank you for the kind words! Dark mode is on our roadmap and I've added your vote to the request.</p>",
        follow_up: "<p>Awesome, any rough idea of timing?</p>",
        resolution: "<p>We can't promise a date yet, but I'll let you know as soon as it's in beta.</p>",
        note: "<p>Feature request logged: dark mode (+1, team of 40).</p>",
    },
    Topic {
        title: "Upgrade to annual plan",
        category: "Billing",
        tag: Some("Billing"),
        opening: "<p>We'd like to switch from monthly to annual billing. Is there a discount, and will we lose our current data?</p>",
        reply: "<p>Hi {name}, great news: annual plans come with two months free, and nothing changes about your data. I can switch you over today if you confirm the number of seats.</p>",
        follow_up: "<p>Please switch us to 25 seats on the annual plan.</p>",
        resolution: "<p>Done! You're now on the annual plan with 25 seats. The prorated invoice is in your billing settings.</p>",
        note: "<p>Upsell: monthly to annual, 25 seats. Flag for account manager.</p>",
    },
    Topic {
        title: "Can't invite a new teammate",
        category: "Account",
        tag: Some("Onboarding"),
        opening: "<p>When I try to invite a colleague I get an error saying \"seat limit reached\", but we only have 4 users.</p>",
        reply: "<p>Hi {name}, I had a look: you have 4 active users and 2 pending invitations, which count toward your 6-seat limit. Revoking the old invitations will free up the seats.</p>",
        follow_up: "<p>Ah, that explains it. Revoked them and the invite went through.</p>",
        resolution: "<p>Perfect. Let us know if there's anything else we can do to help you get set up.</p>",
        note: "<p>Pending invites counting toward seats confuses customers; shared with the product team.</p>",
    },
    Topic {
        title: "API returns 429 Too Many Requests",
        category: "Developer",
        tag: Some("Bug"),
        opening: "<p>Our integration keeps hitting 429 errors from your API during our nightly sync. What are the limits?</p>",
        reply: "<p>Hi {name}, the default limit is 1,000 requests per minute, enforced in 10-second windows. The <code>X-RateLimit-Remaining</code> and <code>X-RateLimit-Reset</code> headers tell you when to slow down.</p>",
        follow_up: "<p>Thanks. We added backoff using those headers and the sync now completes.</p>",
        resolution: "<p>Glad that helped! If you need a higher limit for bulk imports, let us know and we can review it.</p>",
        note: "<p>Customer was syncing with 20 parallel workers. Suggested a queue with a single rate limiter.</p>",
    },
    Topic {
        title: "Cancel my subscription",
        category: "Billing",
        tag: Some("Churn risk"),
        opening: "<p>Hi, I'd like to cancel our subscription at the end of this billing period.</p>",
        reply: "<p>Hi {name}, sorry to see you go. I can schedule the cancellation for the end of the period. Would you mind sharing what made you decide to leave?</p>",
        follow_up: "<p>Mainly price. We're a small team and don't use most of the features.</p>",
        resolution: "<p>Understood. Before you go: our Starter plan might fit your team at a third of the price. If you'd still prefer to cancel, it's scheduled for the end of the month.</p>",
        note: "<p>Churn risk: price sensitive, small team. Offered downgrade to Starter.</p>",
    },
    Topic {
        title: "Mobile app crashes on login",
        category: "Bug",
        tag: Some("Bug"),
        opening: "<p>The iOS app crashes every time I tap \"Log in\". I'm on the latest version of the app.</p>",
        reply: "<p>Hi {name}, thanks for letting us know. Could you tell me your iOS version and whether you sign in with Google or email?</p>",
        follow_up: "<p>iOS 17.4, signing in with Google.</p>",
        resolution: "<p>Thank you! This matches a known issue with Google sign-in on iOS 17.4. A fix is in version 5.2.1, which is rolling out now.</p>",
        note: "<p>Crash reproduced on iOS 17.4 with Google SSO. Tracking in MOB-118.</p>",
    },
    Topic {
        title: "Setting up single sign-on",
        category: "Developer",
        tag: Some("Enterprise"),
        opening: "<p>We're rolling out SAML single sign-on with Okta. Is there a setup guide?</p>",
        reply: "<p>Hi {name}, yes! You'll find the SAML metadata URL under <b>Settings &gt; Security</b>. I've also sent you our step-by-step Okta guide.</p>",
        follow_up: "<p>We configured it but users get \"audience mismatch\" on login.</p>",
        resolution: "<p>That usually means the Audience URI in Okta doesn't match the Entity ID. Copy the Entity ID from Settings &gt; Security into Okta and it should work.</p>",
        note: "<p>SSO setup for enterprise customer; follow up next week to confirm rollout.</p>",
    },
    Topic {
        title: "Where can I find my invoices?",
        category: "Billing",
        tag: None,
        opening: "<p>Our accountant needs copies of last year's invoices. Where can I download them?</p>",
        reply: "<p>Hi {name}, all invoices are under <b>Settings &gt; Billing &gt; Invoices</b>, where you can download each one as a PDF.</p>",
        follow_up: "<p>Got them, thanks for the quick answer.</p>",
        resolution: "<p>You're welcome, have a great day!</p>",
        note: "<p>Quick how-to; consider adding invoices to the help center's top articles.</p>",
    },
    Topic {
        title: "Getting started with the onboarding checklist",
        category: "How-to",
        tag: Some("Onboarding"),
        opening: "<p>We just signed up. What's the best way to get the team started?</p>",
        reply: "<p>Welcome aboard, {name}! The onboarding checklist on your home screen walks through the key steps. I'd start by importing your contacts and inviting your teammates.</p>",
        follow_up: "<p>Thanks! Is there a way to import contacts from a spreadsheet?</p>",
        resolution: "<p>Yes: <b>Contacts &gt; Import</b> accepts CSV files up to 50 MB. Map the columns and you're done.</p>",
        note: "<p>New signup, team of 12. Offered an onboarding call.</p>",
    },
    Topic {
        title: "Webhook deliveries failing",
        category: "Developer",
        tag: None,
        opening: "<p>Our webhook endpoint isn't receiving events since we moved to a new server. Can you see failures on your side?</p>",
        reply: "<p>Hi {name}, I can see our deliveries are failing with a TLS handshake error. It looks like the new server's certificate chain is incomplete.</p>",
        follow_up: "<p>You were right, the intermediate certificate was missing. Fixed now.</p>",
        resolution: "<p>Great, I can see deliveries succeeding again. Failed events from the last 24 hours will be retried automatically.</p>",
        note: "<p>Webhook TLS issue on customer side; no action needed from engineering.</p>",
    },
];

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn slug(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

/// Removes letters outside ASCII (for email local parts).
fn ascii_name(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'á' | 'à' | 'ã' => 'a',
            'é' => 'e',
            'í' => 'i',
            'ó' | 'ö' => 'o',
            'ú' | 'ü' => 'u',
            c => c,
        })
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

/// A generated contact, kept compact: its document as JSON text plus what conversations need.
struct SeedContact {
    id: String,
    created: i64,
    json: String,
    keys: Keys,
    author: Value,
    reference: Value,
    first_name: String,
    company: Option<usize>,
    tags: Vec<usize>,
    segments: Vec<usize>,
    last_replied: Option<i64>,
    last_contacted: Option<i64>,
}

fn seed(s: &Store, config: &SandboxConfig) -> rusqlite::Result<Workspace> {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let now = epoch(config.seed);

    // App.
    let id_code = format!("{:08x}", rng.next_u32());
    let app = json!({
        "type": "app",
        "id_code": id_code,
        "name": "Sandbox Demo Workspace",
        "created_at": now - 400 * DAY,
        "secure": false,
        "identity_verification": false,
        "timezone": "Europe/Dublin",
        "region": "US",
    });

    // Teams and admins.
    let admin_base: i64 = 991_200_000 + rng.random_range(0..50_000) * 10;
    let team_base: i64 = 5_017_000 + rng.random_range(0..900);
    let admin_ids: Vec<String> = (0..ADMINS.len())
        .map(|i| (admin_base + i as i64 * 7).to_string())
        .collect();
    let team_ids: Vec<i64> = (0..TEAMS.len()).map(|i| team_base + i as i64 * 3).collect();
    for (i, (name, title)) in ADMINS.iter().enumerate() {
        let first = ascii_name(name.split(' ').next().unwrap_or("admin"));
        let teams: Vec<i64> = TEAMS
            .iter()
            .enumerate()
            .filter(|(_, (_, members))| members.contains(&i))
            .map(|(t, _)| team_ids[t])
            .collect();
        let doc = json!({
            "type": "admin",
            "id": admin_ids[i],
            "name": name,
            "email": format!("{first}@sandbox-support.example"),
            "job_title": title,
            "away_mode_enabled": false,
            "away_mode_reassign": false,
            "away_status_reason_id": null,
            "has_inbox_seat": true,
            "team_ids": teams,
            "avatar": format!("https://static.sandbox.example/avatars/{first}.png"),
        });
        s.insert(Kind::Admin, &admin_ids[i], &Keys::none(), &doc)?;
    }
    for (t, (name, members)) in TEAMS.iter().enumerate() {
        let id = team_ids[t].to_string();
        let admin_numbers: Vec<i64> = members
            .iter()
            .map(|&m| admin_ids[m].parse::<i64>().unwrap_or_default())
            .collect();
        let doc = json!({
            "type": "team",
            "id": id,
            "name": name,
            "admin_ids": admin_numbers,
            "assignment_limit": 10,
            "distribution_method": "round_robin",
        });
        s.insert(Kind::Team, &id, &Keys::none(), &doc)?;
    }

    // Tags.
    let tag_docs: Vec<Value> = TAGS
        .iter()
        .enumerate()
        .map(|(i, name)| json!({"type": "tag", "id": (7_000_001 + i as i64).to_string(), "name": name}))
        .collect();
    for doc in &tag_docs {
        let id = doc["id"].as_str().unwrap_or_default();
        let name = doc["name"].as_str().unwrap_or_default();
        s.insert(Kind::Tag, id, &Keys::k1(Some(name.to_lowercase())), doc)?;
    }
    s.set_meta("tag_counter", &(7_000_000 + TAGS.len() as i64).to_string())?;
    let tag_index = |name: &str| TAGS.iter().position(|t| *t == name);

    // Segments: 0 active users, 1 leads, 2 VIP customers.
    let segment_defs = [
        ("Active users", "user"),
        // The spec's person_type enum is contact | user; a segment of leads is a "contact" one.
        ("Leads", "contact"),
        ("VIP customers", "user"),
    ];
    let mut segment_docs = Vec::new();
    for (i, (name, person_type)) in segment_defs.iter().enumerate() {
        let created = now - (300 - i as i64 * 40) * DAY;
        let id = object_id(created, i as i64, rng.next_u64());
        let doc = json!({
            "type": "segment",
            "id": id,
            "name": name,
            "created_at": created,
            "updated_at": created + 3_600,
            "person_type": person_type,
        });
        s.insert(Kind::Segment, &id, &Keys::none(), &doc)?;
        segment_docs.push(doc);
    }

    // Companies.
    let n_companies = (config.contacts / 6).clamp(3, 2_000);
    let mut companies = Vec::with_capacity(n_companies);
    for i in 0..n_companies {
        let mut name = format!(
            "{} {}",
            COMPANY_A[i % COMPANY_A.len()],
            COMPANY_B[(i / COMPANY_A.len()) % COMPANY_B.len()]
        );
        if i >= COMPANY_A.len() * COMPANY_B.len() {
            name.push_str(&format!(" {}", i / (COMPANY_A.len() * COMPANY_B.len()) + 1));
        }
        let created = now - rng.random_range(30..400) * DAY;
        let id = object_id(created, 1_000_000 + i as i64, rng.next_u64());
        let mut doc = blank_company(&id, &id_code, created);
        let plan = *pick(&mut rng, PLANS);
        let plan_id = 269_300 + PLANS.iter().position(|p| *p == plan).unwrap_or(0) as i64;
        doc["company_id"] = json!(format!("cmp_{:05}", i + 1));
        doc["name"] = json!(name);
        doc["remote_created_at"] = json!(created - rng.random_range(1..900) * DAY);
        doc["updated_at"] = json!(created + rng.random_range(0..20) * DAY);
        doc["last_request_at"] = json!(now - rng.random_range(0..30) * DAY);
        doc["monthly_spend"] = json!(match plan {
            "free" => 0,
            "starter" => rng.random_range(20..100),
            "pro" => rng.random_range(100..900),
            _ => rng.random_range(900..9_000),
        });
        doc["session_count"] = json!(rng.random_range(0..5_000));
        doc["size"] = json!(rng.random_range(2..2_000));
        doc["website"] = json!(format!("https://www.{}.example", slug(&name)));
        doc["industry"] = json!(*pick(&mut rng, INDUSTRIES));
        doc["plan"] = json!({"type": "plan", "id": plan_id.to_string(), "name": plan});
        doc["custom_attributes"] = json!({
            "region": *pick(&mut rng, &["EMEA", "AMER", "APAC"]),
            "account_tier": plan,
        });
        let mut tags = Vec::new();
        if plan == "enterprise"
            && let Some(t) = tag_index("Enterprise")
        {
            tags.push(t);
        }
        companies.push((doc, tags, 0usize));
    }

    // Contacts, created in time order.
    let mut created_times: Vec<i64> = (0..config.contacts)
        .map(|_| now - rng.random_range(2 * DAY..240 * DAY))
        .collect();
    created_times.sort_unstable();
    let mut contacts: Vec<SeedContact> = Vec::with_capacity(config.contacts);
    for (i, created) in created_times.into_iter().enumerate() {
        let lead = rng.random_bool(0.2);
        let first = *pick(&mut rng, FIRST);
        let last = *pick(&mut rng, LAST);
        let id = object_id(created, i as i64, rng.next_u64());
        let mut doc = blank_contact(&id, &id_code, created);
        let company = (!lead && rng.random_bool(0.7)).then(|| rng.random_range(0..n_companies));
        let domain = match company {
            Some(c) => companies[c].0["website"]
                .as_str()
                .unwrap_or_default()
                .trim_start_matches("https://www.")
                .to_owned(),
            None => (*pick(&mut rng, PERSONAL_DOMAINS)).to_owned(),
        };
        let email = format!(
            "{}.{}{}@{}",
            ascii_name(first),
            ascii_name(last),
            i + 1,
            domain
        );
        let last_seen = created + rng.random_range(0..(now - created).max(1));
        let (city, region, country, code, continent) = *pick(&mut rng, LOCATIONS);
        let (browser, os) = *pick(&mut rng, BROWSERS);
        doc["role"] = json!(if lead { "lead" } else { "user" });
        if !lead {
            doc["external_id"] = json!(format!("usr_{:06}", i + 1));
            doc["signed_up_at"] = json!(created);
        }
        if !lead || rng.random_bool(0.6) {
            doc["email"] = json!(email);
            doc["email_domain"] = json!(domain);
        }
        if !lead || rng.random_bool(0.5) {
            doc["name"] = json!(format!("{first} {last}"));
        }
        doc["updated_at"] = json!(last_seen);
        doc["last_seen_at"] = json!(last_seen);
        doc["browser"] = json!(browser);
        doc["browser_version"] = json!(format!(
            "{}.0.{}",
            rng.random_range(100..125),
            rng.random_range(1000..7000)
        ));
        doc["browser_language"] = json!("en");
        doc["os"] = json!(os);
        doc["location"] = json!({
            "type": "location", "country": country, "region": region, "city": city,
            "country_code": code, "continent_code": continent,
        });
        doc["unsubscribed_from_emails"] = json!(rng.random_bool(0.1));
        if lead {
            doc["custom_attributes"] = json!({
                "lead_source": *pick(&mut rng, &["pricing page", "webinar", "docs", "referral"]),
            });
        } else {
            doc["owner_id"] = json!(
                admin_ids[rng.random_range(0..admin_ids.len())]
                    .parse::<i64>()
                    .ok()
            );
            doc["custom_attributes"] = json!({
                "plan": *pick(&mut rng, PLANS),
                "seats": rng.random_range(1..200),
                "beta_tester": rng.random_bool(0.25),
            });
        }
        let mut tags = Vec::new();
        if rng.random_bool(0.3) {
            let first_tag = rng.random_range(0..TAGS.len());
            tags.push(first_tag);
            if rng.random_bool(0.3) {
                let second = (first_tag + 1 + rng.random_range(0..TAGS.len() - 1)) % TAGS.len();
                tags.push(second);
            }
        }
        let mut segments = Vec::new();
        if !lead && now - last_seen < 30 * DAY {
            segments.push(0);
        }
        if lead {
            segments.push(1);
        }
        if tags.iter().any(|t| TAGS[*t] == "VIP") {
            segments.push(2);
        }
        if let Some(c) = company {
            companies[c].2 += 1;
        }
        let tag_refs: Vec<Value> = tags
            .iter()
            .map(|t| {
                let tid = tag_docs[*t]["id"].as_str().unwrap_or_default();
                json!({"type": "tag", "id": tid, "url": format!("/tags/{tid}")})
            })
            .collect();
        let n_tags = tag_refs.len();
        doc["tags"] = json!({"type": "list", "data": tag_refs, "url": format!("/contacts/{id}/tags"), "total_count": n_tags, "has_more": false});
        if let Some(c) = company {
            let cid = companies[c].0["id"].as_str().unwrap_or_default().to_owned();
            doc["companies"] = json!({
                "type": "list",
                "data": [{"type": "company", "id": cid, "url": format!("/companies/{cid}")}],
                "url": format!("/contacts/{id}/companies"),
                "total_count": 1,
                "has_more": false,
            });
        }
        contacts.push(SeedContact {
            keys: contact_keys(&doc),
            author: contact_author(&doc),
            reference: contact_reference(&doc),
            first_name: doc["name"]
                .as_str()
                .and_then(|n| n.split(' ').next())
                .unwrap_or("there")
                .to_owned(),
            json: doc.to_string(),
            id,
            created,
            company,
            tags,
            segments,
            last_replied: None,
            last_contacted: None,
        });
    }

    // Companies first: their user counts are known now.
    for (i, (doc, tags, users)) in companies.iter_mut().enumerate() {
        let id = doc["id"].as_str().unwrap_or_default().to_owned();
        doc["user_count"] = json!(*users);
        doc["tags"] = json!({
            "type": "tag.list",
            "tags": tags.iter().map(|t| json!({"type": "tag", "id": tag_docs[*t]["id"], "name": tag_docs[*t]["name"]})).collect::<Vec<_>>(),
        });
        let created = doc["created_at"].as_i64().unwrap_or(now);
        for t in tags.iter() {
            s.link(
                Rel::CompanyTag,
                &id,
                tag_docs[*t]["id"].as_str().unwrap_or_default(),
                created,
                Some(&admin_ids[i % admin_ids.len()]),
            )?;
        }
        s.insert(Kind::Company, &id, &company_keys(doc), doc)?;
    }

    // Conversations with parts, in time order.
    let mut conv_times: Vec<i64> = if contacts.is_empty() {
        Vec::new()
    } else {
        (0..config.conversations)
            .map(|_| now - rng.random_range(2 * DAY..120 * DAY))
            .collect()
    };
    conv_times.sort_unstable();
    let mut part_counter: i64 = 100_000;
    let mut n_conversations = 0i64;
    for (j, created) in conv_times.into_iter().enumerate() {
        let c = rng.random_range(0..contacts.len());
        let topic = pick(&mut rng, TOPICS);
        let conversation_id = (1_000 + j as i64 + 1).to_string();
        let first_name = contacts[c].first_name.clone();
        let author = contacts[c].author.clone();
        let source = json!({
            "type": "conversation",
            "id": (400_000_000 + j as i64 + 1).to_string(),
            "delivered_as": "customer_initiated",
            "subject": "",
            "body": topic.opening,
            "author": author,
            "attachments": [],
            "url": null,
            "redacted": false,
        });
        let mut doc = blank_conversation(
            &conversation_id,
            created,
            source,
            vec![contacts[c].reference.clone()],
        );
        let team = rng.random_range(0..TEAMS.len());
        let members = TEAMS[team].1;
        let admin_i = members[rng.random_range(0..members.len())];
        let admin = json!({
            "id": admin_ids[admin_i],
            "type": "admin",
            "name": ADMINS[admin_i].0,
            "email": format!("{}@sandbox-support.example", ascii_name(ADMINS[admin_i].0.split(' ').next().unwrap_or(""))),
        });
        let mut parts = Vec::new();
        let mut t = created;
        let mut state = "open";
        let mut push = |parts: &mut Vec<Value>,
                        kind: &str,
                        body: Option<String>,
                        at: i64,
                        author: &Value,
                        assigned: Value,
                        state: &str| {
            part_counter += 1;
            parts.push(part_doc(
                &part_counter.to_string(),
                kind,
                body.as_deref(),
                at,
                author.clone(),
                assigned,
                state,
            ));
        };
        let unanswered = rng.random_bool(0.12);
        if rng.random_bool(0.75) {
            t += rng.random_range(30..1_800);
            push(
                &mut parts,
                "assignment",
                None,
                t,
                &admin,
                json!({"type": "admin", "id": admin_ids[admin_i]}),
                state,
            );
            doc["admin_assignee_id"] = json!(admin_ids[admin_i].parse::<i64>().ok());
            doc["team_assignee_id"] = json!(team_ids[team]);
        }
        let mut last_contact_at = created;
        let mut last_admin_at: Option<i64> = None;
        if !unanswered {
            t += rng.random_range(120..14_400);
            push(
                &mut parts,
                "comment",
                Some(topic.reply.replace("{name}", &first_name)),
                t,
                &admin,
                Value::Null,
                state,
            );
            last_admin_at = Some(t);
            doc["read"] = json!(true);
            if rng.random_bool(0.3) {
                t += rng.random_range(60..3_600);
                push(
                    &mut parts,
                    "note",
                    Some(topic.note.to_owned()),
                    t,
                    &admin,
                    Value::Null,
                    state,
                );
            }
            if rng.random_bool(0.65) {
                t += rng.random_range(300..28_800);
                push(
                    &mut parts,
                    "comment",
                    Some(topic.follow_up.to_owned()),
                    t,
                    &author,
                    Value::Null,
                    state,
                );
                last_contact_at = t;
                if rng.random_bool(0.8) {
                    t += rng.random_range(120..14_400);
                    push(
                        &mut parts,
                        "comment",
                        Some(topic.resolution.replace("{name}", &first_name)),
                        t,
                        &admin,
                        Value::Null,
                        state,
                    );
                    last_admin_at = Some(t);
                }
            }
            let roll = rng.random_range(0..100);
            if roll < 55 {
                t += rng.random_range(60..7_200);
                state = "closed";
                push(&mut parts, "close", None, t, &admin, Value::Null, state);
            } else if roll < 72 {
                t += rng.random_range(60..3_600);
                state = "snoozed";
                let until = now + rng.random_range(1..14) * DAY;
                doc["snoozed_until"] = json!(until);
                push(&mut parts, "snoozed", None, t, &admin, Value::Null, state);
            }
        }
        doc["state"] = json!(state);
        doc["open"] = json!(state != "closed");
        doc["updated_at"] = json!(t);
        doc["title"] = json!(topic.title);
        doc["custom_attributes"] = json!({"issue_type": topic.category});
        if rng.random_bool(0.08) {
            doc["priority"] = json!("priority");
        }
        let mut tags = Vec::new();
        if let Some(tag) = topic.tag.and_then(tag_index)
            && rng.random_bool(0.6)
        {
            tags.push((tag, created + 60, admin_ids[admin_i].clone()));
        }
        if rng.random_bool(0.08)
            && let Some(vip) = tag_index("VIP")
            && !tags.iter().any(|(t, _, _)| *t == vip)
        {
            tags.push((vip, created + 120, admin_ids[admin_i].clone()));
        }
        doc["tags"] = json!({
            "type": "tag.list",
            "tags": tags.iter().map(|(t, at, by)| applied_tag(&tag_docs[*t], *at, Some(by))).collect::<Vec<_>>(),
        });
        derive_conversation(&mut doc, &parts);
        let contact = &mut contacts[c];
        contact.last_replied = contact.last_replied.max(Some(last_contact_at));
        contact.last_contacted = contact.last_contacted.max(last_admin_at);
        for (t, at, by) in &tags {
            s.link(
                Rel::ConversationTag,
                &conversation_id,
                tag_docs[*t]["id"].as_str().unwrap_or_default(),
                *at,
                Some(by),
            )?;
        }
        s.insert(Kind::Conversation, &conversation_id, &Keys::none(), &doc)?;
        let part_keys = Keys::k1(Some(conversation_id.clone()));
        for part in &parts {
            let pid = part["id"].as_str().unwrap_or_default();
            s.insert(Kind::Part, pid, &part_keys, part)?;
        }
        n_conversations += 1;
    }

    // Contacts last, with the reply times the conversations gave them.
    for contact in &contacts {
        let id = &contact.id;
        if let Some(c) = contact.company {
            let cid = companies[c].0["id"].as_str().unwrap_or_default();
            s.link(Rel::ContactCompany, id, cid, contact.created, None)?;
        }
        for t in &contact.tags {
            s.link(
                Rel::ContactTag,
                id,
                tag_docs[*t]["id"].as_str().unwrap_or_default(),
                contact.created,
                Some(&admin_ids[0]),
            )?;
        }
        for g in &contact.segments {
            s.link(
                Rel::ContactSegment,
                id,
                segment_docs[*g]["id"].as_str().unwrap_or_default(),
                contact.created,
                None,
            )?;
        }
        if contact.last_replied.is_some() || contact.last_contacted.is_some() {
            let mut doc: Value = serde_json::from_str(&contact.json).unwrap_or(Value::Null);
            if let Some(at) = contact.last_replied {
                doc["last_replied_at"] = json!(at);
            }
            if let Some(at) = contact.last_contacted {
                doc["last_contacted_at"] = json!(at);
            }
            s.insert(Kind::Contact, id, &contact.keys, &doc)?;
        } else {
            s.insert_raw(Kind::Contact, id, &contact.keys, &contact.json)?;
        }
    }

    s.set_meta(
        "conversation_counter",
        &(1_000 + n_conversations).to_string(),
    )?;
    s.set_meta(
        "message_counter",
        &(400_000_000 + n_conversations).to_string(),
    )?;
    s.set_meta("part_counter", &part_counter.to_string())?;
    s.set_meta("seed", &config.seed.to_string())?;
    s.set_meta("me_admin_id", &admin_ids[0])?;
    s.set_meta("app", &app.to_string())?;
    Ok(Workspace {
        me_admin_id: admin_ids[0].clone(),
        app,
    })
}
