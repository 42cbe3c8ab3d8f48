//! The one generic driver: carries out a check's actions with the browser's
//! WebSocket, fetch and timers, feeds the results back as events, and cleans
//! up everything the check opened once it finishes. The only code that awaits.

mod handles;
mod io;

use std::rc::Rc;

use conncheck_core::check::{Event, Handle, MediaKind, Millis, TrackFacts};
use conncheck_core::checks::{overran, AnyCheck, CheckData};
use conncheck_core::report::ReportCheck;
use conncheck_core::run::Fed;
use gloo_timers::callback::Timeout;
use web_sys::MediaStream;

use crate::browser::now_ms;
use crate::channel::{channel, Sender};
use io::Io;

/// Every check's actions, outcome and progress as the driver sees them.
type Action = conncheck_core::check::Action<CheckData>;
type Outcome = conncheck_core::check::Outcome<CheckData>;
type Progress = conncheck_core::check::Progress<CheckData>;

/// No check may run longer than its own timers allow plus this margin.
pub const HARD_CAP_MARGIN_MS: Millis = 120_000;

pub(crate) enum Input {
    Event(Event),
    /// A timer fired; `set` tells which setting of it, so that a timer
    /// replaced or cancelled after it fired (its event still queued) is
    /// never seen by the check.
    Timer {
        id: Handle,
        set: u64,
    },
    Overran,
    /// A granted `getUserMedia` stream, for the driver to hold.
    Stream {
        id: Handle,
        kind: MediaKind,
        stream: MediaStream,
        track: TrackFacts,
    },
}

/// Where granted camera/microphone streams go for the preview (`None` when
/// they stop).
pub type MediaSink = Rc<dyn Fn(MediaKind, Option<MediaStream>)>;

/// Where a check's [`Progress`] goes: to the core's run, as what the check
/// in `slot` did (an interim outcome as the report entry it stands for).
pub type ProgressSink = (usize, Sender<Fed>);

/// Runs one check to its end and returns its report entry.
pub async fn run(check: AnyCheck) -> ReportCheck {
    let cap = HARD_CAP_MARGIN_MS + check.planned_ms();
    run_with(check, cap, None, None).await
}

/// [`run`], handing camera/microphone streams to `sink` while they live.
pub async fn run_observed(check: AnyCheck, sink: MediaSink) -> ReportCheck {
    let cap = HARD_CAP_MARGIN_MS + check.planned_ms();
    run_with(check, cap, Some(sink), None).await
}

/// [`run`], telling the run how far the check has got.
pub async fn run_reporting(check: AnyCheck, progress: ProgressSink) -> ReportCheck {
    let cap = HARD_CAP_MARGIN_MS + check.planned_ms();
    run_with(check, cap, None, Some(progress)).await
}

/// [`run`] with a given hard cap, after which the check is stopped and
/// reported as failed.
pub async fn run_capped(check: AnyCheck, cap_ms: Millis) -> ReportCheck {
    run_with(check, cap_ms, None, None).await
}

async fn run_with(
    mut check: AnyCheck,
    cap_ms: Millis,
    sink: Option<MediaSink>,
    progress: Option<ProgressSink>,
) -> ReportCheck {
    let (tx, mut rx) = channel();
    let mut io = Io::new(tx.clone(), sink);
    let cap_tx = tx.clone();
    let _cap = Timeout::new(cap_ms.min(i32::MAX as u64) as u32, move || {
        let _ = cap_tx.send(Input::Overran);
    });
    let started = now();
    let id = check.id();
    let mut actions = check.start(started);
    let outcome = loop {
        let (finished, progressed) = io.carry_out(actions);
        if let Some((slot, tx)) = &progress {
            let slot = *slot;
            for p in progressed {
                let _ = tx.send(match p {
                    Progress::CookieJarSettled => Fed::CookieJarSettled { slot },
                    Progress::Interim(outcome) => Fed::Interim {
                        slot,
                        check: ReportCheck::new(id, outcome, now().saturating_sub(started)),
                    },
                });
            }
        }
        if let Some(outcome) = finished {
            break outcome;
        }
        actions = match rx.next().await {
            Some(Input::Event(event)) => {
                if let Event::HttpResponse { id, .. } | Event::HttpFailed { id, .. } = &event {
                    io.fetch_answered(*id);
                }
                check.handle(event, now())
            }
            Some(Input::Timer { id, set }) => match io.timers.get(id) {
                Some((_, current)) if *current == set => {
                    io.timers.remove(id);
                    check.handle(Event::Timeout { id }, now())
                }
                _ => Vec::new(),
            },
            Some(Input::Stream {
                id,
                kind,
                stream,
                track,
            }) => {
                io.hold_stream(id, kind, stream);
                check.handle(Event::MediaGranted { id, track }, now())
            }
            Some(Input::Overran) | None => break overran(cap_ms),
        };
    };
    drop(io); // closes sockets, aborts fetches, cancels timers
    ReportCheck::new(id, outcome, now().saturating_sub(started))
}

fn now() -> Millis {
    now_ms() as Millis
}
