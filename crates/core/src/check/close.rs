//! The WebSocket closing handshake as checks see it: close codes (RFC 6455
//! §7.4), who started a close, and how long a close is given.

use std::fmt;

use serde::{Deserialize, Serialize};

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
    /// 1005: a close frame without a code (reported, never sent).
    pub const NO_STATUS: CloseCode = CloseCode(1005);
    /// 1009, "message too big": what a driver reports when it closes a
    /// socket itself for a message over [`MAX_WS_MESSAGE`] (not clean: no
    /// close frame came from the other side).
    pub const MESSAGE_TOO_BIG: CloseCode = CloseCode(1009);
}

/// The longest WebSocket message a driver takes (characters in the page,
/// bytes natively): past it the driver closes with
/// [`CloseCode::MESSAGE_TOO_BIG`].
pub const MAX_WS_MESSAGE: u32 = 1024 * 1024;

impl fmt::Display for CloseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Who started a close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClosedBy {
    /// The check (in reports written before checks stopped waiting for
    /// their own closes).
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
    /// The close the driver reported. A check never waits for a close it
    /// started (Envoy, for one, completes it a second late), so every close
    /// a check sees was started by the server or a hop.
    pub fn observed(code: u16, clean: bool) -> CloseInfo {
        CloseInfo {
            code: CloseCode(code),
            clean,
            by: ClosedBy::Server,
        }
    }
}
