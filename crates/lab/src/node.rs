//! The official Node `socket.io` server (`lab-nodes/server.js`, installed
//! from npm by scripts/setup.sh) as a backend process.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::workspace_dir;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeMode {
    /// socket.io 4.8, polling and websocket.
    Healthy,
    PollingOnly,
    WebsocketOnly,
    /// socket.io 2.5: Engine.IO 3.
    Eio3,
}

impl NodeMode {
    fn arg(self) -> &'static str {
        match self {
            NodeMode::Healthy => "healthy",
            NodeMode::PollingOnly => "polling-only",
            NodeMode::WebsocketOnly => "websocket-only",
            NodeMode::Eio3 => "eio3",
        }
    }
}

pub struct NodeBackend {
    pub port: u16,
    _child: Child,
}

impl NodeBackend {
    pub async fn start(
        mode: NodeMode,
        path: &str,
        name: &str,
        ping_interval: Duration,
    ) -> Result<NodeBackend> {
        let script = workspace_dir().join("lab-nodes/server.js");
        let ping = ping_interval.as_millis().to_string();
        let mut child = Command::new("node")
            .arg(&script)
            .args([
                "--port",
                "0",
                "--mode",
                mode.arg(),
                "--path",
                path,
                "--name",
                name,
            ])
            .args(["--ping-interval", &ping, "--ping-timeout", &ping])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start node {}", script.display()))?;
        let stdout = child.stdout.take().context("node's stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
            .await
            .context("the Node server did not start within 10 s")??;
        let Some(port) = first
            .as_deref()
            .and_then(|l| l.strip_prefix("listening "))
            .and_then(|p| p.parse().ok())
        else {
            bail!("the Node server did not start (said {first:?}); are lab-nodes' npm packages installed?");
        };
        Ok(NodeBackend {
            port,
            _child: child,
        })
    }
}
