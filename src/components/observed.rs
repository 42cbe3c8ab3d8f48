//! A text of the page's with outside values in it (a server's header, a
//! namespace, a cookie name): the page's words as text, each outside value
//! as `<q class="observed">`, the one mark of what was observed or reported
//! rather than said by the page (docs/contracts.md, Automation hooks).

use conncheck_core::privacy::parts;
use yew::prelude::*;

pub fn words(text: &str) -> Html {
    parts(text)
        .into_iter()
        .map(|(observed, part)| match observed {
            true => html! { <q class="observed">{ part }</q> },
            false => Html::from(part),
        })
        .collect()
}
