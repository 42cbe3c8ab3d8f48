//! Driving a check against the tests' [`Pods`]: each request answered in
//! turn, waiting polls as soon as they can be, timers as the test steers.

use std::collections::VecDeque;

use super::Pods;
use crate::check::{Action, Check, Event, FetchRequest, Handle, Millis};
use crate::checks::CheckData;
use crate::harness::{Script, Typed};

/// How a test steers [`drive`] beside the pods' answers.
pub(crate) struct Steer<'a, D> {
    /// Sees every action, and how many requests were sent before it.
    pub watch: &'a mut dyn FnMut(&Action<D>, usize),
    /// Before each answer, with the requests sent so far: an event to
    /// feed instead (a timer the test fires).
    pub interject: &'a mut dyn FnMut(usize) -> Option<Event>,
    /// Nothing can be answered at time `now`: the event to feed (a timer,
    /// at a time), or `None` to give up a waiting poll by its timeout.
    pub idle: &'a mut dyn FnMut(Millis) -> Option<(Event, Millis)>,
}

/// Runs a check against the pods until it finishes (bounded): requests are
/// answered first asked first answered, a waiting poll as soon as it can
/// be, and closing beacons take their turn when the pods say so. Returns
/// the requests sent.
pub(crate) fn drive<C: Check<Data = CheckData> + Typed>(
    pods: &mut Pods,
    s: &mut Script<C>,
    steer: Steer<'_, CheckData>,
) -> usize {
    let mut queue: VecDeque<(Handle, FetchRequest)> = VecDeque::new();
    let mut sent = 0;
    for step in 0..20_000u64 {
        for action in s.drain() {
            (steer.watch)(&action, sent);
            match action {
                Action::Fetch { id, request } => {
                    sent += 1;
                    queue.push_back((id, request));
                }
                Action::Beacon(request) => pods.beacon(&request),
                _ => {}
            }
        }
        if s.outcome.is_some() {
            return sent;
        }
        if let Some(event) = (steer.interject)(sent) {
            s.feed(event, step);
            continue;
        }
        if let Some((id, body)) = pods.unpark().into_iter().next() {
            s.feed(ok(id, body), step);
            continue;
        }
        let Some((id, request)) = queue.pop_front() else {
            let (event, at) = match (steer.idle)(step) {
                Some(timer) => timer,
                None => {
                    let id = pods.give_up_a_poll().expect("a request in flight");
                    (Event::Timeout { id }, step)
                }
            };
            s.feed(event, at);
            continue;
        };
        if let Some((status, body)) = pods.answer(id, &request) {
            let event = Event::HttpResponse {
                id,
                status,
                headers: vec![],
                body,
            };
            s.feed(event, step);
        }
    }
    panic!("the check never finished");
}

fn ok(id: Handle, body: String) -> Event {
    Event::HttpResponse {
        id,
        status: 200,
        headers: vec![],
        body,
    }
}
