//! conncheck's page: finds out from inside the user's browser why a realtime
//! app does not work for them, and ends in a report to hand to support.
//!
//! `App` runs the automatic checks once on load, or, when the address holds
//! `#report=`, shows that shared report instead: the support view, a second
//! wasm module loaded only then (`support_loader`, `support_app`). The
//! checks themselves are pure state machines in `conncheck-core`; `driver`
//! carries out their actions here.

pub mod browser;
pub mod components;
pub mod deflate;
pub mod driver;
pub mod inflate;
pub mod media_io;
pub mod net_io;
pub mod qr;
pub mod qr_loader;
pub mod run;
pub mod state;
pub mod support_app;
pub mod support_loader;

use std::rc::Rc;

use conncheck_core::checks::lifetime;
use conncheck_core::config::ReportConfig;
use conncheck_core::share::FRAGMENT_KEY;
use gloo_timers::callback::{Interval, Timeout};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use components::{
    CheckCard, ConfigErrors, Findings, ImportBox, LifetimeControl, MediaPanel, Provenance,
    SharePanel, VerdictBanner,
};
use state::{Derived, Msg, Phase, Published, RowState, State};
use support_loader::NotOpened;

/// How often running checks' elapsed time is refreshed.
const TICK_MS: u32 = 250;
/// The pause in typing after which the report (JSON, copy text, link, QR
/// code) takes the description; leaving the field takes it at once.
const NOTE_SETTLE_MS: u32 = 300;

/// Where the support view (the second wasm module) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Support {
    Idle,
    /// A `#report=` link is being opened: the page waits for it.
    OpeningLink,
    /// A pasted report is being opened: the import box waits for it.
    OpeningPaste,
    /// The support view shows a shared report; this app shows nothing.
    Shown,
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(State::default);
    let support = use_state_eq(|| Support::Idle);
    // Why the report pasted into the import box was not opened.
    let paste_error = use_state_eq(|| None::<AttrValue>);
    // What is derived from the state (the report's JSON, copy text, link),
    // built once per change of its sources (`conncheck_core::page::Derived`).
    let derived = use_mut_ref(Derived::default);
    let deflated = deflate::use_deflated(&state);
    // Origin and path only: the query may carry what the user was given.
    let page_url = browser::page_without_query();
    let published = derived
        .borrow_mut()
        .live_deflated(&state, &page_url, deflated.as_deref());
    // The hooks count a report, and say `done`, once its copy text and link
    // are built too: what a script reads then is complete.
    let shown_reports = use_mut_ref(|| 0u32);
    let link_ready = derived.borrow().is_current(&state);
    if link_ready {
        *shown_reports.borrow_mut() = state.reports;
    }
    let shown_reports = *shown_reports.borrow();
    let report_config = {
        let state = state.clone();
        use_memo(state.config.clone(), move |_| state.report_config())
    };

    {
        let dispatch = state.dispatcher();
        let support = support.clone();
        use_effect_with((), move |_| {
            if !open_fragment(&dispatch, &support) {
                spawn_local(run::run_all(dispatch.clone()));
            }
            // A report link pasted into a tab already on this page changes
            // only the fragment: no reload, so listen for it.
            let listener =
                gloo_events::EventListener::new(&browser::window(), "hashchange", move |_| {
                    open_fragment(&dispatch, &support);
                });
            move || drop(listener)
        });
    }
    {
        // The description reaches the derived values once typing pauses:
        // each keystroke restarts the wait.
        let dispatch = state.dispatcher();
        let pending = state.settled != state.revision;
        use_effect_with(state.revision, move |_| {
            let timer = pending
                .then(|| Timeout::new(NOTE_SETTLE_MS, move || dispatch.dispatch(Msg::Settle)));
            move || drop(timer)
        });
    }
    {
        let dispatch = state.dispatcher();
        let view = if *support == Support::Shown || state.import_error.is_some() {
            "shared"
        } else {
            "live"
        };
        // While the support view opens, the page is busy; once it shows,
        // done, whatever a live run still does behind it.
        let shown_phase = match *support {
            Support::OpeningLink | Support::OpeningPaste => Phase::Running,
            Support::Shown => Phase::Done,
            Support::Idle if !link_ready => Phase::Running,
            Support::Idle => state.phase,
        };
        use_effect_with(
            (state.phase, shown_phase, view, shown_reports),
            move |(phase, shown_phase, view, reports)| {
                set_body_state(*shown_phase, view, *reports);
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
        let (support, paste_error) = (support.clone(), paste_error.clone());
        Callback::from(move |text: String| {
            let (support, paste_error) = (support.clone(), paste_error.clone());
            support.set(Support::OpeningPaste);
            spawn_local(async move {
                match support_loader::open(&text).await {
                    Ok(()) => support.set(Support::Shown),
                    Err(why) => {
                        let why = match why {
                            NotOpened::Refused(why) => why,
                            NotOpened::Unavailable => support_loader::UNAVAILABLE.to_owned(),
                        };
                        paste_error
                            .set(Some(format!("This report cannot be opened: {why}.").into()));
                        support.set(Support::Idle);
                    }
                }
            });
        })
    };
    let busy = *support == Support::OpeningPaste;

    match *support {
        // The support view, after `#app`, shows the shared report: a live
        // run that finishes later must not write into or beside it.
        Support::Shown => return Html::default(),
        Support::OpeningLink => {
            return html! {
                <main class="conncheck">
                    <h1>{ "Connection check" }</h1>
                    <p class="verdict running" role="status">{ "Opening the shared report…" }</p>
                </main>
            }
        }
        Support::Idle | Support::OpeningPaste => {}
    }
    if let Some(error) = &state.import_error {
        let error = (*paste_error)
            .clone()
            .or_else(|| Some(AttrValue::from(error.to_string())));
        return html! {
            <main class="conncheck">
                <h1>{ "Connection check" }</h1>
                <ImportBox {on_open} {error} {busy} />
                <p><a href="./">{ "Run the connection check in this browser" }</a></p>
            </main>
        };
    }
    let import = html! { <ImportBox {on_open} error={(*paste_error).clone()} {busy} /> };
    live_view(&state, import, published, report_config.as_ref().clone())
}

/// The complete report JSON (`#report-json`, docs/contracts.md).
pub fn raw_report(json: &str) -> Html {
    html! {
        <details class="raw-report">
            <summary>{ "Full report (JSON)" }</summary>
            <pre id="report-json">{ json }</pre>
        </details>
    }
}

fn live_view(
    state: &UseReducerHandle<State>,
    import: Html,
    published: Option<Rc<Published>>,
    report_config: Option<ReportConfig>,
) -> Html {
    let on_media = {
        let dispatch = state.dispatcher();
        Callback::from(move |()| {
            let preview = dispatch.clone();
            let sink: driver::MediaSink =
                Rc::new(move |kind, stream| preview.dispatch(Msg::Preview { kind, stream }));
            spawn_local(run::run_media(dispatch.clone(), sink));
        })
    };
    let on_lifetime = {
        let dispatch = state.dispatcher();
        let effective = state.config.clone();
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
    let on_leave_note = {
        let dispatch = state.dispatcher();
        let pending = state.settled != state.revision;
        Callback::from(move |_: FocusEvent| {
            if pending {
                dispatch.dispatch(Msg::Settle);
            }
        })
    };
    let hold_s = lifetime::hold_s(state.config.as_deref().map_or(0, |c| c.lifetime_s));
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
    let json = published
        .as_ref()
        .map(|p| p.json.clone())
        .unwrap_or_default();
    html! {
        <main class="conncheck">
            <header>
                <h1>{ "Connection check" }</h1>
                <VerdictBanner report={state.report.clone()} />
                <p class="sr-only" aria-live="polite">{ progress }</p>
            </header>
            { for report_config.map(|config| html! { <Provenance {config} /> }) }
            <ConfigErrors errors={config_errors} />
            { for published.map(|published| html! { <SharePanel {published} /> }) }
            <section class="note">
                <label for="user-note">{ "Describe the problem in your own words (optional, included in the report)" }</label>
                <textarea id="user-note" rows="3" maxlength={conncheck_core::report::MAX_USER_NOTE_CHARS.to_string()}
                    value={state.note.to_string()} oninput={on_note} onblur={on_leave_note} />
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
            <MediaPanel busy={user_busy} on_start={on_media} video={state.preview.video.clone()} audio={state.preview.audio.clone()} />
            <LifetimeControl {hold_s} busy={lifetime_busy} on_start={on_lifetime} />
            <Findings {findings} />
            { raw_report(&json) }
            { import }
        </main>
    }
}

/// Opens the report in the address's `#report=` fragment, if there is one,
/// in the support view.
fn open_fragment(
    dispatch: &UseReducerDispatcher<State>,
    support: &UseStateHandle<Support>,
) -> bool {
    let hash = browser::location_hash();
    if !hash.starts_with(FRAGMENT_KEY) {
        return false;
    }
    support.set(Support::OpeningLink);
    let (dispatch, support) = (dispatch.clone(), support.clone());
    spawn_local(async move {
        match support_loader::open(&hash).await {
            Ok(()) => support.set(Support::Shown),
            Err(why) => {
                let why = match why {
                    NotOpened::Refused(why) => why,
                    NotOpened::Unavailable => support_loader::UNAVAILABLE.to_owned(),
                };
                dispatch.dispatch(Msg::ImportFailed(format!(
                    "The report link cannot be opened: {why}."
                )));
                support.set(Support::Idle);
            }
        }
    });
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
