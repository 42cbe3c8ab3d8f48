//! Headless Chromium driven through chromedriver (WebDriver), for the
//! end-to-end tests and benchmarks: open the page, wait for the automation
//! hook `data-conncheck-state="done"`, read `#report-json`.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use tokio::process::{Child, Command};

use crate::{free_port, wait_for_port};

/// `POST /session/{id}/goog/cdp/execute`, chromedriver's door to the
/// DevTools protocol.
#[derive(Debug)]
struct CdpCommand(Value);

impl WebDriverCompatibleCommand for CdpCommand {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.0.to_string()))
    }
}

pub const CHROMIUM: &str = "/usr/bin/chromium";
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
  }\
}).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-conncheck-state', 'data-conncheck-reports'] });";
const POLL_INTERVAL: Duration = Duration::from_millis(100);

pub struct Browser {
    client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium with `extra_args`
    /// added to the standard flags.
    pub async fn start(extra_args: &[&str]) -> Result<Browser> {
        let port = free_port()?;
        let mut driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("cannot start chromedriver (installed by scripts/setup.sh)")?;
        wait_for_port(port, "chromedriver", || match driver.try_wait()? {
            Some(status) => bail!("chromedriver exited at start: {status}"),
            None => Ok(()),
        })
        .await?;

        let profile = tempfile::tempdir()?;
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        if !extra_args.iter().any(|a| a.starts_with("--window-size=")) {
            args.push("--window-size=1000,1400".into());
        }
        args.extend(extra_args.iter().map(|s| s.to_string()));
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
        });
        let Value::Object(caps) = caps else {
            unreachable!("a JSON object literal")
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("chromedriver did not start a Chromium session")?;
        let browser = Browser {
            client,
            driver,
            _profile: profile,
        };
        browser
            .cdp(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": FIRST_DONE }),
            )
            .await?;
        Ok(browser)
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Runs a Chrome DevTools Protocol command (through chromedriver's
    /// `goog/cdp/execute`) and returns its result.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        let command = CdpCommand(json!({ "cmd": cmd, "params": params }));
        let answer = self
            .client
            .issue_cmd(command)
            .await
            .with_context(|| format!("DevTools command {cmd}"))?;
        Ok(answer)
    }

    /// Saves downloads into `dir` without asking.
    pub async fn allow_downloads(&self, dir: &std::path::Path) -> Result<()> {
        self.cdp(
            "Browser.setDownloadBehavior",
            json!({ "behavior": "allow", "downloadPath": dir.display().to_string() }),
        )
        .await?;
        Ok(())
    }

    /// From now on, every page this browser opens records the Content
    /// Security Policy violations it meets (`securitypolicyviolation`
    /// events, from before the page's first script); read them with
    /// [`Browser::csp_violations`].
    pub async fn watch_csp_violations(&self) -> Result<()> {
        let source = "window.__cspViolations = [];\
            document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(\
              e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));";
        self.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": source }),
        )
        .await?;
        Ok(())
    }

    /// The violations recorded on the current page; an error when the page
    /// was opened before [`Browser::watch_csp_violations`].
    pub async fn csp_violations(&self) -> Result<Vec<String>> {
        let seen = self
            .client
            .execute("return window.__cspViolations;", vec![])
            .await?;
        let Value::Array(seen) = seen else {
            bail!("CSP violations were not being watched on this page: {seen}")
        };
        Ok(seen
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect())
    }

    /// Opens `url` and returns the report as it was when the automatic
    /// checks were first done.
    pub async fn run_page(&self, url: &str, timeout: Duration) -> Result<Value> {
        self.client.goto(url).await?;
        let script = "return window.__firstReport;";
        let first = self.poll(script, timeout, |v| v.is_string()).await?;
        let Some(text) = first.as_str() else {
            let text = self.text().await?;
            bail!("the page was not done after {timeout:?}; it shows: {text}")
        };
        serde_json::from_str(text).with_context(|| format!("#report-json is not JSON: {text:.200}"))
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
