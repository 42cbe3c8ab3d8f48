use super::*;

fn page() -> Url {
    Url::parse("https://chat.example.com/conncheck/?x=1").unwrap()
}

fn resolve_with(file: &str, query: &str) -> Config {
    resolve(&page(), &FileLoad::Loaded(file.into()), query)
}

fn error_keys(c: &Config) -> Vec<(&str, Source)> {
    c.errors
        .iter()
        .map(|e| (e.key.as_str(), e.source))
        .collect()
}

#[test]
fn defaults_without_a_file() {
    let c = resolve(&page(), &FileLoad::NotFound, "");
    assert_eq!(
        c.socketio.unwrap().as_str(),
        "https://chat.example.com/socket.io/"
    );
    assert_eq!(c.namespace.as_deref(), Some("/"));
    assert_eq!(c.ws, None);
    assert_eq!(c.lifetime_s, 0);
    assert_eq!(c.file, FileStatus::NotFound);
    assert!(c.errors.is_empty());
}

#[test]
fn query_overrides_file() {
    let c = resolve_with(
        r#"{"socketio":"/theia/socket.io","namespace":"/a","lifetime":30}"#,
        "?socketio=/app/socket.io/&lifetime=90&cookie=INGRESSCOOKIE,GCLB",
    );
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    assert_eq!(
        c.socketio.unwrap().as_str(),
        "https://chat.example.com/app/socket.io/"
    );
    assert_eq!(c.namespace.as_deref(), Some("/a"));
    assert_eq!(c.lifetime_s, 90);
    assert_eq!(c.cookie_names, ["INGRESSCOOKIE", "GCLB"]);
}

#[test]
fn socketio_path_gets_a_trailing_slash_like_the_official_client() {
    let c = resolve_with(r#"{"socketio":"/theia/socket.io"}"#, "");
    assert_eq!(c.socketio.unwrap().path(), "/theia/socket.io/");
}

#[test]
fn ws_paths_and_urls_become_websocket_urls() {
    let c = resolve_with(r#"{"ws":"/live?room=1"}"#, "");
    assert_eq!(c.ws.unwrap().as_str(), "wss://chat.example.com/live?room=1");
    let c = resolve_with(r#"{"ws":"wss://other.example/live"}"#, "");
    assert_eq!(c.ws.unwrap().as_str(), "wss://other.example/live");
}

#[test]
fn absolute_urls_from_the_query_need_an_allowed_origin() {
    let c = resolve_with("{}", "socketio=https://evil.example/socket.io/");
    assert_eq!(error_keys(&c), [("socketio", Source::Query)]);
    assert!(
        c.errors[0].message.contains("allow_origins"),
        "{}",
        c.errors[0].message
    );
    assert_eq!(
        c.socketio, None,
        "an invalid endpoint is not silently replaced"
    );

    let c = resolve_with(
        r#"{"allow_origins":["https://api.example.com"]}"#,
        "socketio=wss://api.example.com/socket.io/&ws=wss://api.example.com/ws",
    );
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    assert_eq!(
        c.socketio.unwrap().as_str(),
        "https://api.example.com/socket.io/"
    );
    assert_eq!(c.ws.unwrap().as_str(), "wss://api.example.com/ws");

    let same_origin = resolve_with("{}", "ws=wss://chat.example.com/ws");
    assert!(same_origin.errors.is_empty());
}

#[test]
fn the_file_may_point_anywhere() {
    let c = resolve_with(r#"{"socketio":"https://api.example.com/socket.io/"}"#, "");
    assert!(c.errors.is_empty());
}

#[test]
fn malformed_values_are_specific_errors_and_leave_others_alone() {
    let c = resolve_with(
        r#"{"lifetime":-5,"namespace":"chat","cookie":"bad name","stun":["http://x"]}"#,
        "socketio=ftp://x/&ws=not a url&livekit=/rel",
    );
    assert_eq!(
        error_keys(&c),
        [
            ("cookie", Source::File),
            ("lifetime", Source::File),
            ("namespace", Source::File),
            ("stun", Source::File),
            ("socketio", Source::Query),
            ("ws", Source::Query),
            ("livekit", Source::Query),
        ]
    );
    assert!(c
        .error_for("lifetime")
        .unwrap()
        .message
        .contains("whole number"));
    assert!(c
        .error_for("namespace")
        .unwrap()
        .message
        .contains("start with /"));
    assert_eq!(c.namespace, None);
    assert_eq!(c.socketio, None);
}

#[test]
fn invalid_json_file_falls_back_to_defaults_with_an_error() {
    let c = resolve_with("{ not json", "");
    assert_eq!(c.file, FileStatus::Invalid);
    assert_eq!(error_keys(&c), [("conncheck.json", Source::File)]);
    assert!(c.errors[0].message.contains("not valid JSON"));
    assert!(c.socketio.is_some());

    let c = resolve_with("[1,2]", "");
    assert!(c.errors[0].message.contains("JSON object"));
}

#[test]
fn unavailable_file_is_reported() {
    let c = resolve(&page(), &FileLoad::Failed("HTTP 500".into()), "");
    assert_eq!(c.file, FileStatus::Unavailable);
    assert!(c.errors[0].message.contains("HTTP 500"));
}

#[test]
fn secrets_only_from_the_file() {
    let c = resolve_with(
        r#"{"allow_origins":"https://a.example"}"#,
        "turn=turn:x:3478&allow_origins=https://evil.example",
    );
    assert_eq!(
        error_keys(&c),
        [("turn", Source::Query), ("allow_origins", Source::Query)]
    );
    assert_eq!(c.allow_origins, ["https://a.example"]);
}

#[test]
fn unknown_keys_are_named() {
    let c = resolve_with(r#"{"socketIO":"/x/"}"#, "");
    assert!(c.errors[0].message.contains("unknown key \"socketIO\""));
}

#[test]
fn report_config_has_no_credentials_or_query_values() {
    let c = resolve_with(
        r#"{"turn":[{"urls":["turn:turn.example:3478?transport=udp","turns:turn.example:5349"],"username":"alice","credential":"s3cret-pass"}],
            "ws":"wss://chat.example.com/ws?token=tok-123"}"#,
        "",
    );
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    assert_eq!(c.turn[0].credential.as_deref(), Some("s3cret-pass"));
    let json = serde_json::to_string(&ReportConfig::from(&c)).unwrap();
    for secret in ["alice", "s3cret-pass", "tok-123"] {
        assert!(!json.contains(secret), "{secret} leaked: {json}");
    }
    assert!(json.contains("turns:turn.example:5349"));
}

#[test]
fn error_messages_do_not_echo_secrets() {
    let c = resolve_with("{}", "ws=ftp://u:pw@x/?token=tok-456");
    let json = serde_json::to_string(&ReportConfig::from(&c)).unwrap();
    assert!(!json.contains("tok-456") && !json.contains("pw@"), "{json}");
}

#[test]
fn turn_entries_are_validated() {
    let c = resolve_with(r#"{"turn":[{"username":"a"}]}"#, "");
    assert!(c.error_for("turn").unwrap().message.contains("urls"));
    let c = resolve_with(r#"{"turn":{"urls":"stun:x"}}"#, "");
    assert!(c.error_for("turn").unwrap().message.contains("turn:"));
}

#[test]
fn internationalized_host_names_are_refused_with_a_message() {
    // The page uses the url crate's ASCII-only IDNA backend to stay small.
    let c = resolve_with(r#"{"socketio":"https://bücher.example/socket.io/"}"#, "");
    let punycode = resolve_with(
        r#"{"socketio":"https://xn--bcher-kva.example/socket.io/"}"#,
        "",
    );
    assert!(punycode.errors.is_empty(), "{:?}", punycode.errors);
    assert!(
        c.error_for("socketio")
            .unwrap()
            .message
            .contains("punycode"),
        "{:?}",
        c.errors
    );
}

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
    assert!(c.error_for("ws").unwrap().message.contains("at most"));
}
