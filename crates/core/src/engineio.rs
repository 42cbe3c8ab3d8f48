//! Engine.IO 4 packets as they travel over a WebSocket or inside a polling
//! payload (`<type digit><data>`), and the open packet's parameters.
//!
//! The session id is parsed because later requests of a session need it, but
//! it is kept out of every `Serialize` type: it must never reach a report.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    Open(OpenPacket),
    Close,
    Ping(String),
    Pong(String),
    Message(String),
    Upgrade,
    Noop,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenPacket {
    pub sid: String,
    pub params: OpenParams,
}

/// What the server negotiated, without the session id: safe for reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenParams {
    pub upgrades: Vec<String>,
    pub ping_interval_ms: u64,
    pub ping_timeout_ms: u64,
    /// Absent in Engine.IO 3 open packets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_payload: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PacketError {
    #[error("empty packet")]
    Empty,
    #[error("unknown Engine.IO packet type {0:?}")]
    UnknownType(char),
    #[error("the open packet is not the JSON object Engine.IO sends: {0}")]
    BadOpenJson(String),
    #[error("the open packet lacks the field `{0}`")]
    OpenFieldMissing(&'static str),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawOpen {
    sid: Option<String>,
    upgrades: Option<Vec<String>>,
    ping_interval: Option<u64>,
    ping_timeout: Option<u64>,
    max_payload: Option<u64>,
}

impl Packet {
    pub fn parse(text: &str) -> Result<Packet, PacketError> {
        let mut chars = text.chars();
        let kind = chars.next().ok_or(PacketError::Empty)?;
        let data = chars.as_str();
        Ok(match kind {
            '0' => Packet::Open(OpenPacket::parse(data)?),
            '1' => Packet::Close,
            '2' => Packet::Ping(data.to_owned()),
            '3' => Packet::Pong(data.to_owned()),
            '4' => Packet::Message(data.to_owned()),
            '5' => Packet::Upgrade,
            '6' => Packet::Noop,
            other => return Err(PacketError::UnknownType(other)),
        })
    }
}

/// A packet as it goes on the wire: `Packet::Pong("probe".into())` is
/// `3probe`; [`Packet::parse`] reads it back.
impl fmt::Display for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Packet::Open(open) => write!(f, "0{}", open.json()),
            Packet::Close => f.write_str("1"),
            Packet::Ping(data) => write!(f, "2{data}"),
            Packet::Pong(data) => write!(f, "3{data}"),
            Packet::Message(data) => write!(f, "4{data}"),
            Packet::Upgrade => f.write_str("5"),
            Packet::Noop => f.write_str("6"),
        }
    }
}

impl OpenPacket {
    /// The open packet's JSON as a server sends it.
    fn json(&self) -> String {
        let mut json = serde_json::json!({
            "sid": self.sid,
            "upgrades": self.params.upgrades,
            "pingInterval": self.params.ping_interval_ms,
            "pingTimeout": self.params.ping_timeout_ms,
        });
        if let Some(max) = self.params.max_payload {
            json["maxPayload"] = max.into();
        }
        json.to_string()
    }

    pub fn parse(json: &str) -> Result<OpenPacket, PacketError> {
        let raw: RawOpen =
            serde_json::from_str(json).map_err(|e| PacketError::BadOpenJson(e.to_string()))?;
        Ok(OpenPacket {
            sid: raw.sid.ok_or(PacketError::OpenFieldMissing("sid"))?,
            params: OpenParams {
                upgrades: raw
                    .upgrades
                    .ok_or(PacketError::OpenFieldMissing("upgrades"))?,
                ping_interval_ms: raw
                    .ping_interval
                    .ok_or(PacketError::OpenFieldMissing("pingInterval"))?,
                ping_timeout_ms: raw
                    .ping_timeout
                    .ok_or(PacketError::OpenFieldMissing("pingTimeout"))?,
                max_payload: raw.max_payload,
            },
        })
    }
}

/// The record separator between packets of a polling payload (Engine.IO 4).
pub const RECORD_SEPARATOR: char = '\x1e';

/// A polling response body, split into its packets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload<'a> {
    V4(Vec<&'a str>),
    /// Engine.IO 3 (Socket.IO 2 servers) prefixes each packet with its
    /// length and a colon, `97:0{...}2:40`, and has no separator.
    V3,
}

/// Packets read from one polling answer at most; a server sends a handful.
pub const MAX_PACKETS_PER_POLL: usize = 64;

pub fn split_payload(body: &str) -> Payload<'_> {
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && body.as_bytes().get(digits) == Some(&b':') {
        return Payload::V3;
    }
    Payload::V4(body.split(RECORD_SEPARATOR).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads() {
        assert_eq!(
            split_payload("40{\"sid\":\"a\"}"),
            Payload::V4(vec!["40{\"sid\":\"a\"}"])
        );
        assert_eq!(split_payload("6\x1e40{}"), Payload::V4(vec!["6", "40{}"]));
        // Captured from socket.io 2.5.0 answering an EIO=4 handshake.
        let v3 = r#"97:0{"sid":"H9QcsX-vvwlHibnFAAAA","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000}2:40"#;
        assert_eq!(split_payload(v3), Payload::V3);
        assert_eq!(split_payload("12"), Payload::V4(vec!["12"]));
    }

    const NODE_OPEN: &str = r#"0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#;

    #[test]
    fn open_packet_of_node_server() {
        let Packet::Open(open) = Packet::parse(NODE_OPEN).unwrap() else {
            panic!()
        };
        assert_eq!(open.sid, "lv_VI97HAXpY6yYWAAAC");
        assert_eq!(
            open.params,
            OpenParams {
                upgrades: vec!["websocket".into()],
                ping_interval_ms: 25000,
                ping_timeout_ms: 20000,
                max_payload: Some(1_000_000),
            }
        );
    }

    #[test]
    fn open_packet_over_websocket_has_no_upgrades() {
        let text = r#"0{"sid":"x","upgrades":[],"pingInterval":300,"pingTimeout":200,"maxPayload":100000}"#;
        let Packet::Open(open) = Packet::parse(text).unwrap() else {
            panic!()
        };
        assert!(open.params.upgrades.is_empty());
    }

    #[test]
    fn packet_table() {
        let table: &[(&str, Result<Packet, PacketError>)] = &[
            ("1", Ok(Packet::Close)),
            ("2", Ok(Packet::Ping(String::new()))),
            ("2probe", Ok(Packet::Ping("probe".into()))),
            ("3probe", Ok(Packet::Pong("probe".into()))),
            ("4hello", Ok(Packet::Message("hello".into()))),
            ("40", Ok(Packet::Message("0".into()))),
            ("5", Ok(Packet::Upgrade)),
            ("6", Ok(Packet::Noop)),
            ("", Err(PacketError::Empty)),
            ("7", Err(PacketError::UnknownType('7'))),
            ("<html>", Err(PacketError::UnknownType('<'))),
            (
                r#"0{"upgrades":[],"pingInterval":1,"pingTimeout":1}"#,
                Err(PacketError::OpenFieldMissing("sid")),
            ),
        ];
        for (wire, expected) in table {
            assert_eq!(&Packet::parse(wire), expected, "wire {wire:?}");
        }
    }

    /// Every packet a check sends (and an open packet), encoded exactly as
    /// the wire has it, and read back from it.
    #[test]
    fn encode_table() {
        let open = Packet::Open(OpenPacket {
            sid: "x".into(),
            params: OpenParams {
                upgrades: vec!["websocket".into()],
                ping_interval_ms: 25000,
                ping_timeout_ms: 20000,
                max_payload: Some(1_000_000),
            },
        });
        let table: &[(Packet, &str)] = &[
            (
                open,
                r#"0{"maxPayload":1000000,"pingInterval":25000,"pingTimeout":20000,"sid":"x","upgrades":["websocket"]}"#,
            ),
            (Packet::Close, "1"),
            (Packet::Ping("probe".into()), "2probe"),
            (Packet::Ping(String::new()), "2"),
            (Packet::Pong("probe".into()), "3probe"),
            (Packet::Pong(String::new()), "3"),
            (Packet::Message("0/admin,".into()), "40/admin,"),
            (Packet::Upgrade, "5"),
            (Packet::Noop, "6"),
        ];
        for (packet, wire) in table {
            assert_eq!(packet.to_string(), *wire, "{packet:?}");
            assert_eq!(Packet::parse(wire).as_ref(), Ok(packet), "wire {wire:?}");
        }
    }

    #[test]
    fn malformed_open_json_is_an_error_not_a_panic() {
        assert!(matches!(
            Packet::parse("0{"),
            Err(PacketError::BadOpenJson(_))
        ));
        assert!(matches!(
            Packet::parse("0[]"),
            Err(PacketError::BadOpenJson(_))
        ));
        assert!(matches!(
            Packet::parse(
                r#"0{"sid":"a","upgrades":"websocket","pingInterval":1,"pingTimeout":1}"#
            ),
            Err(PacketError::BadOpenJson(_))
        ));
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;
    use crate::classify::classify;
    use crate::socketio::SioPacket;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

        #[test]
        fn parsers_never_panic(text in "\\PC{0,300}", status in 0u16..600) {
            let _ = Packet::parse(&text);
            let _ = split_payload(&text);
            let _ = SioPacket::parse(&text);
            let _ = classify(status, &[], &text);
        }

        #[test]
        fn open_packets_with_any_fields_never_panic(sid in "\\PC{0,40}", n in any::<i64>(), up in "\\PC{0,20}") {
            let text = format!(r#"0{{"sid":{sid:?},"upgrades":[{up:?}],"pingInterval":{n},"pingTimeout":{n},"maxPayload":{n}}}"#);
            let _ = Packet::parse(&text);
            let _ = classify(200, &[], &text);
        }
    }
}
