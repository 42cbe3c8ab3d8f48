//! `sticky-session`: do consecutive requests of one Engine.IO session reach
//! the backend that holds it? Proven by behaviour, since the affinity cookie
//! is often HttpOnly and invisible to the page.
//!
//! Sessions run one after another, each request after the previous answer,
//! first with cookies (`credentials: "include"`), then without (`"omit"`).
//! Each session: handshake, then five follow-ups that the server answers at
//! once: namespace CONNECT, one poll (the CONNECT's answer is waiting),
//! two unsolicited pongs (never a ping: a v4 server closes a session whose
//! client pings), and the close. An answer "Session ID unknown" means the
//! request reached a backend that does not hold the session.
//! Sequential on purpose: two chains in lockstep would each stay on one
//! round-robin backend and hide the fault.
//! A handshake without any answer (timeout, network error) ends the check:
//! the next sessions would only wait as long for nothing.

use serde::{Deserialize, Serialize};
use url::Url;

use super::{engineio_url, skipped_without_endpoint, BrowserFacts, Transport};
use crate::catalog::CheckId;
use crate::check::{
    Action, Check, Credentials, Event, FetchRequest, Handle, Millis, Outcome, Status,
};
use crate::classify::{classify, SESSION_ID_UNKNOWN};
use crate::config::Config;
use crate::privacy::redact_url;
use crate::socketio::connect_message;

pub const SESSIONS_PER_MODE: u32 = 3;
pub const FOLLOW_UPS_PER_SESSION: u32 = 5;
pub const REQUEST_TIMEOUT_MS: Millis = 10_000;
const TIMER: Handle = 0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Affinity {
    /// Fails without cookies, works with them: cookie affinity exists.
    Cookie,
    /// Fails even with cookies.
    Missing,
    /// Never fails: one backend, or affinity by client address.
    NotNeeded,
    /// No session could be opened.
    Unknown,
}

/// One session while it runs; folded into its [`ModeReport`] at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct SessionReport {
    opened: bool,
    follow_ups: u32,
    session_unknown: u32,
    other_failures: u32,
    first_failure: Option<String>,
}

/// What the sessions of one mode (with or without cookies) met, in totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModeReport {
    pub credentials: String,
    pub sessions: u32,
    pub opened: u32,
    /// Sessions that got "Session ID unknown" at least once.
    pub affected: u32,
    pub follow_ups: u32,
    /// Follow-up requests answered "Session ID unknown".
    pub session_unknown: u32,
    /// Follow-ups that failed otherwise (other status, network, timeout).
    pub other_failures: u32,
    /// The step of each affected session's first "session unknown".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub first_failures: Vec<String>,
}

impl ModeReport {
    fn add(&mut self, session: SessionReport) {
        self.sessions += 1;
        self.opened += u32::from(session.opened);
        self.affected += u32::from(session.session_unknown > 0);
        self.follow_ups += session.follow_ups;
        self.session_unknown += session.session_unknown;
        self.other_failures += session.other_failures;
        self.first_failures.extend(session.first_failure);
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StickyData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub cross_origin: bool,
    pub sessions_per_mode: u32,
    pub follow_ups_per_session: u32,
    pub with_cookies: ModeReport,
    pub without_cookies: ModeReport,
    pub affinity: Affinity,
    /// Probability that this run shows a missing affinity, were there two
    /// backends choosing at random: 1 - 2^-(follow-ups made with cookies).
    pub confidence: f64,
    /// Backends implied by the answers: at least 2 once any request missed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_backends: Option<u32>,
    /// 1 / (share of follow-ups without cookies that reached the session's
    /// backend), assuming random balancing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backends_estimate: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Handshake,
    Connect,
    Poll,
    Pong(u8),
    Close,
}

impl Step {
    fn name(self) -> &'static str {
        match self {
            Step::Handshake => "handshake",
            Step::Connect => "namespace-connect",
            Step::Poll => "poll",
            Step::Pong(_) => "pong",
            Step::Close => "close",
        }
    }
}

pub struct StickyCheck {
    endpoint: Option<Url>,
    namespace: String,
    mode: usize,
    step: Step,
    sid: Option<String>,
    connect_failed: bool,
    in_flight: Handle,
    current: SessionReport,
    data: StickyData,
}

fn mode_report(credentials: &str) -> ModeReport {
    ModeReport {
        credentials: credentials.into(),
        sessions: 0,
        opened: 0,
        affected: 0,
        follow_ups: 0,
        session_unknown: 0,
        other_failures: 0,
        first_failures: Vec::new(),
    }
}

impl StickyCheck {
    pub fn new(config: &Config, facts: &BrowserFacts) -> Self {
        let cross_origin = config
            .socketio
            .as_ref()
            .is_some_and(|u| u.origin() != facts.page_url.origin());
        StickyCheck {
            endpoint: config.socketio.clone(),
            namespace: config.namespace.clone().unwrap_or_else(|| "/".into()),
            mode: 0,
            step: Step::Handshake,
            sid: None,
            connect_failed: false,
            in_flight: 0,
            current: SessionReport::default(),
            data: StickyData {
                url: config.socketio.as_ref().map(|u| redact_url(u.as_str())),
                cross_origin,
                sessions_per_mode: SESSIONS_PER_MODE,
                follow_ups_per_session: FOLLOW_UPS_PER_SESSION,
                with_cookies: mode_report("include"),
                without_cookies: mode_report("omit"),
                affinity: Affinity::Unknown,
                confidence: 0.0,
                min_backends: None,
                backends_estimate: None,
            },
        }
    }

    fn current_mode(&mut self) -> &mut ModeReport {
        if self.mode == 0 {
            &mut self.data.with_cookies
        } else {
            &mut self.data.without_cookies
        }
    }

    fn session(&mut self) -> &mut SessionReport {
        &mut self.current
    }

    /// Sends the current step's request.
    fn issue(&mut self) -> Vec<Action> {
        self.in_flight += 1;
        let Some(endpoint) = &self.endpoint else {
            return vec![Action::Finish(self.outcome())];
        };
        let url = engineio_url(endpoint, Transport::Polling, self.sid.as_deref()).to_string();
        let mut request = match self.step {
            Step::Handshake | Step::Poll => FetchRequest::get(url),
            Step::Connect => FetchRequest::post(url, connect_message(&self.namespace)),
            Step::Pong(_) => FetchRequest::post(url, "3"),
            Step::Close => FetchRequest::post(url, "1"),
        };
        request.credentials = if self.mode == 0 {
            Credentials::Include
        } else {
            Credentials::Omit
        };
        vec![
            Action::Fetch {
                id: self.in_flight,
                request,
            },
            Action::SetTimer {
                id: TIMER,
                after_ms: REQUEST_TIMEOUT_MS,
            },
        ]
    }

    /// Records one answer (`None`: no answer) and moves to the next request.
    fn on_answer(&mut self, answer: Option<(u16, Option<u8>, Option<String>)>) -> Vec<Action> {
        let step = self.step;
        if step == Step::Handshake {
            match answer {
                Some((200, _, Some(sid))) => {
                    self.sid = Some(sid);
                    self.session().opened = true;
                    self.step = Step::Connect;
                }
                // No answer at all: the next sessions would wait as long
                // for nothing (the handshake check says why).
                None => {
                    let unanswered = std::mem::take(&mut self.current);
                    self.current_mode().add(unanswered);
                    return self.finish();
                }
                _ => return self.next_session(),
            }
        } else {
            let session = self.session();
            session.follow_ups += 1;
            match answer {
                Some((200, ..)) => {}
                Some((_, Some(SESSION_ID_UNKNOWN), _)) => {
                    session.session_unknown += 1;
                    session
                        .first_failure
                        .get_or_insert_with(|| step.name().to_owned());
                }
                _ => session.other_failures += 1,
            }
            let ok = matches!(answer, Some((200, ..)));
            if step == Step::Connect && !ok {
                // No CONNECT answer waits anywhere: a poll would hang.
                self.connect_failed = true;
            }
            self.step = match step {
                Step::Handshake => Step::Connect,
                Step::Connect => Step::Poll,
                Step::Poll => Step::Pong(1),
                Step::Pong(1) => Step::Pong(2),
                Step::Pong(_) => Step::Close,
                Step::Close => return self.next_session(),
            };
            if self.step == Step::Poll && self.connect_failed {
                self.step = Step::Pong(1);
            }
        }
        self.issue()
    }

    fn next_session(&mut self) -> Vec<Action> {
        self.sid = None;
        self.connect_failed = false;
        self.step = Step::Handshake;
        let finished = std::mem::take(&mut self.current);
        self.current_mode().add(finished);
        if self.current_mode().sessions >= SESSIONS_PER_MODE {
            self.mode += 1;
            if self.mode == 2 {
                return self.finish();
            }
        }
        self.issue()
    }

    fn finish(&mut self) -> Vec<Action> {
        vec![
            Action::CancelTimer { id: TIMER },
            Action::Finish(self.outcome()),
        ]
    }

    fn outcome(&mut self) -> Outcome {
        let (with, without) = (&self.data.with_cookies, &self.data.without_cookies);
        self.data.affinity = match (with.opened, with.affected, without.affected) {
            (0, ..) => Affinity::Unknown,
            (_, 1.., _) => Affinity::Missing,
            (_, 0, 1..) => Affinity::Cookie,
            (_, 0, 0) => Affinity::NotNeeded,
        };
        self.data.confidence = 1.0 - 0.5f64.powi(with.follow_ups as i32);
        if with.session_unknown.saturating_add(without.session_unknown) > 0 {
            self.data.min_backends = Some(2);
            let reached = without.follow_ups.saturating_sub(
                without
                    .session_unknown
                    .saturating_add(without.other_failures),
            );
            if reached > 0 && without.session_unknown > 0 {
                let estimate = without.follow_ups.saturating_sub(without.other_failures) as f64
                    / reached as f64;
                self.data.backends_estimate = Some((estimate.round() as u32).clamp(2, 16));
            }
        }
        Outcome::judged(summarize(&self.data), &self.data)
    }
}

pub(crate) fn summarize(d: &StickyData) -> (Status, String) {
    let (with, without) = (&d.with_cookies, &d.without_cookies);
    let certainty = format!("{:.3} %", d.confidence * 100.0);
    match d.affinity {
        Affinity::Unknown => (Status::Skip, "No Engine.IO session could be opened to test; see the Socket.IO handshake.".into()),
        Affinity::Missing => (
            Status::Fail,
            format!(
                "{} of {} sessions lost their backend: {} follow-up requests got \"Session ID unknown\". Requests of one session reach different backends.",
                with.affected,
                with.opened,
                with.session_unknown
            ),
        ),
        Affinity::Cookie => (
            Status::Pass,
            format!(
                "Cookie affinity works: without cookies {} of {} sessions lost their backend, with cookies none did (a missing affinity would show with {certainty} certainty).",
                without.affected,
                without.opened
            ),
        ),
        Affinity::NotNeeded => (
            Status::Pass,
            format!(
                "All {} follow-up requests reached their session's backend, with and without cookies: one backend, or affinity by client address (a missing affinity would show with {certainty} certainty).",
                with.follow_ups.saturating_add(without.follow_ups)
            ),
        ),
    }
}

impl Check for StickyCheck {
    fn id(&self) -> CheckId {
        CheckId::StickySession
    }

    fn start(&mut self, _now: Millis) -> Vec<Action> {
        if self.endpoint.is_none() {
            return skipped_without_endpoint(&self.data);
        }
        self.session();
        self.issue()
    }

    fn handle(&mut self, event: Event, _now: Millis) -> Vec<Action> {
        match event {
            Event::HttpResponse {
                id,
                status,
                headers,
                body,
            } if id == self.in_flight => {
                let (obs, open) = classify(status, &headers, &body);
                self.on_answer(Some((status, obs.error_code(), open.map(|o| o.sid))))
            }
            Event::HttpFailed { id, .. } if id == self.in_flight => self.on_answer(None),
            Event::Timeout { id: TIMER } => self.on_answer(None),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
#[path = "sticky_tests.rs"]
mod tests;
