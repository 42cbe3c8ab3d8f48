//! End to end, what a shared report never carries and who can read it:
//! secrets planted in a live run appear nowhere (copy text, link, page),
//! and axe-core finds no serious or critical accessibility violations, live
//! or shared.

use std::time::Duration;

use anyhow::{Context, Result};
use conncheck_core::share;
use conncheck_lab::browser::Browser;
use conncheck_lab::report_json::{open_shared, RUN_TIMEOUT};
use conncheck_lab::topology::{Backend, Proxy, Topology};
use conncheck_lab::{default_dist, workspace_dir, Lab, LabOptions};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread")]
async fn planted_secrets_appear_nowhere() -> Result<()> {
    let mut options = LabOptions::new(default_dist());
    options.config_json = Some(
        json!({"turn": [{"urls": ["turn:127.0.0.1:3478?transport=udp"], "username": "TURNUSER123", "credential": "TURNPASS123"}]}).to_string(),
    );
    let lab = Lab::start(options).await?;
    let browser = Browser::start(&[]).await?;
    let url = format!(
        "{}?ws=/live%3Ftoken%3DQUERYSECRET123&token=PAGESECRET123",
        lab.url()
    );
    browser.run_page(&url, RUN_TIMEOUT).await?;
    // A cookie the affinity check will see by name, then a fresh run.
    browser
        .client()
        .execute("document.cookie = 'io=COOKIESECRET123; path=/';", vec![])
        .await?;
    browser.click_action("run-again").await?;
    browser
        .wait_for_state("running", Duration::from_secs(5))
        .await?;
    browser.wait_for_state("done", RUN_TIMEOUT).await?;
    let report = browser.report().await?;
    let found: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "affinity-cookie")
        .unwrap()["data"]["found"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert_eq!(found, ["io"], "the planted cookie was seen, by name");
    assert_eq!(
        report["config"]["turn"],
        json!(["turn:127.0.0.1:3478?transport=udp"])
    );

    let json_text = report.to_string();
    let copy_text = browser.value_of("#report-text").await?;
    let link = browser.value_of("#report-link").await?;
    let from_link = serde_json::to_string(&share::decode(&link)?)?;
    let mut secrets: Vec<String> = [
        "TURNUSER123",
        "TURNPASS123",
        "QUERYSECRET123",
        "PAGESECRET123",
        "COOKIESECRET123",
    ]
    .map(String::from)
    .to_vec();
    let sids = lab.sids.lock().unwrap().clone();
    assert!(
        sids.len() >= 10,
        "the run used Engine.IO sessions: {sids:?}"
    );
    secrets.extend(sids);
    for secret in &secrets {
        for (place, text) in [
            ("JSON", &json_text),
            ("copy text", &copy_text),
            ("link", &link),
            ("link payload", &from_link),
        ] {
            assert!(
                !text.contains(secret.as_str()),
                "{secret} leaked into the {place}"
            );
        }
    }
    browser.close().await;
    Ok(())
}

/// axe-core's serious and critical violations on the current page. An
/// answer that is not axe-core's (an error, no list, no rule that passed)
/// is an error, never "no violations".
async fn axe_violations(browser: &Browser) -> Result<Vec<Value>> {
    let axe =
        std::fs::read_to_string(workspace_dir().join("tools/node_modules/axe-core/axe.min.js"))
            .context("axe-core is installed by scripts/setup.sh")?;
    browser.client().execute(&axe, vec![]).await?;
    let result = browser
        .client()
        .execute_async("const done = arguments[0]; axe.run(document).then(r => ({violations: r.violations, passes: r.passes && r.passes.length})).then(done, e => done({error: String(e)}));", vec![])
        .await?;
    let shown = result.to_string();
    let violations = result["violations"]
        .as_array()
        .with_context(|| format!("axe-core gave no violations list: {shown:.400}"))?;
    let passes = result["passes"].as_u64().unwrap_or(0);
    anyhow::ensure!(passes > 0, "axe-core checked nothing: {shown:.400}");
    Ok(violations
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .cloned()
        .collect())
}

#[tokio::test(flavor = "multi_thread")]
async fn no_serious_accessibility_violations_live_or_shared() -> Result<()> {
    let topology = Topology::start(
        Proxy::NoUpgrade,
        Backend::Node(conncheck_lab::node::NodeMode::Healthy),
    )
    .await?;
    let browser = Browser::start(&[]).await?;
    browser
        .run_page(&topology.page_url(""), RUN_TIMEOUT)
        .await?;
    let live = axe_violations(&browser).await?;
    assert!(live.is_empty(), "live run: {:#}", json!(live.iter().map(|v| json!({"id": v["id"], "help": v["help"], "nodes": v["nodes"].as_array().map(|n| n.len())})).collect::<Vec<_>>()));
    let link = browser.value_of("#report-link").await?;
    open_shared(&browser, &link).await?;
    let shared = axe_violations(&browser).await?;
    assert!(
        shared.is_empty(),
        "support view: {:#}",
        json!(shared
            .iter()
            .map(|v| json!({"id": v["id"], "help": v["help"]}))
            .collect::<Vec<_>>())
    );
    browser.close().await;
    Ok(())
}
