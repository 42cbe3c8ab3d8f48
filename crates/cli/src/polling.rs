//! A Socket.IO session on the polling transport held for `--watch`, as a
//! client without WebSocket holds it: the handshake, the namespace's
//! CONNECT, then one long-poll after another, each answering the server's
//! pings, until the hold ends or the session is lost (an answer other than
//! 200, a request that fails, or the server's close). After a request that
//! failed without an answer, the session's next poll tells whether the
//! server still knew the session, as the core's `polling-cut` probe does:
//! after a failed long-poll a new one, after a failed post the long-poll
//! still out (a second one beside it would end the session: Engine.IO
//! answers an overlapping poll 400). A sans-IO machine
//! like the core's checks, driven by `driver::drive`; its words and data
//! are `--watch`'s own (the page holds no polling session this long).

use conncheck_core::catalog::CheckId;
use conncheck_core::check::{Action, Check, Event, FetchRequest, Handle, Millis};
use conncheck_core::checks::lifetime::PlatformHints;
use conncheck_core::checks::{engineio_url, Transport};
use conncheck_core::classify::{classify, HttpStep, StepResult};
use conncheck_core::config::Config;
use conncheck_core::engineio::{split_payload, Packet, Payload};
use conncheck_core::socketio::connect_message;
use conncheck_core::weburl::Url;

/// The long-polls go out one at a time on this handle, the posts on the other.
pub(crate) const GET: Handle = 0;
pub(crate) const POST: Handle = 1;
const HOLD: Handle = 0;
const OPEN: Handle = 1;
/// The poll sent after a failed long-poll, and the timer of the next poll.
pub(crate) const AFTER: Handle = 2;
/// The handshake's bound, as the lifetime check's open.
pub const OPEN_TIMEOUT_MS: Millis = 10_000;

/// How a held polling session went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollingData {
    pub opened: bool,
    pub held: bool,
    pub ping_interval_ms: Option<Millis>,
    pub pings_answered: u32,
    /// From the handshake's answer to the loss.
    pub lifetime_ms: Option<Millis>,
    /// How long the request that ended the session had been out.
    pub waited_ms: Option<Millis>,
    /// Its HTTP status (`None`: it failed without an answer).
    pub status: Option<u16>,
    /// How long the handshake took to be answered.
    pub handshake_ms: Option<Millis>,
    /// The request that ended the session, as the core's `polling-cut`
    /// judges one (`ms`: how long it was out), and after a failed one the
    /// session's next poll.
    pub cut: Option<HttpStep>,
    pub after: Option<HttpStep>,
    /// What ended it, or why it never opened, in our words.
    pub ended_by: String,
    pub hints: PlatformHints,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Opening,
    Holding,
    /// A request failed: the session's next poll is out on this handle
    /// (`AFTER`, or `GET` when a post failed beside a long-poll).
    After(Handle),
    Done,
}

pub struct PollingHold {
    endpoint: Option<Url>,
    namespace: String,
    hold_ms: Millis,
    phase: Phase,
    sid: Option<String>,
    opened_at: Millis,
    get_sent_at: Millis,
    post_sent_at: Millis,
    data: PollingData,
}

impl PollingHold {
    pub fn new(config: &Config, hold_ms: Millis) -> Self {
        PollingHold {
            endpoint: config.socketio.clone(),
            namespace: config.namespace.clone().unwrap_or_else(|| "/".into()),
            hold_ms,
            phase: Phase::Opening,
            sid: None,
            opened_at: 0,
            get_sent_at: 0,
            post_sent_at: 0,
            data: PollingData::default(),
        }
    }

    fn url(&self) -> String {
        match &self.endpoint {
            Some(e) => engineio_url(e, Transport::Polling, self.sid.as_deref()).to_string(),
            None => String::new(),
        }
    }

    fn get(&mut self, now: Millis) -> Action<PollingData> {
        self.get_sent_at = now;
        Action::Fetch {
            id: GET,
            request: FetchRequest::get(self.url()),
        }
    }

    fn post(&mut self, body: String, now: Millis) -> Action<PollingData> {
        self.post_sent_at = now;
        Action::Fetch {
            id: POST,
            request: FetchRequest::post(self.url(), body),
        }
    }

    fn opened(
        &mut self,
        status: u16,
        headers: &[(String, String)],
        body: &str,
        now: Millis,
    ) -> Vec<Action<PollingData>> {
        let (obs, open) = classify(status, headers, body);
        self.data.hints = PlatformHints {
            server: obs.server.clone(),
            via: obs.via.clone(),
        };
        let Some(open) = open.filter(|_| status == 200) else {
            return self.finish(format!("The polling handshake failed: {}.", obs.describe()));
        };
        self.phase = Phase::Holding;
        self.data.opened = true;
        self.data.handshake_ms = Some(now.saturating_sub(self.get_sent_at));
        self.data.ping_interval_ms = Some(open.params.ping_interval_ms);
        self.sid = Some(open.sid);
        self.opened_at = now;
        let connect = self.post(connect_message(&self.namespace), now);
        let get = self.get(now);
        vec![
            Action::CancelTimer { id: OPEN },
            Action::SetTimer {
                id: HOLD,
                after_ms: self.hold_ms,
            },
            connect,
            get,
        ]
    }

    /// A long-poll's answer: pings answered, then the next long-poll.
    fn polled(
        &mut self,
        status: u16,
        headers: &[(String, String)],
        body: &str,
        now: Millis,
    ) -> Vec<Action<PollingData>> {
        if status != 200 {
            let obs = classify(status, headers, body).0;
            let why = answered("A long-poll", &obs);
            let sent = self.get_sent_at;
            return self.lost(sent, StepResult::Answered(obs), why, now);
        }
        let mut actions = Vec::new();
        let answer = StepResult::Answered(classify(status, headers, body).0);
        let Payload::V4(packets) = split_payload(body) else {
            return self.lost(
                self.get_sent_at,
                answer,
                "A long-poll's answer is not Engine.IO 4.".into(),
                now,
            );
        };
        for packet in packets
            .into_iter()
            .take(conncheck_core::engineio::MAX_PACKETS_PER_POLL)
        {
            match Packet::parse(packet) {
                Ok(Packet::Ping(data)) => {
                    self.data.pings_answered += 1;
                    actions.push(self.post(Packet::Pong(data).to_string(), now));
                }
                Ok(Packet::Close) => {
                    let sent = self.get_sent_at;
                    return self.lost(sent, answer, "The server closed the session.".into(), now);
                }
                _ => {}
            }
        }
        actions.push(self.get(now));
        actions
    }
}

impl Check for PollingHold {
    type Data = PollingData;

    fn id(&self) -> CheckId {
        CheckId::ConnectionLifetime
    }

    fn planned_ms(&self) -> Millis {
        self.hold_ms
    }

    fn start(&mut self, now: Millis) -> Vec<Action<PollingData>> {
        if self.endpoint.is_none() {
            self.phase = Phase::Opening;
            return self.finish("No valid Socket.IO endpoint.".into());
        }
        let get = self.get(now);
        vec![
            get,
            Action::SetTimer {
                id: OPEN,
                after_ms: OPEN_TIMEOUT_MS,
            },
        ]
    }

    fn handle(&mut self, event: Event, now: Millis) -> Vec<Action<PollingData>> {
        match (self.phase, event) {
            (Phase::Done, _) => Vec::new(),
            (
                Phase::Opening,
                Event::HttpResponse {
                    id: GET,
                    status,
                    headers,
                    body,
                },
            ) => self.opened(status, &headers, &body, now),
            (Phase::Opening, Event::HttpFailed { id: GET, .. }) => {
                self.finish("The polling handshake got no answer.".into())
            }
            (Phase::Opening, Event::Timeout { id: OPEN }) => self.finish(format!(
                "The polling handshake got no answer within {} s.",
                OPEN_TIMEOUT_MS / 1000
            )),
            (Phase::Holding, Event::Timeout { id: HOLD }) => {
                self.data.held = true;
                self.finish("Held to the end.".into())
            }
            (
                Phase::Holding,
                Event::HttpResponse {
                    id: GET,
                    status,
                    headers,
                    body,
                },
            ) => self.polled(status, &headers, &body, now),
            (
                Phase::Holding,
                Event::HttpResponse {
                    id: POST,
                    status,
                    headers,
                    body,
                },
            ) if status != 200 => {
                let obs = classify(status, &headers, &body).0;
                let why = answered("A post to the session", &obs);
                let sent = self.post_sent_at;
                self.lost(sent, StepResult::Answered(obs), why, now)
            }
            (Phase::Holding, Event::HttpFailed { id: GET, message }) => {
                self.failed(self.get_sent_at, message, AFTER, now)
            }
            (Phase::Holding, Event::HttpFailed { id: POST, message }) => {
                self.failed(self.post_sent_at, message, GET, now)
            }
            (Phase::After(next), event) => self.next_poll(next, event, now),
            _ => Vec::new(),
        }
    }
}

mod ending;
use ending::answered;
#[cfg(test)]
#[path = "polling_tests.rs"]
mod tests;
