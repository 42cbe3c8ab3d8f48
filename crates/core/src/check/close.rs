//! The WebSocket closing handshake as checks see it: close codes (RFC 6455
//! §7.4), who started a close, and how long a close is given.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Millis;

/// A WebSocket close code; in reports, the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CloseCode(pub u16);

impl CloseCode {
    /// 1000: the purpose of the connection is fulfilled (how checks close).
    pub const NORMAL: CloseCode = CloseCode(1000);
    /// 1006: the connection ended without a close frame (only ever
    /// reported by the browser, never sent).
    pub const ABNORMAL: CloseCode = CloseCode(1006);
}

impl fmt::Display for CloseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// How long a check waits for the close it started to complete.
pub const CLOSE_TIMEOUT_MS: Millis = 2_000;

/// Who started a close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClosedBy {
    /// The check.
    Client,
    /// The server, or a hop on the way.
    Server,
}

/// A socket's close as a check records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseInfo {
    pub code: CloseCode,
    pub clean: bool,
    pub by: ClosedBy,
}

impl CloseInfo {
    /// The close the driver reported; `closing`: the check had started one.
    pub fn observed(code: u16, clean: bool, closing: bool) -> CloseInfo {
        CloseInfo {
            code: CloseCode(code),
            clean,
            by: if closing {
                ClosedBy::Client
            } else {
                ClosedBy::Server
            },
        }
    }
}
