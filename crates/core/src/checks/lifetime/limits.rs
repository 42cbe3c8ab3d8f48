//! The known proxy limits a cut is matched against, and the response
//! headers that tell which proxy is in the path.

use serde::{Deserialize, Serialize};

use crate::check::Millis;
use crate::checks::seconds;

/// Response headers that tell which proxy is in the path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformHints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

impl PlatformHints {
    fn has(&self, needle: &str) -> bool {
        [&self.server, &self.via].iter().any(|h| {
            h.as_deref()
                .is_some_and(|v| v.to_ascii_lowercase().contains(needle))
        })
    }
}

/// A known limit that a measured cut matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchedLimit {
    pub limit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_s: Option<u64>,
}

/// The known limit closest to a cut after `lifetime_ms` (docs/contracts.md, `connection-cut`).
pub fn match_limit(
    lifetime_ms: Millis,
    ping_interval_ms: Option<Millis>,
    hints: &PlatformHints,
) -> MatchedLimit {
    let s = lifetime_ms as f64 / 1000.0;
    let near = |target: f64, tolerance: f64| (s - target).abs() <= tolerance;
    let known = |limit: &str, expected: u64| MatchedLimit {
        limit: limit.into(),
        expected_s: Some(expected),
    };
    if near(30.0, 5.0) && hints.has("google") {
        return known(
            "the GKE / Google Cloud load balancer backend timeout (30 s by default)",
            30,
        );
    }
    if near(60.0, 5.0) {
        let who = if hints.has("awselb") {
            "the AWS ALB idle timeout (60 s by default)"
        } else {
            "a 60 s idle timeout: nginx proxy-read-timeout (the ingress-nginx default) or an AWS ALB idle_timeout, reached because pings are sparser than it"
        };
        return known(who, 60);
    }
    if (95.0..=125.0).contains(&s) && hints.has("cloudflare") {
        return known("the Cloudflare proxy idle limit (100 s)", 100);
    }
    if near(180.0, 5.0) {
        return known(
            "Traefik's respondingTimeouts.idleTimeout (180 s by default)",
            180,
        );
    }
    if near(3600.0, 60.0) {
        return known(
            "a proxy-read-timeout or timeoutSec of 3600 s: expected, clients reconnect",
            3600,
        );
    }
    // Envoy's default stream_idle_timeout (5 min) never cuts a socket that
    // answers a ping every 25 s: only one set below the ping interval does.
    // Envoy completes the close it starts about 1 s late
    // (delayed_close_timeout).
    if hints.has("envoy") && ping_interval_ms.is_some_and(|ping| lifetime_ms < ping) {
        return MatchedLimit {
            limit: format!(
                "Envoy's stream_idle_timeout (or the route's idle_timeout) of about {}, shorter than the server's ping interval: Envoy closes about 1 s after it",
                seconds(lifetime_ms.saturating_sub(1000))
            ),
            expected_s: None,
        };
    }
    let seconds_text = seconds(lifetime_ms);
    match ping_interval_ms {
        Some(ping) if lifetime_ms < ping => MatchedLimit {
            limit: format!(
                "an idle timeout of about {seconds_text} on the path, shorter than the server's ping interval ({}): the connection is silent longer than the proxy allows",
                seconds(ping)
            ),
            expected_s: None,
        },
        _ => MatchedLimit { limit: format!("a limit of about {seconds_text} on the path"), expected_s: None },
    }
}
