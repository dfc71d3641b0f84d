//! The mirror's figures, printed (no assertions).
//!
//! ```sh
//! cargo bench -p intercom-mirror --bench mirror
//! MIRROR_BENCH_SIZE=20000 MIRROR_BENCH_SYNC=300 MIRROR_BENCH_RATE=100 cargo bench -p intercom-mirror --bench mirror
//! MIRROR_BENCH_SYNC=0 MIRROR_BENCH_DB=/tmp/m.sqlite cargo bench -p intercom-mirror --bench mirror  # part 2 only, mirror kept
//! MIRROR_BENCH_SYNC=0 MIRROR_BENCH_DB=postgres://user:pw@127.0.0.1:5432/db cargo bench -p intercom-mirror --bench mirror  # part 2 on PostgreSQL
//! ```
//!
//! 1. **Paced sync** (`MIRROR_BENCH_SYNC` contacts and conversations, default 600, against a
//!    sandbox allowing `MIRROR_BENCH_RATE` requests per 10-second window, default 200, on the
//!    wall clock): requests per second as a fraction of the limit, failed calls, then an
//!    incremental sync after 1% changes and 0.1% deletions (its requests).
//! 2. **Queries at scale** (`MIRROR_BENCH_SIZE` conversations and contacts, default 100,000,
//!    mirrored from the sandbox with no rate limit, which also times an unpaced sync): p50/p99
//!    of full-text searches and grouped counts, and the mirror's size on disk. With
//!    `MIRROR_BENCH_DB=postgres://…` the mirror is a `PostgresStore` (an empty database or
//!    schema is filled; one that holds conversations is reused) and the size is
//!    `pg_total_relation_size` of its tables.
//! 3. **Tokens** (o200k) an agent spends on "how many conversations mentioned refunds last
//!    month, by team": one `intercom_local_count` call versus the live tools (paging
//!    `intercom_search_conversations` over the month, then `intercom_list_teams`), on the
//!    sandbox of part 1, with the compact shaping an MCP agent gets.

use std::time::{Duration, Instant};

use intercom_client::{Client, Config, Request};
use intercom_mirror::{Count, Filter, GroupBy, Search, SqliteStore, Store, SyncOptions, Syncer};
use intercom_sandbox::{DEFAULT_TOKEN, RunningSandbox, Sandbox, SandboxConfig};
use intercom_tools::{Registry, ShapeDefaults};
use serde_json::{Value, json};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn sandbox(n: usize, rate: u32) -> (RunningSandbox, Client) {
    let started = Instant::now();
    let running = Sandbox::open(
        SandboxConfig::default()
            .contacts(n)
            .conversations(n)
            .tickets((n / 10).max(30))
            .rate_limit_per_window(rate),
    )
    .unwrap()
    .bind("127.0.0.1:0".parse().unwrap())
    .await
    .unwrap();
    println!(
        "  sandbox of {n} contacts and {n} conversations seeded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let client = Client::new(
        Config::new(DEFAULT_TOKEN)
            .base_url(&running.base_url())
            .unwrap(),
    )
    .unwrap();
    (running, client)
}

fn temp_db(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "intercom-mirror-bench-{}-{name}.sqlite",
        std::process::id()
    ));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn time(name: &str, runs: usize, mut f: impl FnMut() -> u64) {
    let mut times = Vec::with_capacity(runs);
    let mut n = 0;
    for _ in 0..runs {
        let t = Instant::now();
        n = f();
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "  {name:<58} p50 {:>8.2} ms  p99 {:>8.2} ms  ({n} found)",
        percentile(&times, 0.5).as_secs_f64() * 1000.0,
        percentile(&times, 0.99).as_secs_f64() * 1000.0
    );
}

async fn paced_sync(n: usize, rate: u32) -> (RunningSandbox, Client, std::path::PathBuf) {
    println!("1. paced sync: {n} contacts and conversations, {rate} requests per 10 s window");
    let (running, client) = sandbox(n, rate).await;
    let path = temp_db("paced");
    let store = SqliteStore::open(&path).unwrap();
    let report = Syncer::new(client.clone(), &store)
        .options(SyncOptions::default())
        .run()
        .await
        .unwrap();
    let windows = report.seconds / 10.0;
    println!(
        "  first sync: {} requests in {:.1} s = {:.1}/s; limit {}/10 s = {:.1}/s",
        report.requests,
        report.seconds,
        report.requests_per_second,
        rate,
        f64::from(rate) / 10.0,
    );
    // Requests per fixed 10-second window (the sandbox's windows start at multiples of 10 s),
    // from its request log: the first and last windows are partial, the others show how much
    // of each window's budget the sync used.
    let log = client
        .json(&Request::get("/_sandbox/requests"))
        .await
        .unwrap();
    let mut per_window = std::collections::BTreeMap::<i64, u32>::new();
    let mut failed = 0;
    for entry in log["requests"].as_array().unwrap() {
        let t = entry["time"].as_i64().unwrap();
        *per_window.entry(t - t.rem_euclid(10)).or_default() += 1;
        if entry["status"].as_u64().unwrap_or(0) >= 400 {
            failed += 1;
        }
    }
    let counts: Vec<u32> = per_window.values().copied().collect();
    let middle = if counts.len() > 2 {
        &counts[1..counts.len() - 1]
    } else {
        &counts[..]
    };
    let used = middle.iter().sum::<u32>() as f64 / (middle.len() as f64 * f64::from(rate));
    println!(
        "  requests per window {counts:?} ({windows:.1} windows): the whole windows used {:.1}% of the budget; {failed} failed calls",
        used * 100.0
    );
    // 1% changes, 0.1% deletions.
    let changes = (n / 100).max(1);
    let deletions = (n / 1000).max(1);
    let ids: Vec<String> = {
        let mut ids = Vec::new();
        store
            .export(
                intercom_mirror::Resource::Conversations,
                &Filter::default(),
                &mut |d| {
                    ids.push(d["id"].as_str().unwrap().to_owned());
                    Ok(())
                },
            )
            .unwrap();
        ids
    };
    let me = client.json(&Request::get("/me")).await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for id in ids.iter().take(changes) {
        client
            .json(&Request::post(
                format!("/conversations/{id}/reply"),
                json!({"message_type": "note", "type": "admin", "admin_id": me, "body": "Checked again."}),
            ))
            .await
            .unwrap();
    }
    for id in ids.iter().rev().take(deletions) {
        client
            .json(&Request::delete(format!("/conversations/{id}")).version("2.16"))
            .await
            .unwrap();
    }
    let again = Syncer::new(client.clone(), &store).run().await.unwrap();
    let conv = again
        .resources
        .iter()
        .find(|r| r.resource == "conversations")
        .unwrap();
    println!(
        "  incremental after {changes} changed and {deletions} deleted conversations: {} requests in all ({} for conversations: {} fetched whole, {} for the removal check; {} removed)",
        again.requests,
        conv.requests,
        conv.fetched_whole.unwrap_or(0),
        conv.reconcile_requests,
        conv.deleted
    );
    (running, client, path)
}

async fn queries(n: usize) {
    println!("2. queries over a mirror of {n} conversations and {n} contacts");
    // MIRROR_BENCH_DB: a mirror file to keep (and reuse when it exists) instead of a temporary
    // one, or a PostgreSQL URL (`postgres://…`; reused when it holds conversations, else filled).
    let kept = std::env::var_os("MIRROR_BENCH_DB").map(std::path::PathBuf::from);
    let path = kept.clone().unwrap_or_else(|| temp_db("scale"));
    let url = path.to_string_lossy().into_owned();
    let postgres = intercom_mirror::is_postgres_url(&url);
    let (store, name): (Box<dyn Store>, String) = if postgres {
        let store = intercom_mirror::PostgresStore::open(&url).unwrap();
        let name = format!("{store:?}");
        (Box::new(store), name)
    } else {
        (
            Box::new(SqliteStore::open(&path).unwrap()),
            path.display().to_string(),
        )
    };
    let reuse = store.count(&Count::new(Filter::default())).unwrap().total > 0;
    if reuse {
        println!("  reusing the mirror at {name}");
    } else if postgres {
        println!("  into {name}");
    }
    if !reuse {
        let (running, client) = sandbox(n, 1_000_000_000).await;
        let report = Syncer::new(client.clone(), &*store).run().await.unwrap();
        println!(
            "  unpaced sync over loopback: {} requests in {:.1} s ({:.0}/s)",
            report.requests, report.seconds, report.requests_per_second
        );
        running.shutdown().await;
    }
    let latest = store
        .search(&Search::new(Filter::default()).limit(1))
        .unwrap()
        .hits[0]
        .created_at
        .unwrap();
    let month = latest - 30 * 86_400;
    let runs = 200;
    time(
        "search \"refund\" (ranked, snippets, 20 hits)",
        runs,
        || {
            store
                .search(&Search::new(Filter::text("refund")))
                .unwrap()
                .total
        },
    );
    time("search \"password reset\" open, last 30 days", runs, || {
        store
            .search(&Search::new(Filter {
                state: Some("open".into()),
                created_after: Some(month),
                ..Filter::text("password reset")
            }))
            .unwrap()
            .total
    });
    time("search a rare word (\"Slack\")", runs, || {
        store
            .search(&Search::new(Filter::text("slack")))
            .unwrap()
            .total
    });
    time("count \"refund\" last 30 days by team", runs, || {
        store
            .count(
                &Count::new(Filter {
                    created_after: Some(month),
                    ..Filter::text("refund")
                })
                .group_by(GroupBy::Team),
            )
            .unwrap()
            .total
    });
    time("count all conversations by state", runs, || {
        store
            .count(&Count::new(Filter::default()).group_by(GroupBy::State))
            .unwrap()
            .total
    });
    time("count all conversations by month", runs, || {
        store
            .count(&Count::new(Filter::default()).group_by(GroupBy::Month))
            .unwrap()
            .total
    });
    time("count \"refund\" by tag", runs, || {
        store
            .count(&Count::new(Filter::text("refund")).group_by(GroupBy::Tag))
            .unwrap()
            .total
    });
    time(
        "freshness (every mirror tool answer reads it)",
        runs,
        || store.freshness().unwrap().resources.len() as u64,
    );
    let bytes = store.size_on_disk().unwrap();
    println!(
        "  mirror on disk{}: {:.1} MB ({} bytes, {:.1} KB per conversation and contact)",
        if postgres {
            " (pg_total_relation_size of its tables)"
        } else {
            ""
        },
        bytes as f64 / 1e6,
        bytes,
        bytes as f64 / 1024.0 / (2 * n) as f64
    );
    drop(store);
    if kept.is_none() && !postgres {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}

fn tokens(v: &Value) -> usize {
    tiktoken_rs::o200k_base()
        .unwrap()
        .encode_ordinary(&serde_json::to_string(v).unwrap())
        .len()
}

async fn agent_tokens(client: &Client, mirror: &std::path::Path) {
    println!("3. tokens for \"how many conversations mentioned refunds last month, by team\"");
    let registry = Registry::builtin().with_shaping(ShapeDefaults::AGENT);
    intercom_tools::use_mirror_at(client, mirror);
    let store = SqliteStore::open(mirror).unwrap();
    // "Last month": the latest calendar month in which conversations mention refunds.
    let months = store
        .count(&Count::new(Filter::text("refund")).group_by(GroupBy::Month))
        .unwrap();
    let month = months.groups.last().and_then(|g| g.key.clone()).unwrap();
    let start: jiff::civil::Date = format!("{month}-01").parse().unwrap();
    let end = start.checked_add(jiff::ToSpan::months(1)).unwrap();
    let unix = |d: jiff::civil::Date| {
        d.to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_second()
    };
    let (from, to) = (unix(start), unix(end) - 1);
    println!("  \"last month\" = {month}");
    let day = |t: i64| {
        jiff::Timestamp::from_second(t)
            .unwrap()
            .strftime("%Y-%m-%d")
            .to_string()
    };

    let args = json!({"text": "refund", "created_after": day(from), "created_before": day(to), "group_by": "team"});
    let answer = registry
        .call(client, "intercom_local_count", args.clone())
        .await
        .unwrap();
    let local = tokens(&args) + tokens(&answer);
    println!(
        "  mirror: 1 call, {local} tokens (arguments {} + answer {}); total {}",
        tokens(&args),
        tokens(&answer),
        answer["total"]
    );

    let mut calls = 0;
    let mut spent = 0;
    let mut matched = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut args = json!({
            "query": {"operator": "AND", "value": [
                {"field": "source.body", "operator": "~", "value": "refund"},
                {"field": "created_at", "operator": ">", "value": from},
                {"field": "created_at", "operator": "<", "value": to}
            ]},
            "pagination": {"per_page": 50}
        });
        if let Some(c) = &cursor {
            args["pagination"]["starting_after"] = json!(c);
        }
        let page = registry
            .call(client, "intercom_search_conversations", args.clone())
            .await
            .unwrap();
        calls += 1;
        spent += tokens(&args) + tokens(&page);
        matched += page["conversations"].as_array().map_or(0, Vec::len);
        cursor = page["pages"]["next"]["starting_after"]
            .as_str()
            .map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    let teams = registry
        .call(client, "intercom_list_teams", json!({}))
        .await
        .unwrap();
    calls += 1;
    spent += tokens(&json!({})) + tokens(&teams);
    println!(
        "  live tools: {calls} calls, {spent} tokens ({matched} conversations read and tallied by the agent; Intercom's search sees only each conversation's first message)"
    );
    println!(
        "  ratio: the live route costs {:.0}x the mirror's tokens",
        spent as f64 / local.max(1) as f64
    );
}

#[tokio::main]
async fn main() {
    let sync_n = env("MIRROR_BENCH_SYNC", 600);
    let rate = env("MIRROR_BENCH_RATE", 200) as u32;
    let size = env("MIRROR_BENCH_SIZE", 100_000);
    // MIRROR_BENCH_SYNC=0 skips parts 1 and 3.
    if sync_n > 0 {
        let (running, client, path) = paced_sync(sync_n, rate).await;
        agent_tokens(&client, &path).await;
        running.shutdown().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    queries(size).await;
}
