//! `affinity-cookie`: which load-balancer affinity cookies the page can see,
//! by name and attributes, never values. A handshake first gives the proxy a
//! chance to set its cookie. HttpOnly cookies (ingress-nginx, GKE, Istio)
//! are invisible to any page: `sticky-session` is the authority.
mod data;
mod summary;

use crate::weburl::Url;

use super::{engineio_url, BrowserFacts, Transport};
use crate::catalog::CheckId;
use crate::check::{Check, Event, FetchRequest, Handle, Millis};
use crate::classify::classify;
use crate::config::Config;
use crate::engineio::Packet;

pub use data::{identify, AffinityCookieData, FoundCookie};
pub(crate) use summary::summarize;

/// This check's actions and outcome, with its data type.
use super::CheckData;
type Action = crate::check::Action<CheckData>;
type Outcome = crate::check::Outcome<CheckData>;

pub const STEP_TIMEOUT_MS: Millis = 5_000;
const HANDSHAKE: Handle = 0;
const COOKIES: Handle = 1;
const TIMER: Handle = 0;

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
            Action::Finish(Outcome::judged(
                summarize(&self.data),
                std::mem::take(&mut self.data).into(),
            )),
        ]
    }
}

impl Check for AffinityCookieCheck {
    type Data = CheckData;

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
mod affinity_cookie_tests;
