//! `sticky-session`'s summary, from its data alone.

use super::data::{Affinity, CompanionAnswer, CountStopped, PodCount, PodsData, Stopped};
use super::{StickyData, BUDGET_MS, REQUEST_TIMEOUT_MS};
use crate::check::Status;
use crate::checks::one_decimal;

/// The summary; with the companion, the proof's kind and the pods' count
/// follow, in known words only (nothing from the server).
pub(crate) fn summarize(d: &StickyData) -> (Status, String) {
    let (status, mut text) = affinity(d);
    if let (Some(pods), None, false) = (&d.pods, d.stopped, d.affinity == Affinity::Unknown) {
        let words = pods_words(pods, d.affinity);
        if !words.is_empty() {
            text.push(' ');
            text.push_str(&words);
        }
    }
    (status, text)
}

fn pods_words(p: &PodsData, affinity: Affinity) -> String {
    // A lost session is proof enough: no word of a statistical judgement.
    let judged = if affinity == Affinity::Missing {
        "."
    } else {
        ": affinity judged statistically."
    };
    let proof = match (p.companion, p.pinned_pod_proven) {
        (CompanionAnswer::Absent, _) => {
            return format!("The companion's namespace refused the connection (no companion there){judged}")
        }
        (CompanionAnswer::Refused, _) => {
            return format!("The companion refused to name its pod{judged}")
        }
        (CompanionAnswer::NoAnswer, _) if affinity == Affinity::Missing => return String::new(),
        (CompanionAnswer::NoAnswer, _) => return format!("The companion named no pod{judged}"),
        (CompanionAnswer::Answered, true) => "Proven exactly by the companion's pod ids: both sessions with cookies stayed on one pod.",
        (CompanionAnswer::Answered, false) if affinity == Affinity::Missing => "",
        (CompanionAnswer::Answered, false) => "The companion's pod ids do not prove that the cookie pins one pod: affinity judged statistically.",
    };
    // The count's retries come after the first report (`Counting`), and
    // none keep a count exact with one pod seen: `n` is `pods_seen` but
    // where an `at-least` count showed a pod whose id never answered.
    let n = p.at_least();
    let count = match (p.count, p.count_stopped) {
        (PodCount::NotCounted, _) => String::new(),
        (PodCount::Counting, _) => format!("{n} pod(s) seen when this report was made; the count was still going on."),
        (PodCount::Exact, _) if n == 1 => "Only one pod ever answered: one replica, or the Service's sessionAffinity: ClientIP sends everyone to one pod (the two cannot be told apart).".into(),
        (PodCount::Exact, _) => format!("{n} pods in all: each pod the server's adapter reports answered."),
        (PodCount::AtLeast, why) => {
            let why = match why {
                Some(CountStopped::MaxSessions) => "its session limit",
                Some(CountStopped::MaxRequests) => "its request limit",
                Some(CountStopped::Budget) => "its time limit",
                Some(CountStopped::RateLimited) => "a rate limit",
                Some(CountStopped::Failed) | None => "an unexpected answer",
            };
            let told = p.adapter_pods.map(|a| format!(" The server's adapter reports {a}.")).unwrap_or_default();
            format!("At least {n} pod(s): the count stopped at {why}.{told}")
        }
    };
    format!("{proof} {count}").trim().to_owned()
}

fn affinity(d: &StickyData) -> (Status, String) {
    let (with, without) = (&d.with_cookies, &d.without_cookies);
    let certainty = format!("{} %", one_decimal(d.confidence * 100.0));
    match (d.affinity, d.stopped) {
        (_, Some(Stopped::Stalled)) => (
            Status::Fail,
            format!(
                "A session opened, but its next request got no answer within {} s: affinity could not be tested.",
                REQUEST_TIMEOUT_MS / 1000
            ),
        ),
        (_, Some(Stopped::TooSlow)) => (
            Status::Warn,
            format!(
                "The server answered too slowly for the sessions to finish within {} s: affinity could not be tested.",
                BUDGET_MS / 1000
            ),
        ),
        (_, Some(Stopped::RateLimited)) => (
            Status::Warn,
            "A rate limit refused the check's requests: affinity could not be tested.".into(),
        ),
        (Affinity::Unknown, _) if with.opened.saturating_add(without.opened) > 0 => (
            Status::Skip,
            "A new session's handshake got no answer, so affinity could not be tested; see the Socket.IO handshake.".into(),
        ),
        (Affinity::Unknown, _) => (Status::Skip, "No Engine.IO session could be opened to test; see the Socket.IO handshake.".into()),
        (Affinity::Missing, _) => (
            Status::Fail,
            format!(
                "{} of {} sessions lost their backend: {} follow-up requests got \"Session ID unknown\". Requests of one session reach different backends.",
                with.affected,
                with.opened,
                with.session_unknown
            ),
        ),
        (Affinity::Cookie, _) if without.affected == 0 => (
            Status::Pass,
            "Cookie affinity works: the sessions with cookies kept one pod, and sessions without cookies reached others.".into(),
        ),
        (Affinity::Cookie, _) => (
            Status::Pass,
            format!(
                "Cookie affinity works: without cookies {} of {} sessions lost their backend, with cookies none did (a missing affinity would show with {certainty} certainty).",
                without.affected,
                without.opened
            ),
        ),
        (Affinity::NotNeeded, _) => (
            Status::Pass,
            format!(
                "All {} follow-up requests reached their session's backend, with and without cookies: one backend, or affinity by client address or connection (a missing affinity would show with {certainty} certainty).",
                with.follow_ups.saturating_add(without.follow_ups)
            ),
        ),
    }
}
