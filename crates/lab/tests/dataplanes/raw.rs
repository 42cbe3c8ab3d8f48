//! The Envoy and Traefik topologies without a browser: each scenario really
//! has the fault (or the health) its name claims, seen in raw HTTP and
//! WebSocket on loopback, with the cut times bounded by the configured
//! values. If the page ever passes a failure scenario, these show the fault
//! was there.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use conncheck_lab::envoy::{DEFAULT_ROUTE_TIMEOUT, SHORT_STREAM_IDLE};
use conncheck_lab::scenarios::scenario;
use conncheck_lab::topology::Topology;
use conncheck_lab::traefik::RESPONSE_HEADER_TIMEOUT;
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::wire::{body, header, http, sid, status};
use tokio_tungstenite::tungstenite::Message;

/// Long enough for any lab server on a loaded machine to answer.
const ANSWER: Duration = Duration::from_secs(5);
/// Node's default ping interval: when an idle long-poll is answered.
const PING_INTERVAL: Duration = Duration::from_secs(25);
/// Slack above a configured time for the machine's load.
const SLACK: Duration = Duration::from_secs(2);
const HANDSHAKE: &str = "/app/socket.io/?EIO=4&transport=polling";

async fn start(name: &str) -> Result<Topology> {
    let s = scenario(name)?;
    Topology::start(s.proxy, s.backend).await
}

/// A polling session opened and connected to the main namespace (its
/// affinity cookie sent back), then one long-poll with nothing to deliver:
/// its answer and how long it took from the handshake.
async fn long_poll(name: &str) -> Result<(String, Duration)> {
    let t = start(name).await?;
    let port = t.front_port;
    let started = Instant::now();
    let open = http(port, "GET", HANDSHAKE, "", ANSWER).await?;
    assert_eq!(status(&open), "200", "{open}");
    let cookie =
        header(&open, "set-cookie").map_or("", |c| c.split(';').next().unwrap_or_default());
    let session = format!("{HANDSHAKE}&sid={}", sid(&open)?);
    let post = http(port, "POST", &session, cookie, ANSWER).await?;
    assert_eq!(status(&post), "200", "{post}");
    let connected = http(port, "GET", &session, cookie, ANSWER).await?;
    assert!(body(&connected).starts_with("40"), "{connected}");
    let wait = PING_INTERVAL + SLACK * 2;
    let answer = http(port, "GET", &session, cookie, wait).await?;
    Ok((answer, started.elapsed()))
}

/// A WebSocket session that answers the server's pings: how long until the
/// first ping, or until the connection ended (`Err` with the time).
async fn websocket_until_ping(name: &str) -> Result<std::result::Result<Duration, Duration>> {
    let t = start(name).await?;
    let port = t.front_port;
    let url = format!("ws://127.0.0.1:{port}/app/socket.io/?EIO=4&transport=websocket");
    let started = Instant::now();
    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await?;
    let limit = PING_INTERVAL + SLACK * 2;
    loop {
        let next = tokio::time::timeout(limit.saturating_sub(started.elapsed()), ws.next())
            .await
            .context("neither a ping nor a close")?;
        match next {
            Some(Ok(Message::Text(text))) if text.as_str() == "2" => {
                ws.send(Message::text("3")).await?;
                return Ok(Ok(started.elapsed()));
            }
            Some(Ok(Message::Text(text))) if text.starts_with('0') => {
                ws.send(Message::text("40")).await?;
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return Ok(Err(started.elapsed())),
        }
    }
}

fn within(what: &str, took: Duration, from: Duration, to: Duration) {
    eprintln!("{what}: {took:?}");
    assert!(
        took >= from && took <= to,
        "{what} after {took:?}, not within {from:?}..{to:?}"
    );
}

/// The round-robin fronts: a polling session's next requests, without the
/// affinity cookie, reach other pods, which do not know it.
async fn session_unknown_elsewhere(name: &str) -> Result<()> {
    let t = start(name).await?;
    let open = http(t.front_port, "GET", HANDSHAKE, "", ANSWER).await?;
    assert_eq!(status(&open), "200", "{name}: {open}");
    assert_eq!(header(&open, "set-cookie"), None, "{name}: {open}");
    let session = format!("{HANDSHAKE}&sid={}", sid(&open)?);
    let mut answers = Vec::new();
    for _ in 0..3 {
        answers.push(http(t.front_port, "POST", &session, "", ANSWER).await?);
    }
    let unknown = answers
        .iter()
        .filter(|a| status(a) == "400" && body(a).contains("Session ID unknown"))
        .count();
    assert!(unknown >= 1, "{name}: {answers:#?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn long_polls_cut_or_answered_by_the_ping() -> Result<()> {
    let (default, ring, idle, traefik) = tokio::join!(
        long_poll("envoy-default-timeout"),
        long_poll("envoy-ring-hash"),
        long_poll("envoy-stream-idle"),
        long_poll("traefik-response-header-timeout"),
    );
    let (answer, took) = default?;
    assert_eq!(status(&answer), "504", "{answer}");
    assert_eq!(body(&answer), "upstream request timeout", "{answer}");
    within(
        "Envoy's default route timeout",
        took,
        DEFAULT_ROUTE_TIMEOUT,
        DEFAULT_ROUTE_TIMEOUT + SLACK,
    );
    let (answer, took) = ring?;
    assert_eq!((status(&answer), body(&answer)), ("200", "2"), "{answer}");
    within(
        "the ping through Envoy",
        took,
        PING_INTERVAL,
        PING_INTERVAL + SLACK,
    );
    let (answer, took) = idle?;
    assert_eq!(status(&answer), "504", "{answer}");
    assert_eq!(body(&answer), "stream timeout", "{answer}");
    within(
        "Envoy's stream idle timeout",
        took,
        SHORT_STREAM_IDLE,
        SHORT_STREAM_IDLE + SLACK,
    );
    let (answer, took) = traefik?;
    assert_eq!(status(&answer), "504", "{answer}");
    assert_eq!(body(&answer), "Gateway Timeout", "{answer}");
    within(
        "Traefik's responseHeaderTimeout",
        took,
        RESPONSE_HEADER_TIMEOUT,
        RESPONSE_HEADER_TIMEOUT + SLACK,
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn websockets_cut_only_by_the_stream_idle_timeout() -> Result<()> {
    let (idle, ring, traefik) = tokio::join!(
        websocket_until_ping("envoy-stream-idle"),
        websocket_until_ping("envoy-ring-hash"),
        websocket_until_ping("traefik-response-header-timeout"),
    );
    // Idle from the open packet on; Envoy then closes ~1 s late
    // (its delayed_close_timeout).
    let Err(closed) = idle? else {
        bail!("the WebSocket outlived Envoy's stream idle timeout")
    };
    within(
        "the idle WebSocket's close",
        closed,
        SHORT_STREAM_IDLE,
        SHORT_STREAM_IDLE + SLACK,
    );
    for (name, outcome) in [
        ("envoy-ring-hash", ring?),
        ("traefik-response-header-timeout", traefik?),
    ] {
        let Ok(ping) = outcome else {
            bail!("{name}: the WebSocket ended before the ping: {outcome:?}")
        };
        within(name, ping, PING_INTERVAL, PING_INTERVAL + SLACK);
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn envoy_refuses_the_upgrade_itself_without_upgrade_configs() -> Result<()> {
    let target = "/app/socket.io/?EIO=4&transport=websocket";
    let upgrade = "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==";
    for (name, expected) in [("envoy-no-upgrade", "403"), ("envoy-ring-hash", "101")] {
        let t = start(name).await?;
        let mut stream = TcpStream::connect(("127.0.0.1", t.front_port)).await?;
        let request = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{upgrade}\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        let mut head = vec![0; 1024];
        let n = tokio::time::timeout(ANSWER, stream.read(&mut head)).await??;
        let answer = String::from_utf8_lossy(&head[..n]).into_owned();
        assert_eq!(status(&answer), expected, "{name}: {answer}");
        if expected == "403" {
            // From Envoy itself: its server name, no body, no upstream time.
            assert_eq!(header(&answer, "server"), Some("istio-envoy"), "{answer}");
            assert_eq!(header(&answer, "content-length"), Some("0"), "{answer}");
            assert_eq!(
                header(&answer, "x-envoy-upstream-service-time"),
                None,
                "{answer}"
            );
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn affinity_cookie_shapes_on_the_first_answer() -> Result<()> {
    let hex = |v: &str| v.bytes().all(|b| b.is_ascii_hexdigit());
    let hex16 = |v: &str| v.len() == 16 && hex(v);
    for name in [
        "envoy-ring-hash",
        "envoy-stateful-session",
        "traefik-sticky",
    ] {
        let t = start(name).await?;
        let open = http(t.front_port, "GET", HANDSHAKE, "", ANSWER).await?;
        let set = header(&open, "set-cookie").with_context(|| format!("{name}: {open}"))?;
        let parts: Vec<&str> = set.split("; ").collect();
        let (cookie, value) = parts[0].split_once('=').context("no cookie value")?;
        match name {
            "envoy-ring-hash" => {
                assert_eq!(cookie, "affinity", "{set}");
                let quoted = value.strip_prefix('"').and_then(|v| v.strip_suffix('"'));
                assert!(quoted.is_some_and(hex16), "{set}");
                assert_eq!(parts[1..], ["Max-Age=3600", "Path=/", "HttpOnly"], "{set}");
                assert_eq!(header(&open, "server"), Some("istio-envoy"), "{open}");
                assert!(
                    header(&open, "x-envoy-upstream-service-time").is_some(),
                    "{open}"
                );
            }
            "envoy-stateful-session" => {
                // The pod's address, base64 of a protobuf: quoted, no expiry.
                assert_eq!(cookie, "affinity", "{set}");
                assert!(
                    value.starts_with('"') && value.ends_with('"') && value.len() > 2,
                    "{set}"
                );
                assert_eq!(parts[1..], ["Path=/app/socket.io/", "HttpOnly"], "{set}");
                assert_eq!(header(&open, "server"), None, "{open}");
                assert_eq!(
                    header(&open, "x-envoy-upstream-service-time"),
                    None,
                    "{open}"
                );
            }
            _ => {
                // Traefik's own name: `_` and 5 hex digits.
                let name = cookie.strip_prefix('_').unwrap_or_default();
                assert!(name.len() == 5 && hex(name), "{set}");
                assert!(hex16(value), "{set}");
                assert_eq!(parts[1..], ["Path=/"], "{set}");
                assert_eq!(header(&open, "server"), None, "{open}");
            }
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn round_robin_without_the_cookie_loses_the_session() -> Result<()> {
    let (envoy, traefik) = tokio::join!(
        session_unknown_elsewhere("envoy-round-robin"),
        session_unknown_elsewhere("traefik-round-robin"),
    );
    envoy.and(traefik)
}
