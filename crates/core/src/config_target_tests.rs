//! The link-target rule (config_target.rs) and provenance, as
//! `resolve` applies them: table tests over the WHATWG parser's edge cases.

use super::tests::{error_keys, resolve_with};
use super::*;

/// The WHATWG parser's edge cases, as a link gives them (percent-decoded
/// by the query parser first): every one either resolves to the page's own
/// origin or is refused; none reaches another origin.
#[test]
fn link_targets_resolve_first_then_are_checked_against_the_origin() {
    let file = r#"{"allow_origins":["https://api.example.com","http://[::1]:8080"]}"#;
    // (query, Some(resolved socketio URL) or None when refused)
    let table: &[(&str, Option<&str>)] = &[
        ("socketio=/%5Cevil.example:81/socket.io/", None), // /\ is // in special URLs
        ("socketio=%5C%5Cevil.example/socket.io/", None),  // \\ too
        ("socketio=/%09/evil.example/socket.io/", None),   // the tab is removed
        ("socketio=/%0A/evil.example/socket.io/", None),   // so is a newline
        ("socketio=/%0D/evil.example/socket.io/", None),
        ("socketio=//evil.example/socket.io/", None),
        ("socketio=/%2F/evil.example/socket.io/", None),
        (
            "socketio=https://user:pass@chat.example.com/socket.io/",
            None,
        ),
        ("socketio=https://user@chat.example.com/socket.io/", None),
        ("socketio=https://chat.example.com./socket.io/", None), // another origin
        ("socketio=https://%65vil.example/socket.io/", None),
        ("socketio=https://xn--bcher-kva.example/socket.io/", None),
        ("socketio=https://b%C3%BCcher.example/socket.io/", None),
        ("socketio=https://chat.example.com:8443/socket.io/", None),
        ("socketio=http://chat.example.com/socket.io/", None),
        ("socketio=https://[::1]:8080/socket.io/", None),
        ("socketio=http://[::1]:8081/socket.io/", None),
        ("socketio=%20https://evil.example/socket.io/", None),
        ("socketio=https://evil.example%2F@chat.example.com/", None),
        ("socketio=https://chat.example.com%40evil.example/", None),
        (
            "socketio=https://chat.example.com:443/socket.io/",
            Some("https://chat.example.com/socket.io/"),
        ),
        (
            "socketio=https://CHAT.example.com/socket.io/",
            Some("https://chat.example.com/socket.io/"),
        ),
        (
            "socketio=http://[0:0::1]:8080/socket.io/",
            Some("http://[::1]:8080/socket.io/"),
        ),
        (
            "socketio=wss://api.example.com/socket.io/",
            Some("https://api.example.com/socket.io/"),
        ),
        (
            "socketio=/app/%5C../socket.io/",
            None, // a backslash anywhere
        ),
        (
            "socketio=/a/../socket.io",
            Some("https://chat.example.com/socket.io/"),
        ),
    ];
    for (query, want) in table {
        let c = resolve_with(file, query);
        let got = c.socketio.as_ref().map(Url::as_str);
        assert_eq!(got, *want, "{query}: {:?}", c.errors);
        if want.is_none() {
            assert_eq!(error_keys(&c), [("socketio", Source::Query)], "{query}");
            assert!(c.from_link.is_empty(), "{query}");
        } else {
            assert_eq!(c.from_link, ["socketio"], "{query}");
        }
    }
}

#[test]
fn every_link_target_follows_the_same_rule() {
    let file =
        r#"{"allow_origins":["https://api.example.com"],"stun":["stun:stun.example.net:3478"]}"#;
    for key in ["ws", "livekit"] {
        for bad in [
            "wss://evil.example/x",
            "wss://u:p@chat.example.com/x",
            "wss://chat.example.com%5C@evil.example/x",
            "wss:%5C%5Cevil.example/x",
            "ws%09s://evil.example/x",
        ] {
            let c = resolve_with(file, &format!("{key}={bad}"));
            assert_eq!(error_keys(&c), [(key, Source::Query)], "{key}={bad}");
        }
        let c = resolve_with(file, &format!("{key}=wss://api.example.com/x"));
        assert!(c.errors.is_empty(), "{key}: {:?}", c.errors);
    }
    let c = resolve_with(file, "ws=/%5Cevil.example/ws");
    assert_eq!((c.ws, c.errors.len()), (None, 1));
}

#[test]
fn ice_servers_from_a_link_only_on_hosts_the_operator_allowed() {
    let file =
        r#"{"allow_origins":["https://api.example.com:3478"],"stun":["stun:stun.example.net"]}"#;
    let refused = [
        "stun:evil.example:3478",
        "stun:chat.example.com:3478", // the page's host, another port
        "stun:stun.example.net:3479",
        "stun:stun.example.net.:3478",
        "stun:user@stun.example.net",
        "stun:stun.example.net%253A3478", // a literal %3A
        "stun:stun.example.net%09",       // a tab
        "stun:%5Cstun.example.net",
        "stuns:stun.example.net", // 5349 by default
        "stun:[::1]:3478",
        "http://stun.example.net",
    ];
    for bad in refused {
        let c = resolve_with(file, &format!("stun={bad}"));
        assert_eq!(error_keys(&c), [("stun", Source::Query)], "{bad}");
        assert_eq!(
            c.stun,
            ["stun:stun.example.net"],
            "{bad}: the file's value stays"
        );
    }
    for good in [
        "stun:stun.example.net",
        "stun:STUN.example.net:3478",
        "stun:api.example.com:3478",
        "stun:chat.example.com:443",
    ] {
        let c = resolve_with(file, &format!("stun={good}"));
        assert!(c.errors.is_empty(), "{good}: {:?}", c.errors);
        assert_eq!(c.from_link, ["stun"]);
    }
    // The operator's file may name any ICE server.
    let c = resolve_with(r#"{"stun":["stun:[::1]:3478","stun:any.example"]}"#, "");
    assert!(c.errors.is_empty(), "{:?}", c.errors);
}

#[test]
fn companion_is_a_namespace_and_never_an_address() {
    let c = resolve_with("{}", "companion=/conncheck");
    assert_eq!(
        (c.companion.as_deref(), c.errors.is_empty()),
        (Some("/conncheck"), true)
    );
    assert_eq!(resolve_with("{}", "").companion, None, "off when absent");
    for bad in [
        "https://evil.example/conncheck",
        "//evil.example/x",
        "conncheck",
        "/a%5Cb",
        "/a%09",
        "/a?x=1",
        "/a@b",
    ] {
        let c = resolve_with("{}", &format!("companion={bad}"));
        assert_eq!(
            (c.companion.clone(), error_keys(&c)),
            (None, vec![("companion", Source::Query)]),
            "{bad}"
        );
    }
}

#[test]
fn provenance_names_the_keys_the_link_set() {
    let c = resolve_with(
        r#"{"socketio":"/a/socket.io/","lifetime":5}"#,
        "socketio=/b/socket.io/&ws=https://evil.example/&lifetime=9&namespace=/x",
    );
    assert_eq!(c.from_link, ["socketio", "lifetime", "namespace"]);
    let report = ReportConfig::from(&c);
    assert_eq!(report.from_link, c.from_link);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json["from_link"],
        serde_json::json!(["socketio", "lifetime", "namespace"])
    );
    assert!(resolve_with("{}", "").from_link.is_empty());
}

#[test]
fn messages_quote_at_most_a_short_sanitized_excerpt() {
    let long = format!("/{}%5C", "a".repeat(5000));
    let c = resolve_with("{}", &format!("socketio={long}"));
    let message = &c.errors[0].message;
    assert!(message.chars().count() < 200, "{message}");
    let c = resolve_with("{}", "ws=https://evil.example/%0A%1B[31mred?token=tok-9");
    let message = &c.errors[0].message;
    assert!(
        !message.contains('\u{1b}') && !message.contains("tok-9"),
        "{message}"
    );
    let many: String = (0..100).map(|i| format!("x{i}=1&")).collect();
    let c = resolve_with("{}", &many);
    assert!(c.errors.len() <= MAX_LINK_SETTINGS + 1);
    let c = resolve_with("{}", &format!("ws=/{}", "b".repeat(MAX_VALUE_CHARS)));
    assert!(c
        .error_for(ConfigKey::Ws)
        .unwrap()
        .message
        .contains("at most"));
}

#[test]
fn every_message_quotes_a_bounded_excerpt() {
    let long = "x".repeat(1500);
    for query in [
        format!("cookie=a%20{long}"),
        format!("namespace={long}"),
        format!("stun=http://{long}"),
        format!("companion=nope{long}"),
    ] {
        let c = resolve_with("{}", &query);
        let message = &c.errors[0].message;
        assert!(message.chars().count() < 300, "{query:.20}: {message}");
    }
}
