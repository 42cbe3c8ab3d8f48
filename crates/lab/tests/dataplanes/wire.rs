//! Raw HTTP/1.1 on loopback for the data-plane tests: one request per
//! connection, and the few parts of an answer they read.

use std::time::Duration;

use anyhow::{Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One HTTP/1.1 request on its own connection; the whole answer, or an
/// empty one when the connection closed without one. Bounded by `wait`.
pub async fn http(
    port: u16,
    method: &str,
    target: &str,
    cookie: &str,
    wait: Duration,
) -> Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let body = if method == "POST" { "40" } else { "" };
    let cookie = if cookie.is_empty() {
        String::new()
    } else {
        format!("Cookie: {cookie}\r\n")
    };
    let request = format!(
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{cookie}Content-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    tokio::time::timeout(wait, stream.read_to_end(&mut answer))
        .await
        .with_context(|| format!("no answer to {method} {target} within {wait:?}"))??;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

pub fn status(answer: &str) -> &str {
    answer.split(' ').nth(1).unwrap_or_default()
}

pub fn header<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    let head = answer.split("\r\n\r\n").next().unwrap_or_default();
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

pub fn body(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}

pub fn sid(answer: &str) -> Result<String> {
    let start = answer.find("\"sid\":\"").context("no sid")? + 7;
    let len = answer[start..].find('"').context("no sid end")?;
    Ok(answer[start..start + len].to_owned())
}
