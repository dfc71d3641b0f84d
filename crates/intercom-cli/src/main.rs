//! `intercom`: call any Intercom tool or endpoint, list the tool registry, run the sandbox.
//!
//! Thin glue: argument parsing, output and exit codes live here; everything else is in
//! `intercom-tools`, `intercom-client` and `intercom-sandbox`.

mod api;
mod exit;
mod mcp;
mod mirror;
mod output;
mod tools;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::parser::ValueSource;
use clap::{Args, CommandFactory as _, FromArgMatches as _, Parser, Subcommand};
use intercom_client::{Client, Config, Region};
use intercom_sandbox::{DEFAULT_TOKEN, RunningSandbox, Sandbox, SandboxConfig};
use intercom_tools::{Registry, ShapeDefaults};
use serde_json::Value;

use crate::exit::UsageError;
use crate::output::OutputMode;

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  API error (an HTTP 4xx/5xx other than an auth error)
  2  usage or validation error (bad flags, unknown tool, invalid arguments)
  3  authentication or permission error (HTTP 401/403)
  4  network error, timeout, or rate limit still exceeded after retries
  5  a write failed and may have been applied (stderr says how to check)

Examples:
  intercom --sandbox call intercom_list_admins
  intercom call INTERCOM_CLOSE_CONVERSATION '{\"id\": \"123\", \"admin_id\": \"7\"}' --dry-run
  intercom api GET /contacts -f per_page=50 --paginate
  intercom sandbox --listen 127.0.0.1:8080 --sandbox-token dev";

/// Call Intercom's REST API as tools or raw endpoints, or run a local sandbox of it.
#[derive(Debug, Parser)]
#[command(name = "intercom", version, about, after_help = AFTER_HELP)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct Global {
    /// Access token (never printed). Also read from INTERCOM_ACCESS_TOKEN.
    #[arg(
        help_heading = "Connection",
        long,
        global = true,
        env = "INTERCOM_TOKEN",
        hide_env_values = true
    )]
    token: Option<String>,
    /// Whether `token` came from `--token` (not from INTERCOM_TOKEN): named in a 401's hint.
    #[arg(skip)]
    token_from_flag: bool,
    /// Intercom region.
    #[arg(help_heading = "Connection", long, global = true, env = "INTERCOM_REGION", value_parser = ["us", "eu", "au"])]
    region: Option<String>,
    /// API base URL, e.g. a sandbox's http://127.0.0.1:8080 (wins over --region). With no
    /// token, the sandbox's default token is sent.
    #[arg(
        help_heading = "Connection",
        long,
        global = true,
        env = "INTERCOM_BASE_URL"
    )]
    base_url: Option<String>,
    /// Intercom-Version header to send (default 2.14).
    #[arg(
        help_heading = "Connection",
        long,
        global = true,
        env = "INTERCOM_VERSION"
    )]
    intercom_version: Option<String>,
    /// Seconds a whole call may take, its attempts and retry waits together (default 60;
    /// decimals allowed). Each attempt also has its own 30 s timeout.
    #[arg(
        help_heading = "Connection",
        long,
        global = true,
        env = "INTERCOM_DEADLINE",
        value_name = "SECONDS"
    )]
    deadline: Option<String>,
    /// Run against an in-process sandbox with demo data on 127.0.0.1 (no token needed).
    #[arg(
        help_heading = "Connection",
        long,
        global = true,
        env = "INTERCOM_SANDBOX"
    )]
    sandbox: bool,
    /// Demo data seed of the --sandbox workspace.
    #[arg(help_heading = "Connection", long, global = true, value_name = "N")]
    sandbox_seed: Option<u64>,
    /// Number of demo contacts of the --sandbox workspace.
    #[arg(help_heading = "Connection", long, global = true, value_name = "N")]
    sandbox_contacts: Option<usize>,
    /// Number of demo conversations of the --sandbox workspace.
    #[arg(help_heading = "Connection", long, global = true, value_name = "N")]
    sandbox_conversations: Option<usize>,
    /// Pretty-print JSON (the default when stdout is a terminal).
    #[arg(
        help_heading = "Output",
        long,
        global = true,
        conflicts_with = "compact"
    )]
    pretty: bool,
    /// Print JSON on one line (the default when stdout is piped).
    #[arg(help_heading = "Output", long, global = true)]
    compact: bool,
    /// Print errors as one JSON object on stderr.
    #[arg(help_heading = "Output", long, global = true)]
    json_errors: bool,
    /// Log to stderr (-v debug, -vv trace); RUST_LOG also works.
    #[arg(help_heading = "Output", short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the tools (name, toolset, marks, description), or show one.
    Tools(tools::ToolsArgs),
    /// Call a tool by name or alias with JSON arguments and print the result.
    Call(CallArgs),
    /// Send a request to any endpoint, like `gh api`.
    Api(api::ApiArgs),
    /// Run the sandbox in the foreground until Ctrl-C.
    Sandbox(SandboxArgs),
    /// Serve the tools to MCP clients over stdio, or Streamable HTTP with --http.
    #[command(after_help = mcp::AFTER_HELP)]
    Mcp(mcp::McpArgs),
    /// Copy the workspace into a local mirror (first sync: everything; later: what changed).
    Sync(mirror::SyncArgs),
    /// Ask the local mirror, offline: search, count, export, status.
    Local(mirror::LocalArgs),
}

#[derive(Debug, Args)]
struct CallArgs {
    /// Tool name (`intercom_list_admins`) or alias (`INTERCOM_LIST_ALL_ADMINS`).
    name: String,
    /// Arguments: a JSON object, `@file` to read one from a file, or `-` for stdin.
    input: Option<String>,
    /// Print the request(s) the call would send, and send nothing.
    #[arg(long)]
    dry_run: bool,
    /// `full` prints the API's JSON as it is (for scripts); `compact` prints what an agent gets:
    /// no nulls or empty values, HTML as text, ISO times, cut near 20,000 tokens with a cursor.
    /// The arguments' own `response_format`, `fields` and `max_tokens` take precedence.
    #[arg(long, value_name = "FORMAT", default_value = "full", value_parser = ["full", "compact"])]
    response_format: String,
}

#[derive(Debug, Args)]
struct SandboxArgs {
    /// Address to listen on: IP:PORT, or an IP alone for port 8080. Any address but a loopback
    /// one makes the sandbox reachable from other machines (a warning says so).
    #[arg(long, default_value = "127.0.0.1:8080", value_parser = parse_listen)]
    listen: SocketAddr,
    /// Serve the unauthenticated control endpoints (/_sandbox/*: request log, fault injection)
    /// to every client, not only to loopback ones.
    #[arg(long)]
    expose_controls: bool,
    /// Bearer token the sandbox accepts (never printed). Its own flag: the global --token and
    /// INTERCOM_TOKEN are the Intercom token a client sends, and are never read here.
    #[arg(
        long,
        env = "INTERCOM_SANDBOX_TOKEN",
        hide_env_values = true,
        default_value = DEFAULT_TOKEN
    )]
    sandbox_token: String,
    /// SQLite file that keeps state across restarts (default: in memory).
    #[arg(long)]
    db: Option<PathBuf>,
    /// Demo data seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Number of demo contacts.
    #[arg(long)]
    contacts: Option<usize>,
    /// Number of demo conversations.
    #[arg(long)]
    conversations: Option<usize>,
    /// Requests allowed per 10-second window.
    #[arg(long)]
    rate_limit: Option<u32>,
}

/// The global flags that say how to reach Intercom: `call`, `api`, `mcp` and `sync` use them.
const CONNECTION_FLAGS: &[&str] = &[
    "token",
    "region",
    "base_url",
    "intercom_version",
    "deadline",
    "sandbox",
    "sandbox_seed",
    "sandbox_contacts",
    "sandbox_conversations",
];
/// The global flags that say how to print JSON results: `tools`, `call`, `api` and `local` use
/// them.
const OUTPUT_FLAGS: &[&str] = &["pretty", "compact"];

/// The global flags each subcommand has no use for: hidden from its `--help`, refused on its
/// command line (a flag that silently does nothing is a trap).
fn flags_not_for(subcommand: &str) -> Vec<&'static str> {
    match subcommand {
        "tools" | "local" => CONNECTION_FLAGS.to_vec(),
        "sandbox" => [CONNECTION_FLAGS, OUTPUT_FLAGS].concat(),
        "mcp" | "sync" => OUTPUT_FLAGS.to_vec(),
        _ => Vec::new(),
    }
}

/// The command line's definition, with each subcommand's help showing only the global flags
/// that apply to it.
fn command() -> clap::Command {
    let mut command = Cli::command();
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        for id in flags_not_for(&name) {
            // A subcommand that has its own arg of a global's id does not get the global copied
            // in when the command is built: give it a hidden, local one.
            let Some(arg) = command.get_arguments().find(|a| a.get_id() == id).cloned() else {
                continue;
            };
            command = command.mut_subcommand(&name, |sub| sub.arg(arg.global(false).hide(true)));
        }
    }
    command
}

/// A usage error when `matches` (a subcommand's) has a global flag that does not apply to it.
fn refuse_flags_not_for(name: &str, matches: &clap::ArgMatches) -> Result<(), UsageError> {
    let given: Vec<String> = flags_not_for(name)
        .into_iter()
        .filter(|id| matches!(matches.value_source(id), Some(ValueSource::CommandLine)))
        .map(|id| format!("--{}", id.replace('_', "-")))
        .collect();
    if given.is_empty() {
        return Ok(());
    }
    let hint = if name == "sandbox" && given.iter().any(|f| f == "--token") {
        "; the sandbox's own token is `--sandbox-token` (or INTERCOM_SANDBOX_TOKEN): `--token` \
         is the Intercom token a client sends"
    } else {
        ""
    };
    Err(UsageError(format!(
        "{} {} not apply to `intercom {name}` (see `intercom {name} --help`){hint}",
        given.join(", "),
        if given.len() == 1 { "does" } else { "do" },
    )))
}

fn main() -> ExitCode {
    let matches = command().get_matches();
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    };
    let from_flag = |m: &clap::ArgMatches| {
        m.try_get_raw("token").is_ok_and(|v| v.is_some())
            && m.value_source("token") == Some(ValueSource::CommandLine)
    };
    cli.global.token_from_flag =
        from_flag(&matches) || matches.subcommand().is_some_and(|(_, sub)| from_flag(sub));
    if let Some((name, sub)) = matches.subcommand()
        && let Err(err) =
            refuse_flags_not_for(name, sub).and_then(|()| refuse_flags_not_for(name, &matches))
    {
        return exit::report(&anyhow::Error::new(err), cli.global.json_errors);
    }
    init_logging(cli.global.verbose);
    let json_errors = cli.global.json_errors;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            return exit::report(
                &anyhow::Error::new(err).context("cannot start the async runtime"),
                json_errors,
            );
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => exit::report(&err, json_errors),
    }
}

fn init_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let filter = match verbose {
        0 => match std::env::var("RUST_LOG") {
            Ok(v) if !v.is_empty() => EnvFilter::new(v),
            _ => return,
        },
        1 => EnvFilter::new(
            "intercom=debug,intercom_client=debug,intercom_tools=debug,intercom_sandbox=info",
        ),
        _ => EnvFilter::new("trace"),
    };
    // Colours only on a terminal: logs redirected to a file stay plain text.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let registry = Registry::builtin();
    let mode = OutputMode::from_flags(cli.global.pretty, cli.global.compact);
    match cli.command {
        Command::Tools(args) => tools::run(&registry, &args, mode),
        Command::Call(args) => {
            let input = read_input(args.input.as_deref())?;
            let shaping = match args.response_format.as_str() {
                "compact" => ShapeDefaults::AGENT,
                _ => ShapeDefaults::RAW,
            };
            let call = registry
                .clone()
                .with_shaping(shaping)
                .prepare(&args.name, input)?;
            if args.dry_run {
                let requests = call.requests()?;
                return output::print_json(&serde_json::to_value(requests)?, mode);
            }
            let conn = connect(&cli.global).await?;
            let retries = exit::Retries::new();
            let result = retries
                .observe(call.run_until(&conn.client, std::future::pending()))
                .await;
            let token = conn.token;
            conn.close().await;
            let reported = result.map_err(|err| retries.explain(err.into(), token))?;
            // A write whose first attempt failed ambiguously and was then settled.
            if let Some(recovery) = &reported.recovery {
                eprintln!("intercom: recovered: {}", recovery.note);
            }
            output::print_json(&reported.value, mode)
        }
        Command::Api(args) => {
            let request = api::build_request(&args)?;
            if args.dry_run {
                return output::print_json(&serde_json::to_value(vec![&request])?, mode);
            }
            let conn = connect(&cli.global).await?;
            let retries = exit::Retries::new();
            let result = retries
                .observe(api::send(&conn.client, request, &args, mode))
                .await;
            let token = conn.token;
            conn.close().await;
            result.map_err(|err| retries.explain(err, token))
        }
        Command::Sandbox(args) => run_sandbox(args).await,
        Command::Mcp(args) => mcp::run(&cli.global, args).await,
        Command::Sync(args) => {
            let conn = connect(&cli.global).await?;
            let retries = exit::Retries::new();
            let result = retries
                .observe(mirror::sync(conn.client.clone(), &args))
                .await;
            let token = conn.token;
            conn.close().await;
            result.map_err(|err| retries.explain(err, token))
        }
        Command::Local(args) => mirror::local(&args, mode),
    }
}

/// A client, and the in-process sandbox it talks to when `--sandbox` was given.
struct Connection {
    client: Client,
    sandbox: Option<RunningSandbox>,
    /// Which token the client sends, by where it came from.
    token: exit::SentToken,
}

impl Connection {
    async fn close(self) {
        if let Some(sandbox) = self.sandbox {
            sandbox.shutdown().await;
        }
    }
}

async fn connect(global: &Global) -> anyhow::Result<Connection> {
    let (mut config, sandbox, token) = if global.sandbox {
        let mut sandbox_config = SandboxConfig::default();
        if let Some(seed) = global.sandbox_seed {
            sandbox_config = sandbox_config.seed(seed);
        }
        if let Some(n) = global.sandbox_contacts {
            sandbox_config = sandbox_config.contacts(n);
        }
        if let Some(n) = global.sandbox_conversations {
            sandbox_config = sandbox_config.conversations(n);
        }
        let running = Sandbox::open(sandbox_config)
            .context("cannot open the sandbox")?
            .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .context("cannot start the sandbox")?;
        tracing::debug!(url = %running.base_url(), "in-process sandbox started");
        let config = Config::new(DEFAULT_TOKEN).base_url(&running.base_url())?;
        (config, Some(running), exit::SentToken::InProcessSandbox)
    } else {
        let (token, sent) = match global.token.clone().filter(|t| !t.is_empty()) {
            Some(token) if global.token_from_flag => (Some(token), exit::SentToken::Flag),
            Some(token) => (Some(token), exit::SentToken::Variable("INTERCOM_TOKEN")),
            None => match std::env::var("INTERCOM_ACCESS_TOKEN")
                .ok()
                .filter(|t| !t.is_empty())
            {
                Some(token) => (
                    Some(token),
                    exit::SentToken::Variable("INTERCOM_ACCESS_TOKEN"),
                ),
                None => (None, exit::SentToken::SandboxDefault),
            },
        };
        let mut config = match (token, &global.base_url) {
            (Some(token), _) => Config::new(token),
            (None, Some(_)) => Config::new(DEFAULT_TOKEN),
            (None, None) => {
                return Err(UsageError(
                    "no access token: set INTERCOM_TOKEN (or pass --token), or add --sandbox to try the demo workspace"
                        .to_owned(),
                )
                .into());
            }
        };
        if let Some(region) = &global.region {
            config = config.region(region.parse::<Region>()?);
        }
        if let Some(url) = &global.base_url {
            config = config.base_url(url)?;
        }
        // Other processes of this user share the workspace's rate-limit budget (an in-process
        // sandbox is this process's alone).
        config = config.rate_limit_dir(rate_limit_dir());
        (config, None, sent)
    };
    if let Some(version) = &global.intercom_version {
        config = config.version(version.clone());
    }
    if let Some(deadline) = &global.deadline {
        config = config.deadline(intercom_client::parse_deadline(deadline)?);
    }
    let client = Client::new(config)?;
    Ok(Connection {
        client,
        sandbox,
        token,
    })
}

/// Where the rate-limit budget shared between processes is kept (`INTERCOM_RATE_LIMIT_DIR`,
/// `off` for nowhere; by default the user's cache directory).
pub(crate) fn rate_limit_dir() -> Option<PathBuf> {
    let value = std::env::var(intercom_client::env::RATE_LIMIT_DIR).ok();
    intercom_client::rate_limit_dir_setting(value.as_deref())
}

/// Tool arguments from the command line: JSON text, `@file`, `-` (stdin), or nothing.
fn read_input(input: Option<&str>) -> anyhow::Result<Value> {
    let text = match input {
        None => return Ok(Value::Null),
        Some("-") => exit::read_stdin("the arguments")?,
        Some(arg) if arg.starts_with('@') => exit::read_file(&arg[1..], "the arguments file")?,
        Some(arg) => arg.to_owned(),
    };
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&text).map_err(|err| {
        UsageError(format!("the arguments are not valid JSON ({err}); pass an object such as '{{\"contact_id\": \"123\"}}'"))
            .into()
    })
}

async fn run_sandbox(args: SandboxArgs) -> anyhow::Result<()> {
    use std::io::Write as _;
    let token_source = token_source(&args.sandbox_token);
    let mut config = SandboxConfig::default().token(args.sandbox_token.clone());
    if let Some(db) = args.db {
        config = config.db_path(db);
    }
    if let Some(seed) = args.seed {
        config = config.seed(seed);
    }
    if let Some(n) = args.contacts {
        config = config.contacts(n);
    }
    if let Some(n) = args.conversations {
        config = config.conversations(n);
    }
    if let Some(n) = args.rate_limit {
        config = config.rate_limit_per_window(n);
    }
    config = config.expose_controls(args.expose_controls);
    if let Some(warning) = listen_warning(args.listen, args.expose_controls) {
        eprintln!("{warning}");
    }
    let running = Sandbox::open(config)
        .context("cannot open the sandbox")?
        .bind(args.listen)
        .await?;
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "intercom sandbox listening on {} (token: {token_source})",
        running.base_url(),
    )?;
    stdout.flush()?;
    drop(stdout);
    tokio::signal::ctrl_c()
        .await
        .context("cannot wait for Ctrl-C")?;
    running.shutdown().await;
    Ok(())
}

/// `--listen`: `IP:PORT`, or an IP alone (port 8080).
fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let ip = text.trim_start_matches('[').trim_end_matches(']');
    ip.parse::<std::net::IpAddr>()
        .map(|ip| SocketAddr::new(ip, 8080))
        .map_err(|_| format!("{text:?} is not an address; use IP:PORT (127.0.0.1:8080) or an IP"))
}

/// What to say on stderr before listening on `addr`: nothing on a loopback address.
fn listen_warning(addr: SocketAddr, expose_controls: bool) -> Option<String> {
    if addr.ip().to_canonical().is_loopback() {
        return None;
    }
    let controls = if expose_controls {
        "and --expose-controls serves its unauthenticated control endpoints (/_sandbox/*: the \
         request log, fault injection) to all of them"
    } else {
        "its API needs the sandbox token; the unauthenticated control endpoints (/_sandbox/*) \
         still answer loopback clients only (--expose-controls opens them)"
    };
    Some(format!(
        "warning: the sandbox listens on {addr}, which other machines can reach; {controls}"
    ))
}

/// Where the sandbox's token came from, for the banner: never the token itself.
fn token_source(token: &str) -> &'static str {
    if token == DEFAULT_TOKEN {
        "the default, shown by `intercom sandbox --help`"
    } else if std::env::var("INTERCOM_SANDBOX_TOKEN").is_ok_and(|v| v == token) {
        "set by INTERCOM_SANDBOX_TOKEN"
    } else {
        "set by --sandbox-token"
    }
}

#[cfg(test)]
mod tests {
    use super::{listen_warning, parse_listen};

    #[test]
    fn listening_beyond_loopback_is_warned_about() {
        for quiet in ["127.0.0.1:8080", "[::1]:0", "127.0.0.2:1"] {
            assert_eq!(
                listen_warning(quiet.parse().unwrap(), true),
                None,
                "{quiet}"
            );
        }
        for open in ["0.0.0.0:8080", "[::]:8080", "192.168.1.4:80"] {
            let warning = listen_warning(open.parse().unwrap(), false).unwrap();
            assert!(warning.starts_with("warning: "), "{warning}");
            assert!(warning.contains("loopback clients only"), "{warning}");
            let exposed = listen_warning(open.parse().unwrap(), true).unwrap();
            assert!(exposed.contains("to all of them"), "{exposed}");
        }
    }

    #[test]
    fn listen_takes_an_ip_alone() {
        assert_eq!(
            parse_listen("0.0.0.0").unwrap(),
            "0.0.0.0:8080".parse().unwrap()
        );
        assert_eq!(parse_listen("::").unwrap(), "[::]:8080".parse().unwrap());
        assert_eq!(
            parse_listen("127.0.0.1:9").unwrap(),
            "127.0.0.1:9".parse().unwrap()
        );
        assert!(parse_listen("localhost").unwrap_err().contains("IP:PORT"));
    }
}
