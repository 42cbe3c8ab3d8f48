//! The view and a shared check's data: a record's own words are never
//! read, typed data is the report's JSON, and data that cannot be read is
//! shown as such and kept.

use serde_json::{json, Value};

use super::tests::{failing_websocket, payload};
use super::*;
use crate::catalog::CheckId;
use crate::checks::CheckData;
use crate::report::tests::sample;
use crate::share::{decode_shared, link};

#[test]
fn a_records_own_summary_is_never_read() {
    let mut r = serde_json::to_value(sample(vec![failing_websocket()])).unwrap();
    r["checks"][0]["data"] = json!({"not": "the shape"});
    r["checks"][0]["summary"] = json!("Call +1 555 0100");
    let shared = decode_shared(&payload(&r)).unwrap();
    let view = derive_shared(&shared.report, &[]);
    assert_eq!(
        view.checks[0].summary,
        "This page cannot read what this check observed."
    );
}

/// Every number of a real lab report (`fixtures/lab_report.json`, a run of
/// every check) replaced by an extreme value, every status by any status:
/// deriving the support view, the copy text and the link never panics
/// (overflow included: tests run with debug assertions).
mod extremes {
    use std::sync::atomic::{AtomicU32, Ordering};

    use proptest::prelude::*;
    use proptest::test_runner::TestRunner;
    use serde_json::Value;

    use super::derive_shared;
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
    /// Of [`CASES`], the fewest that must parse as a report: most do not
    /// (a negative or fractional count is refused), about 100 do (measured
    /// 99); 51 is more than five standard deviations below that.
    const MIN_PARSED: u32 = 51;

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

    const CASES: u32 = 512;

    /// Not `proptest!`: the cases that parse as a report are counted, and
    /// too few of them fails the test (the rest only prove that reading the
    /// text never panics).
    #[test]
    fn extreme_numbers_never_panic() {
        let parsed = AtomicU32::new(0);
        let strategy = (proptest::collection::vec(0usize..16, 1..64), 0usize..2);
        let mut runner = TestRunner::new(ProptestConfig {
            cases: CASES,
            failure_persistence: None,
            ..ProptestConfig::default()
        });
        let run = runner.run(&strategy, |(picks, which)| {
            let mut value: Value = serde_json::from_str(FIXTURES[which]).unwrap();
            let mut at = 0;
            mutate(&mut value, &picks, &mut at);
            if let Ok(report) = serde_json::from_value::<Report>(value.clone()) {
                parsed.fetch_add(1, Ordering::Relaxed);
                let view = derive_shared(&report, &[]);
                prop_assert_eq!(view.checks.len(), report.checks.len());
                let _ = copy_text(&report);
                let shared = decode_shared(&link("https://x.example/", &report));
                prop_assert!(shared.is_ok(), "{:?}", shared.err());
            }
            let _ = decode_shared(&value.to_string());
            Ok(())
        });
        if let Err(failure) = run {
            panic!("{failure}");
        }
        let parsed = parsed.into_inner();
        assert!(
            parsed >= MIN_PARSED,
            "only {parsed} of {CASES} cases parsed and reached the assertions"
        );
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
                let view = derive_shared(&report, &[]);
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
                        let _ = derive_shared(&report, &[]);
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
            assert!(!derive_shared(&report, &[]).altered());
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
            let entry = check.as_object_mut().unwrap();
            entry.remove("title");
            entry.remove("summary");
            if let Some(data) = check["data"].as_object_mut() {
                data.remove("follow_ups_per_session");
                data.remove("sessions_per_mode");
            }
        }
        let listed: Vec<Value> = original["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| json!({"id": f["id"]}))
            .collect();
        original["findings"] = Value::Array(listed);
        assert_eq!(written, original);
    }
}

/// Data that does not read as its check's type is kept, shown as
/// unreadable, and shared on unchanged: never dropped.

#[test]
fn unreadable_data_is_shown_as_such_and_kept() {
    let mut r = sample(vec![failing_websocket()]);
    r.checks[0].data = CheckData::from_json(CheckId::Websocket, json!({"targets": 5}));
    let view = derive_shared(&r, &[]);
    assert_eq!(view.checks.len(), 1);
    assert!(view.checks[0].unreadable().is_some());
    let shared = decode_shared(&link("https://x.example/", &r)).unwrap();
    assert_eq!(shared.report, r);
    assert_eq!(
        serde_json::to_value(&shared.report).unwrap()["checks"][0]["data"],
        json!({"targets": 5})
    );
}
