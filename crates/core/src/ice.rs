//! ICE candidate lines (RFC 8839 `candidate:` attributes) reduced to what a
//! report may say: the candidate type, its transport, and the kind of
//! address, never the address or port.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CandidateType {
    Host,
    Srflx,
    Prflx,
    Relay,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AddressKind {
    /// A random `.local` name (mDNS): the browser hides the host address.
    Mdns,
    Ipv4Loopback,
    Ipv4Private,
    Ipv4Public,
    Ipv6Loopback,
    Ipv6Private,
    Ipv6Public,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateFacts {
    pub kind: CandidateType,
    /// `udp` or `tcp`: the candidate's own transport.
    pub protocol: String,
    pub address: AddressKind,
    /// For relay candidates: how the browser reaches the TURN server
    /// (`udp`, `tcp` or `tls`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay_protocol: Option<String>,
}

/// Parses `candidate:<foundation> <component> <transport> <priority> <address>
/// <port> typ <type> ...`; `None` for anything else.
pub fn parse_candidate(line: &str, relay_protocol: Option<&str>) -> Option<CandidateFacts> {
    let body = line.trim().strip_prefix("a=").unwrap_or(line.trim());
    let mut fields = body.strip_prefix("candidate:")?.split_whitespace();
    let (_foundation, _component) = (fields.next()?, fields.next()?);
    let protocol = fields.next()?.to_ascii_lowercase();
    let (_priority, address, _port) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next()? != "typ" {
        return None;
    }
    let kind = match fields.next()? {
        "host" => CandidateType::Host,
        "srflx" => CandidateType::Srflx,
        "prflx" => CandidateType::Prflx,
        "relay" => CandidateType::Relay,
        _ => return None,
    };
    if !matches!(protocol.as_str(), "udp" | "tcp") {
        return None;
    }
    let relay_protocol = (kind == CandidateType::Relay)
        .then(|| {
            relay_protocol
                .filter(|p| matches!(*p, "udp" | "tcp" | "tls"))
                .map(str::to_owned)
        })
        .flatten();
    Some(CandidateFacts {
        kind,
        protocol,
        address: address_kind(address),
        relay_protocol,
    })
}

/// RFC 6598 shared address space (100.64.0.0/10, carrier-grade NAT).
fn is_shared(ip: std::net::Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    a == 100 && (b & 0xc0) == 64
}

fn address_kind(address: &str) -> AddressKind {
    if address.ends_with(".local") {
        return AddressKind::Mdns;
    }
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) if ip.is_loopback() => AddressKind::Ipv4Loopback,
        Ok(std::net::IpAddr::V4(ip)) if ip.is_private() || ip.is_link_local() || is_shared(ip) => {
            AddressKind::Ipv4Private
        }
        Ok(std::net::IpAddr::V4(_)) => AddressKind::Ipv4Public,
        Ok(std::net::IpAddr::V6(ip)) if ip.is_loopback() => AddressKind::Ipv6Loopback,
        Ok(std::net::IpAddr::V6(ip)) if ip.is_unique_local() || ip.is_unicast_link_local() => {
            AddressKind::Ipv6Private
        }
        Ok(std::net::IpAddr::V6(_)) => AddressKind::Ipv6Public,
        Err(_) => AddressKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidate_table() {
        // Lines captured from Chromium 156 gathering against coturn 4.6 on loopback.
        let table = [
            ("candidate:3955238027 1 udp 2113937151 2dd38706-07f9-42ce-89a3-ca691daea657.local 47795 typ host generation 0 ufrag vJg1 network-cost 999", None, Some((CandidateType::Host, "udp", AddressKind::Mdns, None))),
            ("candidate:1974332063 1 udp 1677729535 127.0.0.1 47795 typ srflx raddr 0.0.0.0 rport 0 generation 0", None, Some((CandidateType::Srflx, "udp", AddressKind::Ipv4Loopback, None))),
            ("candidate:15466722 1 udp 50340095 127.0.0.1 49174 typ relay raddr 127.0.0.1 rport 47795 generation 0", Some("udp"), Some((CandidateType::Relay, "udp", AddressKind::Ipv4Loopback, Some("udp")))),
            ("candidate:1797656238 1 udp 16785407 127.0.0.1 49161 typ relay raddr 127.0.0.1 rport 51798", Some("tcp"), Some((CandidateType::Relay, "udp", AddressKind::Ipv4Loopback, Some("tcp")))),
            ("a=candidate:1 1 TCP 1518280447 192.168.1.20 9 typ host tcptype active", None, Some((CandidateType::Host, "tcp", AddressKind::Ipv4Private, None))),
            ("candidate:2 1 udp 1677729535 203.0.113.7 40000 typ srflx raddr 10.0.0.2 rport 5000", Some("udp"), Some((CandidateType::Srflx, "udp", AddressKind::Ipv4Public, None))),
            ("candidate:3 1 udp 2122262783 2001:db8::1 40001 typ host", None, Some((CandidateType::Host, "udp", AddressKind::Ipv6Public, None))),
            ("candidate:4 1 udp 2122262783 fd00::5 40001 typ host", None, Some((CandidateType::Host, "udp", AddressKind::Ipv6Private, None))),
            ("candidate:5 1 udp 1 1.2.3.4 5 typ bogus", None, None),
            ("candidate:5 1 sctp 1 1.2.3.4 5 typ host", None, None),
            ("", None, None),
            ("candidate:", None, None),
            ("not a candidate", None, None),
        ];
        for (line, relay, expected) in table {
            let parsed = parse_candidate(line, relay).map(|c| {
                (
                    c.kind,
                    c.protocol.clone(),
                    c.address,
                    c.relay_protocol.clone(),
                )
            });
            let expected = expected.map(|(k, p, a, r): (_, &str, _, Option<&str>)| {
                (k, p.to_owned(), a, r.map(str::to_owned))
            });
            assert_eq!(parsed, expected, "{line}");
        }
    }

    #[test]
    fn facts_never_hold_the_address() {
        let facts = parse_candidate(
            "candidate:2 1 udp 1677729535 203.0.113.7 40000 typ srflx raddr 10.0.0.2 rport 5000",
            None,
        )
        .unwrap();
        let json = serde_json::to_string(&facts).unwrap();
        for secret in ["203.0.113", "10.0.0.2", "40000", "5000"] {
            assert!(!json.contains(secret), "{json}");
        }
    }
}
