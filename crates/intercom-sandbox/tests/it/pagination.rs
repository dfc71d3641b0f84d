use std::collections::HashSet;

use serde_json::{Value, json};

use crate::support::{Api, assert_error};

/// Walks a cursor list; checks page numbers, totals and that no id repeats.
async fn walk_cursor(api: &Api, path: &str, key: &str, per_page: usize) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    let mut expected_page = 1;
    let mut total = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}?per_page={per_page}&starting_after={c}"),
            None => format!("{path}?per_page={per_page}"),
        };
        let page = api.ok("GET", &url, None).await;
        assert_eq!(page["pages"]["type"], "pages");
        assert_eq!(page["pages"]["page"], json!(expected_page), "{url}");
        assert_eq!(page["pages"]["per_page"], json!(per_page));
        let t = page["total_count"].as_u64().unwrap() as usize;
        assert_eq!(*total.get_or_insert(t), t);
        assert_eq!(page["pages"]["total_pages"], json!(t.div_ceil(per_page)));
        let items = page[key].as_array().unwrap();
        ids.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_owned()));
        match page["pages"].get("next") {
            Some(next) => {
                assert_eq!(items.len(), per_page, "only the last page is short");
                cursor = Some(next["starting_after"].as_str().unwrap().to_owned());
            }
            None => break,
        }
        expected_page += 1;
    }
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no duplicates in {path}");
    assert_eq!(ids.len(), total.unwrap(), "no gaps in {path}");
    ids
}

#[tokio::test]
async fn contacts_and_conversations_walk_without_gaps() {
    let api = Api::new();
    let contacts = walk_cursor(&api, "/contacts", "data", 7).await;
    assert_eq!(contacts.len(), 50);
    let all_at_once = api.ok("GET", "/contacts?per_page=150", None).await;
    let direct: Vec<String> = all_at_once["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        contacts, direct,
        "pages concatenate to the full list in order"
    );
    let default = api.ok("GET", "/contacts", None).await;
    assert_eq!(default["pages"]["per_page"], 50);

    let conversations = walk_cursor(&api, "/conversations", "conversations", 13).await;
    assert_eq!(conversations.len(), 100);
    let default = api.ok("GET", "/conversations", None).await;
    assert_eq!(default["pages"]["per_page"], 20);
    assert_eq!(default["conversations"].as_array().unwrap().len(), 20);
}

#[tokio::test]
async fn counting_with_one_per_page() {
    let api = Api::new();
    assert_eq!(
        api.ok("GET", "/contacts?per_page=1", None).await["total_count"],
        50
    );
    assert_eq!(
        api.ok("GET", "/conversations?per_page=1", None).await["total_count"],
        100
    );
    let companies = api.ok("GET", "/companies?per_page=1", None).await;
    let total = companies["total_count"].as_u64().unwrap();
    assert_eq!(companies["pages"]["total_pages"], json!(total));
}

#[tokio::test]
async fn bad_paging_parameters() {
    let api = Api::new();
    for path in [
        "/contacts?per_page=0",
        "/contacts?per_page=151",
        "/conversations?per_page=abc",
        "/companies?per_page=61",
        "/companies?page=0",
    ] {
        let resp = api.get(path).await;
        assert_error(&resp, 400, "parameter_invalid");
    }
    let bad_cursor = api.get("/contacts?starting_after=garbage").await;
    assert_error(&bad_cursor, 400, "parameter_invalid");
    assert_eq!(bad_cursor.body["errors"][0]["field"], "starting_after");
}

async fn walk_numbered(api: &Api, method: &str, path: &str, per_page: usize) -> Vec<String> {
    let mut ids = Vec::new();
    let mut page = 1;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let body = api
            .ok(
                method,
                &format!("{path}{sep}page={page}&per_page={per_page}"),
                None,
            )
            .await;
        assert_eq!(body["pages"]["page"], json!(page));
        let total = body["total_count"].as_u64().unwrap() as usize;
        assert_eq!(
            body["pages"]["total_pages"],
            json!(total.div_ceil(per_page))
        );
        ids.extend(
            body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned()),
        );
        if body["pages"]["next"].is_null() {
            assert_eq!(ids.len(), total, "no gaps in {path}");
            break;
        }
        assert!(
            body["pages"]["next"]
                .as_str()
                .unwrap()
                .contains(&format!("page={}", page + 1))
        );
        page += 1;
    }
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no duplicates in {path}");
    ids
}

#[tokio::test]
async fn companies_page_numbers_and_scroll() {
    let api = Api::new();
    let get = walk_numbered(&api, "GET", "/companies", 3).await;
    let posted = walk_numbered(&api, "POST", "/companies/list", 3).await;
    let mut reversed = posted.clone();
    reversed.reverse();
    assert_eq!(
        get, reversed,
        "POST /companies/list defaults to descending order"
    );
    let asc = walk_numbered(&api, "POST", "/companies/list?order=asc", 4).await;
    assert_eq!(asc, get);

    // Scroll: one open scroll, empty data at the end, then the param expires.
    let mut scrolled = Vec::new();
    let first = api.ok("GET", "/companies/scroll?per_page=2", None).await;
    let mut param = first["scroll_param"].as_str().unwrap().to_owned();
    scrolled.extend(
        first["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned()),
    );
    let second_open = api.get("/companies/scroll").await;
    assert_error(&second_open, 400, "scroll_exists");
    loop {
        let page = api
            .ok(
                "GET",
                &format!("/companies/scroll?per_page=2&scroll_param={param}"),
                None,
            )
            .await;
        let data = page["data"].as_array().unwrap();
        if data.is_empty() {
            break;
        }
        scrolled.extend(data.iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        param = page["scroll_param"].as_str().unwrap().to_owned();
    }
    assert_eq!(scrolled, get);
    let expired = api
        .get(&format!("/companies/scroll?scroll_param={param}"))
        .await;
    assert_error(&expired, 404, "scroll_param_not_found");
    let restart = api.ok("GET", "/companies/scroll", None).await;
    assert!(!restart["data"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn company_contacts_paginate() {
    let api = Api::new();
    let company = api
        .ok(
            "POST",
            "/companies",
            Some(json!({"company_id": "big", "name": "Big"})),
        )
        .await;
    let cid = company["id"].as_str().unwrap().to_owned();
    let contacts = api.ok("GET", "/contacts?per_page=9", None).await;
    for c in contacts["data"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        api.ok(
            "POST",
            &format!("/contacts/{id}/companies"),
            Some(json!({"id": cid})),
        )
        .await;
    }
    let ids = walk_cursor(&api, &format!("/companies/{cid}/contacts"), "data", 4).await;
    assert_eq!(ids.len(), 9);
    let _: Value = api.ok("GET", &format!("/companies/{cid}"), None).await;
}
