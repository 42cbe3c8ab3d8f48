//! Sharing a finished report in one action: copy text (summary plus the
//! `conncheck-report:1:` line), copy link (`#report=`), download JSON, and a
//! QR code of the link. Every action confirms visibly; where the Clipboard
//! API is missing or refused, the text is shown selected, ready to copy.
//! A view: the text, link and JSON come built ([`Published`]), the panel's
//! state is the page's ([`Share`]); the app's effects make the download's
//! address, draw the QR code (a wasm module of its own, `crate::qr_loader`)
//! and select the text shown to copy by hand.

use std::rc::Rc;

use conncheck_core::page::{Published, QrCode, Share, ShareMsg};
use yew::prelude::*;

use crate::browser::copy_to_clipboard;
use crate::channel::spawn;
use crate::state::{Msg, State};

/// The class of the text area shown to copy by hand.
pub const FALLBACK_CLASS: &str = "copy-fallback";

/// `conncheck-report-2026-11-21T10-00-00Z.json`
pub fn download_name(created_at: &str) -> String {
    let stamp: String = created_at
        .split('.')
        .next()
        .unwrap_or(created_at)
        .replace(':', "-");
    let stamp = stamp.trim_end_matches('Z');
    format!("conncheck-report-{stamp}Z.json")
}

/// `copy_now`: the live report as shared at the moment of a copy, the
/// description typed a moment ago included, which `published` takes only
/// once typing pauses.
pub fn share_panel(
    published: &Published,
    share: &Share,
    dispatch: &UseReducerDispatcher<State>,
    copy_now: &Callback<(), Option<Rc<Published>>>,
) -> Html {
    let copy = |link: bool| {
        let (dispatch, copy_now) = (dispatch.clone(), copy_now.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(now) = copy_now.emit(()) else { return };
            let what = if link {
                now.link.clone()
            } else {
                now.text.clone()
            };
            let dispatch = dispatch.clone();
            spawn(async move {
                let msg = if copy_to_clipboard(&what).await {
                    ShareMsg::Copied { link }
                } else {
                    ShareMsg::CopyRefused(what)
                };
                dispatch.dispatch(Msg::Share(msg));
            });
        })
    };
    let on_qr = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Msg::Share(ShareMsg::ToggleQr)))
    };
    let qr = share.show_qr.then(|| match share.qr_of(&published.link) {
        None => html! { <p class="qr-status" role="status">{ "Drawing the QR code…" }</p> },
        Some(QrCode::Unavailable) => html! { <p class="qr-status" role="status">{ "The QR code cannot be drawn here: the part of this page that draws it did not load. Use Copy link instead." }</p> },
        Some(QrCode::Drawn { side, path }) => html! {
            <svg class="qr" viewBox={format!("0 0 {side} {side}")} role="img" aria-label="QR code of the report link" shape-rendering="crispEdges">
                <rect width={side.to_string()} height={side.to_string()} fill="#ffffff" />
                <path d={path.clone()} fill="#000000" />
            </svg>
        },
        Some(QrCode::TooLong) => html! { <p>{ "This report is too long for a QR code: use Copy link instead." }</p> },
    });
    let download = share.download.as_ref().map(|url| {
        html! {
            <a class="button" data-action="download-json" href={url.to_string()} download={download_name(&published.report.created_at)}>
                { "Download JSON" }
            </a>
        }
    });

    html! {
        <section class="share" aria-labelledby="share-title">
            <h2 id="share-title">{ "Send the report to support" }</h2>
            <div class="actions">
                <button type="button" class="primary" data-action="copy-report" onclick={copy(false)}>{ "Copy report" }</button>
                <button type="button" data-action="copy-link" onclick={copy(true)}>{ "Copy link" }</button>
                { for download }
                <button type="button" data-action="show-qr" aria-expanded={share.show_qr.to_string()} onclick={on_qr}>{ "QR code" }</button>
            </div>
            <p class="share-status" role="status" aria-live="polite">{ share.status.unwrap_or_default() }</p>
            { for share.fallback.as_ref().map(|what| html! {
                <textarea class={FALLBACK_CLASS} readonly=true aria-label="Report text to copy" value={what.to_string()} />
            }) }
            { for qr }
            <details class="report-text">
                <summary>{ "Show the report text" }</summary>
                <textarea id="report-text" readonly=true aria-label="Report text" value={published.text.to_string()} />
                <label for="report-link">{ "Link" }</label>
                <input id="report-link" readonly=true value={published.link.to_string()} />
            </details>
        </section>
    }
}
