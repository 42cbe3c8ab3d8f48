//! The button that starts the connection lifetime test on demand.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LifetimeControlProps {
    pub hold_s: u64,
    pub busy: bool,
    pub on_start: Callback<()>,
}

#[component]
pub fn LifetimeControl(props: &LifetimeControlProps) -> Html {
    let onclick = props.on_start.reform(|_: MouseEvent| ());
    let minutes = props.hold_s / 60;
    let length = if minutes >= 1 && props.hold_s.is_multiple_of(60) {
        format!("{minutes} min")
    } else {
        format!("{} s", props.hold_s)
    };
    html! {
        <section class="on-demand">
            <p>{ "Does your connection drop after a while? Keep one open and see when and how it ends." }</p>
            <button type="button" data-action="lifetime-test" disabled={props.busy} {onclick}>
                { format!("Test connection lifetime ({length})") }
            </button>
        </section>
    }
}
