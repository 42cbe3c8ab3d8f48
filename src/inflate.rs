//! Raw DEFLATE inflated by the browser's own
//! `DecompressionStream("deflate-raw")` for the support module, read chunk
//! by chunk and given up at a bound: a few kilobytes of link can expand to
//! gigabytes (a compression bomb), and only the bound's worth is ever held.

use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ReadableWritablePair};

use conncheck_core::share::ShareError;

// web-sys has `DecompressionStream` only behind `web_sys_unstable_apis`;
// the constructor is all this needs.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = DecompressionStream)]
    type Decompressor;
    #[wasm_bindgen(constructor, catch, js_class = "DecompressionStream")]
    fn new(format: &str) -> Result<Decompressor, JsValue>;
}

/// `compressed` inflated, at most `limit` bytes; beyond that
/// [`ShareError::TooLargeDecompressed`], and the stream is cancelled.
pub async fn inflate_raw(compressed: &[u8], limit: usize) -> Result<Vec<u8>, ShareError> {
    let decompressor = Decompressor::new("deflate-raw").map_err(|_| ShareError::NoDecompressor)?;
    let damaged = |e: JsValue| ShareError::BadCompression(error_message(&e));
    let parts = Array::of1(&Uint8Array::from(compressed));
    let blob = Blob::new_with_u8_array_sequence(&parts).map_err(damaged)?;
    let stream = blob
        .stream()
        .pipe_through(decompressor.unchecked_ref::<ReadableWritablePair>());
    let reader = stream.get_reader();
    let read: Function = method(&reader, "read").map_err(damaged)?;
    let mut out = Vec::new();
    loop {
        let promise: Promise = read
            .call0(&reader)
            .and_then(|p| p.dyn_into())
            .map_err(damaged)?;
        let chunk = JsFuture::from(promise).await.map_err(damaged)?;
        if Reflect::get(&chunk, &JsValue::from_str("done"))
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true)
        {
            return Ok(out);
        }
        let value = Reflect::get(&chunk, &JsValue::from_str("value")).map_err(damaged)?;
        let bytes = Uint8Array::new(&value);
        if out.len() + bytes.length() as usize > limit {
            if let Ok(cancel) = method(&reader, "cancel") {
                let _ = cancel.call0(&reader);
            }
            return Err(ShareError::TooLargeDecompressed);
        }
        out.extend(bytes.to_vec());
    }
}

fn method(target: &JsValue, name: &str) -> Result<Function, JsValue> {
    Reflect::get(target, &JsValue::from_str(name))?.dyn_into()
}

/// The stream's exception, as short as `TypeError: …` (not
/// `browser::js_error_text`: its redaction parses URLs, which would bring
/// the URL parser into the support module, and these name none).
fn error_message(e: &JsValue) -> String {
    match e.dyn_ref::<js_sys::Error>() {
        Some(err) => {
            let text = format!(
                "{}: {}",
                String::from(err.name()),
                String::from(err.message())
            );
            text.chars().take(120).collect()
        }
        None => "the stream failed".to_owned(),
    }
}
