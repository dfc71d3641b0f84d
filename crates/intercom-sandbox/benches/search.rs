//! Search and list latency at scale, printed (no assertions).
//!
//! ```sh
//! cargo bench -p intercom-sandbox --bench search            # 5,000 and 100,000 records
//! SANDBOX_BENCH_SIZES=5000 cargo bench -p intercom-sandbox --bench search
//! ```
//!
//! For each size N it seeds N contacts and N conversations (in memory, seed 42) and prints the
//! seeding time, then p50/p99 of the common searches and lists, each sent through the router as
//! a client would send it (JSON in, JSON out, so parsing and serialization count).

use std::time::{Duration, Instant};

use axum::body::Body;
use http::Request;
use intercom_sandbox::{DEFAULT_TOKEN, Sandbox, SandboxConfig};
use serde_json::{Value, json};
use tower::ServiceExt;

struct Case {
    name: &'static str,
    method: &'static str,
    path: String,
    body: Option<Value>,
}

fn search(name: &'static str, path: &str, query: Value) -> Case {
    Case {
        name,
        method: "POST",
        path: path.to_owned(),
        body: Some(json!({"query": query, "pagination": {"per_page": 50}})),
    }
}

fn get(name: &'static str, path: String) -> Case {
    Case {
        name,
        method: "GET",
        path,
        body: None,
    }
}

async fn send(router: &axum::Router, case: &Case) -> (u16, Value) {
    let mut builder = Request::builder()
        .method(case.method)
        .uri(&case.path)
        .header("authorization", format!("Bearer {DEFAULT_TOKEN}"));
    if case.body.is_some() {
        builder = builder.header("content-type", "application/json");
    }
    let body = match &case.body {
        Some(b) => Body::from(b.to_string()),
        None => Body::empty(),
    };
    let response = router
        .clone()
        .oneshot(builder.body(body).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn run(n: usize) {
    let started = Instant::now();
    let sandbox = Sandbox::open(
        SandboxConfig::default()
            .contacts(n)
            .conversations(n)
            .rate_limit_per_window(u32::MAX),
    )
    .unwrap();
    let seeded = started.elapsed();
    let router = sandbox.router();
    println!(
        "\n{n} contacts + {n} conversations: seeded in {:.1} s",
        seeded.as_secs_f64()
    );

    // Values taken from the seeded data, so the searches find something.
    let probe = get("probe", "/contacts?per_page=1".to_owned());
    let (_, page) = send(&router, &probe).await;
    let contact = &page["data"][0];
    let email = contact["email"]
        .as_str()
        .unwrap_or("nobody@example.com")
        .to_owned();
    let external_id = contact["external_id"].as_str().unwrap_or("none").to_owned();
    let (_, page) = send(
        &router,
        &get("probe", "/conversations?per_page=1".to_owned()),
    )
    .await;
    let conversation = &page["conversations"][0];
    let created = conversation["created_at"].as_i64().unwrap_or(0);
    let (_, admins) = send(&router, &get("probe", "/admins".to_owned())).await;
    let admin: i64 = admins["admins"][1]["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (_, listed) = send(&router, &get("probe", "/contacts?per_page=50".to_owned())).await;
    let cursor = listed["pages"]["next"]["starting_after"]
        .as_str()
        .unwrap_or("")
        .to_owned();

    let c = "/contacts/search";
    let v = "/conversations/search";
    let cases = [
        search(
            "contacts: email =",
            c,
            json!({"field": "email", "operator": "=", "value": email}),
        ),
        search(
            "contacts: external_id =",
            c,
            json!({"field": "external_id", "operator": "=", "value": external_id}),
        ),
        search(
            "contacts: role = user AND created_at >",
            c,
            json!({"operator": "AND", "value": [
                {"field": "role", "operator": "=", "value": "user"},
                {"field": "created_at", "operator": ">", "value": created},
            ]}),
        ),
        search(
            "contacts: email ~ (contains)",
            c,
            json!({"field": "email", "operator": "~", "value": "example"}),
        ),
        get(
            "contacts: list, first page",
            "/contacts?per_page=50".to_owned(),
        ),
        get(
            "contacts: list, second page",
            format!("/contacts?per_page=50&starting_after={cursor}"),
        ),
        search(
            "conversations: state = open",
            v,
            json!({"field": "state", "operator": "=", "value": "open"}),
        ),
        search(
            "conversations: open AND admin_assignee_id",
            v,
            json!({"operator": "AND", "value": [
                {"field": "open", "operator": "=", "value": true},
                {"field": "admin_assignee_id", "operator": "=", "value": admin},
            ]}),
        ),
        search(
            "conversations: updated_at > (sync)",
            v,
            json!({"operator": "AND", "value": [
                {"field": "id", "operator": ">", "value": ""},
                {"field": "updated_at", "operator": ">", "value": created},
            ]}),
        ),
        search(
            "conversations: source.body ~ word",
            v,
            json!({"field": "source.body", "operator": "~", "value": "refund"}),
        ),
        get(
            "conversations: list, first page",
            "/conversations?per_page=20".to_owned(),
        ),
    ];
    let budget = if n > 10_000 {
        Duration::from_secs(8)
    } else {
        Duration::from_secs(3)
    };
    println!(
        "{:<44} {:>10} {:>10} {:>6} {:>8}",
        "request", "p50", "p99", "runs", "matches"
    );
    for case in &cases {
        let (status, body) = send(&router, case).await;
        assert_eq!(status, 200, "{}: {body}", case.name);
        let matches = body["total_count"].as_u64().unwrap_or(0);
        let mut times = Vec::new();
        let began = Instant::now();
        while times.len() < 200 && (times.len() < 5 || began.elapsed() < budget) {
            let t = Instant::now();
            send(&router, case).await;
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "{:<44} {:>10} {:>10} {:>6} {:>8}",
            case.name,
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
            times.len(),
            matches
        );
    }
}

fn main() {
    let sizes: Vec<usize> = std::env::var("SANDBOX_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![5_000, 100_000]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for n in sizes {
        runtime.block_on(run(n));
    }
}
