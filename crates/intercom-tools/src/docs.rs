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
    out.push_str(SHAPING);
    let mut toolsets: Vec<_> = Vec::new();
    for tool in tools {
        if !toolsets.contains(&tool.toolset) {
            toolsets.push(tool.toolset);
        }
    }
    for toolset in toolsets {
        let _ = writeln!(out, "## {toolset}\n");
        out.push_str("| Tool | Description | Parameters | API | Marks |\n|---|---|---|---|---|\n");
        for tool in tools.iter().filter(|t| t.toolset == toolset) {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                tool.name,
                cell(&crate::schema::description(tool)),
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

/// The result-shaping parameters, documented once for every tool.
const SHAPING: &str = "## Results\n\n\
Every tool also takes three parameters that shape its result and are never sent to Intercom \
(`crates/intercom-tools/src/shape.rs`):\n\n\
- `response_format`: `compact` (the default for agents and MCP) leaves out nulls, `false` and empty \
values, turns HTML into text and Unix times into ISO 8601 (`2025-03-01T10:00:00Z`), gives ids as \
strings, trims list envelopes and leaves out bookkeeping (conversation `statistics`, `teammates`, \
`first_contact_reply`, `notified_at`, tag `applied_at`/`applied_by`, a part's `state`, \
ticket types' attribute forms, `priority: not_priority`, `open` beside `state`). In a page of \
conversations or tickets (a list or search), each item is a summary: ids, title, state, times, \
priority, assignees, contacts (ids, email, name), tags (id, name), custom and ticket attributes, \
and the source's author, subject and body, the body cut at 300 characters with a trailing `…` and \
`\"body_truncated\": true` on the item (retrieve the conversation for the rest; `source.id`, \
`delivered_as`, `url`, `read` and `linked_objects` are left out). A single conversation or ticket \
names the authors of its parts once, in a top-level `authors` map (`{\"<id>\": {\"type\", \"name\", \
\"email\"}}`), and each part's `author` is that id. `full` is the API's JSON as it is (the default \
of `intercom call`; `--response-format compact` opts in).\n\
- `fields`: dot paths to keep in each item of a list, or in the object: `[\"id\", \"state\", \"source.body\"]`; \
paths go through arrays and list wrappers (`conversation_parts.body`), and each item keeps its `id`. \
Naming a left-out block (`statistics`) brings it back, and with `fields` there are no \
summaries and no `authors` map: the paths named are kept whole (still in the compact form).\n\
- `max_tokens`: the result's size cap (tokens are counted as 2.4 bytes of JSON, so the cap holds for real \
tokenizers; default 20,000 for agents, none for `intercom call`). A longer list is cut between items: the result says `\"truncated\": true`, \
how many items were kept and left out, and in `truncation.continue` (also \
`pages.next.starting_after`) a cursor `skip:<n>:<API cursor>` to pass back as `starting_after` \
(or `pagination.starting_after`) with the same `per_page`. A long conversation keeps its newest \
parts. When a cut page carries a tool's own next-page note (the hosted `search`), the note points \
at `truncation.continue`. Conversations past Intercom's 500-part cap are flagged `truncated` too.\n\n";

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
            let ty = p.ty.name();
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
