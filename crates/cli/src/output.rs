//! The report for people in a terminal: the verdict, each check's line,
//! the findings with evidence and fixes, configuration problems. Every
//! sentence comes from the core's derivation (the page's words); colour
//! only when stdout is a terminal and NO_COLOR is unset.

use std::fmt::Write;

use conncheck_core::check::Status;
use conncheck_core::config::Source;
use conncheck_core::privacy::plain;
use conncheck_core::report::{Report, Severity};
use conncheck_core::view::View;

use crate::run::BROWSER_ONLY;

/// ANSI colours, or none.
pub struct Paint(pub bool);

impl Paint {
    pub fn for_stdout() -> Paint {
        use std::io::IsTerminal;
        Paint(std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none())
    }

    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    pub fn red(&self, t: &str) -> String {
        self.wrap("1;31", t)
    }
    pub fn yellow(&self, t: &str) -> String {
        self.wrap("1;33", t)
    }
    pub fn green(&self, t: &str) -> String {
        self.wrap("1;32", t)
    }
    pub fn bold(&self, t: &str) -> String {
        self.wrap("1", t)
    }
    pub fn dim(&self, t: &str) -> String {
        self.wrap("2", t)
    }
}

/// A serde enum's own spelling (`ingress-nginx`, `file`).
fn spelled<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Whether the verdict is not "everything works": a critical or warning
/// finding, or a check that failed without one.
pub fn alarms(view: &View) -> bool {
    !view.verdict.ok
}

/// The text for people: the view's words, outside values in quotes.
pub fn text(report: &Report, view: &View, paint: &Paint) -> String {
    plain(&marked_text(report, view, paint))
}

fn marked_text(report: &Report, view: &View, paint: &Paint) -> String {
    let mut out = String::new();
    let v = &view.verdict;
    let _ = writeln!(
        out,
        "{} {} {}{}",
        paint.bold("conncheck"),
        report.tool.version,
        report.page.origin,
        report.page.path
    );
    if let Some(socketio) = &report.config.socketio {
        let ns = report.config.namespace.as_deref().unwrap_or("/");
        let _ = writeln!(out, "Socket.IO endpoint {socketio}, namespace {ns}");
    }
    let headline = if v.ok {
        paint.green(&v.headline)
    } else if view
        .findings
        .iter()
        .any(|f| f.severity == Severity::Critical)
    {
        paint.red(&v.headline)
    } else {
        paint.yellow(&v.headline)
    };
    let _ = writeln!(out, "\n{headline}\n\n{}", paint.bold("Checks"));
    for c in &view.checks {
        let badge = match c.check.status {
            Status::Pass => paint.green("pass"),
            Status::Warn => paint.yellow("warn"),
            Status::Fail => paint.red("fail"),
            Status::Skip => paint.dim("skip"),
        };
        let _ = writeln!(out, "  {badge}  {}: {}", c.title(), c.summary);
    }
    let na: Vec<&str> = BROWSER_ONLY.iter().map(|id| id.title()).collect();
    let _ = writeln!(
        out,
        "  {}  {}: a browser's own, not run from a terminal",
        paint.dim("n/a "),
        na.join(", ")
    );
    if !view.findings.is_empty() {
        let _ = writeln!(out, "\n{}", paint.bold("Findings"));
    }
    for f in &view.findings {
        let severity = match f.severity {
            Severity::Critical => paint.red("CRITICAL"),
            Severity::Warning => paint.yellow("WARNING"),
            Severity::Info => paint.dim("INFO"),
        };
        let _ = writeln!(out, "  {severity}  {} [{}]", f.title, spelled(&f.id));
        if !f.explanation.is_empty() {
            let _ = writeln!(out, "    {}", f.explanation);
        }
        for e in &f.evidence {
            let _ = writeln!(out, "    - {e}");
        }
        let _ = writeln!(out, "    Who can fix it: {}", f.fix_by.label());
        for fix in &f.fixes {
            let _ = writeln!(out, "    Fix ({}): {}", spelled(&fix.platform), fix.text);
        }
    }
    if !report.config.errors.is_empty() {
        let _ = writeln!(out, "\n{}", paint.bold("Configuration problems"));
        for e in &report.config.errors {
            let source = match e.source {
                Source::File => "conncheck.json",
                Source::Query => "a flag or URL's query",
            };
            let _ = writeln!(out, "  - {} ({source}): {}", spelled(&e.key), e.message);
        }
    }
    out
}
