use super::*;

fn page() -> Url {
    Url::parse("https://chat.example.com/conncheck/?x=1").unwrap()
}

pub(super) fn resolve_with(file: &str, query: &str) -> Config {
    resolve(&page(), &FileLoad::Loaded(file.into()), query)
}

pub(super) fn error_keys(c: &Config) -> Vec<(&str, Source)> {
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
        .error_for(ConfigKey::Lifetime)
        .unwrap()
        .message
        .contains("whole number"));
    assert!(c
        .error_for(ConfigKey::Namespace)
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
    assert!(c
        .error_for(ConfigKey::Turn)
        .unwrap()
        .message
        .contains("urls"));
    let c = resolve_with(r#"{"turn":{"urls":"stun:x"}}"#, "");
    assert!(c
        .error_for(ConfigKey::Turn)
        .unwrap()
        .message
        .contains("turn:"));
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
        c.error_for(ConfigKey::Socketio)
            .unwrap()
            .message
            .contains("punycode"),
        "{:?}",
        c.errors
    );
}

#[test]
fn a_token_like_unknown_key_from_a_link_is_not_repeated() {
    let c = resolve_with("{}", "?a1b2c3d4e5f6a7b8c9d0e1f2=1&colour=red&x%40y=1");
    let keys: Vec<&str> = c.errors.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["REDACTED", "colour", "REDACTED"]);
    let report = serde_json::to_string(&ReportConfig::from(&c)).unwrap();
    assert!(!report.contains("a1b2c3d4e5f6a7b8c9d0e1f2"), "{report}");
    assert!(!report.contains("x@y"), "{report}");
    assert!(
        c.errors[1].message.contains("\"colour\""),
        "plain names stay"
    );
}

#[test]
fn config_keys_are_their_text_in_reports() {
    let mut texts = KNOWN_KEYS.to_vec();
    texts.extend([
        "conncheck.json",
        "link",
        "(unreadable key)",
        "REDACTED",
        "colour",
    ]);
    for text in texts {
        let key = ConfigKey::from(text);
        assert_eq!(key.as_str(), text);
        assert_eq!(serde_json::to_value(&key).unwrap(), text);
        assert_eq!(
            serde_json::from_value::<ConfigKey>(text.into()).unwrap(),
            key
        );
    }
    assert_eq!(ConfigKey::from("ws"), ConfigKey::Ws);
    assert_eq!(
        ConfigKey::from("colour"),
        ConfigKey::Unknown("colour".into())
    );
}
