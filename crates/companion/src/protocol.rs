//! The companion's wire protocol as pure data: limits, request checking,
//! answer shapes and the rate limiter. Shared word for word with the Node
//! companion (companions/node/index.js); docs/companion.md describes it.

use serde::Serialize;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Bumped when an answer's shape changes; told in the `hello` answer.
pub const PROTOCOL_VERSION: u32 = 1;
/// The namespace registered when none is given.
pub const DEFAULT_NAMESPACE: &str = "/conncheck";
/// Prefix of probe rooms, so they never meet an application's room names.
pub const ROOM_PREFIX: &str = "conncheck-probe:";
/// Answered requests per connection per window: the page needs about five.
pub const RATE_MAX: u32 = 20;
pub const RATE_WINDOW: Duration = Duration::from_secs(10);
/// How long `hello` waits for the adapter's server count.
pub const COUNT_BOUND: Duration = Duration::from_secs(1);
/// A server count beyond this is no count.
pub const MAX_PODS: u16 = 1024;

/// Room names and nonces: 8 to 32 base64url characters, so nothing a client
/// sends is echoed with markup, separators or unbounded length.
pub fn is_token(s: &str) -> bool {
    (8..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// What an operator may pass as the namespace: `/` then up to 63 safe characters.
pub fn is_namespace(s: &str) -> bool {
    s.len() >= 2
        && s.len() <= 64
        && s.starts_with('/')
        && s[1..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'/')
}

/// The one argument of `listen`/`send`: an object whose `fields` are all tokens.
/// The error names the first thing wrong, as the Node companion does.
pub fn read_arg<const N: usize>(
    args: &[Value],
    fields: [&'static str; N],
) -> Result<[String; N], &'static str> {
    let [Value::Object(obj)] = args else {
        return Err("bad-request");
    };
    // A binary argument (a Buffer to the Node companion) arrives as a placeholder.
    if obj.get("_placeholder") == Some(&Value::Bool(true)) {
        return Err("bad-request");
    }
    let mut out = fields.map(|_| String::new());
    for (slot, field) in out.iter_mut().zip(fields) {
        match obj.get(field) {
            Some(Value::String(s)) if is_token(s) => *slot = s.clone(),
            _ => {
                return Err(match field {
                    "room" => "bad-room",
                    "nonce" => "bad-nonce",
                    _ => "bad-request",
                })
            }
        }
    }
    Ok(out)
}

/// The answer to `hello`. Field order is the wire order; `pods` only when
/// the adapter told its server count in time.
#[derive(Serialize)]
pub struct Hello<'a> {
    pub ok: bool,
    pub v: u32,
    pub pod: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pods: Option<u16>,
}

/// The answer to a successful `listen` or `send`.
#[derive(Serialize)]
pub struct Done {
    pub ok: bool,
}

/// The answer to a refused request.
#[derive(Serialize)]
pub struct Refused {
    pub ok: bool,
    pub error: &'static str,
}

/// The event a listener receives.
#[derive(Serialize)]
pub struct Probe<'a> {
    pub nonce: &'a str,
    pub from: &'a str,
}

/// A fixed window counter: deterministic, so both companions refuse exactly
/// the same request of a burst.
#[derive(Default)]
pub struct RateLimiter {
    start: Option<Instant>,
    count: u32,
}

impl RateLimiter {
    pub fn allow(&mut self, now: Instant) -> bool {
        match self.start {
            Some(start) if now.duration_since(start) < RATE_WINDOW => {}
            _ => {
                self.start = Some(now);
                self.count = 0;
            }
        }
        self.count = self.count.saturating_add(1);
        self.count <= RATE_MAX
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_are_bounded_base64url() {
        assert!(is_token("abcd-_09"));
        assert!(is_token(&"x".repeat(32)));
        assert!(!is_token("short"));
        assert!(!is_token(&"x".repeat(33)));
        assert!(!is_token("has space!"));
        assert!(!is_token("ünïcödé-x"));
    }

    #[test]
    fn arguments_are_checked_in_order() {
        let ok = json!({"room": "room-0001", "nonce": "nonce-0001"});
        assert_eq!(
            read_arg(std::slice::from_ref(&ok), ["room", "nonce"]),
            Ok(["room-0001".into(), "nonce-0001".into()])
        );
        assert_eq!(read_arg(&[], ["room"]), Err("bad-request"));
        assert_eq!(
            read_arg(&[ok.clone(), json!(1)], ["room"]),
            Err("bad-request")
        );
        assert_eq!(read_arg(&[json!([ok])], ["room"]), Err("bad-request"));
        let bad_both = json!({"room": "x", "nonce": "y"});
        assert_eq!(read_arg(&[bad_both], ["room", "nonce"]), Err("bad-room"));
        let number = json!({"room": "room-0001", "nonce": 12345678});
        assert_eq!(read_arg(&[number], ["room", "nonce"]), Err("bad-nonce"));
    }

    #[test]
    fn the_rate_limit_resets_after_the_window() {
        let mut limiter = RateLimiter::default();
        let t0 = Instant::now();
        assert!((0..RATE_MAX).all(|_| limiter.allow(t0)));
        assert!(!limiter.allow(t0 + RATE_WINDOW - Duration::from_millis(1)));
        assert!(limiter.allow(t0 + RATE_WINDOW));
    }

    #[test]
    fn namespaces_are_checked() {
        assert!(is_namespace(DEFAULT_NAMESPACE));
        assert!(!is_namespace("/"));
        assert!(!is_namespace("conncheck"));
        assert!(!is_namespace("/a b"));
    }
}
