//! The checks, and which of them a run starts for a given configuration.

pub mod affinity_cookie;
pub mod cross_pod;
mod data;
mod entry;
pub mod handshake;
pub mod lifetime;
pub mod media;
mod pod_chain;
#[cfg(test)]
#[path = "pods_simulator_tests.rs"]
mod pods_simulator;
pub mod secure_context;
pub mod sticky;
mod unreadable;
pub mod upgrade;
pub mod webrtc;
pub mod websocket;

use crate::catalog::{each_check, CheckId};
use crate::weburl::Url;

use crate::check::{Action, Check, FetchRequest, Handle, Millis, Outcome, Status};
use crate::config::Config;

pub use data::{any, overran, AnyCheck, CheckData, Facts};
pub use entry::ReportCheck;

/// What the page knows about itself before any check runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserFacts {
    pub page_url: Url,
    pub secure_context: bool,
}

/// The automatic checks (`Runs::Automatic` in the registry,
/// `catalog::each_check`), in the order the page shows them. A configured
/// `lifetime` is observed after them (see [`lifetime_on_demand`]): its
/// length must never hold back the report.
pub fn automatic(config: &Config, facts: &BrowserFacts) -> Vec<AnyCheck> {
    macro_rules! automatic {
        ($($id:ident $name:literal $title:literal, $module:ident::{$check:ident, $data:ident},
            summary($summary:expr), jar($jar:ident),
            runs($runs:ident $($place:literal, $make:expr)?);)*) => {{
            let mut checks = Vec::new();
            for place in 0..CheckId::ALL.len() {
                checks.push(match place {
                    $($($place => made(config, facts, $make),)?)*
                    _ => continue,
                });
            }
            checks
        }};
    }
    each_check!(automatic)
}

/// A check as its registry line makes it (the closure's types given).
fn made<C: Check<Data = CheckData> + 'static>(
    config: &Config,
    facts: &BrowserFacts,
    make: impl FnOnce(&Config, &BrowserFacts) -> C,
) -> AnyCheck {
    any(make(config, facts))
}

/// The camera and microphone test as the page's button starts it.
pub fn media_on_demand(facts: &BrowserFacts) -> AnyCheck {
    any(media::MediaCheck::new(facts.secure_context, true))
}

/// The cross-pod probe, which the page observes after the report when a
/// companion is configured; `seed` comes from the browser's randomness.
/// `after_answers`: the report's Socket.IO handshake passed, so a 503 on
/// the probe's first request is a limit, not a server that never answers.
pub fn cross_pod(config: &Config, seed: u64, after_answers: bool) -> Option<AnyCheck> {
    config.companion.as_ref().map(|_| {
        let check = cross_pod::CrossPodCheck::new(config, seed);
        any(if after_answers {
            check.after_answers()
        } else {
            check
        })
    })
}

/// The lifetime check as the page's button starts it, or as the page
/// observes a configured `lifetime` after the report.
pub fn lifetime_on_demand(config: &Config) -> AnyCheck {
    any(lifetime::LifetimeCheck::new(
        config,
        lifetime::hold_s(config.lifetime_s),
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Polling,
    Websocket,
    /// `transport=websocket` fetched over plain http(s): cannot upgrade.
    PlainGetOfWebsocket,
}

/// An Engine.IO 4 URL on a Socket.IO endpoint (an http(s) URL): polling
/// stays http(s), websocket becomes ws(s).
pub fn engineio_url(endpoint: &Url, transport: Transport, sid: Option<&str>) -> Url {
    let mut url = endpoint.clone();
    let name = match transport {
        Transport::Polling => "polling",
        Transport::PlainGetOfWebsocket => "websocket",
        Transport::Websocket => {
            let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
            let _ = url.set_scheme(scheme);
            "websocket"
        }
    };
    url.append_query_pair("EIO", "4");
    url.append_query_pair("transport", name);
    if let Some(sid) = sid {
        url.append_query_pair("sid", sid);
    }
    url
}

/// The end of a Socket.IO check whose configured endpoint is invalid (the
/// configuration error itself is shown and reported apart).
pub(crate) fn skipped_without_endpoint(data: impl Into<CheckData>) -> Vec<Action<CheckData>> {
    let skipped = (
        Status::Skip,
        "Not run: the configured socketio endpoint is invalid.".into(),
    );
    vec![Action::Finish(Outcome::judged(skipped, data.into()))]
}

/// A GET and the timer that bounds it, as a check's first request goes out.
pub(crate) fn timed_get<D>(
    fetch: Handle,
    url: String,
    timer: Handle,
    after_ms: Millis,
) -> [Action<D>; 2] {
    [
        Action::Fetch {
            id: fetch,
            request: FetchRequest::get(url),
        },
        Action::SetTimer {
            id: timer,
            after_ms,
        },
    ]
}

/// "25 s", "1.5 s": a duration for people, to a tenth of a second.
pub fn seconds(ms: Millis) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        // Integer tenths, rounded half up: no float formatting in the page.
        format!("{} s", tenths_text(ms.saturating_add(50) / 100))
    }
}

/// "99.6": a number to a tenth, rounded half up, negative and NaN as 0.
/// Written with integers: float formatting would add its code to the page.
pub fn one_decimal(x: f64) -> String {
    tenths_text((x.max(0.0) * 10.0).round() as u64)
}

/// "99.6" from 996 tenths.
fn tenths_text(tenths: u64) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
#[test]
fn one_decimal_for_people() {
    assert_eq!(
        [
            one_decimal(99.609375),
            one_decimal(93.75),
            one_decimal(100.0),
            one_decimal(-1.0),
            one_decimal(f64::NAN)
        ],
        ["99.6", "93.8", "100.0", "0.0", "0.0"]
    );
}

#[cfg(test)]
#[test]
fn seconds_for_people() {
    assert_eq!(
        [
            seconds(25_000),
            seconds(1_500),
            seconds(0),
            seconds(1_949),
            seconds(1_950),
            seconds(1_999)
        ],
        ["25 s", "1.5 s", "0 s", "1.9 s", "2.0 s", "2.0 s"]
    );
}

/// Milliseconds between two instants of the driver's clock.
pub(crate) fn since(start: Millis, now: Millis) -> Millis {
    now.saturating_sub(start)
}
