//! The native driver: carries out one check's actions with the network of
//! [`Net`] (fetch, WebSockets) and tokio's timers, feeds what happened back
//! as events with the time, and cleans up everything the check opened once
//! it finishes, as the page's driver (src/driver.rs) does in a browser.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use conncheck_core::check::{Action, Check, Event, Handle, Millis, Outcome, Progress};
use conncheck_core::checks::{overran, AnyCheck, CheckData};
use conncheck_core::report::ReportCheck;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::task::JoinHandle;

use crate::net::Net;
use crate::ws::{self, Command};

/// No check may run longer than its own timers allow plus this margin (the
/// page's margin).
pub const HARD_CAP_MARGIN_MS: Millis = 120_000;

/// What a check told its runner before it finished.
pub enum Reported {
    CookieJarSettled,
    Interim(ReportCheck),
}

enum Input {
    Event(Event),
    /// A timer fired; `set` tells which setting of it, so that one replaced
    /// or cancelled after it fired is never seen by the check.
    Timer {
        id: Handle,
        set: u64,
    },
}

/// Milliseconds on this process's monotonic clock.
pub fn now() -> Millis {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as Millis
}

/// What one check holds; dropping it ends every socket, request and timer.
#[derive(Default)]
struct Held {
    sockets: HashMap<Handle, (UnboundedSender<Command>, JoinHandle<()>)>,
    fetches: HashMap<Handle, JoinHandle<()>>,
    timers: HashMap<Handle, (JoinHandle<()>, u64)>,
    timer_sets: u64,
}

impl Drop for Held {
    fn drop(&mut self) {
        // A socket is closed as a page closes it (a close frame, then its
        // task ends by itself, bounded); requests and timers just stop.
        for (_, (commands, _)) in self.sockets.drain() {
            let _ = commands.send(Command::Close(1000));
        }
        let fetches = self.fetches.drain().map(|(_, task)| task);
        let timers = self.timers.drain().map(|(_, (task, _))| task);
        for task in fetches.chain(timers) {
            task.abort();
        }
    }
}

/// Runs one check to its end and returns its report entry; `progress`
/// hears what the check tells before it finishes.
pub async fn run(check: AnyCheck, net: &Net, progress: &dyn Fn(Reported)) -> ReportCheck {
    let cap_ms = HARD_CAP_MARGIN_MS + check.planned_ms();
    let (id, started) = (check.id(), now());
    let told = |p: Progress<CheckData>| match p {
        Progress::CookieJarSettled => progress(Reported::CookieJarSettled),
        Progress::Interim(outcome) => progress(Reported::Interim(ReportCheck::new(
            id,
            outcome,
            now().saturating_sub(started),
        ))),
    };
    let outcome = drive(check, net, cap_ms, &told)
        .await
        .unwrap_or_else(|| overran(cap_ms));
    ReportCheck::new(id, outcome, now().saturating_sub(started))
}

/// Runs any check to its end: its outcome, or `None` when it outlived
/// `cap_ms` and was stopped.
pub async fn drive<D>(
    mut check: Box<dyn Check<Data = D>>,
    net: &Net,
    cap_ms: Millis,
    progress: &dyn Fn(Progress<D>),
) -> Option<Outcome<D>> {
    let deadline = tokio::time::Instant::now() + Duration::from_millis(cap_ms);
    let (tx, mut rx) = unbounded_channel::<Input>();
    let (event_tx, mut event_rx) = unbounded_channel::<Event>();
    // Sockets and requests speak Event; the check hears them in order.
    let forward = {
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Some(e) = event_rx.recv().await {
                if tx.send(Input::Event(e)).is_err() {
                    break;
                }
            }
        })
    };
    let mut held = Held::default();
    let mut actions = check.start(now());
    let outcome = loop {
        let mut finished = None;
        for action in actions {
            match action {
                Action::Finish(outcome) => {
                    finished = Some(outcome);
                    break;
                }
                Action::Progress(p) => progress(p),
                action => carry_out(action, net, &mut held, &tx, &event_tx),
            }
        }
        if let Some(outcome) = finished {
            break Some(outcome);
        }
        let input = tokio::select! {
            input = rx.recv() => input,
            _ = tokio::time::sleep_until(deadline) => None,
        };
        actions = match input {
            Some(Input::Event(event)) => {
                if let Event::HttpResponse { id, .. } | Event::HttpFailed { id, .. } = &event {
                    held.fetches.remove(id);
                }
                if let Event::WsClosed { id, .. } = &event {
                    held.sockets.remove(id);
                }
                check.handle(event, now())
            }
            Some(Input::Timer { id, set }) => match held.timers.get(&id) {
                Some((_, current)) if *current == set => {
                    held.timers.remove(&id);
                    check.handle(Event::Timeout { id }, now())
                }
                _ => Vec::new(),
            },
            None => break None,
        };
    };
    drop(held); // closes sockets, aborts requests, cancels timers
    forward.abort();
    outcome
}

fn carry_out<D>(
    action: Action<D>,
    net: &Net,
    held: &mut Held,
    tx: &UnboundedSender<Input>,
    events: &UnboundedSender<Event>,
) {
    match action {
        Action::Fetch { id, request } => {
            let (net, events) = (net.clone(), events.clone());
            let task = tokio::spawn(async move {
                let _ = events.send(net.fetch(id, request).await);
            });
            if let Some(old) = held.fetches.insert(id, task) {
                old.abort();
            }
        }
        // Sent and forgotten: it outlives the check.
        Action::Beacon(request) => net.beacon(request),
        Action::OpenWs { id, url } => {
            let (commands, rx) = unbounded_channel();
            let task = tokio::spawn(ws::run(
                id,
                url,
                net.origin.clone(),
                net.jar.clone(),
                rx,
                events.clone(),
            ));
            if let Some((_, old)) = held.sockets.insert(id, (commands, task)) {
                old.abort();
            }
        }
        Action::SendWs { id, text } => {
            if let Some((commands, _)) = held.sockets.get(&id) {
                let _ = commands.send(Command::Send(text));
            }
        }
        Action::CloseWs { id, code } => {
            if let Some((commands, _)) = held.sockets.get(&id) {
                let _ = commands.send(Command::Close(code.0));
            }
        }
        Action::SetTimer { id, after_ms } => {
            held.timer_sets += 1;
            let set = held.timer_sets;
            let tx = tx.clone();
            let task = tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(after_ms)).await;
                let _ = tx.send(Input::Timer { id, set });
            });
            if let Some((old, _)) = held.timers.insert(id, (task, set)) {
                old.abort();
            }
        }
        Action::CancelTimer { id } => {
            if let Some((task, _)) = held.timers.remove(&id) {
                task.abort();
            }
        }
        // What only a browser has (a page's view of cookies, cameras, ICE):
        // the checks that ask for it are not run here (crate::run), so a
        // check that did would meet its own timeout, never a faked answer.
        Action::ReadCookies { .. }
        | Action::QueryMedia { .. }
        | Action::GetUserMedia { .. }
        | Action::StopMedia { .. }
        | Action::GatherIce { .. } => {}
        // Taken by `run` before it calls this.
        Action::Progress(_) | Action::Finish(_) => {}
    }
}
