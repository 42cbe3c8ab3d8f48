//! Where the page's support view stands: it opens a shared report in a
//! second wasm module, fetched only then.

/// Where the support view (a second wasm module, fetched to open a shared
/// report) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    Idle,
    /// A `#report=` link is being opened: the page waits for it.
    OpeningLink,
    /// A pasted report is being opened: the import box waits for it.
    OpeningPaste,
    /// The support view shows a shared report.
    Shown,
}
