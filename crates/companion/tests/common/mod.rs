//! Shared by the companion's integration tests: Debian's redis-server on a
//! loopback port, socketioxide pods with the companion in this test process,
//! and a raw Engine.IO 4 / Socket.IO 5 WebSocket client that keeps every text
//! packet it receives, as the page's state machine would see them.
#![allow(dead_code)] // each test file uses its own part

use futures_util::{SinkExt, StreamExt};
use socketioxide::SocketIo;
use socketioxide_redis::drivers::redis::redis_client;
use socketioxide_redis::{RedisAdapter, RedisAdapterCtr};
use std::net::{SocketAddr, TcpListener as StdListener};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// A "did not arrive" verdict waits this long: far above loopback Redis
/// delivery (milliseconds), short enough to keep the suite quick.
pub const DELIVERY_BOUND: Duration = Duration::from_millis(1500);
/// Waits for something that should arrive end as soon as it does; this
/// generous bound only keeps a loaded machine from failing them.
pub const ARRIVAL_BOUND: Duration = Duration::from_secs(5);
const STEP_BOUND: Duration = Duration::from_secs(5);

pub fn free_port() -> Result<u16, Error> {
    Ok(StdListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A redis-server child process, killed when dropped.
pub struct Redis {
    pub port: u16,
    child: Child,
}

impl Redis {
    pub fn start() -> Result<Self, Error> {
        let port = free_port()?;
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| {
                format!("redis-server (Debian package redis-server) did not start: {e}")
            })?;
        let redis = Redis { port, child };
        let until = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > until {
                return Err("redis-server not listening after 10 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(redis)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/?protocol=resp3", self.port)
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Serves `layer` on a loopback port; returns the port.
pub async fn serve(
    layer: socketioxide::layer::SocketIoLayer<impl socketioxide::adapter::Adapter>,
) -> Result<u16, Error> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let app = axum::Router::new().layer(layer);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(port)
}

/// A pod with the local adapter (no cross-pod delivery); returns its port and pod id.
pub async fn local_pod(options: conncheck_companion::Options) -> Result<(u16, String), Error> {
    let (layer, io) = SocketIo::new_layer();
    let companion = conncheck_companion::attach(&io, options)?;
    Ok((serve(layer).await?, companion.pod))
}

/// A pod with socketioxide-redis, as an operator would set it up.
pub async fn redis_pod(redis_url: &str) -> Result<(u16, String), Error> {
    let client = redis_client::Client::open(redis_url)?;
    let adapter = RedisAdapterCtr::new_with_redis(&client).await?;
    let (layer, io) = SocketIo::builder()
        .with_adapter::<RedisAdapter<_>>(adapter)
        .build_layer();
    let options = conncheck_companion::Options {
        server_count: Some(redis_server_count(&client, "/conncheck").await?),
        ..Default::default()
    };
    let companion = conncheck_companion::attach(&io, options)?;
    companion.init.await?;
    Ok((serve(layer).await?, companion.pod))
}

/// What socketioxide-redis's own `server_count` asks, asked as an operator
/// can: the subscribers of the namespace's request channel
/// (`{prefix}-request#{namespace}#`, prefix `socket.io` by default).
pub async fn redis_server_count(
    client: &redis_client::Client,
    namespace: &str,
) -> Result<conncheck_companion::ServerCount, Error> {
    let conn = client.get_multiplexed_async_connection().await?;
    let channel = format!("socket.io-request#{namespace}#");
    Ok(conncheck_companion::ServerCount::new(move || {
        let (mut conn, channel) = (conn.clone(), channel.clone());
        async move {
            let (_, count): (String, u16) = redis_client::cmd("PUBSUB")
                .arg("NUMSUB")
                .arg(&channel)
                .query_async(&mut conn)
                .await
                .ok()?;
            Some(count)
        }
    }))
}

/// A raw Socket.IO session on the companion namespace over WebSocket.
pub struct Client {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// Every text packet received after the Engine.IO open packet, in order.
    pub received: Vec<String>,
    next_ack: u32,
    namespace: String,
}

impl Client {
    pub async fn connect(addr: SocketAddr, namespace: &str) -> Result<Self, Error> {
        let url = format!("ws://{addr}/socket.io/?EIO=4&transport=websocket");
        let (ws, _) =
            tokio::time::timeout(STEP_BOUND, tokio_tungstenite::connect_async(url)).await??;
        let mut client = Client {
            ws,
            received: Vec::new(),
            next_ack: 0,
            namespace: namespace.into(),
        };
        let open = client.next().await?;
        if !open.starts_with('0') {
            return Err(format!("expected the Engine.IO open packet, got {open}").into());
        }
        client.received.clear();
        client.send(&format!("40{namespace},")).await?;
        let connect = client.next().await?;
        if !connect.starts_with(&format!("40{namespace},{{\"sid\":")) {
            return Err(format!("namespace not joined: {connect}").into());
        }
        Ok(client)
    }

    pub async fn send(&mut self, text: &str) -> Result<(), Error> {
        self.ws.send(Message::text(text)).await?;
        Ok(())
    }

    /// The next Socket.IO packet, answering Engine.IO pings on the way.
    async fn next(&mut self) -> Result<String, Error> {
        self.next_within(STEP_BOUND)
            .await?
            .ok_or_else(|| "no packet in time".into())
    }

    async fn next_within(&mut self, bound: Duration) -> Result<Option<String>, Error> {
        let until = tokio::time::Instant::now() + bound;
        loop {
            let msg = match tokio::time::timeout_at(until, self.ws.next()).await {
                Err(_) => return Ok(None),
                Ok(None) => return Err("connection closed".into()),
                Ok(Some(msg)) => msg?,
            };
            let Message::Text(text) = msg else { continue };
            if text.as_str() == "2" {
                self.send("3").await?;
                continue;
            }
            self.received.push(text.to_string());
            return Ok(Some(text.to_string()));
        }
    }

    /// Sends `event` with raw JSON `args` (e.g. `{"room":"…"}`, or "" for
    /// none) asking for an ack, and returns the ack's payload.
    pub async fn request(&mut self, event: &str, args: &str) -> Result<String, Error> {
        let id = self.next_ack;
        self.next_ack += 1;
        let sep = if args.is_empty() { "" } else { "," };
        self.send(&format!(
            "42{},{id}[\"{event}\"{sep}{args}]",
            self.namespace
        ))
        .await?;
        let prefix = format!("43{},{id}", self.namespace);
        loop {
            let packet = self.next().await?;
            if let Some(payload) = packet.strip_prefix(&prefix) {
                return Ok(payload.to_string());
            }
        }
    }

    /// The pod id this session's pod tells.
    pub async fn hello(&mut self) -> Result<String, Error> {
        self.hello_answer().await?["pod"]
            .as_str()
            .map(String::from)
            .ok_or_else(|| "a hello answer without pod".into())
    }

    /// `hello`'s whole answer.
    pub async fn hello_answer(&mut self) -> Result<serde_json::Value, Error> {
        let ack = self.request("hello", "").await?;
        let mut value: serde_json::Value = serde_json::from_str(&ack)?;
        Ok(value[0].take())
    }

    /// The `probe` events received within `bound` (and any seen before).
    pub async fn probes_within(
        &mut self,
        bound: Duration,
        want: usize,
    ) -> Result<Vec<String>, Error> {
        let until = tokio::time::Instant::now() + bound;
        loop {
            let probes = self.probes();
            if probes.len() >= want {
                return Ok(probes);
            }
            let left = until.saturating_duration_since(tokio::time::Instant::now());
            if self.next_within(left).await?.is_none() {
                return Ok(self.probes());
            }
        }
    }

    fn probes(&self) -> Vec<String> {
        let prefix = format!("42{},[\"probe\",", self.namespace);
        self.received
            .iter()
            .filter_map(|p| p.strip_prefix(&prefix))
            .map(|p| p.trim_end_matches(']').to_string())
            .collect()
    }
}

pub fn addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}
