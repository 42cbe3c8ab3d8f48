//! The one table of named scenarios: topology, the page's query, and the
//! exact finding ids a correct page reports. `conncheck-lab --scenario`,
//! the end-to-end tests and the accuracy command (`make accuracy`) all read
//! it, so what is demonstrated, tested and measured is the same.

use anyhow::{bail, Result};

use crate::envoy::EnvoyMode;
use crate::haproxy::HaproxyMode;
use crate::node::NodeMode;
use crate::topology::{Backend, Proxy};
use crate::traefik::TraefikMode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A setup that works for a real client: no critical or warning finding
    /// is correct here (an info one may be).
    Healthy,
    /// A setup with a fault the page must name.
    Failure,
}

#[derive(Debug)]
pub struct Scenario {
    pub name: &'static str,
    pub what: &'static str,
    pub proxy: Proxy,
    pub backend: Backend,
    /// Appended to the page's query (after `?socketio=...`).
    pub query: &'static str,
    /// Exactly the finding ids a correct report has, sorted.
    pub expected: &'static [&'static str],
    pub kind: Kind,
}

impl Scenario {
    /// Whether a run must wait for the settled report: its expected
    /// findings come from what the page observes after the first report (a
    /// configured `lifetime`, the cross-pod probe, the long-poll held until
    /// the server's ping), or it is healthy, where nothing observed after
    /// the first report may alarm either.
    pub fn observes_after_report(&self) -> bool {
        self.kind == Kind::Healthy
            || self.query.contains("lifetime=")
            || self.query.contains("companion=")
            || self.expected.contains(&"polling-cut")
    }
}

const fn s(
    name: &'static str,
    kind: Kind,
    proxy: Proxy,
    backend: Backend,
    query: &'static str,
    expected: &'static [&'static str],
    what: &'static str,
) -> Scenario {
    Scenario {
        name,
        what,
        proxy,
        backend,
        query,
        expected,
        kind,
    }
}

use crate::companion_pods::{Adapter, Peer};
use Backend::{Companion, Node, NodePods};
use Kind::{Failure as F, Healthy as H};
use NodeMode::Healthy as NodeOk;

const STICKY: &[&str] = &["sticky-session-missing"];
const CUT: &[&str] = &["connection-cut"];
const POLL_CUT: &[&str] = &["polling-cut"];
const NONE: &[&str] = &[];

#[rustfmt::skip]
pub const SCENARIOS: &[Scenario] = &[
    s("node", H, Proxy::Healthy, Node(NodeOk), "", NONE, "healthy, Node socket.io 4.8, default pings"),
    s("rust-nginx", H, Proxy::Healthy, Backend::Rust, "", NONE, "healthy, socketioxide, default pings"),
    s("no-upgrade", F, Proxy::NoUpgrade, Node(NodeOk), "", &["websocket-blocked"], "nginx does not forward Upgrade/Connection (Node)"),
    s("no-upgrade-rust", F, Proxy::NoUpgrade, Backend::Rust, "", &["websocket-blocked"], "the same with socketioxide"),
    s("backend-down", F, Proxy::Healthy, Backend::Down, "", &["socketio-server-error"], "nothing behind nginx (502)"),
    s("polling-only", F, Proxy::Healthy, Node(NodeMode::PollingOnly), "", &["upgrades-disabled"], "Node server without the websocket transport"),
    s("websocket-only", H, Proxy::Healthy, Node(NodeMode::WebsocketOnly), "", NONE, "Node server without the polling transport"),
    s("eio3", F, Proxy::Healthy, Node(NodeMode::Eio3), "", &["socketio-protocol-mismatch"], "Node socket.io 2.5 (Engine.IO 3)"),
    s("namespace-refused", F, Proxy::Healthy, Node(NodeOk), "&namespace=/admin", &["namespace-rejected"], "the namespace /admin refuses (auth middleware)"),
    s("forbidden", F, Proxy::Healthy, Node(NodeMode::Forbidden), "", &["socketio-forbidden"], "allowRequest refuses every request (403)"),
    s("stalled", F, Proxy::Healthy, Node(NodeMode::Stalled), "", &["socketio-session-stalled"], "handshake answered, the session's later requests never"),
    s("rate-limit-429", F, Proxy::RateLimit(429), Node(NodeOk), "", &["rate-limited"], "nginx limit_req on Socket.IO, limit_req_status 429"),
    s("rate-limit-503", F, Proxy::RateLimit(503), Node(NodeOk), "", &["rate-limited"], "nginx limit_req on Socket.IO, default status 503"),
    s("round-robin", F, Proxy::Healthy, NodePods(2), "", STICKY, "two Node pods, no affinity (broken)"),
    s("round-robin-3", F, Proxy::Healthy, NodePods(3), "", STICKY, "three Node pods, no affinity"),
    s("round-robin-4", F, Proxy::Healthy, NodePods(4), "", STICKY, "four Node pods, no affinity"),
    s("round-robin-5", F, Proxy::Healthy, NodePods(5), "", STICKY, "five Node pods, no affinity"),
    s("random-3", F, Proxy::Random, NodePods(3), "", STICKY, "three Node pods, a random one per request (kube-proxy)"),
    s("random-5", F, Proxy::Random, NodePods(5), "", STICKY, "five Node pods, a random one per request"),
    s("cookie-affinity", H, Proxy::CookieAffinity, NodePods(3), "", NONE, "three pods, HttpOnly cookie set by the Socket.IO location only"),
    s("cookie-affinity-page", H, Proxy::CookieAffinityPage, NodePods(3), "", NONE, "the same, the page's location sets it too"),
    s("ip-affinity", H, Proxy::IpAffinity, NodePods(2), "", NONE, "two Node pods, client-IP affinity"),
    s("cross-origin", H, Proxy::CrossOrigin, NodePods(3), "", &["affinity-cookie-needs-credentials"], "Socket.IO on a second origin: CORS + credentials, cookie affinity, three pods"),
    s("haproxy-cookie", H, Proxy::Haproxy(HaproxyMode::CookieInsert), NodePods(3), "", NONE, "HAProxy, cookie SERVERID insert indirect nocache, three pods"),
    s("haproxy-round-robin", F, Proxy::Haproxy(HaproxyMode::RoundRobin), NodePods(3), "", STICKY, "HAProxy, balance roundrobin without affinity, three pods"),
    s("haproxy-tunnel", F, Proxy::Haproxy(HaproxyMode::ShortTunnel), Node(NodeOk), "&lifetime=10", CUT, "HAProxy timeout tunnel 3 s cuts idle WebSockets"),
    s("envoy-ring-hash", H, Proxy::Envoy(EnvoyMode::RingHashCookie), NodePods(3), "", NONE, "Envoy as Istio builds DestinationRule consistentHash.httpCookie: ring hash on an HttpOnly cookie, route timeout 0s, three Node pods"),
    s("envoy-ring-hash-rust", H, Proxy::Envoy(EnvoyMode::RingHashCookie), Backend::Rust, "", NONE, "the same in front of socketioxide"),
    s("envoy-stateful-session", H, Proxy::Envoy(EnvoyMode::StatefulSession), NodePods(3), "", NONE, "Envoy as Envoy Gateway builds HTTPRoute sessionPersistence cookie and timeouts.request 0s, three Node pods"),
    s("envoy-round-robin", F, Proxy::Envoy(EnvoyMode::RoundRobin), NodePods(3), "", STICKY, "Envoy as Istio builds DestinationRule simple ROUND_ROBIN, three Node pods"),
    s("envoy-no-upgrade", F, Proxy::Envoy(EnvoyMode::NoUpgrade), NodePods(3), "", &["websocket-blocked"], "Envoy without upgrade_configs: it refuses the WebSocket upgrade itself (403)"),
    s("envoy-default-timeout", F, Proxy::Envoy(EnvoyMode::DefaultRouteTimeout), NodePods(3), "", POLL_CUT, "Envoy Gateway's HTTPRoute without timeouts.request: Envoy's 15 s route timeout cuts long-polls (504)"),
    s("envoy-stream-idle", F, Proxy::Envoy(EnvoyMode::ShortStreamIdle), NodePods(3), "&lifetime=20", &["connection-cut", "polling-cut"], "Envoy stream_idle_timeout 10 s under the 25 s ping interval: idle WebSockets and long-polls cut"),
    s("traefik-sticky", H, Proxy::Traefik(TraefikMode::StickyCookie), NodePods(3), "", NONE, "Traefik loadBalancer.sticky.cookie (visible to the page), three Node pods"),
    s("traefik-round-robin", F, Proxy::Traefik(TraefikMode::RoundRobin), NodePods(3), "", STICKY, "Traefik's default weighted round robin, three Node pods"),
    s("traefik-response-header-timeout", F, Proxy::Traefik(TraefikMode::ResponseHeaderTimeout), NodePods(3), "", POLL_CUT, "Traefik serversTransport responseHeaderTimeout 10 s under the 25 s ping interval: long-polls answered 504"),
    s("short-idle", F, Proxy::ShortIdle, Node(NodeOk), "&lifetime=10", &["connection-cut", "polling-cut"], "nginx 3 s idle timeout under a 5 s ping interval: cuts the WebSocket and every long-poll"),
    s("companion-node", H, Proxy::CookieAffinity, Companion(Peer::Node, Adapter::Redis, 3), COMPANION, NONE, "three Node pods, @socket.io/redis-adapter, the companion, cookie affinity"),
    s("companion-node-no-adapter", F, Proxy::CookieAffinity, Companion(Peer::Node, Adapter::None, 3), COMPANION, CROSS_POD, "the same without an adapter"),
    s("companion-node-redis-down", F, Proxy::CookieAffinity, Companion(Peer::Node, Adapter::RedisKilled, 3), COMPANION, CROSS_POD, "the same, Redis killed after the pods connected"),
    s("companion-rust", H, Proxy::CookieAffinity, Companion(Peer::Rust, Adapter::Redis, 3), COMPANION, NONE, "three socketioxide pods, socketioxide-redis, the companion, cookie affinity"),
    s("companion-rust-no-adapter", F, Proxy::CookieAffinity, Companion(Peer::Rust, Adapter::None, 3), COMPANION, CROSS_POD, "the same without an adapter"),
    s("companion-rust-redis-down", F, Proxy::CookieAffinity, Companion(Peer::Rust, Adapter::RedisKilled, 3), COMPANION, CROSS_POD, "the same, Redis killed after the pods connected"),
    s("companion-node-haproxy", H, Proxy::Haproxy(HaproxyMode::CookieInsert), Companion(Peer::Node, Adapter::Redis, 2), COMPANION, NONE, "two Node pods with the companion behind HAProxy's cookie insert: strict round robin without the cookie"),
    s("companion-rust-haproxy", H, Proxy::Haproxy(HaproxyMode::CookieInsert), Companion(Peer::Rust, Adapter::Redis, 4), COMPANION, NONE, "four socketioxide pods with the companion behind HAProxy's cookie insert: strict round robin without the cookie"),
];

const COMPANION: &str = "&companion=/conncheck";
const CROSS_POD: &[&str] = &["cross-pod-delivery-broken"];

pub fn scenario(name: &str) -> Result<&'static Scenario> {
    match SCENARIOS.iter().find(|s| s.name == name) {
        Some(found) => Ok(found),
        None => bail!(
            "unknown scenario {name:?}; known: {}",
            SCENARIOS
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
