use std::collections::HashMap;
use std::time::Duration;

use intercom_client::{Client, Config, ConfigError, DEFAULT_VERSION, Error, Region};

fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

fn from(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    Config::from_lookup(lookup(pairs))
}

#[test]
fn defaults_with_only_a_token() {
    let c = from(&[("INTERCOM_TOKEN", "tok")]).unwrap();
    assert_eq!(c.token, "tok");
    assert_eq!(c.base_url, "https://api.intercom.io");
    assert_eq!(c.version, DEFAULT_VERSION);
    assert_eq!(c.version, "2.14");
    assert_eq!(c.timeout, Duration::from_secs(30));
    assert_eq!(c.max_attempts, 5);
    assert!(c.pacing);
    assert_eq!(
        c.user_agent,
        format!("intercom-agent-tools/{}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn token_sources_and_precedence() {
    assert_eq!(from(&[("INTERCOM_ACCESS_TOKEN", "b")]).unwrap().token, "b");
    assert_eq!(
        from(&[("INTERCOM_TOKEN", "a"), ("INTERCOM_ACCESS_TOKEN", "b")])
            .unwrap()
            .token,
        "a"
    );
    // An empty INTERCOM_TOKEN counts as unset.
    assert_eq!(
        from(&[("INTERCOM_TOKEN", "  "), ("INTERCOM_ACCESS_TOKEN", "b")])
            .unwrap()
            .token,
        "b"
    );
    assert_eq!(from(&[]).unwrap_err(), ConfigError::MissingToken);
    assert_eq!(
        from(&[("INTERCOM_TOKEN", "")]).unwrap_err(),
        ConfigError::MissingToken
    );
}

#[test]
fn a_token_an_http_header_cannot_carry_is_refused_without_showing_it() {
    let err = from(&[("INTERCOM_TOKEN", "abc def-secret")]).unwrap_err();
    assert!(matches!(err, ConfigError::Token(_)));
    assert!(!err.to_string().contains("secret"), "{err}");
}

#[test]
fn regions() {
    for (name, url) in [
        ("us", "https://api.intercom.io"),
        ("EU", "https://api.eu.intercom.io"),
        ("au", "https://api.au.intercom.io"),
    ] {
        let c = from(&[("INTERCOM_TOKEN", "t"), ("INTERCOM_REGION", name)]).unwrap();
        assert_eq!(c.base_url, url, "region {name}");
    }
    assert_eq!(
        from(&[("INTERCOM_TOKEN", "t"), ("INTERCOM_REGION", "mars")])
            .unwrap_err()
            .to_string(),
        "unknown region `mars`: expected us, eu or au"
    );
    assert_eq!(
        Config::new("t").region(Region::Eu).base_url,
        "https://api.eu.intercom.io"
    );
}

#[test]
fn base_url_wins_over_region_and_is_normalized() {
    let c = from(&[
        ("INTERCOM_TOKEN", "t"),
        ("INTERCOM_REGION", "eu"),
        ("INTERCOM_BASE_URL", "http://127.0.0.1:8080/"),
    ])
    .unwrap();
    assert_eq!(c.base_url, "http://127.0.0.1:8080");
    let c = Config::new("t")
        .base_url("https://proxy.example.com/intercom/api//")
        .unwrap();
    assert_eq!(c.base_url, "https://proxy.example.com/intercom/api");
}

#[test]
fn bad_base_urls_say_why() {
    let cases = [
        ("ftp://example.com", "the scheme must be http or https"),
        (
            "example.com",
            "not an absolute URL (relative URL without a base)",
        ),
        ("https://example.com/?x=1", "a query string is not allowed"),
        ("https://example.com/#top", "a fragment is not allowed"),
        (
            "https://user:pw@example.com",
            "credentials in the URL are not allowed; pass the token separately",
        ),
        ("http://", "not an absolute URL (empty host)"),
    ];
    for (url, reason) in cases {
        let err = Config::new("t").base_url(url).unwrap_err();
        assert_eq!(
            err,
            ConfigError::BaseUrl {
                url: url.to_owned(),
                reason: reason.to_owned()
            },
            "{url}"
        );
    }
    let err = from(&[
        ("INTERCOM_TOKEN", "t"),
        ("INTERCOM_BASE_URL", "mailto:x@y.z"),
    ])
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid base URL `mailto:x@y.z`: the scheme must be http or https"
    );
}

#[test]
fn version_from_env_and_checked() {
    let c = from(&[("INTERCOM_TOKEN", "t"), ("INTERCOM_VERSION", "2.16")]).unwrap();
    assert_eq!(c.version, "2.16");
    let c = from(&[("INTERCOM_TOKEN", "t"), ("INTERCOM_VERSION", "Preview")]).unwrap();
    assert_eq!(c.version, "Preview");
    let err = from(&[
        ("INTERCOM_TOKEN", "t"),
        ("INTERCOM_VERSION", "2.14\nX-Evil: 1"),
    ])
    .unwrap_err();
    assert!(matches!(err, ConfigError::Version { .. }), "{err:?}");
}

#[test]
fn debug_never_shows_the_token() {
    let c = Config::new("super-secret-token");
    let shown = format!("{c:?}");
    assert!(!shown.contains("super-secret-token"), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
    let client = Client::new(c).unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains("super-secret-token"), "{shown}");
}

#[test]
fn client_refuses_an_invalid_config_set_field_by_field() {
    let mut c = Config::new("t");
    c.base_url = "not a url".to_owned();
    let err = Client::new(c).unwrap_err();
    assert!(
        matches!(err, Error::Config(ConfigError::BaseUrl { .. })),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "invalid client configuration");

    let mut c = Config::new("t");
    c.token = String::new();
    assert!(matches!(
        Client::new(c).unwrap_err(),
        Error::Config(ConfigError::MissingToken)
    ));
}
