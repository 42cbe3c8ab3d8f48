//! For tests that plant foreign text in a record (the core's
//! `view_marker_tests.rs`, the lab's `foreign_text.rs`): a failing variant
//! of a real record, with failure data in the fields that carry outside
//! values, and the paths to every string a record's checks' data and
//! configuration errors hold (found by walking its JSON, so that a field
//! added later is covered). Built only for tests (feature `test-fixtures`).

use serde_json::{json, Value};

use crate::checks::lifetime::{match_limit, PlatformHints};

/// `record` with failure data where outside values are kept: a refused
/// namespace, a cut connection behind proxies (its limit as the page
/// derives it), a visible affinity cookie, lost sessions, an insecure
/// page, a refused camera, ICE servers that failed; those checks fail.
pub fn failing_variant(record: &Value) -> Value {
    let mut failing = record.clone();
    let hints = PlatformHints {
        server: Some("nginx/1.25".into()),
        via: Some("1.1 google".into()),
    };
    let limit = match_limit(60_000, Some(25_000), &hints);
    let checks = failing["checks"].as_array_mut().into_iter().flatten();
    let mut changed = 0;
    for check in checks {
        let id = check["id"].as_str().unwrap_or_default().to_owned();
        let data = &mut check["data"];
        match id.as_str() {
            "socketio-handshake" => {
                data["namespace"] = json!({"ms": 5, "namespace": "/chat", "result": "refused", "message": "unauthorized"});
            }
            "connection-lifetime" => {
                data["held"] = json!(false);
                data["lifetime_ms"] = json!(60_000);
                data["ping_interval_ms"] = json!(25_000);
                data["hints"] = serde_json::to_value(&hints).unwrap_or_default();
                data["matched_limit"] = serde_json::to_value(&limit).unwrap_or_default();
                data["close"] = json!({"by": "server", "clean": false, "code": 1006});
            }
            "affinity-cookie" => {
                data["found"] = json!([{"platform": "Traefik", "name": "_a1b2c", "same_site": "lax", "secure": false}]);
                data["cross_origin"] = json!(true);
            }
            "sticky-session" => {
                data["affinity"] = json!("missing");
                data["cross_origin"] = json!(true);
                for mode in ["with_cookies", "without_cookies"] {
                    data[mode]["affected"] = json!(2);
                    data[mode]["session_unknown"] = json!(4);
                    data[mode]["first_failures"] = json!(["namespace-connect"]);
                }
            }
            "secure-context" => {
                *data =
                    json!({"loopback_host": false, "protocol": "http:", "secure_context": false});
            }
            "media" => {
                data["tested"] = json!(true);
                data["video"] = json!({"granted": false, "problem": "permission-denied",
                    "error": {"name": "NotAllowedError", "message": "Permission denied"}});
            }
            "webrtc" => {
                let failed = [
                    json!({"kind": "stun", "url": "stun:stun.example.com:3478", "candidates": [], "complete": true}),
                    json!({"kind": "turn", "url": "turn:turn.example.com:3478?transport=udp", "candidates": [],
                        "errors": [{"code": 401, "text": "Unauthorized"}], "complete": true}),
                    json!({"kind": "turns", "url": "turns:turn.example.com:5349", "candidates": [], "complete": true}),
                ];
                match data["gatherings"].as_array_mut() {
                    Some(gatherings) => gatherings.extend(failed),
                    None => data["gatherings"] = json!(failed),
                }
                data["livekit"] = json!({"url": "wss://lk.example.com/", "answered": false});
            }
            _ => continue,
        }
        // A skipped check's data leads to no finding.
        check["status"] = json!("fail");
        changed += 1;
    }
    // The page's automatic checks: a record without them is no record of
    // the page's (a renamed check id would leave its data unplanted).
    assert!(changed >= 6, "{changed} checks given failure data");
    failing
}

/// Paths to every string in a record's checks' data and its
/// configuration's errors.
pub fn string_fields(record: &Value) -> Vec<Vec<Value>> {
    let mut out = Vec::new();
    let checks = record["checks"].as_array().into_iter().flatten();
    for (i, check) in checks.enumerate() {
        let mut path = vec![json!("checks"), json!(i), json!("data")];
        string_paths(&check["data"], &mut path, &mut out);
    }
    let mut path = vec![json!("config"), json!("errors")];
    string_paths(&record["config"]["errors"], &mut path, &mut out);
    out
}

fn string_paths(value: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match value {
        Value::String(_) => out.push(path.clone()),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(json!(i));
                string_paths(v, path, out);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                path.push(json!(k));
                string_paths(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The value at a path of [`string_fields`].
pub fn field_mut<'a>(value: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(value, |v, key| match key {
        Value::String(k) => &mut v[k.as_str()],
        Value::Number(n) => &mut v[n.as_u64().unwrap_or(0) as usize],
        _ => v,
    })
}
