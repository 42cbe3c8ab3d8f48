//! The WHATWG URL parser's states for the special schemes, absolute and
//! against a base: scheme, authority, path (dot segments), query, fragment.

use super::encode::{encode, Set};
use super::{Host, InvalidUrl, Url, SCHEMES};

pub(super) fn parse(input: &str, base: Option<&Url>) -> Result<Url, InvalidUrl> {
    let cleaned: String = input
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    match split_scheme(&cleaned) {
        Some((scheme, rest)) => {
            let scheme = scheme.to_ascii_lowercase();
            let (name, _) = SCHEMES
                .iter()
                .find(|(name, _)| *name == scheme)
                .ok_or(InvalidUrl)?;
            match base {
                // `http:path` against an http base is relative.
                Some(base) if base.scheme == *name && !rest.starts_with("//") => {
                    relative(base, rest)
                }
                _ => authority(name, rest.trim_start_matches(['/', '\\'])),
            }
        }
        None => relative(base.ok_or(InvalidUrl)?, &cleaned),
    }
}

/// `scheme:` and what follows, when the input starts with a scheme.
fn split_scheme(input: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = input.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some((scheme, rest))
}

/// User info, host and port, then the rest of the URL.
fn authority(scheme: &'static str, input: &str) -> Result<Url, InvalidUrl> {
    let end = input.find(['/', '\\', '?', '#']).unwrap_or(input.len());
    let (authority, rest) = input.split_at(end);
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((userinfo, host_port)) => (Some(userinfo), host_port),
        None => (None, authority),
    };
    let mut url = Url::empty(scheme);
    if let Some(userinfo) = userinfo {
        let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        encode(&mut url.username, user, Set::Userinfo);
        encode(&mut url.password, password, Set::Userinfo);
    }
    let (host, port) = if host_port.starts_with('[') {
        let close = host_port.find(']').ok_or(InvalidUrl)? + 1;
        match &host_port[close..] {
            "" => (&host_port[..close], None),
            after => (
                &host_port[..close],
                Some(after.strip_prefix(':').ok_or(InvalidUrl)?),
            ),
        }
    } else {
        match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    url.host = Host::parse(host)?;
    url.port = match port.filter(|p| !p.is_empty()) {
        None => None,
        Some(digits) if digits.chars().all(|c| c.is_ascii_digit()) => {
            let trimmed = digits.trim_start_matches('0');
            let value: u16 = if trimmed.is_empty() {
                0
            } else if trimmed.len() > 5 {
                return Err(InvalidUrl);
            } else {
                trimmed.parse().map_err(|_| InvalidUrl)?
            };
            Some(value)
        }
        Some(_) => return Err(InvalidUrl),
    };
    url.drop_default_port();
    let rest = rest.strip_prefix(['/', '\\']).unwrap_or(rest);
    path_query_fragment(url, rest)
}

/// The standard's relative state: what the input leaves out comes from
/// the base.
fn relative(base: &Url, input: &str) -> Result<Url, InvalidUrl> {
    let mut url = base.clone();
    url.fragment = None;
    if let Some(rest) = input.strip_prefix(['/', '\\']) {
        if rest.starts_with(['/', '\\']) {
            // `//` and a third slash: the standard skips it, the `url`
            // crate reads an empty host; refused.
            if input.starts_with("//") && rest[1..].starts_with(['/', '\\']) {
                return Err(InvalidUrl);
            }
            return authority(base.scheme, rest.trim_start_matches(['/', '\\']));
        }
        url.path.clear();
        url.query = None;
        return path_query_fragment(url, rest);
    }
    if let Some(rest) = input.strip_prefix('?') {
        return Ok(query_fragment(url, rest));
    }
    if let Some(fragment) = input.strip_prefix('#') {
        return Ok(url.with_fragment(fragment));
    }
    if input.is_empty() {
        return Ok(url.rebuilt());
    }
    url.query = None;
    url.path.pop();
    path_query_fragment(url, input)
}

/// The path up to `?` or `#` (after the slash that starts it), then the
/// query and fragment.
fn path_query_fragment(mut url: Url, input: &str) -> Result<Url, InvalidUrl> {
    let end = input.find(['?', '#']).unwrap_or(input.len());
    push_path(&mut url.path, &input[..end]);
    let rest = &input[end..];
    Ok(match rest.strip_prefix('?') {
        Some(query) => query_fragment(url, query),
        None => url.with_fragment_of(rest),
    })
}

/// Path segments appended, `.` and `..` resolved as the standard does.
pub(super) fn push_path(path: &mut Vec<String>, input: &str) {
    let segments: Vec<&str> = input.split(['/', '\\']).collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.into_iter().enumerate() {
        let lower = segment.to_ascii_lowercase().replace("%2e", ".");
        match lower.as_str() {
            ".." => {
                path.pop();
                if i == last {
                    path.push(String::new());
                }
            }
            "." if i == last => path.push(String::new()),
            "." => {}
            _ => {
                let mut encoded = String::new();
                encode(&mut encoded, segment, Set::Path);
                path.push(encoded);
            }
        }
    }
}

/// The text after `?`: the query up to `#`, then the fragment.
fn query_fragment(mut url: Url, query: &str) -> Url {
    let (query, fragment) = match query.split_once('#') {
        Some((query, fragment)) => (query, Some(fragment)),
        None => (query, None),
    };
    let mut encoded = String::new();
    encode(&mut encoded, query, Set::SpecialQuery);
    url.query = Some(encoded);
    match fragment {
        Some(fragment) => url.with_fragment(fragment),
        None => url.rebuilt(),
    }
}

impl Url {
    fn with_fragment(mut self, fragment: &str) -> Url {
        let mut encoded = String::new();
        encode(&mut encoded, fragment, Set::Fragment);
        self.fragment = Some(encoded);
        self.rebuilt()
    }

    /// `rest` is empty or starts with `#`.
    fn with_fragment_of(self, rest: &str) -> Url {
        match rest.strip_prefix('#') {
            Some(fragment) => self.with_fragment(fragment),
            None => self.rebuilt(),
        }
    }
}
