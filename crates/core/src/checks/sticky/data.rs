//! What `sticky-session` reports: its data, as the report's JSON holds it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Affinity {
    /// Fails without cookies, works with them: cookie affinity exists.
    Cookie,
    /// Fails even with cookies.
    Missing,
    /// Never fails: one backend, or affinity by client address or
    /// connection.
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
pub(super) struct SessionReport {
    pub opened: bool,
    pub follow_ups: u32,
    pub session_unknown: u32,
    pub other_failures: u32,
    pub unanswered: u32,
    pub rate_limited: u32,
    pub first_failure: Option<String>,
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
    pub(super) fn new(credentials: &str) -> ModeReport {
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

    pub(super) fn add(&mut self, session: SessionReport) {
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
    /// What the server companion told about pods; only with `companion`
    /// configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pods: Option<PodsData>,
}

/// Pods as the companion's opaque ids show them. The ids themselves never
/// leave the check: only counts and booleans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodsData {
    /// How the companion answered the sessions with cookies.
    pub companion: CompanionAnswer,
    /// Every follow-up of both sessions with cookies reached its session,
    /// and both sessions were on the same pod: the cookie pins one pod.
    /// Exact, where `confidence` is statistical.
    pub pinned_pod_proven: bool,
    /// Distinct pods seen by every session of the check.
    pub pods_seen: u32,
    pub count: PodCount,
    /// Sessions without cookies the count opened, and its requests,
    /// retries included.
    pub count_sessions: u32,
    pub count_requests: u32,
    /// The count's requests that reached another pod than their session's
    /// ("Session ID unknown", sent again): without cookies, requests are
    /// spread per request, not kept per connection or client address.
    #[serde(default)]
    pub count_retries: u32,
    /// Why the count stopped before it settled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_stopped: Option<CountStopped>,
    /// The servers the companion's adapter reports (`hello`'s `pods`): an
    /// outside number, 1 to 1024; absent from older companions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapter_pods: Option<u32>,
}

impl PodsData {
    /// The pods shown to be there: those whose ids answered, and at least
    /// two once a request reached another pod than its session's (that
    /// pod's id unknown).
    pub fn at_least(&self) -> u32 {
        match self.count_retries {
            0 => self.pods_seen,
            _ => self.pods_seen.max(2),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CompanionAnswer {
    /// `hello` told each session with cookies its pod.
    Answered,
    /// The namespace refused the connection (`44`): no companion there;
    /// affinity is judged statistically, as without one.
    Absent,
    /// The companion refused `hello` (`rate-limited`, …).
    Refused,
    /// No session could ask it (the sessions stopped first), or its
    /// answer was not the companion's.
    NoAnswer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PodCount {
    /// The first report's: the count goes on after it.
    Counting,
    /// Every pod the adapter reports answered a session without cookies,
    /// and no request showed more.
    Exact,
    /// Stopped before it settled: at least [`PodsData::at_least`].
    AtLeast,
    /// Not counted: the companion did not answer.
    NotCounted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CountStopped {
    /// Its bounded number of sessions (reports before the request bound).
    MaxSessions,
    /// Its bounded number of requests.
    MaxRequests,
    /// Its time budget.
    Budget,
    /// A rate limit answered: the companion's, HTTP 429, `Retry-After`,
    /// or 503 after answers (`limit_req`'s default; maybe a moment
    /// without ready pods).
    RateLimited,
    /// A request got an unexpected answer, or none.
    Failed,
}
