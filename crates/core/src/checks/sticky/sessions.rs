//! `sticky-session`'s Engine.IO sessions: each request after the previous
//! answer, what each answer says, and what comes next.

use super::answer::Answer;
use super::data::{CompanionAnswer, SessionReport, Stopped};
use super::Action;
use super::{
    StickyCheck, REQUEST_TIMEOUT_MS, SESSIONS_WITHOUT_COOKIES, SESSIONS_WITH_COOKIES,
    WITHOUT_COOKIES, WITH_COMPANION, WITH_COOKIES,
};
use crate::check::{Credentials, FetchRequest, Handle};
use crate::checks::pod_chain::HELLO;
use crate::checks::{engineio_url, Transport};
use crate::engineio::Packet;
use crate::socketio::{connect_message, event_message};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    Handshake,
    Connect,
    Poll,
    Pong,
    Hello,
    HelloPoll,
}

impl Step {
    pub(super) fn name(self) -> &'static str {
        match self {
            Step::Handshake => "handshake",
            Step::Connect => "namespace-connect",
            Step::Poll => "poll",
            Step::Pong => "pong",
            Step::Hello => "hello",
            Step::HelloPoll => "hello-poll",
        }
    }
}

/// One Engine.IO session of the check, with its request in flight.
pub(super) struct Session {
    pub(super) with_cookies: bool,
    pub(super) sid: Option<String>,
    /// The next follow-up, an index into the mode's list.
    pub(super) next: usize,
    pub(super) step: Step,
    pub(super) request: Handle,
    pub(super) connect_failed: bool,
    /// Joined the companion's namespace, and asked `hello` there.
    pub(super) companion: bool,
    pub(super) asked_hello: bool,
    /// The pod `hello` named: an opaque id, never reported.
    pub(super) pod: Option<String>,
    /// The companion's poll brought no answer yet (a ping came first):
    /// the same step once more.
    pub(super) poll_once_more: bool,
    /// Polls sent for the current companion step.
    pub(super) polls: u32,
    pub(super) report: SessionReport,
}

impl StickyCheck {
    /// Opens a session in a new slot.
    pub(super) fn open(&mut self, with_cookies: bool) -> Vec<Action> {
        if with_cookies {
            self.started_with_cookies += 1;
        } else {
            self.started_without_cookies += 1;
        }
        let slot = self.sessions.len();
        self.sessions.push(Some(Session {
            with_cookies,
            sid: None,
            next: 0,
            step: Step::Handshake,
            request: 0,
            connect_failed: false,
            companion: with_cookies && self.companion.is_some() && !self.companion_absent,
            asked_hello: false,
            pod: None,
            poll_once_more: false,
            polls: 0,
            report: SessionReport::default(),
        }));
        self.issue(slot)
    }

    /// Sends the session's current step.
    pub(super) fn issue(&mut self, slot: usize) -> Vec<Action> {
        self.requests += 1;
        let id = self.requests;
        let (Some(endpoint), Some(Some(session))) = (&self.endpoint, self.sessions.get_mut(slot))
        else {
            return Vec::new();
        };
        session.request = id;
        if matches!(session.step, Step::Poll | Step::HelloPoll) {
            session.polls += 1;
        }
        let url = engineio_url(endpoint, Transport::Polling, session.sid.as_deref()).to_string();
        let namespace = match (&self.companion, session.companion) {
            (Some(companion), true) => companion,
            _ => &self.namespace,
        };
        let mut request = match session.step {
            Step::Handshake | Step::Poll | Step::HelloPoll => FetchRequest::get(url),
            Step::Connect => FetchRequest::post(url, connect_message(namespace)),
            Step::Hello => FetchRequest::post(url, event_message(namespace, HELLO, "hello", None)),
            Step::Pong => FetchRequest::post(url, Packet::Pong(String::new()).to_string()),
        };
        if !session.with_cookies {
            request.credentials = Credentials::Omit;
        }
        vec![
            Action::Fetch { id, request },
            // Each request its own timer: a stale timeout of an answered
            // request can then never count against the next one.
            Action::SetTimer {
                id,
                after_ms: REQUEST_TIMEOUT_MS,
            },
        ]
    }

    /// Records one answer of the session in `slot` and moves it on.
    pub(super) fn on_answer(&mut self, slot: usize, answer: Answer) -> Vec<Action> {
        let Some(Some(session)) = self.sessions.get_mut(slot) else {
            return Vec::new();
        };
        let step = session.step;
        let follow_ups = match (session.with_cookies, session.companion) {
            (true, true) => WITH_COMPANION,
            (true, false) => WITH_COOKIES,
            (false, _) => WITHOUT_COOKIES,
        };
        let report = &mut session.report;
        if step == Step::Handshake {
            match answer {
                Answer::Opened(sid) => {
                    report.opened = true;
                    session.sid = Some(sid);
                }
                Answer::RateLimited => {
                    report.rate_limited += 1;
                    return self.stop(Stopped::RateLimited);
                }
                // No answer at all: the next sessions would wait as long
                // for nothing (the handshake check says why).
                Answer::Unanswered | Answer::NetworkError => return self.stop(Stopped::NoAnswer),
                _ => return self.end_session(slot),
            }
        } else {
            report.follow_ups += 1;
            match answer {
                Answer::Opened(_) | Answer::Ok => {}
                Answer::SessionUnknown => {
                    report.session_unknown += 1;
                    report
                        .first_failure
                        .get_or_insert_with(|| step.name().to_owned());
                    if !session.with_cookies {
                        return self.end_session(slot);
                    }
                }
                Answer::RateLimited => {
                    report.rate_limited += 1;
                    return self.stop(Stopped::RateLimited);
                }
                // Something at the companion's namespace that accepted the
                // connection but never answers `hello` (or, after a ping,
                // the CONNECT): not the companion, and no fault of the
                // session's.
                Answer::Unanswered if step == Step::HelloPoll || session.polls > 1 => {
                    report.follow_ups -= 1;
                    self.companion_answer = Some(CompanionAnswer::NoAnswer);
                    self.companion_absent = true; // one wait is enough
                    return self.end_session(slot);
                }
                Answer::Unanswered => {
                    report.unanswered += 1;
                    return self.stop(Stopped::Stalled);
                }
                Answer::Failed | Answer::NetworkError => report.other_failures += 1,
            }
        }
        if step == Step::Connect && report.session_unknown + report.other_failures > 0 {
            // No CONNECT answer waits anywhere: a poll would hang.
            session.connect_failed = true;
            session.companion = false;
        }
        if std::mem::take(&mut session.poll_once_more) {
            // The same step once more: its answer comes behind the ping.
            return self.issue(slot);
        }
        session.polls = 0;
        let mut next = follow_ups.get(session.next).copied();
        if next == Some(Step::Poll) && session.connect_failed {
            session.next += 1;
            next = follow_ups.get(session.next).copied();
        }
        // `hello` only on the companion's namespace once it connected, and
        // its poll only after it: else pongs, as without a companion.
        next = match next {
            Some(Step::Hello) if !session.companion => Some(Step::Pong),
            Some(Step::HelloPoll) if !session.asked_hello => Some(Step::Pong),
            next => next,
        };
        session.asked_hello |= next == Some(Step::Hello);
        match next {
            Some(step) => {
                session.next += 1;
                session.step = step;
                self.issue(slot)
            }
            None => self.end_session(slot),
        }
    }

    /// Closes the session in `slot` and starts what comes next.
    pub(super) fn end_session(&mut self, slot: usize) -> Vec<Action> {
        let Some(session) = self.sessions.get_mut(slot).and_then(Option::take) else {
            return Vec::new();
        };
        let mut actions = vec![Action::CancelTimer {
            id: session.request,
        }];
        if let (Some(sid), Some(endpoint)) = (&session.sid, &self.endpoint) {
            let mut close = FetchRequest::post(
                engineio_url(endpoint, Transport::Polling, Some(sid)).to_string(),
                Packet::Close.to_string(),
            );
            if !session.with_cookies {
                close.credentials = Credentials::Omit;
            }
            actions.push(Action::Beacon(close));
        }
        if session.with_cookies {
            self.cookie_pods.push(session.pod);
            self.data.with_cookies.add(session.report);
        } else {
            self.data.without_cookies.add(session.report);
        }
        let (with, without) = (&self.data.with_cookies, &self.data.without_cookies);
        let next = if with.affected > 0 || without.affected > 0 {
            // Lost even with cookies, or the cookie shown to matter: no
            // further session would say more.
            None
        } else if self.started_with_cookies < SESSIONS_WITH_COOKIES {
            Some(true)
        } else if self.started_without_cookies < SESSIONS_WITHOUT_COOKIES {
            Some(false)
        } else {
            None
        };
        match next {
            Some(with_cookies) => actions.extend(self.open(with_cookies)),
            None => actions.extend(self.finish()),
        }
        actions
    }

    /// Ends the check early: every open session is folded in and closed.
    pub(super) fn stop(&mut self, why: Stopped) -> Vec<Action> {
        self.data.stopped = Some(why);
        let mut actions = Vec::new();
        for slot in 0..self.sessions.len() {
            if let Some(session) = self.sessions.get_mut(slot).and_then(Option::take) {
                actions.push(Action::CancelTimer {
                    id: session.request,
                });
                if session.with_cookies {
                    self.cookie_pods.push(session.pod);
                    self.data.with_cookies.add(session.report);
                } else {
                    self.data.without_cookies.add(session.report);
                }
            }
        }
        actions.extend(self.finish());
        actions
    }

    pub(super) fn slot_of(&self, request: Handle) -> Option<usize> {
        self.sessions
            .iter()
            .position(|s| s.as_ref().is_some_and(|s| s.request == request))
    }
}
