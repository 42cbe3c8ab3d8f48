//! `secure-context`: whether the page runs in a secure context, which the
//! browser requires before it offers camera, microphone and WebRTC.

use crate::privacy::observed;
use serde::{Deserialize, Serialize};

use super::BrowserFacts;
use crate::catalog::CheckId;
use crate::check::{Check, Event, Millis, Status};
use crate::weburl::Host;

/// This check's actions and outcome, with its data type.
use super::CheckData;
type Action = crate::check::Action<CheckData>;
type Outcome = crate::check::Outcome<CheckData>;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecureContextData {
    pub protocol: String,
    pub secure_context: bool,
    /// Loopback names count as secure even over http.
    pub loopback_host: bool,
}

pub struct SecureContextCheck {
    data: SecureContextData,
}

impl SecureContextCheck {
    pub fn new(facts: &BrowserFacts) -> Self {
        let loopback_host = match facts.page_url.host() {
            Host::Domain(d) => d == "localhost" || d.ends_with(".localhost"),
            Host::Ipv4(ip) => ip.is_loopback(),
            Host::Ipv6(ip) => ip.is_loopback(),
        };
        SecureContextCheck {
            data: SecureContextData {
                protocol: facts.page_url.scheme().to_owned() + ":",
                secure_context: facts.secure_context,
                loopback_host,
            },
        }
    }
}

pub(crate) fn summarize(d: &SecureContextData) -> (Status, String) {
    match (d.secure_context, d.protocol.as_str()) {
        (true, "https:") => (Status::Pass, "The page is served over HTTPS.".to_owned()),
        (true, _) => (
            Status::Pass,
            format!("The page is a secure context ({} on a local address).", observed(&d.protocol)),
        ),
        (false, _) => (
            Status::Fail,
            format!(
                "The page is not a secure context ({}): the browser will refuse camera, microphone and WebRTC.",
                observed(&d.protocol)
            ),
        ),
    }
}

impl Check for SecureContextCheck {
    type Data = CheckData;

    fn id(&self) -> CheckId {
        CheckId::SecureContext
    }

    fn start(&mut self, _now: Millis) -> Vec<Action> {
        vec![Action::Finish(Outcome::judged(
            summarize(&self.data),
            std::mem::take(&mut self.data).into(),
        ))]
    }

    fn handle(&mut self, _event: Event, _now: Millis) -> Vec<Action> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::Script;

    fn run(url: &str, secure: bool) -> crate::check::Outcome<SecureContextData> {
        let facts = BrowserFacts {
            page_url: crate::weburl::Url::parse(url).unwrap(),
            secure_context: secure,
        };
        Script::start(SecureContextCheck::new(&facts), 0)
            .finished()
            .clone()
    }

    #[test]
    fn outcomes() {
        assert_eq!(
            run("https://chat.example.com/conncheck/", true).status,
            Status::Pass
        );
        let local = run("http://127.0.0.1:8080/", true);
        assert_eq!(local.status, Status::Pass);
        assert_eq!(
            serde_json::to_value(&local.data).unwrap()["loopback_host"],
            true
        );
        let insecure = run("http://conncheck.test:8080/", false);
        assert_eq!(insecure.status, Status::Fail);
        assert_eq!(
            serde_json::to_value(&insecure.data).unwrap(),
            serde_json::json!({"protocol": "http:", "secure_context": false, "loopback_host": false})
        );
        assert!(insecure.summary.contains("camera"));
    }
}
