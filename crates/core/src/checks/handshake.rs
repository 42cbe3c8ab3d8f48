//! `socketio-handshake`: the Engine.IO polling open, then the namespace
//! CONNECT (`40` → `40{..}` or `44{..}`), each timed. When the open fails
//! at the network level, a `no-cors` probe tells "CORS refused the answer"
//! from "nothing answered".

use serde::{Deserialize, Serialize};
use url::Url;

use super::{engineio_url, seconds, since, skipped_without_endpoint, Transport};
use crate::catalog::CheckId;
use crate::check::{
    Check, Credentials, Event, FetchMode, FetchRequest, Handle, Millis, Progress, Status,
};
use crate::classify::{classify, HttpObservation, HttpStep, StepResult, TRANSPORT_UNKNOWN};
use crate::config::Config;
use crate::engineio::{split_payload, OpenParams, Packet, Payload, MAX_PACKETS_PER_POLL};
use crate::privacy::redact_url;
use crate::socketio::{connect_message, SioPacket};

/// This check's actions and outcome, with its data type.
type Action = crate::check::Action<HandshakeData>;
type Outcome = crate::check::Outcome<HandshakeData>;

pub const STEP_TIMEOUT_MS: Millis = 10_000;
pub const PROBE_TIMEOUT_MS: Millis = 5_000;
/// Polls after the CONNECT before giving up on the namespace's answer.
pub const MAX_POLLS: u32 = 3;

/// Requests: the open, its `no-cors` probe, the CONNECT, then the polls
/// (the `n`th poll is `POLLS.start + n`).
const OPEN: Handle = 0;
const PROBE: Handle = 1;
const CONNECT: Handle = 2;
const POLLS: std::ops::Range<Handle> = 3..3 + MAX_POLLS;
/// The one timer.
const STEP_TIMER: Handle = 0;

/// Whether anything answered a `no-cors` request for the same URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reachability {
    /// Something answered: the earlier failure was CORS refusing the answer.
    Answered,
    NoAnswer,
    Timeout,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum NamespaceResult {
    Connected,
    Refused {
        message: String,
    },
    /// The session's next request got an unexpected answer, such as
    /// "Session ID unknown" from another backend.
    Failed(HttpObservation),
    /// The server closed the Engine.IO session.
    Closed,
    NetworkError {
        message: String,
    },
    Timeout,
    /// Polls ran out with no answer from the namespace.
    NoAnswer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceStep {
    pub namespace: String,
    pub ms: Millis,
    #[serde(flatten)]
    pub result: NamespaceResult,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandshakeData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<HttpStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negotiated: Option<OpenParams>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reachability: Option<Reachability>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<NamespaceStep>,
    pub polls: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Opening,
    Probing,
    Connecting,
    Done,
}

pub struct HandshakeCheck {
    endpoint: Option<Url>,
    namespace: Option<String>,
    phase: Phase,
    started: Millis,
    step_started: Millis,
    sid: Option<String>,
    data: HandshakeData,
}

impl HandshakeCheck {
    pub fn new(config: &Config) -> Self {
        HandshakeCheck {
            endpoint: config.socketio.clone(),
            namespace: config.namespace.clone(),
            phase: Phase::Opening,
            started: 0,
            step_started: 0,
            sid: None,
            data: HandshakeData {
                url: config.socketio.as_ref().map(|u| redact_url(u.as_str())),
                open: None,
                negotiated: None,
                reachability: None,
                namespace: None,
                polls: 0,
            },
        }
    }

    fn url(&self, sid: Option<&str>) -> String {
        // `start` finishes at once without an endpoint, so it is set here.
        self.endpoint
            .as_ref()
            .map(|e| engineio_url(e, Transport::Polling, sid).to_string())
            .unwrap_or_default()
    }

    fn on_open(
        &mut self,
        status: u16,
        headers: &[(String, String)],
        body: &str,
        now: Millis,
    ) -> Vec<Action> {
        let (obs, open) = classify(status, headers, body);
        self.data.open = Some(HttpStep {
            ms: since(self.started, now),
            result: StepResult::Answered(obs),
        });
        let (Some(open), 200) = (open, status) else {
            return self.finish();
        };
        self.data.negotiated = Some(open.params);
        let Some(namespace) = self.namespace.clone() else {
            return self.finish();
        };
        let url = self.url(Some(&open.sid));
        self.sid = Some(open.sid);
        self.phase = Phase::Connecting;
        self.step_started = now;
        // The CONNECT and the first poll go out together, as the official
        // client does: the poll brings the namespace's answer.
        vec![
            Action::Fetch {
                id: CONNECT,
                request: FetchRequest::post(url.clone(), connect_message(&namespace)),
            },
            Action::Fetch {
                id: POLLS.start,
                request: FetchRequest::get(url),
            },
            Action::SetTimer {
                id: STEP_TIMER,
                after_ms: STEP_TIMEOUT_MS,
            },
        ]
    }

    fn on_poll(
        &mut self,
        status: u16,
        headers: &[(String, String)],
        body: &str,
    ) -> Result<Vec<Action>, NamespaceResult> {
        self.data.polls += 1;
        let packets = match (status, split_payload(body)) {
            (200, Payload::V4(packets)) => packets,
            _ => return Err(NamespaceResult::Failed(classify(status, headers, body).0)),
        };
        let mut actions = Vec::new();
        let mut ponged = false;
        for packet in packets.into_iter().take(MAX_PACKETS_PER_POLL) {
            match Packet::parse(packet) {
                Ok(Packet::Message(message)) => match SioPacket::parse(&message) {
                    Ok(SioPacket::Connect { namespace })
                        if Some(&namespace) == self.namespace.as_ref() =>
                    {
                        return Err(NamespaceResult::Connected)
                    }
                    Ok(SioPacket::ConnectError { message, .. }) => {
                        return Err(NamespaceResult::Refused { message })
                    }
                    _ => {}
                },
                Ok(Packet::Close) => return Err(NamespaceResult::Closed),
                // A v4 server pings; the client must answer, never ping itself.
                // One pong per poll: a flood of pings is not a flood of requests.
                Ok(Packet::Ping(data)) if !ponged => {
                    ponged = true;
                    actions.push(Action::Beacon(FetchRequest::post(
                        self.url(self.sid.as_deref()),
                        Packet::Pong(data.chars().take(64).collect()).to_string(),
                    )))
                }
                _ => {}
            }
        }
        if self.data.polls >= MAX_POLLS {
            return Err(NamespaceResult::NoAnswer);
        }
        let id = POLLS.start + self.data.polls;
        actions.push(Action::Fetch {
            id,
            request: FetchRequest::get(self.url(self.sid.as_deref())),
        });
        Ok(actions)
    }

    fn namespace_result(&mut self, result: NamespaceResult, now: Millis) -> Vec<Action> {
        self.data.namespace = Some(NamespaceStep {
            namespace: self.namespace.clone().unwrap_or_default(),
            ms: since(self.step_started, now),
            result,
        });
        self.finish()
    }

    fn finish(&mut self) -> Vec<Action> {
        self.phase = Phase::Done;
        let mut actions = vec![Action::CancelTimer { id: STEP_TIMER }];
        if let Some(sid) = self.sid.take() {
            actions.push(Action::Beacon(FetchRequest::post(
                self.url(Some(&sid)),
                Packet::Close.to_string(),
            )));
        }
        actions.push(Action::Finish(self.outcome()));
        actions
    }

    fn outcome(&self) -> Outcome {
        Outcome::judged(summarize(&self.data, self.namespace.is_some()), &self.data)
    }
}

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
            _ => (Status::Fail, format!("Nothing answered at the Socket.IO endpoint ({message}).")),
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
                    format!("{opened}; connected to namespace {} in {} ms.", ns.namespace, ns.ms),
                ),
                NamespaceResult::Refused { message } => (
                    Status::Fail,
                    format!("{opened}, but namespace {} refused the connection: \"{message}\".", ns.namespace),
                ),
                NamespaceResult::Failed(obs) => (
                    Status::Fail,
                    format!("{opened}, but the next request of the session got {}.", obs.describe()),
                ),
                NamespaceResult::Closed => (Status::Fail, format!("{opened}, but the server closed the session.")),
                NamespaceResult::NetworkError { message } => {
                    (Status::Fail, format!("{opened}, but connecting the namespace failed ({message})."))
                }
                NamespaceResult::Timeout | NamespaceResult::NoAnswer => (
                    Status::Fail,
                    format!("{opened}, but namespace {} never answered.", ns.namespace),
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

impl Check for HandshakeCheck {
    type Data = HandshakeData;

    fn id(&self) -> CheckId {
        CheckId::SocketioHandshake
    }

    fn start(&mut self, now: Millis) -> Vec<Action> {
        self.started = now;
        if self.endpoint.is_none() {
            self.phase = Phase::Done;
            return skipped_without_endpoint(&self.data);
        }
        vec![
            Action::Fetch {
                id: OPEN,
                request: FetchRequest::get(self.url(None)),
            },
            Action::SetTimer {
                id: STEP_TIMER,
                after_ms: STEP_TIMEOUT_MS,
            },
        ]
    }

    fn handle(&mut self, event: Event, now: Millis) -> Vec<Action> {
        let mut actions = Vec::new();
        let first_answer = matches!(
            event,
            Event::HttpResponse { id: OPEN, .. }
                | Event::HttpFailed { id: OPEN, .. }
                | Event::Timeout { id: STEP_TIMER }
        );
        if self.phase == Phase::Opening && first_answer {
            // Whatever this first answer set, the jar holds it now: the
            // runner starts the checks that share the jar (sticky-session).
            actions.push(Action::Progress(Progress::CookieJarSettled));
        }
        actions.extend(self.on_event(event, now));
        actions
    }
}

impl HandshakeCheck {
    fn on_event(&mut self, event: Event, now: Millis) -> Vec<Action> {
        match (self.phase, event) {
            (
                Phase::Opening,
                Event::HttpResponse {
                    id: OPEN,
                    status,
                    headers,
                    body,
                },
            ) => self.on_open(status, &headers, &body, now),
            (Phase::Opening, Event::HttpFailed { id: OPEN, message }) => {
                let ms = since(self.started, now);
                self.data.open = Some(HttpStep {
                    ms,
                    result: StepResult::NetworkError { message },
                });
                self.phase = Phase::Probing;
                let request = FetchRequest {
                    mode: FetchMode::NoCors,
                    credentials: Credentials::Omit,
                    ..FetchRequest::get(self.url(None))
                };
                vec![
                    Action::Fetch { id: PROBE, request },
                    Action::SetTimer {
                        id: STEP_TIMER,
                        after_ms: PROBE_TIMEOUT_MS,
                    },
                ]
            }
            (Phase::Opening, Event::Timeout { id: STEP_TIMER }) => {
                self.data.open = Some(HttpStep {
                    ms: since(self.started, now),
                    result: StepResult::Timeout,
                });
                self.finish()
            }
            (Phase::Probing, Event::HttpResponse { id: PROBE, .. }) => {
                self.data.reachability = Some(Reachability::Answered);
                self.finish()
            }
            (Phase::Probing, Event::HttpFailed { id: PROBE, .. }) => {
                self.data.reachability = Some(Reachability::NoAnswer);
                self.finish()
            }
            (Phase::Probing, Event::Timeout { id: STEP_TIMER }) => {
                self.data.reachability = Some(Reachability::Timeout);
                self.finish()
            }
            (
                Phase::Connecting,
                Event::HttpResponse {
                    id: CONNECT,
                    status,
                    headers,
                    body,
                },
            ) => {
                if status == 200 {
                    return Vec::new();
                }
                let obs = classify(status, &headers, &body).0;
                self.namespace_result(NamespaceResult::Failed(obs), now)
            }
            (
                Phase::Connecting,
                Event::HttpResponse {
                    id,
                    status,
                    headers,
                    body,
                },
            ) if POLLS.contains(&id) => match self.on_poll(status, &headers, &body) {
                Ok(actions) => actions,
                Err(result) => self.namespace_result(result, now),
            },
            (Phase::Connecting, Event::HttpFailed { message, .. }) => {
                self.namespace_result(NamespaceResult::NetworkError { message }, now)
            }
            (Phase::Connecting, Event::Timeout { id: STEP_TIMER }) => {
                self.namespace_result(NamespaceResult::Timeout, now)
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
#[path = "handshake_tests.rs"]
mod tests;
