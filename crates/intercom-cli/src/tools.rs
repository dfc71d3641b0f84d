//! `intercom tools`: the registry as a table, JSON, Markdown, or one tool in detail.

use std::fmt::Write as _;

use clap::{Args, Subcommand};
use intercom_tools::{Registry, Tool};

use crate::output::{self, OutputMode};

#[derive(Debug, Args)]
pub struct ToolsArgs {
    /// Every tool as JSON: name, aliases, toolset, description, annotations, input schema,
    /// operations.
    #[arg(long, conflicts_with = "markdown")]
    json: bool,
    /// The Markdown reference (docs/tools.md).
    #[arg(long)]
    markdown: bool,
    #[command(subcommand)]
    action: Option<ToolsAction>,
}

#[derive(Debug, Subcommand)]
enum ToolsAction {
    /// Show one tool (a name or an alias).
    Show {
        name: String,
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(registry: &Registry, args: &ToolsArgs, mode: OutputMode) -> anyhow::Result<()> {
    match &args.action {
        Some(ToolsAction::Show { name, json }) => {
            let lookup = registry.lookup(name)?;
            if *json || args.json {
                return output::print_json(&registry.tool_json(lookup.tool), mode);
            }
            output::print_text(&show(registry, lookup.tool, lookup.alias))
        }
        None if args.json => output::print_json(&registry.to_json(), mode),
        None if args.markdown => output::print_text(registry.markdown().trim_end()),
        None => output::print_text(&table(registry)),
    }
}

/// NAME, TOOLSET, MARKS and the first sentence of the description, one tool a line.
pub fn table(registry: &Registry) -> String {
    let rows: Vec<[String; 4]> = registry
        .tools()
        .iter()
        .map(|t| {
            [
                t.name.to_owned(),
                t.toolset.to_string(),
                intercom_tools::docs::marks(t),
                first_sentence(t.description),
            ]
        })
        .collect();
    let headers = ["NAME", "TOOLSET", "MARKS", "DESCRIPTION"];
    let widths: Vec<usize> = (0..3)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].len())
                .max()
                .unwrap_or(0)
                .max(headers[i].len())
        })
        .collect();
    let mut out = String::new();
    let line = |out: &mut String, cells: [&str; 4]| {
        let _ = writeln!(
            out,
            "{:w0$}  {:w1$}  {:w2$}  {}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
    };
    line(&mut out, headers);
    for r in &rows {
        line(&mut out, [&r[0], &r[1], &r[2], &r[3]]);
    }
    let _ = write!(
        out,
        "\n{} tools, {} aliases. `intercom tools show NAME` for parameters; ro = read-only.",
        registry.tools().len(),
        registry.aliases().len()
    );
    out
}

fn first_sentence(text: &str) -> String {
    match text.find(". ") {
        Some(i) => text[..=i].to_owned(),
        None => text.to_owned(),
    }
}

fn show(registry: &Registry, tool: &Tool, via: Option<&intercom_tools::Alias>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}  ({})", tool.name, tool.toolset);
    if let Some(alias) = via {
        let _ = writeln!(out, "resolved from alias {}", alias.name);
    }
    let _ = writeln!(out, "\n{}\n", tool.description);
    let calls: Vec<String> = tool.operations.iter().map(|o| o.display()).collect();
    let _ = writeln!(out, "Calls:    {}", calls.join(", "));
    let a = tool.annotations;
    let _ = writeln!(
        out,
        "Effect:   read-only={} destructive={} idempotent={}",
        a.read_only, a.destructive, a.idempotent
    );
    let aliases = registry.aliases_of(tool.name);
    if !aliases.is_empty() {
        let names: Vec<String> = aliases
            .iter()
            .map(|al| {
                let mut extra: Vec<String> = al
                    .renames
                    .iter()
                    .map(|(f, t)| format!("{f} -> {t}"))
                    .collect();
                extra.extend(al.presets.iter().map(|(k, v)| format!("{k}={v}")));
                if extra.is_empty() {
                    al.name.to_owned()
                } else {
                    format!("{} ({})", al.name, extra.join(", "))
                }
            })
            .collect();
        let _ = writeln!(out, "Aliases:  {}", names.join("; "));
    }
    out.push_str("\nParameters:\n");
    if tool.params.is_empty() {
        out.push_str("  (none)\n");
    }
    let schema = tool.input_schema();
    let width = tool.params.iter().map(|p| p.name.len()).max().unwrap_or(0);
    for p in tool.params {
        let mut kind = vec![
            p.ty.as_str().unwrap_or("any").to_owned(),
            p.location.as_str().to_owned(),
        ];
        if p.required {
            kind.push("required".to_owned());
        }
        if let Some(d) = p.default {
            kind.push(format!("default {d}"));
        }
        let description = schema["properties"][p.name]["description"]
            .as_str()
            .unwrap_or(p.description);
        let _ = writeln!(
            out,
            "  {:width$}  [{}] {}",
            p.name,
            kind.join(", "),
            description
        );
        if !p.allowed.is_empty() {
            let _ = writeln!(out, "  {:width$}  one of: {}", "", p.allowed.join(", "));
        }
    }
    out.trim_end().to_owned()
}
