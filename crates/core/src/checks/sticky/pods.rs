//! `sticky-session`'s pod count, with the server companion, after the
//! report: sessions without cookies, one after another (`pod_chain`: each
//! request sent again until it reaches its session's pod), each joins the
//! companion's namespace and asks `hello`, until enough sessions in a row
//! bring no new pod (`settle_after`: the count is then exact), or the count
//! meets its session limit, its time budget, a rate limit or a fault (then it is
//! "at least"). The pod ids stay here: only their count leaves.
//! Balancers spread requests without a cookie round robin (ingress-nginx,
//! HAProxy) or at random (kube-proxy, the lab's nginx): the count settles
//! once so many sessions in a row brought no new pod that one more pod,
//! spread evenly with the others, would have stayed unseen less than once
//! in 10,000 counts.
//! Under strict round robin, sessions that each take the same number of
//! requests would all land on the same pods: a session is closed (one more
//! request) or left to the server's ping timeout by a non-periodic rule,
//! so successive handshakes reach every pod. A request that reached another
//! pod than its session's proves a second pod: with one pod seen, the count
//! is then never settled.

use crate::weburl::Url;

use super::data::{CountStopped, PodCount};
use super::Action;
use crate::check::{Event, Handle, Millis};
use crate::checks::pod_chain::{ack_result, pod_id, Chain, Dispatched, Reply, Step};

/// Sessions in a row without a new pod that settle the count, at least.
pub(super) const SETTLE_AFTER: u32 = 16;
/// The chance, with requests spread evenly, that one more pod stayed
/// unseen when the count settles.
const UNSEEN_POD_CHANCE: f64 = 1e-4;

/// Sessions in a row without a new pod that settle a count of `pods`: with
/// `pods + 1` pods spread evenly, one stays unseen that long with a chance
/// under `UNSEEN_POD_CHANCE` (23 sessions for 2 pods, 33 for 3, 42 for 4).
pub fn settle_after(pods: u32) -> u32 {
    let pods = f64::from(pods.max(1));
    let unseen_one = (pods / (pods + 1.0)).ln();
    let needed = (UNSEEN_POD_CHANCE.ln() / unseen_one).ceil();
    SETTLE_AFTER.max(needed.min(f64::from(u32::MAX)) as u32)
}

/// Whether the count closes its `session`-th session: a non-periodic
/// sequence (the golden ratio's), so the requests per session vary.
fn closes(session: u32) -> bool {
    session.wrapping_mul(0x9E37_79B9) >> 31 == 0
}
/// Sessions the count opens at most.
pub const MAX_COUNT_SESSIONS: u32 = 64;
/// The count's bound, after the report; the driver's cap grows by it.
pub const COUNT_BUDGET_MS: Millis = 60_000;
/// The budget's timer (the check's own budget timer is `Handle::MAX`).
pub(super) const COUNT_TIMER: Handle = Handle::MAX - 1;

pub(super) struct PodCounter {
    chain: Chain,
    /// Opaque ids, never reported.
    pods: Vec<String>,
    since_new: u32,
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
    ) -> (PodCounter, Vec<Action>) {
        let mut counter = PodCounter {
            chain: Chain::new(endpoint.clone(), namespace.to_owned(), first_id).after_answers(),
            pods: known,
            since_new: 0,
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
            Reply::Ack(answer) => match ack_result(answer.as_ref()).map(pod_id) {
                Ok(Some(pod)) => {
                    let pod = pod.to_owned();
                    return self.on_pod(req.session, pod, actions);
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
        Counted::Going(actions)
    }

    /// A session's pod: counted, the session closed, and the next opened
    /// unless the count is done.
    fn on_pod(&mut self, session: Option<usize>, pod: String, mut actions: Vec<Action>) -> Counted {
        if let Some(index) = session.filter(|_| closes(self.sessions)) {
            actions.extend(self.chain.close(index));
        }
        if self.pods.contains(&pod) {
            self.since_new += 1;
        } else {
            self.pods.push(pod);
            self.since_new = 0;
        }
        let proven_more = self.retries() > 0 && self.pods.len() < 2;
        if self.since_new >= settle_after(self.pods_seen()) && !proven_more {
            actions.extend(self.end());
            return Counted::Done(actions, PodCount::Exact);
        }
        if self.sessions >= MAX_COUNT_SESSIONS {
            return self.stop(CountStopped::MaxSessions, actions);
        }
        actions.extend(self.chain.send(None, Step::Handshake, None));
        Counted::Going(actions)
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
