//! Raw DEFLATE (the share payload's, docs/contracts.md) by the browser's
//! own `CompressionStream("deflate-raw")`, so that the page's wasm carries
//! no compressor. Where the browser lacks it, stored blocks
//! (`share::stored_deflate`): a longer link that still opens.

use conncheck_core::share;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ReadableWritablePair, Response};

// web-sys has `CompressionStream` only behind `web_sys_unstable_apis`; the
// constructor is all the page needs.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = CompressionStream)]
    type Compressor;
    #[wasm_bindgen(constructor, catch, js_class = "CompressionStream")]
    fn new(format: &str) -> Result<Compressor, JsValue>;
}

/// `bytes` as a raw DEFLATE stream.
pub async fn deflate_raw(bytes: &[u8]) -> Vec<u8> {
    match compress(bytes).await {
        Some(deflated) => deflated,
        None => share::stored_deflate(bytes),
    }
}

async fn compress(bytes: &[u8]) -> Option<Vec<u8>> {
    let compressor = Compressor::new("deflate-raw").ok()?;
    let parts = Array::of1(&Uint8Array::from(bytes));
    let blob = Blob::new_with_u8_array_sequence(&parts).ok()?;
    let stream = blob
        .stream()
        .pipe_through(compressor.unchecked_ref::<ReadableWritablePair>());
    let response = Response::new_with_opt_readable_stream(Some(&stream)).ok()?;
    let buffer = JsFuture::from(response.array_buffer().ok()?).await.ok()?;
    Some(Uint8Array::new(&buffer).to_vec())
}
