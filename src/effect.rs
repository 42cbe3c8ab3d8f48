//! One effect hook for the page, with its closures boxed: Yew compiles
//! `use_effect_with` once per type of dependencies *and* of closure, a good
//! kilobyte of wasm each; boxed, the page's effects share one copy per type
//! of key.

use yew::prelude::*;

/// What an effect leaves to undo when its key changes or the app goes.
pub type Cleanup = Option<Box<dyn FnOnce()>>;

/// An effect: what runs when its key changed, boxed by the caller (boxed
/// here, the hook would still be compiled once per closure).
pub type Effect<K> = Box<dyn FnOnce(&K) -> Cleanup>;

/// Runs `effect` after a render whenever `key` changed, the previous run's
/// cleanup first.
#[hook]
pub fn use_keyed_effect<K>(key: K, effect: Effect<K>)
where
    K: PartialEq + 'static,
{
    use_effect_with(key, move |key| {
        let cleanup = effect(key);
        move || {
            if let Some(cleanup) = cleanup {
                cleanup();
            }
        }
    });
}

/// `cleanup` boxed as a [`Cleanup`].
pub fn cleanup(cleanup: impl FnOnce() + 'static) -> Cleanup {
    Some(Box::new(cleanup))
}
