//! The page's components, one per file.

pub mod check_card;
pub mod config_errors;
pub mod copy_button;
pub mod findings;
pub mod import_box;
pub mod lifetime_control;
pub mod media_panel;
pub mod provenance;
pub mod share_panel;
pub mod shared_report;
pub mod verdict;

pub use check_card::CheckCard;
pub use config_errors::ConfigErrors;
pub use findings::Findings;
pub use import_box::ImportBox;
pub use lifetime_control::LifetimeControl;
pub use media_panel::MediaPanel;
pub use provenance::Provenance;
pub use share_panel::SharePanel;
pub use shared_report::SharedReport;
pub use verdict::VerdictBanner;
