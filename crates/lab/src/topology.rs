//! Scenario topologies: nginx in front of Socket.IO backend processes (each
//! its own process with its own sessions, like pods), one config per
//! scenario. The page is served at `/conncheck/` by the operators' snippet
//! `deploy/nginx/conncheck.conf` itself, beside an app whose catch-all
//! answers every other path with its `index.html`.

use std::time::Duration;

use anyhow::{bail, Result};

use crate::nginx::{render, Nginx};
use crate::node::{NodeBackend, NodeMode};
use crate::{check_dist, default_dist, free_port, Lab, LabOptions, LAB_PING_INTERVAL};

/// Where the scenarios route Socket.IO: not the default, so the page must
/// be told (`?socketio=/app/socket.io/`), as with many real apps.
pub const SOCKETIO_PATH: &str = "/app/socket.io";
/// The idle timeout of [`Proxy::ShortIdle`], and the backends' ping
/// interval there, which is longer.
pub const SHORT_IDLE: Duration = Duration::from_secs(3);
pub const SHORT_IDLE_PING_INTERVAL: Duration = Duration::from_secs(5);

const PAGE: &str = include_str!("../nginx/page.conf");
/// What operators deploy (`deploy/nginx/`), run here as it is.
const DEPLOY_PAGE: &str = include_str!("../../../deploy/nginx/conncheck.conf");
const DEPLOY_SOCKETIO: &str = include_str!("../../../deploy/nginx/socketio.conf");
/// Where the deploy snippet serves the page.
pub const PAGE_PREFIX: &str = "/conncheck/";
const NO_UPGRADE: &str = include_str!("../nginx/socketio-no-upgrade.conf");
const SHORT_IDLE_LOCATION: &str = include_str!("../nginx/socketio-short-idle.conf");
const AFFINITY_COOKIE: &str = include_str!("../nginx/affinity-cookie.conf");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proxy {
    /// Upgrade headers forwarded, long timeouts; round robin over pods.
    Healthy,
    /// Upgrade headers not forwarded.
    NoUpgrade,
    /// Healthy, with ingress-nginx-style cookie affinity (HttpOnly).
    CookieAffinity,
    /// Healthy, with client-IP affinity (`ip_hash`).
    IpAffinity,
    /// Healthy, but a 3 s idle timeout under a 5 s ping interval.
    ShortIdle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Node(NodeMode),
    /// Several healthy Node processes that share no session state.
    NodePods(usize),
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
    (
        "round-robin",
        Proxy::Healthy,
        Backend::NodePods(2),
        "two Node pods, no affinity (broken)",
    ),
    (
        "cookie-affinity",
        Proxy::CookieAffinity,
        Backend::NodePods(2),
        "two Node pods, HttpOnly cookie affinity",
    ),
    (
        "ip-affinity",
        Proxy::IpAffinity,
        Backend::NodePods(2),
        "two Node pods, client-IP affinity",
    ),
    (
        "short-idle",
        Proxy::ShortIdle,
        Backend::Node(NodeMode::Healthy),
        "3 s idle timeout under a 5 s ping interval (add &lifetime=10)",
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
    // Held so that the backends and the deploy snippet's root live as long
    // as the topology.
    _site: tempfile::TempDir,
    _nodes: Vec<NodeBackend>,
    _rust: Option<Lab>,
}

impl Topology {
    pub async fn start(proxy: Proxy, backend: Backend) -> Result<Topology> {
        let dist = default_dist();
        check_dist(&dist)?;
        let ping = if proxy == Proxy::ShortIdle {
            SHORT_IDLE_PING_INTERVAL
        } else {
            LAB_PING_INTERVAL
        };
        let (mut nodes, mut rust) = (Vec::new(), None);
        let ports = match backend {
            Backend::Node(mode) => vec![nodes_push(
                &mut nodes,
                NodeBackend::start(mode, SOCKETIO_PATH, "pod-1", ping).await?,
            )],
            Backend::NodePods(n) => {
                let mut ports = Vec::new();
                for i in 1..=n {
                    let pod = NodeBackend::start(
                        NodeMode::Healthy,
                        SOCKETIO_PATH,
                        &format!("pod-{i}"),
                        ping,
                    )
                    .await?;
                    ports.push(nodes_push(&mut nodes, pod));
                }
                ports
            }
            Backend::Rust => vec![rust
                .insert(Lab::start(LabOptions::backend(SOCKETIO_PATH)).await?)
                .addr
                .port()],
            Backend::Down => vec![free_port()?],
        };
        let balance = match proxy {
            Proxy::CookieAffinity => "        hash $affinity_key consistent;\n",
            Proxy::IpAffinity => "        ip_hash;\n",
            _ => "",
        };
        let servers: String = ports
            .iter()
            .map(|p| format!("        server 127.0.0.1:{p};\n"))
            .collect();
        let mut http = format!("    upstream socketio {{\n{balance}{servers}    }}\n");
        let mut server = String::new();
        // The deploy snippet's `root /srv;` becomes a directory whose
        // `conncheck` is the built page.
        let site = tempfile::tempdir()?;
        std::os::unix::fs::symlink(dist.canonicalize()?, site.path().join("conncheck"))?;
        let site_text = site.path().canonicalize()?.display().to_string();
        let mut page = replace_once(DEPLOY_PAGE, "root /srv;", &format!("root {site_text};"))?;
        if proxy == Proxy::CookieAffinity {
            http.push_str(AFFINITY_COOKIE);
            // On every path, as ingress-nginx does in each location of the
            // Ingress (deploy/kubernetes/ingress-nginx.yaml routes the page
            // and Socket.IO in one): the page load itself gets the cookie.
            // Inside the page's location too, whose own add_header lines
            // would hide a server-level one.
            let set_cookie = "add_header Set-Cookie $affinity_set_cookie always;";
            server.push_str(&format!("        {set_cookie}\n"));
            page = replace_once(
                &page,
                "location /conncheck/ {",
                &format!("location /conncheck/ {{\n    {set_cookie}"),
            )?;
        }
        server.push_str(&page);
        server.push_str(PAGE);
        match proxy {
            Proxy::NoUpgrade => server.push_str(NO_UPGRADE),
            Proxy::ShortIdle => server.push_str(SHORT_IDLE_LOCATION),
            _ => {
                let location = replace_once(
                    DEPLOY_SOCKETIO,
                    "location /socket.io/ {",
                    "location {{SOCKETIO_PATH}}/ {",
                )?;
                server.push_str(&replace_once(
                    &location,
                    "http://app_backend;",
                    "http://socketio;",
                )?)
            }
        }
        let dist_text = dist.canonicalize()?.display().to_string();
        let server = render(
            &server,
            &[("DIST", &dist_text), ("SOCKETIO_PATH", SOCKETIO_PATH)],
        );
        let nginx = Nginx::start(&http, &server).await?;
        Ok(Topology {
            nginx,
            _site: site,
            _nodes: nodes,
            _rust: rust,
        })
    }

    /// The page's URL with the query that points it at the scenario's path.
    pub fn page_url(&self, extra_query: &str) -> String {
        format!(
            "{}?socketio={SOCKETIO_PATH}/{extra_query}",
            self.page_root()
        )
    }

    /// The page's URL without a query.
    pub fn page_root(&self) -> String {
        format!("http://127.0.0.1:{}{PAGE_PREFIX}", self.nginx.port)
    }
}

/// `text` with its one `from` replaced: the deploy files must keep the lines
/// the lab adapts, or the lab would silently run something else.
fn replace_once(text: &str, from: &str, to: &str) -> Result<String> {
    match text.matches(from).count() {
        1 => Ok(text.replacen(from, to, 1)),
        n => bail!("a deploy snippet has {n} times {from:?}, expected once"),
    }
}

fn nodes_push(nodes: &mut Vec<NodeBackend>, node: NodeBackend) -> u16 {
    let port = node.port;
    nodes.push(node);
    port
}
