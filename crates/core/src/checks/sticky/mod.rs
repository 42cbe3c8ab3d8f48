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
//!
//! With the server companion (`companion` configured, docs/companion.md),
//! a session with cookies joins the companion's namespace instead of the
//! app's and asks `hello` in place of its two pongs (as many round trips):
//! every follow-up landing, and the same pod id in both sessions, proves
//! exactly that the cookie pins one pod. A namespace that refuses (`44`)
//! means no companion: the check judges as without one, and says so. Then
//! the check gives the runner its interim outcome, and counts the pods
//! after the report (`pods.rs`).

mod companion;
mod data;
mod pods;
mod summary;

use url::Url;

use data::SessionReport;
pub use data::{
    Affinity, CompanionAnswer, CountStopped, LimitSignal, ModeReport, PodCount, PodsData,
    StickyData, Stopped,
};
pub use pods::{COUNT_BUDGET_MS, MAX_COUNT_SESSIONS, SETTLE_AFTER};
pub(crate) use summary::summarize;

use super::pod_chain::HELLO;
use super::{engineio_url, skipped_without_endpoint, BrowserFacts, Transport};
use crate::catalog::CheckId;
use crate::check::{Action, Check, Credentials, Event, FetchRequest, Handle, Millis, Outcome};
use crate::classify::{
    classify, HttpObservation, SERVICE_UNAVAILABLE, SESSION_ID_UNKNOWN, TOO_MANY_REQUESTS,
};
use crate::config::Config;
use crate::privacy::redact_url;
use crate::socketio::{connect_message, event_message};
use pods::{Counted, PodCounter};

/// Sessions with cookies, one after another.
pub const SESSIONS_WITH_COOKIES: u32 = 2;
/// Sessions without cookies, after those with. They end at their first
/// lost request: that is all they are for. Not concurrent: k sessions in
/// lockstep stay on their round-robin backends whenever the backends'
/// count divides k.
pub const SESSIONS_WITHOUT_COOKIES: u32 = 1;
/// The follow-ups of a session with cookies, then without.
const WITH_COOKIES: &[Step] = &[Step::Connect, Step::Poll, Step::Pong, Step::Pong];
/// With the companion: its namespace, and `hello` with the poll for its
/// answer in place of the pongs (each becomes a pong again when the
/// namespace did not connect).
const WITH_COMPANION: &[Step] = &[Step::Connect, Step::Poll, Step::Hello, Step::HelloPoll];
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Handshake,
    Connect,
    Poll,
    Pong,
    Hello,
    HelloPoll,
}

impl Step {
    fn name(self) -> &'static str {
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
struct Session {
    with_cookies: bool,
    sid: Option<String>,
    /// The next follow-up, an index into the mode's list.
    next: usize,
    step: Step,
    request: Handle,
    connect_failed: bool,
    /// Joined the companion's namespace, and asked `hello` there.
    companion: bool,
    asked_hello: bool,
    /// The pod `hello` named: an opaque id, never reported.
    pod: Option<String>,
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
    /// The companion's namespace while it may answer.
    companion: Option<String>,
    companion_answer: Option<CompanionAnswer>,
    /// Its namespace refused a session (`44`), or never answered `hello`:
    /// no session asks again.
    companion_absent: bool,
    /// The pods of the sessions with cookies (`None`: no pod id).
    cookie_pods: Vec<Option<String>>,
    /// The pods' count, after the interim outcome.
    counter: Option<PodCounter>,
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
            companion: config.companion.clone(),
            companion_answer: None,
            companion_absent: false,
            cookie_pods: Vec::new(),
            counter: None,
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
                pods: None,
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
            companion: with_cookies && self.companion.is_some() && !self.companion_absent,
            asked_hello: false,
            pod: None,
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
        let namespace = match (&self.companion, session.companion) {
            (Some(companion), true) => companion,
            _ => &self.namespace,
        };
        let mut request = match session.step {
            Step::Handshake | Step::Poll | Step::HelloPoll => FetchRequest::get(url),
            Step::Connect => FetchRequest::post(url, connect_message(namespace)),
            Step::Hello => FetchRequest::post(url, event_message(namespace, HELLO, "hello", None)),
            Step::Pong => FetchRequest::post(url, "3"),
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
                // connection but never answers `hello`: not the companion,
                // and no fault of the session's.
                Answer::Unanswered if step == Step::HelloPoll => {
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
                "1",
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
    fn stop(&mut self, why: Stopped) -> Vec<Action> {
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
        // Exact beats statistical: the cookie held one pod while sessions
        // without it reached others, though the one session without
        // cookies happened to stay.
        if let Some(pods) = &self.data.pods {
            if pods.pinned_pod_proven
                && pods.pods_seen >= 2
                && self.data.affinity == Affinity::NotNeeded
            {
                self.data.affinity = Affinity::Cookie;
            }
        }
        Outcome::judged(summarize(&self.data), &self.data)
    }

    fn slot_of(&self, request: Handle) -> Option<usize> {
        self.sessions
            .iter()
            .position(|s| s.as_ref().is_some_and(|s| s.request == request))
    }
}

impl Check for StickyCheck {
    fn id(&self) -> CheckId {
        CheckId::StickySession
    }

    fn planned_ms(&self) -> Millis {
        if self.companion.is_some() {
            COUNT_BUDGET_MS
        } else {
            0
        }
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
        if let Some(counter) = self.counter.as_mut() {
            return match counter.handle(event) {
                Counted::Going(actions) => actions,
                Counted::Done(actions, count) => self.counted(actions, count),
            };
        }
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
                if status == 200 {
                    self.read_companion(slot, &body);
                }
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
mod pods_tests;
#[cfg(test)]
mod tests;
