//! Message bodies: plain text escaped into paragraphs, HTML cleaned to what Intercom renders,
//! empty bodies refused before anything is sent.

use intercom_tools::body::{BodyError, html_body, text_body};
use intercom_tools::{Registry, ToolError};
use serde_json::{Value, json};

#[test]
fn plain_text_is_escaped_and_wrapped_in_paragraphs() {
    let table: &[(&str, &str)] = &[
        ("Hi & welcome <3", "<p>Hi &amp; welcome &lt;3</p>"),
        ("one\ntwo\n\nthree", "<p>one<br>two</p><p>three</p>"),
        (
            "one\r\ntwo\r\n\r\n\r\nthree  ",
            "<p>one<br>two</p><p>three</p>",
        ),
        ("a < b > c", "<p>a &lt; b &gt; c</p>"),
        ("say \"hi\" it's", "<p>say &quot;hi&quot; it&#39;s</p>"),
        ("  padded  ", "<p>  padded</p>"),
        // Angle brackets around something that is not an HTML tag are text.
        (
            "Press <Enter> or wait <soon>",
            "<p>Press &lt;Enter&gt; or wait &lt;soon&gt;</p>",
        ),
    ];
    for (input, expected) in table {
        assert_eq!(html_body(input).unwrap(), *expected, "{input:?}");
    }
}

#[test]
fn html_is_cleaned_to_what_intercom_renders() {
    let table: &[(&str, &str)] = &[
        ("<p>Hello <b>you</b></p>", "<p>Hello <b>you</b></p>"),
        (
            "<p>see <a href=\"https://example.com/x\" onclick=\"steal()\" target=\"_blank\">x</a></p>",
            "<p>see <a href=\"https://example.com/x\">x</a></p>",
        ),
        ("<p>hi</p><script>alert(1)</script>", "<p>hi</p>"),
        (
            "<div class=\"x\"><strong>bold</strong> <em>it</em> <span style=\"color:red\">plain</span></div>",
            "<strong>bold</strong> <em>it</em> plain",
        ),
        (
            "<ul><li>one</li><li>two</li></ul><pre><code>x = 1</code></pre><blockquote>q</blockquote>",
            "<ul><li>one</li><li>two</li></ul><pre><code>x = 1</code></pre><blockquote>q</blockquote>",
        ),
        (
            "<a href=\"javascript:alert(1)\">bad</a> <img src=\"https://example.com/a.png\" onerror=\"x()\">",
            "<a>bad</a> <img src=\"https://example.com/a.png\">",
        ),
        ("<p>line<br/>break</p>", "<p>line<br>break</p>"),
    ];
    for (input, expected) in table {
        assert_eq!(html_body(input).unwrap(), *expected, "{input:?}");
    }
}

#[test]
fn bodies_that_would_show_nothing_are_refused() {
    assert_eq!(html_body(""), Err(BodyError::Blank));
    assert_eq!(html_body(" \n\t "), Err(BodyError::Blank));
    for html in [
        "<p> </p>",
        "<script>alert(1)</script>",
        "<p><br></p>",
        "<!-- note -->",
    ] {
        assert_eq!(
            html_body(html),
            Err(BodyError::EmptyAfterCleaning),
            "{html}"
        );
    }
    // An image alone is something to show.
    assert_eq!(
        html_body("<img src=\"https://example.com/a.png\">").unwrap(),
        "<img src=\"https://example.com/a.png\">"
    );
}

#[test]
fn text_bodies_turn_markup_into_text() {
    assert_eq!(text_body("  My order  ").unwrap(), "My order");
    assert_eq!(
        text_body("<p>Hello &amp; <b>welcome</b></p><p>Second<br>line</p>").unwrap(),
        "Hello & welcome\nSecond\nline"
    );
    assert_eq!(text_body("<p></p>"), Err(BodyError::EmptyAfterCleaning));
    assert_eq!(text_body(""), Err(BodyError::Blank));
}

fn body_of(name: &str, args: Value) -> Value {
    let requests = Registry::builtin().plan(name, args).unwrap();
    requests[0].body.clone().unwrap()["body"].clone()
}

fn refusal(name: &str, args: Value) -> (String, String) {
    match Registry::builtin().prepare(name, args) {
        Err(ToolError::Validation { field, message, .. }) => (field, message),
        other => panic!("{name}: expected a validation error, got {other:?}"),
    }
}

#[test]
fn tools_send_cleaned_bodies() {
    assert_eq!(
        body_of(
            "intercom_reply_to_conversation",
            json!({"conversation_id": "1", "admin_id": "7", "body": "Thanks!\nWe're on it <soon>"}),
        ),
        json!("<p>Thanks!<br>We&#39;re on it &lt;soon&gt;</p>")
    );
    assert_eq!(
        body_of(
            "INTERCOM_REPLY_TO_CONVERSATION",
            json!({"id": "1", "admin_id": "7", "message_type": "note", "body": "<p onclick=\"x\">Internal <i>only</i></p>"}),
        ),
        json!("<p>Internal <i>only</i></p>")
    );
    assert_eq!(
        body_of(
            "INTERCOM_CLOSE_CONVERSATION",
            json!({"id": "1", "admin_id": "7", "body": "Closing: fixed in 5.2.1"}),
        ),
        json!("<p>Closing: fixed in 5.2.1</p>")
    );
    assert_eq!(
        body_of(
            "intercom_create_conversation",
            json!({"from": {"type": "user", "id": "c1"}, "body": "<p>My <b>order</b> is late</p>"}),
        ),
        json!("My order is late")
    );
}

#[test]
fn empty_bodies_are_refused_before_any_request() {
    let (field, message) = refusal(
        "intercom_reply_to_conversation",
        json!({"conversation_id": "1", "admin_id": "7", "body": "<p>   </p>"}),
    );
    assert_eq!(field, "body");
    assert!(
        message.starts_with("has no text Intercom would show once cleaned"),
        "{message}"
    );
    let (field, message) = refusal(
        "INTERCOM_ASSIGN_CONVERSATION",
        json!({"id": "1", "admin_id": "7", "assignee_id": "9", "body": "<script>x</script>"}),
    );
    assert_eq!(
        (field.as_str(), message.contains("no text")),
        ("body", true)
    );
    let (field, _) = refusal(
        "intercom_create_conversation",
        json!({"from": {"type": "user", "id": "c1"}, "body": "<br>"}),
    );
    assert_eq!(field, "body");
    // A whitespace-only reply fails the same way.
    let (field, message) = refusal(
        "intercom_reply_to_conversation",
        json!({"conversation_id": "1", "admin_id": "7", "body": "  \n "}),
    );
    assert_eq!(
        (field.as_str(), message.as_str()),
        ("body", "is empty: write the message to send")
    );
}
