//! The hostile-server lab: one origin that serves the built page beside
//! Socket.IO paths that misbehave the way broken or malicious servers do
//! (a body that trickles, a 300 MB body, a ping flood, invalid UTF-8, huge
//! headers), a WebSocket that opens and never speaks, one whose first
//! message is 2 Mi characters, and a listener that
//! counts connections, for proving a link did not reach another origin.
//! Every stream is bounded in size and time, so a test cannot hang on it.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method};
use axum::routing::any;
use axum::Router;
use futures_util::{stream, SinkExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tower_http::services::ServeDir;

use crate::check_dist;

/// The 300 MB body, in 64 KiB chunks.
pub const HUGE_BODY_BYTES: usize = 300 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;
/// The trickle: one byte per interval, this many bytes at most.
const TRICKLE_BYTES: usize = 600;
const TRICKLE_EVERY: Duration = Duration::from_millis(500);
/// Pings in one flooded polling answer.
pub const FLOOD_PINGS: usize = 20_000;
/// Headers of the huge-headers answer, each 2 KB (about 120 KB in all,
/// below Chromium's 256 KB limit, so the page must handle them itself).
const HUGE_HEADERS: usize = 60;
/// The loud WebSocket's one message: above the page's 1 Mi-character cap.
pub const LOUD_MESSAGE_CHARS: usize = 2 * 1024 * 1024;
const OPEN: &str = r#"0{"sid":"hostileSID","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#;

/// Requests each hostile path received.
#[derive(Debug, Default)]
pub struct Counts {
    pub flood_posts: AtomicUsize,
    pub flood_requests: AtomicUsize,
}

/// A running hostile lab; stops when dropped.
pub struct Hostile {
    pub addr: SocketAddr,
    pub counts: Arc<Counts>,
    /// A WebSocket server that completes the upgrade and never sends.
    pub silent_ws_port: u16,
    /// A WebSocket server whose first message is [`LOUD_MESSAGE_CHARS`] long.
    pub loud_ws_port: u16,
    tasks: Vec<JoinHandle<()>>,
}

fn open_or(req: &Request, then: Body) -> Body {
    let has_sid = req.uri().query().is_some_and(|q| q.contains("sid="));
    if has_sid || req.method() == Method::POST {
        then
    } else {
        Body::from(OPEN)
    }
}

async fn trickle(req: Request) -> Body {
    let body = stream::unfold(0usize, |sent| async move {
        if sent >= TRICKLE_BYTES {
            return None;
        }
        tokio::time::sleep(TRICKLE_EVERY).await;
        Some((Ok::<_, std::io::Error>(vec![b'4']), sent + 1))
    });
    // Even the handshake trickles: the answer never completes in time.
    let _ = req;
    Body::from_stream(body)
}

async fn huge(_req: Request) -> Body {
    let body = stream::unfold(0usize, |sent| async move {
        (sent < HUGE_BODY_BYTES).then(|| (Ok::<_, std::io::Error>(vec![b'a'; CHUNK]), sent + CHUNK))
    });
    Body::from_stream(body)
}

async fn bad_utf8(req: Request) -> Body {
    let mut bytes = b"0{\"sid\":\"".to_vec();
    bytes.extend([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1]);
    bytes.extend(b"\",\"pingInterval\":25000}");
    let _ = req;
    Body::from(bytes)
}

async fn huge_headers(_req: Request) -> (HeaderMap, &'static str) {
    let mut headers = HeaderMap::new();
    for i in 0..HUGE_HEADERS {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(format!("x-hostile-{i}")),
            HeaderValue::try_from("v".repeat(2000)),
        ) {
            headers.insert(name, value);
        }
    }
    headers.insert(
        header::SERVER,
        HeaderValue::from_static("edge-proxy-7.internal.corp.example"),
    );
    headers.insert(
        header::VIA,
        HeaderValue::from_static("1.1 lb-3.internal.corp.example:8443 (squid)"),
    );
    (headers, OPEN)
}

impl Hostile {
    pub async fn start(dist: PathBuf, config_json: Option<String>) -> Result<Hostile> {
        check_dist(&dist)?;
        let counts = Arc::new(Counts::default());
        let flood_counts = counts.clone();
        let flood = move |req: Request| {
            let counts = flood_counts.clone();
            async move {
                counts.flood_requests.fetch_add(1, Ordering::SeqCst);
                if req.method() == Method::POST {
                    counts.flood_posts.fetch_add(1, Ordering::SeqCst);
                    return Body::from("ok");
                }
                let pings = vec!["2"; FLOOD_PINGS].join("\u{1e}");
                open_or(&req, Body::from(pings))
            }
        };
        let mut app = Router::new()
            .route("/trickle/socket.io/", any(trickle))
            .route("/huge/socket.io/", any(huge))
            .route("/flood/socket.io/", any(flood))
            .route("/badutf8/socket.io/", any(bad_utf8))
            .route("/headers/socket.io/", any(huge_headers));
        if let Some(json) = config_json {
            app = app.route(
                "/conncheck.json",
                any(move || {
                    let json = json.clone();
                    async move { ([(header::CONTENT_TYPE, "application/json")], json) }
                }),
            );
        }
        let app = app.fallback_service(ServeDir::new(dist));
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let http = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("hostile lab: {e}");
            }
        });
        let ws_listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let silent_ws_port = ws_listener.local_addr()?.port();
        let ws = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = ws_listener.accept().await {
                if let Ok(Ok(socket)) = tokio::time::timeout(
                    Duration::from_secs(5),
                    tokio_tungstenite::accept_async(stream),
                )
                .await
                {
                    if held.len() < 64 {
                        held.push(socket); // open, and never a word
                    }
                }
            }
        });
        let loud_listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let loud_ws_port = loud_listener.local_addr()?.port();
        let loud = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = loud_listener.accept().await {
                let accepted = tokio::time::timeout(
                    Duration::from_secs(5),
                    tokio_tungstenite::accept_async(stream),
                )
                .await;
                if let Ok(Ok(mut socket)) = accepted {
                    let text = "a".repeat(LOUD_MESSAGE_CHARS);
                    let _ = socket
                        .send(tokio_tungstenite::tungstenite::Message::text(text))
                        .await;
                    if held.len() < 64 {
                        held.push(socket);
                    }
                }
            }
        });
        Ok(Hostile {
            addr,
            counts,
            silent_ws_port,
            loud_ws_port,
            tasks: vec![http, ws, loud],
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Counts TCP connections (each a request the page should not have made)
/// and closes them; stops when dropped.
pub struct Counting {
    pub port: u16,
    pub connections: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Counting {
    pub async fn start() -> Result<Counting> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let port = listener.local_addr()?.port();
        let connections = Arc::new(AtomicUsize::new(0));
        let seen = connections.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                seen.fetch_add(1, Ordering::SeqCst);
                drop(stream);
            }
        });
        Ok(Counting {
            port,
            connections,
            task,
        })
    }

    pub fn count(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Counting {
    fn drop(&mut self) {
        self.task.abort();
    }
}
