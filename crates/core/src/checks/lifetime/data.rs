//! `connection-lifetime`'s data: how long the session held, and how and
//! when it ended.

use serde::{Deserialize, Serialize};

use super::{MatchedLimit, PlatformHints};
use crate::check::{CloseInfo, Millis};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifetimeData {
    pub hold_s: u64,
    pub opened: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_ms: Option<Millis>,
    /// From open to close, when it was cut before the hold time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_ms: Option<Millis>,
    pub held: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close: Option<CloseInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ping_interval_ms: Option<Millis>,
    pub pings_answered: u32,
    /// Time between the last ping and the cut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_ping_before_close_ms: Option<Millis>,
    pub hints: PlatformHints,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_limit: Option<MatchedLimit>,
}

impl LifetimeData {
    /// How long the test holds the connection.
    pub fn hold_ms(&self) -> Millis {
        self.hold_s.saturating_mul(1000)
    }
}
