//! `sticky-session` with the server companion: reading its answers in the
//! sessions with cookies, the exact proof, and the hand-over to the pods'
//! count after the interim outcome.

use super::data::{CompanionAnswer, PodCount, PodsData};
use super::pods::PodCounter;
use super::Action;
use super::{Step, StickyCheck, BUDGET_TIMER, SESSIONS_WITH_COOKIES};
use crate::check::{FetchRequest, Progress};
use crate::checks::pod_chain::{ack_result, adapter_pods, pod_id, HELLO};
use crate::checks::{engineio_url, Transport};
use crate::engineio::{split_payload, Packet, Payload, MAX_PACKETS_PER_POLL};
use crate::socketio::SioPacket;

/// Polls of a companion step (as the handshake check's namespace polls)
/// before its silence counts as no answer.
const POLLS_FOR_AN_ANSWER: u32 = 3;

impl StickyCheck {
    /// The end of the sessions: the check's end, or with pod ids, its
    /// interim outcome and the pods' count.
    pub(super) fn finish(&mut self) -> Vec<Action> {
        let mut actions = vec![Action::CancelTimer { id: BUDGET_TIMER }];
        let (Some(namespace), Some(endpoint)) = (&self.companion, &self.endpoint) else {
            actions.push(Action::Finish(self.outcome()));
            return actions;
        };
        let mut known: Vec<String> = Vec::new();
        for pod in self.cookie_pods.iter().flatten() {
            if !known.contains(pod) {
                known.push(pod.clone());
            }
        }
        let with = &self.data.with_cookies;
        let pinned = self.data.stopped.is_none()
            && with.sessions == SESSIONS_WITH_COOKIES
            && with.affected == 0
            && with.unanswered == 0
            && self.cookie_pods.iter().all(Option::is_some)
            && known.len() == 1;
        let count = self.data.stopped.is_none() && !known.is_empty();
        self.data.pods = Some(PodsData {
            companion: self.companion_answer.unwrap_or(CompanionAnswer::NoAnswer),
            pinned_pod_proven: pinned,
            pods_seen: known.len() as u32,
            count: if count {
                PodCount::Counting
            } else {
                PodCount::NotCounted
            },
            count_sessions: 0,
            count_requests: 0,
            count_retries: 0,
            count_stopped: None,
            adapter_pods: self.adapter_pods,
        });
        if !count {
            actions.push(Action::Finish(self.outcome()));
            return actions;
        }
        let (counter, start) =
            PodCounter::start(endpoint, namespace, self.requests, known, self.adapter_pods);
        self.counter = Some(counter);
        actions.push(Action::Progress(Progress::Interim(self.outcome())));
        actions.extend(start);
        actions
    }

    /// The pods' count ended: the check's final outcome.
    pub(super) fn counted(&mut self, mut actions: Vec<Action>, count: PodCount) -> Vec<Action> {
        if let (Some(counter), Some(pods)) = (self.counter.take(), self.data.pods.as_mut()) {
            pods.pods_seen = counter.pods_seen();
            pods.count_sessions = counter.sessions();
            pods.count_requests = counter.requests();
            pods.count_retries = counter.retries();
            pods.count = count;
            pods.count_stopped = counter.stopped();
            pods.adapter_pods = counter.adapter();
        }
        actions.push(Action::Finish(self.outcome()));
        actions
    }

    /// What a poll on the companion's namespace brought: the CONNECT's
    /// answer, or `hello`'s. Read before the answer moves the session on;
    /// returns a pong when the session polls once more behind a ping.
    pub(super) fn read_companion(&mut self, slot: usize, body: &str) -> Vec<Action> {
        let Some(ns) = self.companion.clone() else {
            return Vec::new();
        };
        let Some(Some(session)) = self.sessions.get_mut(slot) else {
            return Vec::new();
        };
        if !session.companion || !matches!(session.step, Step::Poll | Step::HelloPoll) {
            return Vec::new();
        }
        let (packets, v4) = match split_payload(body) {
            Payload::V4(packets) => (packets, true),
            Payload::V3 => (Vec::new(), false),
        };
        let (mut connected, mut refused, mut ack) = (false, false, None);
        let (mut ping, mut closed) = (None, false);
        for packet in packets.into_iter().take(MAX_PACKETS_PER_POLL) {
            let message = match Packet::parse(packet) {
                Ok(Packet::Message(message)) => message,
                Ok(Packet::Ping(data)) => {
                    ping = ping.or(Some(data));
                    continue;
                }
                Ok(Packet::Close) => {
                    closed = true;
                    continue;
                }
                _ => continue,
            };
            match SioPacket::parse(&message) {
                Ok(SioPacket::Connect { namespace }) if namespace == ns => connected = true,
                Ok(SioPacket::ConnectError { namespace, .. }) if namespace == ns => refused = true,
                Ok(SioPacket::Ack {
                    namespace,
                    id: HELLO,
                    args,
                }) if namespace == ns => ack = Some(args.into_iter().next()),
                _ => {}
            }
        }
        // Pings (socketioxide's at a session's start) may come alone before
        // the namespace's answer: answer them and poll again, a few times at
        // most. A closed session or an Engine.IO 3 payload has no answer to
        // wait for.
        let unanswered = !connected && !refused && ack.is_none();
        if unanswered && v4 && !closed && session.polls < POLLS_FOR_AN_ANSWER {
            session.poll_once_more = true;
            return match (&self.endpoint, ping) {
                (Some(endpoint), Some(data)) => vec![Action::Beacon(FetchRequest::post(
                    engineio_url(endpoint, Transport::Polling, session.sid.as_deref()).to_string(),
                    Packet::Pong(data.chars().take(64).collect()).to_string(),
                ))],
                _ => Vec::new(),
            };
        }
        if unanswered && session.polls >= POLLS_FOR_AN_ANSWER {
            self.companion_absent = true; // one wait is enough
        }
        let answer = if session.step == Step::Poll {
            session.companion = connected;
            match (refused, unanswered && session.polls >= POLLS_FOR_AN_ANSWER) {
                (true, _) => {
                    self.companion_absent = true;
                    CompanionAnswer::Absent
                }
                (false, true) => CompanionAnswer::NoAnswer,
                (false, false) => return Vec::new(),
            }
        } else {
            match ack
                .as_ref()
                .map(|a| ack_result(a.as_ref()).map(|a| (pod_id(a), a)))
            {
                Some(Ok((Some(pod), a))) => {
                    session.pod = Some(pod.to_owned());
                    self.adapter_pods = self.adapter_pods.max(adapter_pods(a));
                    CompanionAnswer::Answered
                }
                Some(Err(_)) => CompanionAnswer::Refused,
                Some(Ok((None, _))) | None => CompanionAnswer::NoAnswer,
            }
        };
        // The worst answer stays: absent, refused, none, answered.
        let rank = |a: Option<CompanionAnswer>| match a {
            Some(CompanionAnswer::Absent) => 4,
            Some(CompanionAnswer::Refused) => 3,
            Some(CompanionAnswer::NoAnswer) => 2,
            Some(CompanionAnswer::Answered) => 1,
            None => 0,
        };
        if rank(Some(answer)) > rank(self.companion_answer) {
            self.companion_answer = Some(answer);
        }
        Vec::new()
    }
}
