//! Which tools a server lists and accepts: toolsets, an exact list, read-only, discovery mode.
//!
//! A hundred tool definitions fill a good part of a model's context, so a server serves a
//! selection of the registry. The selection is resolved once, at start-up, into a [`Catalog`].

use std::collections::BTreeSet;

use intercom_tools::{Registry, Tool};

use crate::McpError;

/// The tools served when no toolset or tool is named: a curated set for the everyday work of a
/// support inbox (find and read conversations, answer, assign and close them; look up the
/// customer, their company and tickets; count). Whole toolsets would not do: once every
/// operation is a tool, `conversations` and `contacts` alone hold more than thirty. The rest of
/// the catalog is one flag away (`--toolsets`, `--tools`, `--discover`). At most 30 tools and
/// about 8,000 tokens of `tools/list` (a test holds both).
pub const DEFAULT_TOOLS: &[&str] = &[
    // who am I, who are my teammates
    "intercom_identify_admin",
    "intercom_list_admins",
    "intercom_list_teams",
    // the inbox
    "intercom_search_conversations",
    "intercom_retrieve_conversation",
    "intercom_search_conversations_by_customer",
    "intercom_list_conversations_by_date",
    "intercom_reply_to_conversation",
    "intercom_manage_conversation",
    "intercom_update_conversation",
    // customers
    "intercom_search_contacts",
    "intercom_retrieve_contact",
    "intercom_create_contact",
    "intercom_update_contact",
    "intercom_retrieve_company",
    "intercom_list_companies",
    // tickets
    "intercom_search_tickets",
    "intercom_retrieve_ticket",
    // the rest
    "intercom_list_tags",
    "intercom_get_counts",
];

/// What to serve, as given on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Selection {
    /// Toolset names, `default` ([`DEFAULT_TOOLS`]) or `all`. Empty: the default tools, unless
    /// `tools` is given.
    pub toolsets: Vec<String>,
    /// Exact tool names (or aliases), added to the toolsets.
    pub tools: Vec<String>,
    /// List only read-only tools and refuse every other call, even by name.
    pub read_only: bool,
    /// List three meta-tools (search, describe, call) instead of the tools themselves.
    /// Without toolsets or tools, the whole registry is reachable through them.
    pub discover: bool,
    /// Tools per `tools/list` page; `None` lists everything on one page.
    pub page_size: Option<usize>,
}

impl Selection {
    pub fn new() -> Selection {
        Selection::default()
    }
    pub fn toolsets<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Selection {
        self.toolsets = names.into_iter().map(Into::into).collect();
        self
    }
    pub fn tools<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Selection {
        self.tools = names.into_iter().map(Into::into).collect();
        self
    }
    pub fn read_only(mut self, read_only: bool) -> Selection {
        self.read_only = read_only;
        self
    }
    pub fn discover(mut self, discover: bool) -> Selection {
        self.discover = discover;
        self
    }
    pub fn page_size(mut self, page_size: Option<usize>) -> Selection {
        self.page_size = page_size;
        self
    }

    /// Resolves the selection against `registry`.
    pub fn resolve(&self, registry: &Registry) -> Result<Catalog, McpError> {
        if self.page_size == Some(0) {
            return Err(McpError::PageSize);
        }
        let known = toolset_names(registry);
        let mut toolsets: BTreeSet<String> = BTreeSet::new();
        let mut all = false;
        let mut default = false;
        let names: Vec<&str> = self
            .toolsets
            .iter()
            .flat_map(|s| s.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        for name in &names {
            let lower = name.to_ascii_lowercase();
            match lower.as_str() {
                "all" => all = true,
                "default" => default = true,
                _ if known.contains(&lower) => {
                    toolsets.insert(lower);
                }
                _ => {
                    return Err(McpError::UnknownToolset {
                        name: (*name).to_owned(),
                        known: known.iter().cloned().collect::<Vec<_>>().join(", "),
                    });
                }
            }
        }
        let mut exact: BTreeSet<&'static str> = BTreeSet::new();
        for name in self
            .tools
            .iter()
            .flat_map(|s| s.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let tool = registry
                .lookup(name)
                .map_err(|_| McpError::UnknownTool {
                    name: name.to_owned(),
                    suggestions: registry.suggest(name),
                })?
                .tool;
            if self.read_only && !tool.annotations.read_only {
                return Err(McpError::WriteToolInReadOnly {
                    name: name.to_owned(),
                });
            }
            exact.insert(tool.name);
        }
        if names.is_empty() {
            // Discovery reaches the whole catalog for the price of three definitions; otherwise
            // an exact list alone means just those tools.
            if self.discover && exact.is_empty() {
                all = true;
            } else if exact.is_empty() {
                default = true;
            }
        }
        if default {
            // A name the registry lacks is skipped, so the list can name tools a smaller
            // registry leaves out; the built-in registry has all of them (a test checks).
            exact.extend(
                DEFAULT_TOOLS
                    .iter()
                    .filter_map(|n| registry.lookup(n).ok())
                    .map(|l| l.tool.name),
            );
        }
        let enabled: Vec<&'static Tool> = registry
            .tools()
            .iter()
            .copied()
            .filter(|t| all || toolsets.contains(t.toolset.as_str()) || exact.contains(t.name))
            .filter(|t| !self.read_only || t.annotations.read_only)
            .collect();
        if enabled.is_empty() {
            return Err(McpError::EmptySelection {
                reason: if self.read_only {
                    "no read-only tool is in the chosen toolsets".to_owned()
                } else {
                    "the chosen toolsets have no tools".to_owned()
                },
            });
        }
        Ok(Catalog {
            registry: registry.clone(),
            enabled,
            read_only: self.read_only,
            discover: self.discover,
            page_size: self.page_size,
        })
    }
}

/// The toolset names of `registry`, sorted.
pub fn toolset_names(registry: &Registry) -> BTreeSet<String> {
    registry
        .tools()
        .iter()
        .map(|t| t.toolset.as_str().to_owned())
        .collect()
}

/// A resolved selection: the tools this server accepts.
#[derive(Debug, Clone)]
pub struct Catalog {
    registry: Registry,
    enabled: Vec<&'static Tool>,
    read_only: bool,
    discover: bool,
    page_size: Option<usize>,
}

/// Why a tool the registry knows may not be called here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The server is read-only and the tool writes.
    ReadOnly,
    /// The tool is outside the served toolsets and tools.
    NotEnabled,
}

impl Catalog {
    pub fn registry(&self) -> &Registry {
        &self.registry
    }
    /// The tools that may be called, in registry order.
    pub fn enabled(&self) -> &[&'static Tool] {
        &self.enabled
    }
    pub fn read_only(&self) -> bool {
        self.read_only
    }
    pub fn discover(&self) -> bool {
        self.discover
    }
    pub fn page_size(&self) -> Option<usize> {
        self.page_size
    }
    /// Whether `tool` may be called here, and why not.
    pub fn check(&self, tool: &Tool) -> Result<(), Refusal> {
        if self.read_only && !tool.annotations.read_only {
            return Err(Refusal::ReadOnly);
        }
        if self.enabled.iter().any(|t| t.name == tool.name) {
            Ok(())
        } else {
            Err(Refusal::NotEnabled)
        }
    }
}
