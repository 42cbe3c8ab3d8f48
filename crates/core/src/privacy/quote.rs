//! Untrusted text quoted for a message: in double quotes, with what could
//! hide or disguise it escaped, so that a message shows exactly what was
//! seen. Rust's `{:?}` would do much the same, but links Unicode's tables
//! of printable characters into the page.
//!
//! An outside value in a text a person reads (a summary, an evidence line)
//! is [`observed`]: quoted, bounded, and set between [`OPEN`] and [`CLOSE`],
//! so that whoever shows the text renders it as a marked value (the page:
//! `<q class="observed">`) and never as the page's own words ([`parts`]);
//! JSON and the copy text keep it as the quoted value ([`plain`]).

use std::fmt::Write as _;

/// Opens an outside value in a text ([`observed`]): a private-use
/// character, escaped by [`quoted`] wherever a value carries it.
pub const OPEN: char = '\u{e000}';
/// Closes what [`OPEN`] opened.
pub const CLOSE: char = '\u{e001}';
/// The most characters of an outside value a text shows.
pub const MAX_OBSERVED_CHARS: usize = 80;

/// An outside value for a text: at most [`MAX_OBSERVED_CHARS`] characters
/// (then `…`), [`quoted`], between [`OPEN`] and [`CLOSE`].
pub fn observed(value: &str) -> String {
    let mut short: String = value.chars().take(MAX_OBSERVED_CHARS).collect();
    if short.len() < value.len() {
        short.push('…');
    }
    let mut out = String::with_capacity(short.len() + 8);
    out.push(OPEN);
    out.push_str(&quoted(&short));
    out.push(CLOSE);
    out
}

/// The text's parts in order, each with whether it is an outside value
/// (its quotes left out: the page's `<q>` draws them).
pub fn parts(text: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(OPEN) {
        out.push((false, &rest[..open]));
        let after = &rest[open + OPEN.len_utf8()..];
        let close = after.find(CLOSE).unwrap_or(after.len());
        let value = &after[..close];
        let value = value.strip_prefix('"').unwrap_or(value);
        out.push((true, value.strip_suffix('"').unwrap_or(value)));
        rest = after.get(close + CLOSE.len_utf8()..).unwrap_or("");
    }
    out.push((false, rest));
    out.retain(|(_, part)| !part.is_empty());
    out
}

/// The text as JSON and the copy text carry it: its outside values as
/// quoted values, their marks left out.
pub fn plain(text: &str) -> String {
    text.replace([OPEN, CLOSE], "")
}

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
                | '\u{e000}'..='\u{e001}'
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
    fn an_observed_value_is_marked_bounded_and_cannot_close_its_mark() {
        use super::{observed, parts, plain, CLOSE, OPEN};
        let forged = format!("a{CLOSE} our words{OPEN}");
        let text = format!("Server: {}.", observed(&forged));
        assert_eq!(
            parts(&text),
            [
                (false, "Server: "),
                (true, "a\\u{e001} our words\\u{e000}"),
                (false, ".")
            ]
        );
        assert_eq!(plain(&text), "Server: \"a\\u{e001} our words\\u{e000}\".");
        let long = observed(&"x".repeat(500));
        assert_eq!(
            parts(&long),
            [(true, format!("{}…", "x".repeat(80)).as_str())]
        );
        assert_eq!(parts("only ours"), [(false, "only ours")]);
    }

    #[test]
    fn shows_what_would_hide_or_reorder_text() {
        assert_eq!(quoted("abc\u{202e}fed"), "\"abc\\u{202e}fed\"");
        assert_eq!(quoted("a\u{200b}b\u{feff}"), "\"a\\u{200b}b\\u{feff}\"");
        assert_eq!(quoted("soft\u{ad}hyphen"), "\"soft\\u{ad}hyphen\"");
    }
}
