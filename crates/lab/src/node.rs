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
    /// `allowRequest` refuses every request (403).
    Forbidden,
    /// Answers the handshake, never a later request of the session.
    Stalled,
}

impl NodeMode {
    fn arg(self) -> &'static str {
        match self {
            NodeMode::Healthy => "healthy",
            NodeMode::PollingOnly => "polling-only",
            NodeMode::WebsocketOnly => "websocket-only",
            NodeMode::Eio3 => "eio3",
            NodeMode::Forbidden => "forbidden",
            NodeMode::Stalled => "stalled",
        }
    }
}

pub struct NodeBackend {
    pub port: u16,
    child: Child,
    /// What it was started with, to start it again on the same port.
    mode: NodeMode,
    path: String,
    name: String,
    settings: NodeSettings,
}

/// What a pod runs besides its mode: socket.io's production defaults unless
/// a scenario is about a setting.
#[derive(Debug, Clone, Default)]
pub struct NodeSettings {
    /// pingInterval (and pingTimeout, the same); `None`: 25 s / 20 s.
    pub ping_interval: Option<Duration>,
    /// The `cors` option: this origin may call with credentials.
    pub cors_origin: Option<String>,
}

impl NodeBackend {
    pub async fn start(
        mode: NodeMode,
        path: &str,
        name: &str,
        settings: &NodeSettings,
    ) -> Result<NodeBackend> {
        Self::start_on(0, mode, path, name, settings).await
    }

    /// A pod's restart as a rolling update does it, abruptly: the process
    /// is killed (its connections end without a close frame), then the
    /// same server starts again on the same port.
    pub async fn restart(&mut self) -> Result<()> {
        self.child.kill().await.context("killing the Node server")?;
        let settings = self.settings.clone();
        *self = Self::start_on(self.port, self.mode, &self.path, &self.name, &settings).await?;
        Ok(())
    }

    async fn start_on(
        port: u16,
        mode: NodeMode,
        path: &str,
        name: &str,
        settings: &NodeSettings,
    ) -> Result<NodeBackend> {
        let script = workspace_dir().join("lab-nodes/server.js");
        let mut extra = Vec::new();
        if let Some(ping) = settings.ping_interval {
            let ping = ping.as_millis().to_string();
            extra.extend([
                "--ping-interval".into(),
                ping.clone(),
                "--ping-timeout".into(),
                ping,
            ]);
        }
        if let Some(origin) = &settings.cors_origin {
            extra.extend(["--cors-origin".into(), origin.clone()]);
        }
        let mut child = Command::new("node")
            .arg(&script)
            .args([
                "--port",
                &port.to_string(),
                "--mode",
                mode.arg(),
                "--path",
                path,
                "--name",
                name,
            ])
            .args(&extra)
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
            child,
            mode,
            path: path.to_owned(),
            name: name.to_owned(),
            settings: settings.clone(),
        })
    }
}
