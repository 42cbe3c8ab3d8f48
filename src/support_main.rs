//! The support module: a second wasm module that the page loads only to
//! open a shared report (`#report=` or the import box), through the loader's
//! `window.conncheckSupport()` (scripts/postbuild.py). Its one export,
//! `open`, is what `conncheck::support_loader` calls.

use wasm_bindgen::prelude::wasm_bindgen;

/// Shows the report in `input` after `#app`; `undefined` when shown, or
/// why it cannot be opened.
#[wasm_bindgen]
pub fn open(input: &str) -> Option<String> {
    conncheck::support_app::open(input)
}

fn main() {}
