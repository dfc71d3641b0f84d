//! Property tests: on random documents and random valid queries the SQL selects exactly the
//! documents the reference evaluator accepts; and a defect planted anywhere in a valid query is
//! refused with the path of that defect.

use std::sync::Arc;

use jiff::tz::TimeZone;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::FileFailurePersistence;
use serde_json::{Map, Value, json};

use super::super::fields::{Access, FieldKind, resolve, searchable_fields};
use super::super::parse::allowed_symbols;
use super::super::{AttributeType, SearchModel, SearchOptions, parse_with};
use super::run_with;

/// Failing cases are kept beside this file (run from the crate root, as cargo test does).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "src/search/tests/props.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

// ---- value pools: small, so that documents and queries often meet ----

const STRINGS: &[&str] = &[
    "Alice",
    "alice",
    "ALICE",
    "ali",
    "ICE",
    "alice@example.com",
    "Bob@Example.COM",
    "example.com",
    "bob",
    "",
    "support",
    "Support team",
    "SUP",
    "port",
    "123",
    "12",
    "x_y",
    "Zoë",
    "zoë",
    "ZOË",
    "open",
    "closed",
    "snoozed",
    "user",
    "lead",
    "request",
    "a b",
];
const IDS: &[&str] = &["1", "2", "7", "a", "B", "b", "12"];
const CUSTOM: &[&str] = &["plan", "seats", "vip", "signup", "Score"];
const BODY_PIECES: &[&str] = &[
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<br/>",
    "I",
    "need",
    "SUPPORT",
    "support,",
    "supportive",
    "please!",
    "&amp;",
    "&nbsp;",
    "fish&amp;chips",
    "&lt;b&gt;",
    " ",
    " ",
    " ",
    "Alice",
    "(port)",
    "a<b",
    "<a href=\"x\">",
    "</a>",
    "Zoë",
];
/// Midnights (UTC) of 2020-01-01 and of 2020-03-08 (a DST change in New York).
const DAY_BASES: &[i64] = &[1_577_836_800, 1_583_625_600];
/// Offsets that land on and beside midnight in the zones the tests use (UTC, New York with its
/// DST change, UTC+05:00, UTC+05:45).
const DAY_OFFSETS: &[i64] = &[
    0, 1, -1, 3_600, 14_400, 17_999, 18_000, 18_001, -17_999, -18_000, -18_001, 20_700, -20_700,
    -20_701, 43_200, 65_700, 68_399, 68_400, 86_399, 86_400, 86_401, -86_400, 100_799, 100_800,
    104_400,
];
const SMALL_INTS: &[i64] = &[-1, 0, 1, 2, 5, 7, 12, 123];

fn timestamp() -> BoxedStrategy<i64> {
    (select(DAY_BASES), select(DAY_OFFSETS))
        .prop_map(|(b, o)| b + o)
        .boxed()
}

fn int() -> BoxedStrategy<i64> {
    prop_oneof![select(SMALL_INTS), timestamp()].boxed()
}

fn string() -> BoxedStrategy<String> {
    select(STRINGS).prop_map(str::to_owned).boxed()
}

fn any_scalar() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => string().prop_map(Value::from),
        3 => int().prop_map(Value::from),
        1 => select(&[0.5_f64, 5.0, 12.25, 1_577_836_800.5][..]).prop_map(Value::from),
        2 => any::<bool>().prop_map(Value::from),
    ]
    .boxed()
}

// ---- documents ----

/// A leaf value for a field of `kind`: usually of the right type, sometimes anything else.
fn doc_leaf(kind: FieldKind) -> BoxedStrategy<Option<Value>> {
    let typed: BoxedStrategy<Value> = match kind {
        FieldKind::String | FieldKind::Membership => string().prop_map(Value::from).boxed(),
        FieldKind::Integer => int().prop_map(Value::from).boxed(),
        FieldKind::Day | FieldKind::Timestamp => prop_oneof![
            4 => timestamp().prop_map(Value::from),
            1 => timestamp().prop_map(|t| Value::from(t as f64 + 0.5)),
        ]
        .boxed(),
        FieldKind::Number => prop_oneof![
            int().prop_map(Value::from),
            select(&[0.5_f64, 5.0, 12.25][..]).prop_map(Value::from),
        ]
        .boxed(),
        FieldKind::Boolean => any::<bool>().prop_map(Value::from).boxed(),
        FieldKind::Any => any_scalar(),
    };
    prop_oneof![
        3 => Just(None),
        1 => Just(Some(Value::Null)),
        8 => typed.prop_map(Some),
        1 => any_scalar().prop_map(Some),
        1 => Just(Some(json!({"nested": "Alice"}))),
    ]
    .boxed()
}

fn element(item: Vec<String>) -> BoxedStrategy<Value> {
    let id = prop_oneof![
        6 => select(IDS).prop_map(Value::from),
        1 => select(SMALL_INTS).prop_map(Value::from),
        1 => Just(Value::Null),
    ];
    prop_oneof![
        8 => id.prop_map(move |id| {
            let mut obj = json!({"type": "thing"});
            set(&mut obj, &item, id);
            obj
        }),
        1 => Just(json!({"type": "thing"})),
        1 => select(IDS).prop_map(Value::from),
    ]
    .boxed()
}

fn body() -> BoxedStrategy<String> {
    prop::collection::vec(select(BODY_PIECES), 0..10)
        .prop_map(|pieces| pieces.concat())
        .boxed()
}

/// Assignments `(path, value)` that give a field a random value (none: leave it missing).
fn field_assignments(access: Access, kind: FieldKind) -> BoxedStrategy<Vec<(Vec<String>, Value)>> {
    match access {
        Access::Path(path) => doc_leaf(kind)
            .prop_map(move |v| v.map(|v| (path.clone(), v)).into_iter().collect())
            .boxed(),
        Access::Each { array, item } => prop_oneof![
            1 => Just(None),
            1 => Just(Some(Value::Null)),
            1 => Just(Some(json!("not a list"))),
            8 => prop::collection::vec(element(item), 0..4).prop_map(|v| Some(Value::Array(v))),
        ]
        .prop_map(move |v| v.map(|v| (array.clone(), v)).into_iter().collect())
        .boxed(),
        Access::EmailDomain(path) => prop_oneof![
            1 => Just(None),
            1 => Just(Some(Value::Null)),
            6 => (string(), select(&["@", "@", ""][..]), select(&["Example.com", "example.COM", "other.org", ""][..]))
                .prop_map(|(user, at, domain)| Some(Value::from(format!("{user}{at}{domain}")))),
            1 => any_scalar().prop_map(Some),
        ]
        .prop_map(move |v| v.map(|v| (path.clone(), v)).into_iter().collect())
        .boxed(),
        Access::BodyWords(path) => prop_oneof![
            1 => Just(None),
            1 => Just(Some(Value::Null)),
            8 => body().prop_map(|b| Some(Value::from(b))),
            1 => any_scalar().prop_map(Some),
        ]
        .prop_map(move |v| v.map(|v| (path.clone(), v)).into_iter().collect())
        .boxed(),
    }
}

/// Sets `value` at `path`, turning whatever stands in the way into objects.
fn set(doc: &mut Value, path: &[String], value: Value) {
    let mut at = doc;
    for key in &path[..path.len() - 1] {
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        at = at
            .as_object_mut()
            .unwrap()
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if !at.is_object() {
        *at = Value::Object(Map::new());
    }
    at.as_object_mut()
        .unwrap()
        .insert(path[path.len() - 1].clone(), value);
}

/// Query names of the open families (custom or ticket attributes) used in tests.
fn open_fields(model: SearchModel) -> Vec<String> {
    let prefix = match model {
        SearchModel::Tickets => "ticket_attribute.",
        _ => "custom_attributes.",
    };
    CUSTOM
        .iter()
        .map(|name| format!("{prefix}{name}"))
        .collect()
}

fn all_fields(model: SearchModel) -> Vec<String> {
    searchable_fields(model)
        .into_iter()
        .map(|f| f.name)
        .filter(|name| !name.contains('{'))
        .map(str::to_owned)
        .chain(open_fields(model))
        .collect()
}

fn document(model: SearchModel, options: Arc<SearchOptions>) -> BoxedStrategy<Value> {
    let fields: Vec<_> = all_fields(model)
        .into_iter()
        .map(|name| {
            let field = resolve(model, &name, &options).unwrap();
            field_assignments(field.access, field.kind)
        })
        .collect();
    // Now and then a whole container is something else than an object.
    let clobber = prop_oneof![
        6 => Just(None),
        1 => select(&["location", "source", "statistics", "tags", "contacts", "ticket_attributes", "custom_attributes"][..])
            .prop_flat_map(|key| prop_oneof![Just(Value::Null), Just(json!("x")), Just(json!([1]))].prop_map(move |v| Some((key, v)))),
    ];
    (fields, clobber)
        .prop_map(|(assignments, clobber)| {
            let mut doc = json!({"type": "thing"});
            for (path, value) in assignments.into_iter().flatten() {
                set(&mut doc, &path, value);
            }
            if let Some((key, value)) = clobber {
                doc[key] = value;
            }
            doc
        })
        .boxed()
}

// ---- queries ----

/// A query value of `kind` for an operator that takes one value.
fn query_scalar(kind: FieldKind, op: &str) -> BoxedStrategy<Value> {
    let ordering = matches!(op, "<" | "<=" | ">" | ">=");
    let textual = matches!(op, "~" | "!~" | "^" | "$");
    match kind {
        FieldKind::String | FieldKind::Membership => prop_oneof![
            6 => string().prop_map(Value::from),
            1 => select(IDS).prop_map(Value::from),
            1 => select(SMALL_INTS).prop_map(Value::from),
        ]
        .boxed(),
        FieldKind::Integer => prop_oneof![
            6 => int().prop_map(Value::from),
            1 => int().prop_map(|i| Value::from(i.to_string())),
        ]
        .boxed(),
        // Dates also come as floats (`datetime.timestamp()`), whole or not.
        FieldKind::Timestamp | FieldKind::Day => prop_oneof![
            6 => int().prop_map(Value::from),
            1 => int().prop_map(|i| Value::from(i.to_string())),
            1 => int().prop_map(|i| Value::from(i as f64)),
            1 => int().prop_map(|i| Value::from(i as f64 + 0.5)),
        ]
        .boxed(),
        FieldKind::Number => prop_oneof![
            int().prop_map(Value::from),
            select(&[0.5_f64, 5.0, 12.25][..]).prop_map(Value::from),
        ]
        .boxed(),
        FieldKind::Boolean => any::<bool>().prop_map(Value::from).boxed(),
        FieldKind::Any if ordering => prop_oneof![
            int().prop_map(Value::from),
            select(&[0.5_f64, 5.0, 12.25][..]).prop_map(Value::from),
        ]
        .boxed(),
        FieldKind::Any if textual => prop_oneof![
            4 => string().prop_map(Value::from),
            1 => select(SMALL_INTS).prop_map(Value::from),
        ]
        .boxed(),
        FieldKind::Any => any_scalar(),
    }
}

fn query_value(kind: FieldKind, op: &'static str) -> BoxedStrategy<Value> {
    match op {
        "IN" | "NIN" => prop::collection::vec(query_scalar(kind, "="), 0..4)
            .prop_map(Value::Array)
            .boxed(),
        "=" | "!=" => prop_oneof![1 => Just(Value::Null), 6 => query_scalar(kind, op)].boxed(),
        _ => query_scalar(kind, op),
    }
}

fn filter(model: SearchModel, options: Arc<SearchOptions>) -> BoxedStrategy<Value> {
    select(all_fields(model))
        .prop_flat_map(move |name| {
            let kind = resolve(model, &name, &options).unwrap().kind;
            (Just(name), select(allowed_symbols(kind))).prop_flat_map(move |(name, op)| {
                query_value(kind, op).prop_map(
                    move |value| json!({"field": name.clone(), "operator": op, "value": value}),
                )
            })
        })
        .boxed()
}

fn group(inner: BoxedStrategy<Value>, max: usize) -> BoxedStrategy<Value> {
    (
        select(&["AND", "OR"][..]),
        prop::collection::vec(inner, 1..=max),
    )
        .prop_map(|(op, items)| json!({"operator": op, "value": items}))
        .boxed()
}

fn query(model: SearchModel, options: Arc<SearchOptions>) -> BoxedStrategy<Value> {
    let leaf = filter(model, options);
    let inner = group(leaf.clone(), 4);
    let outer = group(prop_oneof![leaf.clone(), inner.clone()].boxed(), 4);
    prop_oneof![2 => leaf, 1 => inner, 3 => outer].boxed()
}

fn options() -> BoxedStrategy<SearchOptions> {
    let zones = prop_oneof![
        Just(TimeZone::UTC),
        Just(TimeZone::posix("EST5EDT,M3.2.0,M11.1.0").unwrap()),
        Just(TimeZone::fixed(jiff::tz::offset(5))),
        Just(TimeZone::posix("<+0545>-5:45").unwrap()),
    ];
    (zones, any::<bool>())
        .prop_map(|(time_zone, declare)| {
            let mut options = SearchOptions {
                time_zone,
                ..SearchOptions::default()
            };
            if declare {
                let types = [
                    ("signup", AttributeType::Date),
                    ("seats", AttributeType::Integer),
                    ("vip", AttributeType::Boolean),
                    ("plan", AttributeType::String),
                    ("Score", AttributeType::Float),
                ];
                for (name, ty) in types {
                    options.custom_attribute_types.insert(name.into(), ty);
                }
            }
            options
        })
        .boxed()
}

fn case(model: SearchModel) -> BoxedStrategy<(SearchOptions, Vec<Value>, Value)> {
    options()
        .prop_flat_map(move |options| {
            let shared = Arc::new(options.clone());
            (
                Just(options),
                prop::collection::vec(document(model, shared.clone()), 0..24),
                query(model, shared),
            )
        })
        .boxed()
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn sql_agrees_with_reference_on_contacts((options, docs, query) in case(SearchModel::Contacts)) {
        run_with(SearchModel::Contacts, &options, &query, &docs);
    }

    #[test]
    fn sql_agrees_with_reference_on_conversations((options, docs, query) in case(SearchModel::Conversations)) {
        run_with(SearchModel::Conversations, &options, &query, &docs);
    }

    #[test]
    fn sql_agrees_with_reference_on_tickets((options, docs, query) in case(SearchModel::Tickets)) {
        run_with(SearchModel::Tickets, &options, &query, &docs);
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// Contact dates right at the day boundaries of each time zone.
    #[test]
    fn contact_days_agree_at_boundaries(
        options in options(),
        op in select(&["=", "<", ">"][..]),
        at in timestamp(),
        stamps in prop::collection::vec(
            prop_oneof![
                4 => timestamp().prop_map(Value::from),
                1 => timestamp().prop_map(|t| Value::from(t as f64 - 0.5)),
                1 => Just(Value::Null),
            ],
            1..30,
        ),
    ) {
        let docs: Vec<Value> = stamps.into_iter().map(|t| json!({"created_at": t})).collect();
        let query = json!({"field": "created_at", "operator": op, "value": at});
        run_with(SearchModel::Contacts, &options, &query, &docs);
    }
}

// ---- planted defects ----

/// The filters of `query` with their JSON paths and how many groups enclose each.
fn leaves(query: &Value, at: String, groups: usize, out: &mut Vec<(String, usize)>) {
    if query.get("field").is_some() {
        out.push((at, groups));
    } else if let Some(items) = query["value"].as_array() {
        for (i, item) in items.iter().enumerate() {
            leaves(item, format!("{at}.value[{i}]"), groups + 1, out);
        }
    }
}

fn replace(query: &mut Value, at: &str, with: Value) {
    let mut node = query;
    for step in at.split('.').skip(1) {
        let index: usize = step
            .trim_start_matches("value[")
            .trim_end_matches(']')
            .parse()
            .unwrap();
        node = &mut node["value"][index];
    }
    *node = with;
}

#[derive(Debug, Clone, Copy)]
enum Defect {
    UnknownOperator,
    UnknownField,
    InWithScalar,
    WrongOperatorForType,
    TooDeep,
    TooMany,
    NotAnObject,
}

/// The defective replacement for a filter enclosed by `groups` groups, and the suffix of the
/// path the refusal must name.
fn plant(defect: Defect, groups: usize) -> (Value, String) {
    let ok = json!({"field": "id", "operator": "=", "value": "1"});
    match defect {
        Defect::UnknownOperator => (
            json!({"field": "id", "operator": "=~", "value": "1"}),
            ".operator".into(),
        ),
        Defect::UnknownField => (
            json!({"field": "no_such_field", "operator": "=", "value": "1"}),
            ".field".into(),
        ),
        Defect::InWithScalar => (
            json!({"field": "id", "operator": "IN", "value": "1"}),
            ".value".into(),
        ),
        Defect::WrongOperatorForType => (
            json!({"field": "created_at", "operator": "~", "value": "1"}),
            ".operator".into(),
        ),
        Defect::TooDeep => {
            // Wrap the filter until a group stands at the third level.
            let mut node = ok;
            let mut suffix = String::new();
            for level in groups..=2 {
                node = json!({"operator": "OR", "value": [node]});
                if level < 2 {
                    suffix.push_str(".value[0]");
                }
            }
            (node, suffix)
        }
        Defect::TooMany if groups < 2 => (
            json!({"operator": "AND", "value": vec![ok; 16]}),
            ".value".into(),
        ),
        Defect::TooMany | Defect::NotAnObject => (json!("id = 1"), String::new()),
    }
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn a_planted_defect_is_refused_at_its_path(
        (model, mut query, pick, defect) in select(&[SearchModel::Contacts, SearchModel::Conversations, SearchModel::Tickets][..])
            .prop_flat_map(|model| (
                Just(model),
                query(model, Arc::new(SearchOptions::default())),
                any::<prop::sample::Index>(),
                select(&[
                    Defect::UnknownOperator, Defect::UnknownField, Defect::InWithScalar,
                    Defect::WrongOperatorForType, Defect::TooDeep, Defect::TooMany,
                    Defect::NotAnObject,
                ][..]),
            ))
    ) {
        let options = SearchOptions::default();
        prop_assert!(parse_with(model, &query, &options).is_ok(), "valid query refused: {}", query);
        let mut found = Vec::new();
        leaves(&query, "query".into(), 0, &mut found);
        let (at, groups) = pick.get(&found).clone();
        let (defective, suffix) = plant(defect, groups);
        replace(&mut query, &at, defective);
        let err = parse_with(model, &query, &options).expect_err("a planted defect must be refused");
        prop_assert_eq!(err.field, Some(format!("{at}{suffix}")), "{:?} in {}", defect, query);
    }
}
