//! The host of a special URL: an ASCII domain, a dotted IPv4 address or a
//! bracketed IPv6 address, parsed and written as the WHATWG URL standard
//! does, or refused where it would rewrite more than case.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::InvalidUrl;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// Lowercase ASCII (international names as `xn--` labels).
    Domain(String),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
}

impl Host {
    /// What the standard's host parser accepts for a special scheme, except
    /// what it would rewrite beyond lowercasing: percent-encoding, non-ASCII
    /// names (write them as `xn--` labels) and IPv4 addresses in any form
    /// but four decimal numbers (`0x7f.1`, `010.0.0.1`, `1.2.3.4.`).
    pub fn parse(text: &str) -> Result<Host, InvalidUrl> {
        if let Some(inner) = text.strip_prefix('[') {
            let inner = inner.strip_suffix(']').ok_or(InvalidUrl)?;
            return inner.parse().map(Host::Ipv6).map_err(|_| InvalidUrl);
        }
        let forbidden = |c: char| !c.is_ascii() || c <= ' ' || "#%/:<>?@[\\]^|\u{7f}".contains(c);
        if text.is_empty() || text.contains(forbidden) {
            return Err(InvalidUrl);
        }
        let domain = text.to_ascii_lowercase();
        if ends_in_a_number(&domain) {
            return domain.parse().map(Host::Ipv4).map_err(|_| InvalidUrl);
        }
        Ok(Host::Domain(domain))
    }

    /// The host as a URL writes it (IPv6 in brackets, its longest run of
    /// zero pieces shortened to `::`).
    pub fn serialize(&self) -> String {
        match self {
            Host::Domain(domain) => domain.clone(),
            Host::Ipv4(address) => address.to_string(),
            Host::Ipv6(address) => format!("[{}]", ipv6_text(address)),
        }
    }
}

/// The standard's test for a host that must be an IPv4 address: its last
/// label (a final empty one aside) is decimal or `0x` hex.
fn ends_in_a_number(domain: &str) -> bool {
    let mut labels = domain.rsplit('.');
    let last = match labels.next() {
        Some("") => labels.next().unwrap_or_default(),
        other => other.unwrap_or_default(),
    };
    let hex = last
        .strip_prefix("0x")
        .is_some_and(|h| h.chars().all(|c| c.is_ascii_hexdigit()));
    (!last.is_empty() && last.chars().all(|c| c.is_ascii_digit())) || hex
}

fn ipv6_text(address: &Ipv6Addr) -> String {
    let pieces = address.segments();
    // The first longest run of two or more zero pieces.
    let (mut best, mut run) = ((0, 0), (0, 0));
    for (i, piece) in pieces.iter().enumerate() {
        run = if *piece == 0 {
            (run.0, run.1 + 1)
        } else {
            (i + 1, 0)
        };
        if run.1 > best.1 {
            best = run;
        }
    }
    let mut text = String::new();
    let mut i = 0;
    while i < 8 {
        if best.1 >= 2 && i == best.0 {
            text.push_str(if i == 0 { "::" } else { ":" });
            i += best.1;
            continue;
        }
        text.push_str(&hex(pieces[i]));
        if i < 7 {
            text.push(':');
        }
        i += 1;
    }
    text
}

fn hex(piece: u16) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::new();
    let mut started = false;
    for shift in [12, 8, 4, 0] {
        let digit = (piece >> shift) & 15;
        started |= digit != 0 || shift == 0;
        if started {
            text.push(DIGITS[usize::from(digit)] as char);
        }
    }
    text
}
