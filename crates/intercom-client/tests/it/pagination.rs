//! Every pagination style across page boundaries, against a local server.

use futures::{StreamExt, TryStreamExt};
use intercom_client::{Error, PageStyle, Request};
use serde_json::{Value, json};

use crate::mock::{Mock, Reply, Seen, client};

const PER_PAGE: usize = 3;
const TOTAL: usize = 7;

fn item(i: usize) -> Value {
    json!({"type": "contact", "id": format!("c{i}")})
}
fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}
fn expected_ids() -> Vec<String> {
    (1..=TOTAL).map(|i| format!("c{i}")).collect()
}
/// Items `offset+1 ..` of the data set, one page's worth.
fn slice(offset: usize) -> Vec<Value> {
    (offset + 1..=TOTAL).take(PER_PAGE).map(item).collect()
}
fn offset_of(cursor: Option<&str>) -> usize {
    cursor.map_or(0, |c| c.trim_start_matches("cur-").parse().unwrap())
}
/// A cursor page: `next` present while items remain.
fn cursor_page(key: &str, offset: usize) -> Value {
    let data = slice(offset);
    let end = offset + data.len();
    let mut pages =
        json!({"type": "pages", "per_page": PER_PAGE, "total_pages": TOTAL.div_ceil(PER_PAGE)});
    if end < TOTAL {
        pages["next"] = json!({"per_page": PER_PAGE, "starting_after": format!("cur-{end}")});
    }
    json!({"type": "list", key: data, "pages": pages})
}

#[tokio::test]
async fn cursor_query_walks_every_page_in_order() {
    let mock = Mock::with_handler(|seen: &Seen| {
        Reply::ok(cursor_page(
            "data",
            offset_of(seen.query_value("starting_after").as_deref()),
        ))
    })
    .await;
    let (client, _) = client(&mock.base_url);
    let items: Vec<Value> = client
        .paginate(
            Request::get("/contacts").query("per_page", "3"),
            PageStyle::cursor_query("data"),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), expected_ids());
    let queries: Vec<_> = mock
        .requests()
        .iter()
        .map(|s| s.query.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        queries,
        [
            "per_page=3",
            "per_page=3&starting_after=cur-3",
            "per_page=3&starting_after=cur-6"
        ]
    );
}

#[tokio::test]
async fn cursor_body_sets_the_cursor_in_the_body_and_keeps_per_page() {
    let mock = Mock::with_handler(|seen: &Seen| {
        let body = seen.json();
        Reply::ok(cursor_page(
            "conversations",
            offset_of(body["pagination"]["starting_after"].as_str()),
        ))
    })
    .await;
    let (client, _) = client(&mock.base_url);
    let query = json!({"field": "state", "operator": "=", "value": "open"});
    let req = Request::post(
        "/conversations/search",
        json!({"query": query, "pagination": {"per_page": 3}}),
    )
    .idempotent();
    let items: Vec<Value> = client
        .paginate(req, PageStyle::cursor_body("conversations"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), expected_ids());
    let bodies: Vec<Value> = mock.requests().iter().map(Seen::json).collect();
    assert_eq!(
        bodies,
        [
            json!({"query": query, "pagination": {"per_page": 3}}),
            json!({"query": query, "pagination": {"per_page": 3, "starting_after": "cur-3"}}),
            json!({"query": query, "pagination": {"per_page": 3, "starting_after": "cur-6"}}),
        ]
    );
    assert!(
        mock.requests()
            .iter()
            .all(|s| s.method == "POST" && s.path == "/conversations/search")
    );
}

fn number_page(page: usize, next_on_last: bool) -> Value {
    let total_pages = TOTAL.div_ceil(PER_PAGE);
    let data = slice((page - 1) * PER_PAGE);
    let next = if page < total_pages || next_on_last {
        json!(format!(
            "https://api.intercom.io/companies?page={}",
            page + 1
        ))
    } else {
        Value::Null
    };
    json!({"type": "list", "data": data, "total_count": TOTAL,
           "pages": {"type": "pages", "page": page, "per_page": PER_PAGE, "total_pages": total_pages, "next": next}})
}

#[tokio::test]
async fn page_number_walks_pages_until_total_pages() {
    for next_on_last in [false, true] {
        let mock = Mock::with_handler(move |seen: &Seen| {
            let page = seen.query_value("page").map_or(1, |p| p.parse().unwrap());
            Reply::ok(number_page(page, next_on_last))
        })
        .await;
        let (client, _) = client(&mock.base_url);
        let req = Request::get("/companies").query("per_page", "3");
        let items: Vec<Value> = client
            .paginate(req, PageStyle::page_number("data"))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids(&items), expected_ids(), "next_on_last={next_on_last}");
        let queries: Vec<_> = mock
            .requests()
            .iter()
            .map(|s| s.query.clone().unwrap_or_default())
            .collect();
        assert_eq!(
            queries,
            ["per_page=3", "per_page=3&page=2", "per_page=3&page=3"],
            "next_on_last={next_on_last}"
        );
    }
}

#[tokio::test]
async fn page_number_stops_on_an_empty_page_even_with_next() {
    let mock = Mock::scripted(vec![
        Reply::ok(json!({"data": [item(1)], "pages": {"page": 1, "next": "x"}})),
        Reply::ok(json!({"data": [], "pages": {"page": 2, "total_pages": 9, "next": "y"}})),
    ])
    .await;
    let (client, _) = client(&mock.base_url);
    let items: Vec<Value> = client
        .paginate(Request::get("/companies"), PageStyle::page_number("data"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["c1"]);
    assert_eq!(mock.count(), 2);
}

#[tokio::test]
async fn page_number_that_does_not_advance_is_a_loop() {
    let page = json!({"data": [item(1)], "pages": {"page": 1, "total_pages": 5, "next": "x"}});
    let mock = Mock::scripted(vec![
        Reply::ok(page.clone()),
        Reply::ok(page.clone()),
        Reply::ok(page),
    ])
    .await;
    let (client, _) = client(&mock.base_url);
    let results: Vec<Result<Value, Error>> = client
        .paginate(Request::get("/companies"), PageStyle::page_number("data"))
        .collect()
        .await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(
        matches!(&results[2], Err(Error::PaginationLoop { cursor }) if cursor == "page=2"),
        "{results:?}"
    );
    assert_eq!(mock.count(), 2);
}

#[tokio::test]
async fn scroll_follows_the_scroll_param_until_an_empty_page() {
    // Intercom may hand back the same scroll_param for the whole scroll; the server keeps the place.
    let served = std::sync::Mutex::new(0usize);
    let mock = Mock::with_handler(move |_seen: &Seen| {
        let mut offset = served.lock().unwrap();
        let data = slice(*offset);
        *offset += data.len();
        Reply::ok(
            json!({"type": "list", "data": data, "scroll_param": "sp-1", "total_count": null}),
        )
    })
    .await;
    let (client, _) = client(&mock.base_url);
    let items: Vec<Value> = client
        .paginate(Request::get("/companies/scroll"), PageStyle::scroll("data"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), expected_ids());
    let seen = mock.requests();
    assert_eq!(seen.len(), 4, "three pages and the empty one");
    assert_eq!(seen[0].query, None);
    assert!(
        seen[1..]
            .iter()
            .all(|s| s.path == "/companies/scroll"
                && s.query.as_deref() == Some("scroll_param=sp-1"))
    );
}

#[tokio::test]
async fn a_scroll_that_repeats_its_page_is_a_loop() {
    let page = json!({"data": [item(1), item(2)], "scroll_param": "sp"});
    let mock = Mock::with_handler(move |_: &Seen| Reply::ok(page.clone())).await;
    let (client, _) = client(&mock.base_url);
    let results: Vec<Result<Value, Error>> = client
        .paginate(Request::get("/companies/scroll"), PageStyle::scroll("data"))
        .collect()
        .await;
    assert_eq!(results.len(), 5, "{results:?}");
    assert!(matches!(&results[4], Err(Error::PaginationLoop { cursor }) if cursor == "sp"));
    assert_eq!(mock.count(), 2);
}

#[tokio::test]
async fn stops_when_no_cursor_comes_back_even_if_the_server_claims_more() {
    let mock = Mock::scripted(vec![Reply::ok(json!({
        "type": "list", "data": [item(1), item(2)], "total_count": 500,
        "pages": {"type": "pages", "page": 1, "per_page": 2, "total_pages": 250}
    }))])
    .await;
    let (client, _) = client(&mock.base_url);
    let items: Vec<Value> = client
        .paginate(Request::get("/contacts"), PageStyle::cursor_query("data"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["c1", "c2"]);
    assert_eq!(mock.count(), 1);
}

#[tokio::test]
async fn a_repeated_cursor_is_a_loop_after_the_pages_before_it() {
    let page = |i: usize| json!({"data": [item(i)], "pages": {"next": {"starting_after": "same"}}});
    let mock = Mock::scripted(vec![
        Reply::ok(page(1)),
        Reply::ok(page(2)),
        Reply::ok(page(3)),
    ])
    .await;
    let (client, _) = client(&mock.base_url);
    let mut stream = client.paginate(Request::get("/contacts"), PageStyle::cursor_query("data"));
    assert_eq!(stream.next().await.unwrap().unwrap()["id"], "c1");
    assert_eq!(stream.next().await.unwrap().unwrap()["id"], "c2");
    let err = stream.next().await.unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::PaginationLoop { cursor } if cursor == "same"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "pagination loop detected: cursor `same` came back twice"
    );
    assert!(stream.next().await.is_none(), "an error ends the walk");
    assert_eq!(mock.count(), 2);
}

#[tokio::test]
async fn a_resumed_walk_does_not_accept_its_own_cursor_back() {
    let mock = Mock::scripted(vec![Reply::ok(
        json!({"data": [item(4)], "pages": {"next": {"starting_after": "cur-3"}}}),
    )])
    .await;
    let (client, _) = client(&mock.base_url);
    let req = Request::get("/contacts").query("starting_after", "cur-3");
    let results: Vec<_> = client
        .paginate(req, PageStyle::cursor_query("data"))
        .collect()
        .await;
    assert_eq!(results.len(), 2);
    assert!(matches!(&results[1], Err(Error::PaginationLoop { .. })));
}

#[tokio::test]
async fn empty_first_page_yields_nothing() {
    for style in [
        PageStyle::cursor_query("data"),
        PageStyle::page_number("data"),
        PageStyle::scroll("data"),
    ] {
        let mock = Mock::scripted(vec![Reply::ok(json!({
            "type": "list", "data": [], "scroll_param": "sp",
            "pages": {"type": "pages", "page": 1, "total_pages": 0, "next": null}
        }))])
        .await;
        let (client, _) = client(&mock.base_url);
        let items: Vec<Value> = client
            .paginate(Request::get("/x"), style.clone())
            .try_collect()
            .await
            .unwrap();
        assert!(items.is_empty(), "{style:?}");
        assert_eq!(mock.count(), 1, "{style:?}");
    }
}

#[tokio::test]
async fn an_empty_page_with_a_cursor_is_followed() {
    let mock = Mock::scripted(vec![
        Reply::ok(json!({"tickets": [], "pages": {"next": {"starting_after": "a"}}})),
        Reply::ok(json!({"tickets": [item(1)], "pages": {"next": null}})),
    ])
    .await;
    let (client, _) = client(&mock.base_url);
    let req = Request::post("/tickets/search", json!({"query": {}})).idempotent();
    let items: Vec<Value> = client
        .paginate(req, PageStyle::cursor_body("tickets"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["c1"]);
    assert_eq!(
        mock.requests()[1].json(),
        json!({"query": {}, "pagination": {"starting_after": "a"}})
    );
}

#[tokio::test]
async fn limit_stops_early_without_fetching_more() {
    let mock = Mock::with_handler(|seen: &Seen| {
        Reply::ok(cursor_page(
            "data",
            offset_of(seen.query_value("starting_after").as_deref()),
        ))
    })
    .await;
    let (client, _) = client(&mock.base_url);
    let items: Vec<Value> = client
        .paginate(Request::get("/contacts"), PageStyle::cursor_query("data"))
        .limit(4)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["c1", "c2", "c3", "c4"]);
    assert_eq!(mock.count(), 2);

    let pages: Vec<Value> = client
        .paginate(Request::get("/contacts"), PageStyle::cursor_query("data"))
        .limit(3)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 1, "the first page already holds 3 items");
}

#[tokio::test]
async fn whole_pages_keep_their_envelopes() {
    let mock = Mock::with_handler(|seen: &Seen| {
        Reply::ok(cursor_page(
            "admins",
            offset_of(seen.query_value("starting_after").as_deref()),
        ))
    })
    .await;
    let (client, _) = client(&mock.base_url);
    let pages: Vec<Value> = client
        .paginate(Request::get("/admins"), PageStyle::cursor_query("admins"))
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages,
        [
            cursor_page("admins", 0),
            cursor_page("admins", 3),
            cursor_page("admins", 6)
        ]
    );

    let mut walk = client.paginate(Request::get("/admins"), PageStyle::cursor_query("admins"));
    let mut count = 0;
    while let Some(page) = walk.next_page().await.unwrap() {
        assert_eq!(page["type"], "list");
        count += 1;
    }
    assert_eq!(count, 3);
}

#[tokio::test]
async fn a_page_without_the_items_key_is_an_error_naming_it() {
    let mock = Mock::scripted(vec![Reply::ok(
        json!({"type": "list", "data": [], "pages": {}}),
    )])
    .await;
    let (client, _) = client(&mock.base_url);
    let err = client
        .paginate(
            Request::get("/conversations"),
            PageStyle::cursor_query("conversations"),
        )
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let cause = std::error::Error::source(&err).unwrap().to_string();
    assert_eq!(
        cause,
        "expected the page's items under `conversations`, found no such key (keys: type, data, pages)"
    );
}

#[tokio::test]
async fn an_error_mid_walk_comes_after_the_items_before_it() {
    let mock = Mock::scripted(vec![
        Reply::ok(json!({"data": [item(1)], "pages": {"next": {"starting_after": "a"}}})),
        Reply::error(404, "not_found", "gone"),
    ])
    .await;
    let (client, _) = client(&mock.base_url);
    let results: Vec<_> = client
        .paginate(Request::get("/contacts"), PageStyle::cursor_query("data"))
        .collect()
        .await;
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].as_ref().unwrap()["id"], "c1");
    assert_eq!(results[1].as_ref().unwrap_err().status(), Some(404));
}

#[tokio::test]
async fn a_walk_stopped_by_a_failed_page_resumes_from_that_page() {
    // The second page fails once for good (a 500 is not retried); a walk from
    // `resume_request` delivers the rest: every item once, in order.
    let failed_once = std::sync::atomic::AtomicBool::new(false);
    let mock = Mock::with_handler(move |seen: &Seen| {
        let offset = offset_of(seen.query_value("starting_after").as_deref());
        if offset == PER_PAGE && !failed_once.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return Reply::error(500, "server_error", "down");
        }
        Reply::ok(cursor_page("data", offset))
    })
    .await;
    let (client, _) = client(&mock.base_url);
    let style = PageStyle::cursor_query("data");
    let mut pages = client.paginate(
        Request::get("/contacts").query("per_page", "3"),
        style.clone(),
    );
    let mut got = Vec::new();
    assert!(pages.resume_request().is_none());
    let error = loop {
        match pages.next().await {
            Some(Ok(item)) => got.push(item),
            Some(Err(error)) => break error,
            None => panic!("the walk should fail on the second page"),
        }
    };
    assert_eq!(error.status(), Some(500));
    assert_eq!(ids(&got), expected_ids()[..PER_PAGE]);
    assert!(pages.next().await.is_none(), "an error ends the walk");
    let resume = pages
        .resume_request()
        .expect("the failed page's request")
        .clone();
    assert_eq!(
        resume.query,
        vec![
            ("per_page".to_owned(), "3".to_owned()),
            ("starting_after".to_owned(), format!("cur-{PER_PAGE}"))
        ]
    );
    let rest: Vec<Value> = client.paginate(resume, style).try_collect().await.unwrap();
    got.extend(rest);
    assert_eq!(ids(&got), expected_ids());
}

#[tokio::test]
async fn next_request_after_each_page_is_a_checkpoint_to_walk_on_from() {
    let mock = Mock::with_handler(|seen: &Seen| {
        Reply::ok(cursor_page(
            "data",
            offset_of(seen.query_value("starting_after").as_deref()),
        ))
    })
    .await;
    let (client, _) = client(&mock.base_url);
    let style = PageStyle::cursor_query("data");
    let mut walk = client.paginate(
        Request::get("/contacts").query("per_page", "3"),
        style.clone(),
    );
    let first = walk.next_page().await.unwrap().unwrap();
    assert_eq!(
        ids(first["data"].as_array().unwrap()),
        expected_ids()[..PER_PAGE]
    );
    let checkpoint = walk.next_request().expect("a page follows").clone();
    assert_eq!(
        checkpoint.query,
        vec![
            ("per_page".to_owned(), "3".to_owned()),
            ("starting_after".to_owned(), format!("cur-{PER_PAGE}"))
        ]
    );
    drop(walk);
    // A new walk from the checkpoint delivers the rest, and then there is no next request.
    let mut rest = client.paginate(checkpoint, style);
    let mut got = ids(first["data"].as_array().unwrap());
    while let Some(page) = rest.next_page().await.unwrap() {
        got.extend(ids(page["data"].as_array().unwrap()));
    }
    assert_eq!(got, expected_ids());
    assert!(rest.next_request().is_none());
}
