//! Where support staff paste a shared report: the copied text, a link, or
//! the JSON. The page hands it to the support view (a second wasm module,
//! loaded when the box is opened); anything it cannot read gets a specific
//! message, and what was pasted stays.

use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::support_loader;

/// The text area's id.
const AREA_ID: &str = "import-text";

/// The box. `on_open` opens the pasted text; `error` says why the last
/// text (or a `#report=` link) could not be opened, and shows the box open;
/// `busy`: the text is being opened.
pub fn import_box(on_open: &Callback<String>, error: Option<AttrValue>, busy: bool) -> Html {
    let onclick = {
        let on_open = on_open.clone();
        Callback::from(move |_: MouseEvent| {
            // Read from the document: the page has one import box.
            let text = crate::browser::window()
                .document()
                .and_then(|d| d.get_element_by_id(AREA_ID))
                .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok())
                .map(|a| a.value())
                .unwrap_or_default();
            on_open.emit(text);
        })
    };
    // Whoever opens the box is about to paste: fetch the support view now.
    let ontoggle = Callback::from(|e: Event| {
        let opened = e
            .target_dyn_into::<web_sys::HtmlDetailsElement>()
            .is_some_and(|d| d.open());
        if opened {
            support_loader::preload();
        }
    });
    let error = error.filter(|_| !busy);
    html! {
        <details class="import" open={error.is_some() || busy} {ontoggle}>
            <summary>{ "For support staff: open a shared report" }</summary>
            <label for="import-text">{ "Paste the report text, the report link, or the report JSON" }</label>
            <textarea id={AREA_ID} rows="4" />
            <button type="button" data-action="import-report" disabled={busy} aria-busy={busy.to_string()} {onclick}>{ "Open report" }</button>
            // Messages come and go inside their own element: Yew matches
            // unkeyed children by position, and a changing count here
            // would rebuild the text area and lose what was pasted.
            <div class="import-messages">
                <p class="import-status" role="status">{ if busy { "Opening the report…" } else { "" } }</p>
                { for error.map(|e| html! { <p class="import-error" role="alert">{ e }</p> }) }
            </div>
        </details>
    }
}
