//! The rate-limit budget shared between processes: twenty independent clients (each with its
//! own pacing state, as twenty processes would have) against a sandbox with a low limit, on one
//! clock that runs a hundred times faster than real time and that the sandbox reads too (a
//! 10-second window lasts 100 ms). Unlike [`TestClock`], whose concurrent sleeps add up, it moves
//! like a wall clock, which is what processes sharing a budget see.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use intercom_client::{Client, Clock, Config, Error, Request, Sleep};
use intercom_sandbox::{Sandbox, SandboxConfig};

use crate::mock::T0;

const SPEED: u32 = 100;

#[derive(Debug, Clone)]
struct Fast {
    start: std::time::Instant,
}

impl Clock for Fast {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(T0) + self.start.elapsed() * SPEED
    }
    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration / SPEED))
    }
}

/// The sandbox reads the clients' clock, so windows end when the clients think they do.
#[derive(Debug)]
struct SameTime(Fast);

impl intercom_sandbox::Clock for SameTime {
    fn now(&self) -> i64 {
        i64::try_from(self.0.unix().as_secs()).unwrap()
    }
}

/// A sandbox clock that stays in one rate-limit window for the whole test.
#[derive(Debug)]
struct Frozen;

impl intercom_sandbox::Clock for Frozen {
    fn now(&self) -> i64 {
        i64::try_from(T0).unwrap()
    }
}

struct Outcome {
    calls: usize,
    failed: usize,
    rate_limited: usize,
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "intercom-client-shared-budget-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// `clients` clients make `calls` calls each, at once, with no retries (so any 429 is a failed
/// call); `shared` is the directory of the shared budget, or none. With `frozen`, the sandbox's
/// window never ends, whatever the clients' clock says.
async fn run(
    clients: usize,
    calls: usize,
    limit: u32,
    shared: Option<PathBuf>,
    frozen: bool,
) -> Outcome {
    let clock = Fast {
        start: std::time::Instant::now(),
    };
    let sandbox_clock: Arc<dyn intercom_sandbox::Clock> = if frozen {
        Arc::new(Frozen)
    } else {
        Arc::new(SameTime(clock.clone()))
    };
    let sandbox = Sandbox::open(
        SandboxConfig::default()
            .contacts(5)
            .rate_limit_per_window(limit)
            .clock(sandbox_clock),
    )
    .unwrap()
    .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
    .await
    .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let config = Config::new(intercom_sandbox::DEFAULT_TOKEN)
            .base_url(&sandbox.base_url())
            .unwrap()
            .max_attempts(1)
            .deadline(Duration::from_secs(86_400))
            // An hour of this clock is 36 s: a loaded machine never times a request out.
            .timeout(Duration::from_secs(3_600))
            .rate_limit_dir(shared.clone());
        let client = Client::with_clock(config, Arc::new(clock.clone()) as Arc<dyn Clock>).unwrap();
        tasks.push(tokio::spawn(async move {
            let mut results = Vec::new();
            for _ in 0..calls {
                results.push(client.send(&Request::get("/admins")).await.err());
            }
            results
        }));
    }
    let mut outcome = Outcome {
        calls: 0,
        failed: 0,
        rate_limited: 0,
    };
    for task in tasks {
        for error in task.await.unwrap() {
            outcome.calls += 1;
            if let Some(error) = error {
                outcome.failed += 1;
                if matches!(error, Error::RateLimited { .. }) {
                    outcome.rate_limited += 1;
                }
            }
        }
    }
    sandbox.shutdown().await;
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_clients_sharing_the_budget_see_no_failed_call() {
    let dir = scratch_dir("shared");
    let outcome = run(20, 3, 5, Some(dir.clone()), false).await;
    assert_eq!(outcome.calls, 60);
    assert_eq!(
        (outcome.failed, outcome.rate_limited),
        (0, 0),
        "no call failed and no 429 was met"
    );
    // One small file, named by a hash: the token is nowhere in the directory (a client that
    // only reads never opens its ledger of writes).
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().into_string().unwrap();
    let text = std::fs::read_to_string(files[0].path()).unwrap();
    for shown in [&name, &text] {
        assert!(!shown.contains(intercom_sandbox::DEFAULT_TOKEN), "{shown}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_shared_budget_the_same_clients_meet_429s() {
    // The control: each client paces only itself, so together they overspend. The sandbox's
    // window does not end during the test (on a loaded machine the clients' first requests may
    // spread over several of the fast clock's windows): 60 requests against a limit of 5.
    let outcome = run(20, 3, 5, None, true).await;
    assert_eq!(outcome.calls, 60);
    assert!(
        outcome.rate_limited >= 60 - 5,
        "expected 429s without sharing, got {}",
        outcome.rate_limited
    );
}
