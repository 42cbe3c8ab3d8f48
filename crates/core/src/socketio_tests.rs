//! Socket.IO packets: exact wire strings in, packets out.

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
            SioPacket::Event {
                namespace: "/".into(),
                ack: None,
                args: vec!["hello".into(), "node".into()],
            },
        ),
        (
            r#"2/conncheck,["probe",{"nonce":"n1","from":"p"}]"#,
            SioPacket::Event {
                namespace: "/conncheck".into(),
                ack: None,
                args: vec!["probe".into(), j(r#"{"nonce": "n1", "from": "p"}"#)],
            },
        ),
        (
            r#"3/conncheck,12[{"ok":true,"v":1,"pod":"3f9c5be0d2a1e7c4"}]"#,
            SioPacket::Ack {
                namespace: "/conncheck".into(),
                id: 12,
                args: vec![j(r#"{"ok": true, "v": 1, "pod": "3f9c5be0d2a1e7c4"}"#)],
            },
        ),
        // An ack without an id, or an event whose data is no array.
        (
            r#"3/conncheck,[{"ok":true}]"#,
            SioPacket::Other {
                kind: 3,
                namespace: "/conncheck".into(),
            },
        ),
        (
            r#"2/conncheck,5{"a":1}"#,
            SioPacket::Other {
                kind: 2,
                namespace: "/conncheck".into(),
            },
        ),
        (
            r#"3/conncheck,99999999999999999999999[]"#,
            SioPacket::Other {
                kind: 3,
                namespace: "/conncheck".into(),
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

/// Every kind of packet, encoded exactly as the wire has it, and read
/// back from it.
#[test]
fn encode_table() {
    let nsp = |n: &str| n.to_owned();
    let table: &[(SioPacket, &str)] = &[
        (
            SioPacket::Connect {
                namespace: nsp("/"),
            },
            "0",
        ),
        (
            SioPacket::Connect {
                namespace: nsp("/admin"),
            },
            "0/admin,",
        ),
        (
            SioPacket::Disconnect {
                namespace: nsp("/admin"),
            },
            "1/admin,",
        ),
        (
            SioPacket::Event {
                namespace: nsp("/conncheck"),
                ack: Some(7),
                args: vec!["listen".into(), j(r#"{"room": "r"}"#)],
            },
            r#"2/conncheck,7["listen",{"room":"r"}]"#,
        ),
        (
            SioPacket::Event {
                namespace: nsp("/"),
                ack: None,
                args: vec!["hello".into()],
            },
            r#"2["hello"]"#,
        ),
        (
            SioPacket::Ack {
                namespace: nsp("/conncheck"),
                id: 12,
                args: vec![j(r#"{"ok": true}"#)],
            },
            r#"3/conncheck,12[{"ok":true}]"#,
        ),
        (
            SioPacket::ConnectError {
                namespace: nsp("/"),
                message: "Invalid namespace".into(),
            },
            r#"4{"message":"Invalid namespace"}"#,
        ),
        (
            SioPacket::Other {
                kind: 5,
                namespace: nsp("/a"),
            },
            "5/a,",
        ),
    ];
    for (packet, wire) in table {
        assert_eq!(packet.to_string(), *wire, "{packet:?}");
        assert_eq!(SioPacket::parse(wire).as_ref(), Ok(packet), "wire {wire:?}");
    }
    assert_eq!(
        SioPacket::Connect {
            namespace: nsp("/admin")
        }
        .message(),
        "40/admin,"
    );
}

#[test]
fn event_messages_as_the_companion_expects_them() {
    let room = j(r#"{"room": "r7Kq2xWm9PzLs4Tb"}"#);
    assert_eq!(
        event_message("/conncheck", 0, "hello", None),
        r#"42/conncheck,0["hello"]"#
    );
    assert_eq!(
        event_message("/conncheck", 1, "listen", Some(&room)),
        r#"42/conncheck,1["listen",{"room":"r7Kq2xWm9PzLs4Tb"}]"#
    );
    assert_eq!(event_message("/", 3, "x", None), r#"423["x"]"#);
}

#[test]
fn long_error_messages_are_cut() {
    let long = format!(r#"4{{"message":"{}"}}"#, "a".repeat(500));
    let SioPacket::ConnectError { message, .. } = SioPacket::parse(&long).unwrap() else {
        panic!()
    };
    assert_eq!(message.len(), 200);
}

/// A JSON value from its text.
fn j(text: &str) -> Value {
    crate::json::parse(text).expect("JSON")
}
