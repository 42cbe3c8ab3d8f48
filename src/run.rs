//! One automatic run: load the configuration, start the checks, and publish
//! the report as soon as every check has finished or said what it knows.
//!
//! The checks that share the browser's cookie jar with the Socket.IO
//! endpoint wait for its first answer (the handshake check tells when it is
//! in): a balancer that sets an affinity cookie on the first answer without
//! one (ingress-nginx, HAProxy `insert`, GKE `GENERATED_COOKIE`) would give
//! concurrent cookieless requests different cookies, the last one would win
//! the jar, and sessions opened by the others would reach the wrong
//! backend: a fault the real app, which handshakes once, does not have.
//! Observations whose length depends on the server (the first ping after an
//! upgrade, a configured lifetime, sticky-session's pod count, the
//! cross-pod probe) go on after the report is published, and update it when
//! they end. The cross-pod probe starts only once sticky-session has ended:
//! two chains of cookieless sessions retrying at once could, under round
//! robin, each keep missing their pod.

use std::rc::Rc;

use conncheck_core::catalog::CheckId;
use conncheck_core::checks::{self, AnyCheck, BrowserFacts};
use conncheck_core::config::{self, Config, FileLoad, ReportConfig};
use conncheck_core::report::{Page, Report, ReportCheck};
use conncheck_core::weburl::Url;
use yew::UseReducerDispatcher;

use crate::browser::{self, TextFetch};
use crate::channel::{channel, spawn, Gate};
use crate::driver::{self, ProgressSink, Reported};
use crate::state::{Msg, State};

pub const CONFIG_FILE: &str = "conncheck.json";
const CONFIG_TIMEOUT_MS: u32 = 5_000;

/// Opens when dropped: a run that ends, however it ends, lets what waits
/// for it go on.
struct OpenOnDrop(Gate);

impl Drop for OpenOnDrop {
    fn drop(&mut self) {
        self.0.open();
    }
}

/// Which checks set the gate's moment, and which wait for it (the checks
/// observed after the report never meet the gate).
fn gate_role(id: CheckId) -> (bool, bool) {
    match id {
        CheckId::SocketioHandshake => (true, false),
        CheckId::Websocket
        | CheckId::SocketioUpgrade
        | CheckId::StickySession
        | CheckId::AffinityCookie => (false, true),
        CheckId::SecureContext
        | CheckId::Media
        | CheckId::Webrtc
        | CheckId::ConnectionLifetime
        | CheckId::CrossPod => (false, false),
    }
}

/// A check's report entry: what it knew when the report was published, or
/// its end.
enum Entry {
    Interim(usize, ReportCheck),
    Final(usize, ReportCheck),
}

pub async fn run_all(dispatch: UseReducerDispatcher<State>) {
    let facts = browser_facts();
    let page_url = &facts.page_url;
    let config = Rc::new(load_config(page_url).await);
    let checks = checks::automatic(&config, &facts);
    let report_config = ReportConfig::from(&*config);
    let planned = checks.iter().map(|c| (c.id(), None)).collect();
    dispatch.dispatch(Msg::Planned {
        effective: config.clone(),
        checks: planned,
    });

    // Opens once the cookie jar holds whatever the endpoint's first answer
    // set; the checks that share the jar wait for it.
    let gate = Gate::default();
    if !checks.iter().any(|c| gate_role(c.id()).0) {
        gate.open(); // nothing would open it
    }
    let (tx, mut entries) = channel();
    let count = checks.len();
    for (index, check) in checks.into_iter().enumerate() {
        let (dispatch, gate, tx) = (dispatch.clone(), gate.clone(), tx.clone());
        spawn(async move {
            let (opens_gate, waits) = gate_role(check.id());
            if waits {
                gate.wait().await;
            }
            dispatch.dispatch(Msg::Started {
                index,
                at_ms: browser::now_ms(),
            });
            let progress: ProgressSink = {
                let (gate, tx) = (gate.clone(), tx.clone());
                Rc::new(move |reported| match reported {
                    Reported::CookieJarSettled => gate.open(),
                    Reported::Interim(check) => {
                        let _ = tx.send(Entry::Interim(index, check));
                    }
                })
            };
            let result = driver::run_reporting(check, progress).await;
            if opens_gate {
                gate.open();
            }
            let _ = tx.send(Entry::Final(index, result));
        });
    }
    drop(tx);

    // Opened by sticky-session's end, or by the end of this run.
    let sticky_ended = OpenOnDrop(Gate::default());
    let mut first: Vec<Option<ReportCheck>> = vec![None; count];
    let mut observing = vec![false; count];
    let mut published = false;
    while let Some(entry) = entries.next().await {
        if let Entry::Final(_, check) = &entry {
            if check.id == CheckId::StickySession {
                sticky_ended.0.open();
            }
        }
        match entry {
            Entry::Interim(index, check) if !published => {
                observing[index] = true;
                dispatch.dispatch(Msg::Finished {
                    index,
                    check: check.clone(),
                });
                first[index] = Some(check);
            }
            Entry::Interim(..) => {}
            Entry::Final(index, check) if published => {
                if observing[index] {
                    dispatch.dispatch(Msg::Observed(check));
                }
            }
            Entry::Final(index, check) => {
                observing[index] = false;
                dispatch.dispatch(Msg::Finished {
                    index,
                    check: check.clone(),
                });
                first[index] = Some(check);
            }
        }
        if published || first.iter().any(Option::is_none) {
            continue;
        }
        published = true;
        let page = Page {
            origin: page_url.origin(),
            path: page_url.path().to_owned(),
            secure_context: facts.secure_context,
        };
        let report = Report::assemble(
            env!("CARGO_PKG_VERSION"),
            browser::iso_now(),
            page,
            report_config.clone(),
            browser::environment(),
            first.iter().flatten().cloned().collect(),
        );
        dispatch.dispatch(Msg::Completed(report));
        for (index, check) in first.iter().enumerate() {
            if let (true, Some(check)) = (observing[index], check) {
                dispatch.dispatch(Msg::Observing {
                    id: check.id,
                    at_ms: None,
                    expected_ms: None,
                });
            }
        }
        // Neither a configured lifetime nor the cross-pod probe (as long
        // as the pods' count makes it) holds the report back.
        if config.lifetime_s > 0 {
            let (check, hold_ms) = lifetime_check(&config);
            observe(check, Some(hold_ms), None, &dispatch);
        }
        let handshake_passed = first.iter().flatten().any(|c| {
            c.id == CheckId::SocketioHandshake && c.status == conncheck_core::check::Status::Pass
        });
        if let Some(check) = checks::cross_pod(&config, browser::random_seed(), handshake_passed) {
            observe(check, None, Some(sticky_ended.0.clone()), &dispatch);
        }
    }
}

/// Observes a check after the report, which it updates when it ends. The
/// state goes back to `running` in the same turn as the report, before the
/// page renders it, and stays there while the check waits for `after`.
fn observe(
    check: AnyCheck,
    expected_ms: Option<f64>,
    after: Option<Gate>,
    dispatch: &UseReducerDispatcher<State>,
) {
    dispatch.dispatch(Msg::Observing {
        id: check.id(),
        at_ms: Some(browser::now_ms()),
        expected_ms,
    });
    let dispatch = dispatch.clone();
    spawn(async move {
        if let Some(after) = after {
            after.wait().await;
        }
        let result = driver::run(check).await;
        dispatch.dispatch(Msg::Observed(result));
    });
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
