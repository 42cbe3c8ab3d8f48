//! The writer against serde_json's `to_string_pretty`, the reference: the
//! same bytes for every shape serde derives and for real reports.

use proptest::prelude::*;
use serde::Serialize;

use super::{to_pretty, to_text};

fn same_as_serde_json<T: Serialize + ?Sized + std::fmt::Debug>(value: &T) {
    assert_eq!(
        to_pretty(value).unwrap(),
        serde_json::to_string_pretty(value).unwrap(),
        "{value:?}"
    );
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Kind {
    Plain,
    Newtype(u8),
    Tuple(u8, String),
    Struct { a: u8, b: Vec<u8> },
}

#[derive(Debug, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
enum Tagged {
    Empty,
    Fields { n: u64, list: Vec<String> },
    Inner(Inner),
}

#[derive(Debug, Serialize)]
struct Inner {
    x: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    y: Option<bool>,
}

#[derive(Debug, Serialize)]
struct Outer {
    name: &'static str,
    #[serde(flatten)]
    inner: Inner,
    #[serde(flatten)]
    tagged: Tagged,
    empty_list: Vec<u8>,
    empty_object: Empty,
    nested: Vec<Vec<Kind>>,
    unit: (),
    tuple: (i8, i64, u16),
    chars: [char; 2],
}

#[derive(Debug, Serialize)]
struct Empty {}

#[test]
fn every_shape_serde_derives() {
    same_as_serde_json(&Outer {
        name: "a \"quoted\"\n\t\\ é 😀 \u{1}\u{1f}\u{7f}",
        inner: Inner {
            x: Some(0.1),
            y: None,
        },
        tagged: Tagged::Fields {
            n: u64::MAX,
            list: vec![String::new(), "x".into()],
        },
        empty_list: vec![],
        empty_object: Empty {},
        nested: vec![
            vec![],
            vec![
                Kind::Plain,
                Kind::Newtype(7),
                Kind::Tuple(1, "t".into()),
                Kind::Struct { a: 2, b: vec![] },
                Kind::Struct { a: 3, b: vec![4] },
            ],
        ],
        unit: (),
        tuple: (-1, i64::MIN, 9),
        chars: ['"', 'é'],
    });
    for tagged in [
        Tagged::Empty,
        Tagged::Inner(Inner {
            x: None,
            y: Some(true),
        }),
    ] {
        same_as_serde_json(&tagged);
    }
    same_as_serde_json(&Vec::<Empty>::new());
    same_as_serde_json(&vec![Empty {}]);
    same_as_serde_json(&Some(Some(3u8)));
    same_as_serde_json(&b"bytes"[..]);
}

#[test]
fn floats_as_serde_json_writes_them() {
    for x in [
        0.0,
        -0.0,
        1.0,
        0.1,
        0.9375,
        1e21,
        1e-7,
        123456.789,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        same_as_serde_json(&x);
    }
}

#[test]
fn lab_reports_byte_for_byte() {
    for fixture in [
        include_str!("../fixtures/lab_report.json"),
        include_str!("../fixtures/lab_report_no_upgrade.json"),
    ] {
        let report = crate::share::decode(fixture).expect("a lab report");
        same_as_serde_json(&report);
    }
}

#[test]
fn ids_as_text() {
    use crate::catalog::FindingId;
    assert_eq!(
        to_text(&FindingId::StickySessionMissing).as_deref(),
        Some("sticky-session-missing")
    );
    assert_eq!(to_text("a\"b"), None);
    assert_eq!(to_text(&5u8), None);
}

proptest! {
    #[test]
    fn any_floats_and_strings(x in any::<f64>(), s in "\\PC{0,40}", c in any::<char>()) {
        same_as_serde_json(&(x, s, c));
    }
}
