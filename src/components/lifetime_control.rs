//! The button that starts the connection lifetime test on demand.

use yew::prelude::*;

pub fn lifetime_control(hold_s: u64, busy: bool, on_start: Callback<MouseEvent>) -> Html {
    let minutes = hold_s / 60;
    let length = if minutes >= 1 && hold_s.is_multiple_of(60) {
        format!("{minutes} min")
    } else {
        format!("{hold_s} s")
    };
    html! {
        <section class="on-demand">
            <p>{ "Does your connection drop after a while? Keep one open and see when and how it ends." }</p>
            <button type="button" data-action="lifetime-test" disabled={busy} onclick={on_start}>
                { format!("Test connection lifetime ({length})") }
            </button>
        </section>
    }
}
