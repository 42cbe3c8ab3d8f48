//! Finding two sessions on different pods by the companion's pod ids,
//! then the probe's steps once they are found: A listens, B sends, A
//! polls for the nonce.

use crate::json::Value;

use super::{Action, CrossPodCheck, CrossPodResult, MAX_SESSIONS};
use crate::check::Millis;
use crate::checks::pod_chain::{ack_result, pod_id, InFlight, Step};

impl CrossPodCheck {
    /// The answer to `hello`, `listen` or `send`.
    pub(super) fn on_ack(
        &mut self,
        req: InFlight,
        answer: Option<&Value>,
        now: Millis,
    ) -> Vec<Action> {
        let answer = match ack_result(answer) {
            Ok(answer) => answer,
            Err(error) => return self.end(CrossPodResult::Refused { error }),
        };
        match req.step {
            Step::AwaitHello => {
                let Some(pod) = pod_id(answer) else {
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
        if !self.pods.iter().flatten().any(|p| *p == pod) {
            self.data.pods = self.data.pods.saturating_add(1);
        }
        let first_pod = self
            .listener
            .and_then(|l| self.pods.get(l))
            .and_then(Clone::clone);
        if let Some(p) = self.pods.get_mut(index) {
            *p = Some(pod.clone());
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
                let mut actions = self
                    .chain
                    .as_mut()
                    .map(|c| c.close(index))
                    .unwrap_or_default();
                actions.extend(self.open_next());
                actions
            }
        }
    }

    pub(super) fn open_next(&mut self) -> Vec<Action> {
        if self.data.sessions >= MAX_SESSIONS {
            return self.end(CrossPodResult::OnePod);
        }
        self.send(None, Step::Handshake)
    }
}
