//! A finding: what the rules conclude, who can fix it, and how.

use serde::{Deserialize, Serialize};

use crate::catalog::FindingId;

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

/// Who can fix it, in words: the one place for them.
impl FixBy {
    /// "you", "your network administrator", "the service operator".
    pub fn label(self) -> &'static str {
        match self {
            FixBy::User => "you",
            FixBy::Network => "your network administrator",
            FixBy::Operator => "the service operator",
        }
    }

    /// The sentence after a finding's title in the verdict.
    pub fn sentence(self) -> &'static str {
        match self {
            FixBy::User => "You can fix this yourself; see below.",
            FixBy::Network => "Your network administrator or IT department can fix this.",
            FixBy::Operator => "The service operator can fix this: send them the report.",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    /// Not specific to one platform: the user's browser, any server.
    Any,
    /// The community ingress-nginx controller (retired in March 2026).
    IngressNginx,
    Gke,
    Traefik,
    Haproxy,
    Istio,
    Nginx,
    /// Gateway API resources (HTTPRoute), whichever implementation.
    GatewayApi,
    /// Envoy Gateway's own policies where Gateway API has no field yet.
    EnvoyGateway,
    /// Envoy's own configuration (a static bootstrap, or what a control
    /// plane generates).
    Envoy,
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
