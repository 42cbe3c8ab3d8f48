//! The fronts that run beside the lab's nginx rather than as it (HAProxy,
//! Envoy, Traefik): each routes the Socket.IO path to the pods and every
//! other path to the nginx that serves the page.

use anyhow::Result;

use crate::envoy::Envoy;
use crate::haproxy::Haproxy;
use crate::topology::Proxy;
use crate::traefik::Traefik;

/// A running front process, held for the topology's lifetime.
pub enum Front {
    Haproxy(Haproxy),
    Envoy(Envoy),
    Traefik(Traefik),
}

impl Front {
    /// The front `proxy` names, if it is one of these, started before the
    /// lab's nginx on `page_port`; `None` for nginx's own scenarios.
    pub async fn start(
        proxy: Proxy,
        page_port: u16,
        pods: &[u16],
        socketio_path: &str,
    ) -> Result<Option<Front>> {
        Ok(Some(match proxy {
            Proxy::Haproxy(mode) => {
                Front::Haproxy(Haproxy::start(mode, page_port, pods, socketio_path).await?)
            }
            Proxy::Envoy(mode) => {
                Front::Envoy(Envoy::start(mode, page_port, pods, socketio_path).await?)
            }
            Proxy::Traefik(mode) => {
                Front::Traefik(Traefik::start(mode, page_port, pods, socketio_path).await?)
            }
            _ => return Ok(None),
        }))
    }

    pub fn port(&self) -> u16 {
        match self {
            Front::Haproxy(front) => front.port,
            Front::Envoy(front) => front.port,
            Front::Traefik(front) => front.port,
        }
    }

    /// Whether `proxy` is served by one of these fronts.
    pub fn fronts(proxy: Proxy) -> bool {
        matches!(
            proxy,
            Proxy::Haproxy(_) | Proxy::Envoy(_) | Proxy::Traefik(_)
        )
    }
}
