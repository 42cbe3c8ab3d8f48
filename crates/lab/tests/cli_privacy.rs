//! No run of `conncheck`, watching or not, text or `--json`, prints a
//! secret planted in the page's URL or the endpoint (a user name, a
//! password, a token), the affinity cookie's value the lab's nginx set, or
//! the marks around an outside value in our texts.

use std::time::Duration;

use anyhow::{Context, Result};
use conncheck_lab::cli::Ran;
use conncheck_lab::node::NodeMode;
use conncheck_lab::topology::{Backend, Proxy, Topology};
use serde_json::Value;

/// Bound on one run: a report waits for the server's first ping (25 s).
const CLI_TIMEOUT: Duration = Duration::from_secs(90);

/// The marks around an outside value in our texts (`privacy::observed`).
const MARKS: [char; 2] = ['\u{e000}', '\u{e001}'];

async fn cli(args: &[&str]) -> Result<Ran> {
    conncheck_lab::cli::run(args, CLI_TIMEOUT).await
}

/// `--watch --json` output read back: the report and its drops.
fn drops(out: &str) -> Result<(Value, Vec<Value>)> {
    let report: Value = serde_json::from_str(out).with_context(|| format!("not JSON: {out}"))?;
    let drops = report["drops"].as_array().context("drops")?.clone();
    Ok((report, drops))
}

/// Planted in the page's URL (a user name, a password) and the endpoint's
/// query (a token).
const SECRETS: [&str; 3] = ["alice7user", "pa55w0rdS3cret", "t0kenS3cretValue"];

/// A run of 32 hexadecimal digits: nginx's `$request_id`, the value of the
/// lab's `INGRESSCOOKIE`.
fn cookie_like(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(31))
        .find(|&i| bytes[i..i + 32].iter().all(u8::is_ascii_hexdigit))
        .map(|i| &text[i..i + 32])
}

#[tokio::test(flavor = "multi_thread")]
async fn no_run_prints_a_secret_or_a_cookie() -> Result<()> {
    // nginx sets an affinity cookie on every Socket.IO answer.
    let topology = Topology::start(Proxy::CookieAffinity, Backend::Node(NodeMode::Healthy)).await?;
    let page = topology.page_root();
    let host_end = page["http://".len()..].find('/').context("a path")? + "http://".len();
    let [user, password, token] = SECRETS;
    let host = &page["http://".len()..host_end];
    let socketio = format!("http://{host}{}?token={token}", topology.socketio);
    // Refused (exit 2): credentials in the page's URL and the endpoint.
    let page_creds = format!("http://{user}:{password}@{host}{}", &page[host_end..]);
    let socketio_creds = format!(
        "http://{user}:{password}@{host}{}?token={token}",
        topology.socketio
    );
    let base = [page.as_str(), "--socketio", socketio.as_str()];
    let watch = ["--watch", "4s", "--sessions", "1"];
    let runs = [
        base.to_vec(),
        [&base[..], &["--json"]].concat(),
        [&base[..], &watch].concat(),
        [&base[..], &watch, &["--json"]].concat(),
        vec![&page_creds, "--socketio", &socketio, "--watch", "4s"],
        vec![&page, "--socketio", &socketio_creds, "--json"],
    ];
    let (run, run_json, watched, watched_json) =
        tokio::try_join!(cli(&runs[0]), cli(&runs[1]), cli(&runs[2]), cli(&runs[3]))?;
    let (refused_page, refused_socketio) = tokio::try_join!(cli(&runs[4]), cli(&runs[5]))?;
    for refused in [&refused_page, &refused_socketio] {
        assert_eq!(refused.code, 2, "{}{}", refused.stdout, refused.stderr);
    }
    for (args, ran) in runs.iter().zip([
        &run,
        &run_json,
        &watched,
        &watched_json,
        &refused_page,
        &refused_socketio,
    ]) {
        for out in [&ran.stdout, &ran.stderr] {
            for secret in SECRETS {
                assert!(!out.contains(secret), "{args:?} printed {secret}: {out}");
            }
            assert_eq!(cookie_like(out), None, "{args:?}: {out}");
            assert!(!out.contains(MARKS), "{args:?}: {out}");
        }
    }
    // The runs ran: a report, and sessions held through the endpoint.
    let report: Value = serde_json::from_str(&run_json.stdout)
        .with_context(|| format!("{}{}", run_json.stdout, run_json.stderr))?;
    assert_eq!(report["schema"], "conncheck/1", "{report:#}");
    let (watch_report, drops) = drops(&watched_json.stdout)?;
    assert_eq!(watched_json.code, 0, "{watch_report:#}");
    assert_eq!(drops, Vec::<Value>::new(), "{watch_report:#}");
    assert_eq!(watch_report["opened"], 2, "{watch_report:#}");
    let shown = watch_report["socketio"].as_str().context("socketio")?;
    assert!(shown.ends_with("?token=REDACTED"), "{shown}");
    assert!(
        watched.stderr.contains(shown),
        "the progress line shows the endpoint as the JSON does: {}",
        watched.stderr
    );
    Ok(())
}
