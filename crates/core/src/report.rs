//! The report, schema `conncheck/1` (DESIGN.md): what the page shows, what
//! the user copies, what support staff open.

use serde::{Deserialize, Serialize};

use crate::catalog::{CheckId, FindingId};
use crate::check::{Millis, Outcome, Status};
use crate::config::ReportConfig;

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
    pub findings: Vec<Finding>,
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
    pub connection: Option<ConnectionInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionInfo {
    pub effective_type: Option<String>,
    pub rtt_ms: Option<f64>,
    pub downlink_mbps: Option<f64>,
    pub save_data: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportCheck {
    pub id: CheckId,
    pub status: Status,
    pub title: String,
    pub summary: String,
    pub duration_ms: Millis,
    pub data: serde_json::Value,
}

impl ReportCheck {
    pub fn new(id: CheckId, outcome: Outcome, duration_ms: Millis) -> Self {
        ReportCheck {
            id,
            status: outcome.status,
            title: id.title().to_owned(),
            summary: outcome.summary,
            duration_ms,
            data: outcome.data,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    Warning,
    Info,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FixBy {
    User,
    Network,
    Operator,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    /// Not specific to one platform: the user's browser, any server.
    Any,
    IngressNginx,
    Gke,
    Traefik,
    Haproxy,
    Istio,
    Nginx,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub platform: Platform,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub id: FindingId,
    pub severity: Severity,
    pub title: String,
    pub explanation: String,
    pub evidence: Vec<String>,
    pub fix_by: FixBy,
    pub fixes: Vec<Fix>,
}

impl Report {
    /// A report whose findings are derived from its checks.
    pub fn assemble(
        version: &str,
        created_at: String,
        page: Page,
        config: ReportConfig,
        environment: Environment,
        checks: Vec<ReportCheck>,
    ) -> Report {
        let findings = crate::diagnosis::diagnose(&checks);
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
            findings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{resolve, FileLoad};

    pub(crate) fn sample(checks: Vec<ReportCheck>) -> Report {
        let page_url = url::Url::parse("http://127.0.0.1:8080/").unwrap();
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
    fn round_trips_through_json() {
        let check = ReportCheck::new(
            CheckId::Websocket,
            Outcome {
                status: Status::Fail,
                summary: "s".into(),
                data: serde_json::json!({"a": 1}),
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
        assert_eq!(json["checks"][0]["title"], "WebSocket connection");
    }
}
