//! Debian's HAProxy as a second real front: in the foreground (`-db`), from
//! a config rendered into a temporary directory, on a loopback port.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::process::{Child, Command};

use crate::nginx::render;
use crate::{free_port, wait_for_port};

const FRONT: &str = include_str!("../haproxy/front.cfg");
/// `timeout tunnel` of [`HaproxyMode::ShortTunnel`].
pub const SHORT_TUNNEL: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HaproxyMode {
    /// `cookie SERVERID insert indirect nocache`: healthy affinity.
    CookieInsert,
    /// `balance roundrobin` and nothing else: no affinity.
    RoundRobin,
    /// Cookie affinity, but `timeout tunnel` of [`SHORT_TUNNEL`]: an idle
    /// WebSocket is cut long before the server's 25 s ping.
    ShortTunnel,
}

pub struct Haproxy {
    pub port: u16,
    _child: Child,
    _dir: tempfile::TempDir,
}

impl Haproxy {
    /// HAProxy on a free port: `socketio_path` to the `pods` (ports), every
    /// other path to `page_port`.
    pub async fn start(
        mode: HaproxyMode,
        page_port: u16,
        pods: &[u16],
        socketio_path: &str,
    ) -> Result<Haproxy> {
        let dir = tempfile::tempdir()?;
        let port = free_port()?;
        let cookie = mode != HaproxyMode::RoundRobin;
        let affinity = if cookie {
            "    cookie SERVERID insert indirect nocache"
        } else {
            ""
        };
        let servers: String = pods
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let n = i + 1;
                let cookie = if cookie {
                    format!(" cookie pod-{n}")
                } else {
                    String::new()
                };
                format!("    server pod-{n} 127.0.0.1:{p}{cookie}\n")
            })
            .collect();
        let tunnel = match mode {
            HaproxyMode::ShortTunnel => format!("{}s", SHORT_TUNNEL.as_secs()),
            _ => "3600s".into(),
        };
        let config = render(
            FRONT,
            &[
                ("PORT", &port.to_string()),
                ("PAGE_PORT", &page_port.to_string()),
                ("SOCKETIO_PATH", socketio_path),
                ("TUNNEL", &tunnel),
                ("AFFINITY", affinity),
                ("SERVERS", &servers),
            ],
        );
        let path = dir.path().join("haproxy.cfg");
        std::fs::write(&path, config)?;
        let binary = if std::path::Path::new("/usr/sbin/haproxy").exists() {
            "/usr/sbin/haproxy"
        } else {
            "haproxy"
        };
        let mut child = Command::new(binary)
            .arg("-db")
            .arg("-f")
            .arg(&path)
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .context("cannot start haproxy (installed by scripts/setup.sh)")?;
        wait_for_port(port, "haproxy", || match child.try_wait()? {
            Some(status) => anyhow::bail!("haproxy exited at start ({status})"),
            None => Ok(()),
        })
        .await?;
        Ok(Haproxy {
            port,
            _child: child,
            _dir: dir,
        })
    }
}
