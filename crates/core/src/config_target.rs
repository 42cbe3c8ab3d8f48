//! One rule for every target a link or `conncheck.json` may name (Socket.IO,
//! WebSocket, LiveKit, STUN, and any future key): refuse what the WHATWG URL
//! parser would silently rewrite (backslashes, control characters) and any
//! user name or password, then resolve the value exactly as the browser
//! will, and only then compare the resolved origin (host and port for ICE
//! servers) with the page's origin and `allow_origins`. Checking the text
//! before resolving it is what let `/\other.host/` and `/<TAB>/other.host/`
//! through: both are paths as typed and another origin once parsed.

use crate::weburl::{Host, Url};

use crate::privacy::{quoted, redact_text};

/// At most this many characters of what a link said appear in a message.
pub const EXCERPT_CHARS: usize = 48;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    Http,
    Ws,
}

/// Who may be named, for values that came from a link.
pub(crate) struct Policy<'a> {
    pub page: &'a Url,
    /// Origins from `allow_origins` (ASCII serialization).
    pub allowed: &'a [String],
    /// Host and port of ICE servers in `conncheck.json`: a link may repeat them.
    pub operator_ice: &'a [(String, u16)],
    pub from_query: bool,
}

/// Characters that the URL parser drops or turns into a slash, so that the
/// text a person reads is not the address the browser uses.
fn refuse_rewritten(text: &str) -> Result<(), String> {
    if text.contains('\\') {
        return Err(format!(
            "{} contains a backslash, which browsers read as /; write the URL with / only",
            excerpt(text)
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(format!(
            "{} contains a control character (tab, newline, …), which browsers silently remove",
            excerpt(text)
        ));
    }
    Ok(())
}

/// A path (resolved on the page's origin) or an absolute URL, in the wanted
/// scheme family, checked after resolution.
pub(crate) fn endpoint(policy: &Policy, text: &str, want: Scheme) -> Result<Url, String> {
    refuse_rewritten(text)?;
    let text = text.trim();
    if text.is_empty() {
        return Err("is empty".into());
    }
    if text.contains(['#', ' ']) {
        return Err(format!("{} is not a valid URL or path", excerpt(text)));
    }
    let parsed = if text.starts_with('/') {
        policy.page.join(text)
    } else {
        Url::parse(text)
    };
    let mut url = parsed.map_err(|_| not_read(text))?;
    if url.has_credentials() {
        return Err("must not carry a user name or password".into());
    }
    set_family(&mut url, Scheme::Http);
    let origin = url.origin();
    if policy.from_query && origin != policy.page.origin() && !policy.allowed.contains(&origin) {
        return Err(format!(
            "{origin} is not this page's origin and not listed in allow_origins of conncheck.json, so a link may not point checks at it"
        ));
    }
    set_family(&mut url, want);
    Ok(url)
}

/// Why [`Url`] did not read `text`, in the words a person can act on.
fn not_read(text: &str) -> String {
    let quoted = excerpt(text);
    if !text.is_ascii() {
        return format!(
            "{quoted} has non-ASCII characters: write international host names in punycode (xn--…)"
        );
    }
    let scheme = text.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("http" | "https" | "ws" | "wss") => format!(
            "{quoted} is not a valid URL: its host must be a name, four decimal numbers or an [IPv6] address, without percent-encoding, and its port at most 65535"
        ),
        Some(s) if !s.is_empty() && !s.contains(['/', '?']) => {
            format!("{quoted} must use http, https, ws or wss")
        }
        _ => format!(
            "{quoted} is neither a path starting with / nor an absolute URL such as https://chat.example.com/socket.io/"
        ),
    }
}

pub(crate) fn set_family(url: &mut Url, want: Scheme) {
    let scheme = match (url.scheme(), want) {
        ("http" | "ws", Scheme::Http) => "http",
        ("https" | "wss", Scheme::Http) => "https",
        ("http" | "ws", Scheme::Ws) => "ws",
        (_, _) => match want {
            Scheme::Http => "https",
            Scheme::Ws => "wss",
        },
    };
    // Switching between these special schemes cannot fail.
    let _ = url.set_scheme(scheme);
}

/// An ICE server URL (`stun:host[:port]`, `turns:host[:port]?transport=tcp`,
/// RFC 7064/7065) with one of `prefixes`; from a link, its host and port
/// must be the page's, an allowed origin's, or an operator ICE server's.
pub(crate) fn ice_url(policy: &Policy, text: &str, prefixes: &[&str]) -> Result<String, String> {
    refuse_rewritten(text)?;
    let Some(prefix) = prefixes.iter().find(|p| text.starts_with(*p)) else {
        return Err(format!(
            "{} is not a URL starting with {}",
            excerpt(text),
            prefixes.join(" or ")
        ));
    };
    let (host, port) = ice_host_port(prefix, text)?;
    if policy.from_query && !ice_allowed(policy, &host, port) {
        return Err(format!(
            "{host}:{port} is not this page's host or an operator-allowed one (allow_origins or the ICE servers of conncheck.json), so a link may not point checks at it"
        ));
    }
    Ok(text.to_owned())
}

/// Host (lowercase; IPv6 in brackets) and port of an ICE server URL.
pub(crate) fn ice_host_port(prefix: &str, text: &str) -> Result<(String, u16), String> {
    let rest = &text[prefix.len()..];
    let authority = rest.split('?').next().unwrap_or_default();
    let bad = || {
        format!(
            "{} is not host[:port] after {prefix} (no user name, path, spaces or percent-encoding)",
            excerpt(text)
        )
    };
    if authority.is_empty() || authority.contains(['@', '/', '%', ' ']) || !authority.is_ascii() {
        return Err(bad());
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !p.contains(']') => (h, Some(p.parse::<u16>().map_err(|_| bad())?)),
        _ => (authority, None),
    };
    let host = Host::parse(host).map_err(|_| bad())?.serialize();
    let secure = prefix.ends_with("s:");
    Ok((host, port.unwrap_or(if secure { 5349 } else { 3478 })))
}

fn ice_allowed(policy: &Policy, host: &str, port: u16) -> bool {
    let matches = |u: &Url| u.host_str() == host && u.port_or_known_default() == port;
    matches(policy.page)
        || policy
            .allowed
            .iter()
            .filter_map(|o| Url::parse(o).ok())
            .any(|u| matches(&u))
        || policy
            .operator_ice
            .iter()
            .any(|(h, p)| h == host && *p == port)
}

/// A Socket.IO namespace (`namespace`, `companion`): a name, never an address.
pub(crate) fn namespace(text: &str) -> Result<String, String> {
    let ok = text.starts_with('/')
        && !text.starts_with("//")
        && text.len() <= 256
        && !text.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, ',' | '\\' | '?' | '#' | '@' | ':')
        });
    if ok {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "{} is not a namespace: it must start with / (one only) and contain no spaces, commas, \\, ?, #, @ or :",
            excerpt(text)
        ))
    }
}

/// What a message may quote of a value: short, printable, and without
/// anything that may carry credentials or a query-string secret.
pub fn excerpt(text: &str) -> String {
    // Whole-word redaction: URLs (ICE ones too) lose credentials, query
    // and fragment; `key=value` and addresses go.
    let text = redact_text(text);
    let mut short: String = text
        .chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .take(EXCERPT_CHARS)
        .collect();
    if text.chars().count() > EXCERPT_CHARS {
        short.push('…');
    }
    quoted(&short)
}
