//! End to end, camera, microphone and WebRTC: Chromium's fake devices for
//! the granted path, a denied prompt, an insecure origin, and ICE gathering
//! against coturn on loopback (and against servers that do not answer).

use std::time::Duration;

use anyhow::Result;
use conncheck_lab::browser::Browser;
use conncheck_lab::report_json::{check, finding_ids, FAKE_DEVICES, RUN_TIMEOUT};
use conncheck_lab::turn::{Turn, PASSWORD, USER};
use conncheck_lab::{default_dist, free_port, Lab, LabOptions};
use serde_json::{json, Value};

async fn lab_with(config_json: Option<String>) -> Result<Lab> {
    let mut options = LabOptions::new(default_dist());
    options.config_json = config_json;
    Lab::start(options).await
}

/// Runs the page, then the camera and microphone test from its button.
async fn media_test(browser: &Browser, url: &str) -> Result<Value> {
    browser.run_page(url, RUN_TIMEOUT).await?;
    browser.click_action("media-test").await?;
    // It may end faster than a look at the state: wait for its result.
    let tested = "const r = document.body.getAttribute('data-conncheck-state') === 'done'
            && JSON.parse(document.getElementById('report-json').textContent || '{}');
        return !!r && r.checks.some(c => c.id === 'media' && c.data.tested === true);";
    let done = browser
        .poll(tested, Duration::from_secs(90), |v| v == true)
        .await?;
    anyhow::ensure!(done == true, "the media test did not finish");
    browser.report().await
}

#[tokio::test(flavor = "multi_thread")]
async fn granted_devices_preview_then_stop_and_report_no_labels() -> Result<()> {
    let lab = lab_with(None).await?;
    let browser = Browser::start(&[FAKE_DEVICES, "--use-fake-ui-for-media-stream"]).await?;
    browser.run_page(&lab.url(), RUN_TIMEOUT).await?;
    browser.click_action("media-test").await?;
    browser
        .wait_for_state("running", Duration::from_secs(5))
        .await?;
    // While it runs: a playing preview and a live level meter.
    let preview = "const v = document.querySelector('video.preview'); const m = document.getElementById('mic-meter');
        return v && m ? {width: v.videoWidth, meter: m.value} : null;";
    let seen = browser
        .poll(preview, Duration::from_secs(5), |v| {
            v["width"].as_u64().unwrap_or(0) > 0
        })
        .await?;
    assert!(
        seen["width"].as_u64().unwrap_or(0) > 0,
        "the camera preview plays: {seen}"
    );
    // Chromium's fake microphone beeps once a second: the meter must move.
    let meter = "const m = document.getElementById('mic-meter'); return m ? m.value : 0;";
    let level = browser
        .poll(meter, Duration::from_secs(3), |v| {
            v.as_f64().unwrap_or(0.0) > 0.0
        })
        .await?;
    let loudest = level.as_f64().unwrap_or(0.0);
    assert!(loudest > 0.0, "the microphone level meter shows sound");
    browser
        .wait_for_state("done", Duration::from_secs(90))
        .await?;
    let report = browser.report().await?;
    let media = check(&report, "media");
    assert_eq!(media["status"], "pass", "{media:#}");
    assert!(media["data"]["video"]["track"]["width"].as_u64().unwrap() > 0);
    assert!(
        media["data"]["audio"]["track"]["sample_rate"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert_eq!(
        media["data"]["after"]["labels_visible"], true,
        "labels became visible to the page..."
    );
    let text = report.to_string().to_lowercase();
    assert!(
        !text.contains("fake_device")
            && !text.contains("fake default")
            && !text.contains("deviceid"),
        "...but never reach the report"
    );
    let left = browser
        .client()
        .execute(
            "return document.querySelectorAll('video.preview, #mic-meter').length;",
            vec![],
        )
        .await?;
    assert_eq!(left, 0, "tracks stopped, preview gone");
    assert_eq!(finding_ids(&report), Vec::<&str>::new());
    browser.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn denied_prompt_is_media_permission_denied() -> Result<()> {
    let lab = lab_with(None).await?;
    let browser = Browser::start(&[FAKE_DEVICES, "--deny-permission-prompts"]).await?;
    let report = media_test(&browser, &lab.url()).await?;
    browser.close().await;
    let media = check(&report, "media");
    assert_eq!(media["status"], "fail", "{media:#}");
    assert_eq!(media["data"]["video"]["error"]["name"], "NotAllowedError");
    assert_eq!(finding_ids(&report), ["media-permission-denied"]);
    assert_eq!(report["findings"][0]["fix_by"], "user");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn insecure_origin_reports_media_unavailable_for_that_reason() -> Result<()> {
    let lab = lab_with(None).await?;
    let browser = Browser::start(&[
        FAKE_DEVICES,
        "--use-fake-ui-for-media-stream",
        "--host-resolver-rules=MAP conncheck.test 127.0.0.1",
    ])
    .await?;
    let url = format!("http://conncheck.test:{}/", lab.addr.port());
    let report = media_test(&browser, &url).await?;
    browser.close().await;
    let media = check(&report, "media");
    assert_eq!(media["status"], "fail");
    assert_eq!(media["data"]["secure_context"], false);
    assert!(
        media["summary"]
            .as_str()
            .unwrap()
            .contains("not a secure context"),
        "{media:#}"
    );
    assert_eq!(finding_ids(&report), ["insecure-context"]);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn ice_gathering_against_coturn_udp_and_tcp() -> Result<()> {
    let turn = Turn::start().await?;
    let lab = lab_with(Some(turn.config_json())).await?;
    let browser = Browser::start(&[]).await?;
    let report = browser.run_page(&lab.url(), RUN_TIMEOUT).await?;
    browser.close().await;
    let webrtc = check(&report, "webrtc");
    assert_eq!(webrtc["status"], "pass", "{webrtc:#}");
    let gatherings = webrtc["data"]["gatherings"].as_array().unwrap();
    let kinds = |g: &Value, kind: &str| {
        g["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == kind)
            .count()
    };
    assert!(
        kinds(&gatherings[1], "srflx") > 0,
        "STUN answered over UDP: {:#}",
        gatherings[1]
    );
    let relay_protocols: Vec<&str> = gatherings[2..]
        .iter()
        .flat_map(|g| g["candidates"].as_array().unwrap())
        .filter_map(|c| c["relay_protocol"].as_str())
        .collect();
    assert!(
        relay_protocols.contains(&"udp") && relay_protocols.contains(&"tcp"),
        "relays over UDP and TCP: {relay_protocols:?}"
    );
    assert_eq!(finding_ids(&report), Vec::<&str>::new());
    let text = report.to_string();
    assert!(
        !text.contains(PASSWORD) && !text.contains(USER),
        "no TURN credentials in the report"
    );
    assert!(
        !text.contains(".local") && !text.contains("candidate:"),
        "no candidate addresses in the report"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn unanswered_stun_and_turn_and_refused_credentials() -> Result<()> {
    let turn = Turn::start().await?;
    let closed = free_port()?;
    let config = json!({
        "stun": [format!("stun:127.0.0.1:{closed}")],
        "turn": [
            {"urls": [format!("turn:127.0.0.1:{}?transport=udp", turn.port)], "username": USER, "credential": "wrong-password"},
            {"urls": [format!("turns:127.0.0.1:{closed}?transport=tcp")], "username": USER, "credential": PASSWORD},
        ],
    });
    let lab = lab_with(Some(config.to_string())).await?;
    let browser = Browser::start(&[]).await?;
    let report = browser.run_page(&lab.url(), RUN_TIMEOUT).await?;
    browser.close().await;
    assert_eq!(
        finding_ids(&report),
        ["udp-blocked", "turn-unreachable", "turn-tls-unavailable"],
        "{:#}",
        check(&report, "webrtc")
    );
    let unreachable = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "turn-unreachable")
        .unwrap();
    assert_eq!(
        unreachable["fix_by"], "operator",
        "credentials refused: the operator fixes it"
    );
    assert!(!report.to_string().contains("wrong-password"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn livekit_reachability_without_credentials() -> Result<()> {
    let target = lab_with(None).await?;
    let closed = free_port()?;
    for (url, answers) in [
        (target.url(), true),
        (format!("http://127.0.0.1:{closed}/"), false),
    ] {
        let lab = lab_with(Some(json!({"livekit": url}).to_string())).await?;
        let browser = Browser::start(&[]).await?;
        let report = browser.run_page(&lab.url(), RUN_TIMEOUT).await?;
        browser.close().await;
        let livekit = &check(&report, "webrtc")["data"]["livekit"];
        assert_eq!(livekit["answered"], answers, "{url}: {livekit:#}");
        assert_eq!(
            livekit["websocket"], "closed",
            "{url}: a tokenless upgrade never opens"
        );
    }
    Ok(())
}
