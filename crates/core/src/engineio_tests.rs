//! Engine.IO packets and payloads: exact wire strings in, packets out.

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
    let text =
        r#"0{"sid":"x","upgrades":[],"pingInterval":300,"pingTimeout":200,"maxPayload":100000}"#;
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
        Packet::parse(r#"0{"sid":"a","upgrades":"websocket","pingInterval":1,"pingTimeout":1}"#),
        Err(PacketError::BadOpenJson(_))
    ));
}

#[test]
fn an_open_field_of_the_wrong_type_is_named_without_its_value() {
    let base = r#""pingInterval":25000,"pingTimeout":20000"#;
    for (fields, message) in [
        (r#""sid":5,"upgrades":[]"#, "`sid` is not a string"),
        (
            r#""sid":"s-secret","upgrades":[1]"#,
            "`upgrades` is not a list of strings",
        ),
        (
            r#""sid":"s-secret","upgrades":"websocket""#,
            "`upgrades` is not a list of strings",
        ),
        (
            r#""sid":"s-secret","upgrades":[],"maxPayload":-1"#,
            "`maxPayload` is not a whole number",
        ),
    ] {
        let text = format!("0{{{fields},{base}}}");
        assert_eq!(
            Packet::parse(&text),
            Err(PacketError::BadOpenJson(message.into())),
            "{text}"
        );
    }
    assert_eq!(
        Packet::parse(r#"0{"upgrades":[],"pingInterval":1,"pingTimeout":1}"#),
        Err(PacketError::OpenFieldMissing("sid"))
    );
    // The last of a field written twice counts, as in every JSON reader here.
    let twice = r#"0{"sid":"a","sid":"b","upgrades":[],"pingInterval":1,"pingTimeout":1}"#;
    assert!(matches!(Packet::parse(twice), Ok(Packet::Open(open)) if open.sid == "b"));
}
