//! Which affinity cookies the check names, and when it warns or skips.

use super::*;
use crate::check::{Status, VisibleCookie};
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
        crate::privacy::plain(&outcome.summary),
        "Affinity cookie visible: \"_1a2b3\" (Traefik), \"myaffinity\" (configured)."
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
