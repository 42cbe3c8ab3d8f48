//! A browser driven through W3C WebDriver, for the end-to-end tests and
//! benchmarks: headless Chromium through chromedriver by default, Firefox ESR
//! or WebKitGTK ([`crate::engine`]) on request. Open the page, wait for the
//! automation hook `data-conncheck-state="done"`, read `#report-json`.

mod chromium;

use std::time::Duration;

use anyhow::{bail, Context, Result};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::Value;
use tokio::process::Child;

use crate::engine::{self, Devices, Engine};
pub use chromium::CHROMIUM;

/// Installed before every page's first script: keeps `#report-json` as it
/// was when the first report was complete (`data-conncheck-reports` at
/// least 1, or the first `data-conncheck-state="done"` of a page without
/// that hook), which a user can copy at once; observations that continue
/// afterwards take the state back to `running`, maybe before any poll.
const FIRST_DONE: &str = "window.__firstReport = null;\
new MutationObserver(() => {\
  const body = document.body;\
  const complete = body && (Number(body.dataset.conncheckReports || 0) >= 1 || body.dataset.conncheckState === 'done');\
  if (window.__firstReport === null && complete) {\
    const json = document.getElementById('report-json');\
    window.__firstReport = json ? json.textContent : '';\
    window.__firstReportAt = performance.now();\
  }\
}).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-conncheck-state', 'data-conncheck-reports'] });";
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// [`FIRST_DONE`] for an engine without init scripts, run just after the
/// navigation: refuses (`late`) when the first report is already complete.
const WATCH_AFTER_LOAD: &str = "const b = document.body;\
if (b && (Number(b.dataset.conncheckReports || 0) >= 1 || b.dataset.conncheckState === 'done')) return 'late';";

pub struct Browser {
    client: Client,
    driver: Child,
    engine: Engine,
    _display: Option<Child>,
    /// Chromium's `--user-data-dir`; geckodriver and MiniBrowser make their own.
    _profile: Option<tempfile::TempDir>,
}

impl Browser {
    /// A fresh browser of `engine` with its standard flags and `devices`;
    /// Chromium's is exactly [`Browser::start`]'s.
    pub async fn start_engine(engine: Engine, devices: Devices) -> Result<Browser> {
        let (driver, caps) = match engine {
            Engine::Chromium => {
                let mut args = Vec::new();
                if devices.fake {
                    args.push(crate::report_json::FAKE_DEVICES);
                }
                if devices.granted {
                    args.push("--use-fake-ui-for-media-stream");
                }
                return Browser::start(&args).await;
            }
            Engine::Firefox => (
                engine::geckodriver().await?,
                engine::firefox_capabilities(devices),
            ),
            Engine::Webkit => (
                engine::webkit_driver().await?,
                engine::webkit_capabilities(devices),
            ),
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .with_context(|| format!("no {} session", engine.name()))?;
        Ok(Browser {
            client,
            driver: driver.child,
            engine,
            _display: driver.display,
            _profile: None,
        })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `url` and returns the report as it was when the automatic
    /// checks were first done.
    pub async fn run_page(&self, url: &str, timeout: Duration) -> Result<Value> {
        self.client.goto(url).await?;
        if self.engine != Engine::Chromium {
            let script = format!("{WATCH_AFTER_LOAD}{FIRST_DONE} return 'watching';");
            let watching = self.client.execute(&script, vec![]).await?;
            if watching != "watching" {
                bail!("the first report was complete before the page's load ended: not observed");
            }
        }
        let script = "return window.__firstReport;";
        let first = self.poll(script, timeout, |v| v.is_string()).await?;
        let Some(text) = first.as_str() else {
            let text = self.text().await?;
            bail!("the page was not done after {timeout:?}; it shows: {text}")
        };
        serde_json::from_str(text).with_context(|| format!("#report-json is not JSON: {text:.200}"))
    }

    /// The page's clock (`performance.now()`, 0 = navigation start) when
    /// [`run_page`](Self::run_page) saw its first complete report.
    pub async fn first_report_ms(&self) -> Result<Option<f64>> {
        let at = self
            .client
            .execute("return window.__firstReportAt || null;", vec![])
            .await?;
        Ok(at.as_f64())
    }

    /// [`run_page`](Self::run_page), then waits until nothing is observed
    /// any more (`done`) and returns the report as it is then.
    pub async fn run_page_settled(&self, url: &str, timeout: Duration) -> Result<Value> {
        self.run_page(url, timeout).await?;
        self.wait_for_state("done", timeout).await?;
        self.report().await
    }

    /// Waits, bounded by `timeout`, until `<body data-conncheck-state>` is `state`.
    pub async fn wait_for_state(&self, state: &str, timeout: Duration) -> Result<()> {
        let script = "return document.body && document.body.getAttribute('data-conncheck-state');";
        let last = self.poll(script, timeout, |v| v == state).await?;
        if last == state {
            return Ok(());
        }
        let text = self.text().await?;
        bail!("page state is {last} after {timeout:?}, not {state:?}; the page shows: {text}")
    }

    /// Evaluates `script` every 100 ms until `done` holds for its value, for
    /// at most `timeout`; returns the last value either way.
    pub async fn poll(
        &self,
        script: &str,
        timeout: Duration,
        done: impl Fn(&Value) -> bool,
    ) -> Result<Value> {
        let attempts = (timeout.as_millis() / POLL_INTERVAL.as_millis()).max(1);
        let mut last = Value::Null;
        for _ in 0..attempts {
            last = self.client.execute(script, vec![]).await?;
            if done(&last) {
                break;
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
        Ok(last)
    }

    /// Presses the control with `data-action="NAME"` (docs/contracts.md, automation hooks).
    pub async fn click_action(&self, name: &str) -> Result<()> {
        let css = format!("[data-action={name}]");
        self.client
            .find(fantoccini::Locator::Css(&css))
            .await?
            .click()
            .await?;
        Ok(())
    }

    /// The text of `#report-json`, parsed.
    pub async fn report(&self) -> Result<Value> {
        let text = self
            .client
            .execute(
                "return document.getElementById('report-json').textContent;",
                vec![],
            )
            .await?;
        let text = text.as_str().context("#report-json has no text")?;
        serde_json::from_str(text).with_context(|| format!("#report-json is not JSON: {text:.200}"))
    }

    /// The value of the form field `css` selects (`#report-link`, say).
    pub async fn value_of(&self, css: &str) -> Result<String> {
        let script = format!("return document.querySelector({css:?}).value;");
        let value = self.client.execute(&script, vec![]).await?;
        value.as_str().map(str::to_owned).context("no value")
    }

    /// The visible text of the page.
    pub async fn text(&self) -> Result<String> {
        let text = self
            .client
            .execute("return document.body.innerText;", vec![])
            .await?;
        Ok(text.as_str().unwrap_or_default().to_owned())
    }

    pub async fn screenshot(&self, path: &std::path::Path) -> Result<()> {
        std::fs::write(path, self.client.screenshot().await?)?;
        Ok(())
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
    }
}
