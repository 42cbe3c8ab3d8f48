//! Foreign text in a shared record's data never speaks in the page's voice:
//! a marker planted in each string field of real records' check data (the
//! fields found by walking their JSON, so that a field added later is
//! covered) appears in no finding title, explanation or fix, nor in the
//! verdict; in summaries and evidence only inside a marked value. And what
//! the page computes itself is re-derived from numbers; data its checks
//! cannot have produced marks the record as altered.

use serde_json::{json, Value};

use super::*;
use crate::marker_fixture::{failing_variant, field_mut, string_fields};
use crate::privacy::parts;
use crate::share::open_json;

const MARKER: &str = "ZQXMARK";

/// Real records (lab runs), and the same with failure data in the fields
/// that carry outside values.
pub(super) fn records() -> Vec<Value> {
    let healthy: Value = serde_json::from_str(include_str!("fixtures/lab_report.json")).unwrap();
    let no_upgrade: Value =
        serde_json::from_str(include_str!("fixtures/lab_report_no_upgrade.json")).unwrap();
    let failing = failing_variant(&healthy);
    vec![healthy, no_upgrade, failing]
}

/// The marker may appear in `text` only inside a marked value.
fn only_marked(text: &str) -> bool {
    parts(text)
        .iter()
        .all(|(observed, part)| *observed || !part.contains(MARKER))
}

fn assert_speaks_only_its_own_words(view: &View, what: &str) {
    assert!(
        !view.verdict.headline.contains(MARKER),
        "{what}: verdict {}",
        view.verdict.headline
    );
    for f in &view.findings {
        assert!(!f.title.contains(MARKER), "{what}: title {}", f.title);
        assert!(!f.explanation.contains(MARKER), "{what}: explanation");
        assert!(
            f.fixes.iter().all(|x| !x.text.contains(MARKER)),
            "{what}: fixes"
        );
        for e in &f.evidence {
            assert!(only_marked(e), "{what}: evidence {e}");
        }
    }
    for c in &view.checks {
        assert!(only_marked(&c.summary), "{what}: summary {}", c.summary);
    }
}

#[test]
fn a_marker_in_any_string_field_never_speaks_in_the_pages_voice() {
    let mut planted = 0;
    let mut reached_text = 0;
    for record in records() {
        let fields = string_fields(&record);
        assert!(
            fields.len() >= 20,
            "a real record has many string fields: {}",
            fields.len()
        );
        for path in fields {
            let mut forged = record.clone();
            let value = field_mut(&mut forged, &path);
            let original = value.as_str().unwrap().to_owned();
            *value = json!(format!("{original}{MARKER}"));
            let what = format!("{path:?}");
            let shared = match open_json(&serde_json::to_vec(&forged).unwrap()) {
                Ok(shared) => shared,
                // A configuration error's source is one of two words:
                // anything else is refused, so never shown.
                Err(_) => {
                    assert_eq!(path.last(), Some(&json!("source")), "{what} refused");
                    continue;
                }
            };
            let view = derive_shared(&shared.report, &shared.not_understood);
            assert_speaks_only_its_own_words(&view, &what);
            let texts = view
                .checks
                .iter()
                .map(|c| c.summary.clone())
                .chain(view.findings.iter().flat_map(|f| f.evidence.clone()));
            reached_text += usize::from(texts.into_iter().any(|t| t.contains(MARKER)));
            planted += 1;
        }
    }
    assert!(planted >= 100, "{planted} fields planted");
    // Namespaces, messages, header tokens, cookie names, ICE URLs: shown,
    // marked.
    assert!(
        reached_text >= 16,
        "{reached_text} planted values shown (marked)"
    );
}

#[test]
fn the_pages_own_records_are_plausible() {
    for record in records() {
        let shared = open_json(&serde_json::to_vec(&record).unwrap()).unwrap();
        let view = derive_shared(&shared.report, &[]);
        assert_eq!(view.implausible, Vec::<String>::new());
    }
}

#[test]
fn data_the_checks_cannot_have_observed_marks_the_record_altered() {
    let failing = records().pop().unwrap();
    let check = |id: &str| {
        failing["checks"]
            .as_array()
            .unwrap()
            .iter()
            .position(|c| c["id"] == id)
            .unwrap()
    };
    let (hs, lt, ac) = (
        check("socketio-handshake"),
        check("connection-lifetime"),
        check("affinity-cookie"),
    );
    let cases: [(&str, &[&str], Value, &str); 6] = [
        (
            "a limit not in the table",
            &["checks", "", "data", "matched_limit", "limit"],
            json!("the moon"),
            "connection-lifetime: matched_limit",
        ),
        (
            "a limit not of this duration",
            &["checks", "", "data", "lifetime_ms"],
            json!(180_000),
            "connection-lifetime: matched_limit",
        ),
        (
            "a namespace that is none",
            &["checks", "", "data", "namespace", "namespace"],
            json!("/). Call +1 555 0100 ("),
            "socketio-handshake: namespace",
        ),
        (
            "a Server header that is no product token",
            &["checks", "", "data", "hints", "server"],
            json!("nginx, call us"),
            "connection-lifetime: server",
        ),
        (
            "a cookie name no cookie can have",
            &["checks", "", "data", "found", "0", "name"],
            json!("a b;c"),
            "affinity-cookie: name",
        ),
        (
            "a platform not ours",
            &["checks", "", "data", "found", "0", "platform"],
            json!("Evil Corp"),
            "affinity-cookie: found.platform",
        ),
    ];
    for (what, path, value, doubt) in cases {
        let index = match path[3] {
            "matched_limit" | "lifetime_ms" | "hints" => lt,
            "namespace" => hs,
            _ => ac,
        };
        let path: Vec<Value> = path
            .iter()
            .enumerate()
            .map(|(i, p)| match (i, p.parse::<u64>()) {
                (1, _) => json!(index),
                (_, Ok(n)) => json!(n),
                _ => json!(p),
            })
            .collect();
        let mut forged = failing.clone();
        *field_mut(&mut forged, &path) = value;
        let shared = open_json(&serde_json::to_vec(&forged).unwrap()).unwrap();
        let view = derive_shared(&shared.report, &[]);
        assert!(view.altered(), "{what}");
        assert!(
            view.implausible.iter().any(|d| d == doubt),
            "{what}: {:?}",
            view.implausible
        );
    }
}

#[test]
fn the_matched_limit_is_derived_from_the_numbers_not_the_stored_name() {
    let mut failing = records().pop().unwrap();
    for check in failing["checks"].as_array_mut().unwrap() {
        if check["id"] == "connection-lifetime" {
            check["data"]["matched_limit"]["limit"] = json!("your account is locked");
        }
    }
    let shared = open_json(&serde_json::to_vec(&failing).unwrap()).unwrap();
    let view = derive_shared(&shared.report, &[]);
    let cut = view
        .findings
        .iter()
        .find(|f| f.id == FindingId::ConnectionCut)
        .expect("connection-cut");
    let all: Vec<&String> = cut
        .evidence
        .iter()
        .chain(view.checks.iter().map(|c| &c.summary))
        .collect();
    assert!(all.iter().all(|t| !t.contains("locked")), "{all:?}");
    assert!(
        cut.evidence.iter().any(|e| e.contains("60 s idle timeout")),
        "{:?}",
        cut.evidence
    );
}

#[test]
fn report_json_and_the_copy_text_keep_outside_values_quoted_without_marks() {
    let failing = records().pop().unwrap();
    let shared = open_json(&serde_json::to_vec(&failing).unwrap()).unwrap();
    let view = derive(&shared.report);
    let json = view.json(&shared.report);
    let text = crate::share::copy_text_of(&shared.report, &view, "p");
    for out in [&json, &text] {
        assert!(!out.contains([crate::privacy::OPEN, crate::privacy::CLOSE]));
    }
    let back: Value = serde_json::from_str(&json).unwrap();
    let summaries: Vec<&str> = back["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["summary"].as_str())
        .collect();
    assert!(
        summaries
            .iter()
            .any(|s| s.contains("namespace \"/chat\" refused the connection: \"unauthorized\"")),
        "{summaries:?}"
    );
}
