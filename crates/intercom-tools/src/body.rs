//! Message bodies as Intercom renders them.
//!
//! Replies, notes and the messages posted with an assignment or a close are HTML in Intercom.
//! [`html_body`] turns what an agent writes into that HTML:
//!
//! - plain text is escaped and wrapped in `<p>`: a blank line starts a new paragraph, a single
//!   line break becomes `<br>`;
//! - HTML is cleaned with `ammonia` down to what Intercom renders ([`ALLOWED_TAGS`], links with
//!   `href`, images with `src`, only `http`, `https` and `mailto` URLs); scripts, styles, event
//!   handlers and every other attribute are dropped;
//! - a body that is empty once trimmed and cleaned is refused, so no blank reply is ever posted.
//!
//! A conversation started by a contact is plain text in Intercom ("HTML is not supported"), so
//! [`text_body`] turns markup into text instead.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// The tags kept in HTML bodies.
pub const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "b",
    "strong",
    "i",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "code",
    "pre",
    "blockquote",
    "img",
];

/// Why a body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BodyError {
    /// Nothing but white space.
    #[error("is empty: write the message to send")]
    Blank,
    /// HTML that keeps no text or image once cleaned (`<p> </p>`, `<script>…</script>`).
    #[error(
        "has no text Intercom would show once cleaned (allowed markup: {}); write the message to send",
        allowed_list()
    )]
    EmptyAfterCleaning,
}

fn allowed_list() -> String {
    ALLOWED_TAGS
        .iter()
        .map(|t| format!("<{t}>"))
        .collect::<Vec<_>>()
        .join(" ")
}

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(ALLOWED_TAGS.iter().copied().collect())
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href"])),
            ("img", HashSet::from(["src"])),
        ]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(None)
        .clean_content_tags(HashSet::from(["script", "style"]))
        .strip_comments(true);
    builder
});

/// `text` as the HTML body Intercom renders: plain text escaped and wrapped in paragraphs, HTML
/// cleaned to the allowed markup. Refuses a body that would show nothing.
pub fn html_body(text: &str) -> Result<String, BodyError> {
    if text.trim().is_empty() {
        return Err(BodyError::Blank);
    }
    let html = if looks_like_html(text) {
        CLEANER.clean(text.trim()).to_string()
    } else {
        paragraphs(text)
    };
    if shows_nothing(&html) {
        return Err(BodyError::EmptyAfterCleaning);
    }
    Ok(html)
}

/// `text` as plain text, for bodies Intercom does not render as HTML: markup becomes text
/// (`<br>` and paragraph ends become line breaks, tags are dropped, common entities decoded).
pub fn text_body(text: &str) -> Result<String, BodyError> {
    if text.trim().is_empty() {
        return Err(BodyError::Blank);
    }
    if !looks_like_html(text) {
        return Ok(text.trim().to_owned());
    }
    let cleaned = CLEANER.clean(text.trim()).to_string();
    let plain = to_text(&cleaned);
    if plain.trim().is_empty() {
        return Err(BodyError::EmptyAfterCleaning);
    }
    Ok(plain.trim().to_owned())
}

/// Plain text as paragraphs: blank lines split paragraphs, single line breaks become `<br>`.
fn paragraphs(text: &str) -> String {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::new();
    let mut lines: Vec<&str> = Vec::new();
    let flush = |lines: &mut Vec<&str>, out: &mut String| {
        if !lines.is_empty() {
            let escaped: Vec<String> = lines.iter().map(|l| escape(l.trim_end())).collect();
            out.push_str("<p>");
            out.push_str(&escaped.join("<br>"));
            out.push_str("</p>");
            lines.clear();
        }
    };
    for line in normalized.split('\n') {
        if line.trim().is_empty() {
            flush(&mut lines, &mut out);
        } else {
            lines.push(line);
        }
    }
    flush(&mut lines, &mut out);
    out
}

/// Tag names that make a body HTML (any element Intercom or a mail client would produce).
/// Something else in angle brackets (`<soon>`, `<Enter>`) is text.
const HTML_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "body",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figure",
    "font",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "ins",
    "kbd",
    "li",
    "link",
    "mark",
    "meta",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "section",
    "small",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "title",
    "tr",
    "tt",
    "u",
    "ul",
    "script",
];

/// True when `text` has an HTML tag (`<p>`, `</b>`, `<br/>`, `<a href=..>`) or comment. A lone
/// `<` (as in `a < b` or `<3`) and unknown names in brackets (`<soon>`) are text.
pub fn looks_like_html(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        if after.starts_with("!--") && after.contains("-->") {
            return true;
        }
        let name: String = after
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        let closes = after
            .find('>')
            .is_some_and(|end| !after[..end].contains('<'));
        if closes && HTML_TAGS.contains(&name.as_str()) {
            let next = after.trim_start_matches('/')[name.len()..].chars().next();
            if matches!(next, Some('>' | '/' | ' ' | '\t' | '\n' | '\r')) {
                return true;
            }
        }
        rest = after;
    }
    false
}

/// Escapes the five characters HTML gives a meaning to.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// True when cleaned HTML has no visible text and no image.
fn shows_nothing(html: &str) -> bool {
    !html.contains("<img") && to_text(html).trim().is_empty()
}

/// The text of cleaned HTML: tags dropped, `<br>` and block ends as line breaks, entities decoded.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&decode(&rest[..start]));
        let Some(end) = rest[start..].find('>') else {
            out.push_str(&decode(&rest[start..]));
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default();
        if name == "br"
            || (tag.starts_with('/') && matches!(name, "p" | "li" | "pre" | "blockquote"))
        {
            out.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(&decode(rest));
    out
}

fn decode(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}
