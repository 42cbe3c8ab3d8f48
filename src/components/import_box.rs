//! Where support staff paste a shared report: the copied text, a link, or
//! the JSON. Anything else gets a specific message; what was pasted stays.

use std::rc::Rc;

use conncheck_core::share::{self, Shared};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ImportBoxProps {
    pub on_open: Callback<Rc<Shared>>,
    /// Shown open, with this error, when a `#report=` link could not be read.
    #[prop_or_default]
    pub error: Option<AttrValue>,
}

#[component]
pub fn ImportBox(props: &ImportBoxProps) -> Html {
    let error = use_state(|| props.error.clone());
    let area = use_node_ref();
    let onclick = {
        let (error, area, on_open) = (error.clone(), area.clone(), props.on_open.clone());
        Callback::from(move |_: MouseEvent| {
            let text = area
                .cast::<HtmlTextAreaElement>()
                .map(|a| a.value())
                .unwrap_or_default();
            match share::decode_shared(&text) {
                Ok(shared) => {
                    error.set(None);
                    on_open.emit(Rc::new(shared));
                }
                Err(e) => error.set(Some(AttrValue::from(format!(
                    "This report cannot be opened: {e}."
                )))),
            }
        })
    };
    html! {
        <details class="import" open={error.is_some()}>
            <summary>{ "For support staff: open a shared report" }</summary>
            <label for="import-text">{ "Paste the report text, the report link, or the report JSON" }</label>
            <textarea id="import-text" ref={area} rows="4" />
            <button type="button" data-action="import-report" {onclick}>{ "Open report" }</button>
            { for (*error).clone().map(|e| html! { <p class="import-error" role="alert">{ e }</p> }) }
        </details>
    }
}
