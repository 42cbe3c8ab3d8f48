//! The namespace CONNECT of `socketio-handshake`: the polls that bring its
//! answer (answering the server's pings), and the step it records.

use super::{Action, HandshakeCheck, NamespaceResult, NamespaceStep, MAX_POLLS, POLLS};
use crate::check::{FetchRequest, Millis};
use crate::checks::since;
use crate::classify::classify;
use crate::engineio::{split_payload, Packet, Payload, MAX_PACKETS_PER_POLL};
use crate::socketio::SioPacket;

impl HandshakeCheck {
    pub(super) fn on_poll(
        &mut self,
        status: u16,
        headers: &[(String, String)],
        body: &str,
    ) -> Result<Vec<Action>, NamespaceResult> {
        self.data.polls += 1;
        let packets = match (status, split_payload(body)) {
            (200, Payload::V4(packets)) => packets,
            _ => return Err(NamespaceResult::Failed(classify(status, headers, body).0)),
        };
        let mut actions = Vec::new();
        let mut ponged = false;
        for packet in packets.into_iter().take(MAX_PACKETS_PER_POLL) {
            match Packet::parse(packet) {
                Ok(Packet::Message(message)) => match SioPacket::parse(&message) {
                    Ok(SioPacket::Connect { namespace })
                        if Some(&namespace) == self.namespace.as_ref() =>
                    {
                        return Err(NamespaceResult::Connected)
                    }
                    Ok(SioPacket::ConnectError { message, .. }) => {
                        return Err(NamespaceResult::Refused { message })
                    }
                    _ => {}
                },
                Ok(Packet::Close) => return Err(NamespaceResult::Closed),
                // A v4 server pings; the client must answer, never ping itself.
                // One pong per poll: a flood of pings is not a flood of requests.
                Ok(Packet::Ping(data)) if !ponged => {
                    ponged = true;
                    actions.push(Action::Beacon(FetchRequest::post(
                        self.url(self.sid.as_deref()),
                        Packet::Pong(data.chars().take(64).collect()).to_string(),
                    )))
                }
                _ => {}
            }
        }
        if self.data.polls >= MAX_POLLS {
            return Err(NamespaceResult::NoAnswer);
        }
        let id = POLLS.start + self.data.polls;
        actions.push(Action::Fetch {
            id,
            request: FetchRequest::get(self.url(self.sid.as_deref())),
        });
        Ok(actions)
    }

    pub(super) fn namespace_result(&mut self, result: NamespaceResult, now: Millis) -> Vec<Action> {
        self.data.namespace = Some(NamespaceStep {
            namespace: self.namespace.clone().unwrap_or_default(),
            ms: since(self.step_started, now),
            result,
        });
        self.finish()
    }
}
