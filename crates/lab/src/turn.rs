//! coturn (Debian's `turnserver`) on loopback as STUN and TURN server, UDP
//! and TCP, long-term credentials; one process per test, in a temp dir.

use std::process::Stdio;

use anyhow::{Context, Result};
use tokio::process::{Child, Command};

use crate::{free_port, wait_for_port};

pub const USER: &str = "labuser";
pub const PASSWORD: &str = "labpass-7f3c";

pub struct Turn {
    pub port: u16,
    _child: Child,
    _dir: tempfile::TempDir,
}

impl Turn {
    pub async fn start() -> Result<Turn> {
        let dir = tempfile::tempdir()?;
        let port = free_port()?;
        let config = format!(
            "listening-ip=127.0.0.1\nrelay-ip=127.0.0.1\nlistening-port={port}\nfingerprint\nlt-cred-mech\n\
             user={USER}:{PASSWORD}\nrealm=conncheck.test\nno-tls\nno-dtls\nno-cli\nallow-loopback-peers\n\
             log-file={log}\npidfile={pid}\nno-software-attribute\n",
            log = dir.path().join("turn.log").display(),
            pid = dir.path().join("turn.pid").display(),
        );
        let path = dir.path().join("turnserver.conf");
        std::fs::write(&path, config)?;
        let mut child = Command::new("turnserver")
            .arg("-c")
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("cannot start turnserver (coturn, installed by scripts/setup.sh)")?;
        wait_for_port(port, "turnserver", || match child.try_wait()? {
            Some(status) => anyhow::bail!("turnserver exited at start: {status}"),
            None => Ok(()),
        })
        .await?;
        Ok(Turn {
            port,
            _child: child,
            _dir: dir,
        })
    }

    /// `conncheck.json` pointing the webrtc check at this server.
    pub fn config_json(&self) -> String {
        let p = self.port;
        serde_json::json!({
            "stun": [format!("stun:127.0.0.1:{p}")],
            "turn": [{
                "urls": [format!("turn:127.0.0.1:{p}?transport=udp"), format!("turn:127.0.0.1:{p}?transport=tcp")],
                "username": USER,
                "credential": PASSWORD,
            }],
        })
        .to_string()
    }
}
