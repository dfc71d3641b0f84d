//! The retry policy as a table: (outcome, attempt, safety) -> decision.

use std::time::Duration;

use intercom_client::{Decision, Outcome, RetryAfter, RetryPolicy, WriteSafety};

use WriteSafety::{Idempotent as Idem, NotIdempotent as Write};

const NOW: u64 = 1_800_000_000;

fn ms(n: u64) -> Decision {
    Decision::RetryAfter(Duration::from_millis(n))
}
fn secs(n: u64) -> Decision {
    Decision::RetryAfter(Duration::from_secs(n))
}
const RETURN: Decision = Decision::Return;

#[test]
fn decision_table() {
    let policy = RetryPolicy::new(5);
    let s = Outcome::status;
    #[rustfmt::skip]
    let table: Vec<(&str, Outcome, u32, WriteSafety, Decision)> = vec![
        // success and non-retryable statuses
        ("200",                    s(200), 1, Idem,  RETURN),
        ("204",                    s(204), 1, Write, RETURN),
        ("400",                    s(400), 1, Idem,  RETURN),
        ("401",                    s(401), 1, Idem,  RETURN),
        ("403",                    s(403), 1, Idem,  RETURN),
        ("404",                    s(404), 1, Idem,  RETURN),
        ("409",                    s(409), 1, Idem,  RETURN),
        ("422",                    s(422), 1, Idem,  RETURN),
        ("500 is not retried",     s(500), 1, Idem,  RETURN),
        ("501",                    s(501), 1, Idem,  RETURN),
        // retryable statuses, idempotent: exponential backoff (jitter 1.0 = nominal)
        ("502 #1",                 s(502), 1, Idem,  ms(500)),
        ("503 #2",                 s(503), 2, Idem,  ms(1000)),
        ("504 #3",                 s(504), 3, Idem,  ms(2000)),
        ("503 #4",                 s(503), 4, Idem,  ms(4000)),
        ("503 #5 = max attempts",  s(503), 5, Idem,  RETURN),
        ("429 #1",                 s(429), 1, Idem,  ms(500)),
        // writes: a 429 was rejected before processing; 502/503/504 may have been processed
        ("429 write",              s(429), 1, Write, ms(500)),
        ("429 write #3",           s(429), 3, Write, ms(2000)),
        ("502 write",              s(502), 1, Write, RETURN),
        ("503 write",              s(503), 1, Write, RETURN),
        ("504 write",              s(504), 1, Write, RETURN),
        // connection failures
        ("not sent, write",        Outcome::NotSent, 1, Write, ms(500)),
        ("not sent, idem #2",      Outcome::NotSent, 2, Idem,  ms(1000)),
        ("not sent #5",            Outcome::NotSent, 5, Write, RETURN),
        ("dropped, idem",          Outcome::MaybeSent { timed_out: false }, 1, Idem,  ms(500)),
        ("dropped, write",         Outcome::MaybeSent { timed_out: false }, 1, Write, RETURN),
        ("timeout, idem",          Outcome::MaybeSent { timed_out: true },  2, Idem,  ms(1000)),
        ("timeout, write",         Outcome::MaybeSent { timed_out: true },  1, Write, RETURN),
        // server-given waits
        ("429 Retry-After 3",      s(429).with_retry_after(RetryAfter::Seconds(3)), 1, Write, secs(3)),
        ("429 Retry-After date",   s(429).with_retry_after(RetryAfter::At(NOW + 7)), 1, Idem, secs(7)),
        ("429 Retry-After past",   s(429).with_retry_after(RetryAfter::At(NOW - 7)), 2, Idem, ms(1000)),
        ("429 Retry-After capped", s(429).with_retry_after(RetryAfter::Seconds(3600)), 1, Idem, secs(30)),
        ("429 reset in 6 s",       s(429).with_rate_limit_reset(NOW + 6), 1, Idem, secs(6)),
        ("429 reset now",          s(429).with_rate_limit_reset(NOW), 3, Idem, ms(2000)),
        ("429 reset capped",       s(429).with_rate_limit_reset(NOW + 500), 1, Idem, secs(30)),
        ("429 Retry-After wins",   s(429).with_retry_after(RetryAfter::Seconds(2)).with_rate_limit_reset(NOW + 9), 1, Idem, secs(2)),
        ("503 Retry-After",        s(503).with_retry_after(RetryAfter::Seconds(4)), 1, Idem, secs(4)),
        ("503 ignores reset",      s(503).with_rate_limit_reset(NOW + 9), 1, Idem, ms(500)),
        ("503 write, Retry-After", s(503).with_retry_after(RetryAfter::Seconds(4)), 1, Write, RETURN),
        ("400 with Retry-After",   s(400).with_retry_after(RetryAfter::Seconds(4)), 1, Idem, RETURN),
        ("429 at max attempts",    s(429).with_retry_after(RetryAfter::Seconds(1)), 5, Idem, RETURN),
    ];
    for (name, outcome, attempt, safety, expected) in table {
        let got = policy.decide(&outcome, attempt, safety, NOW, 1.0);
        assert_eq!(got, expected, "row `{name}`");
    }
}

#[test]
fn backoff_grows_caps_and_jitters() {
    let p = RetryPolicy::new(20);
    let nominal: Vec<u64> = (1..=9)
        .map(|a| p.backoff(a, 1.0).as_millis() as u64)
        .collect();
    assert_eq!(
        nominal,
        [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]
    );
    assert_eq!(
        p.backoff(3, 0.0),
        Duration::from_millis(1000),
        "jitter 0 gives half"
    );
    assert_eq!(p.backoff(3, 0.5), Duration::from_millis(1500));
    assert_eq!(
        p.backoff(3, 7.0),
        Duration::from_millis(2000),
        "clamped to 1"
    );
    assert_eq!(p.backoff(3, f64::NAN), Duration::from_millis(2000));
    assert_eq!(
        p.backoff(40, 1.0),
        Duration::from_secs(30),
        "huge attempt numbers do not overflow"
    );
    assert_eq!(
        p.decide(&Outcome::status(503), 2, WriteSafety::Idempotent, NOW, 0.0),
        Decision::RetryAfter(Duration::from_millis(500))
    );
}

#[test]
fn max_attempts_one_never_retries() {
    let p = RetryPolicy::new(1);
    assert_eq!(
        p.decide(&Outcome::status(429), 1, WriteSafety::Idempotent, NOW, 1.0),
        Decision::Return
    );
    assert_eq!(RetryPolicy::new(0).max_attempts, 1);
}

#[test]
fn retry_after_header_forms() {
    assert_eq!(RetryAfter::parse("5"), Some(RetryAfter::Seconds(5)));
    assert_eq!(RetryAfter::parse(" 0 "), Some(RetryAfter::Seconds(0)));
    // 1_800_000_000 = Fri, 15 Jan 2027 08:00:00 GMT
    assert_eq!(
        RetryAfter::parse("Fri, 15 Jan 2027 08:00:00 GMT"),
        Some(RetryAfter::At(1_800_000_000))
    );
    assert_eq!(RetryAfter::parse("-3"), None);
    assert_eq!(RetryAfter::parse("soon"), None);
}

#[test]
fn outcome_reads_headers() {
    let mut h = http::HeaderMap::new();
    h.insert("retry-after", "12".parse().unwrap());
    h.insert("x-ratelimit-reset", "1800000009".parse().unwrap());
    let o = Outcome::from_response(429, &h);
    assert_eq!(
        o,
        Outcome::status(429)
            .with_retry_after(RetryAfter::Seconds(12))
            .with_rate_limit_reset(1_800_000_009)
    );
    assert_eq!(o.server_wait(NOW), Some(Duration::from_secs(12)));
    let mut h = http::HeaderMap::new();
    h.insert("x-ratelimit-reset", "garbage".parse().unwrap());
    assert_eq!(Outcome::from_response(429, &h), Outcome::status(429));
    assert_eq!(Outcome::NotSent.server_wait(NOW), None);
}
