//! From the JSON query to a validated predicate tree, refusing what Intercom refuses.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde_json::{Map, Value};

use super::fields::{self, Access, FieldKind, Resolved};
use super::{SearchError, SearchModel, SearchOptions};

/// Most filters in one AND/OR group.
pub(crate) const MAX_GROUP_FILTERS: usize = 15;
/// Most levels of AND/OR groups: `(1 OR 2) AND (3 OR 4)` has two.
pub(crate) const MAX_GROUP_DEPTH: usize = 2;

#[derive(Debug, Clone)]
pub(crate) enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Filter(Filter),
}

#[derive(Debug, Clone)]
pub(crate) struct Filter {
    pub access: Access,
    pub test: Test,
}

#[derive(Debug, Clone)]
pub(crate) enum Test {
    /// `= null`: the field is missing, null, or an empty list.
    IsNull,
    /// `!= null`.
    IsPresent,
    /// Some value satisfies `pred`.
    Any(Pred),
    /// The field is present and no value satisfies `pred` (on lists: no element does).
    None(Pred),
}

#[derive(Debug, Clone)]
pub(crate) enum Pred {
    /// Equals one of the atoms (`=`, `IN`).
    OneOf(Vec<Atom>),
    Compare(Ordering, Num),
    /// An id compared as a number: the value under test must be a JSON integer or a string of
    /// 1 to 18 ASCII digits (conversations' `id` with `<`, `<=`, `>`, `>=`).
    IdCompare(Ordering, i64),
    /// Contains, ASCII case-insensitively; the needle is already lowercased.
    Contains(String),
    StartsWith(String),
    EndsWith(String),
    /// Calendar-day comparison; `start`/`next_start` bound the day in Unix seconds.
    Day {
        rel: DayRel,
        date: Date,
        start: i64,
        next_start: i64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ordering {
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DayRel {
    Same,
    Before,
    After,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Atom {
    /// A string; with `fold`, compared ASCII case-insensitively (the value is already lowercased).
    Str {
        value: String,
        fold: bool,
    },
    Num(Num),
    Bool(bool),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    Int(i64),
    Float(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    In,
    Nin,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
}

const OPERATORS: [(&str, Op); 12] = [
    ("=", Op::Eq),
    ("!=", Op::Ne),
    ("IN", Op::In),
    ("NIN", Op::Nin),
    ("<", Op::Lt),
    ("<=", Op::Le),
    (">", Op::Gt),
    (">=", Op::Ge),
    ("~", Op::Contains),
    ("!~", Op::NotContains),
    ("^", Op::StartsWith),
    ("$", Op::EndsWith),
];

impl Op {
    fn symbol(self) -> &'static str {
        OPERATORS
            .iter()
            .find(|(_, op)| *op == self)
            .map_or("?", |(s, _)| s)
    }
}

fn allowed(kind: FieldKind) -> &'static [Op] {
    use Op::*;
    match kind {
        FieldKind::String => &[Eq, Ne, In, Nin, Contains, NotContains, StartsWith, EndsWith],
        FieldKind::Integer | FieldKind::Number | FieldKind::Timestamp => {
            &[Eq, Ne, In, Nin, Lt, Le, Gt, Ge]
        }
        FieldKind::Boolean => &[Eq, Ne, In, Nin],
        FieldKind::Day => &[Eq, Lt, Gt],
        FieldKind::Membership => &[Eq, Ne],
        FieldKind::Any => &[
            Eq,
            Ne,
            In,
            Nin,
            Lt,
            Le,
            Gt,
            Ge,
            Contains,
            NotContains,
            StartsWith,
            EndsWith,
        ],
    }
}

/// The operator symbols `kind` accepts, for tests and messages.
#[cfg(test)]
pub(crate) fn allowed_symbols(kind: FieldKind) -> Vec<&'static str> {
    allowed(kind).iter().map(|op| op.symbol()).collect()
}

fn kind_name(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::String => "a string",
        FieldKind::Integer => "an integer",
        FieldKind::Number => "a number",
        FieldKind::Boolean => "a boolean",
        FieldKind::Day => "a date (matched by calendar day)",
        FieldKind::Timestamp => "a date (Unix seconds)",
        FieldKind::Membership => "a tag or segment id",
        FieldKind::Any => "an untyped attribute",
    }
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a float",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn invalid(field: &str, message: impl Into<String>) -> SearchError {
    SearchError::new(SearchError::PARAMETER_INVALID, field, message)
}

fn not_found(field: &str, message: impl Into<String>) -> SearchError {
    SearchError::new(SearchError::PARAMETER_NOT_FOUND, field, message)
}

pub(crate) fn parse_root(
    model: SearchModel,
    query: &Value,
    options: &SearchOptions,
) -> Result<Node, SearchError> {
    Parser { model, options }.node(query, "query", 0)
}

struct Parser<'a> {
    model: SearchModel,
    options: &'a SearchOptions,
}

impl Parser<'_> {
    /// `groups` counts the AND/OR groups enclosing `v`.
    fn node(&self, v: &Value, at: &str, groups: usize) -> Result<Node, SearchError> {
        let Some(obj) = v.as_object() else {
            return Err(invalid(
                at,
                format!(
                    "`{at}` must be an object: a filter {{field, operator, value}} or a group \
                     {{operator: \"AND\"|\"OR\", value: [...]}}, not {}",
                    describe(v)
                ),
            ));
        };
        if obj.contains_key("field") {
            return self.filter(obj, at).map(Node::Filter);
        }
        match obj.get("operator") {
            Some(Value::String(op)) if op == "AND" || op == "OR" => {
                self.group(obj, at, groups, op == "AND")
            }
            Some(op) if matches!(obj.get("value"), Some(Value::Array(_))) => Err(SearchError::new(
                SearchError::INVALID_OPERATOR,
                &format!("{at}.operator"),
                format!(
                    "a group's operator must be \"AND\" or \"OR\", not {}",
                    shown(op)
                ),
            )),
            None if matches!(obj.get("value"), Some(Value::Array(_))) => Err(not_found(
                &format!("{at}.operator"),
                "a group needs an operator, \"AND\" or \"OR\"",
            )),
            _ => Err(not_found(
                &format!("{at}.field"),
                "a filter needs a field (or make this a group with operator \"AND\"/\"OR\")",
            )),
        }
    }

    fn group(
        &self,
        obj: &Map<String, Value>,
        at: &str,
        groups: usize,
        and: bool,
    ) -> Result<Node, SearchError> {
        if groups >= MAX_GROUP_DEPTH {
            return Err(invalid(
                at,
                format!(
                    "AND/OR groups nest at most {MAX_GROUP_DEPTH} levels deep, \
                     as in (1 OR 2) AND (3 OR 4)"
                ),
            ));
        }
        let value_at = format!("{at}.value");
        let items = match obj.get("value") {
            None => {
                return Err(not_found(
                    &value_at,
                    "a group needs a value: an array of filters",
                ));
            }
            Some(Value::Array(items)) => items,
            Some(other) => {
                return Err(invalid(
                    &value_at,
                    format!(
                        "a group's value must be an array of filters, not {}",
                        describe(other)
                    ),
                ));
            }
        };
        if items.is_empty() {
            return Err(invalid(&value_at, "a group needs at least one filter"));
        }
        if items.len() > MAX_GROUP_FILTERS {
            return Err(invalid(
                &value_at,
                format!(
                    "an AND/OR group holds at most {MAX_GROUP_FILTERS} filters, this one has {}",
                    items.len()
                ),
            ));
        }
        let children = items
            .iter()
            .enumerate()
            .map(|(i, item)| self.node(item, &format!("{value_at}[{i}]"), groups + 1))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(if and {
            Node::And(children)
        } else {
            Node::Or(children)
        })
    }

    fn filter(&self, obj: &Map<String, Value>, at: &str) -> Result<Filter, SearchError> {
        let field_at = format!("{at}.field");
        let op_at = format!("{at}.operator");
        let value_at = format!("{at}.value");

        let name = match obj.get("field") {
            Some(Value::String(name)) => name,
            Some(other) => {
                return Err(invalid(
                    &field_at,
                    format!("field must be a string, not {}", describe(other)),
                ));
            }
            None => return Err(not_found(&field_at, "a filter needs a field")),
        };
        let field = fields::resolve(self.model, name, self.options)
            .map_err(|why| SearchError::new(SearchError::INVALID_FIELD, &field_at, why))?;

        let op = match obj.get("operator") {
            None => return Err(not_found(&op_at, "a filter needs an operator")),
            Some(Value::String(s)) if s == "AND" || s == "OR" => {
                return Err(SearchError::new(
                    SearchError::INVALID_OPERATOR,
                    &op_at,
                    format!(
                        "\"{s}\" combines filters and takes no field; a filter's operator is one \
                         of {}",
                        symbols(&OPERATORS.map(|(_, op)| op))
                    ),
                ));
            }
            Some(other) => match other
                .as_str()
                .and_then(|s| OPERATORS.iter().find(|(sym, _)| *sym == s))
            {
                Some((_, op)) => *op,
                None => {
                    return Err(SearchError::new(
                        SearchError::INVALID_OPERATOR,
                        &op_at,
                        format!(
                            "{} is not an operator; use one of {}",
                            shown(other),
                            symbols(&OPERATORS.map(|(_, op)| op))
                        ),
                    ));
                }
            },
        };
        let ops = allowed(field.kind);
        if self.orders_ids(&field, op) {
            let Some(value) = obj.get("value") else {
                return Err(not_found(&value_at, "a filter needs a value"));
            };
            let test = id_order(op, value, &value_at)?;
            return Ok(Filter {
                access: field.access,
                test,
            });
        }
        if !ops.contains(&op) {
            return Err(SearchError::new(
                SearchError::INVALID_OPERATOR,
                &op_at,
                format!(
                    "operator `{}` is not allowed on `{}`, {}; allowed: {}",
                    op.symbol(),
                    field.name,
                    kind_name(field.kind),
                    symbols(ops)
                ),
            ));
        }

        let Some(value) = obj.get("value") else {
            return Err(not_found(&value_at, "a filter needs a value"));
        };
        let test = self.test(&field, op, value, &value_at)?;
        Ok(Filter {
            access: field.access,
            test,
        })
    }

    /// Conversations' `id` takes `<`, `<=`, `>`, `>=` as Intercom does: a client in wide use
    /// resumes a sync with `id > ""` (every id).
    fn orders_ids(&self, field: &Resolved, op: Op) -> bool {
        self.model == SearchModel::Conversations
            && field.name == "id"
            && matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge)
    }

    fn test(&self, field: &Resolved, op: Op, value: &Value, at: &str) -> Result<Test, SearchError> {
        if value.is_null() {
            return match op {
                Op::Eq => Ok(Test::IsNull),
                Op::Ne => Ok(Test::IsPresent),
                Op::In | Op::Nin => Err(invalid(
                    at,
                    format!("`{}` needs an array of values, not null", op.symbol()),
                )),
                _ => Err(invalid(
                    at,
                    format!(
                        "null works only with = and != (is missing / is present), not `{}`",
                        op.symbol()
                    ),
                )),
            };
        }
        if let Value::Object(_) = value {
            return Err(invalid(
                at,
                "value must be a string, integer, boolean, null or (for IN/NIN) an array, \
                 not an object",
            ));
        }
        match op {
            Op::In | Op::Nin => {
                let Value::Array(items) = value else {
                    return Err(invalid(
                        at,
                        format!(
                            "`{}` needs an array of values, not {}",
                            op.symbol(),
                            describe(value)
                        ),
                    ));
                };
                let atoms = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.atom(field, item, &format!("{at}[{i}]")))
                    .collect::<Result<Vec<_>, _>>()?;
                let pred = Pred::OneOf(atoms);
                Ok(if op == Op::In {
                    Test::Any(pred)
                } else {
                    Test::None(pred)
                })
            }
            _ if value.is_array() => Err(invalid(
                at,
                format!(
                    "`{}` takes a single value, not an array; use IN or NIN for a list",
                    op.symbol()
                ),
            )),
            Op::Eq | Op::Ne if field.kind == FieldKind::Day => {
                self.day(value, at, DayRel::Same).map(Test::Any)
            }
            Op::Lt | Op::Gt if field.kind == FieldKind::Day => {
                let rel = if op == Op::Lt {
                    DayRel::Before
                } else {
                    DayRel::After
                };
                self.day(value, at, rel).map(Test::Any)
            }
            Op::Eq => Ok(Test::Any(Pred::OneOf(vec![self.atom(field, value, at)?]))),
            Op::Ne => Ok(Test::None(Pred::OneOf(vec![self.atom(field, value, at)?]))),
            Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                let n = number(field, value, at)?;
                let ord = match op {
                    Op::Lt => Ordering::Lt,
                    Op::Le => Ordering::Le,
                    Op::Gt => Ordering::Gt,
                    _ => Ordering::Ge,
                };
                Ok(Test::Any(Pred::Compare(ord, n)))
            }
            Op::Contains | Op::NotContains | Op::StartsWith | Op::EndsWith => {
                let needle = text(value, at, op)?.to_ascii_lowercase();
                Ok(match op {
                    Op::Contains => Test::Any(Pred::Contains(needle)),
                    Op::NotContains => Test::None(Pred::Contains(needle)),
                    Op::StartsWith => Test::Any(Pred::StartsWith(needle)),
                    _ => Test::Any(Pred::EndsWith(needle)),
                })
            }
        }
    }

    /// An equality operand, typed for the field.
    fn atom(&self, field: &Resolved, v: &Value, at: &str) -> Result<Atom, SearchError> {
        let wrong = || {
            invalid(
                at,
                format!(
                    "`{}` is {}; {} does not fit",
                    field.name,
                    kind_name(field.kind),
                    describe(v)
                ),
            )
        };
        match field.kind {
            FieldKind::String | FieldKind::Membership => {
                let s = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
                    _ => return Err(wrong()),
                };
                Ok(str_atom(s, field.fold_case))
            }
            FieldKind::Integer => integer(v).map(|i| Atom::Num(Num::Int(i))).ok_or_else(wrong),
            FieldKind::Timestamp | FieldKind::Day => {
                seconds(v).map(|i| Atom::Num(Num::Int(i))).ok_or_else(wrong)
            }
            FieldKind::Number => number(field, v, at).map(Atom::Num),
            FieldKind::Boolean => boolean(v).map(Atom::Bool).ok_or_else(wrong),
            FieldKind::Any => match v {
                Value::String(s) => Ok(str_atom(s.clone(), field.fold_case)),
                Value::Bool(b) => Ok(Atom::Bool(*b)),
                Value::Number(_) => number(field, v, at).map(Atom::Num),
                _ => Err(wrong()),
            },
        }
    }

    fn day(&self, v: &Value, at: &str, rel: DayRel) -> Result<Pred, SearchError> {
        let seconds = seconds(v).ok_or_else(|| {
            invalid(
                at,
                format!("a date is Unix seconds (a number), not {}", describe(v)),
            )
        })?;
        let out_of_range = || invalid(at, format!("{seconds} is out of range for a date"));
        let tz = &self.options.time_zone;
        let date = Timestamp::from_second(seconds)
            .map_err(|_| out_of_range())?
            .to_zoned(tz.clone())
            .date();
        let start = day_start(date, tz).ok_or_else(out_of_range)?;
        let next_start = date
            .tomorrow()
            .ok()
            .and_then(|d| day_start(d, tz))
            .ok_or_else(out_of_range)?;
        Ok(Pred::Day {
            rel,
            date,
            start,
            next_start,
        })
    }
}

/// `id <op> value` where ids order as numbers and the empty string is below every id.
fn id_order(op: Op, value: &Value, at: &str) -> Result<Test, SearchError> {
    let ord = match op {
        Op::Lt => Ordering::Lt,
        Op::Le => Ordering::Le,
        Op::Gt => Ordering::Gt,
        _ => Ordering::Ge,
    };
    let wrong = || {
        invalid(
            at,
            format!(
                "`id` with `{}` takes an id (digits, or an integer) or the empty string, not {}",
                op.symbol(),
                match value {
                    Value::String(s) => format!("\"{s}\""),
                    other => describe(other).to_owned(),
                }
            ),
        )
    };
    let n = match value {
        Value::String(s) if s.is_empty() => {
            return Ok(match ord {
                Ordering::Gt | Ordering::Ge => Test::IsPresent,
                Ordering::Lt | Ordering::Le => Test::Any(Pred::OneOf(Vec::new())),
            });
        }
        Value::String(s) => digits(s).ok_or_else(wrong)?,
        Value::Number(n) => n.as_i64().ok_or_else(wrong)?,
        _ => return Err(wrong()),
    };
    Ok(Test::Any(Pred::IdCompare(ord, n)))
}

/// A string of 1 to 18 ASCII digits as a number.
pub(crate) fn digits(s: &str) -> Option<i64> {
    (!s.is_empty() && s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// The first second of `date` in `tz`.
fn day_start(date: Date, tz: &TimeZone) -> Option<i64> {
    let zoned = date.to_zoned(tz.clone()).ok()?.start_of_day().ok()?;
    Some(zoned.timestamp().as_second())
}

fn str_atom(s: String, fold: bool) -> Atom {
    Atom::Str {
        value: if fold { s.to_ascii_lowercase() } else { s },
        fold,
    }
}

/// A boolean, also as `0`/`1` or `"true"`/`"false"`: Intercom's official Python SDK serializes
/// `True` in a search value as `1`, and Intercom accepts it.
fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// An integer, or a string holding one.
fn integer(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn number(field: &Resolved, v: &Value, at: &str) -> Result<Num, SearchError> {
    let wrong = || {
        invalid(
            at,
            format!(
                "`{}` compares as {}; {} does not fit",
                field.name,
                match field.kind {
                    FieldKind::Any | FieldKind::Number => "a number",
                    _ => "an integer",
                },
                describe(v)
            ),
        )
    };
    match field.kind {
        FieldKind::Any | FieldKind::Number => match v {
            Value::Number(n) => match n.as_i64() {
                Some(i) => Ok(Num::Int(i)),
                None => n.as_f64().map(Num::Float).ok_or_else(wrong),
            },
            Value::String(_) => integer(v).map(Num::Int).ok_or_else(wrong),
            _ => Err(wrong()),
        },
        FieldKind::Timestamp => seconds(v).map(Num::Int).ok_or_else(wrong),
        _ => integer(v).map(Num::Int).ok_or_else(wrong),
    }
}

/// Unix seconds: an integer, or a float with any fraction dropped (rounded down), as Intercom
/// takes the `datetime.timestamp()` value many clients send (`946684800.0`); also a string
/// holding an integer.
fn seconds(v: &Value) -> Option<i64> {
    if let Some(i) = integer(v) {
        return Some(i);
    }
    let f = v.as_f64()?.floor();
    // Beyond ±2^53 a float no longer names a single second.
    const LIMIT: f64 = 9_007_199_254_740_992.0;
    (f.is_finite() && (-LIMIT..=LIMIT).contains(&f)).then_some(f as i64)
}

fn text<'v>(v: &'v Value, at: &str, op: Op) -> Result<std::borrow::Cow<'v, str>, SearchError> {
    match v {
        Value::String(s) => Ok(s.as_str().into()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string().into()),
        _ => Err(invalid(
            at,
            format!("`{}` needs a string, not {}", op.symbol(), describe(v)),
        )),
    }
}

fn symbols(ops: &[Op]) -> String {
    ops.iter()
        .map(|op| op.symbol())
        .collect::<Vec<_>>()
        .join(", ")
}

fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        other => describe(other).to_owned(),
    }
}
