//! Every stable id of the report (checks, findings) and every user-visible
//! title, in one place.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckId {
    SecureContext,
    Websocket,
    SocketioHandshake,
    SocketioUpgrade,
    AffinityCookie,
    StickySession,
    ConnectionLifetime,
    Media,
    Webrtc,
}

impl CheckId {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::SecureContext => "secure-context",
            CheckId::Websocket => "websocket",
            CheckId::SocketioHandshake => "socketio-handshake",
            CheckId::SocketioUpgrade => "socketio-upgrade",
            CheckId::AffinityCookie => "affinity-cookie",
            CheckId::StickySession => "sticky-session",
            CheckId::ConnectionLifetime => "connection-lifetime",
            CheckId::Media => "media",
            CheckId::Webrtc => "webrtc",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            CheckId::SecureContext => "Secure connection (HTTPS)",
            CheckId::Websocket => "WebSocket connection",
            CheckId::SocketioHandshake => "Socket.IO handshake",
            CheckId::SocketioUpgrade => "Socket.IO upgrade to WebSocket",
            CheckId::AffinityCookie => "Load balancer affinity cookie",
            CheckId::StickySession => "Sticky sessions",
            CheckId::ConnectionLifetime => "Connection lifetime",
            CheckId::Media => "Camera and microphone",
            CheckId::Webrtc => "WebRTC reachability",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingId {
    InsecureContext,
    WebsocketBlocked,
    SocketioUnreachable,
    SocketioNotFound,
    SocketioServerError,
    SocketioProtocolMismatch,
    SocketioForbidden,
    NamespaceRejected,
    CorsBlocked,
    UpgradesDisabled,
    StickySessionMissing,
    /// Cookie affinity works, but a cross-origin client must send cookies.
    AffinityCookieNeedsCredentials,
    ConnectionCut,
    MediaPermissionDenied,
    MediaDeviceInUse,
    MediaDeviceMissing,
    UdpBlocked,
    TurnUnreachable,
    /// A `turns:` (TURN over TLS) server gave no relay.
    TurnTlsUnavailable,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_serialize_as_the_design_contract_spells_them() {
        for id in [
            CheckId::SecureContext,
            CheckId::Websocket,
            CheckId::SocketioHandshake,
            CheckId::SocketioUpgrade,
            CheckId::AffinityCookie,
            CheckId::StickySession,
            CheckId::ConnectionLifetime,
            CheckId::Media,
            CheckId::Webrtc,
        ] {
            assert_eq!(serde_json::to_value(id).unwrap(), id.as_str());
        }
        assert_eq!(
            serde_json::to_value(FindingId::StickySessionMissing).unwrap(),
            "sticky-session-missing"
        );
        assert_eq!(
            serde_json::to_value(FindingId::InsecureContext).unwrap(),
            "insecure-context"
        );
    }
}
