//! `--watch`'s reading of a polling hold's end: no marks around server
//! values in what it prints, and `limit` only the limit the cut matches.

use conncheck_core::checks::lifetime::match_limit;
use conncheck_core::privacy::{observed, CLOSE, OPEN};

use super::{polling_attempt, Attempt, PollingData};

fn marked(text: &str) -> bool {
    text.contains([OPEN, CLOSE])
}

#[test]
fn a_cut_polling_session_keeps_its_limit_and_its_words_apart() {
    let ended_by = format!(
        "A long-poll was answered HTTP 504 by {}.",
        observed("nginx")
    );
    let data = PollingData {
        opened: true,
        ping_interval_ms: Some(5_000),
        lifetime_ms: Some(9_000),
        waited_ms: Some(3_000),
        status: Some(504),
        ended_by,
        ..PollingData::default()
    };
    let expected = match_limit(3_000, Some(5_000), &data.hints).limit;
    let Attempt::Cut(cut) = polling_attempt(data, 8_000, 1) else {
        panic!("a session that opened and was lost is a cut");
    };
    assert_eq!(cut.limit.as_deref(), Some(expected.as_str()));
    assert_eq!(
        cut.ended_by.as_deref(),
        Some("A long-poll was answered HTTP 504 by \"nginx\".")
    );
    assert_eq!(
        (cut.status, cut.waited_ms, cut.lifetime_ms),
        (Some(504), Some(3_000), 9_000)
    );
}

#[test]
fn a_failed_polling_open_is_plain_text() {
    let data = PollingData {
        ended_by: format!("The polling handshake failed: {}.", observed("<html>")),
        ..PollingData::default()
    };
    let Attempt::NotOpened(summary) = polling_attempt(data, 8_000, 1) else {
        panic!("a session that never opened");
    };
    assert!(!marked(&summary), "{summary:?}");
    assert_eq!(summary, "The polling handshake failed: \"<html>\".");
}
