//! The lab: real servers on loopback for conncheck's demo and end-to-end
//! tests. It serves the built page and a real Socket.IO endpoint
//! (`socketioxide`) on the same origin; `browser` drives headless Chromium.

pub mod browser;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use axum::Router;
use socketioxide::extract::SocketRef;
use socketioxide::SocketIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::services::ServeDir;

#[derive(Debug, Clone)]
pub struct LabOptions {
    /// The built page (Trunk's `dist/`).
    pub dist: PathBuf,
    /// 0 picks a free port.
    pub port: u16,
    /// Serve Socket.IO at `/socket.io/`; off simulates a stopped backend.
    pub socketio: bool,
}

impl LabOptions {
    pub fn new(dist: PathBuf) -> Self {
        LabOptions {
            dist,
            port: 0,
            socketio: true,
        }
    }
}

/// Where the built page is: `$CONNCHECK_DIST`, else the workspace's `dist/`.
pub fn default_dist() -> PathBuf {
    std::env::var_os("CONNCHECK_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dist"))
}

/// A running lab; stops when dropped.
pub struct Lab {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Lab {
    pub async fn start(options: LabOptions) -> Result<Lab> {
        let index = options.dist.join("index.html");
        if !index.is_file() {
            bail!(
                "the built page is missing ({} not found): build it first with `trunk build --release`",
                index.display()
            );
        }
        let mut app = Router::new().fallback_service(ServeDir::new(&options.dist));
        if options.socketio {
            let (layer, io) = SocketIo::new_layer();
            io.ns("/", |_socket: SocketRef| async move {});
            app = app.layer(layer);
        }
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
