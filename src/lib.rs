//! conncheck's page: finds out from inside the user's browser why a realtime
//! app does not work for them, and ends in a report to hand to support.
//!
//! `App` runs the automatic checks once on load, or, when the address holds
//! `#report=`, shows that shared report instead. The checks themselves are
//! pure state machines in `conncheck-core`; `driver` carries out their
//! actions here.

pub mod browser;
pub mod components;
pub mod driver;
pub mod media_io;
pub mod net_io;
pub mod qr;
pub mod run;
pub mod state;

use std::rc::Rc;

use conncheck_core::check::MediaKind;
use conncheck_core::checks::lifetime;
use conncheck_core::share::{self, FRAGMENT_KEY};
use gloo_timers::callback::Interval;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlTextAreaElement, MediaStream};
use yew::prelude::*;

use components::{
    CheckCard, ConfigErrors, Findings, ImportBox, LifetimeControl, MediaPanel, Provenance,
    SharePanel, SharedReport, VerdictBanner,
};
use state::{Msg, Phase, RowState, State};

/// The camera and microphone streams of a running media test, shown live.
struct Preview {
    video: UseStateHandle<Option<MediaStream>>,
    audio: UseStateHandle<Option<MediaStream>>,
}

/// How often running checks' elapsed time is refreshed.
const TICK_MS: u32 = 250;

#[component]
pub fn App() -> Html {
    let state = use_reducer(State::default);
    // Ids of a shared report this page does not know; kept beside the
    // reducer so that a live run never touches anything of the shared view.
    let not_understood = use_state(Vec::<String>::new);
    let preview = Preview {
        video: use_state(|| None),
        audio: use_state(|| None),
    };

    {
        let dispatch = state.dispatcher();
        let not_understood = not_understood.setter();
        use_effect_with((), move |_| {
            if !open_fragment(&dispatch, &not_understood) {
                spawn_local(run::run_all(dispatch.clone()));
            }
            // A report link pasted into a tab already on this page changes
            // only the fragment: no reload, so listen for it.
            let listener =
                gloo_events::EventListener::new(&browser::window(), "hashchange", move |_| {
                    open_fragment(&dispatch, &not_understood);
                });
            move || drop(listener)
        });
    }
    {
        let dispatch = state.dispatcher();
        let view = if state.shared.is_some() || state.import_error.is_some() {
            "shared"
        } else {
            "live"
        };
        use_effect_with(
            (state.phase, view, state.reports),
            move |(phase, view, reports)| {
                set_body_state(*phase, view, *reports);
                let ticker = (*phase == Phase::Running).then(|| {
                    Interval::new(TICK_MS, move || {
                        dispatch.dispatch(Msg::Tick(browser::now_ms()))
                    })
                });
                move || drop(ticker)
            },
        );
    }

    let on_open = {
        let dispatch = state.dispatcher();
        let not_understood = not_understood.setter();
        Callback::from(move |shared: Rc<share::Shared>| {
            not_understood.set(shared.not_understood.clone());
            dispatch.dispatch(Msg::OpenShared(Rc::new(shared.report.clone())))
        })
    };
    let raw = html! {
        <details class="raw-report">
            <summary>{ "Full report (JSON)" }</summary>
            <pre id="report-json">{ &*state.report_json }</pre>
        </details>
    };

    if let Some(report) = &state.shared {
        // From the shared report itself: a live run that finishes later
        // must not replace what is shown under the Shared report banner.
        let json = report.pretty_json();
        return html! {
            <main class="conncheck">
                <h1>{ "Connection check" }</h1>
                <SharedReport report={report.clone()} not_understood={(*not_understood).clone()} />
                <details class="raw-report">
                    <summary>{ "Full report (JSON)" }</summary>
                    <pre id="report-json">{ json }</pre>
                </details>
            </main>
        };
    }
    if let Some(error) = &state.import_error {
        return html! {
            <main class="conncheck">
                <h1>{ "Connection check" }</h1>
                <ImportBox {on_open} error={Some(AttrValue::from(error.to_string()))} />
                <p><a href="./">{ "Run the connection check in this browser" }</a></p>
            </main>
        };
    }
    live_view(&state, on_open, raw, &preview)
}

fn live_view(
    state: &UseReducerHandle<State>,
    on_open: Callback<Rc<share::Shared>>,
    raw: Html,
    preview: &Preview,
) -> Html {
    let on_media = {
        let dispatch = state.dispatcher();
        let (video, audio) = (preview.video.clone(), preview.audio.clone());
        Callback::from(move |()| {
            let (video, audio) = (video.clone(), audio.clone());
            let sink: driver::MediaSink = Rc::new(move |kind, stream| match kind {
                MediaKind::Video => video.set(stream),
                MediaKind::Audio => audio.set(stream),
            });
            spawn_local(run::run_media(dispatch.clone(), sink));
        })
    };
    let on_lifetime = {
        let dispatch = state.dispatcher();
        let effective = state.effective.clone();
        Callback::from(move |()| {
            if let Some(config) = effective.clone() {
                spawn_local(run::run_lifetime(config, dispatch.clone()));
            }
        })
    };
    let on_run_again = {
        let dispatch = state.dispatcher();
        Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(Msg::Reset);
            spawn_local(run::run_all(dispatch.clone()));
        })
    };
    let on_note = {
        let dispatch = state.dispatcher();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() {
                dispatch.dispatch(Msg::Note(area.value()));
            }
        })
    };
    let hold_s = lifetime::hold_s(state.effective.as_deref().map_or(0, |c| c.lifetime_s));
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
    let running = state.phase == Phase::Running;
    let user_busy = !state.user_may_start();
    let lifetime_busy = user_busy
        || state.checks.iter().any(|r| {
            r.id == conncheck_core::catalog::CheckId::ConnectionLifetime
                && matches!(r.state, RowState::Running { .. })
        });
    let finished = state
        .checks
        .iter()
        .filter(|r| matches!(r.state, RowState::Finished(_)))
        .count();
    let progress = if state.report.is_none() {
        format!("{finished} of {} checks finished.", state.checks.len())
    } else if running {
        "The report is ready; some checks go on observing the connection.".to_owned()
    } else {
        "All checks finished.".to_owned()
    };
    // Origin and path only: the query may carry what the user was given.
    let page_url = AttrValue::from(browser::page_without_query());
    html! {
        <main class="conncheck">
            <header>
                <h1>{ "Connection check" }</h1>
                <VerdictBanner report={state.report.clone()} />
                <p class="sr-only" aria-live="polite">{ progress }</p>
            </header>
            { for state.config.as_ref().map(|c| html! { <Provenance config={(**c).clone()} /> }) }
            <ConfigErrors errors={config_errors} />
            { for state.report.clone().map(|report| html! { <SharePanel {report} {page_url} /> }) }
            <section class="note">
                <label for="user-note">{ "Describe the problem in your own words (optional, included in the report)" }</label>
                <textarea id="user-note" rows="3" maxlength={conncheck_core::report::MAX_USER_NOTE_CHARS.to_string()}
                    value={state.note.to_string()} oninput={on_note} />
            </section>
            <section class="checks">
                <h2>{ "Checks" }</h2>
                <ul>
                    { for state.checks.iter().map(|row| html! {
                        <CheckCard key={row.id.as_str()} row={row.clone()} now_ms={state.now_ms} />
                    }) }
                </ul>
            </section>
            <div class="actions">
                <button type="button" data-action="run-again" disabled={running} onclick={on_run_again}>{ "Run again" }</button>
            </div>
            <MediaPanel busy={user_busy} on_start={on_media} video={(*preview.video).clone()} audio={(*preview.audio).clone()} />
            <LifetimeControl {hold_s} busy={lifetime_busy} on_start={on_lifetime} />
            <Findings {findings} />
            { raw }
            <ImportBox {on_open} />
        </main>
    }
}

/// Opens the report in the address's `#report=` fragment, if there is one.
fn open_fragment(
    dispatch: &UseReducerDispatcher<State>,
    not_understood: &UseStateSetter<Vec<String>>,
) -> bool {
    let hash = browser::location_hash();
    if !hash.starts_with(FRAGMENT_KEY) {
        return false;
    }
    match share::decode_shared(&hash) {
        Ok(shared) => {
            not_understood.set(shared.not_understood);
            dispatch.dispatch(Msg::OpenShared(Rc::new(shared.report)))
        }
        Err(e) => dispatch.dispatch(Msg::ImportFailed(format!(
            "The report link cannot be opened: {e}."
        ))),
    }
    true
}

/// The automation hooks `<body data-conncheck-state>`, `data-conncheck-view`
/// (`live` or `shared`) and `data-conncheck-reports` (how many complete
/// reports `#report-json` has held: at least 1 once the first is there,
/// even while the state is `running` again for a later observation).
fn set_body_state(phase: Phase, view: &str, reports: u32) {
    if let Some(body) = browser::window().document().and_then(|d| d.body()) {
        let _ = body.set_attribute("data-conncheck-state", phase.as_str());
        let _ = body.set_attribute("data-conncheck-view", view);
        let _ = body.set_attribute("data-conncheck-reports", &reports.to_string());
    }
}
