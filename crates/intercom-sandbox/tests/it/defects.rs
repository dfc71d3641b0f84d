//! Defects found from outside (issue 8): each test failed before its fix.

use serde_json::{Value, json};

use crate::support::Api;

const SEARCHES: [(&str, &str); 3] = [
    ("/contacts/search", "data"),
    ("/conversations/search", "conversations"),
    ("/tickets/search", "tickets"),
];

fn ids_of(body: &Value, key: &str) -> Vec<String> {
    body[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {body}"))
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn in_and_nin_with_a_thousand_values_answer_on_every_search() {
    let api = Api::new();
    for (path, key) in SEARCHES {
        let everything = api
            .ok(
                "POST",
                path,
                Some(
                    json!({"query": {"field": "id", "operator": "NIN", "value": []},
                            "pagination": {"per_page": 150}}),
                ),
            )
            .await;
        let all = ids_of(&everything, key);
        assert!(all.len() >= 2, "{path}: {everything}");
        // Two real ids among 998 that match nothing.
        let mut values: Vec<Value> = (0..998).map(|i| json!(format!("nope-{i}"))).collect();
        values.push(json!(all[0]));
        values.push(json!(all[1]));
        let found = api
            .call(
                "POST",
                path,
                Some(
                    json!({"query": {"field": "id", "operator": "IN", "value": values},
                            "pagination": {"per_page": 150}}),
                ),
            )
            .await;
        assert_eq!(found.status, 200, "{path} IN: {}", found.text);
        assert_eq!(ids_of(&found.body, key), all[..2].to_vec(), "{path}");
        let rest = api
            .call(
                "POST",
                path,
                Some(
                    json!({"query": {"field": "id", "operator": "NIN", "value": values},
                            "pagination": {"per_page": 150}}),
                ),
            )
            .await;
        assert_eq!(rest.status, 200, "{path} NIN: {}", rest.text);
        assert_eq!(
            rest.body["total_count"].as_u64(),
            everything["total_count"].as_u64().map(|n| n - 2),
            "{path}"
        );
    }
}

#[tokio::test]
async fn search_ignores_pagination_page() {
    let api = Api::new();
    for (path, key) in SEARCHES {
        let body = api
            .ok(
                "POST",
                path,
                Some(
                    json!({"query": {"field": "id", "operator": "NIN", "value": []},
                            "pagination": {"page": 2, "per_page": 5}}),
                ),
            )
            .await;
        assert_eq!(
            body[key].as_array().map(Vec::len),
            Some(5),
            "{path}: {body}"
        );
        assert_eq!(body["pages"]["page"], 1, "{path}: {body}");
    }
}

#[tokio::test]
async fn date_filters_take_float_unix_seconds() {
    let api = Api::new();
    for (path, key) in SEARCHES {
        for field in ["created_at", "updated_at"] {
            let as_int = api
                .ok(
                    "POST",
                    path,
                    Some(
                        json!({"query": {"field": field, "operator": ">", "value": 946684800},
                                "pagination": {"per_page": 150}}),
                    ),
                )
                .await;
            let as_float = api
                .call(
                    "POST",
                    path,
                    Some(
                        json!({"query": {"field": field, "operator": ">", "value": 946684800.0},
                                "pagination": {"per_page": 150}}),
                    ),
                )
                .await;
            assert_eq!(as_float.status, 200, "{path} {field}: {}", as_float.text);
            assert!(as_int["total_count"].as_u64() > Some(0), "{path} {field}");
            assert_eq!(
                ids_of(&as_float.body, key),
                ids_of(&as_int, key),
                "{path} {field}"
            );
        }
    }
}

#[tokio::test]
async fn conversation_search_resumes_with_id_greater_than_empty() {
    let api = Api::new();
    let all = api
        .ok(
            "POST",
            "/conversations/search",
            Some(json!({"query": {"field": "id", "operator": "NIN", "value": []}})),
        )
        .await;
    let resumed = api
        .call(
            "POST",
            "/conversations/search",
            Some(json!({"query": {"operator": "AND", "value": [
                {"field": "id", "operator": ">", "value": ""},
                {"field": "updated_at", "operator": ">", "value": 0.0},
            ]}})),
        )
        .await;
    assert_eq!(resumed.status, 200, "{}", resumed.text);
    assert_eq!(resumed.body["total_count"], all["total_count"]);
    let first = ids_of(&all, "conversations")[0].clone();
    let after = api
        .ok(
            "POST",
            "/conversations/search",
            Some(json!({"query": {"field": "id", "operator": ">", "value": first}})),
        )
        .await;
    let n: u64 = all["total_count"].as_u64().unwrap();
    assert!(after["total_count"].as_u64().unwrap() < n, "{after}");
    let bad = api
        .call(
            "POST",
            "/conversations/search",
            Some(json!({"query": {"field": "id", "operator": ">", "value": "abc"}})),
        )
        .await;
    crate::support::assert_error(&bad, 400, "parameter_invalid");
    assert_eq!(bad.body["errors"][0]["field"], "query.value");
}

#[tokio::test]
async fn admins_give_avatar_as_the_object_me_gives() {
    let api = Api::new();
    let me = api.ok("GET", "/me", None).await;
    assert_eq!(me["avatar"]["type"], "avatar");
    let list = api.ok("GET", "/admins", None).await;
    let admins = list["admins"].as_array().unwrap();
    assert!(!admins.is_empty());
    for admin in admins {
        let avatar = &admin["avatar"];
        assert_eq!(avatar["type"], "avatar", "{admin}");
        assert!(avatar["image_url"].as_str().is_some(), "{admin}");
        let id = admin["id"].as_str().unwrap();
        let one = api.ok("GET", &format!("/admins/{id}"), None).await;
        assert_eq!(&one["avatar"], avatar);
        if id == me["id"].as_str().unwrap() {
            assert_eq!(avatar, &me["avatar"]);
        }
    }
}

/// A list whose answer has no `pages` (data attributes, ticket types) is answered whole: it
/// cannot tell a client that more follow, so a first page of 50 silently lost the rest.
#[tokio::test]
async fn a_list_without_pages_is_answered_whole() {
    let api = Api::new();
    for i in 0..60 {
        api.ok(
            "POST",
            "/data_attributes",
            Some(json!({"name": format!("many_{i}"), "model": "contact", "data_type": "string"})),
        )
        .await;
        api.ok(
            "POST",
            "/ticket_types",
            Some(json!({"name": format!("Many {i}"), "category": "Customer"})),
        )
        .await;
    }
    let attributes = api.ok("GET", "/data_attributes?model=contact", None).await;
    let names: Vec<&str> = attributes["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["name"].as_str())
        .filter(|n| n.starts_with("many_"))
        .collect();
    assert_eq!(names.len(), 60, "{attributes}");
    let types = api.ok("GET", "/ticket_types", None).await;
    let many = types["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["name"].as_str().is_some_and(|n| n.starts_with("Many ")))
        .count();
    assert_eq!(many, 60);
}

/// A `format: date` field takes a date (found by schemathesis: `exception_date: "=¶"` was
/// stored, and every later answer carrying it broke the schema).
#[tokio::test]
async fn a_date_field_takes_only_a_date() {
    let api = Api::new();
    let path = "/office_hours_schedules/123/office_hours_exceptions";
    let post = |body: Value| {
        let request = Api::request("POST", path, Some(&body))
            .header("intercom-version", "2.16")
            .body(axum::body::Body::from(body.to_string()))
            .unwrap();
        api.send(request)
    };
    let bad =
        post(json!({"exception_date": "=¶", "exception_type": "closed", "name": "Odd day"})).await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert!(bad.text.contains("exception_date"), "{}", bad.text);
    assert!(bad.text.contains("YYYY-MM-DD"), "{}", bad.text);
    let good = post(
        json!({"exception_date": "2026-12-25", "exception_type": "closed", "name": "Christmas"}),
    )
    .await;
    assert!(good.status < 300, "{}", good.text);
}
