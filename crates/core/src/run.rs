//! One automatic run as a state machine, the run's rules in one place (as
//! quinn-proto's endpoint over its connections): the driver feeds it what
//! its checks did ([`Fed`]), with the current time, and carries out what it
//! asks ([`Run::poll`]: start a check, show the page state a [`Msg`], stamp
//! the first report). It decides which checks start when, when the first
//! report is complete, what is observed after it, and when the run is done;
//! it never awaits and never reads a clock.
//!
//! The checks that share the browser's cookie jar with the Socket.IO
//! endpoint ([`Jar::Shares`]) wait for its first answer (the handshake
//! check tells when it is in, [`Jar::Settles`]): a balancer that sets an
//! affinity cookie on the first answer without one (ingress-nginx, HAProxy
//! `insert`, GKE `GENERATED_COOKIE`) would give concurrent cookieless
//! requests different cookies, the last one would win the jar, and sessions
//! opened by the others would reach the wrong backend: a fault the real
//! app, which handshakes once, does not have. Observations whose length
//! depends on the server (the first ping after an upgrade, a configured
//! lifetime, sticky-session's pod count, the cross-pod probe) go on after
//! the report is published, and update it when they end. The cross-pod
//! probe starts only once sticky-session has ended: two chains of
//! cookieless sessions retrying at once could, under round robin, each keep
//! missing their pod.

use std::rc::Rc;

use crate::catalog::{CheckId, Jar};
use crate::check::Status;
use crate::checks::{self, AnyCheck, BrowserFacts, ReportCheck};
use crate::config::{Config, ReportConfig};
use crate::page::Msg;
use crate::report::{Page, Report};

mod io;
pub use io::{Do, Fed, Stamp};

/// What a check not started yet waits for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wait {
    /// The endpoint's first answer in the cookie jar.
    Jar,
    /// Sticky-session's end (or every automatic check's).
    Sticky,
}

struct Slot {
    id: CheckId,
    waiting: Option<(Wait, AnyCheck)>,
    /// In the first report: what it holds of the check.
    first: Option<ReportCheck>,
    /// Its entry in the first report is an interim one, or it is observed
    /// after the report: its end is shown as `Observed`.
    observing: bool,
    ended: bool,
}

pub struct Run<S = ()> {
    config: Rc<Config>,
    page: Page,
    tool_version: &'static str,
    seed: u64,
    /// The automatic checks, in the page's order, then those observed
    /// after the report.
    slots: Vec<Slot>,
    automatic: usize,
    jar_settled: bool,
    /// The handshake's first entry passed.
    handshake_passed: bool,
    /// Every automatic check has a first entry: the report was asked for.
    complete: bool,
    /// The first report was shown.
    published: bool,
    /// What to do, in order.
    todo: Vec<Do<S>>,
}

impl<S> Run<S> {
    /// A run of the automatic checks for `config`; `seed` comes from the
    /// browser's randomness, `tool_version` names the page in the report.
    pub fn new(
        config: Rc<Config>,
        facts: &BrowserFacts,
        tool_version: &'static str,
        seed: u64,
        now: f64,
    ) -> Self {
        let checks = checks::automatic(&config, facts);
        Self::with_checks(checks, config, facts, tool_version, seed, now)
    }

    /// A run of `checks`, a subset of the automatic ones in their order:
    /// those a driver can carry out (the terminal client has no camera,
    /// and no `document.cookie`), or a test's.
    pub fn with_checks(
        checks: Vec<AnyCheck>,
        config: Rc<Config>,
        facts: &BrowserFacts,
        tool_version: &'static str,
        seed: u64,
        now: f64,
    ) -> Self {
        let planned = checks.iter().map(|c| (c.id(), None)).collect();
        let mut run = Run {
            config: config.clone(),
            page: Page {
                origin: facts.page_url.origin(),
                path: facts.page_url.path().to_owned(),
                secure_context: facts.secure_context,
            },
            tool_version,
            seed,
            automatic: checks.len(),
            // Settled at once when no check would say so.
            jar_settled: !checks.iter().any(|c| c.id().jar() == Jar::Settles),
            slots: Vec::new(),
            handshake_passed: false,
            complete: false,
            published: false,
            todo: Vec::new(),
        };
        run.todo.push(Do::Show(Msg::Planned {
            effective: config,
            checks: planned,
        }));
        for check in checks {
            let waits = check.id().jar() == Jar::Shares && !run.jar_settled;
            run.add(check, waits.then_some(Wait::Jar), false, now);
        }
        run
    }

    /// The next thing to do, in order.
    pub fn poll(&mut self) -> Option<Do<S>> {
        // A few at a time: moving them up costs less code than a deque.
        (!self.todo.is_empty()).then(|| self.todo.remove(0))
    }

    /// The first report was published and every check has ended since:
    /// nothing more will come.
    pub fn done(&self) -> bool {
        self.published && self.slots.iter().all(|s| s.ended)
    }

    pub fn handle(&mut self, fed: Fed, now: f64) {
        match fed {
            Fed::CookieJarSettled { .. } => self.settle_jar(now),
            Fed::Interim { slot, check } => {
                // After the report only an observation's end counts.
                if !self.complete && slot < self.automatic {
                    self.slots[slot].observing = true;
                    self.first_entry(slot, check);
                }
            }
            Fed::Finished { slot, check } => {
                let Some(s) = self.slots.get_mut(slot) else {
                    return;
                };
                s.ended = true;
                let id = s.id;
                if id.jar() == Jar::Settles {
                    // Ended without saying: the jar holds what it ever will.
                    self.settle_jar(now);
                }
                if !self.complete {
                    self.slots[slot].observing = false;
                    self.first_entry(slot, check);
                } else if self.slots[slot].observing {
                    self.todo.push(Do::Show(Msg::Observed(check)));
                }
                if id == CheckId::StickySession || self.automatic_ended() {
                    self.start_waiting(Wait::Sticky, now);
                }
            }
        }
        if !self.complete
            && self.slots[..self.automatic]
                .iter()
                .all(|s| s.first.is_some())
        {
            self.complete = true;
            self.todo.push(Do::Stamp);
        }
    }

    /// Publishes the first report and starts what is observed after it.
    pub fn stamped(&mut self, stamp: Stamp, now: f64) {
        if !self.complete || self.published {
            return;
        }
        self.published = true;
        let report = Report::assemble(
            self.tool_version,
            stamp.created_at,
            self.page.clone(),
            ReportConfig::from(&*self.config),
            stamp.environment,
            self.slots.iter().filter_map(|s| s.first.clone()).collect(),
        );
        self.todo.push(Do::Show(Msg::Completed(report)));
        for s in &self.slots {
            if s.observing {
                self.todo.push(Do::Show(Msg::Observing {
                    id: s.id,
                    at_ms: None,
                    expected_ms: None,
                }));
            }
        }
        // Neither a configured lifetime nor the cross-pod probe (as long
        // as the pods' count makes it) holds the report back.
        if self.config.lifetime_s > 0 {
            let check = checks::lifetime_on_demand(&self.config);
            let hold_ms = check.planned_ms() as f64;
            self.observe(check, Some(hold_ms), None, now);
        }
        if let Some(check) = checks::cross_pod(&self.config, self.seed, self.handshake_passed) {
            let sticky_ended = self
                .slots
                .iter()
                .any(|s| s.id == CheckId::StickySession && s.ended);
            let waits = !sticky_ended && !self.automatic_ended();
            self.observe(check, None, waits.then_some(Wait::Sticky), now);
        }
    }

    /// Observes a check after the report, which its end updates. The page
    /// goes back to `running` in the same turn as the report, and stays
    /// there while the check waits.
    fn observe(&mut self, check: AnyCheck, expected_ms: Option<f64>, wait: Option<Wait>, now: f64) {
        self.todo.push(Do::Show(Msg::Observing {
            id: check.id(),
            at_ms: Some(now),
            expected_ms,
        }));
        self.add(check, wait, true, now);
    }

    /// A new slot for `check`, started unless it waits.
    fn add(&mut self, check: AnyCheck, wait: Option<Wait>, observing: bool, now: f64) {
        self.slots.push(Slot {
            id: check.id(),
            waiting: None,
            first: None,
            observing,
            ended: false,
        });
        let slot = self.slots.len() - 1;
        match wait {
            Some(wait) => self.slots[slot].waiting = Some((wait, check)),
            None => self.start(slot, check, now),
        }
    }

    fn start(&mut self, slot: usize, check: AnyCheck, now: f64) {
        // Only the automatic checks have rows of their own to start.
        if slot < self.automatic {
            self.todo.push(Do::Show(Msg::Started {
                index: slot,
                at_ms: now,
            }));
        }
        self.todo.push(Do::Start { slot, check });
    }

    fn settle_jar(&mut self, now: f64) {
        if !self.jar_settled {
            self.jar_settled = true;
            self.start_waiting(Wait::Jar, now);
        }
    }

    /// Starts, in order, the checks that waited for `what`.
    fn start_waiting(&mut self, what: Wait, now: f64) {
        for slot in 0..self.slots.len() {
            if self.slots[slot]
                .waiting
                .as_ref()
                .is_some_and(|(w, _)| *w == what)
            {
                if let Some((_, check)) = self.slots[slot].waiting.take() {
                    self.start(slot, check, now);
                }
            }
        }
    }

    fn first_entry(&mut self, slot: usize, check: ReportCheck) {
        if check.id == CheckId::SocketioHandshake {
            self.handshake_passed = check.status == Status::Pass;
        }
        self.todo.push(Do::Show(Msg::Finished {
            index: slot,
            check: check.clone(),
        }));
        self.slots[slot].first = Some(check);
    }

    fn automatic_ended(&self) -> bool {
        self.slots[..self.automatic].iter().all(|s| s.ended)
    }
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;
