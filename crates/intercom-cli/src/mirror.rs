//! `intercom sync` and `intercom local search|count|export|status`: the local mirror
//! (`intercom-mirror`) from the command line.

use std::io::{IsTerminal as _, Write as _};

use clap::{Args, Subcommand};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use intercom_mirror::{
    Count, Filter, GroupBy, Progress, Resource, ResourceReport, Search, Store, SyncOptions,
    SyncReport, Syncer,
};
use serde_json::{Value, json};

use crate::exit::UsageError;
use crate::output::{self, OutputMode};

#[derive(Debug, Args)]
pub struct DbArg {
    /// The mirror: a SQLite file (created when missing), or a PostgreSQL URL
    /// (postgres://user:password@host:5432/db; tables created when missing). Default:
    /// $INTERCOM_MIRROR_DB, else mirror.sqlite in the user's data directory
    /// (~/.local/share/intercom-agent-tools/).
    #[arg(long, value_name = "PATH|URL")]
    db: Option<String>,
}

impl DbArg {
    fn open(&self) -> anyhow::Result<Box<dyn Store>> {
        let target = match &self.db {
            Some(db) => db.clone(),
            None => intercom_mirror::default_db_path()
                .ok_or_else(|| {
                    UsageError("no data directory (HOME is not set): pass --db PATH".to_owned())
                })?
                .display()
                .to_string(),
        };
        Ok(intercom_mirror::open_store(&target)?)
    }
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    #[command(flatten)]
    db: DbArg,
    /// Print the summary as one JSON object (no progress bars).
    #[arg(long)]
    json: bool,
    /// Sync only these resources (comma-separated: admins, teams, tags, segments, companies,
    /// contacts, conversations, tickets, articles).
    #[arg(long, value_delimiter = ',', value_name = "RESOURCES")]
    only: Vec<String>,
    /// Seconds before the previous sync's start that a new sync looks for changes from.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    overlap: i64,
}

#[derive(Debug, Args)]
pub struct LocalArgs {
    #[command(subcommand)]
    command: LocalCommand,
}

#[derive(Debug, Subcommand)]
enum LocalCommand {
    /// Full-text search over whole transcripts, ranked, with snippets; or, without words, the
    /// latest documents matching the filters.
    Search(SearchArgs),
    /// Count documents matching the filters, optionally grouped.
    Count(CountArgs),
    /// Stream every matching document as JSON Lines or CSV.
    Export(ExportArgs),
    /// How fresh the mirror is, per resource.
    Status(StatusArgs),
}

#[derive(Debug, Args)]
struct FilterArgs {
    #[command(flatten)]
    db: DbArg,
    /// What to ask about.
    #[arg(long, default_value = "conversations", value_name = "RESOURCE")]
    resource: String,
    /// Conversation state (open, closed, snoozed), ticket state category, contact role.
    #[arg(long)]
    state: Option<String>,
    /// Assigned team's id.
    #[arg(long, value_name = "ID")]
    team: Option<String>,
    /// Assigned admin's id.
    #[arg(long, value_name = "ID")]
    admin: Option<String>,
    /// A tag's id or name.
    #[arg(long)]
    tag: Option<String>,
    /// A contact's id.
    #[arg(long, value_name = "ID")]
    contact: Option<String>,
    /// Created at or after (unix seconds, 2026-11-01, or 2026-11-01T09:00:00Z).
    #[arg(long, value_name = "TIME")]
    created_after: Option<String>,
    /// Created before.
    #[arg(long, value_name = "TIME")]
    created_before: Option<String>,
    /// Updated at or after.
    #[arg(long, value_name = "TIME")]
    updated_after: Option<String>,
    /// Updated before.
    #[arg(long, value_name = "TIME")]
    updated_before: Option<String>,
    /// Only conversations whose parts Intercom cut at 500.
    #[arg(long)]
    truncated: bool,
}

impl FilterArgs {
    fn filter(&self, text: Option<&str>) -> anyhow::Result<(Resource, Filter)> {
        let resource: Resource = self.resource.parse()?;
        let args = json!({
            "text": text,
            "state": self.state,
            "team_id": self.team,
            "admin_id": self.admin,
            "tag": self.tag,
            "contact_id": self.contact,
            "created_after": self.created_after,
            "created_before": self.created_before,
            "updated_after": self.updated_after,
            "updated_before": self.updated_before,
            "truncated_only": self.truncated,
        });
        Ok((resource, Filter::from_json(&args)?))
    }
}

#[derive(Debug, Args)]
struct SearchArgs {
    /// Words to find (all of them); "a phrase", word*, OR and NOT work too.
    text: Option<String>,
    #[command(flatten)]
    filter: FilterArgs,
    /// Hits to print (1 to 200).
    #[arg(long, default_value_t = 20)]
    limit: u32,
    /// Hits to skip (for the next page).
    #[arg(long, default_value_t = 0)]
    offset: u64,
}

#[derive(Debug, Args)]
struct CountArgs {
    /// Only documents with these words.
    #[arg(long)]
    text: Option<String>,
    /// Group by state, team, admin, tag, day, week or month (periods of created_at, UTC).
    #[arg(long, value_name = "GROUP")]
    group_by: Option<String>,
    #[command(flatten)]
    filter: FilterArgs,
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// Only documents with these words.
    #[arg(long)]
    text: Option<String>,
    /// `jsonl`: each document as Intercom returned it, one a line; `csv`: one row of the
    /// indexed fields per document.
    #[arg(long, default_value = "jsonl", value_parser = ["jsonl", "csv"])]
    format: String,
    #[command(flatten)]
    filter: FilterArgs,
}

#[derive(Debug, Args)]
struct StatusArgs {
    #[command(flatten)]
    db: DbArg,
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// Progress bars on stderr, one per resource.
struct Bars {
    multi: MultiProgress,
    bars: std::sync::Mutex<std::collections::HashMap<Resource, ProgressBar>>,
}

impl Bars {
    fn bar(&self, resource: Resource) -> ProgressBar {
        let mut bars = self
            .bars
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        bars.entry(resource)
            .or_insert_with(|| {
                let bar = self.multi.add(ProgressBar::new(0));
                if let Ok(style) = ProgressStyle::with_template(
                    "{prefix:>13} {bar:30} {pos}/{len} items, {msg} ({per_sec}, {elapsed})",
                ) {
                    bar.set_style(style);
                }
                bar.set_prefix(resource.as_str());
                bar
            })
            .clone()
    }
}

impl Progress for Bars {
    fn started(&self, resource: Resource, expected: Option<u64>, resumed: bool) {
        let bar = self.bar(resource);
        bar.set_length(expected.unwrap_or(0));
        bar.set_message(if resumed { "resuming" } else { "syncing" });
    }
    fn advanced(&self, resource: Resource, items: u64, requests: u64) {
        let bar = self.bar(resource);
        if bar.length().is_some_and(|l| l < items) {
            bar.set_length(items);
        }
        bar.set_position(items);
        bar.set_message(format!("{requests} requests"));
    }
    fn finished(&self, resource: Resource, report: &ResourceReport) {
        let bar = self.bar(resource);
        bar.finish_with_message(format!(
            "{} requests, {} written, {} removed",
            report.requests, report.written, report.deleted
        ));
    }
}

fn summary(report: &SyncReport) -> String {
    let mut out = String::new();
    out.push_str("resource       in mirror  received  written  removed  requests\n");
    for r in &report.resources {
        out.push_str(&format!(
            "{:<13} {:>10} {:>9} {:>8} {:>8} {:>9}{}\n",
            r.resource,
            r.items,
            r.received,
            r.written,
            r.deleted,
            r.requests,
            match (r.full, r.resumed) {
                (_, true) => "  (resumed)",
                (true, false) => "  (first sync)",
                _ => "",
            }
        ));
    }
    out.push_str(&format!(
        "{} requests in {:.1} s ({:.1}/s",
        report.requests, report.seconds, report.requests_per_second
    ));
    if let (Some(limit), Some(fraction)) = (report.rate_limit_per_window, report.budget_fraction) {
        out.push_str(&format!(
            ", {:.0}% of the {limit}-per-10 s limit",
            fraction * 100.0
        ));
    }
    out.push(')');
    if report.truncated_conversations > 0 {
        out.push_str(&format!(
            "\n{} conversations have more than 500 parts: Intercom returns only 500 of them",
            report.truncated_conversations
        ));
    }
    out
}

pub async fn sync(client: intercom_client::Client, args: &SyncArgs) -> anyhow::Result<()> {
    let store = args.db.open()?;
    let mut options = SyncOptions::default().overlap(args.overlap);
    if !args.only.is_empty() {
        let resources = args
            .only
            .iter()
            .map(|r| r.trim().parse::<Resource>())
            .collect::<Result<Vec<_>, _>>()?;
        options = options.resources(resources);
    }
    let bars = Bars {
        multi: MultiProgress::new(),
        bars: Default::default(),
    };
    if args.json || !std::io::stderr().is_terminal() {
        bars.multi
            .set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let syncer = Syncer::new(client, store.as_ref())
        .options(options)
        .progress(&bars);
    let report = syncer.run().await?;
    if args.json {
        output::print_json(&serde_json::to_value(&report)?, OutputMode::Compact)
    } else {
        output::print_text(&summary(&report))
    }
}

pub fn local(args: &LocalArgs, mode: OutputMode) -> anyhow::Result<()> {
    match &args.command {
        LocalCommand::Search(a) => {
            let (resource, filter) = a.filter.filter(a.text.as_deref())?;
            let store = a.filter.db.open()?;
            let search = Search::new(filter)
                .resource(resource)
                .limit(a.limit)
                .offset(a.offset);
            let hits = store.search(&search)?;
            let fresh = store.freshness()?.describe(now());
            output::print_json(
                &json!({"mirror": fresh, "total": hits.total, "hits": hits.hits}),
                mode,
            )
        }
        LocalCommand::Count(a) => {
            let (resource, filter) = a.filter.filter(a.text.as_deref())?;
            let store = a.filter.db.open()?;
            let mut count = Count::new(filter).resource(resource);
            if let Some(by) = &a.group_by {
                count = count.group_by(by.parse::<GroupBy>()?);
            }
            let counts = store.count(&count)?;
            let fresh = store.freshness()?.describe(now());
            let mut out = json!({"mirror": fresh});
            if let (Value::Object(out), Value::Object(counts)) =
                (&mut out, serde_json::to_value(&counts)?)
            {
                out.extend(counts);
            }
            output::print_json(&out, mode)
        }
        LocalCommand::Export(a) => {
            let (resource, filter) = a.filter.filter(a.text.as_deref())?;
            let store = a.filter.db.open()?;
            export(store.as_ref(), resource, &filter, a.format == "csv")
        }
        LocalCommand::Status(a) => {
            let store = a.db.open()?;
            let fresh = store.freshness()?;
            output::print_json(
                &json!({"mirror": fresh.describe(now()), "synced_at": fresh.synced_at, "resources": fresh.resources, "bytes_on_disk": store.size_on_disk()?}),
                mode,
            )
        }
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Streams the documents to stdout; a closed pipe (`| head`) ends it quietly.
fn export(store: &dyn Store, resource: Resource, filter: &Filter, csv: bool) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if csv {
        writeln!(
            out,
            "id,created_at,updated_at,state,team_id,admin_id,tags,contact_ids,title,truncated"
        )
        .or_else(closed_pipe)?;
    }
    let result = store.export(resource, filter, &mut |doc| {
        if csv {
            let f = intercom_mirror::facets(resource, doc).unwrap_or_default();
            let opt = |v: &Option<String>| csv_field(v.as_deref().unwrap_or(""));
            let num = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
            let tags: Vec<&str> = f
                .tags
                .iter()
                .map(|(id, name)| {
                    if name.is_empty() {
                        id.as_str()
                    } else {
                        name.as_str()
                    }
                })
                .collect();
            writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{}",
                csv_field(&f.id),
                num(f.created_at),
                num(f.updated_at),
                opt(&f.state),
                opt(&f.team_id),
                opt(&f.admin_id),
                csv_field(&tags.join(";")),
                csv_field(&f.contact_ids.join(";")),
                csv_field(&f.title),
                f.truncated
            )?;
        } else {
            serde_json::to_writer(&mut out, doc).map_err(std::io::Error::from)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    });
    match result {
        Err(intercom_mirror::Error::Write(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Ok(())
        }
        Err(e) => Err(e.into()),
        Ok(_) => Ok(out.flush().or_else(closed_pipe)?),
    }
}

fn closed_pipe(e: std::io::Error) -> std::io::Result<()> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(e)
    }
}
