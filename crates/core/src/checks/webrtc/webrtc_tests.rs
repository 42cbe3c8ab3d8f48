use super::*;
use crate::check::Status;
use crate::config::{resolve, FileLoad};
use crate::harness::Script;

/// The check's outcome, its data as the check's own type (`harness::typed`).
type Outcome = crate::check::Outcome<WebrtcData>;

const HOST: &str = "candidate:3955238027 1 udp 2113937151 2dd38706-07f9-42ce-89a3-ca691daea657.local 47795 typ host generation 0";
const SRFLX: &str = "candidate:1974332063 1 udp 1677729535 127.0.0.1 47795 typ srflx raddr 0.0.0.0 rport 0 generation 0";
const RELAY: &str = "candidate:15466722 1 udp 50340095 127.0.0.1 49174 typ relay raddr 127.0.0.1 rport 47795 generation 0";

fn start(file: &str) -> Script<WebrtcCheck> {
    let page = crate::weburl::Url::parse("https://chat.example.com/").unwrap();
    let config = resolve(&page, &FileLoad::Loaded(file.into()), "");
    assert!(config.errors.is_empty(), "{:?}", config.errors);
    Script::start(WebrtcCheck::new(&config), 0)
}

fn candidate(id: Handle, line: &str, relay: Option<&str>) -> Event {
    Event::IceCandidate {
        id,
        line: line.into(),
        relay_protocol: relay.map(str::to_owned),
    }
}

fn data(o: &Outcome) -> WebrtcData {
    o.data.clone()
}

const SERVERS: &str = r#"{"stun":"stun:stun.example.com:3478","turn":[{"urls":["turn:turn.example.com:3478?transport=udp","turns:turn.example.com:5349"],"username":"u-SECRET","credential":"c-SECRET"}]}"#;

#[test]
fn one_gathering_per_server_with_credentials_only_in_the_action() {
    let mut s = start(SERVERS);
    let actions = s.drain();
    let gathers: Vec<Option<String>> = actions
        .iter()
        .filter_map(|a| match a {
            Action::GatherIce { server, .. } => Some(server.as_ref().map(|s| s.url.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        gathers,
        [
            None,
            Some("stun:stun.example.com:3478".into()),
            Some("turn:turn.example.com:3478?transport=udp".into()),
            Some("turns:turn.example.com:5349".into())
        ]
    );
    assert!(actions.iter().any(|a| matches!(a, Action::GatherIce { server: Some(s), .. } if s.credential.as_deref() == Some("c-SECRET"))));
}

#[test]
fn everything_reachable_passes_and_keeps_no_addresses() {
    let mut s = start(SERVERS);
    s.feed(candidate(0, HOST, None), 5);
    s.feed(Event::IceComplete { id: 0 }, 6);
    s.feed(candidate(1, HOST, None), 7);
    s.feed(candidate(1, SRFLX, None), 8);
    s.feed(Event::IceComplete { id: 1 }, 9);
    s.feed(candidate(2, RELAY, None), 10); // Chromium leaves the UDP relay's protocol out
    s.feed(Event::IceComplete { id: 2 }, 11);
    s.feed(candidate(3, RELAY, Some("tls")), 12);
    s.feed(Event::IceComplete { id: 3 }, 13);
    let o = s.finished();
    assert_eq!(o.status, Status::Pass, "{}", o.summary);
    assert!(
        crate::privacy::plain(&o.summary)
            .contains("\"turn:turn.example.com:3478?transport=udp\": relay works (udp)"),
        "{}",
        o.summary
    );
    let json = serde_json::to_string(&o.data).unwrap();
    for secret in ["127.0.0.1", "47795", ".local", "SECRET", "candidate:"] {
        assert!(!json.contains(secret), "{secret} in {json}");
    }
    assert_eq!(data(o).gatherings[0].gather_ms, Some(6));
    assert_eq!(
        data(o).gatherings[2].candidates[0]
            .facts
            .relay_protocol
            .as_deref(),
        Some("udp")
    );
}

#[test]
fn silence_times_out_and_401_is_reported() {
    let mut s = start(SERVERS);
    s.feed(candidate(0, HOST, None), 5);
    s.feed(Event::IceComplete { id: 0 }, 6);
    s.feed(Event::Timeout { id: 1 }, GATHER_TIMEOUT_MS);
    s.feed(
        Event::IceError {
            id: 2,
            code: 401,
            text: "Unauthorized".into(),
        },
        20,
    );
    s.feed(Event::IceComplete { id: 2 }, 21);
    s.feed(
        Event::IceError {
            id: 3,
            code: 701,
            text: "TURN host lookup received error.".into(),
        },
        22,
    );
    s.feed(Event::Timeout { id: 3 }, GATHER_TIMEOUT_MS);
    let o = s.finished();
    assert_eq!(o.status, Status::Fail);
    assert!(crate::privacy::plain(&o.summary)
        .contains("\"stun:stun.example.com:3478\": no answer over UDP"));
    assert!(o.summary.contains("credentials refused"));
    let d = data(o);
    assert!(!d.gatherings[1].complete && d.gatherings[2].unauthorized());
}

#[test]
fn nothing_configured_is_skipped_with_host_facts() {
    let mut s = start("{}");
    s.feed(candidate(0, HOST, None), 5);
    s.feed(Event::IceComplete { id: 0 }, 6);
    let o = s.finished();
    assert_eq!(o.status, Status::Skip);
    assert!(
        o.summary
            .starts_with("1 local candidate; no STUN or TURN server is configured"),
        "{}",
        o.summary
    );
}

#[test]
fn livekit_is_probed_without_credentials() {
    let mut s = start(r#"{"livekit":"wss://lk.example.com"}"#);
    let actions = s.drain();
    let probe = actions.iter().find_map(|a| match a {
        Action::Fetch {
            id: LIVEKIT,
            request,
        } => Some(request.clone()),
        _ => None,
    });
    let probe = probe.unwrap();
    assert_eq!(
        (probe.url.as_str(), probe.mode, probe.credentials),
        (
            "https://lk.example.com/",
            FetchMode::NoCors,
            Credentials::Omit
        )
    );
    assert!(
        actions.contains(&Action::OpenWs {
            id: LIVEKIT_WS,
            url: "wss://lk.example.com/rtc".into()
        }),
        "{actions:?}"
    );
    s.feed(Event::IceComplete { id: 0 }, 5);
    s.feed(
        Event::HttpFailed {
            id: LIVEKIT,
            message: "TypeError".into(),
        },
        6,
    );
    assert!(s.outcome.is_none(), "waits for the WebSocket probe");
    s.feed(Event::Timeout { id: LIVEKIT_WS }, LIVEKIT_TIMEOUT_MS);
    let o = s.finished();
    let lk = data(o).livekit.unwrap();
    assert_eq!(
        (lk.answered, lk.websocket),
        (Some(false), Some(WsReach::NoAnswer))
    );
    assert!(o.summary.contains("does not answer"));
    assert_eq!(
        o.status,
        Status::Fail,
        "the one configured service is unreachable"
    );

    // A server that answers both, refusing the tokenless upgrade as LiveKit does.
    let mut s = start(r#"{"livekit":"https://lk.example.com"}"#);
    s.feed(Event::IceComplete { id: 0 }, 5);
    s.feed(
        Event::HttpResponse {
            id: LIVEKIT,
            status: 0,
            headers: vec![],
            body: String::new(),
        },
        6,
    );
    s.feed(
        Event::WsClosed {
            id: LIVEKIT_WS,
            code: 1006,
            reason: String::new(),
            clean: false,
        },
        7,
    );
    let o = s.finished();
    assert_eq!(data(o).livekit.unwrap().websocket, Some(WsReach::Closed));
    assert!(
        o.summary.contains("refuses, as it must without a token"),
        "{}",
        o.summary
    );
}

#[test]
fn malformed_candidates_and_late_events_are_ignored() {
    let mut s = start("{}");
    s.feed(candidate(0, "garbage", None), 1);
    s.feed(candidate(9, HOST, None), 2);
    s.feed(Event::IceComplete { id: 0 }, 3);
    assert!(data(s.finished()).gatherings[0].candidates.is_empty());
}
