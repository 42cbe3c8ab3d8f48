//! Scenario topologies: a real front (Debian's nginx, or HAProxy, Envoy or
//! Traefik before the lab's nginx, [`crate::front`]) in front of Socket.IO backend processes (each its own
//! process with its own sessions, like pods). The page is served at
//! `/conncheck/` by the operators' snippet `deploy/nginx/conncheck.conf`
//! itself, beside an app whose catch-all answers every other path with its
//! `index.html`. The named scenarios are in [`crate::scenarios`].

use std::time::Duration;

use anyhow::{bail, Result};

use crate::companion_pods::{Adapter, CompanionPods, Peer};
use crate::envoy::EnvoyMode;
use crate::front::Front;
use crate::haproxy::HaproxyMode;
use crate::nginx::{render, Nginx};
use crate::node::{NodeBackend, NodeMode, NodeSettings};
use crate::traefik::TraefikMode;
use crate::{check_dist, default_dist, free_port, Lab, LabOptions};

/// Where the scenarios route Socket.IO: not the default, so the page must
/// be told (`?socketio=/app/socket.io/`), as with many real apps.
pub const SOCKETIO_PATH: &str = "/app/socket.io";
/// The idle timeout of [`Proxy::ShortIdle`], and the backends' ping
/// interval there, which is longer: the one scenario about that setting.
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
const RATE_LIMIT: &str = include_str!("../nginx/rate-limit.conf");
const SET_COOKIE: &str = "add_header Set-Cookie $affinity_set_cookie always;";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proxy {
    /// nginx: Upgrade headers forwarded, long timeouts; round robin over pods.
    Healthy,
    /// Upgrade headers not forwarded.
    NoUpgrade,
    /// Healthy, with ingress-nginx-style cookie affinity (HttpOnly) set by
    /// the Socket.IO location only, as when the page is not behind the
    /// Ingress that sets it.
    CookieAffinity,
    /// The same, and the page's location sets the cookie too.
    CookieAffinityPage,
    /// Healthy, with client-IP affinity (`ip_hash`).
    IpAffinity,
    /// Healthy, but each request to a pod picked at random (`random;`), as
    /// kube-proxy's iptables mode does behind a Service: no affinity.
    Random,
    /// Healthy, but a 3 s idle timeout under a 5 s ping interval.
    ShortIdle,
    /// `limit_req` on the Socket.IO location, rejecting with this status.
    RateLimit(u16),
    /// Socket.IO on a second origin (another nginx, cookie affinity there;
    /// CORS with credentials by the Node pods' `cors` option); the page's
    /// `conncheck.json` allows that origin.
    CrossOrigin,
    /// HAProxy in front (page path to the lab's nginx).
    Haproxy(HaproxyMode),
    /// Envoy in front, as Istio or Envoy Gateway configure it.
    Envoy(EnvoyMode),
    /// Traefik in front.
    Traefik(TraefikMode),
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
    /// Pods with the server companion attached, their adapter, how many.
    Companion(Peer, Adapter, usize),
}

pub struct Topology {
    /// The nginx that serves the page (the whole front in nginx scenarios).
    pub nginx: Nginx,
    /// Where the page is: nginx's port, or HAProxy's.
    pub front_port: u16,
    /// What `?socketio=` is set to: a path, or a URL on the second origin.
    pub socketio: String,
    api: Option<Nginx>,
    // Held so that the backends, the fronts and the deploy snippet's root
    // live as long as the topology.
    _front: Option<Front>,
    _site: tempfile::TempDir,
    nodes: Vec<NodeBackend>,
    _rust: Option<Lab>,
    _companion: Option<CompanionPods>,
}

impl Topology {
    pub async fn start(proxy: Proxy, backend: Backend) -> Result<Topology> {
        let dist = default_dist();
        check_dist(&dist)?;
        let page_port = free_port()?;
        let api_port = free_port()?;
        let api_origin = format!("http://127.0.0.1:{api_port}");
        let settings = NodeSettings {
            ping_interval: (proxy == Proxy::ShortIdle).then_some(SHORT_IDLE_PING_INTERVAL),
            cors_origin: (proxy == Proxy::CrossOrigin)
                .then(|| format!("http://127.0.0.1:{page_port}")),
        };
        let (mut nodes, mut rust, mut companion) = (Vec::new(), None, None);
        let (mode, count) = match backend {
            Backend::Node(mode) => (mode, 1),
            Backend::NodePods(n) => (NodeMode::Healthy, n),
            _ => (NodeMode::Healthy, 0),
        };
        for i in 1..=count {
            let name = format!("pod-{i}");
            nodes.push(NodeBackend::start(mode, SOCKETIO_PATH, &name, &settings).await?);
        }
        let mut ports: Vec<u16> = nodes.iter().map(|n| n.port).collect();
        match backend {
            Backend::Rust => {
                let lab = Lab::start(LabOptions::backend(SOCKETIO_PATH)).await?;
                ports.push(rust.insert(lab).addr.port());
            }
            Backend::Down => ports.push(free_port()?),
            Backend::Companion(peer, adapter, count) => {
                let pods = CompanionPods::start(peer, adapter, count, SOCKETIO_PATH).await?;
                ports.extend(&companion.insert(pods).ports);
            }
            _ => {}
        }

        let cookie_affinity = matches!(
            proxy,
            Proxy::CookieAffinity | Proxy::CookieAffinityPage | Proxy::CrossOrigin
        );
        let balance = match proxy {
            // Not `consistent`: ketama's ring gives pods uneven shares of
            // new sessions (with three pods the smallest varies from about
            // a quarter to a third), where ingress-nginx and HAProxy spread
            // them evenly.
            _ if cookie_affinity => "        hash $affinity_key;\n",
            Proxy::IpAffinity => "        ip_hash;\n",
            Proxy::Random => "        random;\n",
            _ => "",
        };
        let servers: String = ports
            .iter()
            .map(|p| format!("        server 127.0.0.1:{p};\n"))
            .collect();
        let mut http = format!("    upstream socketio {{\n{balance}{servers}    }}\n");
        if cookie_affinity {
            http.push_str(AFFINITY_COOKIE);
        }
        if let Proxy::RateLimit(status) = proxy {
            http.push_str(&render(RATE_LIMIT, &[("STATUS", &status.to_string())]));
        }

        let config_json = (proxy == Proxy::CrossOrigin)
            .then(|| serde_json::json!({ "allow_origins": [api_origin] }).to_string());
        let site = site_dir(&dist, config_json.as_deref())?;
        let site_text = site.path().canonicalize()?.display().to_string();
        let mut page = replace_once(DEPLOY_PAGE, "root /srv;", &format!("root {site_text};"))?;
        if proxy == Proxy::CookieAffinityPage {
            // Inside the page's location: its own add_header lines would
            // hide a server-level one.
            page = replace_once(
                &page,
                "location ^~ /conncheck/ {",
                &format!("location ^~ /conncheck/ {{\n    {SET_COOKIE}"),
            )?;
        }
        if proxy == Proxy::CrossOrigin {
            // As the snippet tells operators: every other origin the page
            // talks to goes into connect-src.
            page = replace_once(
                &page,
                "connect-src 'self'",
                &format!("connect-src 'self' {api_origin} ws://127.0.0.1:{api_port}"),
            )?;
        }
        let mut server = page + PAGE;
        let socketio_location = match proxy {
            Proxy::NoUpgrade => NO_UPGRADE.to_owned(),
            Proxy::ShortIdle => SHORT_IDLE_LOCATION.to_owned(),
            Proxy::RateLimit(_) => deploy_socketio("limit_req zone=socketio burst=2 nodelay;")?,
            _ if cookie_affinity => deploy_socketio(SET_COOKIE)?,
            _ => deploy_socketio("")?,
        };
        let dist_text = dist.canonicalize()?.display().to_string();
        let vars = [
            ("DIST", dist_text.as_str()),
            ("SOCKETIO_PATH", SOCKETIO_PATH),
        ];
        let mut api = None;
        let socketio = match proxy {
            Proxy::CrossOrigin => {
                let api_server = render(&socketio_location, &vars);
                api = Some(Nginx::start_on(api_port, &http, &api_server).await?);
                http.clear();
                format!("{api_origin}{SOCKETIO_PATH}/")
            }
            _ if Front::fronts(proxy) => {
                http.clear();
                format!("{SOCKETIO_PATH}/")
            }
            _ => {
                server.push_str(&socketio_location);
                format!("{SOCKETIO_PATH}/")
            }
        };
        let nginx = Nginx::start_on(page_port, &http, &render(&server, &vars)).await?;
        let front = Front::start(proxy, nginx.port, &ports, SOCKETIO_PATH).await?;
        let front_port = front.as_ref().map_or(nginx.port, Front::port);
        Ok(Topology {
            nginx,
            front_port,
            socketio,
            api,
            _front: front,
            _site: site,
            nodes,
            _rust: rust,
            _companion: companion,
        })
    }

    /// The page's URL with the query that points it at the scenario's
    /// Socket.IO endpoint.
    pub fn page_url(&self, extra_query: &str) -> String {
        format!(
            "{}?socketio={}{extra_query}",
            self.page_root(),
            self.socketio
        )
    }

    /// Restarts the Node pod `index` (0-based) as a rolling update would:
    /// killed, then started again where the proxy expects it.
    pub async fn restart_pod(&mut self, index: usize) -> Result<()> {
        match self.nodes.get_mut(index) {
            Some(node) => node.restart().await,
            None => anyhow::bail!("no Node pod {index}: {} in this topology", self.nodes.len()),
        }
    }

    /// The page's URL without a query.
    pub fn page_root(&self) -> String {
        format!("http://127.0.0.1:{}{PAGE_PREFIX}", self.front_port)
    }

    /// The nginx error logs so far, for failing tests to show.
    pub fn error_log(&self) -> String {
        let api = self.api.as_ref().map(Nginx::error_log).unwrap_or_default();
        format!("{}{api}", self.nginx.error_log())
    }
}

/// The deploy snippet's Socket.IO location at the lab's path and upstream,
/// with `extra` lines inside it.
fn deploy_socketio(extra: &str) -> Result<String> {
    let location = replace_once(
        DEPLOY_SOCKETIO,
        "location /socket.io/ {",
        &format!("location {{{{SOCKETIO_PATH}}}}/ {{\n    {extra}"),
    )?;
    replace_once(&location, "http://app_backend;", "http://socketio;")
}

/// The deploy snippet's `root /srv;` becomes this directory, whose
/// `conncheck` is the built page (with its own `conncheck.json` if given).
fn site_dir(dist: &std::path::Path, config_json: Option<&str>) -> Result<tempfile::TempDir> {
    let site = tempfile::tempdir()?;
    let dist = dist.canonicalize()?;
    let page = site.path().join("conncheck");
    match config_json {
        None => std::os::unix::fs::symlink(&dist, &page)?,
        Some(json) => {
            std::fs::create_dir(&page)?;
            for entry in std::fs::read_dir(&dist)? {
                let entry = entry?;
                if !entry
                    .file_name()
                    .to_string_lossy()
                    .starts_with("conncheck.json")
                {
                    std::os::unix::fs::symlink(entry.path(), page.join(entry.file_name()))?;
                }
            }
            std::fs::write(page.join("conncheck.json"), json)?;
        }
    }
    Ok(site)
}

/// `text` with its one `from` replaced: the deploy files must keep the lines
/// the lab adapts, or the lab would silently run something else.
fn replace_once(text: &str, from: &str, to: &str) -> Result<String> {
    match text.matches(from).count() {
        1 => Ok(text.replacen(from, to, 1)),
        n => bail!("a deploy snippet has {n} times {from:?}, expected once"),
    }
}
