//! The checks, and which of them a run starts for a given configuration.

pub mod secure_context;
pub mod websocket;

use url::Url;

use crate::check::Check;
use crate::config::Config;

/// What the page knows about itself before any check runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserFacts {
    pub page_url: Url,
    pub secure_context: bool,
}

/// The automatic checks, in the order the page shows them.
pub fn automatic(config: &Config, facts: &BrowserFacts) -> Vec<Box<dyn Check>> {
    vec![
        Box::new(secure_context::SecureContextCheck::new(facts)),
        Box::new(websocket::WebSocketCheck::new(config)),
    ]
}
