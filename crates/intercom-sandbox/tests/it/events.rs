//! Data events: submitted for a contact by id, user_id or email, listed per contact newest
//! first across pages, summarized per name, with clear errors.

use serde_json::{Value, json};

use crate::support::{Api, assert_error};

async fn a_contact(api: &Api) -> Value {
    let list = api.ok("GET", "/contacts?per_page=5", None).await;
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["email"].is_string() && c["external_id"].is_string())
        .cloned()
        .expect("a seeded contact with an email and an external id")
}

#[tokio::test]
async fn events_are_kept_per_contact_and_listed_newest_first_across_pages() {
    let api = Api::new();
    let contact = a_contact(&api).await;
    let (id, email, external) = (
        contact["id"].as_str().unwrap(),
        contact["email"].as_str().unwrap(),
        contact["external_id"].as_str().unwrap(),
    );
    let keys = [
        json!({"id": id}),
        json!({"email": email}),
        json!({"user_id": external}),
    ];
    for (n, key) in keys.iter().enumerate() {
        let mut body = json!({"event_name": "placed-order", "created_at": 1_700_000_000 + n as i64, "metadata": {"n": n}});
        body.as_object_mut()
            .unwrap()
            .extend(key.as_object().unwrap().clone());
        let resp = api.post("/events", body).await;
        assert_eq!(resp.status, 202, "{}", resp.text);
    }
    // Another contact's event stays out of this one's list.
    let other = api.ok("GET", "/contacts?per_page=5", None).await["data"][1]["id"].clone();
    let resp = api
        .post(
            "/events",
            json!({"event_name": "elsewhere", "created_at": 1, "id": other}),
        )
        .await;
    assert_eq!(resp.status, 202, "{}", resp.text);

    for query in [
        format!("intercom_user_id={id}"),
        format!("email={email}"),
        format!("user_id={external}"),
    ] {
        let list = api
            .ok("GET", &format!("/events?type=user&{query}"), None)
            .await;
        assert_eq!(list["type"], "event.list");
        let times: Vec<i64> = list["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["created_at"].as_i64().unwrap())
            .collect();
        assert_eq!(
            times,
            [1_700_000_002, 1_700_000_001, 1_700_000_000],
            "{query}"
        );
        assert_eq!(list["events"][0]["event_name"], "placed-order");
        assert_eq!(list["events"][0]["email"], email);
        assert_eq!(list["events"][0]["user_id"], external);
        assert_eq!(list["events"][0]["metadata"], json!({"n": 2}));
        assert!(list["pages"]["next"].is_null(), "{list}");
    }

    // Pages of one: each `pages.next` path leads to the next, and the last has none.
    let mut path = format!("/events?type=user&intercom_user_id={id}&per_page=1");
    let mut seen = Vec::new();
    loop {
        let page = api.ok("GET", &path, None).await;
        seen.extend(
            page["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["metadata"]["n"].clone()),
        );
        match page["pages"]["next"].as_str() {
            Some(next) => path = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, [json!(2), json!(1), json!(0)]);

    // The summary counts events and summaries sent in bulk, per name.
    let resp = api
        .post(
            "/events/summaries",
            json!({"user_id": external, "event_summaries": {"event_name": "placed-order", "count": 4, "first": 1_600_000_000, "last": 1_600_000_100}}),
        )
        .await;
    assert_eq!(resp.status, 200, "{}", resp.text);
    let summary = api
        .ok(
            "GET",
            &format!("/events?type=user&email={email}&summary=true"),
            None,
        )
        .await;
    assert_eq!(summary["type"], "event.summary");
    assert_eq!(summary["intercom_user_id"], id);
    assert_eq!(
        summary["events"],
        json!([{"name": "placed-order", "count": 7, "first": "2020-09-13T12:26:40.000+00:00", "last": "2023-11-14T22:13:22.000+00:00", "description": null}])
    );
}

#[tokio::test]
async fn bad_event_requests_name_the_field() {
    let api = Api::new();
    let contact = a_contact(&api).await;
    let id = contact["id"].as_str().unwrap();
    for (body, field) in [
        (json!({"created_at": 1, "id": id}), "event_name"),
        (json!({"event_name": "x", "id": id}), "created_at"),
        (
            json!({"event_name": "x", "created_at": "soon", "id": id}),
            "created_at",
        ),
        (json!({"event_name": "x", "created_at": 1}), "user_id"),
        (
            json!({"event_name": "x", "created_at": 1, "id": id, "metadata": [1]}),
            "metadata",
        ),
    ] {
        let resp = api.post("/events", body.clone()).await;
        assert_eq!(resp.status, 400, "{body}: {}", resp.text);
        assert_eq!(
            resp.body["errors"][0]["field"], field,
            "{body}: {}",
            resp.text
        );
    }
    assert_error(
        &api.post(
            "/events",
            json!({"event_name": "x", "created_at": 1, "email": "nobody@example.invalid"}),
        )
        .await,
        404,
        "not_found",
    );
    for (query, field) in [
        ("type=user", "filter"),
        (&format!("intercom_user_id={id}") as &str, "type"),
        (
            &format!("type=user&intercom_user_id={id}&summary=maybe"),
            "summary",
        ),
        (
            &format!("type=user&intercom_user_id={id}&before=yesterday"),
            "before",
        ),
    ] {
        let resp = api.get(&format!("/events?{query}")).await;
        assert_eq!(resp.status, 400, "{query}: {}", resp.text);
        assert_eq!(
            resp.body["errors"][0]["field"], field,
            "{query}: {}",
            resp.text
        );
    }
    // Nothing was kept.
    let list = api
        .ok(
            "GET",
            &format!("/events?type=user&intercom_user_id={id}"),
            None,
        )
        .await;
    assert_eq!(list["events"], json!([]));
}
