use std::collections::HashSet;

use serde_json::Value;

use crate::{intercom, intercom_with_stdin, json, stderr, stdout};

/// The JSON Lines `--paginate` prints when piped, as one array.
fn lines(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}\nstderr: {}",
        out.status.code(),
        stderr(out)
    );
    Value::Array(
        stdout(out)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect(),
    )
}

fn unique_ids(items: &Value) -> usize {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect::<HashSet<_>>()
        .len()
}

#[test]
fn api_get_admins() {
    let body = json(&intercom(&["api", "GET", "/admins", "--sandbox"]));
    assert_eq!(body["type"], "admin.list");
    assert!(body["admins"].as_array().unwrap().len() >= 2);
}

#[test]
fn paginate_a_cursor_list() {
    // 23 contacts, 5 a page: five pages, every contact once.
    let out = intercom(&[
        "api",
        "GET",
        "/contacts",
        "-f",
        "per_page=5",
        "--paginate",
        "--sandbox",
        "--sandbox-contacts",
        "23",
    ]);
    let items = lines(&out);
    assert_eq!(items.as_array().unwrap().len(), 23);
    assert_eq!(unique_ids(&items), 23);
}

#[test]
fn paginate_a_search_with_the_cursor_in_the_body() {
    let query = r#"{"query": {"field": "role", "operator": "IN", "value": ["user", "lead"]}, "pagination": {"per_page": 4}}"#;
    let out = intercom_with_stdin(
        &[
            "api",
            "POST",
            "/contacts/search",
            "--input",
            "-",
            "--paginate",
            "--sandbox",
            "--sandbox-contacts",
            "17",
        ],
        Some(query),
    );
    let items = lines(&out);
    assert_eq!(unique_ids(&items), 17);
}

#[test]
fn paginate_page_numbers_and_scroll() {
    let all = lines(&intercom(&[
        "api",
        "GET",
        "/companies/scroll",
        "--paginate",
        "--sandbox",
    ]));
    let total = all.as_array().unwrap().len();
    assert!(total > 3, "{all}");
    assert_eq!(unique_ids(&all), total);

    let paged = lines(&intercom(&[
        "api",
        "POST",
        "/companies/list?per_page=2",
        "--paginate",
        "--sandbox",
    ]));
    assert_eq!(paged.as_array().unwrap().len(), total);
    assert_eq!(unique_ids(&paged), total);
}

#[test]
fn typed_fields_go_to_the_body() {
    let out = intercom(&[
        "api",
        "POST",
        "/contacts",
        "-f",
        "email=typed@example.com",
        "-F",
        "unsubscribed_from_emails=true",
        "-F",
        "signed_up_at=1700000000",
        "--dry-run",
        "--compact",
    ]);
    let requests = json(&out);
    assert_eq!(
        requests[0]["body"],
        serde_json::json!({"email": "typed@example.com", "unsubscribed_from_emails": true, "signed_up_at": 1700000000})
    );
    assert_eq!(requests[0]["safety"], "not_idempotent");
}
