//! Chromium through chromedriver: the default engine, started with the
//! flags every Chromium test has used, and its DevTools commands
//! (chromedriver's `goog/cdp/execute`), which only Chromium has.

use std::process::Stdio;

use anyhow::{bail, Context, Result};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::ClientBuilder;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use tokio::process::Command;

use super::{Browser, FIRST_DONE};
use crate::engine::Engine;
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
            engine: Engine::Chromium,
            _display: None,
            _profile: Some(profile),
        };
        browser
            .cdp(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": FIRST_DONE }),
            )
            .await?;
        Ok(browser)
    }

    /// Runs a Chrome DevTools Protocol command (through chromedriver's
    /// `goog/cdp/execute`) and returns its result.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        if self.engine != Engine::Chromium {
            bail!("DevTools command {cmd}: only Chromium has them");
        }
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
}
