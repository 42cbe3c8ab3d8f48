//! `socketio-upgrade`: four probes at once.
//! 1. The upgrade of a polling session: open a WebSocket with its sid, send
//!    `2probe`, expect `3probe`, send `5`, then wait for the server's first
//!    ping and answer it (a v4 client never pings on its own). That wait
//!    lasts as long as the server's ping interval, so the check reports an
//!    interim outcome once everything else is known, and the report does
//!    not wait for the ping.
//! 2. A WebSocket-only session, as clients with `transports: ["websocket"]`
//!    open it: expect the open packet, connect the namespace.
//! 3. A plain GET of the `transport=websocket` URL, which cannot upgrade:
//!    an Engine.IO answer proves the path reaches Socket.IO even when a
//!    proxy drops the upgrade.
//! 4. A polling session held through the server's first ping, as clients
//!    without WebSocket hold it (`long_poll.rs`): what cuts long-polls.
//!
//! Probes 1 and 4 last a ping interval; the check reports an interim
//! outcome once only their pings are to come.

mod data;
mod direct;
mod long_poll;
mod polling;
mod summary;

use crate::weburl::Url;

use super::{engineio_url, since, skipped_without_endpoint, timed_get, Transport};
use crate::catalog::CheckId;
use crate::check::{Check, Event, Handle, Millis, Progress};
use crate::classify::{classify, HttpStep, StepResult};
use crate::config::Config;
use crate::privacy::redact_url;

pub use data::{cut_confirmed, may_be_cut, CUT_AFTER_MS};
pub use data::{
    DirectPath, DirectResult, PollingHold, PollingResult, UpgradeData, UpgradePath, UpgradeResult,
};
use long_poll::{PollPhase, POLL, POLL_TIMER};
use summary::ping_within_wait;
pub(crate) use summary::summarize;

/// This check's actions and outcome, with its data type.
use super::CheckData;
type Action = crate::check::Action<CheckData>;
type Outcome = crate::check::Outcome<CheckData>;

pub const STEP_TIMEOUT_MS: Millis = 10_000;
/// Longest wait for the server's first ping (after the upgrade, and on a
/// held long-poll): below the page's 60 s bound on any request, so that a
/// held long-poll is never aborted by the page itself first.
pub const MAX_PING_WAIT_MS: Millis = 55_000;
/// Grace over the announced ping interval.
pub const PING_GRACE_MS: Millis = 5_000;
/// The data of the upgrade's ping and its pong (`2probe`, `3probe`).
const PROBE: &str = "probe";

// Fetches.
const HANDSHAKE: Handle = 0;
const PLAIN_GET: Handle = 1;
// Sockets and their timers share ids; the plain GET's timer is its own.
const UPGRADE: Handle = 0;
const DIRECT: Handle = 1;
const PLAIN_TIMER: Handle = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UpgradePhase {
    Handshaking,
    Opening,
    Probing,
    AwaitingPing,
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DirectPhase {
    Opening,
    AwaitingOpenPacket,
    AwaitingNamespace,
    Done,
}

pub struct UpgradeCheck {
    endpoint: Option<Url>,
    namespace: Option<String>,
    started: Millis,
    up: UpgradePhase,
    up_mark: Millis,
    sid: Option<String>,
    direct: DirectPhase,
    direct_mark: Millis,
    plain_done: bool,
    poll: PollPhase,
    poll_mark: Millis,
    poll_deadline: Millis,
    poll_sid: Option<String>,
    polls: u8,
    interim_sent: bool,
    data: UpgradeData,
}

impl UpgradeCheck {
    pub fn new(config: &Config) -> Self {
        UpgradeCheck {
            endpoint: config.socketio.clone(),
            namespace: config.namespace.clone(),
            started: 0,
            up: UpgradePhase::Handshaking,
            up_mark: 0,
            sid: None,
            direct: DirectPhase::Opening,
            direct_mark: 0,
            plain_done: false,
            poll: PollPhase::Handshaking,
            poll_mark: 0,
            poll_deadline: 0,
            poll_sid: None,
            polls: 0,
            interim_sent: false,
            data: UpgradeData {
                url: config.socketio.as_ref().map(|u| redact_url(u.as_str())),
                upgrade: UpgradePath::default(),
                websocket_only: DirectPath::default(),
                plain_get: None,
                polling: None,
            },
        }
    }

    fn url(&self, transport: Transport, sid: Option<&str>) -> String {
        self.endpoint
            .as_ref()
            .map(|e| engineio_url(e, transport, sid).to_string())
            .unwrap_or_default()
    }

    fn done(&self) -> bool {
        self.up == UpgradePhase::Done
            && self.direct == DirectPhase::Done
            && self.plain_done
            && self.poll == PollPhase::Done
    }

    fn outcome(&self) -> Outcome {
        Outcome::judged(summarize(&self.data), self.data.clone().into())
    }

    /// Whether the server's first ping comes within the page's wait.
    fn ping_awaited(&self) -> bool {
        ping_within_wait(self.data.upgrade.ping_interval_ms)
    }

    /// Every probe done or waiting for the server's first ping (the
    /// upgraded socket's, the held long-poll's): what the report says
    /// until the pings come (or do not).
    fn interim(&mut self) -> Option<Action> {
        let up_waits = self.up == UpgradePhase::AwaitingPing;
        let poll_waits = self.poll == PollPhase::LongPoll;
        let settled = (up_waits || self.up == UpgradePhase::Done)
            && (poll_waits || self.poll == PollPhase::Done)
            && self.direct == DirectPhase::Done
            && self.plain_done;
        if !settled || !(up_waits || poll_waits) || self.interim_sent {
            return None;
        }
        self.interim_sent = true;
        let mut data = self.data.clone();
        if up_waits {
            data.upgrade.result = Some(UpgradeResult::Upgraded);
        }
        let outcome = Outcome::judged(summarize(&data), data.into());
        Some(Action::Progress(Progress::Interim(outcome)))
    }
}

impl Check for UpgradeCheck {
    type Data = CheckData;

    fn id(&self) -> CheckId {
        CheckId::SocketioUpgrade
    }

    fn start(&mut self, now: Millis) -> Vec<Action> {
        self.started = now;
        self.direct_mark = now;
        if self.endpoint.is_none() {
            return skipped_without_endpoint(self.data.clone());
        }
        let handshake = self.url(Transport::Polling, None);
        let mut actions = Vec::from(timed_get(HANDSHAKE, handshake, UPGRADE, STEP_TIMEOUT_MS));
        actions.extend([
            Action::OpenWs {
                id: DIRECT,
                url: self.url(Transport::Websocket, None),
            },
            Action::SetTimer {
                id: DIRECT,
                after_ms: STEP_TIMEOUT_MS,
            },
        ]);
        let plain = self.url(Transport::PlainGetOfWebsocket, None);
        actions.extend(timed_get(PLAIN_GET, plain, PLAIN_TIMER, STEP_TIMEOUT_MS));
        actions.extend(self.poll_start(now));
        actions
    }

    fn handle(&mut self, event: Event, now: Millis) -> Vec<Action> {
        let mut actions = match event {
            Event::HttpResponse {
                id: HANDSHAKE,
                status,
                headers,
                body,
            } if self.up == UpgradePhase::Handshaking => {
                self.up_handshake(status, classify(status, &headers, &body), now)
            }
            Event::HttpFailed {
                id: HANDSHAKE,
                message,
            } if self.up == UpgradePhase::Handshaking => self.up_failed(message, now),
            event @ (Event::HttpResponse { id: POLL, .. }
            | Event::HttpFailed { id: POLL, .. }
            | Event::Timeout { id: POLL_TIMER })
                if self.poll != PollPhase::Done =>
            {
                self.poll_event(event, now)
            }
            event @ (Event::HttpResponse { id: PLAIN_GET, .. }
            | Event::HttpFailed { id: PLAIN_GET, .. }
            | Event::Timeout { id: PLAIN_TIMER })
                if !self.plain_done =>
            {
                self.plain_get(event, now)
            }
            Event::WsOpened { id: UPGRADE } if self.up == UpgradePhase::Opening => {
                self.up_opened(now)
            }
            Event::WsMessage { id: UPGRADE, text } => self.up_message(&text, now),
            Event::WsClosed {
                id: UPGRADE,
                code,
                clean,
                ..
            } if self.up != UpgradePhase::Done => self.up_closed(code, clean),
            Event::Timeout { id: UPGRADE } => self.up_timeout(),
            Event::WsOpened { id: DIRECT } if self.direct == DirectPhase::Opening => {
                self.direct_opened(now)
            }
            Event::WsMessage { id: DIRECT, text } => self.direct_message(&text, now),
            Event::WsBinary { id: DIRECT, .. }
                if self.direct == DirectPhase::AwaitingOpenPacket =>
            {
                self.direct_close(DirectResult::NoOpenPacket)
            }
            Event::WsClosed {
                id: DIRECT,
                code,
                clean,
                ..
            } if self.direct != DirectPhase::Done => self.direct_closed(code, clean),
            Event::Timeout { id: DIRECT } => self.direct_timeout(),
            _ => return Vec::new(),
        };
        if self.done() {
            actions.push(Action::Finish(self.outcome()));
        } else {
            actions.extend(self.interim());
        }
        actions
    }
}

impl UpgradeCheck {
    /// Probe 3: the plain GET's answer, failure or timeout, once.
    fn plain_get(&mut self, event: Event, now: Millis) -> Vec<Action> {
        let ms = since(self.started, now);
        self.plain_done = true;
        let (result, cancel) = match event {
            Event::HttpResponse {
                status,
                headers,
                body,
                ..
            } => (
                StepResult::Answered(classify(status, &headers, &body).0),
                true,
            ),
            Event::HttpFailed { message, .. } => (StepResult::NetworkError { message }, true),
            _ => (StepResult::Timeout, false),
        };
        self.data.plain_get = Some(HttpStep { ms, result });
        if cancel {
            vec![Action::CancelTimer { id: PLAIN_TIMER }]
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod ends_tests;
#[cfg(test)]
mod long_poll_tests;
#[cfg(test)]
mod upgrade_tests;
