//! The page's state for Yew: [`conncheck_core::page`] holds the state, its
//! messages and the reducer (tested natively there); here it is wrapped for
//! `use_reducer`, with the media preview's streams as its browser handles.
//! No I/O here: effects in `run` do the work and dispatch what happened.

use std::ops::Deref;
use std::rc::Rc;

use conncheck_core::page;
use web_sys::MediaStream;
use yew::Reducible;

pub use conncheck_core::page::{CheckRow, Derived, Phase, Published, RowState};

pub type Msg = page::Msg<MediaStream>;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct State(pub page::State<MediaStream>);

impl Deref for State {
    type Target = page::State<MediaStream>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Reducible for State {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        Rc::new(State(Rc::unwrap_or_clone(self).0.reduce(msg)))
    }
}
