//! `weburl` against the `url` crate (a WHATWG parser): whatever we accept,
//! they accept and write the same way, part by part; what we refuse is
//! listed. Tables for the forms the page meets, then generated inputs.

use std::sync::atomic::{AtomicU32, Ordering};

use proptest::prelude::*;
use proptest::test_runner::TestRunner;

use super::{Host, Url};

/// Our answer agrees with the `url` crate's, or we refuse; whether there
/// was an answer of ours to compare.
fn agree(input: &str, ours: Option<Url>, theirs: Result<url::Url, url::ParseError>) -> bool {
    let Some(ours) = ours else { return false };
    let theirs = theirs.unwrap_or_else(|e| panic!("{input:?}: we read {ours:?}, url refuses: {e}"));
    same(input, &ours, &theirs);
    true
}

fn same(what: &str, ours: &Url, theirs: &url::Url) {
    assert_eq!(ours.as_str(), theirs.as_str(), "{what:?}");
    assert_eq!(ours.to_string(), theirs.to_string(), "{what:?}");
    assert_eq!(ours.scheme(), theirs.scheme(), "{what:?}");
    assert_eq!(
        Some(ours.host_str().as_str()),
        theirs.host_str(),
        "{what:?}"
    );
    assert_eq!(ours.port(), theirs.port(), "{what:?}");
    assert_eq!(
        Some(ours.port_or_known_default()),
        theirs.port_or_known_default(),
        "{what:?}"
    );
    assert_eq!(ours.path(), theirs.path(), "{what:?}");
    let segments: Vec<&str> = theirs.path_segments().unwrap().collect();
    assert_eq!(
        ours.path_segments().collect::<Vec<_>>(),
        segments,
        "{what:?}"
    );
    assert_eq!(ours.query(), theirs.query(), "{what:?}");
    let pairs: Vec<(String, String)> = theirs.query_pairs().into_owned().collect();
    assert_eq!(ours.query_pairs(), pairs, "{what:?}");
    assert_eq!(
        ours.origin(),
        theirs.origin().ascii_serialization(),
        "{what:?}"
    );
    let credentials =
        !theirs.username().is_empty() || theirs.password().is_some_and(|p| !p.is_empty());
    assert_eq!(ours.has_credentials(), credentials, "{what:?}");
    let host = match theirs.host().unwrap() {
        url::Host::Domain(d) => Host::Domain(d.to_owned()),
        url::Host::Ipv4(a) => Host::Ipv4(a),
        url::Host::Ipv6(a) => Host::Ipv6(a),
    };
    assert_eq!(*ours.host(), host, "{what:?}");
}

/// Every change the page makes to a URL, made to both.
fn same_after_changes(ours: &Url, theirs: &url::Url) {
    for scheme in ["http", "https", "ws", "wss"] {
        let (mut a, mut b) = (ours.clone(), theirs.clone());
        a.set_scheme(scheme).unwrap();
        b.set_scheme(scheme).unwrap();
        same(scheme, &a, &b);
    }
    let (mut a, mut b) = (ours.clone(), theirs.clone());
    a.clear_credentials();
    a.clear_fragment();
    b.set_username("").unwrap();
    b.set_password(None).unwrap();
    b.set_fragment(None);
    same("credentials and fragment cleared", &a, &b);
    let path = format!("{}/", a.path());
    a.set_path(&path);
    b.set_path(&path);
    same("path set", &a, &b);
    let joined = a.path_segments().collect::<Vec<_>>().join("/");
    a.set_path(&joined);
    b.set_path(&joined);
    same("segments joined", &a, &b);
    a.append_query_pair("EIO", "4");
    a.append_query_pair("sid", "a b&c=d/é");
    b.query_pairs_mut()
        .append_pair("EIO", "4")
        .append_pair("sid", "a b&c=d/é");
    same("pairs appended", &a, &b);
    let pairs = vec![
        ("k y".to_owned(), "REDACTED".to_owned()),
        ("EIO".into(), "4".into()),
    ];
    a.set_query_pairs(&pairs);
    b.query_pairs_mut().clear().extend_pairs(pairs.iter());
    same("pairs replaced", &a, &b);
    a.set_query_pairs(&[]);
    b.query_pairs_mut().clear();
    same("pairs cleared", &a, &b);
}

const ACCEPTED: &[&str] = &[
    "http://127.0.0.1:8080/",
    "https://Chat.Example.COM/socket.io/?EIO=4#top",
    "ws://[::1]:9000/a/../b",
    "wss://[0:0:0:0:0:0:0:1]/",
    "http://[1:0:0:2:0:0:0:3]/",
    "http://[::ffff:1.2.3.4]/",
    "http://[2001:DB8::]:443/",
    "http://h:80/",
    "https://h:443",
    "https://h:0443/x",
    "http://h:/x",
    "http://user:pa%20ss@h/",
    "http://a@b@h/",
    "http://xn--bcher-kva.example/",
    " http://h/\t",
    "ht\ntp://h/p\ra\tth",
    "HTTP://H/%2e/a/%2E%2e/b",
    "http://h/a/./b/.",
    "http://h/a/b/..",
    "http://h/a b?c d'e#f g`",
    "http://h/ü?ü#ü",
    "http:\\\\h\\a\\b",
    "http:h/a",
    "http:/h",
    "http:///h",
    "http://h/?",
    "http://h/#",
    "http://h?x=1&y=%zz+w",
    "http://1.2.3.4/",
    "http://0.0.0.0:65535/",
    "http://a..b./",
    "https://lk.example",
];

const REFUSED: &[&str] = &[
    "http://0x7f.1/",
    "http://010.0.0.1/",
    "http://127.1/",
    "http://1.2.3.4./",
    "http://bücher.example/",
    "http://ex%41mple.com/",
    "ftp://h/",
    "file:///etc/passwd",
    "mailto:a@b",
    "localhost:8080",
    "blob:https://h/x",
    "/relative",
    "http://h:65536/",
    "http://h:8o/",
    "http://[::1/",
    "http://[::1]x/",
    "http://u@/",
    "http:",
    "",
];

#[test]
fn the_forms_the_page_meets_read_as_the_url_crate_reads_them() {
    for input in ACCEPTED {
        let ours = Url::parse(input).unwrap_or_else(|_| panic!("{input:?} refused"));
        same(input, &ours, &url::Url::parse(input).unwrap());
        same_after_changes(&ours, &url::Url::parse(input).unwrap());
    }
}

#[test]
fn what_we_refuse() {
    for input in REFUSED {
        assert!(Url::parse(input).is_err(), "{input:?} accepted");
    }
}

#[test]
fn references_resolve_as_the_url_crate_resolves_them() {
    let bases = [
        "http://127.0.0.1:8080/app/page?q=1#f",
        "https://lk.example",
        "wss://[::1]/a/b/",
    ];
    let references = [
        "/socket.io/",
        "//other.example/x",
        "/\\other.example/",
        "\\\\other",
        "rtc",
        "../rtc",
        "../../../x",
        "?x=1",
        "#y",
        "",
        "http:foo",
        "http://x/",
        "https:foo",
        "ws:?q",
        "./",
        ".",
        "..",
        "/a/./b/../c",
        "a/%2E%2E/b",
        "//u:p@h:81",
        "///h/x",
        "//[::1]:80/",
    ];
    for base in bases {
        let (ours, theirs) = (Url::parse(base).unwrap(), url::Url::parse(base).unwrap());
        for reference in references {
            let what = format!("{base} + {reference}");
            match (ours.join(reference), theirs.join(reference)) {
                (Ok(joined), Ok(expected)) => same(&what, &joined, &expected),
                (Err(_), Err(_)) => {}
                (ours, theirs) => panic!("{what}: we read {ours:?}, url {theirs:?}"),
            }
        }
    }
}

/// Pieces that make parsers disagree: schemes, slashes both ways, dot
/// segments, percent signs, brackets, numbers at the edges of IPv4, ports,
/// controls and non-ASCII.
const PIECES: &[&str] = &[
    "http:", "https:", "WS:", "wss:", "ftp:", "//", "/", "\\", "a", "B", "xn--", "1", "0", "255",
    "256", "0x", ".", "..", "%2e", "%2E", "%41", "%", ":", "@", "[", "]", "::1", "[::]",
    "[1:2::3]", "?", "#", "&", "=", "+", " ", "\t", "\n", "\u{0}", "\u{7f}", "ü", "-", "_", "~",
    "'", "\"", "<", "`", "{", "^", "|", "80", "443", "65536",
];

fn url_like() -> impl Strategy<Value = String> {
    let start = prop::sample::select(vec![
        "http://", "https://", "ws://", "wss://", "", "http:", "/",
    ]);
    (
        start,
        prop::collection::vec(prop::sample::select(PIECES), 0..14),
    )
        .prop_map(|(start, pieces)| format!("{start}{}", pieces.concat()))
}

/// Punycode is passed on as written: an invalid `xn--` label, which the
/// `url` crate refuses, is refused by the browser when it is used.
fn invalid_punycode(input: &str, theirs: &Result<url::Url, url::ParseError>) -> bool {
    input.to_ascii_lowercase().contains("xn--") && theirs.is_err()
}

const CASES: u32 = 4000;
/// Of [`CASES`], the fewest that must be read and compared: measured about
/// 425 generated URLs and 1,500 references (each more than six standard
/// deviations above these).
const MIN_URLS: u32 = 300;
const MIN_REFERENCES: u32 = 1_200;

/// Runs [`CASES`] generated inputs through `compare`, which tells whether
/// it compared an answer of ours (refusing is allowed, and compares
/// nothing); fails when fewer than `min_compared` were compared, as a
/// parser that refused everything would pass otherwise.
fn generated(min_compared: u32, compare: impl Fn(&str) -> bool) {
    let compared = AtomicU32::new(0);
    let mut runner = TestRunner::new(ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let run = runner.run(&url_like(), |input| {
        if compare(&input) {
            compared.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    if let Err(failure) = run {
        panic!("{failure}");
    }
    let compared = compared.into_inner();
    assert!(
        compared >= min_compared,
        "only {compared} of {CASES} generated inputs were read and compared"
    );
}

#[test]
fn generated_urls_read_alike_or_are_refused() {
    generated(MIN_URLS, |input| {
        let (ours, theirs) = (Url::parse(input).ok(), url::Url::parse(input));
        if invalid_punycode(input, &theirs) {
            return false;
        }
        if let (Some(ours), Ok(theirs)) = (&ours, &theirs) {
            same_after_changes(ours, theirs);
        }
        agree(input, ours, theirs)
    });
}

#[test]
fn generated_references_resolve_alike_or_are_refused() {
    generated(MIN_REFERENCES, |input| {
        let base = "https://page.example:8443/app/index.html?x=1#f";
        let theirs = url::Url::parse(base).unwrap().join(input);
        if invalid_punycode(input, &theirs) {
            return false;
        }
        agree(input, Url::parse(base).unwrap().join(input).ok(), theirs)
    });
}
