//! The share format (docs/contracts.md, Sharing): the report JSON compressed as a raw
//! DEFLATE stream, in base64url without padding. Copy text ends in the line
//! `conncheck-report:1:<payload>`; a link carries `#report=<payload>`.
//!
//! Decoding takes whatever a support person pastes (the copied text, a link,
//! a bare payload, or the JSON itself), refuses with a specific error, and
//! never panics.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use thiserror::Error;

use crate::check::Status;
use crate::privacy::plain;
use crate::report::{Report, SCHEMA};
use crate::view::View;

pub const LINE_PREFIX: &str = "conncheck-report:";
pub const FORMAT_VERSION: u32 = 1;
pub const FRAGMENT_KEY: &str = "#report=";
/// Largest payload accepted, in characters (a link in a chat stays far below).
pub const MAX_PAYLOAD_CHARS: usize = 256 * 1024;
/// Largest decompressed report accepted: stops compression bombs.
pub const MAX_REPORT_BYTES: usize = 2 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ShareError {
    #[error(
        "there is nothing to open: paste the copied report text, a report link or report JSON"
    )]
    Empty,
    #[error(
        "no report found: the text has no conncheck-report line, #report= link or report JSON"
    )]
    NotFound,
    #[error("this report uses share format {0}, which this page does not know; open it with a newer conncheck")]
    UnknownFormat(String),
    #[error("the report is too large ({0} characters; at most {MAX_PAYLOAD_CHARS})")]
    Oversized(usize),
    #[error("the report text is damaged: it is not valid base64url ({0})")]
    BadBase64(String),
    #[error("the report text is damaged: it does not decompress ({0})")]
    BadCompression(String),
    #[error("this browser cannot unpack report links and texts (it has no DecompressionStream for raw DEFLATE); open the report in a current Chrome, Edge, Firefox or Safari, or paste its JSON")]
    NoDecompressor,
    #[error("the report expands beyond {MAX_REPORT_BYTES} bytes and was refused")]
    TooLargeDecompressed,
    #[error("the report is not valid JSON ({0})")]
    InvalidJson(String),
    #[error("the report has schema {0:?}; this page reads {SCHEMA}")]
    UnsupportedSchema(String),
    #[error("the report does not match schema {SCHEMA} ({0})")]
    InvalidReport(String),
    #[error("the report is larger than any conncheck report: it has {0}")]
    TooComplex(String),
}

/// A decoded shared report, and the check and finding ids in it that this
/// page does not know (from a newer conncheck), which were left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    pub report: Report,
    pub not_understood: Vec<String>,
}

/// The payload of a record as it is: raw DEFLATE of its JSON, base64url,
/// no padding.
pub fn encode(report: &Report) -> String {
    payload(&miniz_oxide::deflate::compress_to_vec(
        &compact_json(report),
        9,
    ))
}

/// The payload of a raw DEFLATE stream of a report's JSON made elsewhere:
/// the page deflates [`share_json`] with the browser's own
/// `CompressionStream("deflate-raw")`, or [`stored_deflate`].
pub fn payload(deflated: &[u8]) -> String {
    base64url(deflated)
}

/// What a line and a link deflate: the record, listing the ids of the
/// findings its view derives. No text of the view is shared: the support
/// view derives its own.
pub fn share_json(report: &Report, view: &View) -> Vec<u8> {
    compact_json(&view.full(report, true))
}

fn shared(report: &Report, view: &View) -> Report {
    Report {
        findings: view.listed(),
        ..report.clone()
    }
}

/// The `conncheck-report:1:<payload>` line of a record, as shared.
pub fn line(report: &Report) -> String {
    line_of(&encode(&shared(report, &crate::view::derive(report))))
}

/// The line of a payload made from [`share_json`].
pub fn line_of(payload: &str) -> String {
    format!("{LINE_PREFIX}{FORMAT_VERSION}:{payload}")
}

/// A link to `page` that opens the record as it is: the payload is in the
/// fragment, which browsers never send to a server.
pub fn link(page: &str, report: &Report) -> String {
    link_of(page, &encode(report))
}

/// The link of a payload made from [`share_json`].
pub fn link_of(page: &str, payload: &str) -> String {
    let base = page.split('#').next().unwrap_or(page);
    format!("{base}{FRAGMENT_KEY}{payload}")
}

/// The copy text: a short summary for people, then the line for the page.
pub fn copy_text(report: &Report) -> String {
    let view = crate::view::derive(report);
    copy_text_of(report, &view, &encode(&shared(report, &view)))
}

/// The copy text of a record's view, with the payload made from
/// [`share_json`]: the view's words; outside values in quotes.
pub fn copy_text_of(report: &Report, view: &View, payload: &str) -> String {
    // Pieces pushed as they are: no formatting machinery for plain joins.
    let mut text = String::new();
    text.extend([
        "Connection check (",
        &report.page.origin,
        "), ",
        &report.created_at,
        "\n",
        &view.verdict.headline,
        "\n",
    ]);
    for check in &view.checks {
        let word = match check.check.status {
            Status::Pass => "ok",
            Status::Warn => "warning",
            Status::Fail => "FAILED",
            Status::Skip => "skipped",
        };
        text.extend(["- ", check.title(), ": ", word, "\n"]);
    }
    for finding in &view.findings {
        text.extend(["! ", &plain(&finding.title), "\n"]);
    }
    if let Some(note) = &report.user_note {
        text.extend(["User's description: ", note, "\n"]);
    }
    text.push_str(
        "Support: paste this whole text into the conncheck page to see the full report.\n",
    );
    text.push_str(&line_of(payload));
    text.push('\n');
    text
}

/// Reads a report from copied text, a link, a bare payload or JSON.
pub fn decode(input: &str) -> Result<Report, ShareError> {
    decode_shared(input).map(|s| s.report)
}

/// [`decode`], also naming what was left out as not understood.
pub fn decode_shared(input: &str) -> Result<Shared, ShareError> {
    match find(input)? {
        Found::Json(json) => open_json(json.as_bytes()),
        Found::Deflated(compressed) => {
            let json =
                miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_REPORT_BYTES)
                    .map_err(|e| match e.status {
                    miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                        ShareError::TooLargeDecompressed
                    }
                    status => ShareError::BadCompression(format!("{status:?}")),
                })?;
            open_json(&json)
        }
    }
}

/// Where the report in a pasted text is: the first steps of
/// [`decode_shared`], for a caller that inflates elsewhere (the support
/// view, with the browser's `DecompressionStream`) and then calls
/// [`open_json`]; whoever inflates stops at [`MAX_REPORT_BYTES`] and then
/// refuses with [`ShareError::TooLargeDecompressed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found<'a> {
    /// Report JSON, pasted as it is.
    Json(&'a str),
    /// A payload's raw DEFLATE stream, still to inflate.
    Deflated(Vec<u8>),
}

/// Reads a record's JSON (at most [`MAX_REPORT_BYTES`]): bounds, ids this
/// page does not know left out and named. Its words (check titles and
/// summaries, finding texts) are not read.
pub fn open_json(json: &[u8]) -> Result<Shared, ShareError> {
    from_json(json)
}

/// See [`Found`].
pub fn find(input: &str) -> Result<Found<'_>, ShareError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(ShareError::Empty);
    }
    if input.starts_with('{') {
        return Ok(Found::Json(input));
    }
    let payload = if let Some(at) = input.find(LINE_PREFIX) {
        let rest = &input[at + LINE_PREFIX.len()..];
        let (version, payload) = rest.split_once(':').ok_or(ShareError::NotFound)?;
        if version != FORMAT_VERSION.to_string() {
            return Err(ShareError::UnknownFormat(
                version.chars().take(10).collect(),
            ));
        }
        payload
    } else if let Some(at) = input.find(FRAGMENT_KEY) {
        &input[at + FRAGMENT_KEY.len()..]
    } else if input.contains(char::is_whitespace) {
        return Err(ShareError::NotFound);
    } else {
        input
    };
    let payload: &str = payload
        .split(|c: char| c.is_whitespace() || c == '&')
        .next()
        .unwrap_or("");
    if payload.len() > MAX_PAYLOAD_CHARS {
        return Err(ShareError::Oversized(payload.len()));
    }
    URL_SAFE_NO_PAD
        .decode(payload)
        .map(Found::Deflated)
        .map_err(|e| ShareError::BadBase64(e.to_string()))
}

fn from_json(json: &[u8]) -> Result<Shared, ShareError> {
    if json.len() > MAX_REPORT_BYTES {
        return Err(ShareError::TooLargeDecompressed);
    }
    let value: serde_json::Value =
        serde_json::from_slice(json).map_err(|e| ShareError::InvalidJson(e.to_string()))?;
    match value.get("schema").and_then(|s| s.as_str()) {
        Some(SCHEMA) => {}
        Some(other) => {
            return Err(ShareError::UnsupportedSchema(
                other.chars().take(40).collect(),
            ))
        }
        None => return Err(ShareError::InvalidReport("no \"schema\" field".into())),
    }
    bounds::check(&value)?;
    let mut value = value;
    let not_understood = bounds::drop_unknown(&mut value);
    let report =
        serde_json::from_value(value).map_err(|e| ShareError::InvalidReport(e.to_string()))?;
    Ok(Shared {
        report,
        not_understood,
    })
}

#[path = "share_bounds.rs"]
mod bounds;
#[path = "share_json.rs"]
mod json;
pub use bounds::{MAX_CHECKS, MAX_EVIDENCE, MAX_FINDINGS, MAX_STRING_CHARS};
pub use json::{base64url, compact_json, stored_deflate};

#[cfg(test)]
#[path = "share_tests.rs"]
mod tests;
