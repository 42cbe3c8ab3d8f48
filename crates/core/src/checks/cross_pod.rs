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

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use url::Url;

use super::{engineio_url, since, skipped_without_endpoint, Transport};
use crate::catalog::CheckId;
use crate::check::{Check, Credentials, Event, FetchRequest, Handle, Millis, Status};
use crate::classify::{classify, SESSION_ID_UNKNOWN};
use crate::config::Config;
use crate::engineio::{split_payload, Packet, Payload};
use crate::privacy::redact_url;
use crate::socketio::{connect_message, event_message, SioPacket};

/// This check's actions and outcome, with its data type.
type Action = crate::check::Action<CrossPodData>;
type Outcome = crate::check::Outcome<CrossPodData>;

/// Sessions opened at most while looking for a second pod.
pub const MAX_SESSIONS: u32 = 10;
/// Sends of one request that reached another pod than its session's.
pub const MAX_TRIES: u32 = 32;
/// Polls for one expected answer (a poll may bring other packets first).
const MAX_POLLS: u32 = 4;
pub const REQUEST_TIMEOUT_MS: Millis = 10_000;
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
const HELLO: u64 = 0;
const PROBE_REQUEST: u64 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum CrossPodResult {
    /// The nonce reached the session on the other pod.
    Delivered { ms: Millis },
    /// The broadcast was accepted, but never reached the other pod.
    NotDelivered { waited_ms: Millis },
    /// Every session landed on the same pod.
    OnePod,
    /// The companion's namespace refused the connection (not attached).
    NoCompanion { message: String },
    /// The companion refused a request (`rate-limited`, …).
    Refused { error: String },
    /// A step got an unexpected answer, or none.
    Failed { step: String, what: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrossPodData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub namespace: String,
    /// Sessions opened, and the distinct pods they reached.
    pub sessions: u32,
    pub pods: u32,
    /// Requests sent, retries included.
    pub requests: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<CrossPodResult>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
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
    fn name(self) -> &'static str {
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

/// An Engine.IO session of the check.
#[derive(Debug, Clone, Default)]
struct Session {
    sid: String,
    pod: Option<String>,
}

/// One request in flight: whose, for which step, how often sent.
#[derive(Debug, Clone)]
struct InFlight {
    id: Handle,
    /// Index into `sessions`; `None` for a handshake.
    session: Option<usize>,
    step: Step,
    tries: u32,
    polls: u32,
    request: FetchRequest,
}

pub struct CrossPodCheck {
    endpoint: Option<Url>,
    namespace: Option<String>,
    room: String,
    nonce: String,
    sessions: Vec<Session>,
    /// The sessions on two pods, once found.
    listener: Option<usize>,
    sender: Option<usize>,
    in_flight: Vec<InFlight>,
    next_id: Handle,
    sent_at: Option<Millis>,
    data: CrossPodData,
}

impl CrossPodCheck {
    /// `seed` comes from the browser's random numbers: the room and nonce
    /// must not be guessable by other clients of the companion.
    pub fn new(config: &Config, seed: u64) -> Self {
        let namespace = config.companion.clone();
        CrossPodCheck {
            endpoint: config.socketio.clone(),
            room: format!("r{:016x}", mix(seed)),
            nonce: format!("n{:016x}", mix(mix(seed) ^ seed)),
            namespace: namespace.clone(),
            sessions: Vec::new(),
            listener: None,
            sender: None,
            in_flight: Vec::new(),
            next_id: DELIVERY_TIMER,
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

    fn url(&self, session: Option<usize>) -> String {
        let sid = session
            .and_then(|i| self.sessions.get(i))
            .map(|s| s.sid.as_str());
        self.endpoint
            .as_ref()
            .map(|e| engineio_url(e, Transport::Polling, sid).to_string())
            .unwrap_or_default()
    }

    fn ns(&self) -> &str {
        self.namespace.as_deref().unwrap_or("/")
    }

    /// Sends `step` for `session` (a new one for a handshake).
    fn send(&mut self, session: Option<usize>, step: Step) -> Vec<Action> {
        let url = self.url(session);
        let ns = self.ns().to_owned();
        let mut request = match step {
            Step::Handshake => FetchRequest::get(url),
            Step::Connect => FetchRequest::post(url, connect_message(&ns)),
            Step::Hello => FetchRequest::post(url, event_message(&ns, HELLO, "hello", None)),
            Step::Listen => {
                let arg = json!({ "room": self.room });
                FetchRequest::post(url, event_message(&ns, PROBE_REQUEST, "listen", Some(&arg)))
            }
            Step::Send => {
                let arg = json!({ "room": self.room, "nonce": self.nonce });
                FetchRequest::post(url, event_message(&ns, PROBE_REQUEST, "send", Some(&arg)))
            }
            Step::AwaitConnect
            | Step::AwaitHello
            | Step::AwaitListen
            | Step::AwaitSend
            | Step::AwaitProbe => FetchRequest::get(url),
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

    fn issue(&mut self, mut request: InFlight) -> Vec<Action> {
        self.next_id = self.next_id.saturating_add(1);
        self.data.requests = self.data.requests.saturating_add(1);
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
        if request.step == Step::AwaitProbe {
            actions.push(Action::SetTimer {
                id: DELIVERY_TIMER,
                after_ms: DELIVERY_WAIT_MS,
            });
        }
        self.in_flight.push(request);
        actions
    }

    fn take(&mut self, id: Handle) -> Option<InFlight> {
        let index = self.in_flight.iter().position(|r| r.id == id)?;
        Some(self.in_flight.swap_remove(index))
    }

    fn on_response(
        &mut self,
        req: InFlight,
        status: u16,
        headers: &[(String, String)],
        body: &str,
        now: Millis,
    ) -> Vec<Action> {
        let (obs, open) = classify(status, headers, body);
        let mut actions = vec![Action::CancelTimer { id: req.id }];
        if status != 200 {
            if obs.error_code() == Some(SESSION_ID_UNKNOWN) && req.tries < MAX_TRIES {
                // Another pod than the session's: send it again.
                actions.extend(self.issue(InFlight {
                    tries: req.tries + 1,
                    ..req
                }));
                return actions;
            }
            actions.extend(self.fail(req.step, obs.describe()));
            return actions;
        }
        let next = match req.step {
            Step::Handshake => match open {
                Some(open) => {
                    self.sessions.push(Session {
                        sid: open.sid,
                        pod: None,
                    });
                    self.data.sessions = self.sessions.len() as u32;
                    let index = self.sessions.len() - 1;
                    self.send(Some(index), Step::Connect)
                }
                None => self.fail(req.step, obs.describe()),
            },
            Step::Connect => self.send(req.session, Step::AwaitConnect),
            Step::Hello => self.send(req.session, Step::AwaitHello),
            Step::Listen => self.send(req.session, Step::AwaitListen),
            Step::Send => self.send(req.session, Step::AwaitSend),
            Step::AwaitConnect
            | Step::AwaitHello
            | Step::AwaitListen
            | Step::AwaitSend
            | Step::AwaitProbe => self.on_poll(req, body, now),
        };
        actions.extend(next);
        actions
    }

    /// A poll's packets, read for what its step waits for.
    fn on_poll(&mut self, req: InFlight, body: &str, now: Millis) -> Vec<Action> {
        let packets = match split_payload(body) {
            Payload::V4(packets) => packets,
            Payload::V3 => return self.fail(req.step, "an Engine.IO 3 payload".into()),
        };
        let ns = self.ns().to_owned();
        for packet in packets.iter().take(64) {
            let Ok(Packet::Message(message)) = Packet::parse(packet) else {
                continue; // pings and noops: a poll may bring them first
            };
            match (req.step, SioPacket::parse(&message)) {
                (Step::AwaitConnect, Ok(SioPacket::Connect { namespace })) if namespace == ns => {
                    return self.send(req.session, Step::Hello);
                }
                (Step::AwaitConnect, Ok(SioPacket::ConnectError { namespace, message }))
                    if namespace == ns =>
                {
                    return self.end(CrossPodResult::NoCompanion {
                        message: bounded(&message),
                    });
                }
                (
                    step,
                    Ok(SioPacket::Ack {
                        namespace,
                        id,
                        args,
                    }),
                ) if namespace == ns => {
                    let expected = if step == Step::AwaitHello {
                        HELLO
                    } else {
                        PROBE_REQUEST
                    };
                    if id == expected && step != Step::AwaitProbe {
                        return self.on_ack(req, args.first(), now);
                    }
                }
                (
                    Step::AwaitProbe,
                    Ok(SioPacket::Event {
                        namespace, args, ..
                    }),
                ) if namespace == ns => {
                    let nonce = args
                        .get(1)
                        .and_then(|a| a.get("nonce"))
                        .and_then(Value::as_str);
                    if args.first().and_then(Value::as_str) == Some("probe")
                        && nonce == Some(self.nonce.as_str())
                    {
                        let ms = since(self.sent_at.unwrap_or(now), now);
                        return self.end(CrossPodResult::Delivered { ms });
                    }
                }
                _ => {}
            }
        }
        if req.step == Step::AwaitProbe {
            // Wait on until the nonce or the delivery bound.
            return self.issue(InFlight {
                polls: req.polls.saturating_add(1),
                ..req
            });
        }
        if req.polls >= MAX_POLLS {
            return self.fail(
                req.step,
                "polls brought no answer from the companion".into(),
            );
        }
        self.issue(InFlight {
            polls: req.polls + 1,
            ..req
        })
    }

    /// The answer to `hello`, `listen` or `send`.
    fn on_ack(&mut self, req: InFlight, answer: Option<&Value>, now: Millis) -> Vec<Action> {
        let ok = answer.and_then(|a| a.get("ok")).and_then(Value::as_bool);
        if ok != Some(true) {
            let error = answer
                .and_then(|a| a.get("error"))
                .and_then(Value::as_str)
                .map(bounded)
                .unwrap_or_else(|| "an answer without ok".into());
            return self.end(CrossPodResult::Refused { error });
        }
        match req.step {
            Step::AwaitHello => {
                let pod = answer.and_then(|a| a.get("pod")).and_then(Value::as_str);
                let Some(pod) = pod.filter(|p| is_pod_id(p)) else {
                    return self.fail(req.step, "an answer without a pod id".into());
                };
                self.on_pod(req.session, pod.to_owned())
            }
            Step::AwaitListen => self.send(self.sender, Step::Send),
            // The broadcast is out: A polls for it (it waits in A's
            // session meanwhile). One request at a time: two chains
            // retrying in lockstep could each keep missing their pod.
            Step::AwaitSend => {
                self.sent_at = Some(now);
                self.send(self.listener, Step::AwaitProbe)
            }
            step => self.fail(step, "an acknowledgement nothing asked for".into()),
        }
    }

    /// A session's pod is known: keep it, or look further.
    fn on_pod(&mut self, session: Option<usize>, pod: String) -> Vec<Action> {
        let Some(index) = session else {
            return Vec::new();
        };
        let known: Vec<&str> = self
            .sessions
            .iter()
            .filter_map(|s| s.pod.as_deref())
            .collect();
        if !known.contains(&pod.as_str()) {
            self.data.pods = self.data.pods.saturating_add(1);
        }
        let first_pod = self
            .listener
            .and_then(|l| self.sessions.get(l))
            .and_then(|s| s.pod.clone());
        if let Some(s) = self.sessions.get_mut(index) {
            s.pod = Some(pod.clone());
        }
        match first_pod {
            None => {
                self.listener = Some(index);
                self.open_next()
            }
            Some(first) if first != pod => {
                self.sender = Some(index);
                self.send(self.listener, Step::Listen)
            }
            Some(_) => {
                let mut actions = self.close(index);
                if let Some(s) = self.sessions.get_mut(index) {
                    s.sid.clear(); // closed: not again at the end
                }
                actions.extend(self.open_next());
                actions
            }
        }
    }

    fn open_next(&mut self) -> Vec<Action> {
        if self.data.sessions >= MAX_SESSIONS {
            return self.end(CrossPodResult::OnePod);
        }
        self.send(None, Step::Handshake)
    }

    fn close(&self, index: usize) -> Vec<Action> {
        let mut request = FetchRequest::post(self.url(Some(index)), Packet::Close.to_string());
        request.credentials = Credentials::Omit;
        vec![Action::Beacon(request)]
    }

    fn fail(&mut self, step: Step, what: String) -> Vec<Action> {
        self.end(CrossPodResult::Failed {
            step: step.name().into(),
            what,
        })
    }

    fn end(&mut self, result: CrossPodResult) -> Vec<Action> {
        self.data.result = Some(result);
        let mut actions: Vec<Action> = self
            .in_flight
            .drain(..)
            .map(|r| Action::CancelTimer { id: r.id })
            .collect();
        actions.push(Action::CancelTimer { id: DELIVERY_TIMER });
        actions.push(Action::CancelTimer { id: BUDGET_TIMER });
        for (index, session) in self.sessions.iter().enumerate() {
            if !session.sid.is_empty() {
                actions.extend(self.close(index));
            }
        }
        actions.push(Action::Finish(Outcome::judged(
            summarize(&self.data),
            &self.data,
        )));
        actions
    }
}

/// The companion's pod ids are 16 hex digits; anything hex up to 64 passes.
fn is_pod_id(pod: &str) -> bool {
    (1..=64).contains(&pod.len()) && pod.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Text from the companion, as the report may quote it.
fn bounded(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || " -_.,:".contains(*c))
        .take(64)
        .collect()
}

/// splitmix64: spreads the browser's seed over the room and nonce.
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

pub(crate) fn summarize(d: &CrossPodData) -> (Status, String) {
    // A pasted report's strings never become the page's words: only known
    // step names and error codes, and the namespace's own characters.
    let ns: String = d
        .namespace
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "/_-".contains(*c))
        .take(64)
        .collect();
    match &d.result {
        Some(CrossPodResult::Delivered { ms }) => (
            Status::Pass,
            format!("A message sent on one pod reached a session on another in {ms} ms ({} pods seen).", d.pods),
        ),
        Some(CrossPodResult::NotDelivered { waited_ms }) => (
            Status::Fail,
            format!("A message sent on one pod never reached a session on another pod ({} s waited, {} pods seen): the pods do not share messages.", waited_ms / 1000, d.pods),
        ),
        Some(CrossPodResult::OnePod) => (
            Status::Skip,
            format!("All {} sessions reached the same pod: one replica, or the Service's sessionAffinity: ClientIP sends everyone to one pod; cross-pod delivery could not be tested.", d.sessions),
        ),
        Some(CrossPodResult::NoCompanion { .. }) => (
            Status::Warn,
            format!("The companion does not answer at namespace {ns}: is it attached to the Socket.IO server?"),
        ),
        Some(CrossPodResult::Refused { error }) => {
            let known = ["rate-limited", "bad-request", "bad-room", "bad-nonce"];
            let error = known.iter().find(|k| *k == error).unwrap_or(&"an unknown reason");
            (Status::Warn, format!("The companion refused a request ({error})."))
        }
        Some(CrossPodResult::Failed { step, .. }) if step == "handshake" => (
            Status::Skip,
            "No Engine.IO session could be opened; see the Socket.IO handshake.".into(),
        ),
        Some(CrossPodResult::Failed { step, .. }) => {
            let known = ["namespace-connect", "hello", "listen", "send", "probe"];
            let step = known.iter().find(|k| *k == step).unwrap_or(&"unknown");
            (Status::Warn, format!("The cross-pod probe stopped at its {step} step; the check's data says how."))
        }
        None => (Status::Skip, "Not run.".into()),
    }
}

impl Check for CrossPodCheck {
    type Data = CrossPodData;

    fn id(&self) -> CheckId {
        CheckId::CrossPod
    }

    fn start(&mut self, _now: Millis) -> Vec<Action> {
        if self.endpoint.is_none() || self.namespace.is_none() {
            return skipped_without_endpoint(&self.data);
        }
        let mut actions = vec![Action::SetTimer {
            id: BUDGET_TIMER,
            after_ms: BUDGET_MS,
        }];
        actions.extend(self.open_next());
        actions
    }

    fn handle(&mut self, event: Event, now: Millis) -> Vec<Action> {
        if self.data.result.is_some() {
            return Vec::new();
        }
        match event {
            Event::HttpResponse {
                id,
                status,
                headers,
                body,
            } => match self.take(id) {
                Some(req) => self.on_response(req, status, &headers, &body, now),
                None => Vec::new(),
            },
            Event::HttpFailed { id, message } => match self.take(id) {
                Some(req) => self.fail(req.step, format!("no readable answer ({message})")),
                None => Vec::new(),
            },
            Event::Timeout { id: BUDGET_TIMER } => {
                let step = self.in_flight.first().map_or(Step::Handshake, |r| r.step);
                self.fail(step, format!("no result within {} s", BUDGET_MS / 1000))
            }
            Event::Timeout { id: DELIVERY_TIMER } => {
                let waited_ms = since(self.sent_at.unwrap_or(now), now);
                self.end(CrossPodResult::NotDelivered { waited_ms })
            }
            Event::Timeout { id } => match self.take(id) {
                Some(req) => self.fail(
                    req.step,
                    format!("no answer within {} s", REQUEST_TIMEOUT_MS / 1000),
                ),
                None => Vec::new(),
            },
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
#[path = "cross_pod_tests.rs"]
mod tests;
