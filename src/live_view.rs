//! The live run's view: verdict, where the configuration came from, the
//! share panel, the user's description, every check's card, the tests the
//! user starts, the findings and the complete report JSON.

use std::rc::Rc;

use conncheck_core::checks::lifetime;
use conncheck_core::config::ReportConfig;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::channel::spawn;
use crate::components::{
    check_card, config_errors, findings, lifetime_control, media_panel, provenance, share_panel,
    verdict_banner,
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
        Callback::from(move |_: MouseEvent| {
            let preview = dispatch.clone();
            let sink: driver::MediaSink =
                Rc::new(move |kind, stream| preview.dispatch(Msg::Preview { kind, stream }));
            spawn(run::run_media(dispatch.clone(), sink));
        })
    };
    let on_lifetime = {
        let dispatch = state.dispatcher();
        let effective = state.config.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(config) = effective.clone() {
                spawn(run::run_lifetime(config, dispatch.clone()));
            }
        })
    };
    let on_run_again = {
        let dispatch = state.dispatcher();
        Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(Msg::Reset);
            spawn(run::run_all(dispatch.clone()));
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
                { verdict_banner(state.view.as_deref()) }
                <p class="sr-only" aria-live="polite">{ progress }</p>
            </header>
            { for report_config.map(|config| provenance(&config, false)) }
            { config_errors(state.config.as_ref().map_or(&[], |c| &c.errors), false) }
            { for published.as_ref().map(|published| share_panel(published, &state.share, &state.dispatcher(), &copy_now)) }
            <section class="note">
                <label for="user-note">{ "Describe the problem in your own words (optional, included in the report)" }</label>
                <textarea id="user-note" rows="3" maxlength={conncheck_core::report::MAX_USER_NOTE_CHARS.to_string()}
                    value={state.note.to_string()} oninput={on_note} onblur={on_leave_note} />
            </section>
            <section class="checks">
                <h2>{ "Checks" }</h2>
                <ul>
                    { for state.checks.iter().map(|row| check_card(row, state.now_ms)) }
                </ul>
            </section>
            <div class="actions">
                <button type="button" data-action="run-again" disabled={running} onclick={on_run_again}>{ "Run again" }</button>
            </div>
            { media_panel(user_busy, on_media, state.preview.video.clone(), state.preview.audio.as_ref().map(|_| state.preview.mic_level)) }
            { lifetime_control(hold_s, lifetime_busy, on_lifetime) }
            { findings(
                state.view.as_ref().map_or(&[], |v| &v.findings),
                None,
                published.as_ref().map(|p| &*p.link),
            ) }
            { raw_report(&json) }
            { import }
        </main>
    }
}
