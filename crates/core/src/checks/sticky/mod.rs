//! `sticky-session`: do consecutive requests of one Engine.IO session reach
//! the backend that holds it? Proven by behaviour, since the affinity cookie
//! is often HttpOnly and invisible to the page.
//!
//! Sessions run one after another, each request after the previous answer,
//! first with cookies (`credentials: "include"`), then without (`"omit"`).
//! With cookies, each session is a handshake and four follow-ups that the
//! server answers at once: namespace CONNECT, one poll (the CONNECT's answer
//! is waiting; behind a ping, a few polls), two unsolicited pongs (never a ping: a v4 server closes a
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

mod answer;
mod companion;
mod data;
mod pods;
mod sessions;
mod summary;

use crate::weburl::Url;

pub use data::{
    Affinity, CompanionAnswer, CountStopped, LimitSignal, ModeReport, PodCount, PodsData,
    StickyData, Stopped,
};
pub use pods::{COUNT_BUDGET_MS, MAX_COUNT_REQUESTS};
pub(crate) use summary::summarize;

use super::pod_chain::{dispatch, Dispatched};
use super::{skipped_without_endpoint, BrowserFacts};
use crate::catalog::CheckId;
use crate::check::{Check, Event, Handle, Millis};

/// This check's actions and outcome, with its data type.
use super::CheckData;
pub(super) type Action = crate::check::Action<CheckData>;
type Outcome = crate::check::Outcome<CheckData>;
use crate::classify::classify;
use crate::config::Config;
use crate::privacy::redact_url;
use answer::Answer;
use pods::{Counted, PodCounter};
use sessions::{Session, Step};

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
    /// The servers its adapter reports, the most a `hello` told.
    adapter_pods: Option<u32>,
    /// Its namespace refused a session (`44`), or never answered the
    /// CONNECT or `hello` (polls with pings only, or none): no session asks
    /// again.
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
            adapter_pods: None,
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
        // Exact beats statistical: the cookie held one pod while requests
        // without it went to other pods than their session's, though the
        // one session without cookies happened to stay. Sessions without
        // cookies on several pods whose requests all landed show affinity
        // per connection or client address, not the cookie's.
        if let Some(pods) = &self.data.pods {
            if pods.pinned_pod_proven
                && pods.pods_seen >= 2
                && pods.count_retries > 0
                && self.data.affinity == Affinity::NotNeeded
            {
                self.data.affinity = Affinity::Cookie;
            }
        }
        Outcome::judged(summarize(&self.data), self.data.clone().into())
    }
}

impl Check for StickyCheck {
    type Data = CheckData;

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
            return skipped_without_endpoint(self.data.clone());
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
        match dispatch(event, |id| self.slot_of(id).map(|slot| (slot, id))) {
            Dispatched::Response {
                req: (slot, id),
                status,
                headers,
                body,
            } => {
                let (obs, open) = classify(status, &headers, &body);
                let mut actions = vec![Action::CancelTimer { id }];
                if status == 200 {
                    actions.extend(self.read_companion(slot, &body));
                }
                let answer = self.judge(status, &obs, open.map(|o| o.sid));
                actions.extend(self.on_answer(slot, answer));
                actions
            }
            Dispatched::NoAnswer {
                req: (slot, _),
                timed_out: true,
                ..
            } => self.on_answer(slot, Answer::Unanswered),
            Dispatched::NoAnswer {
                req: (slot, id), ..
            } => {
                let mut actions = vec![Action::CancelTimer { id }];
                actions.extend(self.on_answer(slot, Answer::NetworkError));
                actions
            }
            Dispatched::Timer(BUDGET_TIMER) => self.stop(Stopped::TooSlow),
            // The timer of a request answered meanwhile.
            Dispatched::Timer(_) | Dispatched::Stale => Vec::new(),
        }
    }
}

#[cfg(test)]
mod bound_tests;
#[cfg(test)]
mod pods_tests;
#[cfg(test)]
mod proof_tests;
#[cfg(test)]
mod sessions_tests;
#[cfg(test)]
mod stops_tests;
