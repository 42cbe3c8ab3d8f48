//! The page's views and components, one per file: a view is a function
//! returning `Html`; a component (`CopyButton`, `SharedReport`) holds state
//! of its own.

pub mod check_card;
pub mod config_errors;
pub mod copy_button;
pub mod findings;
pub mod import_box;
pub mod lifetime_control;
pub mod media_panel;
pub mod observed;
pub mod provenance;
pub mod share_panel;
pub mod shared_report;
pub mod verdict;

pub use check_card::check_card;
pub use config_errors::config_errors;
pub use copy_button::CopyButton;
pub use findings::findings;
pub use import_box::import_box;
pub use lifetime_control::lifetime_control;
pub use media_panel::media_panel;
pub use observed::words;
pub use provenance::provenance;
pub use share_panel::share_panel;
pub use shared_report::SharedReport;
pub use verdict::verdict_banner;
