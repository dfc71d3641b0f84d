//! The ranking behind `intercom_search_tools`: BM25 over our own fields of each tool, with a
//! light stemmer and a small table of synonyms ([`super::synonyms`]).
//!
//! Each tool is one document made of weighted fields: its name (without `intercom_`), its
//! title, toolset, aliases, the operations it calls (operationIds split into words, path
//! segments), its description and its parameter names. A term's frequency in a document is the
//! weighted sum of its frequencies in the fields (BM25F with one length normalisation). A query
//! is cut into words, the phrases and words of the synonym table add their expansions at a lower
//! weight, stop words are dropped, and every term is stemmed the same way as the documents.

use std::collections::HashMap;

use intercom_tools::{Registry, Tool};

use super::synonyms;

/// Field weights: a word in the name says more than a word in the description.
const NAME: f64 = 3.0;
const TITLE: f64 = 2.5;
const TOOLSET: f64 = 2.0;
const ALIAS: f64 = 1.2;
const OPERATION: f64 = 1.0;
const DESCRIPTION: f64 = 1.0;
const PARAMETER: f64 = 0.3;

/// BM25's term-frequency saturation and length normalisation.
const K1: f64 = 2.0;
const B: f64 = 0.5;

/// Query weight of a term a synonym brought in (a word the user typed weighs 1).
const EXPANSION: f64 = 0.6;

/// Score factor for a tool whose toolset the query names (`contact` for `contacts`, also
/// through a synonym: `customer`): "find a customer by email" is about contacts, even though
/// `search_conversations_by_customer` has `customer` in its name.
const TOOLSET_BOOST: f64 = 1.3;

/// How much the share of the name's words that the query names adds to the score: with the
/// same matches, `list_companies` fits "list companies" better than `list_company_segments`.
const NAME_FIT: f64 = 0.5;

/// Query weight of what a phrase of the table brings in ("how many" is `count`).
const PHRASE: f64 = 0.9;

/// Query weight of `list` added for a plural noun ("what teams exist" asks for a list).
const PLURAL: f64 = 0.3;

/// The search index of a set of tools, built once per server.
#[derive(Debug, Clone)]
pub struct Index {
    docs: Vec<Doc>,
    /// The stemmed terms of each document's toolset name.
    toolsets: Vec<Vec<String>>,
    /// The distinct stemmed terms of each document's name.
    names: Vec<Vec<String>>,
    /// Documents containing each term.
    df: HashMap<String, usize>,
    avg_len: f64,
}

#[derive(Debug, Clone)]
struct Doc {
    tool: &'static Tool,
    tf: HashMap<String, f64>,
    len: f64,
}

impl Index {
    pub fn new(registry: &Registry, tools: &[&'static Tool]) -> Index {
        let mut docs = Vec::with_capacity(tools.len());
        let toolsets = tools.iter().map(|t| terms(t.toolset.as_str())).collect();
        let names = tools
            .iter()
            .map(|t| {
                let mut names = terms(t.name.strip_prefix("intercom_").unwrap_or(t.name));
                names.dedup();
                names
            })
            .collect();
        let mut df: HashMap<String, usize> = HashMap::new();
        for &tool in tools {
            let mut tf: HashMap<String, f64> = HashMap::new();
            let mut len = 0.0;
            let mut add = |text: &str, weight: f64| {
                for term in terms(text) {
                    *tf.entry(term).or_default() += weight;
                    len += weight;
                }
            };
            add(
                tool.name.strip_prefix("intercom_").unwrap_or(tool.name),
                NAME,
            );
            if let Some(title) = title(tool) {
                add(title, TITLE);
            }
            add(tool.toolset.as_str(), TOOLSET);
            for alias in registry.aliases_of(tool.name) {
                add(
                    alias.name.strip_prefix("INTERCOM_").unwrap_or(alias.name),
                    ALIAS,
                );
            }
            for op in tool.operations {
                add(&split_camel(op.operation_id), OPERATION);
                for segment in op.path.split('/').filter(|s| !s.starts_with('{')) {
                    add(segment, OPERATION / 2.0);
                }
            }
            add(tool.description, DESCRIPTION);
            for p in tool.params {
                add(p.name, PARAMETER);
            }
            for term in tf.keys() {
                *df.entry(term.clone()).or_default() += 1;
            }
            docs.push(Doc { tool, tf, len });
        }
        let avg_len = if docs.is_empty() {
            1.0
        } else {
            docs.iter().map(|d| d.len).sum::<f64>() / docs.len() as f64
        };
        Index {
            docs,
            toolsets,
            names,
            df,
            avg_len,
        }
    }

    /// The tools matching `query`, best first, with their scores; ties keep the catalog's order.
    pub fn search(&self, query: &str) -> Vec<(&'static Tool, f64)> {
        let query = query_terms(query);
        let n = self.docs.len() as f64;
        let mut scored: Vec<(usize, f64)> = self
            .docs
            .iter()
            .enumerate()
            .filter_map(|(i, doc)| {
                let score: f64 = query
                    .iter()
                    .filter_map(|(term, qw)| {
                        let tf = *doc.tf.get(term)?;
                        let df = *self.df.get(term)? as f64;
                        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                        let norm = K1 * (1.0 - B + B * doc.len / self.avg_len);
                        Some(qw * idf * tf * (K1 + 1.0) / (tf + norm))
                    })
                    .sum();
                let named = self.toolsets[i]
                    .iter()
                    .any(|t| query.iter().any(|(q, _)| q == t));
                let score = if named { score * TOOLSET_BOOST } else { score };
                let name = &self.names[i];
                let fit = name
                    .iter()
                    .map(|n| {
                        query
                            .iter()
                            .filter(|(q, _)| q == n)
                            .map(|(_, w)| *w)
                            .fold(0.0, f64::max)
                    })
                    .sum::<f64>()
                    / name.len().max(1) as f64;
                let score = score * (1.0 + NAME_FIT * fit);
                (score > 0.0).then_some((i, score))
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
            .into_iter()
            .map(|(i, s)| (self.docs[i].tool, s))
            .collect()
    }
}

/// The tool's title, when the registry gives one.
fn title(_tool: &Tool) -> Option<&'static str> {
    None
}

/// The weighted, stemmed terms of a query: the words typed (weight 1) and what the synonym
/// table adds for them (weight `EXPANSION`); a term typed and also brought in keeps the
/// higher weight.
pub fn query_terms(query: &str) -> Vec<(String, f64)> {
    let lower = query.to_lowercase();
    let words = words(&lower);
    let mut out: Vec<(String, f64)> = Vec::new();
    let mut push = |term: String, weight: f64| match out.iter_mut().find(|(t, _)| *t == term) {
        Some((_, w)) => *w = w.max(weight),
        None => out.push((term, weight)),
    };
    // Phrases first ("who am i", "how many"), over the words as typed.
    let joined = format!(" {} ", words.join(" "));
    for (phrase, expansion) in synonyms::PHRASES {
        if joined.contains(&format!(" {phrase} ")) {
            for term in terms(expansion) {
                push(term, PHRASE);
            }
        }
    }
    for word in &words {
        if let Some(term) = stemmed(word) {
            if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") && term != *word {
                push("list".to_owned(), PLURAL);
            }
            push(term, 1.0);
        }
        if let Some(expansion) = synonyms::for_word(&stem(word)) {
            for term in terms(expansion) {
                push(term, EXPANSION);
            }
        }
    }
    out
}

/// Lower-case words of `text` (letters and digits), camelCase split.
fn words(text: &str) -> Vec<String> {
    split_camel(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The indexed terms of `text`: its words, stop words dropped, stemmed.
fn terms(text: &str) -> Vec<String> {
    words(text).iter().filter_map(|w| stemmed(w)).collect()
}

/// A word as a term: stop words dropped, stemmed, and the generic verbs reduced to the one the
/// tool names use (`get`, `fetch`, `show` are `retrieve`; `find`, `look` are `search`), on both
/// sides, so a rare alias word (`INTERCOM_GET_A_CONTACT`) does not outweigh the name.
fn stemmed(word: &str) -> Option<String> {
    if synonyms::STOP_WORDS.contains(&word) {
        return None;
    }
    let s = stem(word);
    Some(synonyms::canonical(&s).map_or(s, stem))
}

/// `listContactNotes` becomes `list Contact Notes`.
fn split_camel(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut prev_lower = false;
    for c in text.chars() {
        if c.is_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        out.push(c);
    }
    out
}

/// Words the stemmer leaves alone: `news` is not `new`.
const KEEP: &[&str] = &["news", "status", "alias", "canvas", "always"];

/// A light suffix stemmer, the same for documents and queries: plurals, `-ing`, `-ed`, `-ment`
/// and a final `e` go, so `replies`/`reply`/`replied`, `close`/`closed`/`closing`, and
/// `assign`/`assigned`/`assignment` meet.
pub fn stem(word: &str) -> String {
    let w = word.to_lowercase();
    if w.len() <= 3 || w.chars().any(|c| !c.is_ascii_alphabetic()) || KEEP.contains(&w.as_str()) {
        return w;
    }
    let mut s: String = if let Some(base) = w.strip_suffix("ies") {
        format!("{base}y")
    } else if let Some(base) = w.strip_suffix("ied") {
        format!("{base}y")
    } else if w.ends_with("sses") {
        w[..w.len() - 2].to_owned()
    } else if let Some(base) = ["ches", "shes", "xes", "ses", "zes"]
        .iter()
        .find_map(|suf| w.strip_suffix(suf).map(|b| (b, *suf)))
        .map(|(b, suf)| format!("{b}{}", &suf[..suf.len() - 2]))
    {
        base
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w[..w.len() - 1].to_owned()
    } else {
        w.clone()
    };
    for suffix in ["ing", "ed", "ment"] {
        if let Some(base) = s.strip_suffix(suffix).filter(|b| b.len() >= 3) {
            {
                s = base.to_owned();
                // tagged, tagging: tag
                let b = s.as_bytes();
                let n = b.len();
                if n >= 2 && b[n - 1] == b[n - 2] && !matches!(b[n - 1], b'l' | b's' | b'z' | b'd')
                {
                    s.pop();
                }
                break;
            }
        }
    }
    if s.len() > 3 && s.ends_with('e') {
        s.pop();
    }
    s
}
