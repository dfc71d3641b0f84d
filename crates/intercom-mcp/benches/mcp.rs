//! Benchmark of the MCP server: `cargo bench -p intercom-mcp --bench mcp`.
//!
//! Prints, for stdio and Streamable HTTP:
//! - the time a `tools/call` adds over calling the registry with the client directly (median and
//!   p99 of the same call, `intercom_identify_admin`, against the same local sandbox);
//! - the server process's resident memory while serving every tool;
//! - the time from starting the server process to the answer of its first `tools/list`;
//!
//! the size of `tools/list` in each selection mode (bytes; tokens counted by real BPE
//! tokenizers, o200k and cl100k, beside the old bytes/4 estimate; the share of the bytes spent on
//! the shaping parameters); and the hit rate of `intercom_search_tools` on the discovery asks
//! (`tests/discovery_asks.tsv`): top-1 and top-3. `INTERCOM_MCP_BENCH_SIZES_ONLY=1` stops after
//! those two tables. The server runs in a child process (this same binary, re-executed with
//! `INTERCOM_MCP_BENCH_ROLE`), so its memory is its own; the sandbox runs in this process.
//! Targets: under 0.3 ms added per call, under 25 MB resident, under 50 ms to the first answer.
//! `INTERCOM_MCP_BENCH_CALLS` sets the number of timed calls (default 2000).

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use intercom_client::{Client, Config};
use intercom_mcp::{Connector, HttpOptions, HttpState, IntercomServer, Selection};
use intercom_sandbox::{DEFAULT_TOKEN, Sandbox, SandboxConfig};
use intercom_tools::Registry;
use serde_json::{Value, json};

#[path = "../tests/it/asks.rs"]
#[allow(dead_code)]
mod asks;

const ROLE: &str = "INTERCOM_MCP_BENCH_ROLE";
const URL: &str = "INTERCOM_MCP_BENCH_SANDBOX";
const TOOL: &str = "intercom_identify_admin";

fn main() {
    match std::env::var(ROLE).as_deref() {
        Ok("stdio") => return serve_child(false),
        Ok("http") => return serve_child(true),
        _ => {}
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this quickly as a smoke test.
    let calls: usize = std::env::var("INTERCOM_MCP_BENCH_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if std::env::args().any(|a| a == "--bench") {
            2000
        } else {
            50
        });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = runtime.block_on(async {
        Sandbox::open(SandboxConfig::default().rate_limit_per_window(1_000_000))
            .unwrap()
            .bind("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap()
    });
    let url = sandbox.base_url();

    println!("intercom-mcp benchmark: {calls} timed calls of {TOOL} per path\n");
    sizes();
    discovery();
    if std::env::var_os("INTERCOM_MCP_BENCH_SIZES_ONLY").is_some() {
        return;
    }

    let client = Client::new(Config::new(DEFAULT_TOKEN).base_url(&url).unwrap()).unwrap();
    let registry = Registry::builtin();
    let direct = measure(calls, || {
        runtime.block_on(async {
            let value = registry.call(&client, TOOL, json!({})).await.unwrap();
            assert_eq!(value["type"], "admin");
        });
    });

    let stdio = bench_stdio(&url, calls);
    let http = bench_http(&url, calls);

    println!(
        "\n{:<8} {:>12} {:>12} {:>14} {:>14} {:>12} {:>16}",
        "path", "median ms", "p99 ms", "added median", "added p99", "RSS MB", "first list ms"
    );
    println!(
        "{:<8} {:>12.3} {:>12.3} {:>14} {:>14} {:>12} {:>16}",
        "direct",
        ms(direct.median),
        ms(direct.p99),
        "-",
        "-",
        "-",
        "-"
    );
    for (name, run) in [("stdio", &stdio), ("http", &http)] {
        println!(
            "{:<8} {:>12.3} {:>12.3} {:>14.3} {:>14.3} {:>12.1} {:>16.1}",
            name,
            ms(run.latency.median),
            ms(run.latency.p99),
            ms(run.latency.median) - ms(direct.median),
            ms(run.latency.p99) - ms(direct.p99),
            run.rss_kb as f64 / 1024.0,
            ms(run.first_list),
        );
    }
    println!("\ntargets: added per call < 0.3 ms, RSS < 25 MB, first tools/list < 50 ms");
    runtime.block_on(sandbox.shutdown());
}

/// The child: an MCP server for every tool, against the parent's sandbox.
fn serve_child(http: bool) {
    let url = std::env::var(URL).expect("sandbox URL");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let client = Client::new(Config::new(DEFAULT_TOKEN).base_url(&url).unwrap()).unwrap();
        let catalog = Selection::new()
            .toolsets(["all"])
            .resolve(&Registry::builtin())
            .unwrap();
        let server = IntercomServer::new(catalog, Connector::fixed(client));
        if http {
            let running = intercom_mcp::http::serve(
                "127.0.0.1:0".parse().unwrap(),
                HttpState::new(server, HttpOptions::new()),
            )
            .await
            .unwrap();
            println!("{}", running.url());
            // Serve until the parent closes stdin.
            tokio::task::spawn_blocking(|| {
                let mut line = String::new();
                while std::io::stdin().read_line(&mut line).is_ok_and(|n| n > 0) {}
            })
            .await
            .unwrap();
            running.shutdown().await.unwrap();
        } else {
            intercom_mcp::serve_stdio(server).await.unwrap();
        }
    });
}

struct Latency {
    median: Duration,
    p99: Duration,
}

struct Run {
    latency: Latency,
    rss_kb: u64,
    first_list: Duration,
}

fn measure(calls: usize, mut f: impl FnMut()) -> Latency {
    for _ in 0..calls.min(200) {
        f();
    }
    let mut times: Vec<Duration> = (0..calls)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    Latency {
        median: times[times.len() / 2],
        p99: times[(times.len() * 99 / 100).min(times.len() - 1)],
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn child(role: &str, url: &str) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .env(ROLE, role)
        .env(URL, url)
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// Resident memory of `pid` in KB (Linux).
fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

struct Stdio2 {
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    id: u64,
}

impl Stdio2 {
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.id += 1;
        let id = self.id;
        let mut line =
            json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string();
        line.push('\n');
        self.stdin.write_all(line.as_bytes()).unwrap();
        self.stdin.flush().unwrap();
        loop {
            let mut answer = String::new();
            assert!(
                self.stdout.read_line(&mut answer).unwrap() > 0,
                "server closed stdout"
            );
            let value: Value = serde_json::from_str(&answer).unwrap();
            if value["id"] == json!(id) {
                return value;
            }
        }
    }
    fn notify(&mut self, method: &str) {
        let line = format!("{}\n", json!({"jsonrpc": "2.0", "method": method}));
        self.stdin.write_all(line.as_bytes()).unwrap();
    }
}

fn initialize_params() -> Value {
    json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}})
}

fn bench_stdio(url: &str, calls: usize) -> Run {
    let started = Instant::now();
    let mut process = child("stdio", url);
    let mut peer = Stdio2 {
        stdin: process.stdin.take().unwrap(),
        stdout: BufReader::new(process.stdout.take().unwrap()),
        id: 0,
    };
    peer.request("initialize", initialize_params());
    peer.notify("notifications/initialized");
    let list = peer.request("tools/list", json!({}));
    let first_list = started.elapsed();
    assert!(list["result"]["tools"].as_array().unwrap().len() > 30);
    let latency = measure(calls, || {
        let answer = peer.request("tools/call", json!({"name": TOOL, "arguments": {}}));
        assert_eq!(answer["result"]["isError"], false, "{answer}");
    });
    let rss_kb = rss_kb(process.id());
    drop(peer);
    process.wait().unwrap();
    Run {
        latency,
        rss_kb,
        first_list,
    }
}

/// The client runs as an MCP client would: one keep-alive HTTP/1.1 connection (TCP_NODELAY)
/// driven from a single-threaded event loop, so the request is written and the answer read on
/// the thread that waits for it (no hop to a connection task on another worker thread).
fn bench_http(url: &str, calls: usize) -> Run {
    let started = Instant::now();
    let mut process = child("http", url);
    let mut stdout = BufReader::new(process.stdout.take().unwrap());
    let mut endpoint = String::new();
    stdout.read_line(&mut endpoint).unwrap();
    let endpoint = endpoint.trim().to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let http = reqwest::Client::builder()
        .http1_only()
        .tcp_nodelay(true)
        .build()
        .unwrap();
    let post = |body: Value| {
        let request = http
            .post(&endpoint)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-06-18")
            .body(body.to_string());
        runtime.block_on(async { request.send().await.unwrap().json::<Value>().await.unwrap() })
    };
    post(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": initialize_params()}));
    let list = post(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}));
    let first_list = started.elapsed();
    assert!(list["result"]["tools"].as_array().unwrap().len() > 30);
    let call = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": TOOL, "arguments": {}}});
    let latency = measure(calls, || {
        let answer = post(call.clone());
        assert_eq!(answer["result"]["isError"], false, "{answer}");
    });
    let rss_kb = rss_kb(process.id());
    drop(process.stdin.take());
    process.wait().unwrap();
    Run {
        latency,
        rss_kb,
        first_list,
    }
}

/// The size of one `tools/list` answer in each mode.
fn sizes() {
    let registry = Registry::builtin();
    let client = Client::new(Config::new(DEFAULT_TOKEN)).unwrap();
    let o200k = tiktoken_rs::o200k_base().unwrap();
    let cl100k = tiktoken_rs::cl100k_base().unwrap();
    let modes: [(&str, Selection); 5] = [
        ("default", Selection::new()),
        ("--toolsets all", Selection::new().toolsets(["all"])),
        (
            "--toolsets all --read-only",
            Selection::new().toolsets(["all"]).read_only(true),
        ),
        (
            "--tools (3 tools)",
            Selection::new().tools([
                "intercom_list_admins",
                "intercom_search_conversations",
                "intercom_reply_to_conversation",
            ]),
        ),
        ("--discover", Selection::new().discover(true)),
    ];
    println!(
        "{:<28} {:>7} {:>9} {:>8} {:>8} {:>8} {:>9}",
        "tools/list mode", "tools", "bytes", "bytes/4", "o200k", "cl100k", "shaping"
    );
    for (name, selection) in modes {
        let catalog = selection.resolve(&registry).unwrap();
        let reachable = catalog.enabled().len();
        let server = IntercomServer::new(catalog, Connector::fixed(client.clone()));
        let page = server.list_page(None).unwrap();
        let listed = page.tools.len();
        let text = serde_json::to_string(&page).unwrap();
        let bytes = text.len();
        // The share of the bytes spent on the three shaping parameters' properties.
        let shaping: usize = page
            .tools
            .iter()
            .filter_map(|t| t.input_schema.get("properties")?.as_object().cloned())
            .map(|props| {
                intercom_tools::shape::SHAPE_PARAMS
                    .iter()
                    .filter_map(|p| {
                        props
                            .get(p.name)
                            .map(|v| p.name.len() + 3 + v.to_string().len())
                    })
                    .sum::<usize>()
            })
            .sum();
        let shown = if listed == reachable {
            format!("{listed}")
        } else {
            format!("{listed}/{reachable}")
        };
        println!(
            "{name:<28} {shown:>7} {bytes:>9} {:>8} {:>8} {:>8} {:>8.1}%",
            bytes.div_ceil(4),
            o200k.encode_ordinary(&text).len(),
            cl100k.encode_ordinary(&text).len(),
            100.0 * shaping as f64 / bytes as f64,
        );
    }
}

fn discovery() {
    let evaluation = asks::evaluate(&Registry::builtin());
    println!(
        "\ndiscovery: {} asks evaluated ({} pending: their tools are not in the registry yet)",
        evaluation.count(),
        evaluation.pending()
    );
    println!(
        "  top-1 {:.1}%  top-3 {:.1}%",
        100.0 * evaluation.hit_rate(1),
        100.0 * evaluation.hit_rate(3)
    );
    for o in evaluation.misses(3) {
        println!(
            "  missed in the top 3: {:?} (expected {}; got {})",
            o.ask,
            o.expected.join(" or "),
            o.top.join(", ")
        );
    }
    println!();
}
