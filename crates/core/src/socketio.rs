//! Socket.IO 5 packets carried in Engine.IO messages (`4<socket.io packet>`):
//! namespace CONNECT and its answers.

use serde_json::Value;
use thiserror::Error;

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
    /// Events, acks and binary packets: not used by the checks.
    Other {
        kind: u8,
        namespace: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SioError {
    #[error("empty Socket.IO packet")]
    Empty,
    #[error("unknown Socket.IO packet type {0:?}")]
    UnknownType(char),
}

/// The Engine.IO message text that connects to `namespace`.
pub fn connect_message(namespace: &str) -> String {
    if namespace == "/" {
        "40".to_owned()
    } else {
        format!("40{namespace},")
    }
}

impl SioPacket {
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
            kind => SioPacket::Other { kind, namespace },
        })
    }
}

fn error_message(data: &str) -> String {
    let message = match serde_json::from_str::<Value>(data) {
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
mod tests {
    use super::*;

    #[test]
    fn connect_messages() {
        assert_eq!(connect_message("/"), "40");
        assert_eq!(connect_message("/admin"), "40/admin,");
    }

    #[test]
    fn packet_table() {
        let table: &[(&str, SioPacket)] = &[
            (
                r#"0{"sid":"xyz"}"#,
                SioPacket::Connect {
                    namespace: "/".into(),
                },
            ),
            (
                r#"0/admin,{"sid":"xyz"}"#,
                SioPacket::Connect {
                    namespace: "/admin".into(),
                },
            ),
            (
                "0",
                SioPacket::Connect {
                    namespace: "/".into(),
                },
            ),
            (
                r#"4/admin,{"message":"not authorized","data":{"reason":"x"}}"#,
                SioPacket::ConnectError {
                    namespace: "/admin".into(),
                    message: "not authorized".into(),
                },
            ),
            (
                r#"4{"message":"Invalid namespace"}"#,
                SioPacket::ConnectError {
                    namespace: "/".into(),
                    message: "Invalid namespace".into(),
                },
            ),
            (
                r#"4/admin,"not authorized""#,
                SioPacket::ConnectError {
                    namespace: "/admin".into(),
                    message: "not authorized".into(),
                },
            ),
            (
                "1/admin,",
                SioPacket::Disconnect {
                    namespace: "/admin".into(),
                },
            ),
            (
                r#"2["hello","node"]"#,
                SioPacket::Other {
                    kind: 2,
                    namespace: "/".into(),
                },
            ),
        ];
        for (wire, expected) in table {
            assert_eq!(&SioPacket::parse(wire).unwrap(), expected, "wire {wire:?}");
        }
        assert_eq!(SioPacket::parse(""), Err(SioError::Empty));
        assert_eq!(SioPacket::parse("9"), Err(SioError::UnknownType('9')));
        assert_eq!(SioPacket::parse("x"), Err(SioError::UnknownType('x')));
    }

    #[test]
    fn long_error_messages_are_cut() {
        let long = format!(r#"4{{"message":"{}"}}"#, "a".repeat(500));
        let SioPacket::ConnectError { message, .. } = SioPacket::parse(&long).unwrap() else {
            panic!()
        };
        assert_eq!(message.len(), 200);
    }
}
