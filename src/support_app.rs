//! The support module's side of the support view: decodes a shared report
//! (pasted text, a link or JSON) and shows it in its own element after
//! `#app`. Only the second wasm module (`src/support_main.rs`) calls this,
//! so the page's module has no report decoding; the page's module asks for
//! it through [`crate::support_loader`].

use std::cell::RefCell;
use std::rc::Rc;

use conncheck_core::report::Report;
use conncheck_core::share;
use conncheck_core::view;
use yew::prelude::*;

use crate::components::SharedReport;

/// The element the support view renders into, right after `#app`.
pub const HOST_ID: &str = "shared-report";

#[derive(Properties, PartialEq)]
pub struct SupportAppProps {
    pub report: Rc<Report>,
    pub not_understood: Vec<String>,
}

/// The shared report as the page showed it before the split: banner,
/// derived findings, checks, and the complete JSON (`#report-json`).
#[component]
pub fn SupportApp(props: &SupportAppProps) -> Html {
    // The one derivation of the record's texts, once per record.
    let view = use_memo(
        (props.report.clone(), props.not_understood.clone()),
        |(report, not_understood)| view::derive_shared(report, not_understood),
    );
    let json = view.json(&props.report);
    html! {
        <main class="conncheck">
            <h1>{ "Connection check" }</h1>
            <SharedReport report={props.report.clone()} view={view.clone()} />
            { crate::raw_report(&json) }
        </main>
    }
}

thread_local! {
    static SHOWN: RefCell<Option<yew::AppHandle<SupportApp>>> = const { RefCell::new(None) };
}

/// Shows the report in `input`, replacing one shown before; or, when it
/// cannot be read, removes what was shown and returns why (a
/// [`share::ShareError`]'s sentence). A payload is inflated by the browser
/// (`crate::inflate`), so that no wasm of this page carries an inflater.
pub async fn open(input: &str) -> Option<String> {
    let decoded = match share::find(input) {
        Ok(share::Found::Json(json)) => share::open_json(json.as_bytes()),
        Ok(share::Found::Deflated(compressed)) => {
            match crate::inflate::inflate_raw(&compressed, share::MAX_REPORT_BYTES).await {
                Ok(json) => share::open_json(&json),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    };
    close();
    match decoded {
        Ok(shared) => {
            let Some(host) = host_element() else {
                return Some(NOT_SHOWN.to_owned());
            };
            let props = SupportAppProps {
                report: Rc::new(shared.report),
                not_understood: shared.not_understood,
            };
            let handle = yew::Renderer::<SupportApp>::with_root_and_props(host, props).render();
            SHOWN.with(|s| *s.borrow_mut() = Some(handle));
            None
        }
        Err(e) => Some(e.to_string()),
    }
}

/// Why a report that was read is not shown: the page could not make room
/// for it (an element the browser refused to create or insert).
const NOT_SHOWN: &str = "this browser did not let the page show it";

/// A new element for the support view, right after `#app`.
fn host_element() -> Option<web_sys::Element> {
    let document = crate::browser::window().document()?;
    let host = document.create_element("div").ok()?;
    host.set_id(HOST_ID);
    match document.get_element_by_id("app") {
        Some(app) => app.after_with_node_1(&host).ok()?,
        None => document.body()?.append_child(&host).map(drop).ok()?,
    }
    Some(host)
}

/// Removes the report shown, if any.
fn close() {
    if let Some(handle) = SHOWN.with(|s| s.borrow_mut().take()) {
        handle.destroy();
    }
    if let Some(host) = crate::browser::window()
        .document()
        .and_then(|d| d.get_element_by_id(HOST_ID))
    {
        host.remove();
    }
}
