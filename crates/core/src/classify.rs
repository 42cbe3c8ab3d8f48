//! What an HTTP answer to an Engine.IO request means, in every dialect a
//! browser may meet: Engine.IO error bodies of Node, socketioxide and
//! python-engineio, proxies' HTML error pages, empty bodies.
//!
//! The result is safe for reports: it never carries the session id.

use crate::json::{self, Value};
use crate::privacy::observed;
use serde::{Deserialize, Serialize};

use crate::engineio::{split_payload, OpenPacket, Packet, Payload};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dialect {
    /// `{"code":3,"message":"Bad request"}`
    Node,
    /// `{"code":"3","message":"Bad request"}`
    Socketioxide,
    /// `"Invalid session <sid>"`, as text.
    PythonEngineio,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineIoError {
    pub code: Option<u8>,
    pub message: String,
    pub dialect: Dialect,
}

/// Engine.IO's error codes the rules read (2, bad handshake method, is
/// never the answer to the page's GET).
pub const TRANSPORT_UNKNOWN: u8 = 0;
pub const SESSION_ID_UNKNOWN: u8 = 1;
pub const BAD_REQUEST: u8 = 3;
pub const FORBIDDEN: u8 = 4;
pub const UNSUPPORTED_PROTOCOL_VERSION: u8 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Answer {
    /// An Engine.IO 4 open packet.
    EngineioOpen,
    /// Engine.IO 4 packets other than an open packet.
    EngineioPackets,
    /// A length-prefixed Engine.IO 3 payload: an old (Socket.IO 2) server.
    Engineio3,
    EngineioError(EngineIoError),
    /// `ok`: Engine.IO's answer to a POST.
    Ok,
    /// An HTML page: a proxy's error page or an app's catch-all route.
    Html,
    Empty,
    /// Anything else, described by its first characters' kind only.
    Text,
}

/// One HTTP answer, reduced to what the report may say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpObservation {
    pub status: u16,
    pub answer: Answer,
    /// `Server` and `Via` headers, when the browser exposes them: hints of
    /// which proxy answered.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub server: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub via: Option<String>,
    /// The answer carried `Retry-After`: the server or a proxy asks the
    /// client to slow down.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub retry_after: bool,
    /// What in the answer names the proxy that gave it, as this page
    /// recognises it (never the text itself).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub proxy: Option<ProxyMark>,
}

/// A proxy's own words or headers in an answer, recognised by this page:
/// they name the data plane that answered (docs/contracts.md, data planes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProxyMark {
    /// Envoy's own answer to a route timeout: `upstream request timeout`.
    EnvoyRouteTimeout,
    /// Envoy's `stream timeout`: its `stream_idle_timeout`.
    EnvoyStreamTimeout,
    /// Envoy's other own answers (`no healthy upstream`, `upstream connect
    /// error or disconnect/reset before headers`).
    EnvoyUpstreamError,
    /// An `x-envoy-*` response header (Envoy's router adds
    /// `x-envoy-upstream-service-time`).
    EnvoyHeader,
    /// HAProxy's own error page.
    HaproxyPage,
    /// nginx's own error page.
    NginxPage,
}

/// The proxy a body's own words or the headers name, body first.
fn proxy_mark(headers: &[(String, String)], body: &str) -> Option<ProxyMark> {
    let body: String = body
        .chars()
        .take(300)
        .collect::<String>()
        .to_ascii_lowercase();
    let said = |texts: &[&str]| texts.iter().any(|t| body.contains(t));
    let mark = if said(&["upstream request timeout"]) {
        ProxyMark::EnvoyRouteTimeout
    } else if body.trim() == "stream timeout" {
        ProxyMark::EnvoyStreamTimeout
    } else if said(&["no healthy upstream", "upstream connect error"]) {
        ProxyMark::EnvoyUpstreamError
    } else if said(&["<center>nginx"]) {
        ProxyMark::NginxPage
    } else if said(&[
        "the server didn't respond in time",
        "no server is available to handle this request",
        "the server returned an invalid or incomplete response",
    ]) {
        ProxyMark::HaproxyPage
    } else if headers
        .iter()
        .any(|(k, _)| k.to_ascii_lowercase().starts_with("x-envoy-"))
    {
        ProxyMark::EnvoyHeader
    } else {
        return None;
    };
    Some(mark)
}

impl HttpObservation {
    pub fn engineio_error(&self) -> Option<&EngineIoError> {
        match &self.answer {
            Answer::EngineioError(e) => Some(e),
            _ => None,
        }
    }

    pub fn error_code(&self) -> Option<u8> {
        self.engineio_error().and_then(|e| e.code)
    }

    /// HTTP 429, or any answer with `Retry-After`: a rate limit answered.
    /// (A 503 is one only beside answers that succeeded: see the rules.)
    pub fn rate_limit_signal(&self) -> bool {
        self.status == TOO_MANY_REQUESTS || self.retry_after
    }
}

pub const TOO_MANY_REQUESTS: u16 = 429;
pub const SERVICE_UNAVAILABLE: u16 = 503;

impl HttpObservation {
    /// "HTTP 404 with an HTML page", for summaries and evidence.
    pub fn describe(&self) -> String {
        let what = match &self.answer {
            Answer::EngineioOpen => "an Engine.IO open packet".to_owned(),
            Answer::EngineioPackets => "Engine.IO packets".to_owned(),
            Answer::Engineio3 => "an Engine.IO 3 payload (a Socket.IO 2 server)".to_owned(),
            Answer::EngineioError(e) => match e.code {
                Some(code) => format!("Engine.IO error {code} {}", observed(&e.message)),
                None => format!("Engine.IO error {}", observed(&e.message)),
            },
            Answer::Ok => "\"ok\"".to_owned(),
            Answer::Html => "an HTML page".to_owned(),
            Answer::Empty => "an empty body".to_owned(),
            Answer::Text => "text that is not Engine.IO".to_owned(),
        };
        format!("HTTP {} with {what}", self.status)
    }

    /// [`describe`](Self::describe), naming a `Retry-After` header.
    pub fn describe_limit(&self) -> String {
        let retry = if self.retry_after {
            " and Retry-After"
        } else {
            ""
        };
        format!("{}{retry}", self.describe())
    }
}

/// One timed request of a check, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpStep {
    pub ms: u64,
    #[serde(flatten)]
    pub result: StepResult,
}

impl HttpStep {
    /// A request answered after `ms`, and what the answer was.
    pub fn answered(ms: u64, observation: HttpObservation) -> Self {
        HttpStep {
            ms,
            result: StepResult::Answered(observation),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum StepResult {
    Answered(HttpObservation),
    /// `fetch()` rejected: a network failure or a CORS refusal.
    NetworkError {
        message: String,
    },
    Timeout,
}

impl HttpStep {
    pub fn observation(&self) -> Option<&HttpObservation> {
        match &self.result {
            StepResult::Answered(obs) => Some(obs),
            _ => None,
        }
    }

    pub fn describe(&self) -> String {
        match &self.result {
            StepResult::Answered(obs) => obs.describe(),
            StepResult::NetworkError { message } => format!("no readable answer ({message})"),
            StepResult::Timeout => format!("no answer within {} s", self.ms / 1000),
        }
    }
}

/// Classifies an answer; also returns the open packet when there is one.
pub fn classify(
    status: u16,
    headers: &[(String, String)],
    body: &str,
) -> (HttpObservation, Option<OpenPacket>) {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.chars().take(100).collect())
    };
    let html_type = header("content-type")
        .is_some_and(|t: String| t.to_ascii_lowercase().contains("text/html"));
    let (answer, open) = classify_body(body, html_type);
    (
        HttpObservation {
            status,
            answer,
            server: header("server"),
            via: header("via"),
            retry_after: header("retry-after").is_some(),
            proxy: proxy_mark(headers, body),
        },
        open,
    )
}

fn classify_body(body: &str, html_type: bool) -> (Answer, Option<OpenPacket>) {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return (Answer::Empty, None);
    }
    if html_type || trimmed.starts_with('<') {
        return (Answer::Html, None);
    }
    if trimmed == "ok" {
        return (Answer::Ok, None);
    }
    if let Some(error) = engineio_error(trimmed) {
        return (Answer::EngineioError(error), None);
    }
    match split_payload(body) {
        Payload::V3 => (Answer::Engineio3, None),
        Payload::V4(packets) => match packets.first().map(|p| Packet::parse(p)) {
            Some(Ok(Packet::Open(open))) => (Answer::EngineioOpen, Some(open)),
            Some(Ok(_)) if packets.iter().all(|p| Packet::parse(p).is_ok()) => {
                (Answer::EngineioPackets, None)
            }
            _ => (Answer::Text, None),
        },
    }
}

fn engineio_error(body: &str) -> Option<EngineIoError> {
    match json::parse(body) {
        Ok(Value::Object(map)) => {
            let message = map.get("message")?.as_str()?.chars().take(200).collect();
            let (code, dialect) = match map.get("code")? {
                Value::Number(n) => (n.as_u64().and_then(|c| u8::try_from(c).ok()), Dialect::Node),
                Value::String(s) => (s.parse().ok(), Dialect::Socketioxide),
                _ => return None,
            };
            Some(EngineIoError {
                code,
                message,
                dialect,
            })
        }
        Ok(Value::String(text)) => python_engineio_error(&text),
        Ok(_) => None,
        Err(_) => python_engineio_error(body),
    }
}

/// python-engineio answers 400 with a (JSON-quoted) sentence.
fn python_engineio_error(text: &str) -> Option<EngineIoError> {
    let text = text.trim_matches('"');
    let code = if text.starts_with("Invalid session") {
        SESSION_ID_UNKNOWN
    } else if text.starts_with("Invalid transport") {
        TRANSPORT_UNKNOWN
    } else if text.contains("unsupported version") {
        UNSUPPORTED_PROTOCOL_VERSION
    } else {
        return None;
    };
    // "Invalid session <sid>": the sid must not reach the report.
    let message = if code == SESSION_ID_UNKNOWN {
        "Invalid session".to_owned()
    } else {
        text.chars().take(200).collect()
    };
    Some(EngineIoError {
        code: Some(code),
        message,
        dialect: Dialect::PythonEngineio,
    })
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
