//! The discovery asks (`tests/discovery_asks.tsv`) and how well tool search answers them.
//! Shared by the test `discovery` and the benchmark (`benches/mcp.rs`, through `#[path]`).

use intercom_mcp::discover::Index;
use intercom_tools::{Registry, Tool};

pub const ASKS: &str = include_str!("../discovery_asks.tsv");

/// One ask and the tools that answer it.
#[derive(Debug)]
pub struct Ask {
    pub text: &'static str,
    pub expected: Vec<&'static str>,
}

/// Every ask of the file.
pub fn asks() -> Vec<Ask> {
    ASKS.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .map(|l| {
            let (text, expected) = l.split_once('\t').expect("ask<TAB>expected");
            Ask {
                text,
                expected: expected.split(',').map(str::trim).collect(),
            }
        })
        .collect()
}

/// Whether `tool` is one the ask expects.
fn answers(tool: &Tool, expected: &[&str]) -> bool {
    expected.iter().any(|e| match e.strip_prefix("op:") {
        Some(op) => tool.operations.iter().any(|o| o.operation_id == op),
        None => tool.name == *e,
    })
}

/// The outcome of one ask: the rank (1-based) of the first expected tool, `None` if not in the
/// top ten; `pending` when the registry has none of the expected tools yet.
#[derive(Debug)]
pub struct Outcome {
    pub ask: &'static str,
    pub expected: Vec<&'static str>,
    pub rank: Option<usize>,
    pub top: Vec<&'static str>,
    pub pending: bool,
}

#[derive(Debug)]
pub struct Evaluation {
    pub outcomes: Vec<Outcome>,
}

impl Evaluation {
    pub fn evaluated(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(|o| !o.pending)
    }
    pub fn count(&self) -> usize {
        self.evaluated().count()
    }
    pub fn pending(&self) -> usize {
        self.outcomes.len() - self.count()
    }
    /// Share of the evaluated asks whose expected tool is within the first `k`.
    pub fn hit_rate(&self, k: usize) -> f64 {
        let hits = self
            .evaluated()
            .filter(|o| o.rank.is_some_and(|r| r <= k))
            .count();
        hits as f64 / self.count().max(1) as f64
    }
    pub fn misses(&self, k: usize) -> Vec<&Outcome> {
        self.evaluated()
            .filter(|o| o.rank.is_none_or(|r| r > k))
            .collect()
    }
}

/// Runs every ask against the whole registry.
pub fn evaluate(registry: &Registry) -> Evaluation {
    let tools: Vec<&'static Tool> = registry.tools().to_vec();
    let index = Index::new(registry, &tools);
    let outcomes = asks()
        .into_iter()
        .map(|ask| {
            let pending = !tools.iter().any(|t| answers(t, &ask.expected));
            let ranked = index.search(ask.text);
            let rank = ranked
                .iter()
                .take(10)
                .position(|(t, _)| answers(t, &ask.expected))
                .map(|i| i + 1);
            Outcome {
                ask: ask.text,
                expected: ask.expected,
                rank,
                top: ranked.iter().take(3).map(|(t, _)| t.name).collect(),
                pending,
            }
        })
        .collect();
    Evaluation { outcomes }
}
