//! One automatic run: load the configuration, start every check at once,
//! and assemble the report when the last one finishes.

use std::rc::Rc;

use conncheck_core::catalog::CheckId;
use conncheck_core::checks::lifetime::DEFAULT_ON_DEMAND_S;
use conncheck_core::checks::{self, BrowserFacts};
use conncheck_core::config::{self, Config, FileLoad, ReportConfig};
use conncheck_core::report::{Page, Report};
use futures::future::join_all;
use url::Url;
use yew::UseReducerDispatcher;

use crate::browser::{self, TextFetch};
use crate::driver;
use crate::state::{Msg, State};

pub const CONFIG_FILE: &str = "conncheck.json";
const CONFIG_TIMEOUT_MS: u32 = 5_000;

pub async fn run_all(dispatch: UseReducerDispatcher<State>) {
    let href = browser::location_href();
    // The browser's own location always parses; the fallback only keeps a
    // broken environment from panicking.
    let page_url = Url::parse(&href).unwrap_or_else(|_| fallback_url());
    let config = load_config(&page_url).await;
    let facts = BrowserFacts {
        page_url: page_url.clone(),
        secure_context: browser::is_secure_context(),
    };
    let checks = checks::automatic(&config, &facts);
    let report_config = ReportConfig::from(&config);
    let planned = checks
        .iter()
        .map(|c| (c.id(), expected_ms(c.id(), &config)))
        .collect();
    dispatch.dispatch(Msg::Planned {
        config: report_config.clone(),
        effective: Rc::new(config),
        checks: planned,
    });

    let runs = checks.into_iter().enumerate().map(|(index, check)| {
        let dispatch = dispatch.clone();
        async move {
            dispatch.dispatch(Msg::Started {
                index,
                at_ms: browser::now_ms(),
            });
            let result = driver::run(check).await;
            dispatch.dispatch(Msg::Finished {
                index,
                check: result.clone(),
            });
            result
        }
    });
    let results = join_all(runs).await;

    let page = Page {
        origin: page_url.origin().ascii_serialization(),
        path: page_url.path().to_owned(),
        secure_context: facts.secure_context,
    };
    let report = Report::assemble(
        env!("CARGO_PKG_VERSION"),
        browser::iso_now(),
        page,
        report_config,
        browser::environment(),
        results,
    );
    dispatch.dispatch(Msg::Completed(report));
}

/// The user-started connection lifetime test.
pub async fn run_lifetime(config: Rc<Config>, dispatch: UseReducerDispatcher<State>) {
    let check = checks::lifetime_on_demand(&config);
    let hold_s = if config.lifetime_s > 0 {
        config.lifetime_s
    } else {
        DEFAULT_ON_DEMAND_S
    };
    dispatch.dispatch(Msg::UserStarted {
        id: check.id(),
        at_ms: browser::now_ms(),
        expected_ms: Some(hold_s as f64 * 1000.0),
    });
    let result = driver::run(check).await;
    dispatch.dispatch(Msg::UserFinished(result));
}

/// The user-started camera and microphone test; streams go to `sink` for
/// the preview while they live.
pub async fn run_media(dispatch: UseReducerDispatcher<State>, sink: driver::MediaSink) {
    let facts = BrowserFacts {
        page_url: Url::parse(&browser::location_href()).unwrap_or_else(|_| fallback_url()),
        secure_context: browser::is_secure_context(),
    };
    let check = checks::media_on_demand(&facts);
    dispatch.dispatch(Msg::UserStarted {
        id: check.id(),
        at_ms: browser::now_ms(),
        expected_ms: None,
    });
    let result = driver::run_observed(check, sink).await;
    dispatch.dispatch(Msg::UserFinished(result));
}

fn fallback_url() -> Url {
    Url::parse("http://invalid.invalid/").expect("literal URL")
}

fn expected_ms(id: CheckId, config: &Config) -> Option<f64> {
    (id == CheckId::ConnectionLifetime).then_some(config.lifetime_s as f64 * 1000.0)
}

async fn load_config(page_url: &Url) -> Config {
    let file = match browser::fetch_text(CONFIG_FILE, CONFIG_TIMEOUT_MS).await {
        TextFetch::Ok {
            status: 200..=299,
            body,
        } => FileLoad::Loaded(body),
        TextFetch::Ok { status: 404, .. } => FileLoad::NotFound,
        TextFetch::Ok { status, .. } => FileLoad::Failed(format!("HTTP {status}")),
        TextFetch::Failed(message) => FileLoad::Failed(message),
        TextFetch::TimedOut => {
            FileLoad::Failed(format!("no answer within {} s", CONFIG_TIMEOUT_MS / 1000))
        }
    };
    config::resolve(page_url, &file, &browser::location_search())
}
