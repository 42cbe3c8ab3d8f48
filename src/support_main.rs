//! The support module: a second wasm module that the page loads only to
//! open a shared report (`#report=` or the import box), through the loader's
//! `window.conncheckSupport()` (scripts/postbuild.py). Its one export,
//! `open`, is what `conncheck::support_loader` calls.

use wasm_bindgen::prelude::wasm_bindgen;

/// Shows the report in `input` after `#app`: a promise of `undefined` when
/// shown, or of why it cannot be opened.
#[wasm_bindgen]
pub async fn open(input: String) -> Option<String> {
    conncheck_core::json::set_shortest_digits(conncheck::browser::shortest_digits);
    conncheck::support_app::open(&input).await
}

fn main() {}
