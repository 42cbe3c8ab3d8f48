//! How a held polling session ends: held to the end, lost by an answer,
//! or lost by a request that failed without one, after which the
//! session's next poll tells whether the server still knew the session
//! (what the core's `cut_confirmed` asks of a failed request).

use conncheck_core::check::{Action, Event, FetchRequest, Handle, Millis, Outcome, Status};
use conncheck_core::checks::upgrade::STEP_TIMEOUT_MS;
use conncheck_core::classify::{
    classify, HttpObservation, HttpStep, StepResult, SESSION_ID_UNKNOWN,
};
use conncheck_core::engineio::Packet;

use super::{Phase, PollingData, PollingHold, AFTER, GET, HOLD};

/// A request of the session answered other than 200, in our words: an
/// Engine.IO "Session ID unknown" to a session that was open says a
/// backend without it answered, and what that most likely means.
pub(super) fn answered(request: &str, obs: &HttpObservation) -> String {
    let what = obs.describe();
    if obs.error_code() == Some(SESSION_ID_UNKNOWN) {
        format!(
            "{request} was answered {what}: another backend answered the session's request. \
             Most likely requests of one session reach different backends (sticky sessions \
             missing; see the run's sticky-session check), or the session's backend went away."
        )
    } else {
        format!("{request} was answered {what}.")
    }
}

impl PollingHold {
    pub(super) fn finish(&mut self, ended_by: String) -> Vec<Action<PollingData>> {
        let mut actions = Vec::new();
        if self.phase == Phase::Holding && self.data.held {
            // Ends the server's session rather than leaving it to time out.
            actions.push(Action::Beacon(FetchRequest::post(
                self.url(),
                Packet::Close.to_string(),
            )));
        }
        self.phase = Phase::Done;
        self.data.ended_by = ended_by;
        let status = if self.data.held {
            Status::Pass
        } else {
            Status::Fail
        };
        let summary = self.data.ended_by.clone();
        let data = std::mem::take(&mut self.data);
        actions.push(Action::Finish(Outcome {
            status,
            summary,
            data,
        }));
        actions
    }

    /// The session is lost: when, after how long, by which answer.
    pub(super) fn lost(
        &mut self,
        sent_at: Millis,
        result: StepResult,
        why: String,
        now: Millis,
    ) -> Vec<Action<PollingData>> {
        let waited = now.saturating_sub(sent_at);
        self.data.lifetime_ms = Some(now.saturating_sub(self.opened_at));
        self.data.waited_ms = Some(waited);
        let step = HttpStep { ms: waited, result };
        self.data.status = step.observation().map(|o| o.status);
        self.data.cut = Some(step);
        self.finish(why)
    }

    /// A request failed without an answer: lost, and the session's next
    /// poll (`next`) tells whether the server still knew the session: a
    /// new one (`AFTER`) after a failed long-poll, the long-poll still out
    /// (`GET`) after a failed post.
    pub(super) fn failed(
        &mut self,
        sent_at: Millis,
        message: String,
        next: Handle,
        now: Millis,
    ) -> Vec<Action<PollingData>> {
        let why = "A request of the session failed without an answer.";
        let mut end = self.lost(
            sent_at,
            StepResult::NetworkError { message },
            why.into(),
            now,
        );
        let Some(Action::Finish(outcome)) = end.pop() else {
            return end;
        };
        self.data = outcome.data;
        self.phase = Phase::After(next);
        let timer = Action::SetTimer {
            id: AFTER,
            after_ms: STEP_TIMEOUT_MS,
        };
        if next != AFTER {
            return vec![timer];
        }
        self.get_sent_at = now;
        vec![
            Action::Fetch {
                id: AFTER,
                request: FetchRequest::get(self.url()),
            },
            timer,
        ]
    }

    /// What reaches a session lost by a failed request while its next poll
    /// (on `next`) is out.
    pub(super) fn next_poll(
        &mut self,
        next: Handle,
        event: Event,
        now: Millis,
    ) -> Vec<Action<PollingData>> {
        match event {
            Event::HttpResponse {
                id,
                status,
                headers,
                body,
            } if id == next => {
                let obs = classify(status, &headers, &body).0;
                self.after(StepResult::Answered(obs), now)
            }
            // The long-poll beside a failed post failed too: a poll of its
            // own asks now, with nothing else out.
            Event::HttpFailed { id: GET, .. } if next == GET => {
                self.phase = Phase::After(AFTER);
                self.get_sent_at = now;
                vec![
                    Action::Fetch {
                        id: AFTER,
                        request: FetchRequest::get(self.url()),
                    },
                    Action::SetTimer {
                        id: AFTER,
                        after_ms: STEP_TIMEOUT_MS,
                    },
                ]
            }
            Event::HttpFailed { id, message } if id == next => {
                self.after(StepResult::NetworkError { message }, now)
            }
            Event::Timeout { id: AFTER } => self.after(StepResult::Timeout, now),
            // The hold's end before the next poll's answer: unknown.
            Event::Timeout { id: HOLD } => {
                let why = self.data.ended_by.clone();
                self.finish(why)
            }
            _ => Vec::new(),
        }
    }

    /// The session's next poll after a failed request: whether the server
    /// still knew the session (a timeout: the poll was held, it did).
    pub(super) fn after(&mut self, result: StepResult, now: Millis) -> Vec<Action<PollingData>> {
        let step = HttpStep {
            ms: now.saturating_sub(self.get_sent_at),
            result,
        };
        let gone = step
            .observation()
            .is_some_and(|o| o.error_code() == Some(SESSION_ID_UNKNOWN));
        let next = if gone {
            "the server no longer knew the session".to_owned()
        } else {
            step.describe()
        };
        let why = format!("{} Its next poll: {next}.", self.data.ended_by);
        let mut actions = vec![Action::CancelTimer { id: AFTER }];
        if !gone {
            // It may still be there: ended rather than left to time out.
            actions.push(Action::Beacon(FetchRequest::post(
                self.url(),
                Packet::Close.to_string(),
            )));
        }
        self.data.after = Some(step);
        actions.extend(self.finish(why));
        actions
    }
}
