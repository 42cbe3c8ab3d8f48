//! Shared by the deploy tests: one HTTP/1.1 exchange on loopback, read
//! whole (bounded), and a stand-in for the built page (the tests are about
//! how nginx routes and labels its files, not about the page itself).

#![allow(dead_code)]

pub mod image;
pub mod manifests;

use std::io::{Read, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};

/// What one request got: status, headers (names lower-case) and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// The one value of header `name`, if sent once.
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut values = self.headers.iter().filter(|(n, _)| n == name);
        let first = values.next().map(|(_, v)| v.as_str());
        assert!(values.next().is_none(), "{name} sent twice: {self:?}");
        first
    }

    /// Every value of header `name`, in order.
    pub fn headers(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The sources of the CSP's `directive`, if the page has a CSP with it.
    pub fn csp_sources(&self, directive: &str) -> Option<Vec<String>> {
        let csp = self.header("content-security-policy")?;
        csp.split(';').find_map(|part| {
            let mut words = part.split_whitespace();
            (words.next() == Some(directive)).then(|| words.map(str::to_owned).collect())
        })
    }
}

/// `GET path` with `Host: host` and the extra header lines `extra`.
pub fn get(port: u16, host: &str, path: &str, extra: &str) -> Result<Answer> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n"
    )?;
    read_answer(stream)
}

/// The page's files as the build names them: `index.html`, a hashed
/// module and its wasm, and the default `conncheck.json`.
pub const PAGE_FILES: [(&str, &str); 4] = [
    ("index.html", "<!doctype html><title>conncheck</title>"),
    ("conncheck-0123abcd.js", "export {};"),
    ("conncheck-0123abcd_bg.wasm", "\0asm"),
    ("conncheck.json", "{\"socketio\": \"/socket.io/\"}"),
];

pub fn write_page(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, body) in PAGE_FILES {
        std::fs::write(dir.join(name), body)?;
    }
    Ok(())
}

/// `text` with its one `from` replaced (a deploy file must keep the lines a
/// test adapts, or the test would silently run something else).
pub fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} once in the file");
    text.replacen(from, to, 1)
}

/// `POST path` with `body` (text/plain), as Engine.IO's polling sends.
pub fn post(port: u16, host: &str, path: &str, extra: &str, body: &str) -> Result<Answer> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5)))?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    read_answer(stream)
}

/// Reads a whole answer (at most 1 MiB), the connection being closed.
fn read_answer(stream: std::net::TcpStream) -> Result<Answer> {
    let mut raw = Vec::new();
    stream.take(1 << 20).read_to_end(&mut raw)?;
    let text = String::from_utf8(raw).context("a non-UTF-8 answer")?;
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        bail!("no end of headers in {text:?}");
    };
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("status line {status_line:?}"))?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok(Answer {
        status,
        headers,
        body: body.to_owned(),
    })
}
