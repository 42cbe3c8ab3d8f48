//! The page's components, one per file.

pub mod check_card;
pub mod config_errors;
pub mod findings;
pub mod lifetime_control;
pub mod verdict;

pub use check_card::CheckCard;
pub use config_errors::ConfigErrors;
pub use findings::Findings;
pub use lifetime_control::LifetimeControl;
pub use verdict::VerdictBanner;
