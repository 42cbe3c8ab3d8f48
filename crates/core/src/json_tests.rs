//! The page's JSON reader, compared with serde_json (the reference): what
//! one reads the other reads alike, what one refuses the other refuses.

use proptest::prelude::*;

use super::{parse, Map, Value};

/// Whether our value is serde_json's, member by member; numbers by whole
/// value where they have one, and by their value as a float (within a few
/// units in the last place: serde_json's default float reading rounds less
/// exactly than Rust's).
fn same(ours: &Value, theirs: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (ours, theirs) {
        (Value::Null, J::Null) => true,
        (Value::Bool(a), J::Bool(b)) => a == b,
        (Value::Number(a), J::Number(b)) => {
            let (x, y) = (a.0.parse::<f64>().unwrap(), b.as_f64().unwrap());
            // serde_json's default float parsing may be a few units in the
            // last place off; below f64::MIN_POSITIVE (subnormals) a unit in
            // the last place is absolute, the smallest subnormal.
            let ulps = 4.0 * f64::EPSILON * x.abs().max(y.abs()) + 4.0 * f64::from_bits(1);
            a.as_u64() == b.as_u64() && (x - y).abs() <= ulps
        }
        (Value::String(a), J::String(b)) => a == b,
        (Value::Array(a), J::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(a), J::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && same(v1, v2))
        }
        _ => false,
    }
}

fn agrees(text: &str) {
    let ours = parse(text);
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert!(same(a, b), "{text:?}: {a:?} vs {b:?}"),
        (Err(_), Err(_)) => {}
        _ => panic!("{text:?}: ours {ours:?}, theirs {theirs:?}"),
    }
}

#[test]
fn reads_what_serde_json_reads() {
    for text in [
        "null",
        " true ",
        "false",
        "0",
        "-0",
        "12",
        "18446744073709551615",
        "18446744073709551616",
        "-7",
        "1.5",
        "1e3",
        "1E+3",
        "2.5e-3",
        "2062405153.969e-318",
        "1e308",
        "1.7976931348623157e308",
        "1e309",
        "-1e309",
        "0e999999",
        "1e-999",
        "17976931348623157e292",
        "0.000017976931348623157e314",
        "1.8e308",
        "17976931348623159e292",
        "\"\"",
        "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"",
        "\"\\u00e9\\u20ac\\ud83d\\ude00\"",
        "\"é€😀\"",
        "[]",
        "[1, [2, [3]], {}]",
        "{\"b\": 1, \"a\": 2, \"b\": 3}",
        "{\"sid\":\"x\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000}",
    ] {
        agrees(text);
    }
}

#[test]
fn refuses_what_serde_json_refuses() {
    for text in [
        "",
        "   ",
        "nul",
        "nulx",
        "tru",
        "01",
        "-",
        "1.",
        ".5",
        "1e",
        "1e+",
        "+1",
        "NaN",
        "[1,]",
        "[1 2]",
        "[",
        "{",
        "{\"a\"}",
        "{\"a\":}",
        "{\"a\":1,}",
        "{1:2}",
        "{\"a\" 1}",
        "\"abc",
        "\"a\nb\"",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\u12g4\"",
        "\"\\ud83d\"",
        "\"\\ud83dx\"",
        "\"\\ud83d\\u0041\"",
        "\"\\ude00\"",
        "1 2",
        "{} x",
        "[1]]",
    ] {
        agrees(text);
    }
}

#[test]
fn nests_as_deep_as_serde_json_and_no_deeper() {
    for depth in [126, 127, 128, 129, 500] {
        agrees(&format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
        agrees(&format!(
            "{}1{}",
            "{\"a\":".repeat(depth),
            "}".repeat(depth)
        ));
    }
}

#[test]
fn errors_say_where() {
    let error = parse("{\n  \"a\": tru }").unwrap_err();
    assert_eq!(error.to_string(), "expected ident at line 2 column 11");
    assert_eq!(
        parse("[1, 2").unwrap_err().to_string(),
        "EOF while parsing a list at line 1 column 5"
    );
}

#[test]
fn whole_numbers_only_as_whole_numbers() {
    let n = |t: &str| parse(t).unwrap().as_u64();
    assert_eq!(n("25000"), Some(25000));
    assert_eq!(n("0"), Some(0));
    assert_eq!(n("18446744073709551615"), Some(u64::MAX));
    for t in ["-1", "-0", "1.0", "1e2", "18446744073709551616"] {
        assert_eq!(n(t), None, "{t}");
    }
}

#[test]
fn the_last_of_duplicate_keys_wins_and_keys_come_in_order() {
    let value = parse(r#"{"b": 1, "a": 2, "b": 3}"#).unwrap();
    assert_eq!(value.get("b").and_then(Value::as_u64), Some(3));
    let Value::Object(map) = &value else {
        panic!("an object")
    };
    let keys: Vec<&str> = map.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["a", "b"]);
}

#[test]
fn many_members_in_any_order_read_as_serde_json_reads_them() {
    // Keys in descending order, each written twice: 50,000 members, the
    // shape that made one shifting insert per member quadratic.
    let mut text = String::from("{");
    for i in (0..25_000).rev() {
        text += &format!(r#""{i:06}":{i},"{i:06}":{},"#, i + 1);
    }
    text += r#""end":0}"#;
    let value = parse(&text).unwrap();
    assert_eq!(value.get("000007").and_then(Value::as_u64), Some(8));
    agrees(&text);
}

#[test]
fn writes_compact_json_as_serde_json_does() {
    let value = Value::Array(vec![
        Value::from("probe"),
        Value::object([
            ("room", Value::from("r\"1\\\n\u{1}\u{7f}é")),
            ("nonce", Value::from(42)),
            ("list", Value::Array(vec![Value::Null, Value::Bool(true)])),
            ("empty", Value::Object(Map::default())),
        ]),
    ]);
    let theirs = serde_json::json!([
        "probe",
        {"room": "r\"1\\\n\u{1}\u{7f}é", "nonce": 42, "list": [null, true], "empty": {}}
    ]);
    assert_eq!(value.to_string(), theirs.to_string());
}

/// JSON-like text: valid documents, and documents with a few bytes
/// changed, dropped or added.
fn json_like() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        (any::<i32>(), 0u32..1000, -400i32..400).prop_map(|(i, f, e)| format!("{i}.{f}e{e}")),
        "\\PC{0,8}".prop_map(|s| serde_json::Value::String(s).to_string()),
        "[a-z\\\\\"u0-9]{0,8}".prop_map(|s| format!("\"{s}\"")),
    ];
    let value = leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(" , "))),
            prop::collection::vec(("[a-c]{1,2}", inner), 0..5).prop_map(|v| {
                let members: Vec<String> = v.iter().map(|(k, x)| format!("\"{k}\":{x}")).collect();
                format!("{{ {} }}", members.join(","))
            }),
        ]
    });
    (
        value,
        prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<char>()), 0..3),
    )
        .prop_map(|(mut text, edits)| {
            for (at, kind, c) in edits {
                if text.is_empty() {
                    break;
                }
                let mut i = at.index(text.len());
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                match kind {
                    0 => text.insert(i, c),
                    1 => {
                        text.remove(i);
                    }
                    2 => text.insert(i, [',', ']', '}', '"', ':', '\\'][c as usize % 6]),
                    _ => text.truncate(i),
                }
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    #[test]
    fn agrees_with_serde_json(text in json_like()) {
        agrees(&text);
    }

    #[test]
    fn never_panics_on_any_text(text in "\\PC{0,200}") {
        let _ = parse(&text);
    }
}

#[test]
fn error_texts_are_serde_json_s() {
    for text in [
        "",
        "[",
        "[1,",
        "{",
        "{\"a\"",
        "01",
        "1.",
        "\"ab",
        "[1 2]",
        "{1:2}",
        "{\"a\" 1}",
        "\"\\x\"",
        "1 2",
        "[1,]",
    ] {
        let ours = parse(text).unwrap_err().to_string();
        let theirs = serde_json::from_str::<serde_json::Value>(text)
            .unwrap_err()
            .to_string();
        assert_eq!(ours, theirs, "{text:?}");
    }
}
