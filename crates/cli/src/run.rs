//! One run from a terminal: the core's run (`conncheck_core::run::Run`,
//! where the page's run rules live and are tested) over the network
//! checks, carried out with the native driver until every observation has
//! ended; the result is the settled report (what the page shows once
//! nothing is observed any more). This file decides nothing: it starts what
//! the run asks, keeps the report it publishes and what is observed after
//! it, stamps the report with this machine's time and environment, and
//! feeds back what each check did.

use std::rc::Rc;

use conncheck_core::catalog::CheckId;
use conncheck_core::checks::{self, AnyCheck, BrowserFacts};
use conncheck_core::config::Config;
use conncheck_core::page::Msg;
use conncheck_core::report::{Environment, Report};
use conncheck_core::run::{Do, Fed, Run, Stamp};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
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
    let now = || driver::now() as f64;
    let mut run: Run = Run::with_checks(
        checks,
        Rc::new(config.clone()),
        facts,
        env!("CARGO_PKG_VERSION"),
        seed,
        now(),
    );
    let (tx, mut fed) = unbounded_channel();
    let mut report: Option<Report> = None;
    loop {
        while let Some(todo) = run.poll() {
            match todo {
                Do::Start { slot, check } => {
                    progress.started(check.id(), check.planned_ms());
                    let (net, tx, progress) = (net.clone(), tx.clone(), progress.clone());
                    spawn_local(perform(slot, check, net, tx, progress));
                }
                Do::Show(Msg::Completed(first)) => report = Some(first),
                Do::Show(Msg::Observed(check)) => {
                    if let Some(report) = report.as_mut() {
                        report.replace_check(check);
                    }
                }
                Do::Show(_) => {}
                Do::Stamp => {
                    let stamp = Stamp {
                        created_at: crate::clock::iso_now(),
                        environment: environment(),
                    };
                    run.stamped(stamp, now());
                }
            }
        }
        if run.done() {
            break;
        }
        match fed.recv().await {
            Some(fed) => run.handle(fed, now()),
            None => break,
        }
    }
    // The run publishes a report once every check has an entry, and each
    // check feeds its end: one is always there.
    report.expect("the run published its report")
}

/// Runs one check the run started, and feeds back what it does.
async fn perform(
    slot: usize,
    check: AnyCheck,
    net: Net,
    tx: UnboundedSender<Fed>,
    progress: Progress,
) {
    let told = |reported| {
        let _ = tx.send(match reported {
            Reported::CookieJarSettled => Fed::CookieJarSettled { slot },
            Reported::Interim(check) => Fed::Interim { slot, check },
        });
    };
    let check = driver::run(check, &net, &told).await;
    progress.finished(&check);
    let _ = tx.send(Fed::Finished { slot, check });
}

/// This machine, as the report's environment.
fn environment() -> Environment {
    Environment {
        user_agent: crate::net::user_agent(),
        platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        languages: Vec::new(),
        online: true,
        connection: None,
    }
}
