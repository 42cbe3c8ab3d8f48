//! `sticky-session`'s pod count, with the server companion, after the
//! report: sessions without cookies, one after another (`pod_chain`: each
//! request sent again until it reaches its session's pod), each joins the
//! companion's namespace and asks `hello`, until every pod the server's
//! adapter reports (`hello`'s `pods`, docs/companion.md) answered one of
//! them (the count is then exact), or the count meets its bound of
//! requests, its time budget, a rate limit or a fault (then it is "at
//! least"). The pod ids stay here: only their count leaves.
//! Without the adapter's number a browser cannot make the count exact in
//! a bounded number of requests: it learns which pods answered, never how
//! many there are, and ruling out one more pod spread evenly to one chance
//! in 10,000 took 33 sessions in a row over three pods (about 450
//! requests). The adapter's number is an outside value: it ends the count
//! only where the browser's own sessions agree with it, and it never makes
//! a finding. Two or more pods seen are as many distinct ids (only an
//! adapter shared by the pods counts past 1). A 1 is what every pod says
//! that shares no adapter (Node's in-memory one, socketioxide's
//! `LocalAdapter`), however many there are: one pod seen ends the count
//! only after [`ONE_POD_SESSIONS`] sessions without cookies, none of
//! whose requests reached another pod.
//! Sessions stay open until the count ends: under strict round robin a
//! closing beacon in between takes a turn, and sessions closed alike could
//! keep landing on every other pod; without one, each session's handshake
//! lands on the pod after the last one's. A request that reached another
//! pod than its session's proves a second pod: with one pod seen, the count
//! is then never exact.

use crate::weburl::Url;

use super::data::{CountStopped, PodCount};
use super::Action;
use crate::check::{Event, Handle, Millis};
use crate::checks::pod_chain::{ack_result, adapter_pods, pod_id, Chain, Dispatched, Reply, Step};

/// Requests the count sends at most.
pub const MAX_COUNT_REQUESTS: u32 = 48;
/// Sessions without cookies that must all land on the one pod seen, with
/// no request reaching another, before an adapter's 1 ends the count. A
/// session is five requests; over two pods spread evenly each lands on the
/// one seen with chance 1/2, so three sessions miss the second pod with
/// chance 2^-15 (one in 32,768; 3^-15 over three), where one session did
/// in 1 of 32 and two in 1 of 1,024. One pod truly there: 15 requests.
pub const ONE_POD_SESSIONS: u32 = 3;
/// The count's bound, after the report; the driver's cap grows by it.
pub const COUNT_BUDGET_MS: Millis = 60_000;
/// The budget's timer (the check's own budget timer is `Handle::MAX`).
pub(super) const COUNT_TIMER: Handle = Handle::MAX - 1;

pub(super) struct PodCounter {
    chain: Chain,
    /// Opaque ids, never reported.
    pods: Vec<String>,
    /// The servers the adapter reports, the most any `hello` told.
    adapter: Option<u32>,
    sessions: u32,
    stopped: Option<CountStopped>,
}

/// What an event did to the count.
pub(super) enum Counted {
    Going(Vec<Action>),
    /// The count ended; the actions end its requests and sessions.
    Done(Vec<Action>, PodCount),
}

impl PodCounter {
    /// Starts counting, the pods of the sessions with cookies known;
    /// request ids start above `first_id`.
    pub fn start(
        endpoint: &Url,
        namespace: &str,
        first_id: Handle,
        known: Vec<String>,
        adapter: Option<u32>,
    ) -> (PodCounter, Vec<Action>) {
        let chain = Chain::new(endpoint.clone(), namespace.to_owned(), first_id);
        let mut counter = PodCounter {
            chain: chain.after_answers().at_most(MAX_COUNT_REQUESTS),
            pods: known,
            adapter,
            sessions: 0,
            stopped: None,
        };
        let mut actions = vec![Action::SetTimer {
            id: COUNT_TIMER,
            after_ms: COUNT_BUDGET_MS,
        }];
        actions.extend(counter.chain.send(None, Step::Handshake, None));
        (counter, actions)
    }

    pub fn pods_seen(&self) -> u32 {
        self.pods.len() as u32
    }

    pub fn sessions(&self) -> u32 {
        self.sessions
    }

    pub fn requests(&self) -> u32 {
        self.chain.requests
    }

    /// Requests that reached another pod than their session's.
    pub fn retries(&self) -> u32 {
        self.chain.retries
    }

    pub fn adapter(&self) -> Option<u32> {
        self.adapter
    }

    pub fn stopped(&self) -> Option<CountStopped> {
        self.stopped
    }

    pub fn handle(&mut self, event: Event) -> Counted {
        let (req, status, headers, body) = match self.chain.dispatch(event) {
            Dispatched::Response {
                req,
                status,
                headers,
                body,
            } => (req, status, headers, body),
            Dispatched::NoAnswer { .. } => return self.stop(CountStopped::Failed, Vec::new()),
            Dispatched::Timer(COUNT_TIMER) => return self.stop(CountStopped::Budget, Vec::new()),
            Dispatched::Timer(_) | Dispatched::Stale => return Counted::Going(Vec::new()),
        };
        let (mut actions, reply) = self.chain.respond(&req, status, &headers, &body);
        let next = match reply {
            Reply::Again => Vec::new(),
            Reply::Opened(index) => {
                self.sessions += 1;
                self.chain.send(Some(index), Step::Connect, None)
            }
            Reply::Posted if req.step == Step::Connect => {
                self.chain.send(req.session, Step::AwaitConnect, None)
            }
            Reply::Posted => self.chain.send(req.session, Step::AwaitHello, None),
            Reply::Connected => self.chain.send(req.session, Step::Hello, None),
            Reply::Ack(answer) => match ack_result(answer.as_ref()).map(|a| (pod_id(a), a)) {
                Ok((Some(pod), a)) => {
                    let pod = pod.to_owned();
                    self.adapter = self.adapter.max(adapter_pods(a));
                    return self.on_pod(pod, actions);
                }
                Err(error) if error == "rate-limited" => {
                    return self.stop(CountStopped::RateLimited, actions)
                }
                _ => return self.stop(CountStopped::Failed, actions),
            },
            Reply::Events(_) => match self.chain.poll_again(req) {
                Some(again) => again,
                None => return self.stop(CountStopped::Failed, actions),
            },
            Reply::Failed { limited: true, .. } => {
                return self.stop(CountStopped::RateLimited, actions)
            }
            Reply::ConnectRefused(_) | Reply::Failed { .. } => {
                return self.stop(CountStopped::Failed, actions)
            }
        };
        actions.extend(next);
        self.going(actions)
    }

    /// Going on, unless the chain is out of requests.
    fn going(&mut self, actions: Vec<Action>) -> Counted {
        if self.chain.exhausted {
            return self.stop(CountStopped::MaxRequests, actions);
        }
        Counted::Going(actions)
    }

    /// A session's pod: counted, and the next session opened unless the
    /// count is done.
    fn on_pod(&mut self, pod: String, mut actions: Vec<Action>) -> Counted {
        if !self.pods.contains(&pod) {
            self.pods.push(pod);
        }
        // With two or more pods seen the ids are the browser's evidence;
        // one pod needs sessions that could have shown another and did not.
        let one_shown = self.retries() == 0 && self.sessions >= ONE_POD_SESSIONS;
        if self.adapter == Some(self.pods_seen()) && (one_shown || self.pods.len() > 1) {
            actions.extend(self.end());
            return Counted::Done(actions, PodCount::Exact);
        }
        actions.extend(self.chain.send(None, Step::Handshake, None));
        self.going(actions)
    }

    fn stop(&mut self, why: CountStopped, mut actions: Vec<Action>) -> Counted {
        self.stopped = Some(why);
        actions.extend(self.end());
        Counted::Done(actions, PodCount::AtLeast)
    }

    fn end(&mut self) -> Vec<Action> {
        let mut actions = self.chain.end();
        actions.push(Action::CancelTimer { id: COUNT_TIMER });
        actions
    }
}
