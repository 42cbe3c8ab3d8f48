//! The lab: real servers on loopback for conncheck's demo and end-to-end
//! tests. [`Lab`] serves the built page and a real Socket.IO endpoint
//! (`socketioxide`) on one origin; [`topology`] puts Debian's nginx,
//! HAProxy, Envoy or Traefik in front of Node `socket.io` or socketioxide
//! backends, one config per scenario, named in [`scenarios`]; [`browser`]
//! drives headless Chromium, or Firefox ESR or WebKitGTK ([`engine`]).
//! Every server runs its production defaults unless a scenario is about one.

pub mod browser;
pub mod cli;
pub mod cli_table;
pub mod companion_pods;
pub mod engine;
pub mod envoy;
pub mod front;
pub mod haproxy;
pub mod hostile;
pub mod nginx;
pub mod node;
pub mod report_json;
pub mod scenarios;
pub mod topology;
pub mod traefik;
pub mod turn;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use axum::Router;
use socketioxide::extract::SocketRef;
use socketioxide::handler::ConnectHandler;
use socketioxide::SocketIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::services::ServeDir;

#[derive(Debug, Clone)]
pub struct LabOptions {
    /// The built page (Trunk's `dist/`); `None` serves Socket.IO only.
    pub dist: Option<PathBuf>,
    /// 0 picks a free port.
    pub port: u16,
    /// Serve Socket.IO; off simulates a stopped backend.
    pub socketio: bool,
    pub socketio_path: String,
    /// `None`: socketioxide's defaults (25 s / 20 s), as in production.
    pub ping_interval: Option<Duration>,
    /// Served as `/conncheck.json` instead of the built one.
    pub config_json: Option<String>,
}

impl LabOptions {
    pub fn new(dist: PathBuf) -> Self {
        LabOptions {
            dist: Some(dist),
            port: 0,
            socketio: true,
            socketio_path: "/socket.io".into(),
            ping_interval: None,
            config_json: None,
        }
    }

    /// A socketioxide backend alone, for behind nginx.
    pub fn backend(socketio_path: &str) -> Self {
        LabOptions {
            dist: None,
            socketio_path: socketio_path.into(),
            ..LabOptions::new(PathBuf::new())
        }
    }
}

/// Where the built page is: `$CONNCHECK_DIST`, else the workspace's `dist/`.
pub fn default_dist() -> PathBuf {
    std::env::var_os("CONNCHECK_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_dir().join("dist"))
}

pub fn workspace_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn check_dist(dist: &std::path::Path) -> Result<()> {
    let index = dist.join("index.html");
    if !index.is_file() {
        bail!(
            "the built page is missing ({} not found): build it first with scripts/build.sh",
            index.display()
        );
    }
    Ok(())
}

#[derive(Debug)]
struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not authorized")
    }
}

/// Like an application's auth middleware: `/admin` always refuses.
async fn refuse_admin() -> Result<(), Refused> {
    Err(Refused)
}

/// A running lab server; stops when dropped.
pub struct Lab {
    pub addr: SocketAddr,
    /// Every Engine.IO session id seen in a request's query: what a report
    /// must never contain.
    pub sids: Arc<Mutex<Vec<String>>>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Lab {
    pub async fn start(options: LabOptions) -> Result<Lab> {
        let mut app = Router::new();
        if let Some(json) = options.config_json.clone() {
            let json_response = move || {
                let json = json.clone();
                async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        json,
                    )
                }
            };
            app = app.route("/conncheck.json", axum::routing::get(json_response));
        }
        if let Some(dist) = &options.dist {
            check_dist(dist)?;
            app = app.fallback_service(ServeDir::new(dist));
        }
        if options.socketio {
            let mut builder = SocketIo::builder().req_path(options.socketio_path.clone());
            if let Some(ping) = options.ping_interval {
                builder = builder.ping_interval(ping).ping_timeout(ping);
            }
            let (layer, io) = builder.build_layer();
            io.ns("/", async |_socket: SocketRef| {});
            io.ns("/admin", (async |_socket: SocketRef| {}).with(refuse_admin));
            app = app.layer(layer);
        }
        let sids = Arc::new(Mutex::new(Vec::new()));
        let seen = sids.clone();
        app = app.layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let seen = seen.clone();
                async move {
                    let sid = request.uri().query().and_then(|q| {
                        q.split('&')
                            .find_map(|pair| pair.strip_prefix("sid=").map(str::to_owned))
                    });
                    if let (Some(sid), Ok(mut seen)) = (sid, seen.lock()) {
                        seen.push(sid);
                    }
                    next.run(request).await
                }
            },
        ));
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, options.port))
            .await
            .with_context(|| format!("cannot listen on 127.0.0.1:{}", options.port))?;
        let addr = listener.local_addr()?;
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = served.await {
                eprintln!("conncheck-lab: server error: {e}");
            }
        });
        Ok(Lab {
            addr,
            sids,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
        if let Some(task) = self.task.take() {
            // Open WebSockets would hold a graceful shutdown; do not wait on them.
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// A free loopback port (bound, then released for the caller's server).
pub fn free_port() -> Result<u16> {
    // Handed out once each, below Linux's ephemeral range (32768 and up):
    // a port the kernel gives a `bind(0)` (the lab's in-process servers,
    // browsers, other tests of this process) can then never be the one a
    // server started a moment later was promised.
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    const FIRST: u32 = 20_000;
    const SPAN: u32 = 12_000;
    let start = std::process::id().wrapping_mul(7919) % SPAN;
    for _ in 0..SPAN {
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let port = (FIRST + (start + n) % SPAN) as u16;
        if std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok() {
            return Ok(port);
        }
    }
    anyhow::bail!("no free loopback port between {FIRST} and {}", FIRST + SPAN)
}

/// Waits until something listens on `port`, checking `alive` between tries.
pub async fn wait_for_port(
    port: u16,
    what: &str,
    mut alive: impl FnMut() -> Result<()>,
) -> Result<()> {
    const ATTEMPTS: u32 = 100;
    for _ in 0..ATTEMPTS {
        alive()?;
        if tokio::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port))
            .await
            .is_ok()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("{what} did not listen on port {port} within 10 s")
}

/// A server that accepts TCP connections (and takes UDP datagrams on the
/// same port number) and never answers: what a black-holing firewall or a
/// wedged proxy looks like from a browser. Holds at most
/// [`Silent::MAX_HELD`] connections; stops when dropped.
pub struct Silent {
    pub port: u16,
    task: JoinHandle<()>,
    _udp: std::net::UdpSocket,
}

impl Silent {
    pub const MAX_HELD: usize = 256;

    pub async fn start() -> Result<Silent> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let port = listener.local_addr()?.port();
        let udp = std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, port))
            .with_context(|| format!("cannot bind UDP 127.0.0.1:{port}"))?;
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                if held.len() < Self::MAX_HELD {
                    held.push(stream);
                }
            }
        });
        Ok(Silent {
            port,
            task,
            _udp: udp,
        })
    }

    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Silent {
    fn drop(&mut self) {
        self.task.abort();
    }
}
