//! Every stable id of the report (checks, findings) and every user-visible
//! title, in one place.

use serde::{Deserialize, Serialize};

/// Every check, once: the one place a check registers. A line gives its
/// variant, its id as reports spell it, its title, its folder with its
/// check and data types, how its summary is judged from its data, its part
/// in the cookie jar ([`Jar`]) and when it runs ([`Runs`]; an automatic
/// check with its place in the page's order and how the run makes it).
///
/// This layer reads only the ids, titles and those two parts; the checks
/// layer expands the rest where its folders are in scope: `CheckData` and
/// the summaries (`checks/data.rs`), the automatic set (`checks/mod.rs`),
/// the test harness's types (`harness.rs`). The lines are in the order of
/// [`CheckId::ALL`] (the contracts' table); the page's order is `Automatic`'s.
/// A check's diagnosis rules live in `diagnosis/` by the area they span.
macro_rules! each_check {
    ($then:ident) => {
        $then! {
            SecureContext "secure-context" "Secure connection (HTTPS)",
                secure_context::{SecureContextCheck, SecureContextData},
                summary(secure_context::summarize), jar(Apart),
                runs(Automatic 0, |_, facts| secure_context::SecureContextCheck::new(facts));
            Websocket "websocket" "WebSocket connection",
                websocket::{WebSocketCheck, WebSocketData},
                summary(websocket::summarize), jar(Shares),
                runs(Automatic 1, |config, _| websocket::WebSocketCheck::new(config));
            SocketioHandshake "socketio-handshake" "Socket.IO handshake",
                handshake::{HandshakeCheck, HandshakeData},
                // The namespace's validity changes the status, never the words.
                summary(|d| handshake::summarize(d, true)), jar(Settles),
                runs(Automatic 2, |config, _| handshake::HandshakeCheck::new(config));
            SocketioUpgrade "socketio-upgrade" "Socket.IO upgrade to WebSocket",
                upgrade::{UpgradeCheck, UpgradeData},
                summary(upgrade::summarize), jar(Shares),
                runs(Automatic 3, |config, _| upgrade::UpgradeCheck::new(config));
            AffinityCookie "affinity-cookie" "Load balancer affinity cookie",
                affinity_cookie::{AffinityCookieCheck, AffinityCookieData},
                summary(affinity_cookie::summarize), jar(Shares),
                runs(Automatic 5, |config, facts| {
                    affinity_cookie::AffinityCookieCheck::new(config, facts)
                });
            StickySession "sticky-session" "Sticky sessions",
                sticky::{StickyCheck, StickyData},
                summary(sticky::summarize), jar(Shares),
                runs(Automatic 4, |config, facts| sticky::StickyCheck::new(config, facts));
            ConnectionLifetime "connection-lifetime" "Connection lifetime",
                lifetime::{LifetimeCheck, LifetimeData},
                summary(lifetime::summarize), jar(Apart),
                runs(AfterReport);
            Media "media" "Camera and microphone",
                media::{MediaCheck, MediaData},
                summary(media::summarize), jar(Apart),
                runs(Automatic 6, |_, facts| {
                    media::MediaCheck::new(facts.secure_context, false)
                });
            Webrtc "webrtc" "WebRTC reachability",
                webrtc::{WebrtcCheck, WebrtcData},
                summary(webrtc::summarize), jar(Apart),
                runs(Automatic 7, |config, _| webrtc::WebrtcCheck::new(config));
            // With the server companion: messages cross pods.
            CrossPod "cross-pod" "Messages across pods",
                cross_pod::{CrossPodCheck, CrossPodData},
                summary(cross_pod::summarize), jar(Apart),
                runs(AfterReport);
        }
    };
}
pub(crate) use each_check;

/// A check's part in the browser's cookie jar, which it shares with the
/// Socket.IO endpoint (why it matters: the `run` module's comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jar {
    /// Tells when the endpoint's first answer is in the jar.
    Settles,
    /// Shares the jar: starts once the first answer is in.
    Shares,
    /// Neither: starts at once.
    Apart,
}

/// When a check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runs {
    /// In every run, before the first report (media also on the user's
    /// button).
    Automatic,
    /// Observed after the first report when the configuration asks for it
    /// (the lifetime also on the user's button).
    AfterReport,
}

macro_rules! check_ids {
    ($($id:ident $name:literal $title:literal, $module:ident::{$check:ident, $data:ident},
        summary($summary:expr), jar($jar:ident),
        runs($runs:ident $($place:literal, $make:expr)?);)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum CheckId {
            $($id,)*
        }

        impl CheckId {
            /// Every check, for documentation and tests.
            pub const ALL: [CheckId; [$(CheckId::$id),*].len()] = [$(CheckId::$id),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(CheckId::$id => $name,)*
                }
            }

            pub fn title(self) -> &'static str {
                match self {
                    $(CheckId::$id => $title,)*
                }
            }

            pub fn jar(self) -> Jar {
                match self {
                    $(CheckId::$id => Jar::$jar,)*
                }
            }

            pub fn runs(self) -> Runs {
                match self {
                    $(CheckId::$id => Runs::$runs,)*
                }
            }
        }
    };
}
each_check!(check_ids);

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

    /// The ids, their order and the jar's roles are contracts
    /// (docs/contracts.md, "How a run proceeds"): the registry keeps them.
    #[test]
    fn the_registry_keeps_the_ids_their_order_and_the_jar_roles() {
        let ids: Vec<&str> = CheckId::ALL.iter().map(|id| id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "secure-context",
                "websocket",
                "socketio-handshake",
                "socketio-upgrade",
                "affinity-cookie",
                "sticky-session",
                "connection-lifetime",
                "media",
                "webrtc",
                "cross-pod",
            ]
        );
        let with = |jar| -> Vec<&str> {
            CheckId::ALL
                .iter()
                .filter(|id| id.jar() == jar)
                .map(|id| id.as_str())
                .collect()
        };
        assert_eq!(with(Jar::Settles), ["socketio-handshake"]);
        assert_eq!(
            with(Jar::Shares),
            [
                "websocket",
                "socketio-upgrade",
                "affinity-cookie",
                "sticky-session"
            ]
        );
        let after: Vec<&str> = CheckId::ALL
            .iter()
            .filter(|id| id.runs() == Runs::AfterReport)
            .map(|id| id.as_str())
            .collect();
        assert_eq!(after, ["connection-lifetime", "cross-pod"]);
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
