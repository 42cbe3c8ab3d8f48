//! Probe 1 of `socketio-upgrade`: the upgrade of a polling session, from
//! its handshake through `2probe`/`3probe` to the server's first ping.

use super::summary::ping_wait;
use super::{Action, UpgradeCheck, UpgradePhase, UpgradeResult, PROBE, STEP_TIMEOUT_MS, UPGRADE};
use crate::check::{CloseCode, CloseInfo, FetchRequest, Millis};
use crate::checks::{since, Transport};
use crate::classify::{HttpObservation, HttpStep, StepResult};
use crate::engineio::{OpenPacket, Packet};

impl UpgradeCheck {
    pub(super) fn up_failed(&mut self, message: String, now: Millis) -> Vec<Action> {
        let ms = since(self.started, now);
        self.data.upgrade.handshake = Some(HttpStep {
            ms,
            result: StepResult::NetworkError { message },
        });
        self.up_end(UpgradeResult::NoSession)
    }

    pub(super) fn up_opened(&mut self, now: Millis) -> Vec<Action> {
        self.data.upgrade.ws_open_ms = Some(since(self.up_mark, now));
        self.up = UpgradePhase::Probing;
        self.up_mark = now;
        vec![
            Action::SendWs {
                id: UPGRADE,
                text: Packet::Ping(PROBE.into()).to_string(),
            },
            Action::SetTimer {
                id: UPGRADE,
                after_ms: STEP_TIMEOUT_MS,
            },
        ]
    }

    /// The polling handshake's answer, classified: its status, what it was,
    /// and the session it opened if any.
    pub(super) fn up_handshake(
        &mut self,
        status: u16,
        (answer, open): (HttpObservation, Option<OpenPacket>),
        now: Millis,
    ) -> Vec<Action> {
        let ms = since(self.started, now);
        self.data.upgrade.handshake = Some(HttpStep::answered(ms, answer));
        let Some(open) = open.filter(|_| status == 200) else {
            return self.up_end(UpgradeResult::NoSession);
        };
        self.data.upgrade.ping_interval_ms = Some(open.params.ping_interval_ms);
        if !open.params.upgrades.iter().any(|u| u == "websocket") {
            self.sid = Some(open.sid);
            return self.up_end(UpgradeResult::NotOffered);
        }
        let url = self.url(Transport::Websocket, Some(&open.sid));
        self.sid = Some(open.sid);
        self.up = UpgradePhase::Opening;
        self.up_mark = now;
        vec![
            Action::OpenWs { id: UPGRADE, url },
            Action::SetTimer {
                id: UPGRADE,
                after_ms: STEP_TIMEOUT_MS,
            },
        ]
    }

    pub(super) fn up_message(&mut self, text: &str, now: Millis) -> Vec<Action> {
        match (self.up, Packet::parse(text)) {
            (UpgradePhase::Probing, Ok(Packet::Pong(data))) if data == PROBE => {
                self.data.upgrade.probe_ms = Some(since(self.up_mark, now));
                self.up = UpgradePhase::AwaitingPing;
                self.up_mark = now;
                let wait = ping_wait(self.data.upgrade.ping_interval_ms);
                vec![
                    Action::SendWs {
                        id: UPGRADE,
                        text: Packet::Upgrade.to_string(),
                    },
                    Action::SetTimer {
                        id: UPGRADE,
                        after_ms: wait,
                    },
                ]
            }
            (UpgradePhase::AwaitingPing, Ok(Packet::Ping(data))) => {
                self.data.upgrade.ping_after_ms = Some(since(self.up_mark, now));
                let mut actions = vec![Action::SendWs {
                    id: UPGRADE,
                    text: Packet::Pong(data).to_string(),
                }];
                actions.extend(self.up_close(UpgradeResult::Upgraded));
                actions
            }
            _ => Vec::new(),
        }
    }

    /// Ends the probe with `result` and closes its socket, without waiting
    /// for the close to complete.
    pub(super) fn up_close(&mut self, result: UpgradeResult) -> Vec<Action> {
        // Closing the upgraded socket ends the server's session.
        self.sid = None;
        let mut actions = self.up_end(result);
        actions.push(Action::CloseWs {
            id: UPGRADE,
            code: CloseCode::NORMAL,
        });
        actions
    }

    pub(super) fn up_end(&mut self, result: UpgradeResult) -> Vec<Action> {
        if self.data.upgrade.result.is_none() {
            self.data.upgrade.result = Some(result);
        }
        self.up = UpgradePhase::Done;
        let mut actions = vec![Action::CancelTimer { id: UPGRADE }];
        // A polling session that was not upgraded is still open: close it.
        if let Some(sid) = self.sid.take() {
            actions.push(Action::Beacon(FetchRequest::post(
                self.url(Transport::Polling, Some(&sid)),
                Packet::Close.to_string(),
            )));
        }
        actions
    }

    pub(super) fn up_closed(&mut self, code: u16, clean: bool) -> Vec<Action> {
        self.data.upgrade.close = Some(CloseInfo::observed(code, clean));
        let result = match self.up {
            UpgradePhase::Opening => UpgradeResult::ClosedBeforeOpen,
            _ => UpgradeResult::ClosedEarly,
        };
        self.up_end(result)
    }

    pub(super) fn up_timeout(&mut self) -> Vec<Action> {
        match self.up {
            UpgradePhase::Handshaking => {
                self.data.upgrade.handshake = Some(HttpStep {
                    ms: STEP_TIMEOUT_MS,
                    result: StepResult::Timeout,
                });
                self.up_end(UpgradeResult::NoSession)
            }
            UpgradePhase::Opening => self.up_close(UpgradeResult::OpenTimeout),
            UpgradePhase::Probing => self.up_close(UpgradeResult::NoProbeAnswer),
            // A ping interval longer than this page waits is no fault.
            UpgradePhase::AwaitingPing if !self.ping_awaited() => {
                self.up_close(UpgradeResult::Upgraded)
            }
            UpgradePhase::AwaitingPing => self.up_close(UpgradeResult::UpgradedNoPing),
            UpgradePhase::Done => Vec::new(),
        }
    }
}
