//! Dates as people and agents write them, turned into the Unix seconds Intercom's search wants.
//!
//! Accepted forms (see [`parse`]):
//!
//! | form | example | meaning |
//! | --- | --- | --- |
//! | day, day first | `15/01/2025`, `15.01.2025`, `15-01-2025` | a calendar day |
//! | ISO 8601 date | `2025-01-15` | a calendar day |
//! | ISO 8601 date-time with offset | `2025-01-15T09:30:00Z`, `2025-01-15T09:30+01:00` | an instant |
//! | ISO 8601 date-time without offset | `2025-01-15T09:30`, `2025-01-15 09:30:00` | a wall-clock time in the time zone |
//! | Unix seconds | `1736899200` (number or string) | an instant |
//! | Unix milliseconds | `1736899200000` | converted to seconds (Intercom silently matches nothing for them) |
//! | relative | `7d`, `24h`, `2w`, `90m`, `3 days ago`, `now` | that long before now |
//! | named days | `today`, `yesterday` | a calendar day |
//!
//! A calendar day (or a wall-clock time) needs a time zone to become an instant; the caller
//! supplies it (the workspace's, from `GET /me`, or the tool's `time_zone`). As the start of a
//! range a day means its first second; as the end, its last second, so the whole day is included.
//! "Now" is always passed in, never read here, so every rule is testable with a fixed clock.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};
use serde_json::Value;

/// What the accepted forms are, for error messages and parameter descriptions.
pub const FORMS: &str = "DD/MM/YYYY, YYYY-MM-DD, an ISO 8601 date-time, Unix seconds (or milliseconds), or a relative form such as 7d, 24h, 2w, today or yesterday";

/// Unix values at or above this are taken as milliseconds (as seconds it would be the year 5138).
const MILLIS_FROM: i64 = 100_000_000_000;
/// Unix values at or above this are too large even as milliseconds (the year 5138 again).
const MILLIS_UNTIL: i64 = 100_000_000_000_000;

/// One parsed date value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSpec {
    /// An exact instant (an offset was given, or Unix time).
    Instant(Timestamp),
    /// A calendar day; the time zone decides when it starts and ends.
    Day(Date),
    /// A wall-clock time without an offset; the time zone decides the instant.
    Local(DateTime),
    /// This long before now.
    Ago(SignedDuration),
    /// Now.
    Now,
    /// Today, in the time zone.
    Today,
    /// Yesterday, in the time zone.
    Yesterday,
}

/// Which end of a range a value is for: a day starts at its first second and ends at its last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Start,
    End,
}

impl DateSpec {
    /// True when the value needs a time zone to become an instant.
    pub fn needs_time_zone(&self) -> bool {
        matches!(
            self,
            DateSpec::Day(_) | DateSpec::Local(_) | DateSpec::Today | DateSpec::Yesterday
        )
    }

    /// The calendar day this value names, if it names one.
    pub fn day(&self, now: Timestamp, tz: &TimeZone) -> Option<Date> {
        match self {
            DateSpec::Day(d) => Some(*d),
            DateSpec::Today => Some(now.to_zoned(tz.clone()).date()),
            DateSpec::Yesterday => now.to_zoned(tz.clone()).date().yesterday().ok(),
            _ => None,
        }
    }

    /// The instant this value stands for at one end of a range.
    pub fn resolve(
        &self,
        bound: Bound,
        now: Timestamp,
        tz: &TimeZone,
    ) -> Result<Timestamp, String> {
        if let Some(day) = self.day(now, tz) {
            return day_bound(day, bound, tz);
        }
        match self {
            DateSpec::Instant(t) => Ok(*t),
            DateSpec::Local(dt) => dt
                .to_zoned(tz.clone())
                .map(|z| z.timestamp())
                .map_err(|e| format!("cannot place {dt} in the time zone: {e}")),
            DateSpec::Ago(d) => now
                .checked_sub(*d)
                .map_err(|_| "reaches before the year -9999".to_owned()),
            DateSpec::Now => Ok(now),
            DateSpec::Day(_) | DateSpec::Today | DateSpec::Yesterday => {
                unreachable!("days are handled above")
            }
        }
    }
}

/// The first (Start) or last (End) second of `day` in `tz`.
pub fn day_bound(day: Date, bound: Bound, tz: &TimeZone) -> Result<Timestamp, String> {
    let start_of = |d: Date| -> Result<Timestamp, String> {
        d.to_zoned(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| format!("cannot place {d} in the time zone: {e}"))
    };
    match bound {
        Bound::Start => start_of(day),
        Bound::End => {
            let next = day
                .tomorrow()
                .map_err(|_| format!("{day} is the last day jiff knows"))?;
            Ok(start_of(next)? - SignedDuration::from_secs(1))
        }
    }
}

/// Parses a date given as a JSON string or number.
pub fn parse_value(value: &Value) -> Result<DateSpec, String> {
    match value {
        Value::String(s) => parse(s),
        Value::Number(n) => match n.as_i64() {
            Some(i) => unix(i),
            None => Err(format!(
                "{n} is not a whole number of seconds; give {FORMS}"
            )),
        },
        other => Err(format!(
            "must be a string or a number, got {other}; give {FORMS}"
        )),
    }
}

/// Parses one of the [accepted forms](self).
pub fn parse(text: &str) -> Result<DateSpec, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("is empty; give {FORMS}"));
    }
    let lower = t.to_ascii_lowercase();
    match lower.as_str() {
        "now" => return Ok(DateSpec::Now),
        "today" => return Ok(DateSpec::Today),
        "yesterday" => return Ok(DateSpec::Yesterday),
        _ => {}
    }
    let unsigned = t.strip_prefix('-').unwrap_or(t);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return match t.parse::<i64>() {
            Ok(i) => unix(i),
            Err(_) => Err(format!(
                "`{t}` is too large to be a Unix time; give {FORMS}"
            )),
        };
    }
    if let Some(ago) = relative(&lower) {
        return ago.map(DateSpec::Ago).map_err(|e| format!("`{t}`: {e}"));
    }
    if let Some(day) = day_first(t) {
        return day.map(DateSpec::Day).map_err(|e| format!("`{t}`: {e}"));
    }
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(DateSpec::Instant(ts));
    }
    if t.contains('[')
        && let Ok(z) = t.parse::<Zoned>()
    {
        return Ok(DateSpec::Instant(z.timestamp()));
    }
    let looks_iso = t.len() >= 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
    if looks_iso {
        if t.len() == 10 {
            return t
                .parse::<Date>()
                .map(DateSpec::Day)
                .map_err(|e| format!("`{t}` is not a valid YYYY-MM-DD date: {}", reason(&e)));
        }
        if !t.ends_with(['z', 'Z'])
            && let Ok(dt) = t.parse::<DateTime>()
        {
            return Ok(DateSpec::Local(dt));
        }
        return Err(format!(
            "`{t}` is not a valid ISO 8601 date-time (e.g. 2025-01-15T09:30:00Z)"
        ));
    }
    Err(format!("cannot read `{t}` as a date; give {FORMS}"))
}

fn reason(e: &jiff::Error) -> String {
    let text = e.to_string();
    // jiff prefixes its messages with the input; keep the last clause, which says what is wrong.
    text.rsplit(": ").next().unwrap_or(&text).to_owned()
}

fn unix(i: i64) -> Result<DateSpec, String> {
    if i < 0 {
        return Err(format!(
            "{i} is before 1970; Unix times must not be negative"
        ));
    }
    let seconds = if i >= MILLIS_UNTIL {
        return Err(format!(
            "{i} is too large for Unix seconds or milliseconds; give {FORMS}"
        ));
    } else if i >= MILLIS_FROM {
        i / 1000
    } else {
        i
    };
    Timestamp::from_second(seconds)
        .map(DateSpec::Instant)
        .map_err(|e| format!("{i} is out of range: {e}"))
}

/// `7d`, `24h`, `2w`, `90m`, `30s`, `3 days`, `3 days ago`, `1 week ago`.
fn relative(lower: &str) -> Option<Result<SignedDuration, String>> {
    let text = lower.strip_suffix("ago").unwrap_or(lower).trim();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let (number, unit) = text.split_at(digits);
    let unit = unit.trim();
    let seconds_per: i64 = match unit {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600,
        "d" | "day" | "days" => 86_400,
        "w" | "wk" | "wks" | "week" | "weeks" => 7 * 86_400,
        _ => return None,
    };
    let Ok(n) = number.parse::<i64>() else {
        return Some(Err("the number is too large".to_owned()));
    };
    Some(
        n.checked_mul(seconds_per)
            .filter(|s| *s <= 200 * 365 * 86_400)
            .map(SignedDuration::from_secs)
            .ok_or_else(|| "reaches back more than 200 years".to_owned()),
    )
}

/// `DD/MM/YYYY`, `D/M/YYYY`, `DD.MM.YYYY`, `DD-MM-YYYY`: day first, four-digit year last.
fn day_first(t: &str) -> Option<Result<Date, String>> {
    let sep = t.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let parts: Vec<&str> = t.split(sep).collect();
    if parts.len() != 3
        || parts[2].len() != 4
        || parts[0].is_empty()
        || parts[0].len() > 2
        || parts[1].is_empty()
        || parts[1].len() > 2
        || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (d, m, y): (i8, i8, i16) = (
        parts[0].parse().ok()?,
        parts[1].parse().ok()?,
        parts[2].parse().ok()?,
    );
    if !(1..=12).contains(&m) {
        let hint = if (1..=12).contains(&d) && m <= 31 {
            " (dates are day first, DD/MM/YYYY)"
        } else {
            ""
        };
        return Some(Err(format!("month {m} is out of range{hint}")));
    }
    Some(
        Date::new(y, m, d)
            .map_err(|_| format!("day {d} does not exist in {y}-{m:02} (dates are DD/MM/YYYY)")),
    )
}

/// A time zone by IANA name (`Europe/Dublin`, `UTC`).
pub fn time_zone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name.trim()).map_err(|_| {
        format!("`{name}` is not a known IANA time zone name (e.g. Europe/Dublin, America/New_York, UTC)")
    })
}

/// A resolved range: either end may be open. Both are inclusive Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
}

/// Why a range was refused: the field at fault (as the tool names it) and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeError {
    pub field: &'static str,
    pub message: String,
}

/// Resolves `start` and `end` (already parsed) into inclusive bounds and checks their order.
/// `fields` names the two parameters for messages.
pub fn range(
    start: Option<&DateSpec>,
    end: Option<&DateSpec>,
    fields: (&'static str, &'static str),
    now: Timestamp,
    tz: &TimeZone,
) -> Result<Range, RangeError> {
    let resolve = |spec: Option<&DateSpec>, bound, field| {
        spec.map(|s| s.resolve(bound, now, tz))
            .transpose()
            .map_err(|message| RangeError { field, message })
    };
    let start_at = resolve(start, Bound::Start, fields.0)?;
    let end_at = resolve(end, Bound::End, fields.1)?;
    if let (Some(s), Some(e)) = (start_at, end_at)
        && s > e
    {
        return Err(RangeError {
            field: fields.0,
            message: format!(
                "is after `{}`: the range would start at {} and end at {}; swap them or widen the range",
                fields.1,
                display(s, tz),
                display(e, tz)
            ),
        });
    }
    Ok(Range {
        start: start_at,
        end: end_at,
    })
}

/// An instant as RFC 3339 in `tz` (`2025-01-15T00:00:00+00:00`).
pub fn display(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}
