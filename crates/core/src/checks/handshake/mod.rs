//! `socketio-handshake`: the Engine.IO polling open, then the namespace
//! CONNECT (`40` → `40{..}` or `44{..}`), each timed. When the open fails
//! at the network level, a `no-cors` probe tells "CORS refused the answer"
//! from "nothing answered".

mod data;
mod namespace;
mod summary;

use crate::weburl::Url;

use super::{engineio_url, since, skipped_without_endpoint, timed_get, Transport};
use crate::catalog::CheckId;
use crate::check::{Check, Credentials, Event, FetchMode, FetchRequest, Handle, Millis, Progress};
use crate::classify::{classify, HttpStep, StepResult};
use crate::config::Config;
use crate::engineio::Packet;
use crate::privacy::redact_url;
use crate::socketio::connect_message;

pub use data::{HandshakeData, NamespaceResult, NamespaceStep, Reachability};
pub(crate) use summary::summarize;

/// This check's actions and outcome, with its data type.
use super::CheckData;
type Action = crate::check::Action<CheckData>;
type Outcome = crate::check::Outcome<CheckData>;

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
        self.data.open = Some(HttpStep::answered(since(self.started, now), obs));
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

    fn outcome(&mut self) -> Outcome {
        let summary = summarize(&self.data, self.namespace.is_some());
        Outcome::judged(summary, std::mem::take(&mut self.data).into())
    }
}

impl Check for HandshakeCheck {
    type Data = CheckData;

    fn id(&self) -> CheckId {
        CheckId::SocketioHandshake
    }

    fn start(&mut self, now: Millis) -> Vec<Action> {
        self.started = now;
        if self.endpoint.is_none() {
            self.phase = Phase::Done;
            return skipped_without_endpoint(std::mem::take(&mut self.data));
        }
        timed_get(OPEN, self.url(None), STEP_TIMER, STEP_TIMEOUT_MS).into()
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
mod namespace_tests;
#[cfg(test)]
mod open_tests;
