//! Browser tests of the page crate in headless Chromium: the driver's
//! adapters (WebSocket, fetch, timers, hard cap) and the components.

use conncheck::driver;
use conncheck_core::catalog::CheckId;
use conncheck_core::check::{Check, Event, FetchRequest, Millis, Outcome, Status};
use conncheck_core::checks::websocket::WebSocketCheck;
use conncheck_core::checks::{any, CheckData};
use conncheck_core::config::{resolve, FileLoad};
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn page_url() -> conncheck_core::weburl::Url {
    conncheck_core::weburl::Url::parse(&conncheck::browser::location_href()).unwrap()
}

/// Fetches the test page and a closed loopback port, and sets two timers of
/// which one is cancelled; reports every event it saw.
struct Probe {
    seen: Vec<serde_json::Value>,
}

/// The probe and the silent check report as any check does.
type Action = conncheck_core::check::Action<CheckData>;

impl Check for Probe {
    type Data = CheckData;

    fn id(&self) -> CheckId {
        CheckId::Websocket
    }

    fn start(&mut self, _now: Millis) -> Vec<Action> {
        vec![
            Action::Fetch {
                id: 0,
                request: FetchRequest::get(page_url().to_string()),
            },
            Action::Fetch {
                id: 1,
                request: FetchRequest::get("http://127.0.0.1:9/"),
            },
            Action::SetTimer {
                id: 1,
                after_ms: 10,
            },
            Action::CancelTimer { id: 1 },
            Action::SetTimer {
                id: 0,
                after_ms: 30,
            },
        ]
    }

    fn handle(&mut self, event: Event, _now: Millis) -> Vec<Action> {
        self.seen.push(match event {
            Event::HttpResponse { id, status, body, headers } => {
                json!({"fetch": id, "status": status, "has_body": !body.is_empty(), "has_headers": !headers.is_empty()})
            }
            Event::HttpFailed { id, message } => json!({"fetch": id, "failed": message}),
            Event::Timeout { id } => json!({"timer": id}),
            other => json!({"other": format!("{other:?}")}),
        });
        if self.seen.len() < 3 {
            return Vec::new();
        }
        vec![Action::Finish(Outcome {
            status: Status::Pass,
            summary: String::new(),
            // No check's data type: kept as it is, as unreadable data.
            data: CheckData::from_json(CheckId::Websocket, json!(self.seen)),
        })]
    }
}

#[wasm_bindgen_test]
async fn driver_carries_out_fetches_and_timers() {
    let result = driver::run(any(Probe { seen: Vec::new() })).await;
    // Read as kept, not written: the page's module writes no such data.
    let CheckData::Unreadable { json: seen, .. } = &result.data else {
        panic!("the probe's data is kept as unreadable data: {result:?}");
    };
    let seen = seen.as_array().unwrap().clone();
    let find = |key: &str, id: u32| seen.iter().find(|e| e[key] == id).cloned();
    let page = find("fetch", 0).expect("the page fetch answered");
    assert_eq!(page["status"], 200);
    assert_eq!(page["has_body"], true);
    let refused = find("fetch", 1).expect("the refused fetch reported");
    assert!(
        refused["failed"].as_str().unwrap().contains("TypeError"),
        "{refused}"
    );
    assert!(find("timer", 0).is_some());
    assert!(
        find("timer", 1).is_none(),
        "a cancelled timer must not fire: {seen:?}"
    );
}

#[wasm_bindgen_test]
async fn websocket_check_fails_where_nothing_upgrades() {
    // The test runner's HTTP server answers /socket.io/ but never upgrades.
    // Port 9 on loopback refuses; the operator file may point anywhere.
    let file = FileLoad::Loaded(r#"{"ws": "ws://127.0.0.1:9/"}"#.into());
    let config = resolve(&page_url(), &file, "");
    assert!(config.errors.is_empty(), "{:?}", config.errors);
    let result = driver::run(any(WebSocketCheck::new(&config))).await;
    assert_eq!(result.status, Status::Fail, "{result:?}");
    let data = serde_json::to_value(&result.data).unwrap();
    let targets = data["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 2);
    for t in targets {
        assert_eq!(t["result"], "closed-before-open", "{t}");
        assert_eq!(t["close"]["code"], 1006);
        assert_eq!(t["close"]["clean"], false);
    }
}

struct Silent;

impl Check for Silent {
    type Data = CheckData;

    fn id(&self) -> CheckId {
        CheckId::Websocket
    }
    fn start(&mut self, _now: Millis) -> Vec<Action> {
        Vec::new()
    }
    fn handle(&mut self, _event: Event, _now: Millis) -> Vec<Action> {
        Vec::new()
    }
}

#[wasm_bindgen_test]
async fn a_check_that_never_finishes_is_stopped_by_the_hard_cap() {
    let result = driver::run_capped(any(Silent), 20).await;
    assert_eq!(result.status, Status::Fail);
    assert_eq!(
        serde_json::to_value(&result.data).unwrap()["error"],
        "overran"
    );
}

#[wasm_bindgen_test]
fn browser_facts_are_read() {
    assert!(
        conncheck::browser::is_secure_context(),
        "the runner serves on 127.0.0.1"
    );
    let env = conncheck::browser::environment();
    assert!(env.user_agent.contains("Chrome"), "{}", env.user_agent);
    assert!(!env.languages.is_empty());
}

#[path = "browser/components.rs"]
mod components;

#[wasm_bindgen_test]
async fn affinity_cookies_are_read_by_name_and_never_by_value() {
    use conncheck_core::checks::affinity_cookie::AffinityCookieCheck;
    use conncheck_core::checks::BrowserFacts;
    use wasm_bindgen::JsCast;
    let document: web_sys::HtmlDocument = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .dyn_into()
        .unwrap();
    document
        .set_cookie("_1a2b3=traefik-secret-value; path=/")
        .unwrap();
    document
        .set_cookie("SERVERID=haproxy-secret-value; path=/")
        .unwrap();
    let config = resolve(&page_url(), &FileLoad::NotFound, "");
    let facts = BrowserFacts {
        page_url: page_url(),
        secure_context: true,
    };
    let result = driver::run(any(AffinityCookieCheck::new(&config, &facts))).await;
    let data = serde_json::to_value(&result.data).unwrap();
    let names: Vec<&str> = data["found"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert!(
        names.contains(&"_1a2b3") && names.contains(&"SERVERID"),
        "{:#}",
        data
    );
    let json = serde_json::to_string(&result).unwrap();
    assert!(
        !json.contains("secret-value"),
        "cookie values must never be read into a report: {json}"
    );
    assert_eq!(data["read"], true);
}

/// The browser's shortest digits, laid out by the core, are the floats
/// serde_json writes (zmij's), for awkward values and many others.
#[wasm_bindgen_test]
fn floats_from_the_browsers_digits_are_serde_jsons() {
    conncheck_core::json::set_shortest_digits(conncheck::browser::shortest_digits);
    let mut bits: u64 = 0x9e37_79b9_7f4a_7c15;
    let awkward = [
        0.0,
        -0.0,
        1.0,
        0.1,
        1.45,
        0.9375,
        29.97,
        1e15,
        1e16,
        1e-5,
        1e-6,
        1e21,
        5e-324,
        f64::MAX,
    ];
    let mut values = awkward.to_vec();
    for _ in 0..5000 {
        bits ^= bits << 13;
        bits ^= bits >> 7;
        bits ^= bits << 17;
        values.push(f64::from_bits(bits));
        values.push((bits % 100_000) as f64 / 1000.0);
    }
    for x in values.into_iter().filter(|x| x.is_finite()) {
        let ours = conncheck_core::json::to_pretty(&x).unwrap();
        assert_eq!(ours, zmij::Buffer::new().format_finite(x), "{x:e}");
    }
}
