//! Drives a check through a scripted event sequence in tests, as the page's
//! driver would, and keeps every action it asked for.

use crate::check::{Action, Check, Event, Millis, Outcome};

pub struct Script<C: Check> {
    pub check: C,
    pub actions: Vec<Action<C::Data>>,
    pub outcome: Option<Outcome<C::Data>>,
}

impl<C: Check> Script<C>
where
    C::Data: Clone + std::fmt::Debug,
{
    pub fn start(mut check: C, now: Millis) -> Self {
        let actions = check.start(now);
        let mut script = Script {
            check,
            actions: Vec::new(),
            outcome: None,
        };
        script.take(actions);
        script
    }

    pub fn feed(&mut self, event: Event, now: Millis) -> &mut Self {
        assert!(self.outcome.is_none(), "event fed after Finish: {event:?}");
        let actions = self.check.handle(event, now);
        self.take(actions);
        self
    }

    fn take(&mut self, actions: Vec<Action<C::Data>>) {
        for action in actions {
            if let Action::Finish(outcome) = &action {
                assert!(self.outcome.is_none(), "finished twice");
                self.outcome = Some(outcome.clone());
            }
            self.actions.push(action);
        }
    }

    /// The actions asked for since the last call.
    pub fn drain(&mut self) -> Vec<Action<C::Data>> {
        std::mem::take(&mut self.actions)
    }

    pub fn finished(&self) -> &Outcome<C::Data> {
        self.outcome.as_ref().expect("check has not finished")
    }
}
