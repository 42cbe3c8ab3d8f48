//! The Gateway API overlays: the page on a route of its own without
//! session persistence, the app's Socket.IO route without a request
//! timeout and with affinity from each implementation's own means, and
//! stream idle timeouts above Socket.IO's ping interval plus timeout.
//! (kubernetes-validate has no schemas for these custom resources; the
//! fields used here are those of Gateway API v1.6, Envoy Gateway's
//! v1alpha1 policies and Istio's networking v1.)

mod deploy_support;

use anyhow::Result;
use deploy_support::manifests::{build, configured_cookie, object, seconds, text};
use serde_yaml::Value;

/// Socket.IO's defaults: a ping every 25 s, answered within 20 s.
const PING_INTERVAL_PLUS_TIMEOUT: u64 = 25 + 20;

fn rule(route: &Value) -> &Value {
    let rules = route["spec"]["rules"].as_sequence().expect("rules");
    assert_eq!(rules.len(), 1, "{route:?}");
    &rules[0]
}

/// What every implementation shares.
fn check_common(docs: &[Value], class: &str) {
    let gateway = object(docs, "Gateway", "chat");
    assert_eq!(gateway["spec"]["gatewayClassName"], class);
    let listeners = gateway["spec"]["listeners"]
        .as_sequence()
        .expect("listeners");
    let protocols: Vec<&str> = listeners.iter().map(|l| text(l, &["protocol"])).collect();
    assert_eq!(protocols, ["HTTP", "HTTPS"]);

    // Plain HTTP only redirects.
    let redirect = object(docs, "HTTPRoute", "https-redirect");
    assert_eq!(redirect["spec"]["parentRefs"][0]["sectionName"], "http");
    let filter = &rule(redirect)["filters"][0];
    assert_eq!(filter["type"], "RequestRedirect");
    assert_eq!(filter["requestRedirect"]["scheme"], "https");
    assert!(rule(redirect).get("backendRefs").is_none());

    // The page: its own route, over HTTPS, no session persistence.
    let page = object(docs, "HTTPRoute", "conncheck");
    assert_eq!(page["spec"]["parentRefs"][0]["sectionName"], "https");
    let page_rule = rule(page);
    assert_eq!(page_rule["matches"][0]["path"]["type"], "PathPrefix");
    assert_eq!(page_rule["matches"][0]["path"]["value"], "/conncheck");
    assert_eq!(page_rule["backendRefs"][0]["name"], "conncheck");
    assert_eq!(page_rule["backendRefs"][0]["port"], 80);
    assert!(page_rule.get("sessionPersistence").is_none(), "{page:?}");
    let service = object(docs, "Service", "conncheck");
    assert_eq!(service["spec"]["ports"][0]["port"], 80);

    // The app: no request timeout (a long-poll lasts up to pingInterval,
    // a WebSocket the whole session).
    let app = object(docs, "HTTPRoute", "app-socketio");
    assert_eq!(app["spec"]["parentRefs"][0]["sectionName"], "https");
    assert_eq!(rule(app)["matches"][0]["path"]["value"], "/socket.io");
    assert_eq!(seconds(text(rule(app), &["timeouts", "request"])), 0);
}

#[test]
fn envoy_gateway_keeps_sessions_on_their_pod_and_streams_open() -> Result<()> {
    let docs = build("gateway-api/envoy-gateway")?;
    check_common(&docs, "eg");
    let app = rule(object(&docs, "HTTPRoute", "app-socketio"));
    let persistence = &app["sessionPersistence"];
    assert_eq!(persistence["type"], "Cookie");
    assert_eq!(
        text(persistence, &["sessionName"]),
        configured_cookie(&docs)?
    );
    assert_eq!(persistence["cookieConfig"]["lifetimeType"], "Session");

    let policy = object(&docs, "ClientTrafficPolicy", "chat-socketio-timeouts");
    assert_eq!(policy["apiVersion"], "gateway.envoyproxy.io/v1alpha1");
    let target = &policy["spec"]["targetRefs"][0];
    assert_eq!(
        (target["kind"].as_str(), target["name"].as_str()),
        (Some("Gateway"), Some("chat"))
    );
    let http = &policy["spec"]["timeout"]["http"];
    let stream_idle = seconds(text(http, &["streamIdleTimeout"]));
    assert!(
        stream_idle > 2 * PING_INTERVAL_PLUS_TIMEOUT,
        "{stream_idle}"
    );
    assert!(seconds(text(http, &["idleTimeout"])) >= stream_idle);
    Ok(())
}

#[test]
fn istio_keeps_sessions_on_their_pod_with_a_destination_rule() -> Result<()> {
    let docs = build("gateway-api/istio")?;
    check_common(&docs, "istio");
    let app = rule(object(&docs, "HTTPRoute", "app-socketio"));
    assert!(
        app.get("sessionPersistence").is_none(),
        "Istio takes it from the DestinationRule"
    );
    let rule = object(&docs, "DestinationRule", "app-socketio-affinity");
    assert_eq!(rule["spec"]["host"], app["backendRefs"][0]["name"]);
    let cookie = &rule["spec"]["trafficPolicy"]["loadBalancer"]["consistentHash"]["httpCookie"];
    assert_eq!(text(cookie, &["name"]), configured_cookie(&docs)?);
    assert_eq!(cookie["path"], "/");
    assert_eq!(seconds(text(cookie, &["ttl"])), 0, "a session cookie");
    let rules = docs
        .iter()
        .filter(|d| d["kind"] == "DestinationRule")
        .count();
    assert_eq!(rules, 1, "none for conncheck's Service");
    Ok(())
}
