//! The built page in headless Chromium, served by the image's runtime
//! configuration (deploy_support/image.rs: the image's nginx.conf and
//! rendered template in Debian's nginx) at a prefix set at deploy time,
//! with its Socket.IO endpoint on another origin that only
//! `CONNCHECK_CONNECT_SRC` lets the CSP reach: every check passes without
//! a CSP violation, and without that setting the browser blocks them.

mod deploy_support;

use anyhow::Result;
use conncheck_lab::browser::Browser;
use conncheck_lab::node::{NodeBackend, NodeMode, NodeSettings};
use conncheck_lab::report_json::{check, finding_ids, RUN_TIMEOUT};
use conncheck_lab::{default_dist, free_port};
use deploy_support::image::Container;

/// The page at /support/check/ of the image, Socket.IO on a Node pod of
/// its own origin, which `CONNCHECK_CONNECT_SRC` names when `allowed`.
async fn run(allowed: bool) -> Result<(serde_json::Value, Vec<String>)> {
    let page_port = free_port()?;
    let page_origin = format!("http://127.0.0.1:{page_port}");
    let settings = NodeSettings {
        cors_origin: Some(page_origin.clone()),
        ..NodeSettings::default()
    };
    let node = NodeBackend::start(NodeMode::Healthy, "/socket.io", "pod-0", &settings).await?;
    let api = format!("http://127.0.0.1:{}", node.port);

    let container = Container::with_dist(&default_dist())?;
    std::fs::create_dir_all(container.path("/etc/conncheck"))?;
    let config = serde_json::json!({
        "socketio": format!("{api}/socket.io/"),
        "allow_origins": [api],
    });
    std::fs::write(
        container.path("/etc/conncheck/conncheck.json"),
        config.to_string(),
    )?;
    let connect_src = match allowed {
        true => format!("{api} ws://127.0.0.1:{}", node.port),
        false => String::new(),
    };
    let env = [
        ("CONNCHECK_PATH", "/support/check"),
        ("CONNCHECK_CONNECT_SRC", connect_src.as_str()),
    ];
    let nginx = container.start_on(page_port, &env).await?;

    let browser = Browser::start(&[]).await?;
    browser.watch_csp_violations().await?;
    let report = browser
        .run_page(&format!("{page_origin}/support/check/"), RUN_TIMEOUT)
        .await
        .map_err(|e| e.context(nginx.error_log()))?;
    let violations = browser.csp_violations().await?;
    browser.close().await;
    nginx.stop().await;
    Ok((report, violations))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_runs_at_a_deploy_time_prefix_and_reaches_the_origins_allowed() -> Result<()> {
    let (report, violations) = run(true).await?;
    assert_eq!(violations, Vec::<String>::new());
    assert_eq!(finding_ids(&report), Vec::<&str>::new(), "{report:#}");
    for id in ["websocket", "socketio-handshake", "socketio-upgrade"] {
        assert_eq!(check(&report, id)["status"], "pass", "{id}");
    }
    assert_eq!(report["config"]["file"], "loaded", "from /etc/conncheck");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_connect_src_setting_the_csp_blocks_the_other_origin() -> Result<()> {
    let (report, violations) = run(false).await?;
    assert!(
        violations
            .iter()
            .any(|v| v.starts_with("connect-src blocked")),
        "{violations:?}"
    );
    assert_eq!(check(&report, "socketio-handshake")["status"], "fail");
    Ok(())
}
