//! `cross-pod`, with the server companion (docs/companion.md): does a
//! message sent by a session on one pod reach a session held by another?
//! That is the "only some users get the messages" failure of multi-pod
//! Socket.IO: an adapter (Redis) missing or disconnected.
//!
//! Polling sessions without cookies, so cookie affinity does not keep them
//! on one pod; a request that reaches another pod than its session's gets
//! "Session ID unknown" and is sent again, a bounded number of times. Each
//! session joins the companion's namespace and asks `hello` for its pod's
//! opaque id. Sessions open one after another until two are on different
//! pods (A and B); A listens to a random room, B asks for a broadcast of a
//! random nonce to it, and A must receive it within a bound. One request at
//! a time: two chains retrying in lockstep under round robin could each keep
//! missing their pod.
//! The page observes this after the report (its length grows with the pods'
//! count), so it never holds the report back.

mod data;
mod pairing;
mod probe_names;

use crate::json::Value;
pub(crate) use data::summarize;
pub use data::{CrossPodData, CrossPodResult};
use probe_names::room_and_nonce;

use super::pod_chain::{bounded, Chain, Dispatched, InFlight, Reply, Step};
pub use super::pod_chain::{MAX_TRIES, REQUEST_TIMEOUT_MS};
use super::{since, skipped_without_endpoint};
use crate::catalog::CheckId;
use crate::check::{Check, Event, Handle, Millis};

/// This check's actions and outcome, with its data type.
use super::CheckData;
pub(super) type Action = crate::check::Action<CheckData>;
type Outcome = crate::check::Outcome<CheckData>;
use crate::config::Config;
use crate::privacy::redact_url;

/// Sessions opened at most while looking for a second pod.
pub const MAX_SESSIONS: u32 = 10;
/// How long a poll of A that reached A's pod may wait for the nonce: far
/// above a Redis round trip. Each poll restarts it (one that reached another
/// pod is answered at once and sent again), so retries never eat into it.
pub const DELIVERY_WAIT_MS: Millis = 5_000;
/// The whole probe's bound, well inside the driver's cap: a server may
/// answer every retry just before its timeout.
pub const BUDGET_MS: Millis = 60_000;
/// Timer of the delivery wait, and of the whole probe; request timers use
/// the request's handle (from 1 up).
const DELIVERY_TIMER: Handle = 0;
const BUDGET_TIMER: Handle = Handle::MAX;

pub struct CrossPodCheck {
    /// `None` without an endpoint or a companion.
    chain: Option<Chain>,
    room: String,
    nonce: String,
    /// Each session's pod, once known.
    pods: Vec<Option<String>>,
    /// The sessions on two pods, once found.
    listener: Option<usize>,
    sender: Option<usize>,
    sent_at: Option<Millis>,
    data: CrossPodData,
}

impl CrossPodCheck {
    /// `seed` comes from the browser's random numbers: the room and nonce
    /// must not be guessable by other clients of the companion.
    pub fn new(config: &Config, seed: u64) -> Self {
        let namespace = config.companion.clone();
        let chain = config
            .socketio
            .clone()
            .zip(namespace.clone())
            .map(|(endpoint, ns)| {
                let mut chain = Chain::new(endpoint, ns, DELIVERY_TIMER);
                chain.probe_timer = Some((DELIVERY_TIMER, DELIVERY_WAIT_MS));
                chain
            });
        let (room, nonce) = room_and_nonce(seed);
        CrossPodCheck {
            chain,
            room,
            nonce,
            pods: Vec::new(),
            listener: None,
            sender: None,
            sent_at: None,
            data: CrossPodData {
                url: config.socketio.as_ref().map(|u| redact_url(u.as_str())),
                namespace: namespace.unwrap_or_default(),
                sessions: 0,
                pods: 0,
                requests: 0,
                result: None,
            },
        }
    }

    /// Earlier requests to the same endpoint were answered: a 503 is a
    /// limit from the probe's first request on.
    pub fn after_answers(mut self) -> Self {
        self.chain = self.chain.map(Chain::after_answers);
        self
    }

    fn send(&mut self, session: Option<usize>, step: Step) -> Vec<Action> {
        let arg = match step {
            Step::Listen => Some(Value::object([("room", self.room.as_str().into())])),
            Step::Send => Some(Value::object([
                ("room", self.room.as_str().into()),
                ("nonce", self.nonce.as_str().into()),
            ])),
            _ => None,
        };
        let Some(chain) = self.chain.as_mut() else {
            return Vec::new();
        };
        let actions = chain.send(session, step, arg.as_ref());
        self.data.requests = chain.requests;
        actions
    }

    fn on_response(
        &mut self,
        req: InFlight,
        status: u16,
        headers: &[(String, String)],
        body: &str,
        now: Millis,
    ) -> Vec<Action> {
        let Some(chain) = self.chain.as_mut() else {
            return Vec::new();
        };
        let (mut actions, reply) = chain.respond(&req, status, headers, body);
        self.data.requests = chain.requests;
        let next = match reply {
            Reply::Again => Vec::new(),
            Reply::Opened(index) => {
                self.pods.push(None);
                self.data.sessions = self.pods.len() as u32;
                self.send(Some(index), Step::Connect)
            }
            Reply::Posted => {
                let next = match req.step {
                    Step::Connect => Step::AwaitConnect,
                    Step::Hello => Step::AwaitHello,
                    Step::Listen => Step::AwaitListen,
                    _ => Step::AwaitSend,
                };
                self.send(req.session, next)
            }
            Reply::Connected => self.send(req.session, Step::Hello),
            Reply::ConnectRefused(message) => self.end(CrossPodResult::NoCompanion {
                message: bounded(&message),
            }),
            Reply::Ack(answer) => self.on_ack(req, answer.as_ref(), now),
            Reply::Events(events) => {
                let arrived = events.iter().any(|args| {
                    let nonce = args
                        .get(1)
                        .and_then(|a| a.get("nonce"))
                        .and_then(Value::as_str);
                    args.first().and_then(Value::as_str) == Some("probe")
                        && nonce == Some(self.nonce.as_str())
                });
                if arrived && req.step == Step::AwaitProbe {
                    let ms = since(self.sent_at.unwrap_or(now), now);
                    self.end(CrossPodResult::Delivered { ms })
                } else {
                    let step = req.step;
                    let again = self.chain.as_mut().and_then(|c| c.poll_again(req));
                    match again {
                        Some(again) => {
                            self.data.requests = self.chain.as_ref().map_or(0, |c| c.requests);
                            again
                        }
                        None => {
                            self.fail(step, "polls brought no answer from the companion".into())
                        }
                    }
                }
            }
            Reply::Failed { limited: true, .. } => self.end(CrossPodResult::RateLimited {
                step: req.step.name().into(),
            }),
            Reply::Failed { what, .. } => self.fail(req.step, what),
        };
        actions.extend(next);
        actions
    }

    fn fail(&mut self, step: Step, what: String) -> Vec<Action> {
        self.end(CrossPodResult::Failed {
            step: step.name().into(),
            what,
        })
    }

    fn end(&mut self, result: CrossPodResult) -> Vec<Action> {
        self.data.result = Some(result);
        let mut actions = self.chain.as_mut().map(Chain::end).unwrap_or_default();
        actions.push(Action::CancelTimer { id: DELIVERY_TIMER });
        actions.push(Action::CancelTimer { id: BUDGET_TIMER });
        actions.push(Action::Finish(Outcome::judged(
            summarize(&self.data),
            std::mem::take(&mut self.data).into(),
        )));
        actions
    }
}

impl Check for CrossPodCheck {
    type Data = CheckData;

    fn id(&self) -> CheckId {
        CheckId::CrossPod
    }

    fn start(&mut self, _now: Millis) -> Vec<Action> {
        if self.chain.is_none() {
            return skipped_without_endpoint(std::mem::take(&mut self.data));
        }
        let mut actions = vec![Action::SetTimer {
            id: BUDGET_TIMER,
            after_ms: BUDGET_MS,
        }];
        actions.extend(self.open_next());
        actions
    }

    fn handle(&mut self, event: Event, now: Millis) -> Vec<Action> {
        let Some(chain) = self.chain.as_mut() else {
            return Vec::new();
        };
        if self.data.result.is_some() {
            return Vec::new();
        }
        match chain.dispatch(event) {
            Dispatched::Response {
                req,
                status,
                headers,
                body,
            } => self.on_response(req, status, &headers, &body, now),
            Dispatched::NoAnswer { req, what, .. } => self.fail(req.step, what),
            Dispatched::Timer(BUDGET_TIMER) => {
                let step = chain.in_flight_step().unwrap_or(Step::Handshake);
                self.fail(step, format!("no result within {} s", BUDGET_MS / 1000))
            }
            Dispatched::Timer(DELIVERY_TIMER) => {
                let waited_ms = since(self.sent_at.unwrap_or(now), now);
                self.end(CrossPodResult::NotDelivered { waited_ms })
            }
            Dispatched::Timer(_) | Dispatched::Stale => Vec::new(),
        }
    }
}

#[cfg(test)]
mod probe_tests;
#[cfg(test)]
mod refusal_tests;
