//! What a page may read of an answer, as tables: the CORS gate and the
//! headers a same- or cross-origin page sees.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::*;

const PAGE: &str = "http://127.0.0.1:8080";

/// An answer's headers, the request's credentials, whether a page gets it.
type Row = (&'static [(&'static str, &'static str)], Credentials, bool);

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (k, v) in pairs {
        map.append(
            HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    map
}

#[test]
fn the_cors_gate_as_a_browser_keeps_it() {
    use Credentials::{Include, Omit};
    let table: [Row; 8] = [
        (&[], Omit, false),
        (&[("access-control-allow-origin", "*")], Omit, true),
        // A wildcard never admits a request with credentials.
        (
            &[
                ("access-control-allow-origin", "*"),
                ("access-control-allow-credentials", "true"),
            ],
            Include,
            false,
        ),
        (&[("access-control-allow-origin", PAGE)], Omit, true),
        (&[("access-control-allow-origin", PAGE)], Include, false),
        (
            &[
                ("access-control-allow-origin", PAGE),
                ("access-control-allow-credentials", "true"),
            ],
            Include,
            true,
        ),
        (
            &[
                ("access-control-allow-origin", "http://127.0.0.1:9999"),
                ("access-control-allow-credentials", "true"),
            ],
            Include,
            false,
        ),
        (
            &[("access-control-allow-origin", "http://127.0.0.1:8080/")],
            Omit,
            false,
        ),
    ];
    for (pairs, credentials, allowed) in table {
        assert_eq!(
            cors_allows(&headers(pairs), PAGE, credentials).is_ok(),
            allowed,
            "{pairs:?} {credentials:?}"
        );
    }
}

#[test]
fn what_a_page_reads_of_the_headers() {
    let answer = headers(&[
        ("content-type", "text/plain"),
        ("server", "nginx/1.22.1 (internal-lb-7.corp)"),
        ("via", "1.1 google"),
        ("set-cookie", "INGRESSCOOKIE=secret; HttpOnly"),
        ("retry-after", "5"),
        ("access-control-expose-headers", "Retry-After"),
    ]);
    let same = readable_headers(&answer, false);
    let names: Vec<&str> = same.iter().map(|(k, _)| k.as_str()).collect();
    assert!(!names.contains(&"set-cookie"), "{same:?}");
    assert!(
        same.contains(&("server".into(), "nginx/1.22.1".into())),
        "{same:?}"
    );
    assert!(
        same.contains(&("via".into(), "1.1 google".into())),
        "{same:?}"
    );
    let cross = readable_headers(&answer, true);
    let names: Vec<&str> = cross.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["content-type", "retry-after"], "{cross:?}");
}

#[test]
fn headers_are_bounded() {
    let long = "x".repeat(5000);
    let many: Vec<(String, String)> = (0..100)
        .map(|i| (format!("x-h{i}"), long.clone()))
        .collect();
    let pairs: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let read = readable_headers(&headers(&pairs), false);
    assert_eq!(read.len(), 64);
    assert!(read.iter().all(|(_, v)| v.chars().count() == 1024));
}
