//! `sticky-session`: do consecutive requests of one Engine.IO session reach
//! the backend that holds it? Proven by behaviour, since the affinity cookie
//! is often HttpOnly and invisible to the page.
//!
//! Sessions run one after another, each request after the previous answer,
//! first with cookies (`credentials: "include"`), then without (`"omit"`).
//! With cookies, each session is a handshake and four follow-ups that the
//! server answers at once: namespace CONNECT, one poll (the CONNECT's answer
//! is waiting), two unsolicited pongs (never a ping: a v4 server closes a
//! session whose client pings). Without cookies, pongs only, and the mode
//! ends at its first lost request: that alone proves what it is for (the
//! affinity lives in a cookie). Each session is closed by a beacon. An answer
//! "Session ID unknown" means the request reached a backend that does not
//! hold the session.
//! Sequential on purpose: two chains in lockstep would each stay on one
//! round-robin backend and hide the fault.
//! The runner starts this check once the first Socket.IO answer is in, so
//! the cookie jar already holds any affinity cookie and the sessions with
//! cookies do not race other checks for it.
//! The check ends early, with nothing to say about affinity, when a request
//! gets no answer at all (timeout, network error on the handshake; the
//! session stalled) or a rate limit answers: the next sessions would only
//! meet the same; and at its time budget, inside the driver's cap.

use serde::{Deserialize, Serialize};
use url::Url;

use super::{engineio_url, skipped_without_endpoint, BrowserFacts, Transport};
use crate::catalog::CheckId;
use crate::check::{Check, Credentials, Event, FetchRequest, Handle, Millis, Status};
use crate::classify::{
    classify, HttpObservation, SERVICE_UNAVAILABLE, SESSION_ID_UNKNOWN, TOO_MANY_REQUESTS,
};
use crate::config::Config;
use crate::engineio::Packet;
use crate::privacy::redact_url;
use crate::socketio::connect_message;

/// This check's actions and outcome, with its data type.
type Action = crate::check::Action<StickyData>;
type Outcome = crate::check::Outcome<StickyData>;

/// Sessions with cookies, one after another.
pub const SESSIONS_WITH_COOKIES: u32 = 2;
/// Sessions without cookies, after those with. They end at their first
/// lost request: that is all they are for. Not concurrent: k sessions in
/// lockstep stay on their round-robin backends whenever the backends'
/// count divides k.
pub const SESSIONS_WITHOUT_COOKIES: u32 = 1;
/// The follow-ups of a session with cookies, then without.
const WITH_COOKIES: &[Step] = &[Step::Connect, Step::Poll, Step::Pong, Step::Pong];
const WITHOUT_COOKIES: &[Step] = &[Step::Pong; 8];
pub const REQUEST_TIMEOUT_MS: Millis = 10_000;
/// The whole check's bound, inside the driver's cap: a server may answer
/// each request just before its timeout.
pub const BUDGET_MS: Millis = 60_000;
/// The budget's timer; a request's timer has the request's id (from 1 up).
const BUDGET_TIMER: Handle = Handle::MAX;
/// The round trips of a run where no session is lost (one backend), every
/// request after the previous answer.
pub const ROUND_TRIPS: u32 = SESSIONS_WITH_COOKIES * (1 + WITH_COOKIES.len() as u32)
    + SESSIONS_WITHOUT_COOKIES * (1 + WITHOUT_COOKIES.len() as u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Affinity {
    /// Fails without cookies, works with them: cookie affinity exists.
    Cookie,
    /// Fails even with cookies.
    Missing,
    /// Never fails: one backend, or affinity by client address.
    NotNeeded,
    /// Not known: no session could be opened, or the check stopped early.
    Unknown,
}

/// Why the check stopped before its sessions were done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stopped {
    /// A handshake got no answer at all (see `socketio-handshake`).
    NoAnswer,
    /// A session opened, then one of its requests got no answer in time.
    Stalled,
    /// A rate limit answered (429, `Retry-After`, or 503 after answers).
    RateLimited,
    /// The answers came too slowly for the sessions to end within the
    /// check's budget.
    TooSlow,
}

/// How a rate limit showed itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LimitSignal {
    /// HTTP 429.
    TooManyRequests,
    /// A `Retry-After` header on another status.
    RetryAfter,
    /// 503 after requests of this check succeeded: maybe a limit, maybe a
    /// moment without ready backends.
    UnavailableAfterSuccess,
}

/// One session while it runs; folded into its [`ModeReport`] at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct SessionReport {
    opened: bool,
    follow_ups: u32,
    session_unknown: u32,
    other_failures: u32,
    unanswered: u32,
    rate_limited: u32,
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
    /// Follow-ups that failed otherwise (other status, network error).
    pub other_failures: u32,
    /// Requests that got no answer within the timeout.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unanswered: u32,
    /// Requests a rate limit answered; never counted as lost sessions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rate_limited: u32,
    /// The step of each affected session's first "session unknown".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub first_failures: Vec<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl ModeReport {
    fn new(credentials: &str) -> ModeReport {
        ModeReport {
            credentials: credentials.into(),
            sessions: 0,
            opened: 0,
            affected: 0,
            follow_ups: 0,
            session_unknown: 0,
            other_failures: 0,
            unanswered: 0,
            rate_limited: 0,
            first_failures: Vec::new(),
        }
    }

    fn add(&mut self, session: SessionReport) {
        self.sessions += 1;
        self.opened += u32::from(session.opened);
        self.affected += u32::from(session.session_unknown > 0);
        self.follow_ups += session.follow_ups;
        self.session_unknown += session.session_unknown;
        self.other_failures += session.other_failures;
        self.unanswered += session.unanswered;
        self.rate_limited += session.rate_limited;
        self.first_failures.extend(session.first_failure);
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StickyData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub cross_origin: bool,
    pub with_cookies: ModeReport,
    pub without_cookies: ModeReport,
    pub affinity: Affinity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<Stopped>,
    /// What the rate limit that stopped it answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_signal: Option<LimitSignal>,
    /// Probability that this run shows a missing affinity, were there two
    /// backends choosing at random: 1 - 2^-(follow-ups made with cookies);
    /// 1 once it showed one.
    pub confidence: f64,
    /// Backends implied by the answers: at least 2 once any request missed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_backends: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Handshake,
    Connect,
    Poll,
    Pong,
}

impl Step {
    fn name(self) -> &'static str {
        match self {
            Step::Handshake => "handshake",
            Step::Connect => "namespace-connect",
            Step::Poll => "poll",
            Step::Pong => "pong",
        }
    }
}

/// One Engine.IO session of the check, with its request in flight.
struct Session {
    with_cookies: bool,
    sid: Option<String>,
    /// The next follow-up, an index into the mode's list.
    next: usize,
    step: Step,
    request: Handle,
    connect_failed: bool,
    report: SessionReport,
}

/// What an answer (or its absence) says about one request.
enum Answer {
    Opened(String),
    Ok,
    SessionUnknown,
    RateLimited,
    Failed,
    NetworkError,
    /// No answer within the timeout.
    Unanswered,
}

pub struct StickyCheck {
    endpoint: Option<Url>,
    namespace: String,
    /// Open sessions by slot; a slot is also the session's timer id.
    sessions: Vec<Option<Session>>,
    requests: Handle,
    started_with_cookies: u32,
    started_without_cookies: u32,
    /// Any request of this check succeeded: a 503 after that is a limit.
    answered: bool,
    data: StickyData,
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
            sessions: Vec::new(),
            requests: 0,
            started_with_cookies: 0,
            started_without_cookies: 0,
            answered: false,
            data: StickyData {
                url: config.socketio.as_ref().map(|u| redact_url(u.as_str())),
                cross_origin,
                with_cookies: ModeReport::new("include"),
                without_cookies: ModeReport::new("omit"),
                affinity: Affinity::Unknown,
                stopped: None,
                limit_signal: None,
                confidence: 0.0,
                min_backends: None,
            },
        }
    }

    /// Opens a session in a new slot.
    fn open(&mut self, with_cookies: bool) -> Vec<Action> {
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
            report: SessionReport::default(),
        }));
        self.issue(slot)
    }

    /// Sends the session's current step.
    fn issue(&mut self, slot: usize) -> Vec<Action> {
        self.requests += 1;
        let id = self.requests;
        let (Some(endpoint), Some(Some(session))) = (&self.endpoint, self.sessions.get_mut(slot))
        else {
            return Vec::new();
        };
        session.request = id;
        let url = engineio_url(endpoint, Transport::Polling, session.sid.as_deref()).to_string();
        let mut request = match session.step {
            Step::Handshake | Step::Poll => FetchRequest::get(url),
            Step::Connect => FetchRequest::post(url, connect_message(&self.namespace)),
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

    fn judge(&mut self, status: u16, obs: &HttpObservation, sid: Option<String>) -> Answer {
        let signal = match status {
            TOO_MANY_REQUESTS => Some(LimitSignal::TooManyRequests),
            _ if obs.retry_after => Some(LimitSignal::RetryAfter),
            SERVICE_UNAVAILABLE if self.answered => Some(LimitSignal::UnavailableAfterSuccess),
            _ => None,
        };
        let limited = signal.is_some();
        if limited {
            self.data.limit_signal = signal;
        }
        if status == 200 {
            self.answered = true;
        }
        match (status, sid) {
            _ if limited => Answer::RateLimited,
            (200, Some(sid)) => Answer::Opened(sid),
            (200, None) => Answer::Ok,
            _ if obs.error_code() == Some(SESSION_ID_UNKNOWN) => Answer::SessionUnknown,
            _ => Answer::Failed,
        }
    }

    /// Records one answer of the session in `slot` and moves it on.
    fn on_answer(&mut self, slot: usize, answer: Answer) -> Vec<Action> {
        let Some(Some(session)) = self.sessions.get_mut(slot) else {
            return Vec::new();
        };
        let step = session.step;
        let follow_ups = if session.with_cookies {
            WITH_COOKIES
        } else {
            WITHOUT_COOKIES
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
        }
        let mut next = follow_ups.get(session.next).copied();
        if next == Some(Step::Poll) && session.connect_failed {
            session.next += 1;
            next = follow_ups.get(session.next).copied();
        }
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
    fn end_session(&mut self, slot: usize) -> Vec<Action> {
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
    fn stop(&mut self, why: Stopped) -> Vec<Action> {
        self.data.stopped = Some(why);
        let mut actions = Vec::new();
        for slot in 0..self.sessions.len() {
            if let Some(session) = self.sessions.get_mut(slot).and_then(Option::take) {
                actions.push(Action::CancelTimer {
                    id: session.request,
                });
                if session.with_cookies {
                    self.data.with_cookies.add(session.report);
                } else {
                    self.data.without_cookies.add(session.report);
                }
            }
        }
        actions.extend(self.finish());
        actions
    }

    fn finish(&mut self) -> Vec<Action> {
        vec![
            Action::CancelTimer { id: BUDGET_TIMER },
            Action::Finish(self.outcome()),
        ]
    }

    fn outcome(&mut self) -> Outcome {
        let (with, without) = (&self.data.with_cookies, &self.data.without_cookies);
        self.data.affinity = match (self.data.stopped, with.opened, with.affected) {
            (Some(_), ..) | (None, 0, _) => Affinity::Unknown,
            (None, _, 1..) => Affinity::Missing,
            (None, _, 0) if without.affected > 0 => Affinity::Cookie,
            (None, _, 0) => Affinity::NotNeeded,
        };
        // Shown: certain. Not shown: how likely it would have been.
        self.data.confidence = match self.data.affinity {
            Affinity::Missing => 1.0,
            _ => 1.0 - 0.5f64.powi(with.follow_ups.min(1000) as i32),
        };
        if with.session_unknown.saturating_add(without.session_unknown) > 0 {
            self.data.min_backends = Some(2);
        }
        Outcome::judged(summarize(&self.data), &self.data)
    }

    fn slot_of(&self, request: Handle) -> Option<usize> {
        self.sessions
            .iter()
            .position(|s| s.as_ref().is_some_and(|s| s.request == request))
    }
}

pub(crate) fn summarize(d: &StickyData) -> (Status, String) {
    let (with, without) = (&d.with_cookies, &d.without_cookies);
    let certainty = format!("{:.1} %", d.confidence * 100.0);
    match (d.affinity, d.stopped) {
        (_, Some(Stopped::Stalled)) => (
            Status::Fail,
            format!(
                "A session opened, but its next request got no answer within {} s: affinity could not be tested.",
                REQUEST_TIMEOUT_MS / 1000
            ),
        ),
        (_, Some(Stopped::TooSlow)) => (
            Status::Warn,
            format!(
                "The server answered too slowly for the sessions to finish within {} s: affinity could not be tested.",
                BUDGET_MS / 1000
            ),
        ),
        (_, Some(Stopped::RateLimited)) => (
            Status::Warn,
            "A rate limit refused the check's requests: affinity could not be tested.".into(),
        ),
        (Affinity::Unknown, _) if with.opened.saturating_add(without.opened) > 0 => (
            Status::Skip,
            "A new session's handshake got no answer, so affinity could not be tested; see the Socket.IO handshake.".into(),
        ),
        (Affinity::Unknown, _) => (Status::Skip, "No Engine.IO session could be opened to test; see the Socket.IO handshake.".into()),
        (Affinity::Missing, _) => (
            Status::Fail,
            format!(
                "{} of {} sessions lost their backend: {} follow-up requests got \"Session ID unknown\". Requests of one session reach different backends.",
                with.affected,
                with.opened,
                with.session_unknown
            ),
        ),
        (Affinity::Cookie, _) => (
            Status::Pass,
            format!(
                "Cookie affinity works: without cookies {} of {} sessions lost their backend, with cookies none did (a missing affinity would show with {certainty} certainty).",
                without.affected,
                without.opened
            ),
        ),
        (Affinity::NotNeeded, _) => (
            Status::Pass,
            format!(
                "All {} follow-up requests reached their session's backend, with and without cookies: one backend, or affinity by client address (a missing affinity would show with {certainty} certainty).",
                with.follow_ups.saturating_add(without.follow_ups)
            ),
        ),
    }
}

impl Check for StickyCheck {
    type Data = StickyData;

    fn id(&self) -> CheckId {
        CheckId::StickySession
    }

    fn start(&mut self, _now: Millis) -> Vec<Action> {
        if self.endpoint.is_none() {
            return skipped_without_endpoint(&self.data);
        }
        let mut actions = vec![Action::SetTimer {
            id: BUDGET_TIMER,
            after_ms: BUDGET_MS,
        }];
        actions.extend(self.open(true));
        actions
    }

    fn handle(&mut self, event: Event, _now: Millis) -> Vec<Action> {
        match event {
            Event::HttpResponse {
                id,
                status,
                headers,
                body,
            } => {
                let Some(slot) = self.slot_of(id) else {
                    return Vec::new();
                };
                let (obs, open) = classify(status, &headers, &body);
                let answer = self.judge(status, &obs, open.map(|o| o.sid));
                let mut actions = vec![Action::CancelTimer { id }];
                actions.extend(self.on_answer(slot, answer));
                actions
            }
            Event::HttpFailed { id, .. } => match self.slot_of(id) {
                Some(slot) => {
                    let mut actions = vec![Action::CancelTimer { id }];
                    actions.extend(self.on_answer(slot, Answer::NetworkError));
                    actions
                }
                None => Vec::new(),
            },
            Event::Timeout { id: BUDGET_TIMER } => self.stop(Stopped::TooSlow),
            Event::Timeout { id } => match self.slot_of(id) {
                Some(slot) => self.on_answer(slot, Answer::Unanswered),
                None => Vec::new(), // the timer of a request answered meanwhile
            },
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
#[path = "sticky_tests.rs"]
mod tests;
