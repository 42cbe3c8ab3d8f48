//! Facts read from the browser (location, secure context, environment, a
//! monotonic clock, the visible cookies in `browser/cookies.rs`), a fetch
//! with a timeout for the config file, the bounded body reader every fetch
//! uses, the clipboard, blob URLs, and the browser's shortest digits of a
//! float.

use conncheck_core::report::{ConnectionInfo, Environment};
use js_sys::Reflect;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestCache, RequestInit, Response};

mod cookies;
pub use cookies::visible_cookies;

pub fn window() -> web_sys::Window {
    web_sys::window().expect("conncheck runs in a browser window")
}

/// 64 random bits from `crypto.getRandomValues` (the cross-pod probe's room
/// and nonce must not be guessable by other clients).
pub fn random_seed() -> u64 {
    let bytes = js_sys::Uint8Array::new_with_length(8);
    let crypto = js_sys::Reflect::get(&window(), &"crypto".into()).ok();
    let filled = crypto.and_then(|crypto| {
        let fill = js_sys::Reflect::get(&crypto, &"getRandomValues".into()).ok()?;
        fill.dyn_into::<js_sys::Function>()
            .ok()?
            .call1(&crypto, &bytes)
            .ok()
    });
    let mut seed = [0u8; 8];
    bytes.copy_to(&mut seed);
    match filled {
        Some(_) => u64::from_le_bytes(seed),
        // No Web Crypto (very old browsers): the best there is.
        None => (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64,
    }
}

/// Milliseconds on the page's monotonic clock (`performance.now()`).
pub fn now_ms() -> f64 {
    window()
        .performance()
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

pub fn location_href() -> String {
    window().location().href().unwrap_or_default()
}

/// The page's origin and path, without query or fragment.
pub fn page_without_query() -> String {
    let location = window().location();
    format!(
        "{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    )
}

pub fn location_search() -> String {
    window().location().search().unwrap_or_default()
}

pub fn is_secure_context() -> bool {
    window().is_secure_context()
}

/// RFC 3339 time of now, as the report's `created_at`.
pub fn iso_now() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

fn prop(target: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

pub fn environment() -> Environment {
    let nav = window().navigator();
    let languages = nav
        .languages()
        .iter()
        .filter_map(|l| l.as_string())
        .collect();
    // NetworkInformation exists in Chromium only; read it reflectively.
    let connection = prop(&nav, "connection").map(|c| ConnectionInfo {
        effective_type: prop(&c, "effectiveType").and_then(|v| v.as_string()),
        rtt_ms: prop(&c, "rtt").and_then(|v| v.as_f64()),
        downlink_mbps: prop(&c, "downlink").and_then(|v| v.as_f64()),
        save_data: prop(&c, "saveData").and_then(|v| v.as_bool()),
    });
    Environment {
        user_agent: nav.user_agent().unwrap_or_default(),
        platform: nav.platform().unwrap_or_default(),
        languages,
        online: nav.on_line(),
        connection,
    }
}

/// How a text fetch ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextFetch {
    Ok { status: u16, body: String },
    Failed(String),
    TimedOut,
}

/// GET `url` (relative to the page), never cached, giving up after `timeout_ms`.
pub async fn fetch_text(url: &str, timeout_ms: u32) -> TextFetch {
    let controller = AbortController::new().ok();
    let init = RequestInit::new();
    init.set_cache(RequestCache::NoStore);
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    let promise = window().fetch_with_str_and_init(url, &init);
    let request = async move {
        let response: Response = JsFuture::from(promise)
            .await
            .map_err(js_error_text)?
            .dyn_into()
            .map_err(js_error_text)?;
        let text = read_capped(&response, MAX_CONFIG_BYTES).await?;
        Ok::<_, String>((response.status(), text))
    };
    match crate::channel::within(timeout_ms, request).await {
        Some(Ok((status, body))) => TextFetch::Ok { status, body },
        Some(Err(message)) => TextFetch::Failed(message),
        None => {
            if let Some(c) = controller {
                c.abort();
            }
            TextFetch::TimedOut
        }
    }
}

/// The largest `conncheck.json` read; an operator's file is a few hundred bytes.
pub const MAX_CONFIG_BYTES: usize = 64 * 1024;

/// A response body read as a stream up to `cap` bytes, then the stream is
/// cancelled: a 300 MB or endlessly trickling body never fills memory.
/// Invalid UTF-8 becomes U+FFFD. Opaque (no-cors) responses read as "".
pub async fn read_capped(response: &Response, cap: usize) -> Result<String, String> {
    let Some(body) = prop(response, "body") else {
        return Ok(String::new());
    };
    let call = |target: &JsValue, name: &str| -> Result<JsValue, String> {
        let f: js_sys::Function = Reflect::get(target, &JsValue::from_str(name))
            .map_err(js_error_text)?
            .dyn_into()
            .map_err(|_| format!("{name} is not a function"))?;
        f.call0(target).map_err(js_error_text)
    };
    let reader = call(&body, "getReader")?;
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        let promise: js_sys::Promise = call(&reader, "read")?
            .dyn_into()
            .map_err(|_| "read() gave no promise".to_owned())?;
        let chunk = JsFuture::from(promise).await.map_err(js_error_text)?;
        if prop(&chunk, "done")
            .and_then(|d| d.as_bool())
            .unwrap_or(true)
        {
            break;
        }
        let Some(value) = prop(&chunk, "value") else {
            continue;
        };
        let array = js_sys::Uint8Array::new(&value);
        let room = cap.saturating_sub(bytes.len());
        let take = (array.length() as usize).min(room);
        let start = bytes.len();
        bytes.resize(start + take, 0);
        array.subarray(0, take as u32).copy_to(&mut bytes[start..]);
        if bytes.len() >= cap {
            let _ = call(&reader, "cancel");
            break;
        }
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A JS exception as one line of text (`TypeError: Failed to fetch`),
/// redacted: browsers quote the URL they refused, credentials and all.
pub fn js_error_text(e: JsValue) -> String {
    let text = if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        format!(
            "{}: {}",
            String::from(err.name()),
            String::from(err.message())
        )
    } else {
        // Anything else thrown: its type is what can be told of it without
        // wasm-bindgen's debug printer (a kilobyte of JS and wasm).
        e.as_string().unwrap_or_else(|| {
            let kind = e.js_typeof().as_string().unwrap_or_default();
            format!("a thrown {kind} that is not an Error")
        })
    };
    conncheck_core::privacy::redact_text(&text)
}

/// Copies `text` with the Clipboard API; false where it is missing or
/// refused (insecure context, no permission), so the caller can fall back.
pub async fn copy_to_clipboard(text: &str) -> bool {
    let nav = window().navigator();
    let Some(clipboard) = prop(&nav, "clipboard") else {
        return false;
    };
    let Some(write) =
        prop(&clipboard, "writeText").and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return false;
    };
    match write
        .call1(&clipboard, &JsValue::from_str(text))
        .and_then(|p| p.dyn_into::<js_sys::Promise>())
    {
        Ok(promise) => JsFuture::from(promise).await.is_ok(),
        Err(_) => false,
    }
}

/// An object URL of `json` as an application/json file, for a download link.
pub fn json_blob_url(json: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(json));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

pub fn revoke_object_url(url: &str) {
    let _ = web_sys::Url::revoke_object_url(url);
}

pub fn location_hash() -> String {
    window().location().hash().unwrap_or_default()
}

#[wasm_bindgen]
extern "C" {
    /// A JavaScript number.
    #[wasm_bindgen(js_name = Number)]
    type Num;
    /// `Number.prototype.toExponential()` without a digit count: the
    /// shortest digits that read back as the same number (`1.45e+0`).
    #[wasm_bindgen(method, js_name = toExponential)]
    fn to_exponential_shortest(this: &Num) -> String;
}

/// The browser's shortest digits of `x`, for the report's floats
/// (`conncheck_core::json::set_shortest_digits`): the wasm modules carry
/// no float formatting of their own.
pub fn shortest_digits(x: f64) -> String {
    JsValue::from_f64(x)
        .unchecked_into::<Num>()
        .to_exponential_shortest()
}
