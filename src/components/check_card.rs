//! One check as a card: title, live state (waiting, running with elapsed
//! time, or its status), summary and duration.

use conncheck_core::check::Status;
use yew::prelude::*;

use super::words;
use crate::state::{CheckRow, RowState};

/// The card, keyed by its check id in the list.
pub fn check_card(row: &CheckRow, now_ms: f64) -> Html {
    let id = row.id;
    let (badge, body) = match &row.state {
        RowState::Waiting => ("Waiting".to_owned(), html! {}),
        RowState::Running { since_ms } => {
            // Whole milliseconds and seconds: no float formatting in the page.
            let elapsed_ms = (now_ms - since_ms).max(0.0) as u64;
            let elapsed = elapsed_ms / 1000;
            let progress = row.expected_ms.filter(|e| *e > 0.0).map(|expected| {
                let expected = expected as u64;
                let remaining = expected.saturating_sub(elapsed_ms).div_ceil(1000);
                html! {
                    <div class="progress">
                        <progress max={expected.to_string()} value={elapsed_ms.min(expected).to_string()}></progress>
                        <span>{ format!("{elapsed} s elapsed, {remaining} s left") }</span>
                    </div>
                }
            });
            (format!("Running… {elapsed} s"), html! { { for progress } })
        }
        RowState::Finished(check) => (
            check.status.label().to_owned(),
            html! {
                <>
                    <p class="summary">{ words(&check.data.summary()) }</p>
                    <p class="duration">{ format!("{} ms", check.duration_ms) }</p>
                </>
            },
        ),
    };
    let class = match &row.state {
        RowState::Waiting => "check waiting",
        RowState::Running { .. } => "check running",
        RowState::Finished(check) => status_class(check.status),
    };
    let key = id.as_str();
    // `~className`, the DOM property: a computed `class` would link Yew's
    // class-set code (an index set with its hashing) into the page.
    html! {
        <li {key} ~className={class} data-check={key}>
            <div class="check-head">
                <h3>{ id.title() }</h3>
                <span class="badge">{ badge }</span>
            </div>
            { body }
        </li>
    }
}

/// The class of a finished check's `<li>` (also the shared view's).
pub fn status_class(status: Status) -> &'static str {
    match status {
        Status::Pass => "check pass",
        Status::Warn => "check warn",
        Status::Fail => "check fail",
        Status::Skip => "check skip",
    }
}
