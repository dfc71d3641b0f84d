//! The date parser and ranges, with a fixed "now" (never the wall clock).

use intercom_tools::ToolError;
use intercom_tools::dates::{self, Bound, DateSpec, range};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::json;

/// Sunday 15 June 2025, 10:30 UTC (11:30 in Dublin, which is on summer time).
fn now() -> Timestamp {
    "2025-06-15T10:30:00Z".parse().unwrap()
}

fn dublin() -> TimeZone {
    TimeZone::get("Europe/Dublin").unwrap()
}

fn at(text: &str, bound: Bound, tz: &TimeZone) -> String {
    let spec = dates::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    spec.resolve(bound, now(), tz)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .to_string()
}

#[test]
fn accepted_forms_resolve_to_instants() {
    use Bound::{End, Start};
    let utc = TimeZone::UTC;
    let dub = dublin();
    let table: &[(&str, Bound, &TimeZone, &str)] = &[
        // Day first, with each separator; a day starts at midnight and ends at its last second.
        ("15/01/2025", Start, &utc, "2025-01-15T00:00:00Z"),
        ("15/01/2025", End, &utc, "2025-01-15T23:59:59Z"),
        ("1/2/2025", Start, &utc, "2025-02-01T00:00:00Z"),
        ("15.01.2025", Start, &utc, "2025-01-15T00:00:00Z"),
        ("15-01-2025", End, &utc, "2025-01-15T23:59:59Z"),
        // The time zone decides when a day starts: Dublin is UTC+1 in June.
        ("15/06/2025", Start, &dub, "2025-06-14T23:00:00Z"),
        ("15/06/2025", End, &dub, "2025-06-15T22:59:59Z"),
        // ISO dates and date-times.
        ("2025-01-15", Start, &utc, "2025-01-15T00:00:00Z"),
        ("2025-01-15", End, &dub, "2025-01-15T23:59:59Z"),
        ("2025-01-15T09:30:00Z", End, &dub, "2025-01-15T09:30:00Z"),
        (
            "2025-01-15T09:30:00+01:00",
            Start,
            &utc,
            "2025-01-15T08:30:00Z",
        ),
        ("2025-06-15T09:30", Start, &dub, "2025-06-15T08:30:00Z"),
        ("2025-06-15 09:30:00", Start, &utc, "2025-06-15T09:30:00Z"),
        // Unix seconds, and milliseconds detected as such.
        ("1736899200", Start, &utc, "2025-01-15T00:00:00Z"),
        ("1736899200000", End, &dub, "2025-01-15T00:00:00Z"),
        // Relative to now.
        ("7d", Start, &utc, "2025-06-08T10:30:00Z"),
        ("24h", Start, &dub, "2025-06-14T10:30:00Z"),
        ("2w", Start, &utc, "2025-06-01T10:30:00Z"),
        ("90m", Start, &utc, "2025-06-15T09:00:00Z"),
        ("3 days ago", Start, &utc, "2025-06-12T10:30:00Z"),
        ("now", End, &utc, "2025-06-15T10:30:00Z"),
        // Named days, in the time zone.
        ("today", Start, &dub, "2025-06-14T23:00:00Z"),
        ("today", End, &dub, "2025-06-15T22:59:59Z"),
        ("yesterday", Start, &utc, "2025-06-14T00:00:00Z"),
        ("yesterday", End, &utc, "2025-06-14T23:59:59Z"),
        ("Yesterday", Start, &dub, "2025-06-13T23:00:00Z"),
    ];
    for (text, bound, tz, expected) in table {
        assert_eq!(at(text, *bound, tz), *expected, "{text} {bound:?}");
    }
}

#[test]
fn numbers_are_unix_times_too() {
    let s = dates::parse_value(&json!(1736899200)).unwrap();
    let ms = dates::parse_value(&json!(1736899200000_i64)).unwrap();
    assert_eq!(s, ms);
    assert_eq!(
        s,
        DateSpec::Instant("2025-01-15T00:00:00Z".parse().unwrap())
    );
}

#[test]
fn yesterday_depends_on_the_time_zone_near_midnight() {
    // 23:30 UTC on the 15th is already 00:30 on the 16th in Dublin.
    let late: Timestamp = "2025-06-15T23:30:00Z".parse().unwrap();
    let y = dates::parse("yesterday").unwrap();
    assert_eq!(
        y.resolve(Bound::Start, late, &TimeZone::UTC)
            .unwrap()
            .to_string(),
        "2025-06-14T00:00:00Z"
    );
    assert_eq!(
        y.resolve(Bound::Start, late, &dublin())
            .unwrap()
            .to_string(),
        "2025-06-14T23:00:00Z"
    );
}

#[test]
fn only_calendar_forms_need_a_time_zone() {
    for text in [
        "15/01/2025",
        "2025-01-15",
        "2025-01-15T09:30",
        "today",
        "yesterday",
    ] {
        assert!(dates::parse(text).unwrap().needs_time_zone(), "{text}");
    }
    for text in ["2025-01-15T09:30:00Z", "1736899200", "7d", "now"] {
        assert!(!dates::parse(text).unwrap().needs_time_zone(), "{text}");
    }
}

#[test]
fn unreadable_dates_say_why() {
    let table: &[(&str, &str)] = &[
        ("32/01/2025", "day 32 does not exist"),
        (
            "01/13/2025",
            "month 13 is out of range (dates are day first",
        ),
        ("2025-02-30", "is not a valid YYYY-MM-DD date"),
        ("next tuesday", "cannot read `next tuesday` as a date"),
        ("7x", "cannot read `7x`"),
        ("-5", "before 1970"),
        ("   ", "is empty"),
        ("100000000000000000", "too large"),
        ("2025-01-15T25:00:00Z", "not a valid ISO 8601 date-time"),
    ];
    for (text, expected) in table {
        let err = dates::parse(text).expect_err(text);
        assert!(err.contains(expected), "{text}: {err}");
    }
    let err = dates::parse_value(&json!(true)).unwrap_err();
    assert!(err.contains("must be a string or a number"), "{err}");
    let err = dates::parse_value(&json!(1.5)).unwrap_err();
    assert!(err.contains("not a whole number"), "{err}");
}

#[test]
fn ranges_include_the_whole_end_day_and_refuse_reversed_bounds() {
    let utc = TimeZone::UTC;
    let start = dates::parse("10/01/2025").unwrap();
    let end = dates::parse("10/01/2025").unwrap();
    let r = range(
        Some(&start),
        Some(&end),
        ("start_date", "end_date"),
        now(),
        &utc,
    )
    .unwrap();
    assert_eq!(r.start.unwrap().to_string(), "2025-01-10T00:00:00Z");
    assert_eq!(r.end.unwrap().to_string(), "2025-01-10T23:59:59Z");

    let open_end = range(Some(&start), None, ("start_date", "end_date"), now(), &utc).unwrap();
    assert_eq!(open_end.end, None);

    let late = dates::parse("20/01/2025").unwrap();
    let err = range(
        Some(&late),
        Some(&end),
        ("start_date", "end_date"),
        now(),
        &utc,
    )
    .unwrap_err();
    assert_eq!(err.field, "start_date");
    assert_eq!(
        err.message,
        "is after `end_date`: the range would start at 2025-01-20T00:00:00+00:00 and end at 2025-01-10T23:59:59+00:00; swap them or widen the range"
    );

    // A relative start after an absolute end is caught the same way.
    let week = dates::parse("7d").unwrap();
    let err = range(Some(&week), Some(&end), ("from", "to"), now(), &utc).unwrap_err();
    assert_eq!(err.field, "from");
}

#[test]
fn time_zones_are_checked_by_name() {
    assert!(dates::time_zone("Europe/Dublin").is_ok());
    let err = dates::time_zone("Mars/Olympus").unwrap_err();
    assert!(err.contains("not a known IANA time zone"), "{err}");
}

fn validation(name: &str, args: serde_json::Value) -> (String, String) {
    match intercom_tools::Registry::builtin().prepare(name, args) {
        Err(ToolError::Validation { field, message, .. }) => (field, message),
        other => panic!("{name}: expected a validation error, got {other:?}"),
    }
}

#[test]
fn workflow_tools_name_the_date_field_as_written() {
    let (field, message) = validation("list_conversations", json!({"startDate": "32/01/2025"}));
    assert_eq!(field, "startDate");
    assert!(message.contains("day 32 does not exist"), "{message}");

    let (field, message) = validation(
        "intercom_search_conversations_by_customer",
        json!({"customerIdentifier": "a@b.co", "startDate": "20/01/2025", "endDate": "10/01/2025"}),
    );
    assert_eq!(field, "startDate");
    assert!(message.starts_with("is after `end_date`"), "{message}");

    let (field, message) = validation(
        "intercom_search_tickets_by_status",
        json!({"status": "open", "end_date": "soon"}),
    );
    assert_eq!(field, "end_date");
    assert!(message.contains("cannot read `soon`"), "{message}");

    let (field, _) = validation(
        "intercom_list_conversations_by_date",
        json!({"start_date": "7d", "time_zone": "Mars/Olympus"}),
    );
    assert_eq!(field, "time_zone");
}
