//! Socket.IO 5 packets carried in Engine.IO messages (`4<socket.io packet>`):
//! namespace CONNECT and its answers, events and acknowledgements.

use std::fmt;

use crate::json::{self, Value};
use thiserror::Error;

use crate::engineio::Packet;
use crate::privacy::quoted;

#[derive(Debug, Clone, PartialEq)]
pub enum SioPacket {
    /// `0[/nsp,]{"sid":..}`: the namespace accepted the client.
    Connect {
        namespace: String,
    },
    Disconnect {
        namespace: String,
    },
    /// `4[/nsp,]{"message":..,"data":..}` (Socket.IO 5) or `4"message"` (4).
    ConnectError {
        namespace: String,
        message: String,
    },
    /// `2[/nsp,][id]["name",…]`.
    Event {
        namespace: String,
        ack: Option<u64>,
        args: Vec<Value>,
    },
    /// `3[/nsp,]id[…]`: the answer to the event with that id.
    Ack {
        namespace: String,
        id: u64,
        args: Vec<Value>,
    },
    /// Binary packets, and events or acks that do not parse: not used.
    Other {
        kind: u8,
        namespace: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SioError {
    #[error("empty Socket.IO packet")]
    Empty,
    #[error("unknown Socket.IO packet type {}", quoted(&.0.to_string()))]
    UnknownType(char),
}

/// The Engine.IO message text that connects to `namespace`.
pub fn connect_message(namespace: &str) -> String {
    SioPacket::Connect {
        namespace: namespace.to_owned(),
    }
    .message()
}

/// An Engine.IO message carrying a Socket.IO EVENT with an ack id:
/// `42/nsp,7["name",arg]` (no argument: `42/nsp,7["name"]`).
pub fn event_message(namespace: &str, ack: u64, name: &str, arg: Option<&Value>) -> String {
    let mut args = vec![Value::String(name.to_owned())];
    args.extend(arg.cloned());
    SioPacket::Event {
        namespace: namespace.to_owned(),
        ack: Some(ack),
        args,
    }
    .message()
}

/// A packet as it goes on the wire inside an Engine.IO message:
/// `[type][/nsp,][ack id][data]`; [`SioPacket::parse`] reads it back. A
/// CONNECT carries no auth data (a client's), CONNECT_ERROR its message.
impl fmt::Display for SioPacket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nsp = |namespace: &str| {
            if namespace == "/" {
                String::new()
            } else {
                format!("{namespace},")
            }
        };
        match self {
            SioPacket::Connect { namespace } => write!(f, "0{}", nsp(namespace)),
            SioPacket::Disconnect { namespace } => write!(f, "1{}", nsp(namespace)),
            SioPacket::Event {
                namespace,
                ack,
                args,
            } => {
                let ack = ack.map(|id| id.to_string()).unwrap_or_default();
                write!(f, "2{}{ack}{}", nsp(namespace), Value::Array(args.clone()))
            }
            SioPacket::Ack {
                namespace,
                id,
                args,
            } => write!(f, "3{}{id}{}", nsp(namespace), Value::Array(args.clone())),
            SioPacket::ConnectError { namespace, message } => {
                let data = Value::object([("message", message.as_str().into())]);
                write!(f, "4{}{data}", nsp(namespace))
            }
            SioPacket::Other { kind, namespace } => write!(f, "{kind}{}", nsp(namespace)),
        }
    }
}

impl SioPacket {
    /// The Engine.IO message that carries this packet.
    pub fn message(&self) -> String {
        Packet::Message(self.to_string()).to_string()
    }

    /// Parses a Socket.IO packet (the part after Engine.IO's `4`).
    pub fn parse(text: &str) -> Result<SioPacket, SioError> {
        let mut chars = text.chars();
        let kind_char = chars.next().ok_or(SioError::Empty)?;
        let kind = kind_char
            .to_digit(10)
            .filter(|d| *d <= 6)
            .ok_or(SioError::UnknownType(kind_char))? as u8;
        let rest = chars.as_str();
        let (namespace, data) = match rest.strip_prefix('/') {
            Some(_) => match rest.split_once(',') {
                Some((nsp, data)) => (nsp.to_owned(), data),
                None => (rest.to_owned(), ""),
            },
            None => ("/".to_owned(), rest),
        };
        Ok(match kind {
            0 => SioPacket::Connect { namespace },
            1 => SioPacket::Disconnect { namespace },
            4 => SioPacket::ConnectError {
                message: error_message(data),
                namespace,
            },
            2 | 3 => match (kind, ack_id(data)) {
                (3, Some((Some(id), args))) => SioPacket::Ack {
                    namespace,
                    id,
                    args,
                },
                (2, Some((ack, args))) => SioPacket::Event {
                    namespace,
                    ack,
                    args,
                },
                _ => SioPacket::Other { kind, namespace },
            },
            kind => SioPacket::Other { kind, namespace },
        })
    }
}

/// `[id]json-array`: the optional ack id and the arguments; `None` when the
/// rest is not a JSON array or the id is not a number.
fn ack_id(data: &str) -> Option<(Option<u64>, Vec<Value>)> {
    let digits = data.len() - data.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (id, json) = data.split_at(digits);
    let id = match id {
        "" => None,
        id => Some(id.parse().ok()?),
    };
    match json::parse(json).ok()? {
        Value::Array(args) => Some((id, args)),
        _ => None,
    }
}

fn error_message(data: &str) -> String {
    let message = match json::parse(data) {
        Ok(Value::Object(map)) => map
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned),
        Ok(Value::String(s)) => Some(s),
        _ => None,
    };
    let message = message.unwrap_or_else(|| data.to_owned());
    // The server's words reach the report: keep them short.
    message.chars().take(200).collect()
}

#[cfg(test)]
#[path = "socketio_tests.rs"]
mod tests;
