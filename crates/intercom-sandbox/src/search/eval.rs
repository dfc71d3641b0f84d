//! The reference evaluator: the query's meaning over one API document, written for clarity.

use std::cmp::Ordering as CmpOrdering;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde_json::Value;

use super::fields::Access;
use super::parse::{Atom, DayRel, Node, Num, Ordering, Pred, Test};
use super::words::body_words;

pub(crate) fn matches(node: &Node, doc: &Value, tz: &TimeZone) -> bool {
    match node {
        Node::And(children) => children.iter().all(|c| matches(c, doc, tz)),
        Node::Or(children) => children.iter().any(|c| matches(c, doc, tz)),
        Node::Filter(filter) => {
            let values = field_values(&filter.access, doc);
            match &filter.test {
                Test::IsNull => is_missing(&filter.access, values.as_deref()),
                Test::IsPresent => !is_missing(&filter.access, values.as_deref()),
                Test::Any(pred) => values.iter().flatten().any(|v| satisfies(pred, v, tz)),
                Test::None(pred) => values
                    .as_ref()
                    .is_some_and(|vs| !vs.iter().any(|v| satisfies(pred, v, tz))),
            }
        }
    }
}

fn get<'a>(doc: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter()
        .try_fold(doc, |v, key| v.as_object()?.get(key))
        .filter(|v| !v.is_null())
}

/// The values a field yields: `None` when the field is absent (a list field is never absent, it
/// is empty).
fn field_values(access: &Access, doc: &Value) -> Option<Vec<Value>> {
    match access {
        Access::Path(path) => get(doc, path).map(|v| vec![v.clone()]),
        Access::Each { array, item } => {
            let elements = get(doc, array)
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            Some(
                elements
                    .iter()
                    .filter(|e| e.is_object())
                    .filter_map(|e| get(e, item).cloned())
                    .collect(),
            )
        }
        Access::EmailDomain(path) => {
            let email = get(doc, path)?.as_str()?;
            let (_, domain) = email.split_once('@')?;
            Some(vec![Value::String(domain.to_ascii_lowercase())])
        }
        Access::BodyWords(path) => {
            let body = get(doc, path)?;
            let words = body.as_str().map(body_words).unwrap_or_default();
            Some(words.into_iter().map(Value::String).collect())
        }
    }
}

fn is_missing(access: &Access, values: Option<&[Value]>) -> bool {
    match (access, values) {
        (_, None) => true,
        (Access::Each { .. }, Some(values)) => values.is_empty(),
        (_, Some(_)) => false,
    }
}

/// A document value seen as text: strings, and integers as their decimal form.
fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => n.as_i64().map(|i| i.to_string()),
        _ => None,
    }
}

fn as_num(v: &Value) -> Option<Num> {
    let n = v.as_number()?;
    match n.as_i64() {
        Some(i) if !n.is_f64() => Some(Num::Int(i)),
        _ => n.as_f64().map(Num::Float),
    }
}

fn compare(a: Num, b: Num) -> Option<CmpOrdering> {
    match (a, b) {
        (Num::Int(a), Num::Int(b)) => Some(a.cmp(&b)),
        (a, b) => to_f64(a).partial_cmp(&to_f64(b)),
    }
}

fn to_f64(n: Num) -> f64 {
    match n {
        Num::Int(i) => i as f64,
        Num::Float(f) => f,
    }
}

fn satisfies(pred: &Pred, v: &Value, tz: &TimeZone) -> bool {
    match pred {
        Pred::OneOf(atoms) => atoms.iter().any(|atom| equals(atom, v)),
        Pred::Compare(ord, n) => {
            as_num(v)
                .and_then(|x| compare(x, *n))
                .is_some_and(|c| match ord {
                    Ordering::Lt => c == CmpOrdering::Less,
                    Ordering::Le => c != CmpOrdering::Greater,
                    Ordering::Gt => c == CmpOrdering::Greater,
                    Ordering::Ge => c != CmpOrdering::Less,
                })
        }
        Pred::IdCompare(ord, n) => {
            let id = match v {
                Value::String(s) => super::parse::digits(s),
                Value::Number(x) if !x.is_f64() => x.as_i64(),
                _ => None,
            };
            id.is_some_and(|id| match ord {
                Ordering::Lt => id < *n,
                Ordering::Le => id <= *n,
                Ordering::Gt => id > *n,
                Ordering::Ge => id >= *n,
            })
        }
        Pred::Contains(needle) => {
            as_text(v).is_some_and(|s| s.to_ascii_lowercase().contains(needle.as_str()))
        }
        Pred::StartsWith(prefix) => {
            as_text(v).is_some_and(|s| s.to_ascii_lowercase().starts_with(prefix.as_str()))
        }
        Pred::EndsWith(suffix) => {
            as_text(v).is_some_and(|s| s.to_ascii_lowercase().ends_with(suffix.as_str()))
        }
        Pred::Day { rel, date, .. } => as_num(v).is_some_and(|x| {
            let day = day_of(x, tz);
            match rel {
                DayRel::Same => day == DayPos::In(*date),
                DayRel::Before => day < DayPos::In(*date),
                DayRel::After => day > DayPos::In(*date),
            }
        }),
    }
}

fn equals(atom: &Atom, v: &Value) -> bool {
    match atom {
        Atom::Str { value, fold } => as_text(v).is_some_and(|s| {
            if *fold {
                s.to_ascii_lowercase() == *value
            } else {
                s == *value
            }
        }),
        Atom::Num(n) => as_num(v).and_then(|x| compare(x, *n)) == Some(CmpOrdering::Equal),
        Atom::Bool(b) => v.as_bool() == Some(*b),
    }
}

/// The calendar day of a timestamp, with instants beyond what a calendar can hold kept in order.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum DayPos {
    BeforeAll,
    In(Date),
    AfterAll,
}

fn day_of(x: Num, tz: &TimeZone) -> DayPos {
    let seconds = match x {
        Num::Int(i) => i,
        // `as` saturates, and the floor keeps a fractional second on its day.
        Num::Float(f) => f.floor() as i64,
    };
    match Timestamp::from_second(seconds) {
        Ok(ts) => DayPos::In(ts.to_zoned(tz.clone()).date()),
        Err(_) if seconds < 0 => DayPos::BeforeAll,
        Err(_) => DayPos::AfterAll,
    }
}
