//! `affinity-cookie`: which load-balancer affinity cookies the page can see,
//! by name and attributes, never values. A handshake first gives the proxy a
//! chance to set its cookie. HttpOnly cookies (ingress-nginx, GKE, Istio)
//! are invisible to any page: `sticky-session` is the authority.

use serde::{Deserialize, Serialize};
use url::Url;

use super::{engineio_url, BrowserFacts, Transport};
use crate::catalog::CheckId;
use crate::check::{Check, Event, FetchRequest, Handle, Millis, Status, VisibleCookie};
use crate::classify::classify;
use crate::config::Config;
use crate::engineio::Packet;

/// This check's actions and outcome, with its data type.
type Action = crate::check::Action<AffinityCookieData>;
type Outcome = crate::check::Outcome<AffinityCookieData>;

pub const STEP_TIMEOUT_MS: Millis = 5_000;
const HANDSHAKE: Handle = 0;
const COOKIES: Handle = 1;
const TIMER: Handle = 0;

/// The platform whose affinity cookie this name is, if it is one.
pub fn identify(name: &str, configured: &[String]) -> Option<&'static str> {
    if configured.iter().any(|c| c == name) {
        return Some("configured");
    }
    let traefik = name.len() == 6
        && name.starts_with('_')
        && name[1..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    Some(match name {
        "INGRESSCOOKIE" => "ingress-nginx",
        "GCLB" => "GKE / Google Cloud load balancer",
        "AWSALB" | "AWSALBCORS" => "AWS ALB",
        n if n.starts_with("AWSALBAPP-") => "AWS ALB",
        "SERVERID" => "HAProxy",
        "ARRAffinity" | "ARRAffinitySameSite" => "Azure Application Gateway",
        "__cflb" => "Cloudflare load balancer",
        "io" => "Engine.IO (cookie: true)",
        _ if traefik => "Traefik",
        _ => return None,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundCookie {
    pub platform: String,
    #[serde(flatten)]
    pub cookie: VisibleCookie,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffinityCookieData {
    pub configured: Vec<String>,
    pub found: Vec<FoundCookie>,
    /// How many cookies the page could see at all.
    pub visible_cookies: usize,
    pub cross_origin: bool,
    pub read: bool,
}

pub struct AffinityCookieCheck {
    endpoint: Option<Url>,
    waiting_for: Option<Handle>,
    data: AffinityCookieData,
}

impl AffinityCookieCheck {
    pub fn new(config: &Config, facts: &BrowserFacts) -> Self {
        AffinityCookieCheck {
            endpoint: config.socketio.clone(),
            waiting_for: None,
            data: AffinityCookieData {
                configured: config.cookie_names.clone(),
                found: Vec::new(),
                visible_cookies: 0,
                cross_origin: config
                    .socketio
                    .as_ref()
                    .is_some_and(|u| u.origin() != facts.page_url.origin()),
                read: false,
            },
        }
    }

    fn read_cookies(&mut self, mut actions: Vec<Action>) -> Vec<Action> {
        self.waiting_for = Some(COOKIES);
        actions.push(Action::ReadCookies { id: COOKIES });
        actions.push(Action::SetTimer {
            id: TIMER,
            after_ms: STEP_TIMEOUT_MS,
        });
        actions
    }

    fn finish(&mut self) -> Vec<Action> {
        self.waiting_for = None;
        vec![
            Action::CancelTimer { id: TIMER },
            Action::Finish(Outcome::judged(summarize(&self.data), &self.data)),
        ]
    }
}

pub(crate) fn summarize(d: &AffinityCookieData) -> (Status, String) {
    if !d.read {
        return (Status::Skip, "The page could not read its cookies.".into());
    }
    if d.found.is_empty() {
        return (
            Status::Pass,
            "No affinity cookie is visible to the page. HttpOnly cookies (ingress-nginx, GKE, Istio) cannot be seen from a page: the sticky-session result is the authority.".into(),
        );
    }
    let names: Vec<String> = d
        .found
        .iter()
        .map(|f| format!("{} ({})", f.cookie.name, f.platform))
        .collect();
    let cross_site_unready = d.cross_origin
        && d.found.iter().any(|f| {
            f.cookie.same_site.as_deref().is_some_and(|s| s != "none")
                || f.cookie.secure == Some(false)
        });
    if cross_site_unready {
        (
            Status::Warn,
            format!(
                "Affinity cookie visible: {}. The Socket.IO endpoint is on another site, and the cookie is not SameSite=None; Secure, so the browser may not send it there.",
                names.join(", ")
            ),
        )
    } else {
        (
            Status::Pass,
            format!("Affinity cookie visible: {}.", names.join(", ")),
        )
    }
}

impl Check for AffinityCookieCheck {
    type Data = AffinityCookieData;

    fn id(&self) -> CheckId {
        CheckId::AffinityCookie
    }

    fn start(&mut self, _now: Millis) -> Vec<Action> {
        match &self.endpoint {
            Some(endpoint) => {
                self.waiting_for = Some(HANDSHAKE);
                let url = engineio_url(endpoint, Transport::Polling, None).to_string();
                vec![
                    Action::Fetch {
                        id: HANDSHAKE,
                        request: FetchRequest::get(url),
                    },
                    Action::SetTimer {
                        id: TIMER,
                        after_ms: STEP_TIMEOUT_MS,
                    },
                ]
            }
            None => self.read_cookies(Vec::new()),
        }
    }

    fn handle(&mut self, event: Event, _now: Millis) -> Vec<Action> {
        match (self.waiting_for, event) {
            (
                Some(HANDSHAKE),
                Event::HttpResponse {
                    id: HANDSHAKE,
                    status,
                    headers,
                    body,
                },
            ) => {
                let mut actions = Vec::new();
                if let (Some(open), Some(endpoint)) =
                    (classify(status, &headers, &body).1, &self.endpoint)
                {
                    let url =
                        engineio_url(endpoint, Transport::Polling, Some(&open.sid)).to_string();
                    actions.push(Action::Beacon(FetchRequest::post(
                        url,
                        Packet::Close.to_string(),
                    )));
                }
                self.read_cookies(actions)
            }
            (
                Some(HANDSHAKE),
                Event::HttpFailed { id: HANDSHAKE, .. } | Event::Timeout { id: TIMER },
            ) => self.read_cookies(Vec::new()),
            (
                Some(COOKIES),
                Event::Cookies {
                    id: COOKIES,
                    cookies,
                },
            ) => {
                self.data.read = true;
                self.data.visible_cookies = cookies.len();
                self.data.found = cookies
                    .into_iter()
                    .filter_map(|cookie| {
                        let platform = identify(&cookie.name, &self.data.configured)?;
                        Some(FoundCookie {
                            platform: platform.to_owned(),
                            cookie,
                        })
                    })
                    .collect();
                self.finish()
            }
            (Some(COOKIES), Event::Timeout { id: TIMER }) => self.finish(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{resolve, FileLoad};
    use crate::harness::Script;

    fn start(page: &str, query: &str) -> Script<AffinityCookieCheck> {
        let page = Url::parse(page).unwrap();
        let config = resolve(
            &page,
            &FileLoad::Loaded(r#"{"allow_origins":["https://api.example.com"]}"#.into()),
            query,
        );
        Script::start(
            AffinityCookieCheck::new(
                &config,
                &BrowserFacts {
                    page_url: page,
                    secure_context: true,
                },
            ),
            0,
        )
    }

    fn cookie(name: &str, same_site: Option<&str>) -> VisibleCookie {
        VisibleCookie {
            name: name.into(),
            same_site: same_site.map(str::to_owned),
            secure: Some(true),
            ..Default::default()
        }
    }

    #[test]
    fn names_table() {
        let configured = vec!["myaffinity".to_owned()];
        let table = [
            ("INGRESSCOOKIE", Some("ingress-nginx")),
            ("GCLB", Some("GKE / Google Cloud load balancer")),
            ("AWSALBCORS", Some("AWS ALB")),
            ("AWSALBAPP-0", Some("AWS ALB")),
            ("SERVERID", Some("HAProxy")),
            ("ARRAffinitySameSite", Some("Azure Application Gateway")),
            ("__cflb", Some("Cloudflare load balancer")),
            ("io", Some("Engine.IO (cookie: true)")),
            ("_1a2b3", Some("Traefik")),
            ("_1a2b3c", None),
            ("_1A2B3", None),
            ("_ga", None),
            ("myaffinity", Some("configured")),
            ("session", None),
        ];
        for (name, expected) in table {
            assert_eq!(identify(name, &configured), expected, "{name}");
        }
    }

    #[test]
    fn handshake_then_cookies_by_name_only() {
        let mut s = start("http://127.0.0.1:8080/", "cookie=myaffinity");
        s.drain();
        s.feed(
            Event::HttpResponse {
                id: HANDSHAKE,
                status: 200,
                headers: vec![],
                body: r#"0{"sid":"S1","upgrades":[],"pingInterval":1,"pingTimeout":1}"#.into(),
            },
            5,
        );
        let actions = s.drain();
        assert!(
            matches!(&actions[0], Action::Beacon(r) if r.body.as_deref() == Some("1")),
            "closes its session"
        );
        assert!(actions.contains(&Action::ReadCookies { id: COOKIES }));
        s.feed(
            Event::Cookies {
                id: COOKIES,
                cookies: vec![
                    cookie("_ga", None),
                    cookie("_1a2b3", Some("lax")),
                    cookie("myaffinity", None),
                ],
            },
            6,
        );
        let outcome = s.finished();
        assert_eq!(outcome.status, Status::Pass);
        assert_eq!(
            outcome.summary,
            "Affinity cookie visible: _1a2b3 (Traefik), myaffinity (configured)."
        );
        let d: AffinityCookieData = outcome.data.clone();
        assert_eq!(d.visible_cookies, 3);
        assert_eq!(d.found[0].cookie.same_site.as_deref(), Some("lax"));
    }

    #[test]
    fn none_visible_points_to_sticky_sessions() {
        let mut s = start("http://127.0.0.1:8080/", "");
        s.feed(
            Event::HttpFailed {
                id: HANDSHAKE,
                message: "x".into(),
            },
            5,
        );
        s.feed(
            Event::Cookies {
                id: COOKIES,
                cookies: vec![],
            },
            6,
        );
        assert!(s.finished().summary.contains("HttpOnly cookies"));
    }

    #[test]
    fn cross_site_cookie_without_samesite_none_warns() {
        let mut s = start(
            "https://chat.example.com/",
            "socketio=https://api.example.com/socket.io/",
        );
        s.feed(Event::Timeout { id: TIMER }, 5000);
        s.feed(
            Event::Cookies {
                id: COOKIES,
                cookies: vec![cookie("AWSALB", Some("lax"))],
            },
            5001,
        );
        assert_eq!(s.finished().status, Status::Warn);
        let mut s = start(
            "https://chat.example.com/",
            "socketio=https://api.example.com/socket.io/",
        );
        s.feed(Event::Timeout { id: TIMER }, 5000);
        s.feed(
            Event::Cookies {
                id: COOKIES,
                cookies: vec![cookie("AWSALBCORS", Some("none"))],
            },
            5001,
        );
        assert_eq!(s.finished().status, Status::Pass);
    }

    #[test]
    fn unreadable_cookies_skip() {
        let mut s = start("http://127.0.0.1:8080/", "");
        s.feed(Event::Timeout { id: TIMER }, 5000);
        s.feed(Event::Timeout { id: TIMER }, 10_000);
        assert_eq!(s.finished().status, Status::Skip);
    }
}
