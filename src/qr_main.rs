//! The QR module: a third wasm module that the page fetches only when the
//! user asks for a QR code of the report link (`share_panel`), through the
//! loader's `window.conncheckQr()` (scripts/postbuild.py), so that the
//! page's own module carries no QR encoder. Its one export, `qr`, is what
//! `conncheck::qr_loader` calls.

use wasm_bindgen::prelude::wasm_bindgen;

/// `"<side> <path>"` of `conncheck::qr::qr_path`, or `undefined` when the
/// text is too long for any QR code.
#[wasm_bindgen]
pub fn qr(text: &str) -> Option<String> {
    conncheck::qr::qr_path(text).map(|(side, path)| format!("{side} {path}"))
}

fn main() {}
