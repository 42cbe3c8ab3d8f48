//! Multi-pod backends with the server companion (docs/companion.md), for the
//! `cross-pod` scenarios: Debian's redis-server on a loopback port, and three
//! pods of the official Node `socket.io` (`@socket.io/redis-adapter`, the
//! companion package's own pod as an operator runs it) or of socketioxide
//! (`socketioxide-redis`), each with the companion attached, or the same
//! pods without an adapter, or with Redis killed once they connected.

use std::net::Ipv4Addr;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use socketioxide::SocketIo;
use socketioxide_redis::drivers::redis::redis_client;
use socketioxide_redis::{RedisAdapter, RedisAdapterCtr};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpListener;
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

use crate::{free_port, wait_for_port, workspace_dir};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    Node,
    Rust,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adapter {
    /// Every pod shares broadcasts through Redis: healthy.
    Redis,
    /// Each pod alone: broadcasts never cross pods.
    None,
    /// Redis killed after the pods connected to it.
    RedisKilled,
}

/// The pods and what they need, stopped when dropped.
pub struct CompanionPods {
    pub ports: Vec<u16>,
    _redis: Option<Child>,
    _nodes: Vec<Child>,
    _servers: Vec<JoinHandle<()>>,
}

impl Drop for CompanionPods {
    fn drop(&mut self) {
        for server in &self._servers {
            server.abort();
        }
    }
}

impl CompanionPods {
    pub async fn start(peer: Peer, adapter: Adapter, count: usize, path: &str) -> Result<Self> {
        let mut redis = match adapter {
            Adapter::None => None,
            Adapter::Redis | Adapter::RedisKilled => Some(start_redis().await?),
        };
        let url = redis.as_ref().map(|(_, port)| redis_url(peer, *port));
        let mut pods = CompanionPods {
            ports: Vec::new(),
            _redis: None,
            _nodes: Vec::new(),
            _servers: Vec::new(),
        };
        for _ in 0..count {
            match peer {
                Peer::Node => {
                    let (child, port) = node_pod(url.as_deref(), path).await?;
                    pods._nodes.push(child);
                    pods.ports.push(port);
                }
                Peer::Rust => {
                    let (server, port) = rust_pod(url.as_deref(), path).await?;
                    pods._servers.push(server);
                    pods.ports.push(port);
                }
            }
        }
        if adapter == Adapter::RedisKilled {
            if let Some((child, _)) = redis.as_mut() {
                child.kill().await.context("cannot kill redis-server")?;
            }
        }
        pods._redis = redis.map(|(child, _)| child);
        Ok(pods)
    }
}

async fn start_redis() -> Result<(Child, u16)> {
    let port = free_port()?;
    let mut child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("cannot start redis-server (installed by scripts/setup.sh)")?;
    wait_for_port(port, "redis-server", || match child.try_wait()? {
        Some(status) => bail!("redis-server exited at start: {status}"),
        None => Ok(()),
    })
    .await?;
    Ok((child, port))
}

/// socketioxide-redis speaks RESP3; node-redis the default.
fn redis_url(peer: Peer, port: u16) -> String {
    match peer {
        Peer::Node => format!("redis://127.0.0.1:{port}"),
        Peer::Rust => format!("redis://127.0.0.1:{port}/?protocol=resp3"),
    }
}

/// The companion package's pod: socket.io with production defaults.
async fn node_pod(redis: Option<&str>, path: &str) -> Result<(Child, u16)> {
    let script = workspace_dir().join("companions/node/test/fixtures/pod.js");
    let mut command = Command::new("node");
    command.arg(&script).args(["--path", path]);
    if let Some(url) = redis {
        command.args(["--redis", url]);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("cannot start node {}", script.display()))?;
    let stdout = child.stdout.take().context("the pod's stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await
        .context("the Node pod did not start within 10 s")??;
    let Some(port) = first
        .as_deref()
        .and_then(|l| l.strip_prefix("listening "))
        .and_then(|p| p.parse().ok())
    else {
        bail!("the Node pod did not start (said {first:?}); are companions/node's npm packages installed?");
    };
    Ok((child, port))
}

/// The servers on socketioxide-redis, as its own `server_count` asks and an
/// operator can (docs/companion.md): the subscribers of the companion
/// namespace's request channel.
async fn redis_server_count(
    client: &redis_client::Client,
) -> Result<conncheck_companion::ServerCount> {
    let conn = client.get_multiplexed_async_connection().await?;
    Ok(conncheck_companion::ServerCount::new(move || {
        let mut conn = conn.clone();
        async move {
            let (_, count): (String, u16) = redis_client::cmd("PUBSUB")
                .arg("NUMSUB")
                .arg("socket.io-request#/conncheck#")
                .query_async(&mut conn)
                .await
                .ok()?;
            Some(count)
        }
    }))
}

/// The application's own namespace: it accepts everyone.
async fn accept<A: socketioxide::adapter::Adapter>(_: socketioxide::extract::SocketRef<A>) {}

/// socketioxide with its defaults and the companion, as an operator sets it up.
async fn rust_pod(redis: Option<&str>, path: &str) -> Result<(JoinHandle<()>, u16)> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let port = listener.local_addr()?.port();
    let options = conncheck_companion::Options::default();
    let app = match redis {
        Some(url) => {
            let client = redis_client::Client::open(url)?;
            let adapter = RedisAdapterCtr::new_with_redis(&client).await?;
            let options = conncheck_companion::Options {
                server_count: Some(redis_server_count(&client).await?),
                ..options
            };
            let (layer, io) = SocketIo::builder()
                .req_path(path.to_owned())
                .with_adapter::<RedisAdapter<_>>(adapter)
                .build_layer();
            io.ns("/", accept).await?;
            let companion = conncheck_companion::attach(&io, options)?;
            companion.init.await?;
            axum::Router::new().layer(layer)
        }
        None => {
            let (layer, io) = SocketIo::builder().req_path(path.to_owned()).build_layer();
            io.ns("/", accept);
            conncheck_companion::attach(&io, options)?;
            axum::Router::new().layer(layer)
        }
    };
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((server, port))
}
