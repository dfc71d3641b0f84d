//! HTML to plain text, for `display_as=plaintext`.

/// Drops tags, turns block ends and `<br>` into line breaks and decodes the common entities.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let Some(end) = after.find('>') else {
            out.push_str(after);
            rest = "";
            break;
        };
        let tag = after[1..end].trim().to_ascii_lowercase();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let closing = tag.starts_with('/');
        let breaks = matches!(name.as_str(), "br")
            || (closing
                && matches!(
                    name.as_str(),
                    "p" | "div"
                        | "li"
                        | "h1"
                        | "h2"
                        | "h3"
                        | "h4"
                        | "h5"
                        | "h6"
                        | "ul"
                        | "ol"
                        | "pre"
                        | "blockquote"
                ));
        if breaks && !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    let decoded = decode_entities(&out);
    decoded.trim().to_owned()
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let semi = after.find(';').filter(|&i| i <= 10);
        let replaced = semi.and_then(|i| {
            let entity = &after[1..i];
            let ch = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                _ => entity
                    .strip_prefix('#')
                    .and_then(|n| n.parse::<u32>().ok())
                    .and_then(char::from_u32),
            };
            ch.map(|c| (c, i))
        });
        match replaced {
            Some((c, i)) => {
                out.push(c);
                rest = &after[i + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::html_to_text;

    #[test]
    fn paragraphs_become_lines_and_entities_decode() {
        assert_eq!(
            html_to_text("<p>Hi &amp; welcome</p><p>Line <b>two</b><br>three</p>"),
            "Hi & welcome\nLine two\nthree"
        );
        assert_eq!(html_to_text("plain 1 &lt; 2"), "plain 1 < 2");
        assert_eq!(html_to_text("<p>unterminated &foo"), "unterminated &foo");
    }
}
