//! Which data plane answered, from what the page observed: the `Server`
//! and `Via` headers, Envoy's own answers and `x-envoy-*` headers, HAProxy's
//! and nginx's own pages (`classify::ProxyMark`), a visible cookie with
//! Traefik's default sticky name. The operator's findings
//! get its fixes first and one evidence line that says what named it and
//! how sure that is, or that nothing did.

use crate::catalog::FindingId;
use crate::checks::affinity_cookie::AffinityCookieData;
use crate::checks::handshake::HandshakeData;
use crate::checks::lifetime::LifetimeData;
use crate::checks::upgrade::UpgradeData;
use crate::classify::{HttpObservation, HttpStep, ProxyMark};
use crate::diagnosis::{Finding, Platform};
use crate::privacy::observed;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataPlane {
    Istio,
    Envoy,
    Traefik,
    Haproxy,
    Nginx,
    Gke,
    Cloudflare,
    AwsAlb,
}

impl DataPlane {
    fn name(self) -> &'static str {
        match self {
            DataPlane::Istio => "Istio (Envoy)",
            DataPlane::Envoy => {
                "Envoy (Envoy Gateway, Istio, Contour, Cilium and Gloo are built on it)"
            }
            DataPlane::Traefik => "Traefik",
            DataPlane::Haproxy => "HAProxy",
            DataPlane::Nginx => "nginx (plain, or an nginx-based ingress controller)",
            DataPlane::Gke => "the Google Cloud load balancer (GKE Ingress or Gateway)",
            DataPlane::Cloudflare => "Cloudflare",
            DataPlane::AwsAlb => "an AWS load balancer",
        }
    }

    /// The fixes to put first, in this order.
    fn platforms(self) -> &'static [Platform] {
        match self {
            DataPlane::Istio => &[Platform::Istio, Platform::GatewayApi, Platform::Envoy],
            DataPlane::Envoy => &[
                Platform::GatewayApi,
                Platform::EnvoyGateway,
                Platform::Istio,
                Platform::Envoy,
            ],
            DataPlane::Traefik => &[Platform::Traefik],
            DataPlane::Haproxy => &[Platform::Haproxy],
            DataPlane::Nginx => &[Platform::Nginx, Platform::IngressNginx],
            DataPlane::Gke => &[Platform::Gke, Platform::GatewayApi],
            DataPlane::Cloudflare | DataPlane::AwsAlb => &[],
        }
    }
}

/// One thing the page saw that names a data plane; `strong`: only that
/// data plane shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Clue {
    plane: DataPlane,
    strong: bool,
    what: String,
}

/// The data plane the answers name, how sure, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guess {
    pub plane: Option<DataPlane>,
    /// Only one data plane is named, by something only it shows.
    pub likely: bool,
    clues: Vec<String>,
}

/// Every answer the Socket.IO checks recorded, read for clues.
pub fn infer(
    hs: Option<&HandshakeData>,
    up: Option<&UpgradeData>,
    life: Option<&LifetimeData>,
    cookie: Option<&AffinityCookieData>,
) -> Guess {
    let mut steps: Vec<&HttpStep> = Vec::new();
    steps.extend(hs.and_then(|h| h.open.as_ref()));
    if let Some(u) = up {
        steps.extend(u.upgrade.handshake.as_ref());
        steps.extend(u.plain_get.as_ref());
        if let Some(p) = &u.polling {
            steps.extend(p.poll.as_ref());
            steps.extend(p.after.as_ref());
        }
    }
    let mut clues: Vec<Clue> = Vec::new();
    let mut add = |clue: Clue| {
        if !clues.contains(&clue) {
            clues.push(clue);
        }
    };
    for obs in steps.iter().filter_map(|s| s.observation()) {
        for clue in answer_clues(obs) {
            add(clue);
        }
    }
    if let Some(l) = life {
        for clue in header_clues(l.hints.server.as_deref(), l.hints.via.as_deref()) {
            add(clue);
        }
    }
    // The check names the platform of a cookie from its own table.
    if cookie.is_some_and(|c| c.found.iter().any(|f| f.platform == "Traefik")) {
        add(Clue {
            plane: DataPlane::Traefik,
            strong: true,
            what: "a visible cookie has the name Traefik gives its sticky cookie (_ and five hex digits)".into(),
        });
    }
    decide(clues)
}

fn answer_clues(obs: &HttpObservation) -> Vec<Clue> {
    let mut clues = header_clues(obs.server.as_deref(), obs.via.as_deref());
    let mark = |plane, what: &str| Clue {
        plane,
        strong: true,
        what: what.to_owned(),
    };
    clues.extend(obs.proxy.map(|m| match m {
        ProxyMark::EnvoyRouteTimeout => mark(
            DataPlane::Envoy,
            "Envoy's own answer to a route timeout (upstream request timeout)",
        ),
        ProxyMark::EnvoyStreamTimeout => mark(
            DataPlane::Envoy,
            "Envoy's own answer to an idle stream (stream timeout)",
        ),
        ProxyMark::EnvoyUpstreamError => {
            mark(DataPlane::Envoy, "Envoy's own answer about its upstream")
        }
        ProxyMark::EnvoyHeader => mark(DataPlane::Envoy, "an x-envoy- response header"),
        ProxyMark::HaproxyPage => mark(DataPlane::Haproxy, "HAProxy's own error page"),
        ProxyMark::NginxPage => mark(DataPlane::Nginx, "nginx's own error page"),
    }));
    clues
}

fn header_clues(server: Option<&str>, via: Option<&str>) -> Vec<Clue> {
    let mut clues = Vec::new();
    if let Some(server) = server {
        let lower = server.to_ascii_lowercase();
        let (plane, strong) = if lower.contains("istio-envoy") {
            (Some(DataPlane::Istio), true)
        } else if lower.contains("envoy") {
            (Some(DataPlane::Envoy), true)
        } else if lower.contains("cloudflare") {
            // An edge in front: the hop that cut may be behind it.
            (Some(DataPlane::Cloudflare), false)
        } else if lower.contains("awselb") {
            (Some(DataPlane::AwsAlb), false)
        } else if lower.contains("haproxy") {
            (Some(DataPlane::Haproxy), false)
        } else if lower.contains("nginx") {
            // The app's own nginx may sit behind another data plane.
            (Some(DataPlane::Nginx), false)
        } else {
            (None, false)
        };
        clues.extend(plane.map(|plane| Clue {
            plane,
            strong,
            what: format!("the Server header is {}", observed(server)),
        }));
    }
    if let Some(via) = via.filter(|v| v.to_ascii_lowercase().contains("google")) {
        clues.push(Clue {
            plane: DataPlane::Gke,
            strong: false,
            what: format!("the Via header is {}", observed(via)),
        });
    }
    clues
}

/// The plane with the most strong clues (then any clue); likely when no
/// other plane has a strong one. Istio is Envoy too: where Istio is named,
/// Envoy's own clues count for it.
fn decide(mut clues: Vec<Clue>) -> Guess {
    if clues.iter().any(|c| c.plane == DataPlane::Istio) {
        for clue in clues.iter_mut().filter(|c| c.plane == DataPlane::Envoy) {
            clue.plane = DataPlane::Istio;
        }
    }
    let score = |plane: DataPlane| {
        let of = clues.iter().filter(|c| c.plane == plane);
        (of.clone().filter(|c| c.strong).count(), of.count())
    };
    let mut best: Option<(DataPlane, (usize, usize))> = None;
    for clue in &clues {
        let s = score(clue.plane);
        if best.is_none_or(|(_, b)| s > b) {
            best = Some((clue.plane, s));
        }
    }
    let Some((plane, (strong, _))) = best else {
        return Guess {
            plane: None,
            likely: false,
            clues: Vec::new(),
        };
    };
    let rival = clues.iter().any(|c| c.plane != plane && c.strong);
    Guess {
        plane: Some(plane),
        likely: strong > 0 && !rival,
        clues: clues.into_iter().map(|c| c.what).collect(),
    }
}

/// The findings whose fix depends on the proxy or load balancer in the
/// path (not on the app's code or the user's devices).
const PATH_FINDINGS: [FindingId; 9] = [
    FindingId::InsecureContext,
    FindingId::WebsocketBlocked,
    FindingId::SocketioNotFound,
    FindingId::SocketioServerError,
    FindingId::StickySessionMissing,
    FindingId::ConnectionCut,
    FindingId::PollingCut,
    FindingId::RateLimited,
    FindingId::SocketioSessionStalled,
];

impl Guess {
    /// The evidence line: what named the data plane, and how sure;
    /// `first`: whether the finding lists that data plane's fixes first.
    pub fn evidence(&self, first: bool) -> String {
        let Some(plane) = self.plane else {
            return "Data plane: no answer named it.".into();
        };
        let how = if self.likely {
            "most likely"
        } else {
            "possibly (not sure: check which one serves this path)"
        };
        let order = if first { " Its fixes come first." } else { "" };
        format!(
            "Data plane: {how} {}, because {}.{order}",
            plane.name(),
            self.clues.join("; ")
        )
    }

    /// The findings that depend on the path: this data plane's fixes first
    /// (then the rest in their order; where the fix texts are built) and
    /// the evidence line added.
    pub fn apply(&self, findings: &mut [Finding]) {
        let first = self.plane.map(DataPlane::platforms).unwrap_or_default();
        for f in findings
            .iter_mut()
            .filter(|f| PATH_FINDINGS.contains(&f.id))
        {
            let mut ordered = Vec::with_capacity(f.fixes.len());
            for platform in first {
                ordered.extend(f.fixes.iter().filter(|x| x.platform == *platform).cloned());
            }
            ordered.extend(
                f.fixes
                    .iter()
                    .filter(|x| !first.contains(&x.platform))
                    .cloned(),
            );
            let reordered = ordered.first().is_some_and(|x| first.contains(&x.platform));
            f.fixes = ordered;
            f.evidence.push(self.evidence(reordered));
        }
    }
}

#[cfg(test)]
#[path = "platform_tests.rs"]
mod tests;
