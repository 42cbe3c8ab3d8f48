//! Probe 4 of `socketio-upgrade`: a polling session held as a client
//! without WebSocket holds it (corporate proxies leave many users there)
//! until the server's first ping comes on its long-poll. A long-poll waits
//! that long by design, so a request or idle timeout on any hop that is
//! shorter than the ping interval cuts every such session: Envoy's default
//! route timeout (15 s) does. The hold lasts one ping interval, so the
//! report does not wait for it (see `UpgradeCheck::interim`).

use super::data::{cut_confirmed, may_be_cut};
use super::summary::{ping_wait, ping_within_wait};
use super::{Action, PollingHold, PollingResult, UpgradeCheck, STEP_TIMEOUT_MS};
use crate::check::{Event, FetchRequest, Handle, Millis};
use crate::checks::{since, timed_get, Transport};
use crate::classify::{classify, Answer, HttpStep, StepResult, SESSION_ID_UNKNOWN};
use crate::engineio::{split_payload, Packet, Payload, RECORD_SEPARATOR};

/// The probe's requests (one at a time) and its timer.
pub(super) const POLL: Handle = 2;
pub(super) const POLL_TIMER: Handle = 3;
/// Long-polls answered with packets but no ping before the probe stops.
const MAX_POLLS: u8 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PollPhase {
    Handshaking,
    /// A long-poll is out, waiting for the server's ping.
    LongPoll,
    /// Cut, or failed: the session's next poll tells whether it survived.
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
                        let interval = open.params.ping_interval_ms;
                        let hold = self.hold();
                        hold.ping_interval_ms = Some(interval);
                        hold.handshake_ms = Some(ms);
                        self.poll_sid = Some(open.sid);
                        self.poll_deadline = now.saturating_add(ping_wait(Some(interval)));
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
                let hold = self.hold();
                let cut = hold
                    .poll
                    .as_ref()
                    .is_some_and(|poll| cut_confirmed(poll, Some(&step), hold.handshake_ms));
                hold.after = Some(step);
                self.poll_end(if cut {
                    PollingResult::Cut
                } else {
                    PollingResult::Interrupted
                })
            }
            PollPhase::Done => Vec::new(),
        }
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
            None => Some(self.poll_end(PollingResult::NoPing)),
        }
    }

    /// The long-poll ended without the ping: a lost session, a refusal, the
    /// page's own wait, or what may be a cut, which the session's next poll
    /// then confirms or not.
    fn poll_ended(&mut self, step: HttpStep, now: Millis) -> Vec<Action> {
        let handshake_ms = self.hold().handshake_ms;
        let result = match step.observation() {
            Some(obs) if obs.error_code() == Some(SESSION_ID_UNKNOWN) => {
                self.poll_sid = None;
                Some(PollingResult::SessionLost)
            }
            None if step.result == StepResult::Timeout => {
                Some(if ping_within_wait(self.hold().ping_interval_ms) {
                    PollingResult::NoAnswer
                } else {
                    PollingResult::NotAwaited
                })
            }
            _ if may_be_cut(&step, handshake_ms) => None,
            _ => Some(PollingResult::Refused),
        };
        self.hold().poll = Some(step);
        if let Some(result) = result {
            return self.poll_end(result);
        }
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
