//! conncheck's page: finds out from inside the user's browser why a realtime
//! app does not work for them, and ends in a report to hand to support.
//!
//! `App` runs the automatic checks once on load, or, when the address holds
//! `#report=`, shows that shared report instead: the support view, a second
//! wasm module loaded only then (`support_loader`, `support_app`). The
//! checks themselves are pure state machines in `conncheck-core`; `driver`
//! carries out their actions here.

pub mod browser;
pub mod channel;
pub mod components;
pub mod deflate;
pub mod driver;
pub mod effect;
pub mod inflate;
pub mod live_view;
pub mod media_io;
pub mod net_io;
pub mod qr;
pub mod qr_loader;
pub mod run;
pub mod share_hooks;
pub mod state;
pub mod support_app;
pub mod support_loader;

// talc in place of std's dlmalloc: smaller code, same behaviour.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use conncheck_core::share::FRAGMENT_KEY;
use gloo_timers::callback::{Interval, Timeout};
use yew::prelude::*;

use channel::spawn;
use components::import_box;
use components::media_panel::MicMeter;
use conncheck_core::page::Support;
use effect::{cleanup, use_keyed_effect};
use state::{Derived, Msg, Phase, State};
use support_loader::NotOpened;

/// How often running checks' elapsed time is refreshed.
const TICK_MS: u32 = 250;
/// The pause in typing after which the report (JSON, copy text, link, QR
/// code) takes the description; leaving the field takes it at once.
const NOTE_SETTLE_MS: u32 = 300;

thread_local! {
    /// What is derived from the page's state (the report's JSON, copy
    /// text, link), built once per change of its sources
    /// (`conncheck_core::page::Derived`): the page's one app keeps it here
    /// rather than in a hook, which would cost its wasm more.
    static DERIVED: std::cell::RefCell<Derived> = Default::default();
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(State::default);
    // Origin and path only: the query may carry what the user was given.
    let page_url = browser::page_without_query();
    // The hooks count a report, and say `done`, once its copy text and link
    // are built too: what a script reads then is complete.
    let (published, builds, link_ready, shown_reports) = DERIVED.with_borrow_mut(|derived| {
        let published = derived.live_deflated(&state, &page_url, state.deflated.as_deref());
        let link_ready = derived.is_current(&state);
        (
            published,
            derived.builds(),
            link_ready,
            derived.reports_shown(&state),
        )
    });
    share_hooks::use_share_effects(&state, published.as_ref(), builds);

    {
        let dispatch = state.dispatcher();
        use_keyed_effect(
            0u64,
            Box::new(move |_| {
                if !open_fragment(&dispatch) {
                    spawn(run::run_all(dispatch.clone()));
                }
                // A report link pasted into a tab already on this page changes
                // only the fragment: no reload, so listen for it.
                let listener =
                    gloo_events::EventListener::new(&browser::window(), "hashchange", move |_| {
                        open_fragment(&dispatch);
                    });
                cleanup(move || drop(listener))
            }),
        );
    }
    {
        // The microphone's level, measured while its stream lives.
        let dispatch = state.dispatcher();
        // A media test has one microphone stream at a time: a new one comes
        // only after the last is gone, so its presence is the key.
        let stream = state.preview.audio.clone();
        use_keyed_effect(
            u64::from(stream.is_some()),
            Box::new(move |_| {
                let meter = stream.as_ref().and_then(|stream| {
                    MicMeter::start(stream, move |level| dispatch.dispatch(Msg::MicLevel(level)))
                });
                cleanup(move || drop(meter))
            }),
        );
    }
    {
        // The description reaches the derived values once typing pauses:
        // each keystroke restarts the wait.
        let dispatch = state.dispatcher();
        let pending = state.settled != state.revision;
        use_keyed_effect(
            state.revision,
            Box::new(move |_| {
                let timer = pending
                    .then(|| Timeout::new(NOTE_SETTLE_MS, move || dispatch.dispatch(Msg::Settle)));
                cleanup(move || drop(timer))
            }),
        );
    }
    {
        let dispatch = state.dispatcher();
        let view = if state.support == Support::Shown || state.import_error.is_some() {
            "shared"
        } else {
            "live"
        };
        // While the support view opens, the page is busy; once it shows,
        // done, whatever a live run still does behind it.
        let shown_phase = match state.support {
            Support::OpeningLink | Support::OpeningPaste => Phase::Running,
            Support::Shown => Phase::Done,
            Support::Idle if !link_ready => Phase::Running,
            Support::Idle => state.phase,
        };
        let running = state.phase == Phase::Running;
        // All four in one key: the effect runs when any of them changes.
        let key = u64::from(running)
            | u64::from(shown_phase == Phase::Running) << 1
            | u64::from(view == "shared") << 2
            | u64::from(shown_reports) << 3;
        use_keyed_effect(
            key,
            Box::new(move |_| {
                set_body_state(shown_phase, view, shown_reports);
                let ticker = running.then(|| {
                    Interval::new(TICK_MS, move || {
                        dispatch.dispatch(Msg::Tick(browser::now_ms()))
                    })
                });
                cleanup(move || drop(ticker))
            }),
        );
    }

    let on_open = {
        let dispatch = state.dispatcher();
        Callback::from(move |text: String| {
            dispatch.dispatch(Msg::OpeningShared { pasted: true });
            let dispatch = dispatch.clone();
            spawn(async move {
                match support_loader::open(&text).await {
                    Ok(()) => dispatch.dispatch(Msg::SharedShown),
                    Err(why) => dispatch.dispatch(Msg::PasteFailed(format!(
                        "This report cannot be opened: {}.",
                        not_opened(why)
                    ))),
                }
            });
        })
    };
    let busy = state.support == Support::OpeningPaste;
    let paste_error = state
        .paste_error
        .as_ref()
        .map(|e| AttrValue::from(e.to_string()));

    match state.support {
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
        let error = paste_error.or_else(|| Some(AttrValue::from(error.to_string())));
        return html! {
            <main class="conncheck">
                <h1>{ "Connection check" }</h1>
                { import_box(&on_open, error, busy) }
                <p><a href="./">{ "Run the connection check in this browser" }</a></p>
            </main>
        };
    }
    let import = import_box(&on_open, paste_error, busy);
    // Copy takes the description as typed so far, even before the pause
    // that settles it: a reducer handle reads the current state (dispatch
    // updates it at once), also in a panel kept from an earlier render.
    let copy_now = {
        let state = state.clone();
        Callback::from(move |()| DERIVED.with_borrow(|d| d.published_now(&state, &page_url)))
    };
    live_view::live_view(&state, import, published, copy_now, state.report_config())
}

/// The complete report JSON (`#report-json`, docs/contracts.md).
pub fn raw_report(json: &str) -> Html {
    html! {
        <details class="raw-report">
            <summary>{ "Full report (JSON)" }</summary>
            <pre id="report-json" class="observed">{ json }</pre>
        </details>
    }
}

/// Opens the report in the address's `#report=` fragment, if there is one,
/// in the support view.
fn open_fragment(dispatch: &UseReducerDispatcher<State>) -> bool {
    let hash = browser::location_hash();
    if !hash.starts_with(FRAGMENT_KEY) {
        return false;
    }
    dispatch.dispatch(Msg::OpeningShared { pasted: false });
    let dispatch = dispatch.clone();
    spawn(async move {
        match support_loader::open(&hash).await {
            Ok(()) => dispatch.dispatch(Msg::SharedShown),
            Err(why) => dispatch.dispatch(Msg::ImportFailed(format!(
                "The report link cannot be opened: {}.",
                not_opened(why)
            ))),
        }
    });
    true
}

/// Why the support view did not open a report, in words.
fn not_opened(why: NotOpened) -> String {
    match why {
        NotOpened::Refused(why) => why,
        NotOpened::Unavailable => support_loader::UNAVAILABLE.to_owned(),
        NotOpened::Failed => support_loader::FAILED.to_owned(),
    }
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
