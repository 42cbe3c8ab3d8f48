//! Sharing a finished report in one action: copy text (summary plus the
//! `conncheck-report:1:` line), copy link (`#report=`), download JSON, and a
//! QR code of the link. Every action confirms visibly; where the Clipboard
//! API is missing or refused, the text is shown selected, ready to copy.
//! The text, link and JSON come built ([`Published`]); the QR code is drawn
//! only when asked for, once per link, by a wasm module of its own fetched
//! then (`crate::qr_loader`).

use std::rc::Rc;

use conncheck_core::page::Published;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::browser::{copy_to_clipboard, json_blob_url, revoke_object_url};
use crate::qr_loader::{qr_code, QrCode};

#[derive(Properties)]
pub struct SharePanelProps {
    /// The live report as shared, rebuilt only when it changes.
    pub published: Rc<Published>,
    /// The live report as shared at the moment of a copy: the description
    /// typed a moment ago included, which `published` takes only once
    /// typing pauses.
    pub copy_now: Callback<(), Option<Rc<Published>>>,
}

impl PartialEq for SharePanelProps {
    /// The same build: the page re-renders every tick while checks run.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.published, &other.published)
    }
}

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

#[component]
pub fn SharePanel(props: &SharePanelProps) -> Html {
    let text = props.published.text.clone();
    let link = props.published.link.clone();
    let status = use_state(|| None::<String>);
    let fallback = use_state(|| None::<Rc<str>>);
    let show_qr = use_state(|| false);
    let blob_url = use_state(|| None::<String>);
    let fallback_ref = use_node_ref();

    {
        let blob_url = blob_url.clone();
        use_effect_with(props.published.json.clone(), move |json| {
            let url = json_blob_url(json);
            blob_url.set(url.clone());
            move || {
                if let Some(url) = url {
                    revoke_object_url(&url);
                }
            }
        });
    }
    {
        let fallback_ref = fallback_ref.clone();
        use_effect_with(fallback.clone(), move |_| {
            if let Some(area) = fallback_ref.cast::<HtmlTextAreaElement>() {
                let _ = area.focus();
                area.select();
            }
        });
    }

    let copy = |what: fn(&Published) -> Rc<str>, done: &'static str| {
        let (status, fallback) = (status.clone(), fallback.clone());
        let (copy_now, built) = (props.copy_now.clone(), props.published.clone());
        Callback::from(move |_: MouseEvent| {
            let published = copy_now.emit(()).unwrap_or_else(|| built.clone());
            let (what, status, fallback) = (what(&published), status.clone(), fallback.clone());
            spawn_local(async move {
                if copy_to_clipboard(&what).await {
                    status.set(Some(done.to_owned()));
                    fallback.set(None);
                } else {
                    status.set(Some("Copying is not available here: the text below is selected, press Ctrl+C (⌘C on a Mac) to copy it.".into()));
                    fallback.set(Some(what));
                }
            });
        })
    };
    let on_copy_text = copy(
        |p| p.text.clone(),
        "Report copied. Paste it into the support chat or ticket.",
    );
    let on_copy_link = copy(
        |p| p.link.clone(),
        "Link copied. Anyone with the link can open this report.",
    );
    let on_qr = {
        let show_qr = show_qr.clone();
        Callback::from(move |_: MouseEvent| show_qr.set(!*show_qr))
    };
    // The QR module is fetched on the first QR code asked for; a code is
    // drawn once per link.
    let drawn = use_state(|| None::<(Rc<str>, QrCode)>);
    {
        let drawn = drawn.clone();
        let current = drawn.as_ref().is_some_and(|(of, _)| *of == link);
        use_effect_with((*show_qr, link.clone()), move |(show, link)| {
            if *show && !current {
                let link = link.clone();
                spawn_local(async move {
                    let code = qr_code(&link).await;
                    drawn.set(Some((link, code)));
                });
            }
        });
    }
    let code = (*drawn)
        .as_ref()
        .filter(|(of, _)| *of == link)
        .map(|(_, code)| code.clone());
    let qr = show_qr.then(|| match code {
        None => html! { <p class="qr-status" role="status">{ "Drawing the QR code…" }</p> },
        Some(QrCode::Unavailable) => html! { <p class="qr-status" role="status">{ "The QR code cannot be drawn here: the part of this page that draws it did not load. Use Copy link instead." }</p> },
        Some(QrCode::Drawn(size, path)) => html! {
            <svg class="qr" viewBox={format!("0 0 {size} {size}")} role="img" aria-label="QR code of the report link" shape-rendering="crispEdges">
                <rect width={size.to_string()} height={size.to_string()} fill="#ffffff" />
                <path d={path} fill="#000000" />
            </svg>
        },
        Some(QrCode::TooLong) => html! { <p>{ "This report is too long for a QR code: use Copy link instead." }</p> },
    });
    let download = blob_url.as_ref().map(|url| {
        html! {
            <a class="button" data-action="download-json" href={url.clone()} download={download_name(&props.published.report.created_at)}>
                { "Download JSON" }
            </a>
        }
    });

    html! {
        <section class="share" aria-labelledby="share-title">
            <h2 id="share-title">{ "Send the report to support" }</h2>
            <div class="actions">
                <button type="button" class="primary" data-action="copy-report" onclick={on_copy_text}>{ "Copy report" }</button>
                <button type="button" data-action="copy-link" onclick={on_copy_link}>{ "Copy link" }</button>
                { for download }
                <button type="button" data-action="show-qr" aria-expanded={(*show_qr).to_string()} onclick={on_qr}>{ "QR code" }</button>
            </div>
            <p class="share-status" role="status" aria-live="polite">{ (*status).clone().unwrap_or_default() }</p>
            { for (*fallback).clone().map(|what| html! {
                <textarea class="copy-fallback" readonly=true ref={fallback_ref.clone()} aria-label="Report text to copy" value={what.to_string()} />
            }) }
            { for qr }
            <details class="report-text">
                <summary>{ "Show the report text" }</summary>
                <textarea id="report-text" readonly=true aria-label="Report text" value={text.to_string()} />
                <label for="report-link">{ "Link" }</label>
                <input id="report-link" readonly=true value={link.to_string()} />
            </details>
        </section>
    }
}
