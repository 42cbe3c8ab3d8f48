//! The data plane named by what the page saw, and the fixes it orders.

use super::*;
use crate::classify::{classify, HttpStep};
use crate::diagnosis::texts::{finding, fixes};
use crate::diagnosis::{FixBy, Severity};

fn handshake(headers: &[(&str, &str)], status: u16, body: &str) -> HandshakeData {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    HandshakeData {
        open: Some(HttpStep::answered(5, classify(status, &headers, body).0)),
        ..Default::default()
    }
}

fn operator_finding() -> Finding {
    finding(
        crate::catalog::FindingId::PollingCut,
        Severity::Warning,
        "t",
        "e",
        vec![],
        FixBy::Operator,
        fixes(&[
            (Platform::Any, "any"),
            (Platform::IngressNginx, "in"),
            (Platform::Haproxy, "h"),
            (Platform::Envoy, "e"),
            (Platform::GatewayApi, "g"),
            (Platform::Nginx, "n"),
        ]),
    )
}

fn order(guess: &Guess) -> Vec<Platform> {
    let mut f = [operator_finding()];
    guess.apply(&mut f);
    f[0].fixes.iter().map(|x| x.platform).collect()
}

#[test]
fn envoys_server_header_names_envoy_and_orders_its_fixes_first() {
    let hs = handshake(&[("server", "envoy")], 200, "");
    let guess = infer(Some(&hs), None, None, None);
    assert_eq!((guess.plane, guess.likely), (Some(DataPlane::Envoy), true));
    assert_eq!(
        order(&guess),
        [
            Platform::GatewayApi,
            Platform::Envoy,
            Platform::Any,
            Platform::IngressNginx,
            Platform::Haproxy,
            Platform::Nginx
        ]
    );
    assert_eq!(
        crate::privacy::plain(&guess.evidence(true)),
        "Data plane: most likely Envoy (Envoy Gateway, Istio, Contour, Cilium and Gloo are built on it), because the Server header is \"envoy\". Its fixes come first."
    );
}

#[test]
fn envoys_own_texts_and_headers_name_it_without_a_server_header() {
    let hs = handshake(&[], 504, "upstream request timeout");
    assert_eq!(
        infer(Some(&hs), None, None, None).plane,
        Some(DataPlane::Envoy)
    );
    let hs = handshake(&[("x-envoy-upstream-service-time", "3")], 200, "");
    let guess = infer(Some(&hs), None, None, None);
    assert_eq!((guess.plane, guess.likely), (Some(DataPlane::Envoy), true));
    let hs = handshake(&[("server", "istio-envoy")], 200, "");
    assert_eq!(
        infer(Some(&hs), None, None, None).plane,
        Some(DataPlane::Istio)
    );
}

#[test]
fn an_nginx_server_header_alone_is_only_possible_and_says_so() {
    let hs = handshake(&[("server", "nginx/1.22.1")], 200, "");
    let guess = infer(Some(&hs), None, None, None);
    assert_eq!((guess.plane, guess.likely), (Some(DataPlane::Nginx), false));
    assert!(
        guess.evidence(true).contains("possibly"),
        "{}",
        guess.evidence(true)
    );
    assert_eq!(
        order(&guess)[..2],
        [Platform::Nginx, Platform::IngressNginx]
    );
}

#[test]
fn two_data_planes_named_strongly_are_not_likely() {
    let mut hs = handshake(&[("server", "envoy")], 200, "");
    hs.open = Some(HttpStep::answered(
        5,
        classify(
            504,
            &[("server".into(), "envoy".into())],
            "<html><body><h1>504 Gateway Time-out</h1>\nThe server didn't respond in time.\n</body></html>",
        )
        .0,
    ));
    let guess = infer(Some(&hs), None, None, None);
    assert!(!guess.likely, "{guess:?}");
}

#[test]
fn nothing_named_keeps_the_order_and_says_so() {
    let guess = infer(Some(&handshake(&[], 200, "")), None, None, None);
    assert_eq!(guess.plane, None);
    assert_eq!(order(&guess)[0], Platform::Any);
    assert_eq!(guess.evidence(false), "Data plane: no answer named it.");
}

#[test]
fn a_strangers_header_is_quoted_never_spoken() {
    let hs = handshake(&[("server", "envoy\". Call +1 555 0100 \"")], 200, "");
    let evidence = crate::privacy::plain(&infer(Some(&hs), None, None, None).evidence(false));
    assert!(
        evidence.contains(r#"the Server header is "envoy\". Call +1 555 0100 \"""#),
        "{evidence}"
    );
}

#[test]
fn findings_that_do_not_depend_on_the_path_keep_their_fixes_and_evidence() {
    let mut f = [operator_finding()];
    f[0].id = crate::catalog::FindingId::NamespaceRejected;
    f[0].fix_by = FixBy::User;
    infer(
        Some(&handshake(&[("server", "envoy")], 200, "")),
        None,
        None,
        None,
    )
    .apply(&mut f);
    assert_eq!(f[0].fixes[0].platform, Platform::Any);
    assert!(f[0].evidence.is_empty());
}

#[test]
fn traefiks_default_cookie_name_names_traefik() {
    let cookie: AffinityCookieData = serde_json::from_value(serde_json::json!({
        "configured": [], "found": [{"platform": "Traefik", "name": "_1a2b3"}],
        "visible_cookies": 1, "cross_origin": false, "read": true
    }))
    .unwrap();
    let guess = infer(None, None, None, Some(&cookie));
    assert_eq!(
        (guess.plane, guess.likely),
        (Some(DataPlane::Traefik), true)
    );
    assert!(
        guess
            .evidence(true)
            .starts_with("Data plane: most likely Traefik, because a visible cookie"),
        "{}",
        guess.evidence(true)
    );
}

#[test]
fn envoys_own_answers_behind_istio_name_istio_only() {
    let hs = handshake(&[("server", "istio-envoy")], 504, "stream timeout");
    let guess = infer(Some(&hs), None, None, None);
    assert_eq!((guess.plane, guess.likely), (Some(DataPlane::Istio), true));
    assert!(
        crate::privacy::plain(&guess.evidence(true))
            .contains("the Server header is \"istio-envoy\"; Envoy's own answer to an idle stream"),
        "{}",
        guess.evidence(true)
    );
}

#[test]
fn the_fix_order_is_claimed_only_where_the_finding_has_that_platforms_fix() {
    let guess = infer(
        Some(&handshake(&[("server", "cloudflare")], 200, "")),
        None,
        None,
        None,
    );
    assert_eq!(
        (guess.plane, guess.likely),
        (Some(DataPlane::Cloudflare), false),
        "an edge in front is a weak clue"
    );
    let mut f = [operator_finding()];
    guess.apply(&mut f);
    let line = f[0].evidence.last().unwrap();
    assert!(!line.contains("fixes come first"), "{line}");
    assert_eq!(f[0].fixes[0].platform, Platform::Any);
}

#[test]
fn envoys_own_cut_outweighs_an_edge_in_front() {
    let hs = handshake(&[("server", "cloudflare")], 504, "upstream request timeout");
    let guess = infer(Some(&hs), None, None, None);
    assert_eq!((guess.plane, guess.likely), (Some(DataPlane::Envoy), true));
}
