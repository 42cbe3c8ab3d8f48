//! Untrusted text quoted for a message: in double quotes, with what could
//! hide or disguise it escaped, so that a message shows exactly what was
//! seen. Rust's `{:?}` would do much the same, but links Unicode's tables
//! of printable characters into the page.

use std::fmt::Write as _;

/// `text` in double quotes: `"` and `\` escaped, control characters
/// (C0, DEL, C1) and invisible formatting characters (zero-width ones,
/// bidirectional overrides, line and paragraph separators, the BOM, the
/// soft hyphen) written as `\u{…}`; everything else as it is.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if hides(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn hides(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{34f}'
                | '\u{61c}'
                | '\u{115f}'..='\u{1160}'
                | '\u{17b4}'..='\u{17b5}'
                | '\u{180b}'..='\u{180f}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{3164}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff0}'..='\u{fffb}'
                | '\u{e0000}'..='\u{e0fff}'
        )
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn quotes_as_debug_does_for_what_a_message_meets() {
        for text in [
            "socketIO",
            "a b",
            "é 😀",
            "",
            "x\"y\\z",
            "tab\there\nnew\rline",
            "\u{1}\u{7f}\u{9b}",
        ] {
            assert_eq!(quoted(text), format!("{text:?}"), "{text:?}");
        }
    }

    #[test]
    fn shows_what_would_hide_or_reorder_text() {
        assert_eq!(quoted("abc\u{202e}fed"), "\"abc\\u{202e}fed\"");
        assert_eq!(quoted("a\u{200b}b\u{feff}"), "\"a\\u{200b}b\\u{feff}\"");
        assert_eq!(quoted("soft\u{ad}hyphen"), "\"soft\\u{ad}hyphen\"");
    }
}
