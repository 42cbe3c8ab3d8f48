use super::*;
use crate::check::{CloseCode, ClosedBy, Status};
use crate::config::{resolve, FileLoad};
use crate::harness::Script;

/// The check's outcome, its data as the check's own type (`harness::typed`).
type Outcome = crate::check::Outcome<LifetimeData>;

const OPEN: &str = r#"0{"sid":"LIFE-SID","upgrades":[],"pingInterval":5000,"pingTimeout":5000,"maxPayload":1000000}"#;

fn start(hold_s: u64) -> Script<LifetimeCheck> {
    let page = Url::parse("http://127.0.0.1:8080/").unwrap();
    Script::start(
        LifetimeCheck::new(&resolve(&page, &FileLoad::NotFound, ""), hold_s),
        0,
    )
}

fn data(outcome: &Outcome) -> LifetimeData {
    outcome.data.clone()
}

fn hints(server: Option<&str>, via: Option<&str>) -> PlatformHints {
    PlatformHints {
        server: server.map(str::to_owned),
        via: via.map(str::to_owned),
    }
}

#[test]
fn holds_answers_pings_and_closes_without_waiting_for_the_close() {
    let mut s = start(30);
    let actions = s.drain();
    assert!(actions.contains(&Action::OpenWs {
        id: SOCKET,
        url: "ws://127.0.0.1:8080/socket.io/?EIO=4&transport=websocket".into()
    }));
    s.feed(
        Event::HttpResponse {
            id: HINTS,
            status: 200,
            headers: vec![("server".into(), "nginx/1.22.1".into())],
            body: OPEN.into(),
        },
        5,
    );
    assert!(matches!(&s.drain()[0], Action::Beacon(r) if r.body.as_deref() == Some("1")));
    s.feed(Event::WsOpened { id: SOCKET }, 10);
    assert_eq!(
        s.drain(),
        [Action::SetTimer {
            id: TIMER,
            after_ms: 30_000
        }]
    );
    s.feed(
        Event::WsMessage {
            id: SOCKET,
            text: OPEN.into(),
        },
        11,
    );
    assert_eq!(
        s.drain(),
        [Action::SendWs {
            id: SOCKET,
            text: "40".into()
        }]
    );
    s.feed(
        Event::WsMessage {
            id: SOCKET,
            text: "2".into(),
        },
        5011,
    );
    assert_eq!(
        s.drain(),
        [Action::SendWs {
            id: SOCKET,
            text: "3".into()
        }]
    );
    s.feed(Event::Timeout { id: TIMER }, 30_010);
    assert_eq!(
        s.drain()[0],
        Action::CloseWs {
            id: SOCKET,
            code: CloseCode::NORMAL
        }
    );
    // Finished with the close asked for, not after it completes.
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Pass);
    assert_eq!(
        outcome.summary,
        "The connection stayed up for the whole 30 s (1 pings answered)."
    );
    let d = data(outcome);
    assert!(d.held && d.lifetime_ms.is_none());
    assert_eq!(d.hints.server.as_deref(), Some("nginx/1.22.1"));
    assert!(!serde_json::to_string(&outcome.data)
        .unwrap()
        .contains("LIFE-SID"));
}

#[test]
fn a_cut_is_measured_and_matched() {
    let mut s = start(60);
    s.feed(Event::WsOpened { id: SOCKET }, 100);
    s.feed(
        Event::WsMessage {
            id: SOCKET,
            text: OPEN.into(),
        },
        101,
    );
    s.feed(
        Event::WsClosed {
            id: SOCKET,
            code: 1006,
            reason: String::new(),
            clean: false,
        },
        3_105,
    );
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Fail);
    let d = data(outcome);
    assert_eq!(d.lifetime_ms, Some(3_005));
    assert_eq!(
        d.close,
        Some(CloseInfo {
            code: CloseCode::ABNORMAL,
            clean: false,
            by: ClosedBy::Server
        })
    );
    assert_eq!(d.last_ping_before_close_ms, None);
    assert!(d
        .matched_limit
        .unwrap()
        .limit
        .contains("shorter than the server's ping interval (5 s)"));
    assert!(
        outcome.summary.starts_with(
            "The connection was cut after 3.0 s: most likely an idle timeout of about 3.0 s"
        ),
        "{}",
        outcome.summary
    );
}

#[test]
fn limits_table() {
    let none = PlatformHints::default();
    let table = [
        (30_200, None, hints(None, Some("1.1 google")), Some(30)),
        (30_200, Some(25_000), none.clone(), None),
        (60_300, Some(25_000), hints(Some("nginx"), None), Some(60)),
        (
            59_000,
            Some(25_000),
            hints(Some("awselb/2.0"), None),
            Some(60),
        ),
        (
            100_500,
            Some(25_000),
            hints(Some("cloudflare"), None),
            Some(100),
        ),
        (180_100, Some(25_000), none.clone(), Some(180)),
        (3_600_900, Some(25_000), none.clone(), Some(3600)),
        (42_000, Some(25_000), none.clone(), None),
    ];
    for (ms, ping, hints, expected) in table {
        assert_eq!(
            match_limit(ms, ping, &hints).expected_s,
            expected,
            "{ms} {hints:?}"
        );
    }
    assert!(match_limit(59_000, None, &hints(Some("awselb/2.0"), None))
        .limit
        .contains("AWS ALB"));
    assert!(match_limit(42_000, Some(25_000), &none)
        .limit
        .contains("about 42 s"));
}

#[test]
fn never_opening_fails_after_the_open_timeout() {
    let mut s = start(60);
    s.feed(Event::Timeout { id: TIMER }, OPEN_TIMEOUT_MS);
    assert_eq!(s.finished().status, Status::Fail);
    let mut s = start(60);
    s.feed(
        Event::WsClosed {
            id: SOCKET,
            code: 1006,
            reason: String::new(),
            clean: false,
        },
        10,
    );
    let d = data(s.finished());
    assert!(!d.opened && d.lifetime_ms.is_none());
}

#[test]
fn envoys_idle_cuts_are_named_by_its_server_header() {
    let envoy = PlatformHints {
        server: Some("envoy".into()),
        via: None,
    };
    let short = match_limit(11_020, Some(25_000), &envoy);
    assert!(
        short.limit.starts_with(
            "Envoy's stream_idle_timeout (or the route's idle_timeout) of about 10.0 s"
        ),
        "{}",
        short.limit
    );
    assert!(
        !match_limit(300_400, Some(25_000), &envoy)
            .limit
            .contains("Envoy"),
        "its 5 min default never cuts a socket pinged every 25 s"
    );
    let other = match_limit(11_020, Some(25_000), &PlatformHints::default());
    assert!(!other.limit.contains("Envoy"), "{}", other.limit);
}
