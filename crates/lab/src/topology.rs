//! Scenario topologies: nginx in front of Socket.IO backend processes, the
//! page served by nginx on the same origin, one config per scenario.

use anyhow::{bail, Result};

use crate::nginx::{render, Nginx};
use crate::node::{NodeBackend, NodeMode};
use crate::{check_dist, default_dist, free_port, Lab, LabOptions};

/// Where the scenarios route Socket.IO: not the default, so the page must
/// be told (`?socketio=/app/socket.io/`), as with many real apps.
pub const SOCKETIO_PATH: &str = "/app/socket.io";

const PAGE: &str = include_str!("../nginx/page.conf");
const HEALTHY: &str = include_str!("../nginx/socketio-healthy.conf");
const NO_UPGRADE: &str = include_str!("../nginx/socketio-no-upgrade.conf");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proxy {
    /// Upgrade headers forwarded, long timeouts.
    Healthy,
    /// Upgrade headers not forwarded.
    NoUpgrade,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Node(NodeMode),
    /// socketioxide.
    Rust,
    /// Nothing listens where nginx sends Socket.IO: 502.
    Down,
}

/// The named scenarios of `conncheck-lab --scenario`, with what they show.
pub const SCENARIOS: &[(&str, Proxy, Backend, &str)] = &[
    (
        "node",
        Proxy::Healthy,
        Backend::Node(NodeMode::Healthy),
        "healthy, Node socket.io 4.8",
    ),
    (
        "rust-nginx",
        Proxy::Healthy,
        Backend::Rust,
        "healthy, socketioxide",
    ),
    (
        "no-upgrade",
        Proxy::NoUpgrade,
        Backend::Node(NodeMode::Healthy),
        "nginx does not forward Upgrade/Connection (Node)",
    ),
    (
        "no-upgrade-rust",
        Proxy::NoUpgrade,
        Backend::Rust,
        "the same with socketioxide",
    ),
    (
        "backend-down",
        Proxy::Healthy,
        Backend::Down,
        "nothing behind nginx (502)",
    ),
    (
        "polling-only",
        Proxy::Healthy,
        Backend::Node(NodeMode::PollingOnly),
        "Node server without the websocket transport",
    ),
    (
        "websocket-only",
        Proxy::Healthy,
        Backend::Node(NodeMode::WebsocketOnly),
        "Node server without the polling transport",
    ),
    (
        "eio3",
        Proxy::Healthy,
        Backend::Node(NodeMode::Eio3),
        "Node socket.io 2.5 (Engine.IO 3)",
    ),
];

pub fn scenario(name: &str) -> Result<(Proxy, Backend)> {
    match SCENARIOS.iter().find(|s| s.0 == name) {
        Some(&(_, proxy, backend, _)) => Ok((proxy, backend)),
        None => bail!(
            "unknown scenario {name:?}; known: {}",
            SCENARIOS.iter().map(|s| s.0).collect::<Vec<_>>().join(", ")
        ),
    }
}

pub struct Topology {
    pub nginx: Nginx,
    // Held so that the backends live as long as the topology.
    _node: Option<NodeBackend>,
    _rust: Option<Lab>,
}

impl Topology {
    pub async fn start(proxy: Proxy, backend: Backend) -> Result<Topology> {
        let dist = default_dist();
        check_dist(&dist)?;
        let (mut node, mut rust) = (None, None);
        let port = match backend {
            Backend::Node(mode) => {
                node.insert(NodeBackend::start(mode, SOCKETIO_PATH, "node-1").await?)
                    .port
            }
            Backend::Rust => rust
                .insert(Lab::start(LabOptions::backend(SOCKETIO_PATH)).await?)
                .addr
                .port(),
            Backend::Down => free_port()?,
        };
        let upstream =
            format!("    upstream socketio {{\n        server 127.0.0.1:{port};\n    }}");
        let location = match proxy {
            Proxy::Healthy => HEALTHY,
            Proxy::NoUpgrade => NO_UPGRADE,
        };
        let dist_text = dist.canonicalize()?.display().to_string();
        let server = render(
            &format!("{PAGE}{location}"),
            &[("DIST", &dist_text), ("SOCKETIO_PATH", SOCKETIO_PATH)],
        );
        let nginx = Nginx::start(&upstream, &server).await?;
        Ok(Topology {
            nginx,
            _node: node,
            _rust: rust,
        })
    }

    /// The page's URL with the query that points it at the scenario's path.
    pub fn page_url(&self, extra_query: &str) -> String {
        format!(
            "{}?socketio={SOCKETIO_PATH}/{extra_query}",
            self.nginx.url()
        )
    }
}
