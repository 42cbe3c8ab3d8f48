//! `webrtc`'s judgement: status and summary from its data.

use super::{GatherReport, ServerKind, WebrtcData, WsReach};
use crate::check::Status;
use crate::ice::CandidateType;
use crate::privacy::observed;

pub(crate) fn summarize(d: &WebrtcData) -> (Status, String) {
    let mut parts = Vec::new();
    let host = d
        .of_kind(ServerKind::Host)
        .map(|g| g.count(CandidateType::Host))
        .sum::<usize>();
    parts.push(format!(
        "{host} local candidate{}",
        if host == 1 { "" } else { "s" }
    ));
    let servers: Vec<&GatherReport> = d
        .gatherings
        .iter()
        .filter(|g| g.kind != ServerKind::Host)
        .collect();
    for g in &servers {
        let url = g.url.as_deref().map_or_else(|| "?".to_owned(), observed);
        parts.push(match (g.kind, g.worked()) {
            (ServerKind::Stun, true) => format!("{url}: reachable over UDP"),
            (ServerKind::Stun, false) => format!("{url}: no answer over UDP"),
            (_, true) => {
                // Each protocol once, sorted as it is inserted (two or three at most).
                let mut protocols: Vec<&str> = Vec::new();
                for p in g
                    .candidates
                    .iter()
                    .filter_map(|c| c.facts.relay_protocol.as_deref())
                {
                    if let Err(at) = protocols.binary_search(&p) {
                        protocols.insert(at, p);
                    }
                }
                format!(
                    "{url}: relay works{}",
                    if protocols.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", protocols.join(", "))
                    }
                )
            }
            (_, false) if g.unauthorized() => format!("{url}: credentials refused"),
            (_, false) => format!("{url}: no relay"),
        });
    }
    if let Some(lk) = &d.livekit {
        parts.push(match lk.answered {
            Some(true) => format!("LiveKit {} answers", observed(&lk.url)),
            Some(false) => format!("LiveKit {} does not answer", observed(&lk.url)),
            None => format!("LiveKit {}: no answer in time", observed(&lk.url)),
        });
        parts.push(match lk.websocket {
            Some(WsReach::Closed) if lk.answered == Some(true) => {
                "its WebSocket endpoint answers (and refuses, as it must without a token)".into()
            }
            Some(WsReach::Closed) => {
                "its WebSocket endpoint closed at once (nothing there, or a refusal)".into()
            }
            Some(WsReach::Opened) => "its WebSocket endpoint opens".into(),
            Some(WsReach::NoAnswer) => "its WebSocket endpoint does not answer".into(),
            None => "its WebSocket endpoint was not tried".into(),
        });
    }
    let working = servers.iter().filter(|g| g.worked()).count();
    let livekit_down = d
        .livekit
        .as_ref()
        .is_some_and(|l| l.answered != Some(true) || l.websocket == Some(WsReach::NoAnswer));
    let status = if servers.is_empty() && d.livekit.is_none() {
        parts.push("no STUN or TURN server is configured (stun, turn in conncheck.json)".into());
        if host > 0 {
            Status::Skip
        } else {
            Status::Warn
        }
    } else if working == servers.len() && !livekit_down {
        Status::Pass
    } else if working > 0 {
        Status::Warn
    } else {
        Status::Fail
    };
    (status, format!("{}.", parts.join("; ")))
}
