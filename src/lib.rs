//! conncheck's page: finds out from inside the user's browser why a realtime
//! app does not work for them, and ends in a report to hand to support.
//!
//! `App` runs the automatic checks once on load. The checks themselves are
//! pure state machines in `conncheck-core`; `driver` carries out their
//! actions here.

pub mod browser;
pub mod components;
pub mod driver;
pub mod run;
pub mod state;

use gloo_timers::callback::Interval;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use components::{CheckCard, ConfigErrors, Findings, LifetimeControl, VerdictBanner};
use conncheck_core::checks::lifetime::DEFAULT_ON_DEMAND_S;
use state::{Msg, Phase, State};

/// How often running checks' elapsed time is refreshed.
const TICK_MS: u32 = 250;

#[component]
pub fn App() -> Html {
    let state = use_reducer(State::default);

    {
        let dispatch = state.dispatcher();
        use_effect_with((), move |_| {
            spawn_local(run::run_all(dispatch));
        });
    }
    {
        let dispatch = state.dispatcher();
        use_effect_with(state.phase, move |phase| {
            set_body_state(*phase);
            let ticker = (*phase == Phase::Running).then(|| {
                Interval::new(TICK_MS, move || {
                    dispatch.dispatch(Msg::Tick(browser::now_ms()))
                })
            });
            move || drop(ticker)
        });
    }

    let on_lifetime = {
        let dispatch = state.dispatcher();
        let effective = state.effective.clone();
        Callback::from(move |()| {
            if let Some(config) = effective.clone() {
                spawn_local(run::run_lifetime(config, dispatch.clone()));
            }
        })
    };
    let hold_s = match state.effective.as_deref() {
        Some(c) if c.lifetime_s > 0 => c.lifetime_s,
        _ => DEFAULT_ON_DEMAND_S,
    };
    let config_errors = state
        .config
        .as_ref()
        .map(|c| c.errors.clone())
        .unwrap_or_default();
    let findings = state
        .report
        .as_ref()
        .map(|r| r.findings.clone())
        .unwrap_or_default();
    html! {
        <main class="conncheck">
            <header>
                <h1>{ "Connection check" }</h1>
                <VerdictBanner report={state.report.clone()} />
            </header>
            <ConfigErrors errors={config_errors} />
            <section class="checks">
                <h2>{ "Checks" }</h2>
                <ul>
                    { for state.checks.iter().map(|row| html! {
                        <CheckCard key={row.id.as_str()} row={row.clone()} now_ms={state.now_ms} />
                    }) }
                </ul>
            </section>
            <LifetimeControl {hold_s} busy={state.phase == Phase::Running} on_start={on_lifetime} />
            <Findings {findings} />
            <details class="raw-report">
                <summary>{ "Full report (JSON)" }</summary>
                <pre id="report-json">{ &*state.report_json }</pre>
            </details>
        </main>
    }
}

/// The automation hook `<body data-conncheck-state>` (DESIGN.md).
fn set_body_state(phase: Phase) {
    if let Some(body) = browser::window().document().and_then(|d| d.body()) {
        let _ = body.set_attribute("data-conncheck-state", phase.as_str());
    }
}
