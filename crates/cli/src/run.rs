//! One run from a terminal: the page's network checks under the page's run
//! rules, until every observation has ended; the result is the settled
//! report (what the page shows once nothing is observed any more).
//!
//! The rules are the page's (src/run.rs), kept the same here until the core
//! holds them: the checks that share the cookie jar with the Socket.IO
//! endpoint (websocket, socketio-upgrade, sticky-session) wait until the
//! handshake check says the jar is settled (or ends), so that a balancer
//! that sets its affinity cookie on a first answer gives one cookie, not
//! one per concurrent request; a check's interim outcome is its entry
//! until the first report is complete, and its final outcome replaces it
//! afterwards; a configured `lifetime` and the cross-pod probe are observed
//! after the first report, the probe only once sticky-session has ended and
//! told "after answers" when the handshake passed.

use std::cell::RefCell;
use std::rc::Rc;

use conncheck_core::catalog::CheckId;
use conncheck_core::check::Status;
use conncheck_core::checks::{self, AnyCheck, BrowserFacts};
use conncheck_core::config::{Config, ReportConfig};
use conncheck_core::report::{Environment, Page, Report, ReportCheck};
use tokio::sync::watch;
use tokio::task::spawn_local;

use crate::driver::{self, Reported};
use crate::net::Net;
use crate::progress::Progress;

/// The page's configuration file, beside its address.
pub const CONFIG_FILE: &str = "conncheck.json";

/// The checks a browser alone can run: listed as not applicable, not run.
pub const BROWSER_ONLY: [CheckId; 4] = [
    CheckId::SecureContext,
    CheckId::AffinityCookie,
    CheckId::Media,
    CheckId::Webrtc,
];

/// Which checks set the jar's moment, and which wait for it.
fn gate_role(id: CheckId) -> (bool, bool) {
    match id {
        CheckId::SocketioHandshake => (true, false),
        CheckId::Websocket | CheckId::SocketioUpgrade | CheckId::StickySession => (false, true),
        _ => (false, false),
    }
}

/// A gate that opens once and stays open.
#[derive(Clone)]
struct Gate(Rc<watch::Sender<bool>>);

impl Gate {
    fn new() -> Gate {
        Gate(Rc::new(watch::channel(false).0))
    }
    fn open(&self) {
        self.0.send_replace(true);
    }
    async fn wait(&self) {
        let _ = self.0.subscribe().wait_for(|open| *open).await;
    }
}

enum Entry {
    Interim(usize, ReportCheck),
    Final(usize, ReportCheck),
}

/// Runs the network checks for `config` and returns the settled report.
pub async fn run(
    config: &Config,
    facts: &BrowserFacts,
    net: &Net,
    seed: u64,
    progress: &Progress,
) -> Report {
    let checks: Vec<AnyCheck> = checks::automatic(config, facts)
        .into_iter()
        .filter(|c| !BROWSER_ONLY.contains(&c.id()))
        .collect();
    let gate = Gate::new();
    if !checks.iter().any(|c| gate_role(c.id()).0) {
        gate.open();
    }
    let sticky_ended = Gate::new();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let count = checks.len();
    for (index, check) in checks.into_iter().enumerate() {
        let (gate, tx, net, progress) = (gate.clone(), tx.clone(), net.clone(), progress.clone());
        spawn_local(async move {
            let (opens_gate, waits) = gate_role(check.id());
            if waits {
                gate.wait().await;
            }
            progress.started(check.id(), check.planned_ms());
            let told = |reported| match reported {
                Reported::CookieJarSettled => gate.open(),
                Reported::Interim(entry) => {
                    let _ = tx.send(Entry::Interim(index, entry));
                }
            };
            let result = driver::run(check, &net, &told).await;
            if opens_gate {
                gate.open();
            }
            let _ = tx.send(Entry::Final(index, result));
        });
    }
    drop(tx);

    let mut first: Vec<Option<ReportCheck>> = vec![None; count];
    let mut observing = vec![false; count];
    let report: Rc<RefCell<Option<Report>>> = Rc::default();
    let mut after = Vec::new();
    while let Some(entry) = rx.recv().await {
        if let Entry::Final(_, check) = &entry {
            progress.finished(check);
            if check.id == CheckId::StickySession {
                sticky_ended.open();
            }
        }
        let published = report.borrow().is_some();
        match entry {
            Entry::Interim(index, check) if !published => {
                observing[index] = true;
                first[index] = Some(check);
            }
            Entry::Interim(..) => {}
            Entry::Final(index, check) if published => {
                if observing[index] {
                    if let Some(r) = report.borrow_mut().as_mut() {
                        r.replace_check(check);
                    }
                }
            }
            Entry::Final(index, check) => {
                observing[index] = false;
                first[index] = Some(check);
            }
        }
        if published || first.iter().any(Option::is_none) {
            continue;
        }
        *report.borrow_mut() = Some(assemble(config, facts, first.iter().flatten().cloned()));
        if config.lifetime_s > 0 {
            let check = checks::lifetime_on_demand(config);
            after.push(observe(check, None, net, progress, &report));
        }
        let handshake_passed = first
            .iter()
            .flatten()
            .any(|c| c.id == CheckId::SocketioHandshake && c.status == Status::Pass);
        if let Some(check) = checks::cross_pod(config, seed, handshake_passed) {
            let after_sticky = Some(sticky_ended.clone());
            after.push(observe(check, after_sticky, net, progress, &report));
        }
    }
    // Nothing still running holds sticky-session's end back.
    sticky_ended.open();
    for task in after {
        let _ = task.await;
    }
    let settled = report.borrow_mut().take();
    // Every check sends its end, so the report was assembled; an empty
    // run (no network check at all) still gives one.
    settled.unwrap_or_else(|| assemble(config, facts, std::iter::empty()))
}

/// Observes a check after the first report, which its end updates.
fn observe(
    check: AnyCheck,
    after: Option<Gate>,
    net: &Net,
    progress: &Progress,
    report: &Rc<RefCell<Option<Report>>>,
) -> tokio::task::JoinHandle<()> {
    let (net, progress, report) = (net.clone(), progress.clone(), report.clone());
    spawn_local(async move {
        if let Some(after) = after {
            after.wait().await;
        }
        progress.started(check.id(), check.planned_ms());
        let result = driver::run(check, &net, &|_| {}).await;
        progress.finished(&result);
        if let Some(r) = report.borrow_mut().as_mut() {
            r.replace_check(result);
        }
    })
}

fn assemble(
    config: &Config,
    facts: &BrowserFacts,
    checks: impl Iterator<Item = ReportCheck>,
) -> Report {
    let url = &facts.page_url;
    Report::assemble(
        env!("CARGO_PKG_VERSION"),
        crate::clock::iso_now(),
        Page {
            origin: url.origin(),
            path: url.path().to_owned(),
            secure_context: facts.secure_context,
        },
        ReportConfig::from(config),
        Environment {
            user_agent: crate::net::user_agent(),
            platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
            languages: Vec::new(),
            online: true,
            connection: None,
        },
        checks.collect(),
    )
}
