//! An unreadable check's reason: the kind of error in this page's words,
//! never the pasted data's own text.

use serde_json::json;

use super::known_fields;
use crate::catalog::CheckId;
use crate::checks::websocket::WebSocketData;
use crate::checks::CheckData;

const SECRET: &str = "SECRET-TOKEN-9f8e7d6c";

fn reason(id: CheckId, data: serde_json::Value) -> String {
    let read = CheckData::from_json(id, data);
    read.unreadable()
        .unwrap_or_else(|| panic!("read as {read:?}"))
        .to_owned()
}

/// A stranger's pasted report plants text where the data is malformed:
/// the reason names the kind of error, never the text.
#[test]
fn a_planted_secret_never_reaches_the_reason() {
    let planted = [
        // Wrong type: serde would quote the string.
        (CheckId::Websocket, json!({ "targets": SECRET })),
        // Unknown variant: serde would quote the variant.
        (
            CheckId::Websocket,
            json!({ "targets": [{ "target": SECRET, "url": "wss://x/" }] }),
        ),
        (
            CheckId::SocketioHandshake,
            json!({ "polls": 1, "reachability": SECRET }),
        ),
        // A nested enum with a planted variant.
        (
            CheckId::SocketioUpgrade,
            json!({ "upgrade": { "result": SECRET }, "websocket_only": {} }),
        ),
        // A planted field name where a field is missing.
        (CheckId::Media, json!({ SECRET: true })),
        (
            CheckId::ConnectionLifetime,
            json!({ "hold_s": SECRET, SECRET: SECRET }),
        ),
    ];
    for (id, data) in planted {
        let reason = reason(id, data.clone());
        assert!(!reason.contains(SECRET), "{id:?} {data}: {reason}");
        assert!(!reason.contains("SECRET"), "{id:?} {data}: {reason}");
        assert!(!reason.is_empty());
    }
}

#[test]
fn the_reason_says_the_kind_of_error() {
    assert_eq!(
        reason(CheckId::Websocket, json!({ "targets": SECRET })),
        "a value has the wrong type"
    );
    assert_eq!(
        reason(
            CheckId::Websocket,
            json!({ "targets": [{ "target": SECRET, "url": "wss://x/" }] })
        ),
        "a value names a variant this page does not know"
    );
}

/// A missing field is named when the type knows that name (and only
/// then: the name comes from the type, not from the data).
#[test]
fn a_missing_field_is_named_by_the_type() {
    assert_eq!(
        reason(CheckId::Websocket, json!({})),
        "the field `targets` is missing"
    );
    assert_eq!(
        reason(CheckId::SocketioHandshake, json!({ "url": "x" })),
        "the field `polls` is missing"
    );
    let fields = known_fields::<WebSocketData>();
    assert!(fields.contains("targets") && fields.contains("not_tested"));
    // A nested struct's fields are walked into.
    assert!(fields.contains("first_message"), "{fields:?}");
}
