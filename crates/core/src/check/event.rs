//! What the driver feeds a check: everything the browser answered, and
//! the cookies it lets the page see.

use serde::{Deserialize, Serialize};

use super::{Handle, MediaError, MediaFacts, TrackFacts};

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    HttpResponse {
        id: Handle,
        status: u16,
        /// Lower-cased names, as the browser exposes them.
        headers: Vec<(String, String)>,
        body: String,
    },
    /// `fetch()` rejected: a network failure, or CORS refused the answer
    /// (the browser makes the two indistinguishable).
    HttpFailed {
        id: Handle,
        message: String,
    },
    WsOpened {
        id: Handle,
    },
    WsMessage {
        id: Handle,
        text: String,
    },
    WsBinary {
        id: Handle,
        len: usize,
    },
    WsClosed {
        id: Handle,
        code: u16,
        reason: String,
        clean: bool,
    },
    Timeout {
        id: Handle,
    },
    Cookies {
        id: Handle,
        cookies: Vec<VisibleCookie>,
    },
    MediaFacts {
        id: Handle,
        facts: MediaFacts,
    },
    MediaGranted {
        id: Handle,
        track: TrackFacts,
    },
    MediaFailed {
        id: Handle,
        error: MediaError,
    },
    /// One gathered candidate line; the check reduces it to facts.
    IceCandidate {
        id: Handle,
        line: String,
        relay_protocol: Option<String>,
    },
    IceError {
        id: Handle,
        code: u16,
        text: String,
    },
    IceComplete {
        id: Handle,
    },
}

/// A cookie as the page sees it: `document.cookie` gives the name, the
/// CookieStore API (where the browser has it) the attributes. The value is
/// never read into this type, so it cannot reach a report.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VisibleCookie {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secure: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_site: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitioned: Option<bool>,
}
