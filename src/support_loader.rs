//! The page's way to the support view, which lives in a second wasm module
//! (`src/support_main.rs`): loaded, through the loader's
//! `window.conncheckSupport()` (scripts/postbuild.py), only when a
//! `#report=` link or a pasted report is opened, so that a user running
//! the check never downloads report decoding.

use crate::channel::within;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::browser;

/// Why a shared report is not shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotOpened {
    /// The report cannot be read: the support module's sentence why.
    Refused(String),
    /// The support module did not load or did not start.
    Unavailable,
    /// The support module loaded, but stopped with an error while opening.
    Failed,
}

/// What the page says when the support module is missing.
pub const UNAVAILABLE: &str = "the part of this page that opens shared reports did not load \
(a proxy, firewall or security program may block it, or the download broke off); \
reload the page to try again";

/// What the page says when the support module stopped with an error.
pub const FAILED: &str = "the part of this page that opens shared reports stopped with an error; \
reload the page to try again";

/// Starts loading the support module ahead of need (the import box was
/// opened); a failure shows when the report is opened.
pub fn preload() {
    let _ = module(SUPPORT);
}

/// The loader's function that starts the support module.
const SUPPORT: &str = "conncheckSupport";

/// Opens `input` (copied text, a link, a payload or JSON) in the support
/// view, which then replaces the page's own view.
pub async fn open(input: &str) -> Result<(), NotOpened> {
    let open = export(SUPPORT, "open")
        .await
        .ok_or(NotOpened::Unavailable)?;
    let answer: Promise = open
        .call1(&JsValue::UNDEFINED, &JsValue::from_str(input))
        .ok()
        .and_then(|p| p.dyn_into().ok())
        .ok_or(NotOpened::Unavailable)?;
    let answer = JsFuture::from(answer).await.map_err(|_| {
        // Whatever it had begun to show goes with it.
        if let Some(host) = browser::window()
            .document()
            .and_then(|d| d.get_element_by_id(crate::support_app::HOST_ID))
        {
            host.remove();
        }
        NotOpened::Failed
    })?;
    match answer.as_string() {
        None => Ok(()),
        Some(why) => Err(NotOpened::Refused(why)),
    }
}

/// How long a module fetched on demand may take to arrive and start: a
/// proxy that stalls the download must not leave the page waiting.
const LOAD_WITHIN_MS: u32 = 60_000;

/// The function `name` of the module that the loader's function `loader`
/// starts (on its first call; scripts/postbuild.py), once it has started;
/// `None` when it did not load within `LOAD_WITHIN_MS`.
pub(crate) async fn export(loader: &str, name: &str) -> Option<Function> {
    let module = within(LOAD_WITHIN_MS, JsFuture::from(module(loader).ok()?))
        .await?
        .ok()?;
    Reflect::get(&module, &JsValue::from_str(name))
        .ok()?
        .dyn_into()
        .ok()
}

/// The loader's promise of the started module.
fn module(loader: &str) -> Result<Promise, JsValue> {
    let load: Function =
        Reflect::get(&browser::window(), &JsValue::from_str(loader))?.dyn_into()?;
    load.call0(&JsValue::UNDEFINED)?.dyn_into()
}
