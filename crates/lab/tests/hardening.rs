//! Hardening, end to end: the page as operators deploy it (the nginx snippet
//! of `deploy/nginx/`, with its strict Content-Security-Policy) raises no
//! CSP violation; a server that accepts connections and never answers still
//! gets a complete report; bad configuration gets a clear answer.

use std::io::{Read, Write};

use anyhow::{Context, Result};
use conncheck_lab::browser::Browser;
use conncheck_lab::node::NodeMode;
use conncheck_lab::report_json::{check, finding_ids, FAKE_DEVICES, RUN_TIMEOUT};
use conncheck_lab::topology::{Backend, Proxy, Topology};
use conncheck_lab::{default_dist, Lab, LabOptions, Silent};
use serde_json::{json, Value};

/// The status line and headers (names lowercased) nginx answers for `path`.
fn head(port: u16, path: &str, accept_encoding: &str) -> Result<(u16, Vec<(String, String)>)> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5)))?;
    write!(
        stream,
        "HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: {accept_encoding}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let mut lines = answer.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("no status line in {answer:?}"))?;
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok((status, headers))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The hashed wasm file of the built page, as index.html names it.
fn wasm_name() -> Result<String> {
    let dist = default_dist();
    std::fs::read_dir(&dist)?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|n| n.ends_with("_bg.wasm"))
        .with_context(|| format!("no _bg.wasm in {}", dist.display()))
}

/// Chromium's fake permission prompt, which grants: only this test's
/// browser has it, so the camera and microphone test really captures.
const FAKE_GRANT: &str = "--use-fake-ui-for-media-stream";

/// The automatic checks, in the page's order, then none other.
const EVERY_CHECK: [&str; 8] = [
    "secure-context",
    "websocket",
    "socketio-handshake",
    "socketio-upgrade",
    "sticky-session",
    "affinity-cookie",
    "media",
    "webrtc",
];

/// After the media test's button: the report once the media check has a
/// tested result (it may end faster than a look at the state, and the
/// state's `done` before the click would pass a wait for `done`).
async fn media_tested(browser: &Browser) -> Result<Value> {
    let tested = "const r = document.body.getAttribute('data-conncheck-state') === 'done'
            && JSON.parse(document.getElementById('report-json').textContent || '{}');
        return !!r && r.checks.some(c => c.id === 'media' && c.data.tested === true);";
    let done = browser.poll(tested, RUN_TIMEOUT, |v| v == true).await?;
    anyhow::ensure!(done == true, "the media test did not finish");
    browser.report().await
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_snippet_serves_the_page_under_a_strict_csp_without_violations() -> Result<()> {
    let topology = Topology::start(Proxy::Healthy, Backend::Node(NodeMode::Healthy)).await?;
    let port = topology.nginx.port;

    // What the snippet answers.
    let (status, page) = head(port, "/conncheck/", "")?;
    assert_eq!(status, 200);
    let csp = header(&page, "content-security-policy").context("no CSP header")?;
    for directive in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(header(&page, "x-content-type-options"), Some("nosniff"));
    assert_eq!(header(&page, "referrer-policy"), Some("no-referrer"));
    assert_eq!(header(&page, "cache-control"), Some("no-cache"));
    let (status, moved) = head(port, "/conncheck", "")?;
    assert_eq!((status, header(&moved, "location").is_some()), (301, true));
    let (_, config) = head(port, "/conncheck/conncheck.json", "")?;
    assert_eq!(header(&config, "content-type"), Some("application/json"));
    assert_eq!(header(&config, "cache-control"), Some("no-cache"));
    let wasm = format!("/conncheck/{}", wasm_name()?);
    let (status, asset) = head(port, &wasm, "gzip, br")?;
    assert_eq!(status, 200);
    assert_eq!(header(&asset, "content-type"), Some("application/wasm"));
    assert_eq!(header(&asset, "content-encoding"), Some("gzip"));
    assert!(
        header(&asset, "cache-control")
            .is_some_and(|c| c.starts_with("max-age=") && c != "max-age=0"),
        "{asset:?}"
    );
    assert!(
        header(&asset, "content-security-policy").is_some(),
        "the headers also reach the hashed assets"
    );

    // The page under that header: every check runs, nothing is blocked.
    // The fake prompt grants the camera and microphone, so the media test
    // takes its granted path (capture, preview, level meter) under the CSP.
    let browser = Browser::start(&[FAKE_DEVICES, FAKE_GRANT]).await?;
    browser.watch_csp_violations().await?;
    let report = browser
        .run_page(&topology.page_url(""), RUN_TIMEOUT)
        .await
        .map_err(|e| e.context(topology.nginx.error_log()))?;
    assert_eq!(finding_ids(&report), Vec::<&str>::new(), "{report:#}");
    for id in ["websocket", "socketio-handshake", "socketio-upgrade"] {
        assert_eq!(check(&report, id)["status"], "pass", "{id}");
    }
    browser.click_action("media-test").await?;
    let report = media_tested(&browser).await?;
    let ran: Vec<&str> = report["checks"]
        .as_array()
        .context("a checks list")?
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(ran, EVERY_CHECK, "{report:#}");
    let media = check(&report, "media");
    assert_eq!(media["status"], "pass", "the granted path: {media:#}");
    assert!(
        media["data"]["video"]["track"]["width"].as_u64() > Some(0),
        "a real capture: {media:#}"
    );
    assert_eq!(browser.csp_violations().await?, Vec::<String>::new());

    // The watcher sees what this CSP blocks: an inline script (stopped by
    // Trusted Types, before script-src) and an inline style.
    browser
        .client()
        .execute(
            "try { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s); } catch (e) {}\
             document.body.setAttribute('style', 'color: red');",
            vec![],
        )
        .await?;
    let seen = browser.csp_violations().await?;
    browser.close().await;
    for expected in [
        "require-trusted-types-for blocked trusted-types-sink",
        "style-src-attr blocked inline",
    ] {
        assert!(
            seen.iter().any(|v| v.starts_with(expected)),
            "{expected}: {seen:?}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_never_answers_still_gets_a_complete_report() -> Result<()> {
    let silent = Silent::start().await?;
    let origin = silent.origin();
    let config = json!({
        "allow_origins": [origin],
        "ws": format!("ws://127.0.0.1:{}/ws", silent.port),
        "livekit": origin,
        "stun": [format!("stun:127.0.0.1:{}", silent.port)],
    });
    let mut options = LabOptions::new(default_dist());
    options.config_json = Some(config.to_string());
    let lab = Lab::start(options).await?;
    let browser = Browser::start(&[]).await?;
    // The Socket.IO endpoint from the link: allowed, since the file lists its origin.
    let url = format!("{}?socketio={origin}/socket.io/&lifetime=5", lab.url());
    let report = browser.run_page_settled(&url, RUN_TIMEOUT).await?;
    let text = browser.text().await?;
    browser.close().await;

    assert_eq!(
        report["config"]["errors"],
        Value::Null,
        "{:#}",
        report["config"]
    );
    let checks = report["checks"].as_array().unwrap();
    assert!(checks.len() >= 8, "every automatic check: {report:#}");
    for c in checks {
        let summary = c["summary"].as_str().expect("a summary");
        assert!(
            !summary.contains("did not finish"),
            "{} was stopped by the driver's cap, not its own timeouts: {summary}",
            c["id"]
        );
    }
    for c in checks {
        println!(
            "{} {} {} ms: {}",
            c["id"], c["status"], c["duration_ms"], c["summary"]
        );
    }
    for id in [
        "websocket",
        "socketio-handshake",
        "socketio-upgrade",
        "connection-lifetime",
    ] {
        assert_eq!(
            check(&report, id)["status"],
            "fail",
            "{:#}",
            check(&report, id)
        );
    }
    // It asks no more after an unanswered handshake: one session, not six.
    let sticky = check(&report, "sticky-session");
    assert_eq!(
        (
            sticky["status"].as_str(),
            sticky["data"]["with_cookies"]["sessions"].as_u64()
        ),
        (Some("skip"), Some(1))
    );
    assert_ne!(check(&report, "webrtc")["status"], "pass");
    assert!(
        finding_ids(&report).contains(&"socketio-unreachable"),
        "{report:#}"
    );
    assert!(text.contains("Copy report"), "{text}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_config_file_is_named_and_the_defaults_still_run() -> Result<()> {
    let mut options = LabOptions::new(default_dist());
    options.config_json = Some("{\"socketio\": \"/socket.io/\", \"lifetime\": ".into());
    let lab = Lab::start(options).await?;
    let browser = Browser::start(&[]).await?;
    let report = browser.run_page(&lab.url(), RUN_TIMEOUT).await?;
    let text = browser.text().await?;
    browser.close().await;
    assert_eq!(report["config"]["file"], "invalid");
    let error = &report["config"]["errors"][0];
    assert_eq!(error["key"], "conncheck.json");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("is not valid JSON"),
        "{error}"
    );
    assert_eq!(check(&report, "socketio-handshake")["status"], "pass");
    assert!(
        text.contains("conncheck.json") && text.contains("is not valid JSON"),
        "{text}"
    );
    Ok(())
}
