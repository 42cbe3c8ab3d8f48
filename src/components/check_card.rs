//! One check as a card: title, live state (waiting, running with elapsed
//! time, or its status), summary and duration.

use yew::prelude::*;

use crate::state::{CheckRow, RowState};

#[derive(Properties, PartialEq)]
pub struct CheckCardProps {
    pub row: CheckRow,
    pub now_ms: f64,
}

#[component]
pub fn CheckCard(props: &CheckCardProps) -> Html {
    let id = props.row.id;
    let (class, badge, body) = match &props.row.state {
        RowState::Waiting => ("waiting", "Waiting".to_owned(), html! {}),
        RowState::Running { since_ms } => {
            // Whole milliseconds and seconds: no float formatting in the page.
            let elapsed_ms = (props.now_ms - since_ms).max(0.0) as u64;
            let elapsed = elapsed_ms / 1000;
            let progress = props.row.expected_ms.filter(|e| *e > 0.0).map(|expected| {
                let expected = expected as u64;
                let remaining = expected.saturating_sub(elapsed_ms).div_ceil(1000);
                html! {
                    <div class="progress">
                        <progress max={expected.to_string()} value={elapsed_ms.min(expected).to_string()}></progress>
                        <span>{ format!("{elapsed} s elapsed, {remaining} s left") }</span>
                    </div>
                }
            });
            (
                "running",
                format!("Running… {elapsed} s"),
                html! { { for progress } },
            )
        }
        RowState::Finished(check) => (
            check.status.as_str(),
            check.status.label().to_owned(),
            html! {
                <>
                    <p class="summary">{ &check.summary }</p>
                    <p class="duration">{ format!("{} ms", check.duration_ms) }</p>
                </>
            },
        ),
    };
    html! {
        <li class={classes!("check", class)} data-check={id.as_str()}>
            <div class="check-head">
                <h3>{ id.title() }</h3>
                <span class="badge">{ badge }</span>
            </div>
            { body }
        </li>
    }
}
