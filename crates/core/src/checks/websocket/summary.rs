//! `websocket`'s judgement: status and summary from its data.

use super::{TargetKind, TargetReport, TargetResult, WebSocketData, OPEN_TIMEOUT_MS};
use crate::check::Status;

pub(crate) fn summarize(d: &WebSocketData) -> (Status, String) {
    if d.targets.is_empty() {
        return (
            Status::Skip,
            format!(
                "Not run: {}.",
                d.not_tested
                    .iter()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        );
    }
    let status = d
        .targets
        .iter()
        .map(|t| target_status(t.result))
        .max_by_key(|s| severity_rank(*s))
        .unwrap_or(Status::Skip);
    let mut parts: Vec<String> = d.targets.iter().map(describe).collect();
    parts.extend(
        d.not_tested
            .iter()
            .map(|n| format!("Not tested: {}.", n.as_str())),
    );
    (status, parts.join(" "))
}

fn target_status(result: Option<TargetResult>) -> Status {
    match result {
        Some(TargetResult::Answered | TargetResult::OpenedSilent) => Status::Pass,
        Some(TargetResult::UnexpectedMessage) => Status::Warn,
        Some(
            TargetResult::ClosedBeforeOpen
            | TargetResult::ClosedAfterOpen
            | TargetResult::OpenTimeout,
        )
        | None => Status::Fail,
    }
}

fn severity_rank(s: Status) -> u8 {
    match s {
        Status::Skip => 0,
        Status::Pass => 1,
        Status::Warn => 2,
        Status::Fail => 3,
    }
}

fn describe(r: &TargetReport) -> String {
    let name = match r.target {
        TargetKind::Socketio => "The WebSocket to the Socket.IO endpoint",
        TargetKind::Ws => "The extra WebSocket",
    };
    let close = r
        .close
        .as_ref()
        .map(|c| {
            format!(
                " (close code {}{})",
                c.code,
                if c.clean { "" } else { ", not clean" }
            )
        })
        .unwrap_or_default();
    match r.result {
        Some(TargetResult::Answered) => {
            format!(
                "{name} opened in {} ms and the server answered.",
                r.open_ms.unwrap_or(0)
            )
        }
        Some(TargetResult::OpenedSilent) => {
            format!(
                "{name} opened in {} ms; the server sent nothing.",
                r.open_ms.unwrap_or(0)
            )
        }
        Some(TargetResult::UnexpectedMessage) => format!(
            "{name} opened in {} ms, but no Engine.IO open packet came back{close}.",
            r.open_ms.unwrap_or(0)
        ),
        Some(TargetResult::ClosedBeforeOpen) => {
            format!("{name} was closed before it opened{close}.")
        }
        Some(TargetResult::ClosedAfterOpen) => format!(
            "{name} opened in {} ms, then was cut before any message{close}.",
            r.open_ms.unwrap_or(0)
        ),
        Some(TargetResult::OpenTimeout) => {
            format!("{name} did not open within {} s.", OPEN_TIMEOUT_MS / 1000)
        }
        None => format!("{name} was not completed."),
    }
}
