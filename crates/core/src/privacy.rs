//! What may leave the browser in a report: URLs without credentials or
//! query-string secrets; free text from browsers and servers (exception
//! messages, ICE error texts, close reasons) with every URL, `key=value`
//! and IP address in it redacted; proxy headers cut to product tokens.

use crate::weburl::Url;

mod quote;
pub use quote::{observed, parts, plain, quoted, CLOSE, MAX_OBSERVED_CHARS, OPEN};

/// Query parameters whose values are protocol facts, never secrets.
const SAFE_QUERY_KEYS: &[&str] = &["EIO", "transport"];

pub const REDACTED: &str = "REDACTED";

/// The URL with user name, password and fragment removed and every query
/// value replaced by `REDACTED`, except Engine.IO's protocol parameters;
/// an ICE server URL as [`redact_ice_url`] keeps it. Text that is not a
/// URL of these kinds is replaced as a whole.
pub fn redact_url(text: &str) -> String {
    if is_ice_url(text) {
        return redact_ice_url(text);
    }
    let Ok(mut url) = Url::parse(text) else {
        return REDACTED.to_owned();
    };
    url.clear_credentials();
    url.clear_fragment();
    let path: Vec<String> = url.path_segments().map(redact_segment).collect();
    url.set_path(&path.join("/"));
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .into_iter()
            .map(|(k, v)| {
                let keep = SAFE_QUERY_KEYS.contains(&k.as_str());
                let v = if keep { v } else { REDACTED.to_owned() };
                (k, v)
            })
            .collect();
        url.set_query_pairs(&pairs);
    }
    url.to_string()
}

/// A path segment that looks like a token (long, letters and digits
/// mixed, as random ids are) is replaced; names like `socket.io` stay.
fn redact_segment(segment: &str) -> String {
    let letters = segment.chars().filter(char::is_ascii_alphabetic).count();
    let digits = segment.chars().filter(char::is_ascii_digit).count();
    if segment.len() >= 16 && letters > 0 && digits > 0 {
        REDACTED.to_owned()
    } else {
        segment.to_owned()
    }
}

/// A configuration key from a link as the report may repeat it: `None`
/// when it can stand as it is, the redaction marker when it looks like a
/// token (a link `?<secret>` would otherwise carry it into the report).
pub fn redact_key(key: &str) -> Option<String> {
    let redacted = redact_segment(key);
    let odd = key
        .chars()
        .any(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'));
    (redacted != key || odd).then(|| REDACTED.to_owned())
}

/// Longest free text (an error message, a close reason) kept in a report.
pub const MAX_TEXT_CHARS: usize = 300;

/// Free text from a browser or a server, for the report: every word that
/// is or holds a URL (any scheme, `stun:`/`turn:` too), carries `@`, `?`,
/// `#` or `=`, or is an IP address is redacted; control characters go; the
/// whole is cut to [`MAX_TEXT_CHARS`]. Browser messages quote the URL they
/// refused, user name, password and `sid` included.
pub fn redact_text(text: &str) -> String {
    let mut out = String::new();
    for (i, word) in text.split(|c: char| c.is_whitespace()).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&redact_word(word));
        if out.chars().count() > MAX_TEXT_CHARS {
            break;
        }
    }
    let mut short: String = out.chars().take(MAX_TEXT_CHARS).collect();
    if out.chars().count() > MAX_TEXT_CHARS {
        short.push('…');
    }
    short
}

fn redact_word(word: &str) -> String {
    let word: String = word.chars().filter(|c| !c.is_control()).collect();
    let edge = |c: char| "'\"()<>[]{},;.!`".contains(c);
    let core = word.trim_matches(edge);
    if core.is_empty() {
        return word;
    }
    let start = word.find(core).unwrap_or(0);
    let (before, after) = (&word[..start], &word[start + core.len()..]);
    let replaced = if is_ice_url(core) || core.contains("://") {
        redact_url(core)
    } else if core.contains(['@', '?', '#', '=', '%']) || looks_like_ip(core) {
        REDACTED.to_owned()
    } else {
        return word;
    };
    format!("{before}{replaced}{after}")
}

fn is_ice_url(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    ["stun:", "stuns:", "turn:", "turns:"]
        .iter()
        .any(|p| lower.starts_with(p))
}

fn looks_like_ip(core: &str) -> bool {
    let host = core
        .rsplit_once(':')
        .filter(|(h, p)| !h.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        .map_or(core, |(h, _)| h);
    host.trim_matches(['[', ']'])
        .parse::<std::net::IpAddr>()
        .is_ok()
        || core.parse::<std::net::IpAddr>().is_ok()
}

/// An ICE server URL without anything before `@` (user name, password)
/// and with only the `transport` parameter kept.
pub fn redact_ice_url(url: &str) -> String {
    let (scheme, rest) = url.split_once(':').unwrap_or(("", url));
    let (authority, query) = rest.split_once('?').unwrap_or((rest, ""));
    let host = authority.rsplit('@').next().unwrap_or_default();
    let keep: Vec<&str> = query
        .split('&')
        .filter(|p| p.starts_with("transport=") && p.len() <= 20)
        .collect();
    let mut out = format!("{scheme}:{host}");
    if !keep.is_empty() {
        out.push('?');
        out.push_str(&keep.join("&"));
    }
    out
}

/// A `Server` header as the report keeps it: the first product token
/// (`nginx/1.22.1`, `cloudflare`) if it is one; host names are not.
pub fn product_token(value: &str) -> Option<String> {
    let first = value.split_whitespace().next()?;
    let (name, version) = first.split_once('/').unwrap_or((first, ""));
    let name_ok = !name.is_empty()
        && name.len() <= 24
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let version_ok = version.len() <= 16
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    (name_ok && version_ok).then(|| first.to_owned())
}

/// A `Via` header as the report keeps it: per hop (two at most) the
/// protocol and the received-by name only when it is a pseudonym such as
/// `google` or `varnish`, never a host name or address.
pub fn via_tokens(value: &str) -> Option<String> {
    let hops: Vec<String> = value
        .split(',')
        .take(2)
        .filter_map(|hop| {
            let mut words = hop.split_whitespace();
            let protocol = words.next()?;
            let protocol_ok = protocol.len() <= 12
                && protocol
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '/');
            if !protocol_ok {
                return None;
            }
            match words.next() {
                Some(by)
                    if by.len() <= 24
                        && by
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
                {
                    Some(format!("{protocol} {by}"))
                }
                _ => Some(protocol.to_owned()),
            }
        })
        .collect();
    (!hops.is_empty()).then(|| hops.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_table() {
        let table = [
            (
                "wss://a.example/socket.io/?EIO=4&transport=websocket",
                "wss://a.example/socket.io/?EIO=4&transport=websocket",
            ),
            (
                "wss://a.example/ws?token=s3cr3t&EIO=4",
                "wss://a.example/ws?token=REDACTED&EIO=4",
            ),
            (
                "https://bob:hunter2@a.example/x#frag",
                "https://a.example/x",
            ),
            (
                "turn:turn.example:3478?transport=tcp",
                "turn:turn.example:3478?transport=tcp",
            ),
            ("not a url", "REDACTED"),
            (
                "wss://a.example/rooms/Tok3nAbcdefgh12345/ws",
                "wss://a.example/rooms/REDACTED/ws",
            ),
        ];
        for (input, expected) in table {
            assert_eq!(redact_url(input), expected, "input {input}");
        }
    }

    #[test]
    fn free_text_keeps_words_and_loses_secrets() {
        let table = [
            (
                "TypeError: Failed to execute 'fetch' on 'Window': Request cannot be constructed from a URL that includes credentials: http://bob:hunter2@127.0.0.1:8080/socket.io/?EIO=4&sid=S3CRET#frag",
                "TypeError: Failed to execute 'fetch' on 'Window': Request cannot be constructed from a URL that includes credentials: http://127.0.0.1:8080/socket.io/?EIO=4&sid=REDACTED",
            ),
            (
                "Failed to construct 'RTCPeerConnection': ICE server parsing failed: turn:alice:pw@turn.example:3478?transport=tcp&secret=x.",
                "Failed to construct 'RTCPeerConnection': ICE server parsing failed: turn:turn.example:3478?transport=tcp.",
            ),
            (
                "The URL 'ws://h/p/TOKEN-in-path?x=1' is invalid.",
                "The URL 'ws://h/p/TOKEN-in-path?x=REDACTED' is invalid.",
            ),
            ("token=abc123 from 10.1.2.3:443 and [fe80::1]", "REDACTED from REDACTED and [REDACTED]"),
            ("closed\n\u{1b}[31m", "closed [31m"),
        ];
        for (input, expected) in table {
            assert_eq!(redact_text(input), expected, "input {input}");
        }
        assert!(redact_text(&"word ".repeat(500)).chars().count() <= MAX_TEXT_CHARS + 1);
        assert!(!redact_text("a\u{7}b").contains('\u{7}'));
    }

    #[test]
    fn proxy_headers_keep_product_tokens_only() {
        assert_eq!(
            product_token("nginx/1.22.1").as_deref(),
            Some("nginx/1.22.1")
        );
        assert_eq!(product_token("cloudflare").as_deref(), Some("cloudflare"));
        assert_eq!(
            product_token("Apache/2.4 (Debian) OpenSSL/3").as_deref(),
            Some("Apache/2.4")
        );
        assert_eq!(product_token("edge-7.dc3.corp.example"), None);
        assert_eq!(product_token(&"x".repeat(100)), None);
        assert_eq!(via_tokens("1.1 google").as_deref(), Some("1.1 google"));
        assert_eq!(
            via_tokens("1.1 proxy-7.internal.corp:8080 (squid), 1.0 varnish, 1.1 a").as_deref(),
            Some("1.1, 1.0 varnish")
        );
        assert_eq!(via_tokens("1.1 10.0.0.7"), Some("1.1".into()));
    }
}
