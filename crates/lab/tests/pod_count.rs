//! End to end, issue 15: over three pods with the server companion behind
//! nginx cookie affinity (set on the Socket.IO location only), for the
//! official Node socket.io and socketioxide, the settled report's
//! `sticky-session` proves exactly that the cookie pins one pod and counts
//! three pods, on every repeat: a healthy setup must never read otherwise.

use anyhow::Result;
use conncheck_lab::report_json::{check, run_as_expected};

const REPEATS: usize = 3;

async fn counted_every_time(name: &str) -> Result<()> {
    for run in 0..REPEATS {
        let report = run_as_expected(name).await?;
        let sticky = check(&report, "sticky-session");
        let pods = &sticky["data"]["pods"];
        let what = format!("{name}, run {run}: {sticky:#}");
        assert_eq!(sticky["status"], "pass", "{what}");
        assert_eq!(sticky["data"]["affinity"], "cookie", "{what}");
        assert_eq!(pods["pinned_pod_proven"], true, "{what}");
        assert_eq!(pods["pods_seen"], 3, "{what}");
        assert_eq!(pods["count"], "exact", "{what}");
        let summary = sticky["summary"].as_str().unwrap_or_default();
        assert!(summary.contains("Proven exactly"), "{what}");
        assert!(summary.contains("3 pods in all"), "{what}");
        // The cross-pod probe ran after the count, and still passed.
        assert_eq!(check(&report, "cross-pod")["status"], "pass", "{what}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn node_pods_are_counted_exactly_on_every_run() -> Result<()> {
    counted_every_time("companion-node").await
}

#[tokio::test(flavor = "multi_thread")]
async fn socketioxide_pods_are_counted_exactly_on_every_run() -> Result<()> {
    counted_every_time("companion-rust").await
}
