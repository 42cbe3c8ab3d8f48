//! The three browser engines a support link opens in, each behind its W3C
//! WebDriver server: Chromium (chromedriver), Firefox ESR (geckodriver) and
//! WebKitGTK (WebKitWebDriver launching MiniBrowser on a private Xvfb
//! display: it needs one). [`crate::browser::Browser`] drives them alike.

use std::process::Stdio;

use anyhow::{bail, Context, Result};
use serde_json::{json, Map, Value};
use tokio::io::AsyncBufReadExt;
use tokio::process::{Child, Command};

use crate::browser::Browser;
use crate::report_json::RUN_TIMEOUT;
use crate::scenarios::{scenario, Scenario};
use crate::topology::Topology;
use crate::{free_port, wait_for_port};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Chromium,
    Firefox,
    Webkit,
}

/// What a launch asks of the browser besides its engine's standard flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Devices {
    /// The engine's fake camera and microphone (a user's machine has
    /// devices, this one does not).
    pub fake: bool,
    /// Grant camera and microphone without a prompt.
    pub granted: bool,
}

pub const FIREFOX: &str = "/usr/bin/firefox-esr";
pub const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

impl Engine {
    pub const ALL: [Engine; 3] = [Engine::Chromium, Engine::Firefox, Engine::Webkit];

    pub fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::Webkit => "webkit",
        }
    }

    pub fn from_name(name: &str) -> Result<Engine> {
        match Engine::ALL.iter().find(|e| e.name() == name) {
            Some(engine) => Ok(*engine),
            None => bail!("unknown browser {name:?}; known: chromium, firefox, webkit"),
        }
    }
}

/// One automatic run of the named scenario in a fresh topology and a fresh
/// `engine` browser with fake devices (a new user's empty cookie jar), as
/// [`crate::report_json::run_named`] does in Chromium.
pub async fn run_named_in(engine: Engine, name: &str) -> Result<(Value, &'static Scenario)> {
    let scenario = scenario(name)?;
    let topology = Topology::start(scenario.proxy, scenario.backend).await?;
    let devices = Devices {
        fake: true,
        granted: false,
    };
    let browser = Browser::start_engine(engine, devices).await?;
    let url = topology.page_url(scenario.query);
    let report = if scenario.observes_after_report() {
        browser.run_page_settled(&url, RUN_TIMEOUT).await
    } else {
        browser.run_page(&url, RUN_TIMEOUT).await
    };
    browser.close().await;
    let report = report.map_err(|e| e.context(topology.error_log()))?;
    Ok((report, scenario))
}

/// A WebDriver server for a non-Chromium engine, listening on `port`;
/// `display` is the Xvfb server WebKitGTK draws on.
pub(crate) struct Driver {
    pub child: Child,
    pub display: Option<Child>,
    pub port: u16,
}

async fn spawn_driver(mut command: Command, port: u16, what: &str) -> Result<Child> {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("cannot start {what} (installed by scripts/setup.sh)"))?;
    wait_for_port(port, what, || match child.try_wait()? {
        Some(status) => bail!("{what} exited at start: {status}"),
        None => Ok(()),
    })
    .await?;
    Ok(child)
}

/// geckodriver on a free port; Firefox's own remote agent (which it starts
/// Firefox with) on another, so that parallel tests never share one.
pub(crate) async fn geckodriver() -> Result<Driver> {
    let port = free_port()?;
    let mut command = Command::new("geckodriver");
    command
        .arg(format!("--port={port}"))
        .arg(format!("--websocket-port={}", free_port()?));
    let child = spawn_driver(command, port, "geckodriver").await?;
    Ok(Driver {
        child,
        display: None,
        port,
    })
}

/// Headless Firefox ESR in a fresh profile (geckodriver makes one per
/// session); fake devices through the `media.navigator` preferences.
pub(crate) fn firefox_capabilities(devices: Devices) -> Map<String, Value> {
    let mut prefs = Map::new();
    if devices.fake {
        prefs.insert("media.navigator.streams.fake".into(), json!(true));
    }
    if devices.granted {
        prefs.insert("media.navigator.permission.disabled".into(), json!(true));
    }
    object(json!({
        "browserName": "firefox",
        "moz:firefoxOptions": {
            "binary": FIREFOX,
            "args": ["-headless", "-width=1000", "-height=1400"],
            "prefs": prefs,
        },
    }))
}

/// An Xvfb display of its own (`-displayfd`: the server picks a free
/// number and says which), then WebKitWebDriver drawing there.
pub(crate) async fn webkit_driver() -> Result<Driver> {
    let mut display = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-nolisten",
            "tcp",
            "-screen",
            "0",
            "1000x1400x24",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("cannot start Xvfb (Debian xvfb, installed by scripts/setup.sh)")?;
    let stdout = display.stdout.take().context("Xvfb's stdout")?;
    let mut line = String::new();
    let mut reader = tokio::io::BufReader::new(stdout);
    let read = reader.read_line(&mut line);
    tokio::time::timeout(std::time::Duration::from_secs(10), read)
        .await
        .context("Xvfb did not name its display within 10 s")??;
    let number: u32 = line
        .trim()
        .parse()
        .with_context(|| format!("Xvfb named no display: {line:?}"))?;
    let port = free_port()?;
    let mut command = Command::new("WebKitWebDriver");
    command
        .arg(format!("--port={port}"))
        .env("DISPLAY", format!(":{number}"));
    let child = spawn_driver(command, port, "WebKitWebDriver").await?;
    Ok(Driver {
        child,
        display: Some(display),
        port,
    })
}

/// MiniBrowser in automation mode (a fresh, ephemeral data store per
/// session) with WebRTC on, as Safari has it (WebKitGTK's default is off:
/// no `RTCPeerConnection`); WebKitGTK's mock capture devices for the fake
/// ones. Automation grants capture without a prompt, whatever `granted`.
pub(crate) fn webkit_capabilities(devices: Devices) -> Map<String, Value> {
    let mut args = vec!["--automation".to_owned(), "--enable-webrtc=true".to_owned()];
    if devices.fake {
        args.push("--enable-media-stream=true".into());
        args.push("--enable-mock-capture-devices=true".into());
    }
    object(json!({
        "webkitgtk:browserOptions": { "binary": MINIBROWSER, "args": args },
    }))
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
