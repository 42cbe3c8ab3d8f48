//! Hostile servers and planted secrets, end to end in Chromium: against a
//! body that trickles, a 300 MB body, a ping flood, invalid UTF-8, huge
//! headers naming internal proxies, a WebSocket that opens and never
//! speaks and one that sends 2 Mi characters at once, the page ends in a
//! complete report in bounded time (each check within its own timeouts,
//! the report there once they ended); secrets
//! planted in userinfo, path segments, query, fragment and TURN URLs
//! survive nowhere (JSON, copy text, link, QR payload).

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::Result;
use conncheck_core::checks::{affinity_cookie, handshake, sticky, upgrade, websocket};
use conncheck_core::share;
use conncheck_lab::browser::Browser;
use conncheck_lab::hostile::{Hostile, FLOOD_PINGS};
use conncheck_lab::report_json::{check, finding_ids, websocket_target, RUN_TIMEOUT};
use conncheck_lab::{default_dist, Lab, LabOptions};
use serde_json::{json, Value};

/// The page's load before any check starts: the page itself from loopback,
/// then its configuration file, which it waits for 5 s at most.
const LOAD_MS: u64 = 5_000;

/// Each check a Socket.IO endpoint's answers can hold up, with its own
/// worst case from its step timeouts (the others never wait on it).
fn budgets() -> [(&'static str, u64); 5] {
    [
        // The open, then the namespace's CONNECT (or a probe, shorter).
        ("socketio-handshake", 2 * handshake::STEP_TIMEOUT_MS),
        // Open, then the first message, per target (at once); our close
        // is not waited for.
        (
            "websocket",
            websocket::OPEN_TIMEOUT_MS + websocket::MESSAGE_TIMEOUT_MS,
        ),
        // Until the first report: the session's open, the WebSocket's
        // open, the probe's answer (the held polling session's handshake,
        // one step, beside them).
        ("socketio-upgrade", 3 * upgrade::STEP_TIMEOUT_MS),
        ("sticky-session", sticky::BUDGET_MS),
        // The cookie step, then the one request that reads it.
        ("affinity-cookie", 2 * affinity_cookie::STEP_TIMEOUT_MS),
    ]
}

/// Bounded time, as the checks' own timeouts bound it: each check within
/// its own budget, and the first report there once its checks ended: the
/// load, then the handshake, which the checks sharing its cookie jar wait
/// for, then the longest of those (the others start at once).
fn assert_in_time(report: &Value, elapsed: Duration, what: &str) {
    let checks = report["checks"].as_array().expect("a checks list");
    let ms = |c: &Value| {
        c["duration_ms"]
            .as_u64()
            .unwrap_or_else(|| panic!("{what}: no duration: {c:#}"))
    };
    for (id, budget) in budgets() {
        let took = ms(check(report, id));
        assert!(
            took <= budget,
            "{what}: {id} took {took} ms, its own budget is {budget} ms"
        );
    }
    let gated = [
        "websocket",
        "socketio-upgrade",
        "sticky-session",
        "affinity-cookie",
    ];
    let longest = |ids: &mut dyn Iterator<Item = &Value>| ids.map(ms).max().unwrap_or(0);
    let after_gate = longest(
        &mut checks
            .iter()
            .filter(|c| gated.iter().any(|g| c["id"] == *g)),
    );
    let at_once = longest(
        &mut checks
            .iter()
            .filter(|c| c["id"] != "socketio-handshake" && !gated.iter().any(|g| c["id"] == *g)),
    );
    let handshake = ms(check(report, "socketio-handshake"));
    let bound = LOAD_MS + (handshake + after_gate).max(at_once);
    assert!(
        elapsed.as_millis() <= u128::from(bound),
        "{what}: the first report came after {elapsed:?}; its checks ended by {bound} ms"
    );
}

fn assert_complete(report: &Value, what: &str) {
    let checks = report["checks"].as_array().cloned().unwrap_or_default();
    assert!(
        checks.len() >= 8,
        "{what}: every automatic check: {report:#}"
    );
    for c in &checks {
        let summary = c["summary"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: a check without a summary: {c:#}"));
        assert!(
            !summary.contains("did not finish"),
            "{what}: {} overran: {summary}",
            c["id"]
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_hostile_server_gets_a_complete_report() -> Result<()> {
    let hostile = Hostile::start(default_dist(), None).await?;
    let silent_ws = format!("ws://127.0.0.1:{}/", hostile.silent_ws_port);
    let browser = Browser::start(&[]).await?;
    let cases = ["trickle", "huge", "flood", "badutf8", "headers"];
    for path in cases {
        let url = format!("{}?socketio=/{path}/socket.io/", hostile.url());
        let started = Instant::now();
        let report = browser.run_page(&url, RUN_TIMEOUT).await?;
        let elapsed = started.elapsed();
        println!(
            "{path}: done in {:.1} s, findings {:?}, handshake: {}",
            elapsed.as_secs_f64(),
            finding_ids(&report),
            check(&report, "socketio-handshake")["summary"]
        );
        assert_complete(&report, path);
        assert_in_time(&report, elapsed, path);
        assert_ne!(
            check(&report, "socketio-handshake")["status"],
            "pass",
            "{path}"
        );
        assert!(
            !finding_ids(&report).is_empty(),
            "{path}: a finding names the problem: {report:#}"
        );
        let text = report.to_string();
        assert!(
            !text.contains("internal.corp") && !text.contains("hostileSID"),
            "{path}: no internal host names or session ids: {text:.2000}"
        );
    }
    let posts = hostile.counts.flood_posts.load(Ordering::SeqCst);
    // Each poll answers FLOOD_PINGS pings; the checks post a pong per poll
    // at most (and their namespace connects), not one per ping.
    assert!(
        posts < 100,
        "{posts} POSTs for floods of {FLOOD_PINGS} pings: one pong per poll at most"
    );

    // A WebSocket that opens and never speaks, from the operator's file.
    let hostile_ws = Hostile::start(
        default_dist(),
        Some(json!({"ws": silent_ws, "socketio": "/flood/socket.io/"}).to_string()),
    )
    .await?;
    let started = Instant::now();
    let report = browser.run_page(&hostile_ws.url(), RUN_TIMEOUT).await?;
    assert_complete(&report, "silent websocket");
    assert_in_time(&report, started.elapsed(), "silent websocket");

    // A WebSocket whose first message is 2 Mi characters: ended as "message
    // too big" (1009), the message never reaching a check.
    let loud_ws = format!("ws://127.0.0.1:{}/", hostile.loud_ws_port);
    let hostile_loud = Hostile::start(
        default_dist(),
        Some(json!({"ws": loud_ws, "socketio": "/flood/socket.io/"}).to_string()),
    )
    .await?;
    let started = Instant::now();
    let report = browser.run_page(&hostile_loud.url(), RUN_TIMEOUT).await?;
    assert_complete(&report, "loud websocket");
    assert_in_time(&report, started.elapsed(), "loud websocket");
    let loud = websocket_target(&report, &loud_ws);
    assert_eq!(loud["close"]["code"], 1009, "{loud:#}");
    browser.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_planted_in_links_and_turn_urls_survive_nowhere() -> Result<()> {
    let mut options = LabOptions::new(default_dist());
    options.config_json = Some(
        json!({"turn": [{"urls": ["turn:TURNUSERX:TURNPASSX@127.0.0.1:3478?transport=udp&key=TURNQUERYX"],
                         "username": "u", "credential": "c"}]})
        .to_string(),
    );
    let lab = Lab::start(options).await?;
    let own = lab.addr.to_string();
    let browser = Browser::start(&[]).await?;
    let url = format!(
        "{}?socketio=http://USERSECRETX:PASSSECRETX@{own}/socket.io/%3Fsid%3DSIDSECRETX%23FRAGSECRETX\
         &ws=/ws/PathSecret0123456789/x%3Ftoken%3DQUERYSECRETX%23FRAGSECRETY",
        lab.url()
    );
    let report = browser.run_page(&url, RUN_TIMEOUT).await?;
    let copy_text = browser
        .client()
        .execute(
            "return document.querySelector('#report-text').value;",
            vec![],
        )
        .await?;
    let link = browser
        .client()
        .execute(
            "return document.querySelector('#report-link').value;",
            vec![],
        )
        .await?;
    let page_text = browser.text().await?;
    browser.close().await;
    let link = link.as_str().expect("a link").to_owned();
    // The QR code encodes the link; its payload is the report it opens.
    let payload = serde_json::to_string(&share::decode(&link)?)?;
    let places = [
        ("JSON", report.to_string()),
        (
            "copy text",
            copy_text.as_str().expect("a copy text").to_owned(),
        ),
        ("link", link),
        ("link payload", payload),
        ("page", page_text),
    ];
    for secret in [
        "USERSECRETX",
        "PASSSECRETX",
        "SIDSECRETX",
        "FRAGSECRETX",
        "PathSecret0123456789",
        "QUERYSECRETX",
        "FRAGSECRETY",
        "TURNUSERX",
        "TURNPASSX",
        "TURNQUERYX",
    ] {
        for (place, text) in &places {
            assert!(!text.contains(secret), "{secret} leaked into the {place}");
        }
    }
    Ok(())
}
