//! The driver's network I/O, bounded: fetch requests (bodies streamed up
//! to a cap, proxy headers cut to product tokens) and browser WebSockets
//! (oversized messages refused, close reasons redacted).

use conncheck_core::check::{
    CloseCode, Credentials, Event, FetchMode, FetchRequest, Handle, MAX_WS_MESSAGE,
};
use conncheck_core::privacy;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    BinaryType, CloseEvent, MessageEvent, RequestCache, RequestCredentials, RequestInit,
    RequestMode, Response, WebSocket,
};

use crate::browser::{js_error_text, read_capped};
use crate::channel::Sender;
use crate::driver::Input;

/// A response body is read up to this many bytes, then the stream is
/// cancelled; every Engine.IO answer a check needs is far smaller.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Every request is aborted after this long, headers and body together:
/// above an Engine.IO long poll's longest legitimate wait (production
/// pingInterval 25 s + pingTimeout 20 s).
pub const FETCH_TIMEOUT_MS: u32 = 60_000;

pub(crate) fn request_init(request: &FetchRequest) -> RequestInit {
    let init = RequestInit::new();
    init.set_method(request.method);
    init.set_cache(RequestCache::NoStore);
    init.set_credentials(match request.credentials {
        Credentials::Include => RequestCredentials::Include,
        Credentials::Omit => RequestCredentials::Omit,
    });
    init.set_mode(match request.mode {
        FetchMode::Cors => RequestMode::Cors,
        FetchMode::NoCors => RequestMode::NoCors,
    });
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    init
}

pub(crate) async fn fetch_response(
    promise: js_sys::Promise,
) -> Result<(u16, Vec<(String, String)>, String), String> {
    let response: Response = JsFuture::from(promise)
        .await
        .map_err(js_error_text)?
        .dyn_into()
        .map_err(js_error_text)?;
    let mut headers = Vec::new();
    if let Ok(Some(entries)) = js_sys::try_iter(&response.headers()) {
        for entry in entries.flatten() {
            let pair = js_sys::Array::from(&entry);
            if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                // Proxy headers can name internal hosts: product tokens only.
                let v = match k.to_ascii_lowercase().as_str() {
                    "server" => privacy::product_token(&v),
                    "via" => privacy::via_tokens(&v),
                    _ => Some(v.chars().take(1024).collect()),
                };
                headers.extend(v.map(|v| (k, v)));
            }
        }
    }
    headers.truncate(64);
    let body = read_capped(&response, MAX_BODY_BYTES).await?;
    Ok((response.status(), headers, body))
}

/// A browser WebSocket whose events go to the driver's channel. Dropping it
/// detaches the handlers first, so no event reaches a dropped closure.
pub(crate) struct Socket {
    pub(crate) ws: WebSocket,
    /// One handler for `open`, `message` and `close`: one closure type,
    /// where three would each cost the page's wasm and glue a shim.
    _on_event: Closure<dyn FnMut(web_sys::Event)>,
}

impl Socket {
    pub(crate) fn open(id: Handle, url: &str, tx: Sender<Input>) -> Result<Socket, JsValue> {
        let ws = WebSocket::new(url)?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let on_event = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let event = if let Some(e) = e.dyn_ref::<MessageEvent>() {
                message_event(id, e)
            } else if let Some(e) = e.dyn_ref::<CloseEvent>() {
                Event::WsClosed {
                    id,
                    code: e.code(),
                    reason: privacy::redact_text(&e.reason()),
                    clean: e.was_clean(),
                }
            } else {
                Event::WsOpened { id }
            };
            let _ = tx.send(Input::Event(event));
        });
        let handler = Some(on_event.as_ref().unchecked_ref());
        ws.set_onopen(handler);
        ws.set_onmessage(handler);
        ws.set_onclose(handler);
        Ok(Socket {
            ws,
            _on_event: on_event,
        })
    }
}

fn message_event(id: Handle, e: &MessageEvent) -> Event {
    let data = e.data();
    // Measured before it is copied into the page's memory, in UTF-16
    // units: longer ends the socket as "message too big" instead of
    // reaching a check.
    let too_big = data
        .dyn_ref::<js_sys::JsString>()
        .is_some_and(|s| s.length() > MAX_WS_MESSAGE);
    if too_big {
        return Event::WsClosed {
            id,
            code: CloseCode::MESSAGE_TOO_BIG.0,
            reason: format!("a message longer than {MAX_WS_MESSAGE} characters"),
            clean: false,
        };
    }
    match data.as_string() {
        Some(text) => Event::WsMessage { id, text },
        None => Event::WsBinary {
            id,
            len: js_sys::Uint8Array::new(&data).length() as usize,
        },
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}
