//! The one generic driver: carries out a check's actions with the browser's
//! WebSocket, fetch and timers, feeds the results back as events, and cleans
//! up everything the check opened once it finishes. The only code that awaits.

use std::collections::HashMap;
use std::rc::Rc;

use conncheck_core::check::{Event, FetchRequest, Handle, MediaKind, Millis, TrackFacts};
use conncheck_core::checks::{overran, AnyCheck, CheckData};
use conncheck_core::report::ReportCheck;
use futures::channel::mpsc::{unbounded, UnboundedSender};
use futures::StreamExt;
use gloo_timers::callback::Timeout;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{AbortController, MediaStream};

use crate::browser::{js_error_text, now_ms, window};
use crate::media_io::{self, Peer};
use crate::net_io::{fetch_response, request_init, Socket, FETCH_TIMEOUT_MS};

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

/// Where a check's [`Progress`] goes, with the check's running time; an
/// interim outcome comes as the report entry it stands for.
pub type ProgressSink = Rc<dyn Fn(Reported)>;

pub enum Reported {
    CookieJarSettled,
    Interim(ReportCheck),
}

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

/// [`run`], telling `progress` how far the check has got.
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
    let (tx, mut rx) = unbounded();
    let mut io = Io {
        tx: tx.clone(),
        sockets: HashMap::new(),
        timers: HashMap::new(),
        timer_sets: 0,
        fetches: HashMap::new(),
        streams: HashMap::new(),
        peers: HashMap::new(),
        sink,
    };
    let cap_tx = tx.clone();
    let _cap = Timeout::new(cap_ms.min(i32::MAX as u64) as u32, move || {
        let _ = cap_tx.unbounded_send(Input::Overran);
    });
    let started = now();
    let id = check.id();
    let mut actions = check.start(started);
    let outcome = loop {
        let (finished, progressed) = io.carry_out(actions);
        if let Some(progress) = &progress {
            for p in progressed {
                progress(match p {
                    Progress::CookieJarSettled => Reported::CookieJarSettled,
                    Progress::Interim(outcome) => Reported::Interim(ReportCheck::new(
                        id,
                        outcome,
                        now().saturating_sub(started),
                    )),
                });
            }
        }
        if let Some(outcome) = finished {
            break outcome;
        }
        actions = match rx.next().await {
            Some(Input::Event(event)) => check.handle(event, now()),
            Some(Input::Timer { id, set }) => match io.timers.get(&id) {
                Some((_, current)) if *current == set => {
                    io.timers.remove(&id);
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

struct Io {
    tx: UnboundedSender<Input>,
    sockets: HashMap<Handle, Socket>,
    timers: HashMap<Handle, (Timeout, u64)>,
    /// How many timers were set: each setting's number.
    timer_sets: u64,
    fetches: HashMap<Handle, AbortController>,
    streams: HashMap<Handle, (MediaKind, MediaStream)>,
    peers: HashMap<Handle, Peer>,
    sink: Option<MediaSink>,
}

impl Io {
    /// Carries out actions in order; returns the outcome if one finishes the
    /// check, and the progress the check told of on the way.
    fn carry_out(&mut self, actions: Vec<Action>) -> (Option<Outcome>, Vec<Progress>) {
        let mut progressed = Vec::new();
        for action in actions {
            match action {
                Action::Finish(outcome) => return (Some(outcome), progressed),
                Action::Progress(p) => progressed.push(p),
                Action::OpenWs { id, url } => self.open_ws(id, &url),
                Action::SendWs { id, text } => {
                    if let Some(s) = self.sockets.get(&id) {
                        // A send on a closing socket fails; its close event follows.
                        let _ = s.ws.send_with_str(&text);
                    }
                }
                Action::CloseWs { id, code } => {
                    if let Some(s) = self.sockets.get(&id) {
                        let _ = s.ws.close_with_code(code.0);
                    }
                }
                Action::SetTimer { id, after_ms } => {
                    let tx = self.tx.clone();
                    self.timer_sets += 1;
                    let set = self.timer_sets;
                    // setTimeout takes a signed 32-bit delay.
                    let delay = after_ms.min(i32::MAX as u64) as u32;
                    let timer = Timeout::new(delay, move || {
                        let _ = tx.unbounded_send(Input::Timer { id, set });
                    });
                    self.timers.insert(id, (timer, set)); // drops, and so cancels, a pending one
                }
                Action::ReadCookies { id } => {
                    let tx = self.tx.clone();
                    spawn_local(async move {
                        let cookies = crate::browser::visible_cookies().await;
                        let _ = tx.unbounded_send(Input::Event(Event::Cookies { id, cookies }));
                    });
                }
                Action::CancelTimer { id } => {
                    self.timers.remove(&id);
                }
                Action::Fetch { id, request } => self.fetch(id, request),
                Action::QueryMedia { id } => {
                    let tx = self.tx.clone();
                    spawn_local(async move {
                        let facts = media_io::query_media().await;
                        let _ = tx.unbounded_send(Input::Event(Event::MediaFacts { id, facts }));
                    });
                }
                Action::GetUserMedia { id, kind } => {
                    let tx = self.tx.clone();
                    spawn_local(async move {
                        let input = match media_io::get_user_media(kind).await {
                            Ok((stream, track)) => Input::Stream {
                                id,
                                kind,
                                stream,
                                track,
                            },
                            Err(error) => Input::Event(Event::MediaFailed { id, error }),
                        };
                        // The check may have ended meanwhile: then nobody holds the stream.
                        if let Err(unsent) = tx.unbounded_send(input) {
                            if let Input::Stream { stream, .. } = unsent.into_inner() {
                                media_io::stop_stream(&stream);
                            }
                        }
                    });
                }
                Action::StopMedia { id } => self.stop_stream(id),
                Action::GatherIce { id, server } => {
                    let tx = self.tx.clone();
                    let send = move |event| {
                        let _ = tx.unbounded_send(Input::Event(event));
                    };
                    match Peer::gather(id, server, send) {
                        Ok(peer) => {
                            self.peers.insert(id, peer);
                        }
                        Err(e) => {
                            self.send(Event::IceError {
                                id,
                                code: 0,
                                text: js_error_text(e),
                            });
                            self.send(Event::IceComplete { id });
                        }
                    }
                }
                Action::Beacon(request) => {
                    let init = request_init(&request);
                    // keepalive: the request outlives the page if it must.
                    // (web-sys has no stable setter for it.)
                    let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &true.into());
                    let promise = window().fetch_with_str_and_init(&request.url, &init);
                    spawn_local(async move {
                        let _ = JsFuture::from(promise).await;
                    });
                }
            }
        }
        (None, progressed)
    }

    fn hold_stream(&mut self, id: Handle, kind: MediaKind, stream: MediaStream) {
        if let Some(sink) = &self.sink {
            sink(kind, Some(stream.clone()));
        }
        self.streams.insert(id, (kind, stream));
    }

    fn stop_stream(&mut self, id: Handle) {
        if let Some((kind, stream)) = self.streams.remove(&id) {
            media_io::stop_stream(&stream);
            if let Some(sink) = &self.sink {
                sink(kind, None);
            }
        }
    }

    fn send(&self, event: Event) {
        let _ = self.tx.unbounded_send(Input::Event(event));
    }

    fn open_ws(&mut self, id: Handle, url: &str) {
        match Socket::open(id, url, self.tx.clone()) {
            Ok(socket) => {
                self.sockets.insert(id, socket);
            }
            // A URL the browser refuses outright (syntax, CSP, port): the
            // socket never opens, which is how the check must see it.
            Err(e) => self.send(Event::WsClosed {
                id,
                code: 1006,
                reason: js_error_text(e),
                clean: false,
            }),
        }
    }

    fn fetch(&mut self, id: Handle, request: FetchRequest) {
        let init = request_init(&request);
        if let Ok(controller) = AbortController::new() {
            init.set_signal(Some(&controller.signal()));
            self.fetches.insert(id, controller);
        }
        let tx = self.tx.clone();
        let promise = window().fetch_with_str_and_init(&request.url, &init);
        let abort = self.fetches.get(&id).cloned();
        spawn_local(async move {
            // Its own timeout: a trickling body cannot hold the check.
            let _deadline = abort.map(|c| Timeout::new(FETCH_TIMEOUT_MS, move || c.abort()));
            let event = match fetch_response(promise).await {
                Ok((status, headers, body)) => Event::HttpResponse {
                    id,
                    status,
                    headers,
                    body,
                },
                Err(message) => Event::HttpFailed { id, message },
            };
            let _ = tx.unbounded_send(Input::Event(event));
        });
    }
}

impl Drop for Io {
    fn drop(&mut self) {
        for controller in self.fetches.values() {
            controller.abort();
        }
        let held: Vec<Handle> = self.streams.keys().copied().collect();
        for id in held {
            self.stop_stream(id);
        }
    }
}
