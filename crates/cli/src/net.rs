//! HTTP as a browser's `fetch()` does it for the core's [`FetchRequest`]s:
//! one cookie jar that `credentials: "include"` uses and `"omit"` never
//! touches, redirects followed, CORS enforced against the page's origin
//! (the URL the CLI was given plays the page), response headers as a page
//! may read them, every request bounded in time and body size.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use conncheck_core::check::{Credentials, Event, FetchMode, FetchRequest, Handle};
use conncheck_core::privacy;
use reqwest::cookie::Jar;
use reqwest::header::{HeaderMap, HeaderValue, ORIGIN, USER_AGENT};
use tokio::task::JoinHandle;

/// The page's bounds (src/net_io.rs): a body is read up to this many
/// bytes; every request ends after this long, headers and body together.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(60);
/// A browser follows at most 20 redirects.
const MAX_REDIRECTS: usize = 20;
/// Response headers a cross-origin page may read without
/// `Access-Control-Expose-Headers` (the Fetch standard's safelist).
const SAFELISTED: [&str; 7] = [
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

pub fn user_agent() -> String {
    format!(
        "conncheck/{} ({}; terminal)",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS
    )
}

/// The network as one run's checks share it: one cookie jar, as one
/// browser profile has.
#[derive(Clone)]
pub struct Net {
    pub jar: Arc<Jar>,
    with_cookies: reqwest::Client,
    without_cookies: reqwest::Client,
    /// The page's origin (`http://host:port`), sent as `Origin`.
    pub origin: String,
    /// Requests sent and forgotten (a session's close), which the process
    /// lets finish before it exits, as a page's `keepalive` does.
    beacons: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Net {
    pub fn new(origin: String) -> Result<Net, String> {
        let jar = Arc::new(Jar::default());
        let build = |jar: Option<Arc<Jar>>| {
            let mut b = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
                .timeout(FETCH_TIMEOUT)
                .connect_timeout(FETCH_TIMEOUT);
            if let Some(jar) = jar {
                b = b.cookie_provider(jar);
            }
            b.build().map_err(|e| privacy::redact_text(&e.to_string()))
        };
        Ok(Net {
            with_cookies: build(Some(jar.clone()))?,
            without_cookies: build(None)?,
            jar,
            origin,
            beacons: Arc::default(),
        })
    }

    /// Sends `request` and forgets it; [`Net::flush`] waits for it.
    pub fn beacon(&self, request: FetchRequest) {
        let net = self.clone();
        let task = tokio::spawn(async move {
            let _ = net.fetch(0, request).await;
        });
        if let Ok(mut beacons) = self.beacons.lock() {
            beacons.retain(|b| !b.is_finished());
            beacons.push(task);
        }
    }

    /// Waits, at most `bound`, for the beacons still on their way.
    pub async fn flush(&self, bound: Duration) {
        let pending: Vec<JoinHandle<()>> = match self.beacons.lock() {
            Ok(mut beacons) => beacons.drain(..).collect(),
            Err(_) => return,
        };
        let _ = tokio::time::timeout(bound, futures_util::future::join_all(pending)).await;
    }

    /// Carries out one request and tells the check what a page would see.
    pub async fn fetch(&self, id: Handle, request: FetchRequest) -> Event {
        match self.answer(&request).await {
            Ok((status, headers, body)) => Event::HttpResponse {
                id,
                status,
                headers,
                body,
            },
            Err(message) => Event::HttpFailed { id, message },
        }
    }

    async fn answer(
        &self,
        request: &FetchRequest,
    ) -> Result<(u16, Vec<(String, String)>, String), String> {
        let url = reqwest::Url::parse(&request.url).map_err(|e| format!("TypeError: {e}"))?;
        let cross_origin = url.origin().ascii_serialization() != self.origin;
        let client = match request.credentials {
            Credentials::Include => &self.with_cookies,
            Credentials::Omit => &self.without_cookies,
        };
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| format!("TypeError: {e}"))?;
        let mut builder = client
            .request(method.clone(), url)
            .header(USER_AGENT, user_agent());
        // A browser sends Origin on every cross-origin request and on a
        // same-origin one that is not GET or HEAD.
        if cross_origin || !matches!(method, reqwest::Method::GET | reqwest::Method::HEAD) {
            builder = builder.header(ORIGIN, &self.origin);
        }
        if let Some(body) = &request.body {
            builder = builder
                .header("content-type", "text/plain;charset=UTF-8")
                .body(body.clone());
        }
        let mut response = builder.send().await.map_err(|e| error_text(&e))?;
        let status = response.status().as_u16();
        if cross_origin && request.mode == FetchMode::NoCors {
            // An opaque response: that something answered, nothing more.
            return Ok((0, Vec::new(), String::new()));
        }
        let headers = response.headers().clone();
        if cross_origin {
            cors_allows(&headers, &self.origin, request.credentials)?;
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| error_text(&e))? {
            let room = MAX_BODY_BYTES.saturating_sub(body.len());
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if body.len() >= MAX_BODY_BYTES {
                break;
            }
        }
        Ok((
            status,
            readable_headers(&headers, cross_origin),
            String::from_utf8_lossy(&body).into_owned(),
        ))
    }
}

/// What a browser checks before it hands a cross-origin answer to the
/// page; a refusal is a failed fetch, as the page sees it.
fn cors_allows(headers: &HeaderMap, origin: &str, credentials: Credentials) -> Result<(), String> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let allowed = match text("access-control-allow-origin") {
        Some("*") => credentials == Credentials::Omit,
        Some(value) => value == origin,
        None => false,
    };
    let credentialed_ok = credentials == Credentials::Omit
        || text("access-control-allow-credentials") == Some("true");
    if allowed && credentialed_ok {
        Ok(())
    } else {
        Err(
            "TypeError: Failed to fetch (the answer's CORS headers do not allow this origin)"
                .into(),
        )
    }
}

/// The response headers a page could read: never `Set-Cookie`; across
/// origins only the safelisted and exposed ones; proxy headers cut to
/// product tokens (they can name internal hosts), every value bounded.
fn readable_headers(headers: &HeaderMap, cross_origin: bool) -> Vec<(String, String)> {
    let exposed: Vec<String> = headers
        .get_all("access-control-expose-headers")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|n| n.trim().to_ascii_lowercase())
        .collect();
    let mut out = Vec::new();
    for (name, value) in headers {
        let name = name.as_str();
        if name == "set-cookie" || name == "set-cookie2" {
            continue;
        }
        if cross_origin && !SAFELISTED.contains(&name) && !exposed.iter().any(|e| e == name) {
            continue;
        }
        let value = String::from_utf8_lossy(value.as_bytes());
        let value = match name {
            "server" => privacy::product_token(&value),
            "via" => privacy::via_tokens(&value),
            _ => Some(value.chars().take(1024).collect()),
        };
        out.extend(value.map(|v| (name.to_owned(), v)));
    }
    out.truncate(64);
    out
}

/// A failed request in a line: what failed, never the URL (it may carry
/// credentials).
pub fn error_text(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "AbortError: no complete answer within the request's time bound"
    } else if e.is_connect() {
        "TypeError: Failed to fetch (could not connect)"
    } else if e.is_redirect() {
        "TypeError: Failed to fetch (too many redirects)"
    } else {
        "TypeError: Failed to fetch"
    };
    let mut cause = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    if cause.is_empty() {
        what.to_owned()
    } else {
        privacy::redact_text(&format!("{what}: {cause}"))
    }
}

/// The `Cookie` header the jar gives a WebSocket handshake to `ws_url`
/// (a browser sends cookies with it, as with an http(s) request).
pub fn ws_cookie(jar: &Jar, ws_url: &reqwest::Url) -> Option<HeaderValue> {
    use reqwest::cookie::CookieStore;
    let mut http = ws_url.clone();
    let scheme = if ws_url.scheme() == "wss" {
        "https"
    } else {
        "http"
    };
    http.set_scheme(scheme).ok()?;
    jar.cookies(&http)
}

/// Stores the cookies a WebSocket handshake's answer set.
pub fn ws_set_cookies(jar: &Jar, ws_url: &reqwest::Url, headers: &HeaderMap) {
    use reqwest::cookie::CookieStore;
    let mut http = ws_url.clone();
    let scheme = if ws_url.scheme() == "wss" {
        "https"
    } else {
        "http"
    };
    if http.set_scheme(scheme).is_ok() {
        jar.set_cookies(&mut headers.get_all("set-cookie").iter(), &http);
    }
}

#[cfg(test)]
#[path = "net_tests.rs"]
mod tests;
