//! The contract between a check (pure state machine) and the driver that
//! carries out its actions in the browser.
//!
//! A check never awaits and never reads a clock: the driver calls
//! [`Check::start`] once, then [`Check::handle`] for every event, passing the
//! current time, and carries out the returned [`Action`]s until one of them is
//! [`Action::Finish`]. After `Finish` the driver closes every socket, aborts
//! every request and cancels every timer the check still holds.

use serde::{Deserialize, Serialize};

use crate::catalog::CheckId;
mod close;
mod event;
mod fetch;
mod media;
pub use close::{CloseCode, CloseInfo, ClosedBy, MAX_WS_MESSAGE};
pub use event::{Event, VisibleCookie};
pub use fetch::{Credentials, FetchMode, FetchRequest};
pub use media::{MediaError, MediaFacts, MediaKind, PermissionState, TrackFacts};

/// An ICE server as the browser gets it. Credentials stay in memory: the
/// report only ever shows the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IceServer {
    pub url: String,
    pub username: Option<String>,
    pub credential: Option<String>,
}

/// Milliseconds on the driver's monotonic clock.
pub type Millis = u64;

/// Names one request, socket or timer of a check. Requests, sockets and
/// timers are separate name spaces, so socket 0 and timer 0 may coexist.
pub type Handle = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Skip,
}

impl Status {
    /// As the report spells it: `pass`, `warn`, `fail`, `skip`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skip => "skip",
        }
    }

    /// For people, on a check's badge.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "Pass",
            Status::Warn => "Warning",
            Status::Fail => "Fail",
            Status::Skip => "Skipped",
        }
    }
}

/// What a check asks of its driver; `D` is the check's data type (the
/// page's driver sees every check's as [`crate::checks::CheckData`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Action<D> {
    Fetch {
        id: Handle,
        request: FetchRequest,
    },
    /// A request sent and forgotten: no event comes back, and it is not
    /// aborted when the check finishes (closing a server session, say).
    Beacon(FetchRequest),
    OpenWs {
        id: Handle,
        url: String,
    },
    SendWs {
        id: Handle,
        text: String,
    },
    /// Close a socket; the driver reports the resulting [`Event::WsClosed`].
    CloseWs {
        id: Handle,
        code: CloseCode,
    },
    /// Start a timer; one with the same id that is still pending is replaced.
    SetTimer {
        id: Handle,
        after_ms: Millis,
    },
    /// Read camera/microphone facts without prompting the user.
    QueryMedia {
        id: Handle,
    },
    /// `getUserMedia` for one kind; the driver keeps the stream for the
    /// preview until [`Action::StopMedia`] (or the check's end).
    GetUserMedia {
        id: Handle,
        kind: MediaKind,
    },
    StopMedia {
        id: Handle,
    },
    /// Gather ICE candidates with one server (none: host candidates only).
    GatherIce {
        id: Handle,
        server: Option<IceServer>,
    },
    /// Read the cookies visible to the page (names and attributes).
    ReadCookies {
        id: Handle,
    },
    CancelTimer {
        id: Handle,
    },
    /// Tells the runner how far the check has got; the check goes on.
    Progress(Progress<D>),
    Finish(Outcome<D>),
}

/// What a check tells its runner before it finishes.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress<D> {
    /// The endpoint's first answer is in (or certainly is not coming): any
    /// affinity cookie a balancer set with it now sits in the browser's
    /// cookie jar, so checks that share the jar can start without racing
    /// each other for it.
    CookieJarSettled,
    /// The check's report entry for now. It goes on observing something
    /// whose length depends on the server (the first server ping), and its
    /// final outcome replaces this one later.
    Interim(Outcome<D>),
}

/// How a check ended. A failure is an outcome with evidence, not an error.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome<D> {
    pub status: Status,
    pub summary: String,
    /// Check-specific observed facts, as they appear in the report.
    pub data: D,
}

impl<D> Outcome<D> {
    /// The outcome of a check judged from its data: `(status, summary)` as
    /// the check's `summarize` gives them, and the data itself. A check
    /// that finishes hands its data over (`std::mem::take`); only one that
    /// reports an interim outcome and goes on keeps a copy, so that the
    /// page's wasm holds few of the data types' deep clones.
    pub fn judged((status, summary): (Status, String), data: D) -> Outcome<D> {
        Outcome {
            status,
            summary,
            data,
        }
    }
}

impl<D> Outcome<D> {
    /// The same outcome with its data converted (to the driver's data type).
    pub fn map<E>(self, f: impl FnOnce(D) -> E) -> Outcome<E> {
        Outcome {
            status: self.status,
            summary: self.summary,
            data: f(self.data),
        }
    }
}

pub trait Check {
    /// What the check observes: its entry's `data` in the report.
    type Data;
    fn id(&self) -> CheckId;
    /// How long the check means to run beyond its timeouts (a hold time):
    /// the driver's hard cap grows by it.
    fn planned_ms(&self) -> Millis {
        0
    }
    fn start(&mut self, now: Millis) -> Vec<Action<Self::Data>>;
    fn handle(&mut self, event: Event, now: Millis) -> Vec<Action<Self::Data>>;
}
