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
    /// With the server companion: messages cross pods.
    CrossPod,
}

impl CheckId {
    /// Every check, for documentation and tests.
    pub const ALL: [CheckId; 10] = [
        CheckId::SecureContext,
        CheckId::Websocket,
        CheckId::SocketioHandshake,
        CheckId::SocketioUpgrade,
        CheckId::AffinityCookie,
        CheckId::StickySession,
        CheckId::ConnectionLifetime,
        CheckId::Media,
        CheckId::Webrtc,
        CheckId::CrossPod,
    ];

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
            CheckId::CrossPod => "cross-pod",
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
            CheckId::CrossPod => "Messages across pods",
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
    /// A rate limit answered the page's Socket.IO requests.
    RateLimited,
    /// The handshake was answered, later requests of the session never were.
    SocketioSessionStalled,
    /// With the companion: a broadcast on one pod never reached another.
    CrossPodDeliveryBroken,
    /// A held long-poll was cut before the server's ping: clients without
    /// WebSocket keep losing their session.
    PollingCut,
}

impl FindingId {
    /// Every finding, for documentation and tests.
    pub const ALL: [FindingId; 23] = [
        FindingId::InsecureContext,
        FindingId::WebsocketBlocked,
        FindingId::SocketioUnreachable,
        FindingId::SocketioNotFound,
        FindingId::SocketioServerError,
        FindingId::SocketioProtocolMismatch,
        FindingId::SocketioForbidden,
        FindingId::NamespaceRejected,
        FindingId::CorsBlocked,
        FindingId::UpgradesDisabled,
        FindingId::StickySessionMissing,
        FindingId::AffinityCookieNeedsCredentials,
        FindingId::ConnectionCut,
        FindingId::MediaPermissionDenied,
        FindingId::MediaDeviceInUse,
        FindingId::MediaDeviceMissing,
        FindingId::UdpBlocked,
        FindingId::TurnUnreachable,
        FindingId::TurnTlsUnavailable,
        FindingId::RateLimited,
        FindingId::SocketioSessionStalled,
        FindingId::CrossPodDeliveryBroken,
        FindingId::PollingCut,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Its place in [`FindingId::ALL`]; a new variant fails to compile here
    /// until it is listed there too.
    fn index(id: FindingId) -> usize {
        match id {
            FindingId::InsecureContext => 0,
            FindingId::WebsocketBlocked => 1,
            FindingId::SocketioUnreachable => 2,
            FindingId::SocketioNotFound => 3,
            FindingId::SocketioServerError => 4,
            FindingId::SocketioProtocolMismatch => 5,
            FindingId::SocketioForbidden => 6,
            FindingId::NamespaceRejected => 7,
            FindingId::CorsBlocked => 8,
            FindingId::UpgradesDisabled => 9,
            FindingId::StickySessionMissing => 10,
            FindingId::AffinityCookieNeedsCredentials => 11,
            FindingId::ConnectionCut => 12,
            FindingId::MediaPermissionDenied => 13,
            FindingId::MediaDeviceInUse => 14,
            FindingId::MediaDeviceMissing => 15,
            FindingId::UdpBlocked => 16,
            FindingId::TurnUnreachable => 17,
            FindingId::TurnTlsUnavailable => 18,
            FindingId::RateLimited => 19,
            FindingId::SocketioSessionStalled => 20,
            FindingId::CrossPodDeliveryBroken => 21,
            FindingId::PollingCut => 22,
        }
    }

    /// Its place in [`CheckId::ALL`]; a new variant fails to compile here
    /// until it is listed there too.
    fn check_index(id: CheckId) -> usize {
        match id {
            CheckId::SecureContext => 0,
            CheckId::Websocket => 1,
            CheckId::SocketioHandshake => 2,
            CheckId::SocketioUpgrade => 3,
            CheckId::AffinityCookie => 4,
            CheckId::StickySession => 5,
            CheckId::ConnectionLifetime => 6,
            CheckId::Media => 7,
            CheckId::Webrtc => 8,
            CheckId::CrossPod => 9,
        }
    }

    #[test]
    fn all_checks_are_listed_once_in_order() {
        for (i, id) in CheckId::ALL.iter().enumerate() {
            assert_eq!(check_index(*id), i, "{id:?}");
        }
    }

    #[test]
    fn all_findings_are_listed_once_in_order() {
        for (i, id) in FindingId::ALL.iter().enumerate() {
            assert_eq!(index(*id), i, "{id:?}");
        }
    }

    #[test]
    fn ids_serialize_as_the_design_contract_spells_them() {
        for id in CheckId::ALL {
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
        assert_eq!(
            serde_json::to_value(FindingId::RateLimited).unwrap(),
            "rate-limited"
        );
        assert_eq!(
            serde_json::to_value(FindingId::SocketioSessionStalled).unwrap(),
            "socketio-session-stalled"
        );
    }
}
