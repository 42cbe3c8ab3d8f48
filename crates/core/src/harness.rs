//! Drives a check through a scripted event sequence in tests, as the page's
//! driver would, and keeps every action it asked for.

use crate::catalog::each_check;
use crate::check::{Action, Check, Event, Millis, Outcome};
use crate::checks::{CheckData, Facts};

/// A check's own data type, which its outcome carries as [`CheckData`].
pub trait Typed {
    type Facts: Facts + Clone + std::fmt::Debug;
}

macro_rules! typed {
    ($($id:ident $name:literal $title:literal, $module:ident::{$check:ident, $data:ident},
        summary($summary:expr), jar($jar:ident),
        runs($runs:ident $($place:literal, $make:expr)?);)*) => {
        $(impl Typed for crate::checks::$module::$check {
            type Facts = crate::checks::$module::$data;
        })*
    };
}

each_check!(typed);

/// An outcome with its data read back as the check's own type.
pub fn typed<T: Facts + Clone>(outcome: &Outcome<CheckData>) -> Outcome<T> {
    outcome
        .clone()
        .map(|data| T::of(&data).expect("the check's own data").clone())
}

pub struct Script<C: Check<Data = CheckData> + Typed> {
    pub check: C,
    pub actions: Vec<Action<CheckData>>,
    /// The outcome, its data read back as the check's own type.
    pub outcome: Option<Outcome<C::Facts>>,
}

impl<C: Check<Data = CheckData> + Typed> Script<C> {
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

    fn take(&mut self, actions: Vec<Action<CheckData>>) {
        for action in actions {
            if let Action::Finish(outcome) = &action {
                assert!(self.outcome.is_none(), "finished twice");
                self.outcome = Some(typed(outcome));
            }
            self.actions.push(action);
        }
    }

    /// The actions asked for since the last call.
    pub fn drain(&mut self) -> Vec<Action<CheckData>> {
        std::mem::take(&mut self.actions)
    }

    pub fn finished(&self) -> &Outcome<C::Facts> {
        self.outcome.as_ref().expect("check has not finished")
    }
}
