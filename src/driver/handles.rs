//! What the driver holds per handle of a check (sockets, timers, fetches,
//! streams, peers): a list searched in order. A check holds a few of each
//! at a time (a fetch until its answer arrives), and one list type costs
//! the page far less code than a hash map instantiated for each kind.

use conncheck_core::check::Handle;

pub(super) struct Handles<T>(Vec<(Handle, T)>);

impl<T> Handles<T> {
    pub(super) fn new() -> Self {
        Handles(Vec::new())
    }

    /// Holds `value` for `id`, dropping (and so cancelling) what `id` held.
    pub(super) fn insert(&mut self, id: Handle, value: T) {
        self.remove(id);
        self.0.push((id, value));
    }

    pub(super) fn get(&self, id: Handle) -> Option<&T> {
        self.0
            .iter()
            .find(|(held, _)| *held == id)
            .map(|(_, value)| value)
    }

    pub(super) fn remove(&mut self, id: Handle) -> Option<T> {
        let index = self.0.iter().position(|(held, _)| *held == id)?;
        Some(self.0.swap_remove(index).1)
    }

    pub(super) fn values(&self) -> impl Iterator<Item = &T> {
        self.0.iter().map(|(_, value)| value)
    }

    pub(super) fn ids(&self) -> Vec<Handle> {
        self.0.iter().map(|(id, _)| *id).collect()
    }
}
