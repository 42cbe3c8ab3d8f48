//! The effects behind the share panel ([`crate::components::share_panel`]):
//! the live report compressed by the browser for its link, the download's
//! object URL, the QR code drawn when asked for (once per link), and the
//! text shown to copy by hand selected. Each reports back to the page's
//! reducer.

use std::rc::Rc;

use conncheck_core::page::{Deflated, Published, ShareMsg};
use conncheck_core::share;
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::browser::{json_blob_url, revoke_object_url, window};
use crate::channel::spawn;
use crate::components::share_panel::FALLBACK_CLASS;
use crate::deflate::deflate_raw;
use crate::effect::{cleanup, use_keyed_effect};
use crate::qr_loader::qr_code;
use crate::state::{Msg, State};

/// `builds`: how many times the shared values were built
/// (`Derived::builds`), which tells a new JSON and link from the last.
#[hook]
pub fn use_share_effects(
    state: &UseReducerHandle<State>,
    published: Option<&Rc<Published>>,
    builds: u32,
) {
    // Keys are u64s, one effect type for all (`crate::effect`).
    let built = u64::from(builds) << 1 | u64::from(published.is_some());
    {
        // The live report of the settled revision, deflated for its copy
        // text and link (`Derived::live_deflated`).
        let (state, dispatch) = (state.clone(), state.dispatcher());
        let settled = state.settled;
        use_keyed_effect(
            settled << 1 | u64::from(state.report.is_some()),
            Box::new(move |_| {
                if let Some((report, view)) = state.published() {
                    spawn(async move {
                        let bytes = deflate_raw(&share::share_json(&report, &view)).await;
                        dispatch.dispatch(Msg::Deflated(Deflated {
                            settled,
                            report: Rc::new(report),
                            view,
                            bytes: bytes.into(),
                        }));
                    });
                }
                None
            }),
        );
    }
    {
        let dispatch = state.dispatcher();
        let json = published.map(|p| p.json.clone());
        use_keyed_effect(
            built,
            Box::new(move |_| {
                let url = json.as_deref().and_then(json_blob_url);
                dispatch.dispatch(Msg::Share(ShareMsg::Download(url.as_deref().map(Rc::from))));
                let url = url?;
                cleanup(move || revoke_object_url(&url))
            }),
        );
    }
    {
        let dispatch = state.dispatcher();
        let link = published.map(|p| p.link.clone());
        let drawn = link
            .as_ref()
            .is_some_and(|l| state.share.qr_of(l).is_some());
        let wanted = link.filter(|_| state.share.show_qr && !drawn);
        use_keyed_effect(
            built << 1 | u64::from(wanted.is_some()),
            Box::new(move |_| {
                if let Some(link) = wanted {
                    spawn(async move {
                        let code = qr_code(&link).await;
                        dispatch.dispatch(Msg::Share(ShareMsg::QrDrawn { link, code }));
                    });
                }
                None
            }),
        );
    }
    let fallback = state.share.fallback.is_some();
    use_keyed_effect(
        u64::from(state.share.copies),
        Box::new(move |_| {
            let area = fallback
                .then(|| window().document())
                .flatten()
                .and_then(|d| {
                    d.query_selector(&format!(".{FALLBACK_CLASS}"))
                        .ok()
                        .flatten()
                })
                .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok());
            if let Some(area) = area {
                let _ = area.focus();
                area.select();
            }
            None
        }),
    );
}
