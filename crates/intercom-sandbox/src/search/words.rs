//! Splitting a conversation body (HTML) into the words `source.body` is matched against.

/// The words of `html`: tags removed (each replaced by a space), the entities `&amp; &lt; &gt;
/// &quot; &#39; &apos; &nbsp;` decoded, the text split on white space, characters that are not
/// letters or digits trimmed from both ends of each piece, empty pieces dropped, ASCII lowercased.
///
/// A `<` that opens no tag (`a < b`, or no `>` after it) is kept as text.
pub(crate) fn body_words(html: &str) -> Vec<String> {
    let text = decode_entities(&strip_tags(html));
    text.split(char::is_whitespace)
        .map(|piece| piece.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Replaces every tag by a space. A tag opens with `<` followed by a letter, `/`, `!` or `?`
/// (as in HTML, `a < b` is text) and ends at the next `>`.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut from = 0;
    while let Some(found) = rest[from..].find('<') {
        let open = from + found;
        let opens_tag = rest[open + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        match rest[open..].find('>') {
            Some(close) if opens_tag => {
                out.push_str(&rest[..open]);
                out.push(' ');
                rest = &rest[open + close + 1..];
                from = 0;
            }
            Some(_) => from = open + 1,
            None => break,
        }
    }
    out.push_str(rest);
    out
}

fn decode_entities(text: &str) -> String {
    const ENTITIES: [(&str, &str); 7] = [
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&apos;", "'"),
        ("&amp;", "&"),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'outer: while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        for (entity, replacement) in ENTITIES {
            if let Some(after) = tail.strip_prefix(entity) {
                out.push_str(replacement);
                rest = after;
                continue 'outer;
            }
        }
        out.push('&');
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}
