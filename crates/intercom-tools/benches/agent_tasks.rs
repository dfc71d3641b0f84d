//! Agent tasks against an in-process sandbox over loopback (127.0.0.1): for each task, the API
//! calls the tools made (read from the sandbox's request log, `GET /_sandbox/requests`) and the
//! size of what the tools returned, compact against full (bytes, and tokens as bytes / 4).
//!
//! ```sh
//! cargo bench -p intercom-tools --bench agent_tasks
//! ```
//!
//! Targets checked (and marked in the output): every search workflow in at most 2 API calls plus
//! 1 per extra page; compact results at least 3 times smaller than the API's JSON on pages of
//! conversations (each item a summary, its body cut at 300 characters), and at least 2.2 times
//! on a long conversation read whole (its messages are kept in full, so text dominates). A task whose tool is not in the registry prints `skipped: tool X not
//! registered`. The process exits non-zero when a task's result is wrong (its check fails);
//! missed targets are marked `MISSED` and counted.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use intercom_client::{Client, Config, Request};
use intercom_sandbox::{DEFAULT_TOKEN, RunningSandbox, Sandbox, SandboxConfig};
use intercom_tools::Registry;
use intercom_tools::shape::estimate_tokens;
use serde_json::{Value, json};

/// The customer and words the tasks look for (created during setup, this month).
const CUSTOMER_KEYWORD: &str = "invoice";

struct Bench {
    registry: Registry,
    client: Client,
    running: RunningSandbox,
}

/// What one run of a task produced.
struct Run {
    /// The tools' results, in order.
    results: Vec<Value>,
    /// `METHOD /path` of every API request the tools sent.
    calls: Vec<String>,
    elapsed: Duration,
}

impl Run {
    fn bytes(&self) -> usize {
        self.results
            .iter()
            .map(|r| serde_json::to_vec(r).map_or(0, |b| b.len()))
            .sum()
    }
    fn tokens(&self) -> usize {
        self.results.iter().map(estimate_tokens).sum()
    }
}

/// A task's verdict line.
struct Row {
    task: &'static str,
    tools: String,
    outcome: Outcome,
}

enum Outcome {
    Skipped(String),
    Done {
        calls: Vec<String>,
        max_calls: Option<usize>,
        compact: (usize, usize),
        full: (usize, usize),
        min_ratio: Option<f64>,
        elapsed: Duration,
        check: Result<String, String>,
    },
}

impl Bench {
    async fn start() -> Bench {
        let config = SandboxConfig::default()
            .contacts(50)
            .conversations(100)
            .rate_limit_per_window(100_000);
        let running = Sandbox::open(config)
            .expect("sandbox")
            .bind("127.0.0.1:0".parse().unwrap())
            .await
            .expect("bind 127.0.0.1:0");
        let client = Client::new(
            Config::new(DEFAULT_TOKEN)
                .base_url(&running.base_url())
                .expect("base url"),
        )
        .expect("client");
        Bench {
            registry: Registry::builtin(),
            client,
            running,
        }
    }

    fn has(&self, tool: &str) -> bool {
        self.registry.tool(tool).is_some()
    }

    /// Whether `tool` takes a parameter called `name`.
    fn takes(&self, tool: &str, name: &str) -> bool {
        self.registry
            .tool(tool)
            .is_some_and(|t| t.param(name).is_some())
    }

    async fn call(&self, name: &str, args: Value) -> Value {
        match self.registry.call(&self.client, name, args.clone()).await {
            Ok(v) => v,
            Err(e) => panic!("{name} {args}: {e} ({:?})", e.client_error()),
        }
    }

    async fn clear_log(&self) {
        self.client
            .send(&Request::delete("/_sandbox/requests"))
            .await
            .expect("clear the request log");
    }

    /// The API requests logged since the last clear (the sandbox's own endpoints left out).
    async fn log(&self) -> Vec<String> {
        let log = self
            .client
            .json(&Request::get("/_sandbox/requests"))
            .await
            .expect("request log");
        log["requests"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| {
                let path = r["path"].as_str()?;
                (!path.starts_with("/_sandbox"))
                    .then(|| format!("{} {path}", r["method"].as_str().unwrap_or("?")))
            })
            .collect()
    }

    /// Runs `calls` (tool, arguments) in order with `response_format` set, logging the requests.
    async fn run(&self, format: &str, calls: &[(&str, Value)]) -> Run {
        self.clear_log().await;
        let started = Instant::now();
        let mut results = Vec::new();
        for (name, args) in calls {
            let mut args = args.clone();
            args["response_format"] = json!(format);
            results.push(self.call(name, args).await);
        }
        let elapsed = started.elapsed();
        Run {
            results,
            calls: self.log().await,
            elapsed,
        }
    }
}

/// Unix seconds and `YYYY-MM-DD` of the first day of this month (UTC), and today's date.
fn this_month() -> (i64, String, String) {
    let now = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC);
    let first = now.date().first_of_month();
    let start = first
        .to_zoned(jiff::tz::TimeZone::UTC)
        .expect("midnight")
        .timestamp()
        .as_second();
    (start, first.to_string(), now.date().to_string())
}

struct Fixture {
    admin_id: String,
    customer_email: String,
    /// The id of the customer's open conversation about the keyword, created this month.
    match_id: String,
    long_id: String,
    close_ids: [String; 2],
}

/// Data the tasks need, made through the tools (not counted).
async fn setup(b: &Bench) -> Fixture {
    let admins = b
        .call("intercom_list_admins", json!({"response_format": "full"}))
        .await;
    let admin_id = admins["admins"][0]["id"].as_str().unwrap().to_owned();
    let users = b
        .call(
            "intercom_search_contacts",
            json!({"query": {"field": "role", "operator": "=", "value": "user"}, "pagination": {"per_page": 5}, "response_format": "full"}),
        )
        .await;
    let customer = &users["data"][0];
    let customer_id = customer["id"].as_str().unwrap().to_owned();
    let customer_email = customer["email"].as_str().unwrap().to_owned();
    let other_id = users["data"][1]["id"].as_str().unwrap().to_owned();

    let create = |who: &str, body: &str| json!({"from": {"type": "user", "id": who}, "body": body, "response_format": "full"});
    let mut created = Vec::new();
    for (who, body) in [
        (
            customer_id.as_str(),
            format!(
                "Hello, our last {CUSTOMER_KEYWORD} shows the wrong VAT number. Can you reissue it?"
            ),
        ),
        (
            customer_id.as_str(),
            "The export to CSV times out for large date ranges.".to_owned(),
        ),
        (
            other_id.as_str(),
            format!("Where can I download an {CUSTOMER_KEYWORD} for March?"),
        ),
        (other_id.as_str(), "Please close my account.".to_owned()),
        (other_id.as_str(), "Is there an API rate limit?".to_owned()),
    ] {
        let c = b
            .call("intercom_create_conversation", create(who, &body))
            .await;
        created.push(c["conversation_id"].as_str().unwrap().to_owned());
    }

    // A long conversation: 80 replies alternating between the customer and an admin.
    let long_id = created[1].clone();
    for i in 0..80 {
        let args = if i % 2 == 0 {
            json!({"conversation_id": long_id, "type": "user", "intercom_user_id": customer_id,
                   "body": format!("<p>Update {i}: the export still fails after <b>{}</b> minutes for the range Jan–Jun. I tried Chrome and Firefox; the spinner keeps going and then the page shows an error.</p>", 3 + i % 7),
                   "response_format": "full"})
        } else {
            json!({"conversation_id": long_id, "admin_id": admin_id,
                   "body": format!("<p>Thanks for the details. Step {i}: could you try a smaller range, say one month, and tell us whether it completes?</p><p>We are looking into the timeouts with the engineering team.</p>"),
                   "response_format": "full"})
        };
        b.call("intercom_reply_to_conversation", args).await;
    }
    Fixture {
        admin_id,
        customer_email,
        match_id: created[0].clone(),
        long_id,
        close_ids: [created[3].clone(), created[4].clone()],
    }
}

async fn task_customer_keyword(b: &Bench, f: &Fixture) -> Row {
    let task = "customer's open conversations about a keyword, this month";
    let (start, first_day, today) = this_month();
    let (tools, calls): (String, Vec<(&str, Value)>) = if b
        .has("intercom_search_conversations_by_customer")
    {
        let name = "intercom_search_conversations_by_customer";
        let mut args = json!({"customer_identifier": f.customer_email, "start_date": first_day, "end_date": today, "keywords": [CUSTOMER_KEYWORD]});
        if b.takes(name, "state") {
            args["state"] = json!("open");
        }
        (name.to_owned(), vec![(name, args)])
    } else {
        println!(
            "  note: intercom_search_conversations_by_customer not registered; using intercom_search_conversations"
        );
        let name = "intercom_search_conversations";
        let args = json!({"query": {"operator": "AND", "value": [
            {"field": "source.author.email", "operator": "=", "value": f.customer_email},
            {"field": "state", "operator": "=", "value": "open"},
            {"field": "created_at", "operator": ">", "value": start - 1},
            {"field": "source.body", "operator": "~", "value": CUSTOMER_KEYWORD}
        ]}});
        (name.to_owned(), vec![(name, args)])
    };
    let compact = b.run("compact", &calls).await;
    let full = b.run("full", &calls).await;
    let found = ids_in(&compact.results[0]);
    let check = if found.contains(&f.match_id) {
        Ok(format!("found conversation {}", f.match_id))
    } else {
        Err(format!(
            "conversation {} not among {found:?}: {}",
            f.match_id, compact.results[0]
        ))
    };
    done(task, tools, compact, full, Some(2), None, check)
}

async fn task_open_tickets(b: &Bench) -> Row {
    let task = "list open tickets";
    let name = "intercom_search_tickets_by_status";
    if !b.has(name) {
        return Row {
            task,
            tools: name.to_owned(),
            outcome: Outcome::Skipped(format!("skipped: tool {name} not registered")),
        };
    }
    let calls = vec![(name, json!({"status": "open"}))];
    let compact = b.run("compact", &calls).await;
    let full = b.run("full", &calls).await;
    let n = count_items(&full.results[0]);
    let check = Ok(format!("{n} tickets"));
    done(task, name.to_owned(), compact, full, Some(2), None, check)
}

async fn task_by_date(b: &Bench) -> Row {
    let task = "conversations created this month";
    let name = "intercom_list_conversations_by_date";
    if !b.has(name) {
        return Row {
            task,
            tools: name.to_owned(),
            outcome: Outcome::Skipped(format!("skipped: tool {name} not registered")),
        };
    }
    let (_, first_day, today) = this_month();
    let calls = vec![(name, json!({"start_date": first_day, "end_date": today}))];
    let compact = b.run("compact", &calls).await;
    let full = b.run("full", &calls).await;
    let n = count_items(&full.results[0]);
    let check = if n >= 5 {
        Ok(format!("{n} conversations"))
    } else {
        Err(format!("expected the 5 made this month, got {n}"))
    };
    done(
        task,
        name.to_owned(),
        compact,
        full,
        Some(2),
        Some(3.0),
        check,
    )
}

async fn task_open_page(b: &Bench) -> Row {
    let task = "a page of 50 open conversations";
    let name = "intercom_search_conversations";
    let calls = vec![(
        name,
        json!({"query": {"field": "state", "operator": "=", "value": "open"}, "pagination": {"per_page": 50}}),
    )];
    let compact = b.run("compact", &calls).await;
    let full = b.run("full", &calls).await;
    let n = count_items(&full.results[0]);
    let check = Ok(format!(
        "{n} conversations{}",
        if compact.results[0]["truncated"] == true {
            ", compact page cut by the budget"
        } else {
            ""
        }
    ));
    done(
        task,
        name.to_owned(),
        compact,
        full,
        Some(2),
        Some(3.0),
        check,
    )
}

async fn task_reply_and_close(b: &Bench, f: &Fixture) -> Row {
    let task = "reply to a conversation and close it";
    let steps = |id: &str| {
        vec![
            (
                "intercom_reply_to_conversation",
                json!({"conversation_id": id, "admin_id": f.admin_id, "body": "Done: your account is closed. Thanks for being with us."}),
            ),
            (
                "intercom_manage_conversation",
                json!({"conversation_id": id, "admin_id": f.admin_id, "message_type": "close"}),
            ),
        ]
    };
    let compact = b.run("compact", &steps(&f.close_ids[0])).await;
    let full = b.run("full", &steps(&f.close_ids[1])).await;
    let check = if compact.results[1]["state"] == "closed" && full.results[1]["state"] == "closed" {
        Ok("closed".to_owned())
    } else {
        Err(format!("not closed: {}", compact.results[1]))
    };
    done(
        task,
        "intercom_reply_to_conversation + intercom_manage_conversation".to_owned(),
        compact,
        full,
        Some(2),
        None,
        check,
    )
}

async fn task_long_conversation(b: &Bench, f: &Fixture) -> Row {
    let task = "read a long conversation (80 replies) to summarise it";
    let name = "intercom_retrieve_conversation";
    let calls = vec![(name, json!({"conversation_id": f.long_id}))];
    let compact = b.run("compact", &calls).await;
    let full = b.run("full", &calls).await;
    let parts = compact.results[0]["conversation_parts"]
        .as_array()
        .map_or(0, Vec::len);
    let full_parts = full.results[0]["conversation_parts"]["conversation_parts"]
        .as_array()
        .map_or(0, Vec::len);
    let check = if parts == full_parts && compact.results[0]["truncated"] != true {
        Ok(format!("all {parts} parts, uncut"))
    } else {
        Err(format!("compact has {parts} parts, full {full_parts}"))
    };
    // Text-dominated: each part is mostly its message, which the compact form keeps whole; what
    // is left to save (part envelopes, repeated authors, times) gives about 2.2x, not 3x.
    done(
        task,
        name.to_owned(),
        compact,
        full,
        Some(1),
        Some(2.2),
        check,
    )
}

fn done(
    task: &'static str,
    tools: String,
    compact: Run,
    full: Run,
    max_calls: Option<usize>,
    min_ratio: Option<f64>,
    check: Result<String, String>,
) -> Row {
    Row {
        task,
        tools,
        outcome: Outcome::Done {
            compact: (compact.bytes(), compact.tokens()),
            full: (full.bytes(), full.tokens()),
            calls: compact.calls,
            max_calls,
            min_ratio,
            elapsed: compact.elapsed,
            check,
        },
    }
}

fn list_of(result: &Value) -> Option<&Vec<Value>> {
    ["conversations", "tickets", "data"]
        .iter()
        .find_map(|k| result[*k].as_array())
}

fn count_items(result: &Value) -> usize {
    list_of(result).map_or(0, Vec::len)
}

fn ids_in(result: &Value) -> Vec<String> {
    list_of(result)
        .into_iter()
        .flatten()
        .filter_map(|c| c["id"].as_str().map(str::to_owned))
        .collect()
}

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let b = Bench::start().await;
        println!(
            "agent tasks against the sandbox at {}",
            b.running.base_url()
        );
        let setup_started = Instant::now();
        let f = setup(&b).await;
        println!("setup (not counted): {:.2?}\n", setup_started.elapsed());

        let rows = vec![
            task_customer_keyword(&b, &f).await,
            task_open_tickets(&b).await,
            task_by_date(&b).await,
            task_open_page(&b).await,
            task_reply_and_close(&b, &f).await,
            task_long_conversation(&b, &f).await,
        ];
        let failed = report(&rows);
        b.running.shutdown().await;
        if failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    })
}

/// Prints the table; returns how many tasks failed their check (a wrong result). Missed size
/// or call-count targets are marked and counted, but do not fail the run.
fn report(rows: &[Row]) -> usize {
    let (mut passed, mut failed, mut skipped, mut missed) = (0, 0, 0, 0);
    for row in rows {
        println!("* {}  [{}]", row.task, row.tools);
        match &row.outcome {
            Outcome::Skipped(why) => {
                skipped += 1;
                println!("    {why}");
            }
            Outcome::Done {
                calls,
                max_calls,
                compact,
                full,
                min_ratio,
                elapsed,
                check,
            } => {
                // The workspace's time zone is read once per client (GET /me), not per task.
                let (once, calls): (Vec<&String>, Vec<&String>) =
                    calls.iter().partition(|c| c.as_str() == "GET /me");
                let calls_ok = max_calls.is_none_or(|m| calls.len() <= m);
                let ratio = full.0 as f64 / compact.0.max(1) as f64;
                let ratio_ok = min_ratio.is_none_or(|m| ratio >= m);
                let once = if once.is_empty() {
                    String::new()
                } else {
                    format!(" (+{} once per client: GET /me)", once.len())
                };
                println!(
                    "    API calls: {}{once} {}  ({})",
                    calls.len(),
                    mark(calls_ok, max_calls.map(|m| format!("<= {m}"))),
                    calls
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                println!(
                    "    result size: compact {} bytes (~{} tokens), full {} bytes (~{} tokens): {:.1}x smaller {}",
                    compact.0,
                    compact.1,
                    full.0,
                    full.1,
                    ratio,
                    mark(ratio_ok, min_ratio.map(|m| format!(">= {m}x")))
                );
                println!("    time (compact run, loopback): {elapsed:.2?}");
                match check {
                    Ok(what) => println!("    check: ok, {what}"),
                    Err(why) => println!("    check: FAILED, {why}"),
                }
                if check.is_ok() {
                    passed += 1;
                } else {
                    failed += 1;
                }
                missed += usize::from(!calls_ok) + usize::from(!ratio_ok);
            }
        }
    }
    println!("\ntargets missed: {missed}");
    println!("agent tasks: {passed} passed, {failed} failed, {skipped} skipped");
    failed
}

fn mark(ok: bool, target: Option<String>) -> String {
    match (ok, target) {
        (_, None) => String::new(),
        (true, Some(t)) => format!("[target {t}: ok]"),
        (false, Some(t)) => format!("[target {t}: MISSED]"),
    }
}
