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
