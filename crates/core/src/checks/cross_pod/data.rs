//! What `cross-pod` reports, and its summary from that data alone.

use serde::{Deserialize, Serialize};

use crate::check::{Millis, Status};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum CrossPodResult {
    /// The nonce reached the session on the other pod.
    Delivered { ms: Millis },
    /// The broadcast was accepted, but never reached the other pod.
    NotDelivered { waited_ms: Millis },
    /// Every session landed on the same pod.
    OnePod,
    /// The companion's namespace refused the connection (not attached).
    NoCompanion { message: String },
    /// The companion refused a request (`rate-limited`, …).
    Refused { error: String },
    /// A rate limit in front of the server answered a step's request
    /// (HTTP 429, `Retry-After`, or 503 after answers).
    RateLimited { step: String },
    /// A step got an unexpected answer, or none.
    Failed { step: String, what: String },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrossPodData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub namespace: String,
    /// Sessions opened, and the distinct pods they reached.
    pub sessions: u32,
    pub pods: u32,
    /// Requests sent, retries included.
    pub requests: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<CrossPodResult>,
}

pub(crate) fn summarize(d: &CrossPodData) -> (Status, String) {
    // A pasted report's strings never become the page's words: only known
    // step names and error codes, and the namespace's own characters.
    let ns: String = d
        .namespace
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "/_-".contains(*c))
        .take(64)
        .collect();
    match &d.result {
        Some(CrossPodResult::Delivered { ms }) => (
            Status::Pass,
            format!("A message sent on one pod reached a session on another in {ms} ms ({} pods seen).", d.pods),
        ),
        Some(CrossPodResult::NotDelivered { waited_ms }) => (
            Status::Fail,
            format!("A message sent on one pod never reached a session on another pod ({} s waited, {} pods seen): the pods do not share messages.", waited_ms / 1000, d.pods),
        ),
        Some(CrossPodResult::OnePod) => (
            Status::Skip,
            format!("All {} sessions reached the same pod: one replica, or the Service's sessionAffinity: ClientIP sends everyone to one pod; cross-pod delivery could not be tested.", d.sessions),
        ),
        Some(CrossPodResult::NoCompanion { .. }) => (
            Status::Warn,
            format!("The companion does not answer at namespace {ns}: is it attached to the Socket.IO server?"),
        ),
        Some(CrossPodResult::Refused { error }) => {
            let known = ["rate-limited", "bad-request", "bad-room", "bad-nonce"];
            let error = known.iter().find(|k| *k == error).unwrap_or(&"an unknown reason");
            (Status::Warn, format!("The companion refused a request ({error})."))
        }
        Some(CrossPodResult::RateLimited { step }) => (
            Status::Warn,
            format!("The cross-pod probe's {} request was refused as by a rate limit (HTTP 429, Retry-After, or 503 after earlier answers): cross-pod delivery could not be tested.", known_step(step)),
        ),
        Some(CrossPodResult::Failed { step, .. }) if step == "handshake" => (
            Status::Skip,
            "No Engine.IO session could be opened; see the Socket.IO handshake.".into(),
        ),
        Some(CrossPodResult::Failed { step, .. }) => (
            Status::Warn,
            format!("The cross-pod probe stopped at its {} step; the check's data says how.", known_step(step)),
        ),
        None => (Status::Skip, "Not run.".into()),
    }
}

/// A step's name if it is one of ours, else "unknown": a pasted report's
/// strings never become the page's words.
fn known_step(step: &str) -> &'static str {
    const KNOWN: [&str; 6] = [
        "handshake",
        "namespace-connect",
        "hello",
        "listen",
        "send",
        "probe",
    ];
    KNOWN.into_iter().find(|k| *k == step).unwrap_or("unknown")
}
