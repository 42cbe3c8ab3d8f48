//! Probe 4 of `socketio-upgrade`: a polling session held as a client
//! without WebSocket holds it (corporate proxies leave many users there)
//! until the server's first ping comes on its long-poll. A long-poll waits
//! that long by design, so a request or idle timeout on any hop that is
//! shorter than the ping interval cuts every such session: Envoy's default
//! route timeout (15 s) does. The hold lasts one ping interval, so the
//! report does not wait for it (see `UpgradeCheck::interim`).

use super::summary::ping_within_wait;
use super::{Action, PollingHold, PollingResult, UpgradeCheck};
use super::{MAX_PING_WAIT_MS, PING_GRACE_MS, STEP_TIMEOUT_MS};
use crate::check::{Event, FetchRequest, Handle, Millis};
use crate::checks::{since, timed_get, Transport};
use crate::classify::{classify, Answer, HttpStep, StepResult, SESSION_ID_UNKNOWN};
use crate::engineio::{split_payload, Packet, Payload, RECORD_SEPARATOR};

/// The probe's requests (one at a time) and its timer.
pub(super) const POLL: Handle = 2;
pub(super) const POLL_TIMER: Handle = 3;
/// A proxy's answer sooner than this after the long-poll was sent is a
/// refusal (a rate limit, say), not a cut.
pub const CUT_AFTER_MS: Millis = 1_000;
/// Long-polls answered with packets but no ping before the probe stops.
const MAX_POLLS: u8 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PollPhase {
    Handshaking,
    /// A long-poll is out, waiting for the server's ping.
    LongPoll,
    /// Cut: the session's next poll tells whether it survived.
    After,
    Done,
}

impl UpgradeCheck {
    /// The probe's handshake; its data starts empty.
    pub(super) fn poll_start(&mut self, now: Millis) -> [Action; 2] {
        self.data.polling = Some(PollingHold::default());
        self.poll_mark = now;
        timed_get(
            POLL,
            self.url(Transport::Polling, None),
            POLL_TIMER,
            STEP_TIMEOUT_MS,
        )
    }

    fn hold(&mut self) -> &mut PollingHold {
        self.data.polling.get_or_insert_with(PollingHold::default)
    }

    /// The probe's events: its requests' answers, failures and its timer.
    pub(super) fn poll_event(&mut self, event: Event, now: Millis) -> Vec<Action> {
        let ms = since(self.poll_mark, now);
        let step = match event {
            Event::HttpResponse {
                status,
                headers,
                body,
                ..
            } => {
                let (obs, open) = classify(status, &headers, &body);
                match (self.poll, open.filter(|_| status == 200)) {
                    (PollPhase::Handshaking, Some(open)) => {
                        self.hold().ping_interval_ms = Some(open.params.ping_interval_ms);
                        self.poll_sid = Some(open.sid);
                        self.poll_deadline = now.saturating_add(self.ping_wait());
                        return self.long_poll(now);
                    }
                    (PollPhase::LongPoll, _) if status == 200 => {
                        if let Some(actions) = self.packets(&body, obs.answer.clone(), now) {
                            self.hold().poll = Some(HttpStep::answered(ms, obs));
                            return actions;
                        }
                    }
                    _ => {}
                }
                HttpStep::answered(ms, obs)
            }
            Event::HttpFailed { message, .. } => HttpStep {
                ms,
                result: StepResult::NetworkError { message },
            },
            _ => HttpStep {
                ms,
                result: StepResult::Timeout,
            },
        };
        match self.poll {
            PollPhase::Handshaking => {
                self.hold().poll = Some(step);
                self.poll_end(PollingResult::NoSession)
            }
            PollPhase::LongPoll => self.poll_ended(step, now),
            PollPhase::After => {
                let alive = step.observation().is_some_and(|o| {
                    o.status == 200 && matches!(o.answer, Answer::EngineioPackets)
                }) || step.result == StepResult::Timeout;
                if !alive {
                    self.poll_sid = None;
                }
                self.hold().after = Some(step);
                self.poll_end(PollingResult::Cut)
            }
            PollPhase::Done => Vec::new(),
        }
    }

    /// How long the probe waits for the ping: the interval and its grace,
    /// at most [`MAX_PING_WAIT_MS`].
    fn ping_wait(&mut self) -> Millis {
        let interval = self.hold().ping_interval_ms.unwrap_or(0);
        interval.saturating_add(PING_GRACE_MS).min(MAX_PING_WAIT_MS)
    }

    fn long_poll(&mut self, now: Millis) -> Vec<Action> {
        self.poll = PollPhase::LongPoll;
        self.poll_mark = now;
        self.polls += 1;
        let url = self.url(Transport::Polling, self.poll_sid.as_deref());
        let wait = self.poll_deadline.saturating_sub(now).max(1);
        timed_get(POLL, url, POLL_TIMER, wait).into()
    }

    /// A long-poll's Engine.IO packets: the ping ends the hold (answered,
    /// and the session closed in the same request); other packets are
    /// polled past, a few times. `None`: the answer is not packets.
    fn packets(&mut self, body: &str, answer: Answer, now: Millis) -> Option<Vec<Action>> {
        if answer != Answer::EngineioPackets {
            return None;
        }
        let Payload::V4(packets) = split_payload(body) else {
            return None;
        };
        let mut parsed = packets.iter().filter_map(|p| Packet::parse(p).ok());
        match parsed.find(|p| matches!(p, Packet::Ping(_) | Packet::Close)) {
            Some(Packet::Ping(data)) => {
                let sid = self.poll_sid.take().unwrap_or_default();
                let mut actions = vec![Action::Beacon(FetchRequest::post(
                    self.url(Transport::Polling, Some(&sid)),
                    format!("{}{RECORD_SEPARATOR}{}", Packet::Pong(data), Packet::Close),
                ))];
                actions.extend(self.poll_end(PollingResult::Held));
                Some(actions)
            }
            Some(_) => {
                self.poll_sid = None;
                Some(self.poll_end(PollingResult::Refused))
            }
            None if self.polls < MAX_POLLS => Some(self.long_poll(now)),
            None => Some(self.poll_end(PollingResult::NoAnswer)),
        }
    }

    /// The long-poll ended without the ping: a lost session, a refusal, the
    /// page's own wait, or a cut.
    fn poll_ended(&mut self, step: HttpStep, now: Millis) -> Vec<Action> {
        let (ms, result) = match step.observation() {
            Some(obs) if obs.error_code() == Some(SESSION_ID_UNKNOWN) => {
                self.poll_sid = None;
                (step.ms, PollingResult::SessionLost)
            }
            Some(obs) if obs.engineio_error().is_some() || obs.answer == Answer::Ok => {
                (step.ms, PollingResult::Refused)
            }
            None if step.result == StepResult::Timeout => {
                let interval = self.hold().ping_interval_ms;
                let result = if ping_within_wait(interval) {
                    PollingResult::NoAnswer
                } else {
                    PollingResult::NotAwaited
                };
                (step.ms, result)
            }
            _ if step.ms >= CUT_AFTER_MS => (step.ms, PollingResult::Cut),
            _ => (step.ms, PollingResult::Refused),
        };
        self.hold().poll = Some(HttpStep { ms, ..step });
        if result != PollingResult::Cut {
            return self.poll_end(result);
        }
        self.hold().result = Some(PollingResult::Cut);
        self.poll = PollPhase::After;
        self.poll_mark = now;
        let url = self.url(Transport::Polling, self.poll_sid.as_deref());
        timed_get(POLL, url, POLL_TIMER, STEP_TIMEOUT_MS).into()
    }

    /// Ends the probe; a session still open is closed.
    fn poll_end(&mut self, result: PollingResult) -> Vec<Action> {
        self.poll = PollPhase::Done;
        self.hold().result.get_or_insert(result);
        let mut actions = vec![Action::CancelTimer { id: POLL_TIMER }];
        if let Some(sid) = self.poll_sid.take() {
            actions.push(Action::Beacon(FetchRequest::post(
                self.url(Transport::Polling, Some(&sid)),
                Packet::Close.to_string(),
            )));
        }
        actions
    }
}
