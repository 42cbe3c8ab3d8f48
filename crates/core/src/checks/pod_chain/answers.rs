//! Reading what the companion's pods answer: a poll's packets, an
//! acknowledgement, a pod id.

use crate::json::Value;

use super::{Reply, Step, HELLO, PROBE_REQUEST};
use crate::engineio::{split_payload, Packet, Payload};
use crate::socketio::SioPacket;

/// A poll's packets, read for what its step waits for.
pub(super) fn read_poll(ns: &str, step: Step, body: &str) -> Reply {
    let packets = match split_payload(body) {
        Payload::V4(packets) => packets,
        Payload::V3 => {
            return Reply::Failed {
                what: "an Engine.IO 3 payload".into(),
                limited: false,
            }
        }
    };
    let mut events = Vec::new();
    for packet in packets.iter().take(64) {
        let Ok(Packet::Message(message)) = Packet::parse(packet) else {
            continue; // pings and noops: a poll may bring them first
        };
        match (step, SioPacket::parse(&message)) {
            (Step::AwaitConnect, Ok(SioPacket::Connect { namespace })) if namespace == ns => {
                return Reply::Connected;
            }
            (Step::AwaitConnect, Ok(SioPacket::ConnectError { namespace, message }))
                if namespace == ns =>
            {
                return Reply::ConnectRefused(message);
            }
            (
                Step::AwaitHello | Step::AwaitListen | Step::AwaitSend,
                Ok(SioPacket::Ack {
                    namespace,
                    id,
                    args,
                }),
            ) if namespace == ns => {
                let expected = if step == Step::AwaitHello {
                    HELLO
                } else {
                    PROBE_REQUEST
                };
                if id == expected {
                    return Reply::Ack(args.into_iter().next());
                }
            }
            (
                Step::AwaitProbe,
                Ok(SioPacket::Event {
                    namespace, args, ..
                }),
            ) if namespace == ns => {
                events.push(args);
            }
            _ => {}
        }
    }
    Reply::Events(events)
}

/// What the companion's acknowledgement says: `Ok(answer)` or the error
/// it named, bounded.
pub(crate) fn ack_result(answer: Option<&Value>) -> Result<&Value, String> {
    match answer {
        Some(a) if a.get("ok").and_then(Value::as_bool) == Some(true) => Ok(a),
        _ => Err(answer
            .and_then(|a| a.get("error"))
            .and_then(Value::as_str)
            .map(bounded)
            .unwrap_or_else(|| "an answer without ok".into())),
    }
}

/// The pod id of a `hello` answer. The companion's ids are 16 hex digits;
/// anything hex up to 64 passes.
pub(crate) fn pod_id(answer: &Value) -> Option<&str> {
    answer
        .get("pod")
        .and_then(Value::as_str)
        .filter(|p| (1..=64).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// How many servers the companion's adapter reports (`hello`'s `pods`,
/// absent from older companions): an outside number, bounded.
pub(crate) fn adapter_pods(answer: &Value) -> Option<u32> {
    let pods = answer.get("pods")?.as_u64()?;
    (1..=1024).contains(&pods).then_some(pods as u32)
}

/// Text from the companion, as a report may quote it.
pub(crate) fn bounded(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || " -_.,:".contains(*c))
        .take(64)
        .collect()
}
