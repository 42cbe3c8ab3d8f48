//! The record, schema `conncheck/1` (docs/contracts.md): what the page
//! stores, the user copies and support staff open: ids, statuses, durations,
//! the checks' typed data, environment, config, the user's note. No word of
//! it is shown as the page's own: every text is derived from it, once, by
//! [`crate::view::derive`].

use serde::{Deserialize, Serialize};

pub use crate::checks::ReportCheck;
use crate::config::ReportConfig;
pub use crate::diagnosis::{Finding, Fix, FixBy, Platform, Severity};

pub const SCHEMA: &str = "conncheck/1";
pub const TOOL_NAME: &str = "conncheck";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub tool: Tool,
    pub created_at: String,
    pub page: Page,
    pub config: ReportConfig,
    pub environment: Environment,
    pub checks: Vec<ReportCheck>,
    /// The finding ids a shared record lists, compared with what this page
    /// derives (`crate::view`); the page's own record lists them only in
    /// what it shares (`crate::share::share_json`).
    pub findings: Vec<ListedFinding>,
    /// The user's own description of the problem, if they wrote one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_note: Option<String>,
}

/// The longest description a user can add to a report.
pub const MAX_USER_NOTE_CHARS: usize = 2000;

/// A finding as a record lists it: its id. A listed finding's other
/// fields (reports of the page before the record) are not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedFinding {
    pub id: crate::catalog::FindingId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub origin: String,
    /// The path only: the query string may carry values the user was given.
    pub path: String,
    pub secure_context: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    pub user_agent: String,
    pub platform: String,
    pub languages: Vec<String>,
    pub online: bool,
    /// The Network Information API, where the browser has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<ConnectionInfo>,
}

impl Environment {
    /// "Chrome 156 on Linux", from the user agent, for people.
    pub fn browser_summary(&self) -> String {
        let ua = self.user_agent.as_str();
        let version = |marker: &str| {
            ua.split(marker)
                .nth(1)
                .map(|rest| rest.split(['.', ' ', ';']).next().unwrap_or("").to_owned())
        };
        let browser = if let Some(v) = version("Edg/") {
            format!("Edge {v}")
        } else if let Some(v) = version("Firefox/") {
            format!("Firefox {v}")
        } else if let Some(v) = version("Chrome/") {
            format!("Chrome {v}")
        } else if let (Some(v), true) = (version("Version/"), ua.contains("Safari/")) {
            format!("Safari {v}")
        } else {
            "an unknown browser".to_owned()
        };
        let os = [
            ("Android", "Android"),
            ("iPhone", "iOS"),
            ("iPad", "iPadOS"),
            ("Windows", "Windows"),
            ("Mac OS X", "macOS"),
            ("CrOS", "ChromeOS"),
            ("Linux", "Linux"),
        ]
        .iter()
        .find(|(marker, _)| ua.contains(marker))
        .map_or("an unknown system", |(_, os)| os);
        format!("{browser} on {os}")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rtt_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downlink_mbps: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save_data: Option<bool>,
}

impl Report {
    /// The record of a run: its findings are derived where it is shown.
    pub fn assemble(
        version: &str,
        created_at: String,
        page: Page,
        config: ReportConfig,
        environment: Environment,
        checks: Vec<ReportCheck>,
    ) -> Report {
        Report {
            schema: SCHEMA.to_owned(),
            tool: Tool {
                name: TOOL_NAME.to_owned(),
                version: version.to_owned(),
            },
            created_at,
            page,
            config,
            environment,
            checks,
            findings: Vec::new(),
            user_note: None,
        }
    }

    /// The record with `check` in place of the entry of its id (added when
    /// there is none): a check that ended after the record was assembled.
    pub fn replace_check(&mut self, check: ReportCheck) {
        match self.checks.iter_mut().find(|c| c.id == check.id) {
            Some(existing) => *existing = check,
            None => self.checks.push(check),
        }
    }

    /// Sets the user's description, trimmed and cut to its maximum length.
    pub fn set_user_note(&mut self, note: &str) {
        let note: String = note.trim().chars().take(MAX_USER_NOTE_CHARS).collect();
        self.user_note = (!note.is_empty()).then_some(note);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::catalog::CheckId;
    use crate::check::{Outcome, Status};
    use crate::checks::CheckData;
    use crate::config::{resolve, FileLoad};

    pub(crate) fn sample(checks: Vec<ReportCheck>) -> Report {
        let page_url = crate::weburl::Url::parse("http://127.0.0.1:8080/").unwrap();
        let config = resolve(&page_url, &FileLoad::NotFound, "");
        Report::assemble(
            "0.1.0",
            "2026-11-21T10:00:00.000Z".into(),
            Page {
                origin: "http://127.0.0.1:8080".into(),
                path: "/".into(),
                secure_context: true,
            },
            ReportConfig::from(&config),
            Environment {
                user_agent: "Mozilla/5.0 Test".into(),
                platform: "Linux x86_64".into(),
                languages: vec!["en-US".into()],
                online: true,
                connection: None,
            },
            checks,
        )
    }

    #[test]
    fn top_level_keys_are_the_contract() {
        let json = serde_json::to_value(sample(vec![])).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "checks",
                "config",
                "created_at",
                "environment",
                "findings",
                "page",
                "schema",
                "tool"
            ]
        );
        assert_eq!(json["schema"], "conncheck/1");
        assert_eq!(json["tool"]["name"], "conncheck");
    }

    #[test]
    fn browser_summaries() {
        let table = [
            ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.8078.73 Safari/537.36", "Chrome 156 on Linux"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge 131 on Windows"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari 17 on iOS"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox 128 on macOS"),
            ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36", "Chrome 126 on Android"),
            ("", "an unknown browser on an unknown system"),
        ];
        for (ua, expected) in table {
            let env = Environment {
                user_agent: ua.into(),
                platform: String::new(),
                languages: vec![],
                online: true,
                connection: None,
            };
            assert_eq!(env.browser_summary(), expected);
        }
    }

    #[test]
    fn round_trips_through_json() {
        let check = ReportCheck::new(
            CheckId::Websocket,
            Outcome {
                status: Status::Fail,
                summary: "s".into(),
                data: CheckData::from_json(CheckId::Websocket, serde_json::json!({"a": 1})),
            },
            42,
        );
        let report = sample(vec![check]);
        let text = serde_json::to_string(&report).unwrap();
        let back: Report = serde_json::from_str(&text).unwrap();
        assert_eq!(back, report);
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["checks"][0]["id"], "websocket");
        assert_eq!(json["checks"][0]["status"], "fail");
        assert_eq!(json["checks"][0]["duration_ms"], 42);
        assert_eq!(
            json["checks"][0].get("title"),
            None,
            "the record holds no words"
        );
    }
}
