//! `webrtc`'s data: per ICE server gathered, candidate facts (never
//! addresses) and errors; the LiveKit probe.

use serde::{Deserialize, Serialize};

use crate::check::Millis;
use crate::ice::{CandidateFacts, CandidateType};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServerKind {
    Host,
    Stun,
    Turn,
    Turns,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceErrorFacts {
    pub code: u16,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateCount {
    #[serde(flatten)]
    pub facts: CandidateFacts,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatherReport {
    pub kind: ServerKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Distinct candidates, each with how many were gathered.
    pub candidates: Vec<CandidateCount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<IceErrorFacts>,
    pub complete: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gather_ms: Option<Millis>,
}

impl GatherReport {
    pub fn count(&self, kind: CandidateType) -> usize {
        self.candidates
            .iter()
            .filter(|c| c.facts.kind == kind)
            .map(|c| c.count as usize)
            .sum()
    }

    /// Did this server do its job: host candidates, a reflexive one, a relay?
    pub fn worked(&self) -> bool {
        let wanted = match self.kind {
            ServerKind::Host => CandidateType::Host,
            ServerKind::Stun => CandidateType::Srflx,
            ServerKind::Turn | ServerKind::Turns => CandidateType::Relay,
        };
        self.count(wanted) > 0
    }

    /// The TURN server refused the credentials (STUN error 401).
    pub fn unauthorized(&self) -> bool {
        self.errors.iter().any(|e| e.code == 401)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivekitProbe {
    pub url: String,
    /// Something answered an opaque request (no credentials are sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<bool>,
    /// The WebSocket endpoint (`/rtc`). Without a token LiveKit refuses the
    /// upgrade, so `closed` (something answered and refused) is the healthy
    /// answer here; only `no-answer` means it cannot be reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub websocket: Option<WsReach>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WsReach {
    Opened,
    Closed,
    NoAnswer,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebrtcData {
    pub gatherings: Vec<GatherReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livekit: Option<LivekitProbe>,
}

impl WebrtcData {
    pub fn of_kind(&self, kind: ServerKind) -> impl Iterator<Item = &GatherReport> {
        self.gatherings.iter().filter(move |g| g.kind == kind)
    }

    pub fn any_relay(&self) -> bool {
        self.gatherings
            .iter()
            .any(|g| g.count(CandidateType::Relay) > 0)
    }
}
