//! Engine.IO 4 packets as they travel over a WebSocket or inside a polling
//! payload (`<type digit><data>`), and the open packet's parameters.
//!
//! The session id is parsed because later requests of a session need it, but
//! it is kept out of every `Serialize` type: it must never reach a report.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::json::{self, Map, Value};
use crate::privacy::quoted;

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
    #[error("unknown Engine.IO packet type {}", quoted(&.0.to_string()))]
    UnknownType(char),
    #[error("the open packet is not the JSON object Engine.IO sends: {0}")]
    BadOpenJson(String),
    #[error("the open packet lacks the field `{0}`")]
    OpenFieldMissing(&'static str),
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
        let params = &self.params;
        let upgrades = params.upgrades.iter().map(|u| u.as_str().into());
        let mut json = Map::from([
            ("sid", self.sid.as_str().into()),
            ("upgrades", Value::Array(upgrades.collect())),
            ("pingInterval", params.ping_interval_ms.into()),
            ("pingTimeout", params.ping_timeout_ms.into()),
        ]);
        if let Some(max) = params.max_payload {
            json.insert("maxPayload".into(), max.into());
        }
        Value::Object(json).to_string()
    }

    pub fn parse(text: &str) -> Result<OpenPacket, PacketError> {
        let json = json::parse(text).map_err(|e| PacketError::BadOpenJson(e.to_string()))?;
        let Value::Object(fields) = json else {
            return Err(PacketError::BadOpenJson(format!(
                "{} instead of an object",
                json.kind()
            )));
        };
        // A field that is absent or null is missing; one of another type
        // makes the whole packet malformed.
        let field = |name: &'static str| match fields.get(name) {
            None | Some(Value::Null) => Err(PacketError::OpenFieldMissing(name)),
            Some(value) => Ok(value),
        };
        let wrong =
            |name: &str, what: &str| PacketError::BadOpenJson(format!("`{name}` is not {what}"));
        let number = |name: &'static str| {
            field(name)?
                .as_u64()
                .ok_or_else(|| wrong(name, "a whole number"))
        };
        let sid = field("sid")?
            .as_str()
            .ok_or_else(|| wrong("sid", "a string"))?;
        let upgrades = match field("upgrades")? {
            Value::Array(items) => items
                .iter()
                .map(|u| u.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>(),
            _ => None,
        }
        .ok_or_else(|| wrong("upgrades", "a list of strings"))?;
        let params = OpenParams {
            upgrades,
            ping_interval_ms: number("pingInterval")?,
            ping_timeout_ms: number("pingTimeout")?,
            max_payload: match number("maxPayload") {
                Err(PacketError::OpenFieldMissing(_)) => None,
                other => Some(other?),
            },
        };
        Ok(OpenPacket {
            sid: sid.to_owned(),
            params,
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
#[path = "engineio_tests.rs"]
mod tests;

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
