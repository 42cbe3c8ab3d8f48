//! Tests' pods: backends that each hold their own Engine.IO sessions and
//! run the server companion, behind a balancer (round robin without
//! cookies, one pod with them), for `cross-pod` and `sticky-session`.

use std::collections::{HashMap, VecDeque};

use crate::check::{Credentials, FetchRequest, Handle};

#[path = "pods_driver_tests.rs"]
mod driver;
pub(crate) use driver::{drive, Steer};

/// Pods that each hold their own sessions and run the companion; with an
/// adapter, a broadcast reaches listeners on every pod.
pub(crate) struct Pods {
    count: usize,
    adapter: bool,
    next: usize,
    /// sid -> (pod, room listened to, packets waiting for a poll)
    pub sessions: HashMap<String, (usize, Option<String>, VecDeque<String>)>,
    /// Polls waiting for packets, by sid.
    parked: HashMap<String, Handle>,
    pub requests: Vec<FetchRequest>,
    /// The companion is attached (else its namespace answers `44`).
    pub companion: bool,
    /// `hello`'s refusal, e.g. `rate-limited`, once `hellos_before_refusal`
    /// were answered.
    pub refuse_hello: Option<&'static str>,
    pub hellos_before_refusal: usize,
    hellos: usize,
    /// `hello` is never answered: something else holds the namespace.
    pub silent_hello: bool,
    /// `hello`'s `pods`: the servers the adapter reports.
    pub adapter_pods: Option<usize>,
    /// Each handshake on a new pod, and every request reaching it.
    pub pod_per_session: bool,
    /// Requests with cookies go round robin as well: no cookie affinity.
    pub cookie_ignored: bool,
    /// Requests with cookies are refused: only `omit` is expected.
    pub omit_only: bool,
    /// Closing beacons without cookies take their turn in the round robin
    /// too, as they do behind a real balancer.
    pub beacons_balanced: bool,
    /// The first session without cookies keeps its pod, as if round robin
    /// happened to bring each of its requests back; the others do not.
    pub first_omit_session_stays: bool,
    first_omit_sid: Option<String>,
    /// The first this many sessions without cookies open on the first pod
    /// and keep it, as random balancing may happen to bring each of their
    /// requests there; the ones after them go round robin.
    pub omit_sessions_on_first: usize,
    /// Sessions without cookies opened, and those that keep the first pod.
    omit_opened: usize,
    on_first: Vec<String>,
    /// Every handshake (a request without a session) reaches this pod; the
    /// other requests without the cookie go round robin.
    pub handshakes_to: Option<usize>,
    /// Every request after this many is answered 503, as a `limit_req`
    /// answers by default.
    pub unavailable_after: Option<usize>,
    /// Pings where the companion's namespace answers (the CONNECT and
    /// `hello`), each in a poll of its own.
    pub pings: Pings,
    /// Answers held back until the session's next poll has taken the ping.
    late: HashMap<String, Vec<String>>,
    /// Sessions whose every poll brings a ping at once ([`Pings::Forever`]).
    pinging: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Pings {
    None,
    /// A ping alone, then the answer: socketioxide pings at a session's
    /// start, and its namespace handlers answer a moment later.
    BeforeEachAnswer,
    /// A ping alone, then never the answer.
    ThenSilence,
    /// A ping in every poll, and never the answer.
    Forever,
}

impl Pods {
    pub fn new(count: usize, adapter: bool) -> Pods {
        Pods {
            count,
            adapter,
            next: 0,
            sessions: HashMap::new(),
            parked: HashMap::new(),
            requests: Vec::new(),
            companion: true,
            refuse_hello: None,
            hellos_before_refusal: 0,
            hellos: 0,
            silent_hello: false,
            adapter_pods: None,
            cookie_ignored: false,
            pod_per_session: false,
            omit_only: true,
            beacons_balanced: false,
            first_omit_session_stays: false,
            first_omit_sid: None,
            omit_sessions_on_first: 0,
            omit_opened: 0,
            on_first: Vec::new(),
            handshakes_to: None,
            unavailable_after: None,
            pings: Pings::None,
            late: HashMap::new(),
            pinging: Vec::new(),
        }
    }

    /// A beacon the check sent: without cookies it takes a turn.
    pub fn beacon(&mut self, request: &FetchRequest) {
        if self.beacons_balanced && request.credentials == Credentials::Omit {
            self.pick();
        }
    }

    /// Round robin, as ingress-nginx routes requests without a cookie.
    fn pick(&mut self) -> usize {
        self.next += 1;
        (self.next - 1) % self.count
    }

    /// The answer, or `None` for a poll that waits.
    pub fn answer(&mut self, id: Handle, r: &FetchRequest) -> Option<(u16, String)> {
        self.requests.push(r.clone());
        if self.omit_only {
            assert_eq!(r.credentials, Credentials::Omit, "never the cookie jar");
        }
        if self
            .unavailable_after
            .is_some_and(|n| self.requests.len() > n)
        {
            return Some((
                503,
                "<html>503 Service Temporarily Unavailable</html>".into(),
            ));
        }
        let sid = r.url.split("&sid=").nth(1).map(str::to_owned);
        let stays = self.first_omit_session_stays && sid.is_some() && sid == self.first_omit_sid;
        let omit = r.credentials == Credentials::Omit;
        let first_pod = match &sid {
            Some(sid) => self.on_first.contains(sid),
            None => omit && self.omit_opened < self.omit_sessions_on_first,
        };
        let pod = match (&sid, r.credentials) {
            // Cookie affinity: the cookie's pod.
            (_, Credentials::Include) if !self.cookie_ignored => 0,
            _ if first_pod => 0,
            (Some(sid), _) if stays => self.sessions[sid].0,
            (None, _) if self.handshakes_to.is_some() => self.handshakes_to.unwrap_or_default(),
            (Some(sid), _) if self.pod_per_session => self.sessions[sid].0,
            (None, _) if self.pod_per_session => self.sessions.len(),
            _ => self.pick(),
        };
        let Some(sid) = sid else {
            let sid = format!("S{}", self.sessions.len());
            if omit {
                self.omit_opened += 1;
            }
            if first_pod {
                self.on_first.push(sid.clone());
            }
            if r.credentials == Credentials::Omit && self.first_omit_sid.is_none() {
                self.first_omit_sid = Some(sid.clone());
            }
            self.sessions
                .insert(sid.clone(), (pod, None, VecDeque::new()));
            let open = format!(
                r#"0{{"sid":"{sid}","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000}}"#
            );
            return Some((200, open));
        };
        if self.sessions.get(&sid).map(|s| s.0) != Some(pod) {
            return Some((400, r#"{"code":1,"message":"Session ID unknown"}"#.into()));
        }
        let pod_id = format!("{:016x}", 0xabc0 + pod);
        match r.body.as_deref() {
            None => {
                let queue = &mut self.sessions.get_mut(&sid).unwrap().2;
                if queue.is_empty() && self.pinging.contains(&sid) {
                    return Some((200, "2".into()));
                }
                if queue.is_empty() {
                    self.parked.insert(sid, id);
                    return None;
                }
                let polled = queue.drain(..).collect::<Vec<_>>().join("\u{1e}");
                self.release_late(&sid);
                Some((200, polled))
            }
            Some(body) => {
                let body = body.to_owned();
                let reply = |id: &str, answer: &str| format!("43/conncheck,{id}[{answer}]");
                let out: Vec<(String, String)> = if body == "40/conncheck," && !self.companion {
                    let refused = r#"44/conncheck,{"message":"Invalid namespace"}"#;
                    vec![(sid.clone(), refused.into())]
                } else if body == "40/conncheck," {
                    vec![(sid.clone(), r#"40/conncheck,{"sid":"x"}"#.into())]
                } else if body == "40" {
                    vec![(sid.clone(), r#"40{"sid":"y"}"#.into())]
                } else if body.contains(r#"["hello"]"#)
                    && self.refuse_hello.is_some()
                    && self.hellos >= self.hellos_before_refusal
                {
                    let error = self.refuse_hello.unwrap_or_default();
                    let answer = format!(r#"{{"ok":false,"error":"{error}"}}"#);
                    vec![(sid.clone(), reply("0", &answer))]
                } else if body.contains(r#"["hello"]"#) && self.silent_hello {
                    vec![]
                } else if body.contains(r#"["hello"]"#) {
                    self.hellos += 1;
                    vec![(
                        sid.clone(),
                        reply(
                            "0",
                            &match self.adapter_pods {
                                Some(n) => {
                                    format!(r#"{{"ok":true,"v":1,"pod":"{pod_id}","pods":{n}}}"#)
                                }
                                None => format!(r#"{{"ok":true,"v":1,"pod":"{pod_id}"}}"#),
                            },
                        ),
                    )]
                } else if body.contains(r#"["listen""#) {
                    let room = string_field(&body, "room");
                    self.sessions.get_mut(&sid).unwrap().1 = Some(room.to_owned());
                    vec![(sid.clone(), reply("1", r#"{"ok":true}"#))]
                } else if body.contains(r#"["send""#) {
                    let (room, nonce) = (string_field(&body, "room"), string_field(&body, "nonce"));
                    let probe = format!(
                        r#"42/conncheck,["probe",{{"nonce":"{nonce}","from":"{pod_id}"}}]"#
                    );
                    let mut out = vec![(sid.clone(), reply("1", r#"{"ok":true}"#))];
                    for (other, (other_pod, listening, _)) in &self.sessions {
                        if listening.as_deref() == Some(room) && (self.adapter || *other_pod == pod)
                        {
                            out.push((other.clone(), probe.clone()));
                        }
                    }
                    out
                } else {
                    vec![]
                };
                let namespace_answer =
                    body.starts_with("40/conncheck,") || body.contains(r#"["hello"]"#);
                for (to, packet) in out {
                    if self.pings != Pings::None && namespace_answer && to == sid {
                        self.sessions.get_mut(&to).unwrap().2.push_back("2".into());
                        match self.pings {
                            Pings::BeforeEachAnswer => {
                                self.late.entry(to).or_default().push(packet)
                            }
                            Pings::Forever => self.pinging.push(to),
                            _ => {}
                        }
                    } else {
                        self.sessions.get_mut(&to).unwrap().2.push_back(packet);
                    }
                }
                Some((200, "ok".into()))
            }
        }
    }

    /// A waiting poll given up (its request timed out), if any.
    pub fn give_up_a_poll(&mut self) -> Option<Handle> {
        let sid = self.parked.keys().next()?.clone();
        self.parked.remove(&sid)
    }

    /// Polls that can be answered now.
    pub fn unpark(&mut self) -> Vec<(Handle, String)> {
        let ready: Vec<String> = self
            .parked
            .keys()
            .filter(|sid| !self.sessions[*sid].2.is_empty())
            .cloned()
            .collect();
        ready
            .into_iter()
            .map(|sid| {
                let id = self.parked.remove(&sid).unwrap();
                let queue = &mut self.sessions.get_mut(&sid).unwrap().2;
                let polled = queue.drain(..).collect::<Vec<_>>().join("\u{1e}");
                self.release_late(&sid);
                (id, polled)
            })
            .collect()
    }

    /// After a poll took the ping: the answers held back behind it.
    fn release_late(&mut self, sid: &str) {
        if let Some(late) = self.late.remove(sid) {
            self.sessions.get_mut(sid).unwrap().2.extend(late);
        }
    }
}

/// The string value of `"field":"…"` in an event's body.
fn string_field<'a>(body: &'a str, field: &str) -> &'a str {
    let start = format!(r#""{field}":""#);
    let rest = body.split(start.as_str()).nth(1).expect("the field");
    rest.split('"').next().unwrap_or_default()
}
