//! `connection-lifetime`'s judgement: status and summary from its data.

use super::LifetimeData;
use crate::check::Status;
use crate::checks::seconds;

pub(crate) fn summarize(d: &LifetimeData) -> (Status, String) {
    // The limit is this page's own, from the numbers: never the stored name.
    let limit = d
        .matched_limit
        .as_ref()
        .and(d.lifetime_ms)
        .map(|ms| super::match_limit(ms, d.ping_interval_ms, &d.hints));
    match (d.opened, d.held, d.lifetime_ms, limit) {
        (false, ..) => (
            Status::Fail,
            "The Socket.IO WebSocket did not open, so its lifetime could not be measured.".into(),
        ),
        (true, true, ..) => (
            Status::Pass,
            format!(
                "The connection stayed up for the whole {} ({} pings answered).",
                seconds(d.hold_ms()),
                d.pings_answered
            ),
        ),
        (true, false, Some(ms), Some(limit)) => (
            Status::Fail,
            format!(
                "The connection was cut after {}: most likely {}.",
                seconds(ms),
                limit.limit
            ),
        ),
        _ => (
            Status::Fail,
            "The connection ended without a close being observed.".into(),
        ),
    }
}
