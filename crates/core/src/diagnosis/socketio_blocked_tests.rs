//! `websocket-blocked`: when failing WebSockets prove a hop drops the
//! upgrade, and when they do not.

use super::tests::*;
use super::*;
use crate::catalog::FindingId;
use crate::checks::upgrade::{DirectResult, UpgradeResult};
use crate::checks::websocket::TargetResult;

#[test]
fn dropped_upgrade_is_websocket_blocked_with_evidence() {
    let up = upgrade(
        UpgradeResult::ClosedBeforeOpen,
        DirectResult::ClosedBeforeOpen,
        bad_request(),
    );
    let ws = websocket(TargetResult::ClosedBeforeOpen, 1006);
    let found = findings(Some(&ws), Some(&healthy_handshake()), Some(&up), None);
    assert_eq!(
        found.iter().map(|f| f.id).collect::<Vec<_>>(),
        [FindingId::WebsocketBlocked]
    );
    let evidence = crate::privacy::plain(&found[0].evidence.join("\n"));
    for words in [
        "Polling handshake: HTTP 200 with an Engine.IO open packet",
        "code 1006",
        "Engine.IO error 3 \"Bad request\": the path reaches Engine.IO",
    ] {
        assert!(evidence.contains(words), "{words} not in {evidence}");
    }
    assert_eq!(found[0].fixes.len(), 9);
}

#[test]
fn socketioxide_empty_400_also_proves_the_path() {
    // socketioxide answers a GET transport=websocket without Upgrade with an empty 400.
    let up = upgrade(
        UpgradeResult::NoSession,
        DirectResult::ClosedBeforeOpen,
        answered(400, ""),
    );
    let hs = handshake(
        answered(400, r#"{"code":"0","message":"Transport unknown"}"#),
        None,
    );
    assert_eq!(ids(None, Some(hs), Some(up)), [FindingId::WebsocketBlocked]);
}

#[test]
fn upgrade_answered_but_not_carried_is_websocket_blocked() {
    // socketioxide behind an nginx that drops Upgrade: the 101 passes, no data does.
    let mut ws = websocket(TargetResult::ClosedAfterOpen, 1006);
    ws.targets[0].open_ms = Some(20);
    let up = upgrade(
        UpgradeResult::ClosedEarly,
        DirectResult::NoOpenPacket,
        answered(400, ""),
    );
    let found = findings(Some(&ws), Some(&healthy_handshake()), Some(&up), None);
    assert_eq!(
        found.iter().map(|f| f.id).collect::<Vec<_>>(),
        [FindingId::WebsocketBlocked]
    );
    assert_eq!(
        found[0]
            .evidence
            .iter()
            .filter(|e| e.contains("opened, then cut with code 1006"))
            .count(),
        3
    );
}

#[test]
fn a_server_closing_after_the_probe_is_not_blocked() {
    let mut up = upgrade(
        UpgradeResult::ClosedEarly,
        DirectResult::Connected,
        bad_request(),
    );
    up.upgrade.probe_ms = Some(3);
    assert_eq!(
        ids(
            Some(websocket(TargetResult::Answered, 1000)),
            Some(healthy_handshake()),
            Some(up)
        ),
        []
    );
}

#[test]
fn only_the_sid_upgrade_failing_is_not_a_block() {
    // Without sticky sessions the upgrade's sid may live on another backend.
    let up = upgrade(
        UpgradeResult::ClosedBeforeOpen,
        DirectResult::Connected,
        bad_request(),
    );
    assert_eq!(
        ids(
            Some(websocket(TargetResult::Answered, 1000)),
            Some(healthy_handshake()),
            Some(up)
        ),
        []
    );
}

#[test]
fn websocket_only_server_is_healthy() {
    let up = upgrade(
        UpgradeResult::NoSession,
        DirectResult::Connected,
        bad_request(),
    );
    let hs = handshake(
        answered(400, r#"{"code":0,"message":"Transport unknown"}"#),
        None,
    );
    assert_eq!(
        ids(
            Some(websocket(TargetResult::Answered, 1000)),
            Some(hs),
            Some(up)
        ),
        []
    );
}

#[test]
fn polling_only_server_is_upgrades_disabled_not_blocked() {
    let mut hs = healthy_handshake();
    hs.negotiated = Some(params(&[]));
    let up = upgrade(
        UpgradeResult::NotOffered,
        DirectResult::ClosedBeforeOpen,
        answered(400, r#"{"code":0,"message":"Transport unknown"}"#),
    );
    assert_eq!(
        ids(
            Some(websocket(TargetResult::ClosedBeforeOpen, 1006)),
            Some(hs),
            Some(up)
        ),
        [FindingId::UpgradesDisabled]
    );
}
