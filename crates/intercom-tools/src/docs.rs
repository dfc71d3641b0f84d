//! `docs/tools.md`, generated from the registry.

use std::fmt::Write as _;

use crate::Registry;
use crate::spec::{Location, Tool};

/// The Markdown reference of every tool and alias.
pub fn markdown(registry: &Registry) -> String {
    let mut out = String::new();
    let tools = registry.tools();
    out.push_str("# Tools\n\n");
    out.push_str(
        "<!-- Generated from the registry in crates/intercom-tools. Do not edit by hand: run\n     `intercom tools --markdown > docs/tools.md` (or `UPDATE_DOCS=1 cargo test -p intercom-cli docs`). -->\n\n",
    );
    let _ = writeln!(
        out,
        "{} tools and {} aliases. Parameters in **bold** are required; every tool also accepts and ignores `schema_version` and `tool_version`. Marks: `ro` reads only, `write` changes data, `destructive` removes data or a link, `idempotent` is safe to repeat.\n",
        tools.len(),
        registry.aliases().len()
    );
    let mut toolsets: Vec<_> = tools.iter().map(|t| t.toolset).collect();
    toolsets.dedup();
    for toolset in toolsets {
        let _ = writeln!(out, "## {toolset}\n");
        out.push_str("| Tool | Description | Parameters | API | Marks |\n|---|---|---|---|---|\n");
        for tool in tools.iter().filter(|t| t.toolset == toolset) {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                tool.name,
                cell(tool.description),
                params(tool),
                tool.operations
                    .iter()
                    .map(|o| format!("`{}`", o.display()))
                    .collect::<Vec<_>>()
                    .join("<br>"),
                marks(tool)
            );
        }
        out.push('\n');
    }
    out.push_str("## Aliases\n\n| Alias | Tool | Renames | Presets |\n|---|---|---|---|\n");
    for alias in registry.aliases() {
        let renames: Vec<String> = alias
            .renames
            .iter()
            .map(|(a, b)| format!("`{a}` → `{b}`"))
            .collect();
        let presets: Vec<String> = alias
            .presets
            .iter()
            .map(|(a, b)| format!("`{a}` = `{b}`"))
            .collect();
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | {} |",
            alias.name,
            alias.target,
            renames.join(", "),
            presets.join(", ")
        );
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn params(tool: &Tool) -> String {
    if tool.params.is_empty() {
        return "none".to_owned();
    }
    tool.params
        .iter()
        .map(|p| {
            let ty = p.ty.as_str().unwrap_or("any");
            let loc = match p.location {
                Location::Input => String::new(),
                other => format!(", {}", other.as_str()),
            };
            if p.required {
                format!("**`{}`** ({ty}{loc})", p.name)
            } else {
                format!("`{}` ({ty}{loc})", p.name)
            }
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

/// `ro` (reads only), else `write` or `destructive`, plus `idempotent` for repeatable writes.
pub fn marks(tool: &Tool) -> String {
    let a = tool.annotations;
    if a.read_only {
        return "ro".to_owned();
    }
    let kind = if a.destructive {
        "destructive"
    } else {
        "write"
    };
    if a.idempotent {
        format!("{kind}, idempotent")
    } else {
        kind.to_owned()
    }
}
