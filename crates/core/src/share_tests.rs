use base64::Engine;
use proptest::prelude::*;

use super::*;
use crate::catalog::CheckId;
use crate::check::Outcome;
use crate::checks::CheckData;
use crate::report::tests::sample;
use crate::report::ReportCheck;

fn report() -> Report {
    let failing = ReportCheck::new(
        CheckId::Websocket,
        Outcome {
            status: Status::Fail,
            summary: "closed before it opened".into(),
            data: CheckData::from_json(CheckId::Websocket, serde_json::json!({"code": 1006})),
        },
        31,
    );
    let mut r = sample(vec![failing]);
    r.set_user_note("  Chat messages do not arrive since Monday.  ");
    r
}

fn deflate_b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(bytes, 6))
}

#[test]
fn payload_is_raw_deflate_in_base64url_without_padding() {
    let r = report();
    let payload = encode(&r);
    assert!(
        payload
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{payload}"
    );
    let compressed = URL_SAFE_NO_PAD.decode(&payload).unwrap();
    // A zlib stream would start with 0x78 and fail raw inflation's check of the
    // trailing data; raw DEFLATE inflates to the JSON exactly.
    let json = miniz_oxide::inflate::decompress_to_vec(&compressed).unwrap();
    assert_eq!(json, serde_json::to_vec(&r).unwrap());
}

#[test]
fn round_trips_through_text_link_payload_and_json() {
    let r = report();
    let text = copy_text(&r);
    assert!(text.contains("- WebSocket connection: FAILED"), "{text}");
    assert!(text.contains("User's description: Chat messages do not arrive since Monday."));
    let last = text.lines().last().unwrap();
    assert!(last.starts_with("conncheck-report:1:"), "{last}");
    let link = link("https://chat.example.com/conncheck/?x=1#old", &r);
    assert!(
        link.starts_with("https://chat.example.com/conncheck/?x=1#report="),
        "{link}"
    );
    let json = serde_json::to_string_pretty(&r).unwrap();
    for input in [
        text.as_str(),
        last,
        link.as_str(),
        &encode(&r),
        &json,
        &format!("  see {link} thanks"),
    ] {
        assert_eq!(decode(input).as_ref(), Ok(&r), "input {input:.80}");
    }
}

#[test]
fn a_shared_record_lists_finding_ids_and_carries_no_words() {
    use crate::checks::secure_context::SecureContextData;
    let data = SecureContextData {
        protocol: "http:".into(),
        secure_context: false,
        loopback_host: false,
    };
    let check = ReportCheck::new(
        CheckId::SecureContext,
        Outcome {
            status: Status::Fail,
            summary: "insecure".into(),
            data: data.into(),
        },
        0,
    );
    let record = sample(vec![check]);
    assert!(
        record.findings.is_empty(),
        "the record lists none of its own"
    );
    let view = crate::view::derive(&record);
    let json: serde_json::Value = serde_json::from_slice(&share_json(&record, &view)).unwrap();
    assert_eq!(
        json["findings"],
        serde_json::json!([{"id": "insecure-context"}])
    );
    let check = json["checks"][0].as_object().unwrap();
    let mut keys: Vec<&str> = check.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["data", "duration_ms", "id", "status"]);
    let shared = decode(&line(&record)).unwrap();
    assert_eq!(shared.findings, view.listed());
    assert_eq!(
        Report {
            findings: Vec::new(),
            ..shared
        },
        record
    );
}

#[test]
fn errors_are_specific() {
    let r = report();
    let table: Vec<(String, ShareError)> = vec![
        ("   ".into(), ShareError::Empty),
        ("hello there, it does not work".into(), ShareError::NotFound),
        (
            "conncheck-report:2:abc".into(),
            ShareError::UnknownFormat("2".into()),
        ),
        (
            format!("conncheck-report:1:{}", "A".repeat(MAX_PAYLOAD_CHARS + 1)),
            ShareError::Oversized(MAX_PAYLOAD_CHARS + 1),
        ),
        (
            "conncheck-report:1:ab$d".into(),
            ShareError::BadBase64("Invalid symbol 36, offset 2.".into()),
        ),
        (
            format!(
                "#report={}",
                URL_SAFE_NO_PAD.encode(b"\xff\xfe not deflate")
            ),
            ShareError::BadCompression("Failed".into()),
        ),
        (
            format!("#report={}", deflate_b64(b"{not json")),
            ShareError::InvalidJson("key must be a string at line 1 column 2".into()),
        ),
        (
            format!("#report={}", deflate_b64(br#"{"schema":"conncheck/2"}"#)),
            ShareError::UnsupportedSchema("conncheck/2".into()),
        ),
        (
            "{\"tool\": 1}".into(),
            ShareError::InvalidReport("no \"schema\" field".into()),
        ),
    ];
    for (input, expected) in table {
        assert_eq!(decode(&input), Err(expected), "input {input:.60}");
    }
    let wrong_shape = serde_json::to_string(&r)
        .unwrap()
        .replace("\"checks\":[", "\"checks\":7,\"x\":[");
    assert!(matches!(
        decode(&wrong_shape),
        Err(ShareError::InvalidReport(_))
    ));
}

#[test]
fn compression_bombs_are_refused() {
    let bomb = deflate_b64(&vec![b' '; MAX_REPORT_BYTES + 10]);
    assert!(bomb.len() < 10_000, "small on the wire: {}", bomb.len());
    assert_eq!(
        decode(&format!("conncheck-report:1:{bomb}")),
        Err(ShareError::TooLargeDecompressed)
    );
}

#[test]
fn user_note_is_trimmed_bounded_and_optional() {
    let mut r = report();
    r.set_user_note(&"x".repeat(5000));
    assert_eq!(
        r.user_note.as_ref().unwrap().chars().count(),
        crate::report::MAX_USER_NOTE_CHARS
    );
    r.set_user_note("   ");
    assert_eq!(r.user_note, None);
    assert!(!serde_json::to_string(&r).unwrap().contains("user_note"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    #[test]
    fn decode_never_panics_on_any_text(input in ".{0,400}") {
        let _ = decode(&input);
    }

    #[test]
    fn decode_never_panics_on_damaged_payloads(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = decode(&format!("conncheck-report:1:{}", URL_SAFE_NO_PAD.encode(&bytes)));
        let _ = decode(&format!("#report={}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&bytes, 1))));
    }

    #[test]
    fn base64url_is_the_base64_crates(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        prop_assert_eq!(crate::share::base64url(&bytes), URL_SAFE_NO_PAD.encode(&bytes));
    }

    #[test]
    fn any_user_note_round_trips(note in "\\PC{0,300}") {
        let mut r = report();
        r.set_user_note(&note);
        prop_assert_eq!(decode(&copy_text(&r)), Ok(r));
    }
}

#[test]
fn a_checks_record_opens_as_it_was() {
    use crate::check::Check;
    use crate::checks::websocket::WebSocketCheck;
    use crate::config::{resolve, FileLoad};
    use crate::harness::Script;
    let page = crate::weburl::Url::parse("http://127.0.0.1:8080/").unwrap();
    let config = resolve(&page, &FileLoad::NotFound, "");
    let check = WebSocketCheck::new(&config);
    let id = check.id();
    let mut s = Script::start(check, 0);
    s.feed(
        crate::check::Event::WsClosed {
            id: 0,
            code: 1006,
            reason: String::new(),
            clean: false,
        },
        9,
    );
    let report = sample(vec![ReportCheck::new(
        id,
        s.finished().clone().map(Into::into),
        9,
    )]);
    assert_eq!(decode(&link("https://x.example/", &report)), Ok(report));
}

#[test]
fn compact_json_is_serde_jsons_own_compact_form() {
    let mut tricky = report();
    tricky.set_user_note("tabs\tand \"quotes\" and \\\" and {\n  \"a\": [ 1 ]\n}, é 😀 \u{7f}");
    let fixtures = [
        include_str!("fixtures/lab_report.json"),
        include_str!("fixtures/lab_report_no_upgrade.json"),
    ];
    let mut reports = vec![report(), tricky, sample(vec![])];
    for fixture in fixtures {
        reports.push(decode(fixture).unwrap());
    }
    for r in &reports {
        assert_eq!(
            String::from_utf8(compact_json(r)).unwrap(),
            serde_json::to_string(r).unwrap()
        );
    }
}

#[test]
fn stored_deflate_is_raw_deflate_any_inflater_reads() {
    for len in [0usize, 1, 1000, 0xFFFF, 0x10000, 200_000] {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let stored = stored_deflate(&bytes);
        assert_eq!(
            miniz_oxide::inflate::decompress_to_vec(&stored).unwrap(),
            bytes,
            "{len} bytes"
        );
    }
}

#[test]
fn a_payload_deflated_elsewhere_opens_like_the_cores_own() {
    let r = report();
    let view = crate::view::derive(&r);
    let json = share_json(&r, &view);
    for deflated in [
        stored_deflate(&json),
        miniz_oxide::deflate::compress_to_vec(&json, 6),
    ] {
        let payload = payload(&deflated);
        assert_eq!(decode(&copy_text_of(&r, &view, &payload)), Ok(r.clone()));
        assert_eq!(
            decode(&link_of("https://x.example/#old", &payload)),
            Ok(r.clone())
        );
        assert_eq!(
            copy_text_of(&r, &view, &payload).lines().last(),
            Some(line_of(&payload).as_str())
        );
    }
    assert_eq!(copy_text(&r), copy_text_of(&r, &view, &encode(&r)));
    assert_eq!(
        link("https://x.example/", &r),
        link_of("https://x.example/", &encode(&r))
    );
}

#[test]
fn find_then_open_json_is_decode_shared_for_whoever_inflates_elsewhere() {
    let r = report();
    for input in [copy_text(&r), link("https://x.example/", &r), encode(&r)] {
        let Ok(Found::Deflated(compressed)) = find(&input) else {
            panic!("{input}")
        };
        let json = miniz_oxide::inflate::decompress_to_vec(&compressed).unwrap();
        assert_eq!(open_json(&json), decode_shared(&input));
    }
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(find(&format!("  {json}\n")), Ok(Found::Json(json.as_str())));
    assert_eq!(find("  "), Err(ShareError::Empty));
    assert_eq!(
        open_json(&vec![b' '; MAX_REPORT_BYTES + 1]),
        Err(ShareError::TooLargeDecompressed)
    );
}
