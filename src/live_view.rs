//! The live run's view: verdict, where the configuration came from, the
//! share panel, the user's description, every check's card, the tests the
//! user starts, the findings and the complete report JSON.

use std::rc::Rc;

use conncheck_core::checks::lifetime;
use conncheck_core::config::ReportConfig;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::components::{
    CheckCard, ConfigErrors, Findings, LifetimeControl, MediaPanel, Provenance, SharePanel,
    VerdictBanner,
};
use crate::state::{Msg, Phase, Published, RowState, State};
use crate::{driver, raw_report, run};

pub fn live_view(
    state: &UseReducerHandle<State>,
    import: Html,
    published: Option<Rc<Published>>,
    copy_now: Callback<(), Option<Rc<Published>>>,
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
            { for published.map(|published| html! { <SharePanel {published} copy_now={copy_now.clone()} /> }) }
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
