//! The driver's hands: [`Io`] carries out a check's actions with the
//! browser's WebSocket, fetch, timers, media and peer connections, and
//! dropping it closes, aborts and cancels everything the check still holds.

use conncheck_core::check::{Event, FetchRequest, Handle, MediaKind};
use gloo_timers::callback::Timeout;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, MediaStream};

use super::handles::Handles;
use super::{Action, Input, MediaSink, Outcome, Progress};
use crate::browser::{js_error_text, window};
use crate::channel::spawn;
use crate::channel::Sender;
use crate::media_io::{self, Peer};
use crate::net_io::{fetch_response, request_init, Socket, FETCH_TIMEOUT_MS};

pub(super) struct Io {
    tx: Sender<Input>,
    sockets: Handles<Socket>,
    pub(super) timers: Handles<(Timeout, u64)>,
    /// How many timers were set: each setting's number.
    timer_sets: u64,
    fetches: Handles<AbortController>,
    streams: Handles<(MediaKind, MediaStream)>,
    peers: Handles<Peer>,
    sink: Option<MediaSink>,
}

impl Io {
    pub(super) fn new(tx: Sender<Input>, sink: Option<MediaSink>) -> Self {
        Io {
            tx,
            sockets: Handles::new(),
            timers: Handles::new(),
            timer_sets: 0,
            fetches: Handles::new(),
            streams: Handles::new(),
            peers: Handles::new(),
            sink,
        }
    }

    /// Carries out actions in order; returns the outcome if one finishes the
    /// check, and the progress the check told of on the way.
    pub(super) fn carry_out(&mut self, actions: Vec<Action>) -> (Option<Outcome>, Vec<Progress>) {
        let mut progressed = Vec::new();
        for action in actions {
            match action {
                Action::Finish(outcome) => return (Some(outcome), progressed),
                Action::Progress(p) => progressed.push(p),
                Action::OpenWs { id, url } => self.open_ws(id, &url),
                Action::SendWs { id, text } => {
                    if let Some(s) = self.sockets.get(id) {
                        // A send on a closing socket fails; its close event follows.
                        let _ = s.ws.send_with_str(&text);
                    }
                }
                Action::CloseWs { id, code } => {
                    if let Some(s) = self.sockets.get(id) {
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
                        let _ = tx.send(Input::Timer { id, set });
                    });
                    self.timers.insert(id, (timer, set)); // drops, and so cancels, a pending one
                }
                Action::ReadCookies { id } => {
                    let tx = self.tx.clone();
                    spawn(async move {
                        let cookies = crate::browser::visible_cookies().await;
                        let _ = tx.send(Input::Event(Event::Cookies { id, cookies }));
                    });
                }
                Action::CancelTimer { id } => {
                    self.timers.remove(id);
                }
                Action::Fetch { id, request } => self.fetch(id, request),
                Action::QueryMedia { id } => {
                    let tx = self.tx.clone();
                    spawn(async move {
                        let facts = media_io::query_media().await;
                        let _ = tx.send(Input::Event(Event::MediaFacts { id, facts }));
                    });
                }
                Action::GetUserMedia { id, kind } => {
                    let tx = self.tx.clone();
                    spawn(async move {
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
                        if let Err(Input::Stream { stream, .. }) = tx.send(input) {
                            media_io::stop_stream(&stream);
                        }
                    });
                }
                Action::StopMedia { id } => self.stop_stream(id),
                Action::GatherIce { id, server } => {
                    let tx = self.tx.clone();
                    let send = move |event| {
                        let _ = tx.send(Input::Event(event));
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
                    spawn(async move {
                        let _ = JsFuture::from(promise).await;
                    });
                }
            }
        }
        (None, progressed)
    }

    pub(super) fn hold_stream(&mut self, id: Handle, kind: MediaKind, stream: MediaStream) {
        if let Some(sink) = &self.sink {
            sink(kind, Some(stream.clone()));
        }
        self.streams.insert(id, (kind, stream));
    }

    fn stop_stream(&mut self, id: Handle) {
        if let Some((kind, stream)) = self.streams.remove(id) {
            media_io::stop_stream(&stream);
            if let Some(sink) = &self.sink {
                sink(kind, None);
            }
        }
    }

    fn send(&self, event: Event) {
        let _ = self.tx.send(Input::Event(event));
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

    /// A fetch's answer (or failure) arrived: nothing left to abort.
    pub(super) fn fetch_answered(&mut self, id: Handle) {
        self.fetches.remove(id);
    }

    fn fetch(&mut self, id: Handle, request: FetchRequest) {
        let init = request_init(&request);
        if let Ok(controller) = AbortController::new() {
            init.set_signal(Some(&controller.signal()));
            self.fetches.insert(id, controller);
        }
        let tx = self.tx.clone();
        let promise = window().fetch_with_str_and_init(&request.url, &init);
        let abort = self.fetches.get(id).cloned();
        spawn(async move {
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
            let _ = tx.send(Input::Event(event));
        });
    }
}

impl Drop for Io {
    fn drop(&mut self) {
        for controller in self.fetches.values() {
            controller.abort();
        }
        let held = self.streams.ids();
        for id in held {
            self.stop_stream(id);
        }
    }
}
