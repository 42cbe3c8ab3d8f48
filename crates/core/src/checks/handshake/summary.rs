//! `socketio-handshake`'s judgement: status and summary from its data.

use super::{HandshakeData, NamespaceResult, Reachability, STEP_TIMEOUT_MS};
use crate::check::Status;
use crate::checks::seconds;
use crate::classify::{StepResult, TRANSPORT_UNKNOWN};
use crate::privacy::observed;

pub(crate) fn summarize(d: &HandshakeData, namespace_valid: bool) -> (Status, String) {
    let Some(open) = &d.open else {
        return (Status::Fail, "The handshake did not complete.".into());
    };
    match (&open.result, &d.negotiated, &d.namespace) {
        (StepResult::NetworkError { message }, _, _) => match d.reachability {
            Some(Reachability::Answered) => (
                Status::Fail,
                "The Socket.IO server answered, but the browser was not allowed to read the answer (CORS).".into(),
            ),
            _ => (Status::Fail, format!("Nothing answered at the Socket.IO endpoint ({}).", observed(message))),
        },
        (StepResult::Timeout, _, _) => (
            Status::Fail,
            format!("The Socket.IO endpoint did not answer within {} s.", STEP_TIMEOUT_MS / 1000),
        ),
        (StepResult::Answered(obs), None, _) if obs.error_code() == Some(TRANSPORT_UNKNOWN) => (
            Status::Warn,
            "The server refuses HTTP long-polling and accepts WebSocket only: clients must use transports: [\"websocket\"].".into(),
        ),
        (StepResult::Answered(obs), None, _) => {
            (Status::Fail, format!("The Socket.IO endpoint answered {} instead of a handshake.", obs.describe()))
        }
        (_, Some(params), Some(ns)) => {
            let opened = format!("Handshake in {} ms (ping every {})", open.ms, seconds(params.ping_interval_ms));
            match &ns.result {
                NamespaceResult::Connected => (
                    Status::Pass,
                    format!("{opened}; connected to namespace {} in {} ms.", observed(&ns.namespace), ns.ms),
                ),
                NamespaceResult::Refused { message } => (
                    Status::Fail,
                    format!("{opened}, but namespace {} refused the connection: {}.", observed(&ns.namespace), observed(message)),
                ),
                NamespaceResult::Failed(obs) => (
                    Status::Fail,
                    format!("{opened}, but the next request of the session got {}.", obs.describe()),
                ),
                NamespaceResult::Closed => (Status::Fail, format!("{opened}, but the server closed the session.")),
                NamespaceResult::NetworkError { message } => {
                    (Status::Fail, format!("{opened}, but connecting the namespace failed ({}).", observed(message)))
                }
                NamespaceResult::Timeout | NamespaceResult::NoAnswer => (
                    Status::Fail,
                    format!("{opened}, but namespace {} never answered.", observed(&ns.namespace)),
                ),
            }
        }
        (_, Some(params), None) => (
            if namespace_valid { Status::Fail } else { Status::Warn },
            format!(
                "Handshake in {} ms (ping every {}); the namespace was not tried: its configured value is invalid.",
                open.ms,
                seconds(params.ping_interval_ms)
            ),
        ),
    }
}
