//! A small button that copies one snippet (a fix) and says so.

use yew::prelude::*;

use crate::browser::copy_to_clipboard;
use crate::channel::spawn;

#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    pub text: AttrValue,
}

#[component]
pub fn CopyButton(props: &CopyButtonProps) -> Html {
    let label = use_state(|| "Copy");
    let onclick = {
        let (label, text) = (label.clone(), props.text.clone());
        Callback::from(move |_: MouseEvent| {
            let (label, text) = (label.clone(), text.clone());
            spawn(async move {
                label.set(if copy_to_clipboard(&text).await {
                    "Copied"
                } else {
                    "Select the text to copy"
                });
            });
        })
    };
    html! { <button type="button" class="copy-fix" data-action="copy-fix" {onclick}>{ *label }</button> }
}
