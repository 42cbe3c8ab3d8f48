//! `conncheck --watch` against the lab: WebSocket and polling sessions
//! held across the server's 25 s ping on a healthy setup (no drop, exit 0),
//! through a pod restarted mid-run (each drop at the restart, and no time
//! limit blamed) and through an nginx idle timeout (each cut after about
//! its 3 s, matched to an idle timeout under the ping interval); a
//! server's words in every output without the marks around them
//! (`cli_privacy.rs` has the secrets no run prints); another pod's answer
//! under round robin matched to no limit, and said what it means; a closed
//! stdout no panic.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use conncheck_lab::cli::Ran;
use conncheck_lab::node::NodeMode;
use conncheck_lab::scenarios::scenario;
use conncheck_lab::topology::{Backend, Proxy, Topology};
use serde_json::Value;

/// Bound on one watch run: its duration and the start-up.
const CLI_TIMEOUT: Duration = Duration::from_secs(60);

async fn cli(args: &[&str]) -> Result<Ran> {
    conncheck_lab::cli::run(args, CLI_TIMEOUT).await
}

/// The marks around an outside value in our texts (`privacy::observed`),
/// which no printed output carries.
const MARKS: [char; 2] = ['\u{e000}', '\u{e001}'];

/// `--watch` output read back: its drops.
fn drops(out: &str) -> Result<(Value, Vec<Value>)> {
    let report: Value = serde_json::from_str(out).with_context(|| format!("not JSON: {out}"))?;
    let drops = report["drops"].as_array().context("drops")?.clone();
    Ok((report, drops))
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_reports_a_pod_restarted_mid_run() -> Result<()> {
    let mut topology = Topology::start(
        Proxy::Healthy,
        Backend::Node(conncheck_lab::node::NodeMode::Healthy),
    )
    .await?;
    let url = topology.page_url("");
    let watch = tokio::spawn(async move {
        cli(&[
            &url,
            "--watch",
            "16s",
            "--sessions",
            "2",
            "--json",
            "--quiet",
        ])
        .await
    });
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let killed_ms = started.elapsed().as_millis() as u64;
    topology.restart_pod(0).await?;
    let ran = watch.await??;
    let (report, drops) = drops(&ran.stdout)?;
    assert_eq!(ran.code, 1, "{report:#}");
    // Two sessions per transport, all on the one pod: each dropped once.
    let mut transports: Vec<&str> = drops
        .iter()
        .filter_map(|d| d["transport"].as_str())
        .collect();
    transports.sort_unstable();
    assert_eq!(
        transports,
        ["polling", "polling", "websocket", "websocket"],
        "{report:#}"
    );
    for d in &drops {
        let at = d["at_ms"].as_u64().context("at_ms")?;
        // The watch started a little after `started`: at most its start-up.
        assert!(
            at + 1_000 >= killed_ms && at <= killed_ms + 2_000,
            "dropped at {at} ms, the pod was killed at {killed_ms} ms: {report:#}"
        );
        if d["transport"] == "websocket" {
            assert_eq!(
                (d["code"].as_u64(), d["clean"].as_bool()),
                (Some(1006), Some(false)),
                "{d:#}"
            );
        } else {
            // nginx answers the held long-poll: its upstream is gone.
            assert_eq!(d["status"], 502, "{d:#}");
        }
        // The sessions opened again held to the end: no time limit.
        assert_eq!(
            (&d["event"], &d["limit"]),
            (&Value::Bool(true), &Value::Null),
            "{d:#}"
        );
    }
    let opened = report["opened"].as_u64().context("opened")?;
    assert!(
        opened >= 8,
        "every session opened again after the restart: {report:#}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_reports_an_idle_cut_at_its_time() -> Result<()> {
    let s = scenario("short-idle")?;
    let topology = Topology::start(s.proxy, s.backend).await?;
    let url = topology.page_url("");
    let watch = ["--watch", "8s", "--sessions", "1"];
    let json = [&[url.as_str()][..], &watch, &["--json", "--quiet"]].concat();
    let text = [&[url.as_str()][..], &watch].concat();
    let (ran, shown) = tokio::try_join!(cli(&json), cli(&text))?;
    let (report, drops) = drops(&ran.stdout)?;
    assert_eq!(ran.code, 1, "{report:#}");
    assert_eq!(shown.code, 1, "{}{}", shown.stdout, shown.stderr);
    for out in [&ran.stdout, &shown.stdout, &shown.stderr] {
        assert!(!out.contains(MARKS), "{out}");
    }
    assert!(
        shown.stdout.contains("polling drop at +"),
        "the text run saw the cuts too: {}",
        shown.stdout
    );
    // nginx's 3 s idle timeout under a 5 s ping interval: a cut about every
    // 3 s on each transport (a WebSocket between pings, a long-poll waiting
    // for one), so two or three of each in 8 s.
    for transport in ["websocket", "polling"] {
        let of: Vec<&Value> = drops
            .iter()
            .filter(|d| d["transport"] == transport)
            .collect();
        if !(2..=3).contains(&of.len()) {
            bail!("{} {transport} drops in 8 s: {report:#}", of.len());
        }
        for d in of {
            let cut_after = if transport == "websocket" {
                assert_eq!(d["code"], 1006, "{d:#}");
                d["lifetime_ms"].as_u64().context("lifetime_ms")?
            } else {
                assert_eq!(d["status"], 504, "nginx's timeout answer: {d:#}");
                d["waited_ms"].as_u64().context("waited_ms")?
            };
            assert!(
                (2_800..=4_000).contains(&cut_after),
                "cut after {cut_after} ms: {d:#}"
            );
            assert_eq!(
                d["event"], false,
                "a cut after the same time each time: {d:#}"
            );
            let limit = d["limit"].as_str().context("limit")?;
            assert!(
                limit.contains("shorter than the server's ping interval"),
                "{limit}"
            );
            // The limit alone; a polling session's own words apart.
            assert!(!limit.contains("long-poll"), "{limit}");
            if transport == "polling" {
                let ended_by = d["ended_by"].as_str().context("ended_by")?;
                assert!(ended_by.starts_with("A long-poll was answered"), "{d:#}");
            }
        }
    }
    Ok(())
}

/// Production defaults (pingInterval 25 s): four sessions held across a
/// ping each, none dropped or reopened.
#[tokio::test(flavor = "multi_thread")]
async fn watch_holds_every_session_on_a_healthy_setup() -> Result<()> {
    let topology = Topology::start(Proxy::Healthy, Backend::Node(NodeMode::Healthy)).await?;
    let ran = cli(&[
        &topology.page_url(""),
        "--watch",
        "32s",
        "--sessions",
        "2",
        "--json",
        "--quiet",
    ])
    .await?;
    let (report, drops) = drops(&ran.stdout)?;
    assert_eq!(ran.code, 0, "{report:#}\n{}", ran.stderr);
    assert_eq!(drops, Vec::<Value>::new(), "{report:#}");
    assert_eq!(
        report["open_failures"],
        Value::Array(Vec::new()),
        "{report:#}"
    );
    assert_eq!(report["opened"], 4, "each session opened once: {report:#}");
    Ok(())
}

/// What a round-robin drop means, in the watch's words.
const ANOTHER: &str = "another backend answered the session's request. Most likely requests of one session reach different backends (sticky sessions missing; see the run's sticky-session check)";

/// `--watch 30s`, a session per transport, through two Node pods without
/// affinity of its own (another client's requests could keep a session's
/// all on its pod).
async fn round_robin_watch(more: &[&str]) -> Result<Ran> {
    let s = scenario("round-robin")?;
    let topology = Topology::start(s.proxy, s.backend).await?;
    let url = topology.page_url("");
    let watch = [url.as_str(), "--watch", "30s", "--sessions", "1"];
    cli(&[&watch[..], more].concat()).await
}

/// Each polling session is lost to the other pod's Engine.IO error, which
/// every output quotes without marks: no limit on the path, and the words
/// say what it means. Certain in 30 s: a session whose first requests all
/// reached its pod sends its pong and next long-poll at its first ping
/// (25 s) with nothing else out, and the round robin splits the two.
#[tokio::test(flavor = "multi_thread")]
async fn watch_prints_a_servers_words_without_marks() -> Result<()> {
    let (ran, shown) = tokio::try_join!(round_robin_watch(&["--json"]), round_robin_watch(&[]))?;
    let (report, drops) = drops(&ran.stdout)?;
    assert_eq!(
        (ran.code, shown.code),
        (1, 1),
        "{report:#}\n{}",
        shown.stdout
    );
    for out in [&ran.stdout, &ran.stderr, &shown.stdout, &shown.stderr] {
        assert!(!out.contains(MARKS), "{out}");
    }
    let polling: Vec<&Value> = drops
        .iter()
        .filter(|d| d["transport"] == "polling")
        .collect();
    // Each lost within a second of its open, then opened again a second
    // later (not at once): at most one a second.
    assert!((1..=30).contains(&polling.len()), "{report:#}");
    // The terminal's drop lines say it too, quoted.
    let line =
        format!("answered HTTP 400 with Engine.IO error 1 \"Session ID unknown\": {ANOTHER}");
    assert!(shown.stdout.contains(&line), "{}", shown.stdout);
    for d in polling {
        assert_eq!(d["status"], 400, "{d:#}");
        let ended_by = d["ended_by"].as_str().context("ended_by")?;
        assert!(
            ended_by.contains(&format!("\"Session ID unknown\": {ANOTHER}")),
            "{d:#}"
        );
        // Another pod answered: no limit on the path, and no event either.
        assert_eq!(
            (&d["limit"], &d["event"]),
            (&Value::Null, &Value::Bool(false)),
            "{d:#}"
        );
    }
    // The summary names what ended each polling session, and no limit.
    let summary: Vec<&str> = shown
        .stdout
        .lines()
        .filter(|l| l.starts_with("  the polling drop at +"))
        .collect();
    assert!(!summary.is_empty(), "{}", shown.stdout);
    for line in summary {
        assert!(
            line.contains("matches no limit on the path")
                && line.contains("\"Session ID unknown\"")
                && line.contains(ANOTHER),
            "{line}"
        );
    }
    Ok(())
}

/// A reader that goes away (`conncheck … | head`) is no panic: the drop
/// lines of nginx's 3 s idle cut (under a 5 s ping interval, certain in
/// 5 s) go to a closed stdout, and the run still ends with its exit status.
#[tokio::test(flavor = "multi_thread")]
async fn watch_survives_a_closed_stdout() -> Result<()> {
    let s = scenario("short-idle")?;
    let topology = Topology::start(s.proxy, s.backend).await?;
    let mut child = tokio::process::Command::new(conncheck_lab::cli::binary()?)
        .args([&topology.page_url(""), "--watch", "5s", "--quiet"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    drop(child.stdout.take());
    let done = tokio::time::timeout(CLI_TIMEOUT, child.wait_with_output())
        .await
        .context("the watch did not end")??;
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The idle cuts: exit status 1.
    assert_eq!(done.status.code(), Some(1), "{stderr}");
    Ok(())
}
