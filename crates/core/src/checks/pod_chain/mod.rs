//! Cookie-less polling sessions with the server companion (docs/companion.md)
//! whose requests reach the pod holding their session: shared by `cross-pod`
//! and by `sticky-session`'s pod count.
//!
//! Without cookies, cookie affinity does not keep a session's requests
//! together; a request that reaches another pod than its session's gets
//! "Session ID unknown" and is sent again, a bounded number of times. One
//! request at a time: two chains retrying in lockstep under round robin
//! could each keep missing their pod.

mod answers;
mod dispatch;

use crate::json::Value;
use crate::weburl::Url;

use answers::read_poll;
pub(crate) use answers::{ack_result, adapter_pods, bounded, pod_id};
pub(crate) use dispatch::{dispatch, Dispatched};

use super::{engineio_url, Transport};
use crate::check::{Action, Credentials, Event, FetchRequest, Handle, Millis};
use crate::classify::{classify, SERVICE_UNAVAILABLE, SESSION_ID_UNKNOWN, TOO_MANY_REQUESTS};
use crate::engineio::Packet;
use crate::socketio::{connect_message, event_message};

/// Sends of one request that reached another pod than its session's.
pub const MAX_TRIES: u32 = 32;
/// Polls for one expected answer (a poll may bring other packets first).
const MAX_POLLS: u32 = 4;
pub const REQUEST_TIMEOUT_MS: Millis = 10_000;
/// The acknowledgement id of `hello`; `listen` and `send` use the next.
pub(crate) const HELLO: u64 = 0;
pub(crate) const PROBE_REQUEST: u64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Handshake,
    Connect,
    AwaitConnect,
    Hello,
    AwaitHello,
    Listen,
    AwaitListen,
    Send,
    AwaitSend,
    AwaitProbe,
}

impl Step {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Step::Handshake => "handshake",
            Step::Connect | Step::AwaitConnect => "namespace-connect",
            Step::Hello | Step::AwaitHello => "hello",
            Step::Listen | Step::AwaitListen => "listen",
            Step::Send | Step::AwaitSend => "send",
            Step::AwaitProbe => "probe",
        }
    }
}

/// One request in flight: whose, for which step, how often sent.
#[derive(Debug, Clone)]
pub(crate) struct InFlight {
    pub id: Handle,
    /// Index into the chain's sessions; `None` for a handshake.
    pub session: Option<usize>,
    pub step: Step,
    tries: u32,
    polls: u32,
    request: FetchRequest,
}

/// What a landed answer says; the chain has already sent again what
/// reached another pod.
pub(crate) enum Reply {
    /// Sent again: the actions are the new request's.
    Again,
    /// A handshake opened the session with this index.
    Opened(usize),
    /// A request without a poll's answer (CONNECT, an event) landed.
    Posted,
    /// What a poll waited for.
    Connected,
    ConnectRefused(String),
    Ack(Option<Value>),
    /// Events on the companion's namespace (for `probe`), maybe none.
    Events(Vec<Vec<Value>>),
    /// An unexpected answer; `limited` when a rate limit gave it.
    Failed {
        what: String,
        limited: bool,
    },
}

pub(crate) struct Chain {
    endpoint: Url,
    namespace: String,
    /// The sessions' ids; empty once closed.
    pub sids: Vec<String>,
    in_flight: Vec<InFlight>,
    next_id: Handle,
    /// Requests sent, retries included.
    pub requests: u32,
    /// Requests sent again because they reached another pod than their
    /// session's.
    pub retries: u32,
    /// A request of the check was answered: a 503 after that is a limit.
    answered: bool,
    /// A timer (id, delay) set again with every `AwaitProbe` poll.
    pub probe_timer: Option<(Handle, Millis)>,
    /// Requests the chain may send; past them nothing is sent and
    /// `exhausted` tells.
    limit: u32,
    pub exhausted: bool,
}

impl Chain {
    /// Request ids start above `first_id`.
    pub fn new(endpoint: Url, namespace: String, first_id: Handle) -> Chain {
        Chain {
            endpoint,
            namespace,
            sids: Vec::new(),
            in_flight: Vec::new(),
            next_id: first_id,
            requests: 0,
            retries: 0,
            answered: false,
            probe_timer: None,
            limit: u32::MAX,
            exhausted: false,
        }
    }

    /// A chain that sends `limit` requests at most.
    pub fn at_most(mut self, limit: u32) -> Chain {
        self.limit = limit;
        self
    }

    /// The chain of a check whose earlier requests were answered: a 503 is
    /// then a limit from the first request on.
    pub fn after_answers(mut self) -> Chain {
        self.answered = true;
        self
    }

    fn url(&self, session: Option<usize>) -> String {
        let sid = session.and_then(|i| self.sids.get(i)).map(String::as_str);
        engineio_url(&self.endpoint, Transport::Polling, sid).to_string()
    }

    /// Sends `step` for `session` (a new one for a handshake); `arg` is the
    /// event's argument for `listen` and `send`.
    pub fn send<D>(
        &mut self,
        session: Option<usize>,
        step: Step,
        arg: Option<&Value>,
    ) -> Vec<Action<D>> {
        let url = self.url(session);
        let ns = &self.namespace;
        let mut request = match step {
            Step::Connect => FetchRequest::post(url, connect_message(ns)),
            Step::Hello => FetchRequest::post(url, event_message(ns, HELLO, "hello", None)),
            Step::Listen => {
                FetchRequest::post(url, event_message(ns, PROBE_REQUEST, "listen", arg))
            }
            Step::Send => FetchRequest::post(url, event_message(ns, PROBE_REQUEST, "send", arg)),
            _ => FetchRequest::get(url),
        };
        request.credentials = Credentials::Omit;
        self.issue(InFlight {
            id: 0,
            session,
            step,
            tries: 1,
            polls: 1,
            request,
        })
    }

    fn issue<D>(&mut self, mut request: InFlight) -> Vec<Action<D>> {
        if self.requests >= self.limit {
            self.exhausted = true;
            return Vec::new();
        }
        self.next_id = self.next_id.saturating_add(1);
        self.requests = self.requests.saturating_add(1);
        request.id = self.next_id;
        let mut actions = vec![
            Action::Fetch {
                id: request.id,
                request: request.request.clone(),
            },
            Action::SetTimer {
                id: request.id,
                after_ms: REQUEST_TIMEOUT_MS,
            },
        ];
        if let (Step::AwaitProbe, Some((id, after_ms))) = (request.step, self.probe_timer) {
            actions.push(Action::SetTimer { id, after_ms });
        }
        self.in_flight.push(request);
        actions
    }

    /// Polls again for what `req` waits for: `None` once its polls are
    /// spent (a probe's poll waits on until its own timer).
    pub fn poll_again<D>(&mut self, req: InFlight) -> Option<Vec<Action<D>>> {
        if req.step != Step::AwaitProbe && req.polls >= MAX_POLLS {
            return None;
        }
        Some(self.issue(InFlight {
            polls: req.polls.saturating_add(1),
            ..req
        }))
    }

    /// Which request in flight an event is about.
    pub fn dispatch(&mut self, event: Event) -> Dispatched {
        dispatch(event, |id| self.take(id))
    }

    fn take(&mut self, id: Handle) -> Option<InFlight> {
        let index = self.in_flight.iter().position(|r| r.id == id)?;
        Some(self.in_flight.swap_remove(index))
    }

    /// The step of the request in flight, if any.
    pub fn in_flight_step(&self) -> Option<Step> {
        self.in_flight.first().map(|r| r.step)
    }

    /// Reads a landed answer; sends again what reached another pod. The
    /// actions (the request timer's end, any new request) come first.
    pub fn respond<D>(
        &mut self,
        req: &InFlight,
        status: u16,
        headers: &[(String, String)],
        body: &str,
    ) -> (Vec<Action<D>>, Reply) {
        let (obs, open) = classify(status, headers, body);
        let mut actions = vec![Action::CancelTimer { id: req.id }];
        if status != 200 {
            if obs.error_code() == Some(SESSION_ID_UNKNOWN) && req.tries < MAX_TRIES {
                // Another pod than the session's: send it again.
                self.retries = self.retries.saturating_add(1);
                actions.extend(self.issue(InFlight {
                    tries: req.tries + 1,
                    ..req.clone()
                }));
                return (actions, Reply::Again);
            }
            let limited = status == TOO_MANY_REQUESTS
                || obs.retry_after
                || (status == SERVICE_UNAVAILABLE && self.answered);
            let what = obs.describe();
            return (actions, Reply::Failed { what, limited });
        }
        self.answered = true;
        let reply = match req.step {
            Step::Handshake => match open {
                Some(open) => {
                    self.sids.push(open.sid);
                    Reply::Opened(self.sids.len() - 1)
                }
                None => Reply::Failed {
                    what: obs.describe(),
                    limited: false,
                },
            },
            Step::Connect | Step::Hello | Step::Listen | Step::Send => Reply::Posted,
            _ => read_poll(&self.namespace, req.step, body),
        };
        (actions, reply)
    }

    /// Closes the session `index` by a beacon, once.
    pub fn close<D>(&mut self, index: usize) -> Vec<Action<D>> {
        let url = self.url(Some(index));
        match self.sids.get_mut(index) {
            Some(sid) if !sid.is_empty() => {
                sid.clear();
                let mut request = FetchRequest::post(url, Packet::Close.to_string());
                request.credentials = Credentials::Omit;
                vec![Action::Beacon(request)]
            }
            _ => Vec::new(),
        }
    }

    /// Ends the chain: timers of requests in flight cancelled, sessions
    /// closed.
    pub fn end<D>(&mut self) -> Vec<Action<D>> {
        let mut actions: Vec<Action<D>> = self
            .in_flight
            .drain(..)
            .map(|r| Action::CancelTimer { id: r.id })
            .collect();
        for index in 0..self.sids.len() {
            actions.extend(self.close(index));
        }
        actions
    }
}
