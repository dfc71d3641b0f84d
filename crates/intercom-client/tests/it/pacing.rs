//! Rate-limit pacing: clones of one client share the budget the server reports.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use intercom_client::{Client, Clock, Config, Request, TestClock};
use serde_json::json;

use crate::mock::{Mock, Reply, Seen, T0, config};

const WINDOW: u64 = 10;

/// What the limited server saw: requests served per window, and 429s sent.
#[derive(Debug, Default)]
struct Ledger {
    served: BTreeMap<u64, u32>,
    rejected: u32,
}

/// A server allowing `limit` requests per 10-second window of the test clock, sending Intercom's
/// rate-limit headers on every answer and a 429 past the limit.
async fn limited_server(limit: u32, clock: TestClock) -> (Mock, Arc<Mutex<Ledger>>) {
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let book = Arc::clone(&ledger);
    let mock = Mock::with_handler(move |_: &Seen| {
        let now = clock.unix().as_secs();
        let window = now / WINDOW;
        let reset = (window + 1) * WINDOW;
        let mut book = book.lock().unwrap();
        let used = book.served.get(&window).copied().unwrap_or(0);
        let reply = if used >= limit {
            book.rejected += 1;
            Reply::error(
                429,
                "rate_limit_exceeded",
                &format!("Exceeded rate limit of {limit} in 10_seconds"),
            )
        } else {
            book.served.insert(window, used + 1);
            Reply::ok(json!({"type": "admin", "window": window}))
        };
        let remaining = limit.saturating_sub(book.served.get(&window).copied().unwrap_or(0));
        reply
            .header("x-ratelimit-limit", limit)
            .header("x-ratelimit-remaining", remaining)
            .header("x-ratelimit-reset", reset)
    })
    .await;
    (mock, ledger)
}

fn client_on(config: Config, clock: &TestClock) -> Client {
    Client::with_clock(config, Arc::new(clock.clone()) as Arc<dyn Clock>).unwrap()
}

/// `tasks` concurrent clones of `client`, each sending `each` requests one after another.
async fn hammer(client: &Client, tasks: usize, each: usize) {
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                for _ in 0..each {
                    client.json(&Request::get("/me")).await.unwrap();
                }
            })
        })
        .collect();
    for handle in handles {
        handle.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_the_budget_without_a_single_429() {
    // (limit per window, concurrent tasks, requests per task); most have more callers than the
    // window allows, so even the first burst must be held back.
    for (limit, tasks, each) in [(5u32, 8usize, 4usize), (3, 10, 3), (20, 6, 10), (1, 3, 3)] {
        let case = format!("limit {limit}, {tasks} tasks x {each}");
        let clock = TestClock::at_unix(T0);
        let (mock, ledger) = limited_server(limit, clock.clone()).await;
        let client = client_on(config(&mock.base_url), &clock);
        hammer(&client, tasks, each).await;

        let total = (tasks * each) as u32;
        let ledger = ledger.lock().unwrap();
        assert_eq!(ledger.rejected, 0, "{case}: {ledger:?}");
        assert_eq!(ledger.served.values().sum::<u32>(), total, "{case}");
        assert!(
            ledger.served.values().all(|&n| n <= limit),
            "{case}: {ledger:?}"
        );
        assert_eq!(mock.count(), tasks * each, "{case}");
        // The requests need at least total/limit windows: the waits were taken on the test clock.
        let windows = u64::from(total.div_ceil(limit)) - 1;
        assert!(
            clock.unix() >= Duration::from_secs(T0 + windows * WINDOW),
            "{case}: {:?}",
            clock.unix()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_pacing_the_same_load_meets_429s() {
    // The control for the test above: it shows the limited server does push back.
    let clock = TestClock::at_unix(T0);
    let (mock, ledger) = limited_server(5, clock.clone()).await;
    let client = client_on(
        config(&mock.base_url).pacing(false).max_attempts(50),
        &clock,
    );
    hammer(&client, 8, 4).await;
    let ledger = ledger.lock().unwrap();
    assert!(ledger.rejected > 0, "{ledger:?}");
    assert_eq!(
        ledger.served.values().sum::<u32>(),
        32,
        "retries still get everything through"
    );
}

fn timed_server(
    clock: TestClock,
    replies: Vec<Reply>,
) -> impl Fn(&Seen) -> Reply + Send + Sync + 'static {
    let script = Mutex::new(replies.into_iter());
    move |_: &Seen| {
        let reply = script
            .lock()
            .unwrap()
            .next()
            .unwrap_or_else(|| Reply::text(418, "past the script"));
        reply.header("x-served-at", clock.unix().as_secs())
    }
}

fn budget(remaining: u32, reset: u64) -> Reply {
    Reply::ok(json!({}))
        .header("x-ratelimit-limit", 10)
        .header("x-ratelimit-remaining", remaining)
        .header("x-ratelimit-reset", reset)
}

#[tokio::test]
async fn waits_for_the_reset_when_the_budget_is_spent_then_spreads_the_last_requests() {
    let clock = TestClock::at_unix(T0);
    let handler = timed_server(
        clock.clone(),
        vec![
            budget(0, T0 + 7),
            budget(1, T0 + 17),
            budget(0, T0 + 17),
            budget(9, T0 + 27),
        ],
    );
    let mock = Mock::with_handler(handler).await;
    let client = client_on(config(&mock.base_url), &clock);
    let mut served_at = Vec::new();
    for _ in 0..4 {
        let res = client.send(&Request::get("/me")).await.unwrap();
        served_at.push(
            res.headers["x-served-at"]
                .to_str()
                .unwrap()
                .parse::<u64>()
                .unwrap()
                - T0,
        );
    }
    // 1st: nothing known. 2nd: none left until T0+7. 3rd: one left for the 10 s until T0+17, so it
    // waits half of it. 4th: none left, so it waits for the reset at T0+17.
    assert_eq!(clock.sleeps(), [7, 5, 5].map(Duration::from_secs));
    assert_eq!(served_at, [0, 7, 12, 17]);
    let seen = client.rate_limit().unwrap();
    assert_eq!((seen.remaining, seen.reset), (9, T0 + 27));
}

#[tokio::test]
async fn a_reset_far_away_is_not_waited_for() {
    let clock = TestClock::at_unix(T0);
    let mock = Mock::with_handler(timed_server(
        clock.clone(),
        vec![budget(0, T0 + 3600), budget(0, T0 + 3600)],
    ))
    .await;
    let client = client_on(config(&mock.base_url), &clock);
    client.json(&Request::get("/me")).await.unwrap();
    client.json(&Request::get("/me")).await.unwrap();
    assert!(clock.sleeps().is_empty(), "{:?}", clock.sleeps());
}

#[tokio::test]
async fn pacing_off_never_waits_before_sending() {
    let clock = TestClock::at_unix(T0);
    let mock = Mock::with_handler(timed_server(
        clock.clone(),
        vec![budget(0, T0 + 7), budget(0, T0 + 7)],
    ))
    .await;
    let client = client_on(config(&mock.base_url).pacing(false), &clock);
    client.json(&Request::get("/me")).await.unwrap();
    client.json(&Request::get("/me")).await.unwrap();
    assert!(clock.sleeps().is_empty());
}
