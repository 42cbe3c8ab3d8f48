//! The lab itself, without a browser: each issue-11 scenario really has the
//! fault (or the health) its name claims, seen in raw HTTP on loopback. If
//! the page ever passes a failure scenario, these show the fault was there.
//! Round robin shows its pods by the rotation of a session's follow-ups, a
//! random pod per request by follow-ups that land off that rotation, and a
//! short idle timeout by the moment an idle WebSocket is cut.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use conncheck_lab::haproxy::SHORT_TUNNEL;
use conncheck_lab::scenarios::scenario;
use conncheck_lab::topology::{Topology, SHORT_IDLE, SHORT_IDLE_PING_INTERVAL};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Long enough for any lab server on a loaded machine to answer.
const ANSWER: Duration = Duration::from_secs(5);

/// Sends one HTTP/1.1 request (closing the connection) to 127.0.0.1:`port`;
/// the whole answer, or `None` when none came within `wait`.
async fn http(
    port: u16,
    method: &str,
    target: &str,
    headers: &str,
    wait: Duration,
) -> Result<Option<String>> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let body = if method == "POST" { "40" } else { "" };
    let request = format!(
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}Content-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    match tokio::time::timeout(wait, stream.read_to_end(&mut answer)).await {
        Ok(read) => read
            .map(|_| Some(String::from_utf8_lossy(&answer).into_owned()))
            .map_err(Into::into),
        Err(_) => Ok(None),
    }
}

async fn start(name: &str) -> Result<Topology> {
    let s = scenario(name)?;
    Topology::start(s.proxy, s.backend).await
}

/// The Engine.IO handshake's target on the scenario's front.
const HANDSHAKE: &str = "/app/socket.io/?EIO=4&transport=polling";

fn status(answer: &str) -> &str {
    answer.split(' ').nth(1).unwrap_or_default()
}

fn header<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    let head = answer.split("\r\n\r\n").next().unwrap_or_default();
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

fn sid(answer: &str) -> Result<String> {
    let start = answer.find("\"sid\":\"").context("no sid")? + 7;
    let len = answer[start..].find('"').context("no sid end")?;
    Ok(answer[start..start + len].to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn servers_run_their_default_ping_interval() -> Result<()> {
    for name in ["node", "rust-nginx", "cookie-affinity", "haproxy-cookie"] {
        let t = start(name).await?;
        let answer = http(t.front_port, "GET", HANDSHAKE, "", ANSWER)
            .await?
            .context("no answer")?;
        assert!(
            answer.contains("\"pingInterval\":25000"),
            "{name}: {answer}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn stalled_backend_answers_the_handshake_then_never_the_session() -> Result<()> {
    let t = start("stalled").await?;
    let open = http(t.front_port, "GET", HANDSHAKE, "", ANSWER)
        .await?
        .context("no handshake")?;
    assert_eq!(status(&open), "200", "{open}");
    let session = format!("{HANDSHAKE}&sid={}", sid(&open)?);
    let post = http(t.front_port, "POST", &session, "", ANSWER).await?;
    assert_eq!(post, None, "the session's POST was answered");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn forbidden_refuses_the_handshake() -> Result<()> {
    let t = start("forbidden").await?;
    let answer = http(t.front_port, "GET", HANDSHAKE, "", ANSWER)
        .await?
        .context("no answer")?;
    assert_eq!(status(&answer), "403", "{answer}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn limit_req_answers_its_status_within_a_clients_connect() -> Result<()> {
    for (name, limited) in [("rate-limit-429", "429"), ("rate-limit-503", "503")] {
        let t = start(name).await?;
        let mut statuses = Vec::new();
        // A real client's connect + upgrade: about five requests at once.
        for _ in 0..5 {
            let answer = http(t.front_port, "GET", HANDSHAKE, "", ANSWER)
                .await?
                .context("no answer")?;
            statuses.push(status(&answer).to_owned());
        }
        assert_eq!(statuses[0], "200", "{name}: {statuses:?}");
        assert!(
            statuses.iter().any(|s| s == limited),
            "{name}: {statuses:?}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn nginx_cookie_only_from_socketio_unless_the_page_variant() -> Result<()> {
    for (name, page_sets) in [("cookie-affinity", false), ("cookie-affinity-page", true)] {
        let t = start(name).await?;
        let page = http(t.front_port, "GET", "/conncheck/", "", ANSWER)
            .await?
            .context("no page")?;
        assert_eq!(status(&page), "200");
        let cookie = header(&page, "set-cookie").is_some_and(|c| c.starts_with("INGRESSCOOKIE="));
        assert_eq!(cookie, page_sets, "{name}: {page:.600}");
        let open = http(t.front_port, "GET", HANDSHAKE, "", ANSWER)
            .await?
            .context("no handshake")?;
        let set = header(&open, "set-cookie").unwrap_or_default();
        assert!(
            set.starts_with("INGRESSCOOKIE=") && set.contains("HttpOnly"),
            "{name}: {open}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn haproxy_inserts_serverid_round_robin_over_three_pods() -> Result<()> {
    let t = start("haproxy-cookie").await?;
    let mut pods = Vec::new();
    for _ in 0..3 {
        let open = http(t.front_port, "GET", HANDSHAKE, "", ANSWER)
            .await?
            .context("no handshake")?;
        pods.push(header(&open, "set-cookie").unwrap_or_default().to_owned());
    }
    pods.sort();
    pods.dedup();
    assert_eq!(pods.len(), 3, "{pods:?}");
    // With the cookie, a session's follow-up reaches its pod.
    let open = http(t.front_port, "GET", HANDSHAKE, "", ANSWER)
        .await?
        .context("no handshake")?;
    let cookie = header(&open, "set-cookie").context("no cookie")?;
    let cookie = cookie.split(';').next().unwrap_or_default();
    let session = format!("{HANDSHAKE}&sid={}", sid(&open)?);
    for _ in 0..3 {
        let post = http(
            t.front_port,
            "POST",
            &session,
            &format!("Cookie: {cookie}\r\n"),
            ANSWER,
        )
        .await?
        .context("no answer")?;
        assert_eq!(status(&post), "200", "{post}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn cross_origin_api_allows_the_page_with_credentials() -> Result<()> {
    let t = start("cross-origin").await?;
    let page_origin = format!("http://127.0.0.1:{}", t.front_port);
    let api_port: u16 = t
        .socketio
        .split(':')
        .nth(2)
        .and_then(|p| p.split('/').next())
        .context("api port")?
        .parse()?;
    let origin = format!("Origin: {page_origin}\r\n");
    let open = http(api_port, "GET", HANDSHAKE, &origin, ANSWER)
        .await?
        .context("no handshake")?;
    assert_eq!(
        header(&open, "access-control-allow-origin"),
        Some(page_origin.as_str()),
        "{open}"
    );
    assert_eq!(
        header(&open, "access-control-allow-credentials"),
        Some("true")
    );
    assert!(header(&open, "set-cookie").is_some_and(|c| c.starts_with("INGRESSCOOKIE=")));
    let config = http(t.front_port, "GET", "/conncheck/conncheck.json", "", ANSWER)
        .await?
        .context("no config")?;
    let api_origin = format!("http://127.0.0.1:{api_port}");
    assert!(
        config.contains(&format!("\"allow_origins\":[\"{api_origin}\"]")),
        "{config}"
    );
    let csp = header(&config, "content-security-policy").unwrap_or_default();
    assert!(
        csp.contains(&api_origin) && csp.contains(&format!("ws://127.0.0.1:{api_port}")),
        "{csp}"
    );
    Ok(())
}

/// One session opened without a cookie, then `n` follow-ups one at a time:
/// whether each reached the session's pod (200) or another pod ("Session
/// ID unknown", 400).
async fn follow_ups(port: u16, n: usize) -> Result<Vec<bool>> {
    let open = http(port, "GET", HANDSHAKE, "", ANSWER)
        .await?
        .context("no handshake")?;
    let session = format!("{HANDSHAKE}&sid={}", sid(&open)?);
    let mut landed = Vec::with_capacity(n);
    for _ in 0..n {
        let post = http(port, "POST", &session, "", ANSWER)
            .await?
            .context("no answer")?;
        landed.push(match status(&post) {
            "200" => true,
            "400" if post.contains("Session ID unknown") => false,
            _ => bail!("neither landed nor another pod: {post}"),
        });
    }
    Ok(landed)
}

#[tokio::test(flavor = "multi_thread")]
async fn round_robin_rotates_a_sessions_follow_ups_over_its_pods() -> Result<()> {
    for (name, pods) in [
        ("round-robin", 2),
        ("round-robin-3", 3),
        ("round-robin-4", 4),
        ("round-robin-5", 5),
        ("haproxy-round-robin", 3),
    ] {
        let t = start(name).await?;
        // Follow-up j (after the handshake) reaches the session's pod
        // exactly when j is a multiple of the number of pods.
        let landed = follow_ups(t.front_port, 3 * pods).await?;
        let rotation: Vec<bool> = (1..=3 * pods).map(|j| j % pods == 0).collect();
        assert_eq!(landed, rotation, "{name}: {pods} pods in turn");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn random_sends_follow_ups_off_any_rotation() -> Result<()> {
    for (name, pods) in [("random-3", 3), ("random-5", 5)] {
        let t = start(name).await?;
        // 100 follow-ups: under a rotation none at a position that is not
        // a multiple of `pods` lands; at random, all of those 67 or 80
        // missing has a chance below 1 in 10^7.
        let landed = follow_ups(t.front_port, 100).await?;
        let off_rotation = (1..).zip(&landed).filter(|(j, l)| **l && j % pods != 0);
        assert!(off_rotation.count() > 0, "{name}: {landed:?}");
        assert!(landed.contains(&false), "{name}: no affinity: {landed:?}");
    }
    Ok(())
}

/// Opens an Engine.IO WebSocket (no polling first, no cookie) and idles:
/// how long after the 101 the front cut it, if it did within `wait`.
async fn idle_websocket_cut(port: u16, wait: Duration) -> Result<Option<Duration>> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let request = format!(
        "GET /app/socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tokio::time::timeout(ANSWER, stream.read(&mut buf))
            .await
            .context("no upgrade answer")??;
        anyhow::ensure!(n > 0, "closed before the upgrade answer");
        head.extend_from_slice(&buf[..n]);
    }
    let opened = Instant::now();
    let head = String::from_utf8_lossy(&head);
    anyhow::ensure!(head.starts_with("HTTP/1.1 101"), "not upgraded: {head}");
    let until_closed = async {
        while stream.read(&mut buf).await? > 0 {}
        anyhow::Ok(())
    };
    match tokio::time::timeout(wait, until_closed).await {
        Ok(closed) => closed.map(|()| Some(opened.elapsed())),
        Err(_) => Ok(None),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn short_idle_timeouts_cut_an_idle_websocket_before_the_servers_ping() -> Result<()> {
    // The ping that would keep it alive: HAProxy's pods run the 25 s
    // default, short-idle's the 5 s of SHORT_IDLE_PING_INTERVAL.
    for (name, timeout) in [("haproxy-tunnel", SHORT_TUNNEL), ("short-idle", SHORT_IDLE)] {
        let t = start(name).await?;
        let cut = idle_websocket_cut(t.front_port, SHORT_IDLE_PING_INTERVAL)
            .await?
            .with_context(|| format!("{name}: not cut within {SHORT_IDLE_PING_INTERVAL:?}"))?;
        assert!(
            cut.abs_diff(timeout) <= Duration::from_secs(1),
            "{name}: cut after {cut:?}, timeout {timeout:?}"
        );
    }
    Ok(())
}
