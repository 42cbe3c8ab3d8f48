//! The page's driver of one automatic run: it loads the configuration and
//! carries out what the core's run (`conncheck_core::run`, where the run's
//! rules live and are tested) asks for: starts its checks, dispatches what
//! it shows, stamps the report with the browser's time and environment;
//! and feeds back what each check did. Also the user-started tests
//! (`run_lifetime`, `run_media`).

use std::rc::Rc;

use conncheck_core::checks::{self, AnyCheck, BrowserFacts};
use conncheck_core::config::{self, Config, FileLoad};
use conncheck_core::run::{Do, Fed, Run, Stamp};
use conncheck_core::weburl::Url;
use yew::UseReducerDispatcher;

use crate::browser::{self, TextFetch};
use crate::channel::{channel, spawn, Sender};
use crate::driver;
use crate::state::{Msg, State};

pub const CONFIG_FILE: &str = "conncheck.json";
const CONFIG_TIMEOUT_MS: u32 = 5_000;

pub async fn run_all(dispatch: UseReducerDispatcher<State>) {
    let facts = browser_facts();
    let config = Rc::new(load_config(&facts.page_url).await);
    let mut run = Run::new(
        config,
        &facts,
        env!("CARGO_PKG_VERSION"),
        browser::random_seed(),
        browser::now_ms(),
    );
    let (tx, mut fed) = channel();
    loop {
        while let Some(todo) = run.poll() {
            match todo {
                Do::Start { slot, check } => spawn(perform(slot, check, tx.clone())),
                Do::Show(msg) => dispatch.dispatch(msg),
                Do::Stamp => {
                    let stamp = Stamp {
                        created_at: browser::iso_now(),
                        environment: browser::environment(),
                    };
                    run.stamped(stamp, browser::now_ms());
                }
            }
        }
        if run.done() {
            break;
        }
        match fed.next().await {
            Some(fed) => run.handle(fed, browser::now_ms()),
            None => break,
        }
    }
}

/// Runs one check the run started, and feeds back what it does.
async fn perform(slot: usize, check: AnyCheck, tx: Sender<Fed>) {
    let check = driver::run_reporting(check, (slot, tx.clone())).await;
    let _ = tx.send(Fed::Finished { slot, check });
}

/// The user-started connection lifetime test.
pub async fn run_lifetime(config: Rc<Config>, dispatch: UseReducerDispatcher<State>) {
    let (check, hold_ms) = lifetime_check(&config);
    dispatch.dispatch(Msg::UserStarted {
        id: check.id(),
        at_ms: browser::now_ms(),
        expected_ms: Some(hold_ms),
    });
    let result = driver::run(check).await;
    dispatch.dispatch(Msg::UserFinished(result));
}

/// The user-started camera and microphone test; streams go to `sink` for
/// the preview while they live.
pub async fn run_media(dispatch: UseReducerDispatcher<State>, sink: driver::MediaSink) {
    let check = checks::media_on_demand(&browser_facts());
    dispatch.dispatch(Msg::UserStarted {
        id: check.id(),
        at_ms: browser::now_ms(),
        expected_ms: None,
    });
    let result = driver::run_observed(check, sink).await;
    dispatch.dispatch(Msg::UserFinished(result));
}

/// The lifetime check as the configuration asks for it, and how long it
/// holds the connection (the check's own hold time, in ms).
fn lifetime_check(config: &Config) -> (AnyCheck, f64) {
    let check = checks::lifetime_on_demand(config);
    let hold_ms = check.planned_ms() as f64;
    (check, hold_ms)
}

/// What the page knows about itself before any check runs.
fn browser_facts() -> BrowserFacts {
    // The browser's own location always parses; the fallback only keeps a
    // broken environment from panicking.
    let page_url = Url::parse(&browser::location_href())
        .unwrap_or_else(|_| Url::parse("http://invalid.invalid/").expect("literal URL"));
    BrowserFacts {
        page_url,
        secure_context: browser::is_secure_context(),
    }
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
