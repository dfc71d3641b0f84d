//! The query compiled to a SQLite WHERE clause over the JSON document column.
//!
//! Every atom is wrapped so it yields 0 or 1, never NULL, so AND/OR/NOT follow two-valued logic
//! exactly as the reference evaluator does.

use rusqlite::functions::FunctionFlags;
use rusqlite::types::Value as SqlValue;

use super::SqlFilter;
use super::fields::Access;
use super::parse::{Atom, DayRel, Node, Num, Ordering, Pred, Test};
use super::words::body_words;

/// The SQL function that splits a body into its search words (a JSON array of strings).
pub(crate) const WORDS_FUNCTION: &str = "intercom_search_words";
/// The SQL function that gives a body's search words as one text, separated by spaces: what the
/// full-text index of bodies holds ([`body_index_schema`]).
pub(crate) const TEXT_FUNCTION: &str = "intercom_search_text";

/// A full-text index (FTS5, trigram) of a table's `source.body` words, which the compiled SQL
/// consults before matching words exactly: `rowid` is the column of the searched table that
/// the index's rowids are.
#[derive(Debug, Clone)]
pub struct BodyIndex {
    pub fts_table: String,
    pub rowid: String,
}

/// The DDL of the body index of `table` (an FTS5 trigram table `{table}_body` holding the words
/// of `$.source.body` of its `doc` column, kept in step by triggers), keyed by `rowid`. The
/// trigram index answers "which rows hold this text anywhere", a superset of the rows where a
/// word equals, contains, starts or ends with it; the exact test then runs on those rows only.
pub fn body_index_schema(table: &str, rowid: &str) -> String {
    let words = format!("{TEXT_FUNCTION}(json_extract(new.doc, '$.source.body'))");
    format!(
        "CREATE VIRTUAL TABLE IF NOT EXISTS {table}_body USING fts5(words, content='', \
             contentless_delete=1, tokenize='trigram');
         CREATE TRIGGER IF NOT EXISTS {table}_body_insert AFTER INSERT ON {table} BEGIN
             INSERT INTO {table}_body (rowid, words) VALUES (new.{rowid}, {words});
         END;
         CREATE TRIGGER IF NOT EXISTS {table}_body_update AFTER UPDATE OF doc ON {table} BEGIN
             DELETE FROM {table}_body WHERE rowid = old.{rowid};
             INSERT INTO {table}_body (rowid, words) VALUES (new.{rowid}, {words});
         END;
         CREATE TRIGGER IF NOT EXISTS {table}_body_delete AFTER DELETE ON {table} BEGIN
             DELETE FROM {table}_body WHERE rowid = old.{rowid};
         END;"
    )
}

/// Fills the body index of `table` from its rows (for a store made before the index existed).
pub fn body_index_backfill(table: &str, rowid: &str) -> String {
    format!(
        "DELETE FROM {table}_body;
         INSERT INTO {table}_body (rowid, words)
             SELECT {rowid}, {TEXT_FUNCTION}(json_extract(doc, '$.source.body')) FROM {table};"
    )
}

/// Registers the SQL functions the clauses of [`super::SearchQuery::to_sql`] call. The store must
/// call it on every connection that runs them.
pub fn register_functions(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        WORDS_FUNCTION,
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let words = match ctx.get_raw(0) {
                rusqlite::types::ValueRef::Text(bytes) => {
                    body_words(&String::from_utf8_lossy(bytes))
                }
                _ => Vec::new(),
            };
            serde_json::to_string(&words)
                .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))
        },
    )?;
    conn.create_scalar_function(
        TEXT_FUNCTION,
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            Ok(match ctx.get_raw(0) {
                rusqlite::types::ValueRef::Text(bytes) => {
                    body_words(&String::from_utf8_lossy(bytes)).join(" ")
                }
                _ => String::new(),
            })
        },
    )
}

pub(crate) fn compile(node: &Node, doc_column: &str, body_index: Option<&BodyIndex>) -> SqlFilter {
    let mut w = Writer {
        doc: column(doc_column),
        body_index: body_index.cloned(),
        text: String::new(),
        params: Vec::new(),
    };
    w.node(node);
    SqlFilter {
        where_clause: w.text,
        params: w.params,
    }
}

/// `name` as written when it is a (dotted) identifier, else quoted.
fn column(name: &str) -> String {
    let plain = |part: &str| {
        let mut chars = part.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if name.split('.').all(plain) {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// A SQLite JSON path with every label quoted: `$."a"."b"`. Labels never hold `"` (the field
/// resolver refuses such names).
fn json_path(keys: &[String]) -> String {
    let mut path = String::from("$");
    for key in keys {
        path.push_str(".\"");
        path.push_str(key);
        path.push('"');
    }
    path
}

/// Where a value under test comes from.
#[derive(Clone, Copy)]
enum Src<'a> {
    /// A path of the document.
    Doc(&'a str),
    /// A path inside the current element `srch_e` of a `json_each` over an array.
    Elem(&'a str),
    /// The current word `srch_w` of a body.
    Word,
    /// The domain of the e-mail at a path of the document.
    Domain(&'a str),
}

#[derive(Clone, Copy)]
enum Class {
    Text { fold: bool },
    Num,
    Bool,
}

struct Writer {
    doc: String,
    body_index: Option<BodyIndex>,
    text: String,
    params: Vec<SqlValue>,
}

impl Writer {
    fn sql(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn param(&mut self, v: SqlValue) {
        self.text.push('?');
        self.params.push(v);
    }

    fn text_param(&mut self, s: &str) {
        self.param(SqlValue::Text(s.to_owned()));
    }

    fn int_param(&mut self, i: i64) {
        self.param(SqlValue::Integer(i));
    }

    fn num_param(&mut self, n: Num) {
        match n {
            Num::Int(i) => self.param(SqlValue::Integer(i)),
            Num::Float(f) => self.param(SqlValue::Real(f)),
        }
    }

    fn doc_call(&mut self, function: &str, path: &str) {
        self.sql(function);
        self.sql("(");
        let doc = self.doc.clone();
        self.sql(&doc);
        self.sql(", ");
        self.text_param(path);
        self.sql(")");
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::And(children) | Node::Or(children) => {
                let joiner = if matches!(node, Node::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                self.sql("(");
                for (i, child) in children.iter().enumerate() {
                    if i > 0 {
                        self.sql(joiner);
                    }
                    self.node(child);
                }
                self.sql(")");
            }
            Node::Filter(filter) => match &filter.access {
                Access::Path(keys) => {
                    if let Some(hint) = index_hint(keys, &filter.test) {
                        let text = hint.sql(&self.doc);
                        self.sql("(");
                        self.sql(&text);
                        self.params.extend(hint.params);
                        self.sql(" AND ");
                        self.scalar(&json_path(keys), &filter.test);
                        self.sql(")");
                    } else {
                        self.scalar(&json_path(keys), &filter.test);
                    }
                }
                Access::Each { array, item } => {
                    self.each(&json_path(array), &json_path(item), &filter.test)
                }
                Access::EmailDomain(keys) => self.domain(&json_path(keys), &filter.test),
                Access::BodyWords(keys) => self.body(&json_path(keys), &filter.test),
            },
        }
    }

    /// `COALESCE(json_type(doc, path), 'null') <> 'null'`
    fn present(&mut self, path: &str) {
        self.sql("COALESCE(");
        self.doc_call("json_type", path);
        self.sql(", 'null') <> 'null'");
    }

    fn scalar(&mut self, path: &str, test: &Test) {
        match test {
            Test::IsNull => {
                self.sql("(NOT ");
                self.present(path);
                self.sql(")");
            }
            Test::IsPresent => {
                self.sql("(");
                self.present(path);
                self.sql(")");
            }
            Test::Any(pred) => self.pred(pred, Src::Doc(path)),
            Test::None(pred) => {
                self.sql("(");
                self.present(path);
                self.sql(" AND NOT ");
                self.pred(pred, Src::Doc(path));
                self.sql(")");
            }
        }
    }

    /// `json_type(doc, array) = 'array' AND EXISTS (... element where <cond> ...)`
    fn exists_element(&mut self, array: &str, cond: impl FnOnce(&mut Self)) {
        self.sql("(");
        self.doc_call("json_type", array);
        self.sql(" = 'array' AND EXISTS (SELECT 1 FROM ");
        self.doc_call("json_each", array);
        self.sql(" AS srch_e WHERE ");
        cond(self);
        self.sql("))");
    }

    fn each(&mut self, array: &str, item: &str, test: &Test) {
        let non_null_element = |w: &mut Self| {
            w.sql("COALESCE(");
            w.type_of(Src::Elem(item));
            w.sql(", 'null') <> 'null'");
        };
        match test {
            Test::IsNull => {
                self.sql("(NOT ");
                self.exists_element(array, non_null_element);
                self.sql(")");
            }
            Test::IsPresent => self.exists_element(array, non_null_element),
            Test::Any(pred) => self.exists_element(array, |w| w.pred(pred, Src::Elem(item))),
            Test::None(pred) => {
                self.sql("(NOT ");
                self.exists_element(array, |w| w.pred(pred, Src::Elem(item)));
                self.sql(")");
            }
        }
    }

    fn domain(&mut self, path: &str, test: &Test) {
        let present = |w: &mut Self| {
            w.value_of(Src::Domain(path));
            w.sql(" IS NOT NULL");
        };
        match test {
            Test::IsNull => {
                self.sql("(");
                self.value_of(Src::Domain(path));
                self.sql(" IS NULL)");
            }
            Test::IsPresent => {
                self.sql("(");
                present(self);
                self.sql(")");
            }
            Test::Any(pred) => self.pred(pred, Src::Domain(path)),
            Test::None(pred) => {
                self.sql("(");
                present(self);
                self.sql(" AND NOT ");
                self.pred(pred, Src::Domain(path));
                self.sql(")");
            }
        }
    }

    fn body(&mut self, path: &str, test: &Test) {
        let any_word = |w: &mut Self, pred: &Pred| {
            w.sql("EXISTS (SELECT 1 FROM json_each(");
            w.sql(WORDS_FUNCTION);
            w.sql("(CASE WHEN ");
            w.doc_call("json_type", path);
            w.sql(" = 'text' THEN ");
            w.doc_call("json_extract", path);
            w.sql(" END)) AS srch_w WHERE ");
            w.pred(pred, Src::Word);
            w.sql(")");
        };
        match test {
            Test::IsNull => {
                self.sql("(NOT ");
                self.present(path);
                self.sql(")");
            }
            Test::IsPresent => {
                self.sql("(");
                self.present(path);
                self.sql(")");
            }
            Test::Any(pred) => match (self.body_index.clone(), index_query(pred)) {
                // The index first (a superset of the matches), then the exact test.
                (Some(index), Some(query)) => {
                    self.sql("(");
                    self.sql(&index.rowid);
                    self.sql(" IN (SELECT rowid FROM ");
                    self.sql(&index.fts_table);
                    self.sql(" WHERE ");
                    self.sql(&index.fts_table);
                    self.sql(" MATCH ");
                    self.text_param(&query);
                    self.sql(") AND ");
                    any_word(self, pred);
                    self.sql(")");
                }
                _ => any_word(self, pred),
            },
            Test::None(pred) => {
                self.sql("(");
                self.present(path);
                self.sql(" AND NOT ");
                any_word(self, pred);
                self.sql(")");
            }
        }
    }

    /// The JSON type of the value under test (`'text'`, `'integer'`, ...), or NULL.
    fn type_of(&mut self, src: Src<'_>) {
        match src {
            Src::Doc(path) => self.doc_call("json_type", path),
            Src::Elem(item) => {
                self.sql("(CASE WHEN srch_e.type = 'object' THEN json_type(srch_e.value, ");
                self.text_param(item);
                self.sql(") END)");
            }
            Src::Word => self.sql("'text'"),
            Src::Domain(_) => {
                self.sql("(CASE WHEN ");
                self.value_of(src);
                self.sql(" IS NOT NULL THEN 'text' END)");
            }
        }
    }

    /// The SQL value of the value under test.
    fn value_of(&mut self, src: Src<'_>) {
        match src {
            Src::Doc(path) => self.doc_call("json_extract", path),
            Src::Elem(item) => {
                self.sql("(CASE WHEN srch_e.type = 'object' THEN json_extract(srch_e.value, ");
                self.text_param(item);
                self.sql(") END)");
            }
            Src::Word => self.sql("srch_w.value"),
            Src::Domain(path) => {
                self.sql("(CASE WHEN ");
                self.doc_call("json_type", path);
                self.sql(" = 'text' AND instr(");
                self.doc_call("json_extract", path);
                self.sql(", '@') > 0 THEN lower(substr(");
                self.doc_call("json_extract", path);
                self.sql(", instr(");
                self.doc_call("json_extract", path);
                self.sql(", '@') + 1)) END)");
            }
        }
    }

    /// The value under test as `class`, NULL when it is of another JSON type.
    fn comparable(&mut self, src: Src<'_>, class: Class) {
        match class {
            Class::Text { fold } => {
                if fold {
                    self.sql("lower");
                }
                self.sql("(CASE ");
                self.type_of(src);
                self.sql(" WHEN 'text' THEN ");
                self.value_of(src);
                self.sql(" WHEN 'integer' THEN CAST(");
                self.value_of(src);
                self.sql(" AS TEXT) END)");
            }
            Class::Num => {
                self.sql("(CASE WHEN ");
                self.type_of(src);
                self.sql(" IN ('integer', 'real') THEN ");
                self.value_of(src);
                self.sql(" END)");
            }
            Class::Bool => {
                self.sql("(CASE ");
                self.type_of(src);
                self.sql(" WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)");
            }
        }
    }

    /// Equality with any of `atoms`. The atoms are grouped by how they compare (text, folded
    /// text, number, boolean), and each group is one `IN` over a JSON array bound as a single
    /// parameter (floats, whose JSON text SQLite might round differently, as bound values), so
    /// a list of any length is one flat expression, never a chain of ORs.
    fn one_of(&mut self, atoms: &[Atom], src: Src<'_>) {
        let mut text = Vec::new();
        let mut folded = Vec::new();
        let mut ints = Vec::new();
        let mut floats = Vec::new();
        let mut bools = Vec::new();
        for atom in atoms {
            match atom {
                Atom::Str { value, fold: false } => text.push(value.as_str()),
                Atom::Str { value, fold: true } => folded.push(value.as_str()),
                Atom::Num(Num::Int(i)) => ints.push(*i),
                Atom::Num(Num::Float(f)) => floats.push(*f),
                Atom::Bool(b) => bools.push(i64::from(*b)),
            }
        }
        let mut first = true;
        let mut or = |w: &mut Self| {
            if !first {
                w.sql(" OR ");
            }
            first = false;
        };
        for (values, fold) in [(&text, false), (&folded, true)] {
            if !values.is_empty() {
                or(self);
                self.comparable(src, Class::Text { fold });
                self.in_json(serde_json::to_string(values).unwrap_or_default());
            }
        }
        if !ints.is_empty() {
            or(self);
            self.comparable(src, Class::Num);
            self.in_json(serde_json::to_string(&ints).unwrap_or_default());
        }
        if !floats.is_empty() {
            or(self);
            self.comparable(src, Class::Num);
            self.sql(" IN (");
            for (i, f) in floats.iter().enumerate() {
                if i > 0 {
                    self.sql(", ");
                }
                self.num_param(Num::Float(*f));
            }
            self.sql(")");
        }
        if !bools.is_empty() {
            or(self);
            self.comparable(src, Class::Bool);
            self.in_json(serde_json::to_string(&bools).unwrap_or_default());
        }
    }

    /// ` IN (the elements of the JSON array `array`)`.
    fn in_json(&mut self, array: String) {
        self.sql(" IN (SELECT value FROM json_each(");
        self.param(SqlValue::Text(array));
        self.sql("))");
    }

    /// The positive predicate, as 0 or 1.
    fn pred(&mut self, pred: &Pred, src: Src<'_>) {
        self.sql("COALESCE((");
        match pred {
            Pred::OneOf(atoms) if atoms.is_empty() => self.sql("0"),
            Pred::OneOf(atoms) => self.one_of(atoms, src),
            Pred::Compare(ord, n) => {
                self.comparable(src, Class::Num);
                self.sql(match ord {
                    Ordering::Lt => " < ",
                    Ordering::Le => " <= ",
                    Ordering::Gt => " > ",
                    Ordering::Ge => " >= ",
                });
                self.num_param(*n);
            }
            Pred::IdCompare(ord, n) => {
                self.sql("(CASE ");
                self.type_of(src);
                self.sql(" WHEN 'integer' THEN ");
                self.value_of(src);
                self.sql(" WHEN 'text' THEN (CASE WHEN length(");
                self.value_of(src);
                self.sql(") BETWEEN 1 AND 18 AND ");
                self.value_of(src);
                self.sql(" NOT GLOB '*[^0-9]*' THEN CAST(");
                self.value_of(src);
                self.sql(" AS INTEGER) END) END)");
                self.sql(match ord {
                    Ordering::Lt => " < ",
                    Ordering::Le => " <= ",
                    Ordering::Gt => " > ",
                    Ordering::Ge => " >= ",
                });
                self.int_param(*n);
            }
            Pred::Contains(needle) => {
                self.sql("instr(");
                self.comparable(src, Class::Text { fold: true });
                self.sql(", ");
                self.text_param(needle);
                self.sql(") > 0");
            }
            Pred::StartsWith(prefix) => {
                self.sql("substr(");
                self.comparable(src, Class::Text { fold: true });
                self.sql(", 1, ");
                self.int_param(char_count(prefix));
                self.sql(") = ");
                self.text_param(prefix);
            }
            Pred::EndsWith(suffix) => {
                let n = char_count(suffix);
                self.sql("length(");
                self.comparable(src, Class::Text { fold: true });
                self.sql(") >= ");
                self.int_param(n);
                self.sql(" AND substr(");
                self.comparable(src, Class::Text { fold: true });
                self.sql(", length(");
                self.comparable(src, Class::Text { fold: true });
                self.sql(") - ");
                self.int_param(n);
                self.sql(" + 1) = ");
                self.text_param(suffix);
            }
            Pred::Day {
                rel,
                start,
                next_start,
                ..
            } => {
                self.comparable(src, Class::Num);
                match rel {
                    DayRel::Same => {
                        self.sql(" >= ");
                        self.int_param(*start);
                        self.sql(" AND ");
                        self.comparable(src, Class::Num);
                        self.sql(" < ");
                        self.int_param(*next_start);
                    }
                    DayRel::Before => {
                        self.sql(" < ");
                        self.int_param(*start);
                    }
                    DayRel::After => {
                        self.sql(" >= ");
                        self.int_param(*next_start);
                    }
                }
            }
        }
        self.sql("), 0)");
    }
}

/// A condition implied by a filter on a scalar path, written so that SQLite can answer it from an
/// index on `json_extract(doc, '<path>')` (or `lower(...)` of it): every document the filter
/// matches satisfies it, so adding it changes no result, only the plan. The store creates such
/// indexes for the fields searched most ([`INDEXED_PATHS`]).
struct IndexHint {
    /// The JSON path as an SQL string literal.
    path_literal: String,
    fold: bool,
    kind: HintKind,
    params: Vec<SqlValue>,
}

enum HintKind {
    /// `IN (SELECT value FROM json_each(?))`
    OneOf,
    /// A comparison with one bound value.
    Compare(&'static str),
    /// `>= ? AND < ?`
    Between,
}

impl IndexHint {
    fn sql(&self, doc: &str) -> String {
        let mut expr = format!("json_extract({doc}, {})", self.path_literal);
        if self.fold {
            expr = format!("lower({expr})");
        }
        match self.kind {
            HintKind::OneOf => format!("{expr} IN (SELECT value FROM json_each(?))"),
            HintKind::Compare(op) => format!("{expr} {op} ?"),
            HintKind::Between => format!("{expr} >= ? AND {expr} < ?"),
        }
    }
}

/// Paths the store indexes as `json_extract(doc, '<path>')`, by table, and whether the index is
/// on `lower(...)` of it. `index_hint` writes its conditions in exactly these forms.
pub const INDEXED_PATHS: &[(&str, &[(&str, bool)])] = &[
    (
        "contacts",
        &[
            ("$.\"email\"", true),
            ("$.\"external_id\"", false),
            ("$.\"role\"", false),
            ("$.\"created_at\"", false),
            ("$.\"updated_at\"", false),
        ],
    ),
    (
        "conversations",
        &[
            ("$.\"state\"", false),
            ("$.\"open\"", false),
            ("$.\"admin_assignee_id\"", false),
            ("$.\"team_assignee_id\"", false),
            ("$.\"created_at\"", false),
            ("$.\"updated_at\"", false),
        ],
    ),
    (
        "tickets",
        &[
            ("$.\"created_at\"", false),
            ("$.\"updated_at\"", false),
            ("$.\"admin_assignee_id\"", false),
        ],
    ),
];

/// `path` as an SQL string literal.
fn sql_literal(path: &str) -> String {
    format!("'{}'", path.replace('\'', "''"))
}

fn index_hint(keys: &[String], test: &Test) -> Option<IndexHint> {
    let Test::Any(pred) = test else {
        return None;
    };
    let path_literal = sql_literal(&json_path(keys));
    match pred {
        Pred::OneOf(atoms) if !atoms.is_empty() => {
            let fold = matches!(atoms.first(), Some(Atom::Str { fold: true, .. }));
            let mut values: Vec<serde_json::Value> = Vec::new();
            for atom in atoms {
                match atom {
                    // `lower()` of an integer is its decimal text, as the exact test reads it.
                    Atom::Str { value, fold: true } => values.push(value.clone().into()),
                    Atom::Str { value, fold: false } => {
                        values.push(value.clone().into());
                        // A JSON integer in the document matches its decimal text.
                        if let Ok(i) = value.parse::<i64>()
                            && i.to_string() == *value
                        {
                            values.push(i.into());
                        }
                    }
                    Atom::Num(Num::Int(i)) => values.push((*i).into()),
                    // Floats would go through JSON text; leave these filters unhinted.
                    Atom::Num(Num::Float(_)) => return None,
                    Atom::Bool(b) => values.push(i64::from(*b).into()),
                }
                if matches!(atom, Atom::Str { fold: f, .. } if *f != fold) {
                    return None;
                }
            }
            let array = serde_json::to_string(&values).ok()?;
            Some(IndexHint {
                path_literal,
                fold,
                kind: HintKind::OneOf,
                params: vec![SqlValue::Text(array)],
            })
        }
        Pred::Compare(ord, Num::Int(n)) => Some(IndexHint {
            path_literal,
            fold: false,
            kind: HintKind::Compare(match ord {
                Ordering::Lt => "<",
                Ordering::Le => "<=",
                Ordering::Gt => ">",
                Ordering::Ge => ">=",
            }),
            params: vec![SqlValue::Integer(*n)],
        }),
        Pred::Day {
            rel,
            start,
            next_start,
            ..
        } => Some(match rel {
            DayRel::Same => IndexHint {
                path_literal,
                fold: false,
                kind: HintKind::Between,
                params: vec![SqlValue::Integer(*start), SqlValue::Integer(*next_start)],
            },
            DayRel::Before => IndexHint {
                path_literal,
                fold: false,
                kind: HintKind::Compare("<"),
                params: vec![SqlValue::Integer(*start)],
            },
            DayRel::After => IndexHint {
                path_literal,
                fold: false,
                kind: HintKind::Compare(">="),
                params: vec![SqlValue::Integer(*next_start)],
            },
        }),
        _ => None,
    }
}

fn char_count(s: &str) -> i64 {
    i64::try_from(s.chars().count()).unwrap_or(i64::MAX)
}

/// The FTS5 query that finds every row a word test on a body can match: the needles as
/// trigram phrases, OR-ed. `None` when the index cannot narrow the test (a needle of fewer than
/// three characters, which a trigram index does not hold, or a test that is not on text).
fn index_query(pred: &Pred) -> Option<String> {
    let needles: Vec<&str> = match pred {
        Pred::Contains(s) | Pred::StartsWith(s) | Pred::EndsWith(s) => vec![s.as_str()],
        Pred::OneOf(atoms) => atoms
            .iter()
            .map(|a| match a {
                Atom::Str { value, .. } => Some(value.as_str()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?,
        _ => return None,
    };
    if needles.is_empty() || needles.iter().any(|n| n.chars().count() < 3) {
        return None;
    }
    let phrases: Vec<String> = needles
        .iter()
        .map(|n| format!("\"{}\"", n.replace('"', "\"\"")))
        .collect();
    Some(phrases.join(" OR "))
}
