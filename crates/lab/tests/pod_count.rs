//! End to end, issue 15: over pods with the server companion behind
//! nginx cookie affinity (set on the Socket.IO location only; requests
//! without the cookie go to a pod at random) and behind HAProxy's cookie
//! insert (strict round robin without it, two and four pods), for the
//! official Node socket.io and socketioxide, the settled report's
//! `sticky-session` proves exactly that the cookie pins one pod, takes the
//! pods' number from the companion's adapter (issue 25) and counts the
//! pods it reaches within its bound of requests, on every repeat: exact
//! once it reached them all, else "at least" at its request limit, never
//! more pods than there are and never a finding. A `companion` configured
//! where none is attached (the namespace answers `44`) leaves the
//! statistical proof, and no false alarm.

use anyhow::Result;
use conncheck_lab::report_json::{
    check, finding_ids, pods_shown, run_as_expected, run_scenario_settled,
};
use conncheck_lab::topology::{Backend, Proxy};

const REPEATS: usize = 3;

/// What a scenario's count must read, by how its balancer spreads
/// requests without the cookie.
#[derive(Clone, Copy, Debug)]
enum Reads {
    /// Strict round robin over two pods: each session lands on the next
    /// pod, so the second session proves both (9 requests a session).
    Exact,
    /// Strict round robin over four: showing four pods takes at least 51
    /// requests (docs/companion.md), past the bound of 48, so the count
    /// stops there having reached at least this many.
    AtLeast(u64),
    /// nginx's hash of a random key per request over three pods: within 48
    /// requests at least this many shown (a request that reached another
    /// pod shows it without its id); exact exactly when all answered.
    AllOrAtLeast(u64),
}

async fn counted_every_time(name: &str, pods_there: u32, reads: Reads) -> Result<()> {
    for run in 0..REPEATS {
        let report = run_as_expected(name).await?;
        let sticky = check(&report, "sticky-session");
        let pods = &sticky["data"]["pods"];
        let what = format!("{name}, run {run}: {sticky:#}");
        // Shown with --nocapture: how many sessions each count took.
        eprintln!("{name}, run {run}: pods {pods}");
        assert_eq!(sticky["status"], "pass", "{what}");
        assert_eq!(sticky["data"]["affinity"], "cookie", "{what}");
        assert_eq!(pods["pinned_pod_proven"], true, "{what}");
        assert_eq!(pods["adapter_pods"], pods_there, "{what}");
        let requests = pods["count_requests"].as_u64().unwrap_or(u64::MAX);
        assert!(requests <= 48, "{what}");
        let seen = pods["pods_seen"].as_u64().unwrap_or(0);
        let all = seen == u64::from(pods_there);
        let shown = pods_shown(pods);
        let exact = match reads {
            Reads::Exact => true,
            Reads::AtLeast(least) => {
                assert!(shown >= least, "{what}");
                false
            }
            Reads::AllOrAtLeast(least) => {
                assert!(shown >= least, "{what}");
                all
            }
        };
        let summary = sticky["summary"].as_str().unwrap_or_default();
        assert!(summary.contains("Proven exactly"), "{what}");
        if exact {
            assert_eq!(pods["count"], "exact", "{what}");
            assert!(all, "{what}");
            let told = format!("{pods_there} pods in all");
            assert!(summary.contains(&told), "{what}");
        } else {
            assert_eq!(pods["count"], "at-least", "{what}");
            assert_eq!(pods["count_stopped"], "max-requests", "{what}");
            assert!(seen < u64::from(pods_there), "{what}");
            let told = format!("At least {shown} pod(s)");
            assert!(summary.contains(&told), "{what}");
            let told = format!("The server's adapter reports {pods_there}.");
            assert!(summary.contains(&told), "{what}");
        }
        // No false alarm: exactly no finding, not merely not this one.
        assert_eq!(finding_ids(&report), Vec::<&str>::new(), "{what}");
        // The cross-pod probe ran after the count, and still passed.
        assert_eq!(check(&report, "cross-pod")["status"], "pass", "{what}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn node_pods_are_counted_within_the_bound_on_every_run() -> Result<()> {
    counted_every_time("companion-node", 3, Reads::AllOrAtLeast(2)).await
}

#[tokio::test(flavor = "multi_thread")]
async fn socketioxide_pods_are_counted_within_the_bound_on_every_run() -> Result<()> {
    counted_every_time("companion-rust", 3, Reads::AllOrAtLeast(2)).await
}

#[tokio::test(flavor = "multi_thread")]
async fn two_node_pods_behind_haproxy_round_robin_are_counted_within_the_bound_on_every_run(
) -> Result<()> {
    counted_every_time("companion-node-haproxy", 2, Reads::Exact).await
}

#[tokio::test(flavor = "multi_thread")]
async fn four_socketioxide_pods_behind_haproxy_round_robin_are_counted_within_the_bound_on_every_run(
) -> Result<()> {
    counted_every_time("companion-rust-haproxy", 4, Reads::AtLeast(2)).await
}

/// Real servers without the companion: Node pods behind cookie affinity,
/// and one socketioxide server.
#[tokio::test(flavor = "multi_thread")]
async fn a_companion_namespace_nobody_attached_leaves_the_statistical_proof() -> Result<()> {
    for (backend, affinity) in [
        (Backend::NodePods(3), "cookie"),
        (Backend::Rust, "not-needed"),
    ] {
        let report =
            run_scenario_settled(Proxy::CookieAffinity, backend, "&companion=/conncheck").await?;
        let sticky = check(&report, "sticky-session");
        let what = format!("{backend:?}: {sticky:#}");
        assert_eq!(sticky["status"], "pass", "{what}");
        assert_eq!(sticky["data"]["affinity"], affinity, "{what}");
        assert_eq!(sticky["data"]["pods"]["companion"], "absent", "{what}");
        assert_eq!(sticky["data"]["pods"]["count"], "not-counted", "{what}");
        assert_eq!(sticky["data"]["with_cookies"]["affected"], 0, "{what}");
        let cross = check(&report, "cross-pod");
        assert_eq!(
            cross["data"]["result"]["result"], "no-companion",
            "{cross:#}"
        );
        // No false alarm: exactly no finding, not merely not this one.
        assert_eq!(finding_ids(&report), Vec::<&str>::new(), "{report:#}");
    }
    Ok(())
}
