//! Bounds on a decoded shared report, checked on its JSON before anything
//! is built from it: a few kilobytes of DEFLATE expand into hundreds of
//! thousands of strings, each of which the page would render. Also drops
//! the checks and findings whose ids this page does not know (a newer
//! conncheck's), naming them, so the rest is still shown.

use serde_json::Value;

use super::ShareError;
use crate::catalog::{CheckId, FindingId};
use crate::check::Status;
use crate::report::{FixBy, Platform, Severity};

pub const MAX_CHECKS: usize = 32;
pub const MAX_FINDINGS: usize = 64;
pub const MAX_EVIDENCE: usize = 32;
pub const MAX_FIXES: usize = 16;
/// Longest string anywhere in a report (the user's note is 2,000 characters).
pub const MAX_STRING_CHARS: usize = 4096;
/// JSON values (objects, lists, strings, numbers …) in a whole report.
pub const MAX_VALUES: usize = 20_000;
pub const MAX_DEPTH: usize = 24;
/// Unknown ids named at most.
const MAX_NAMED: usize = 8;

/// Refuses a report beyond the bounds above, naming which one.
pub(super) fn check(value: &Value) -> Result<(), ShareError> {
    let mut stack = vec![(value, 0usize)];
    let mut count = 0usize;
    while let Some((v, depth)) = stack.pop() {
        count += 1;
        if count > MAX_VALUES {
            return Err(ShareError::TooComplex(format!(
                "more than {MAX_VALUES} values"
            )));
        }
        if depth > MAX_DEPTH {
            return Err(ShareError::TooComplex(format!(
                "nested deeper than {MAX_DEPTH} levels"
            )));
        }
        match v {
            Value::String(s) => long_string(s)?,
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            Value::Object(map) => {
                for (k, item) in map {
                    long_string(k)?;
                    stack.push((item, depth + 1));
                }
            }
            _ => {}
        }
    }
    count_of(value.get("checks"), "checks", MAX_CHECKS)?;
    count_of(value.get("findings"), "findings", MAX_FINDINGS)?;
    if let Some(Value::Array(findings)) = value.get("findings") {
        for f in findings {
            count_of(
                f.get("evidence"),
                "evidence entries in one finding",
                MAX_EVIDENCE,
            )?;
            count_of(f.get("fixes"), "fixes in one finding", MAX_FIXES)?;
        }
    }
    Ok(())
}

fn long_string(s: &str) -> Result<(), ShareError> {
    // Bytes bound characters from above: count only when it may matter.
    if s.len() > MAX_STRING_CHARS && s.chars().count() > MAX_STRING_CHARS {
        return Err(ShareError::TooComplex(format!(
            "a text longer than {MAX_STRING_CHARS} characters"
        )));
    }
    Ok(())
}

fn count_of(v: Option<&Value>, what: &str, max: usize) -> Result<(), ShareError> {
    match v {
        Some(Value::Array(items)) if items.len() > max => Err(ShareError::TooComplex(format!(
            "{} {what} (at most {max})",
            items.len()
        ))),
        _ => Ok(()),
    }
}

/// Removes checks and findings with ids this page does not know, and fixes
/// for platforms it does not know; returns the ids removed, sanitized.
pub(super) fn drop_unknown(value: &mut Value) -> Vec<String> {
    let mut dropped = Vec::new();
    // A newer version may add ids, statuses, severities: such an entry is
    // left out whole and named by its id.
    let known_check =
        |c: &Value| parses::<CheckId>(c.get("id")) && parses::<Status>(c.get("status"));
    // A record lists a finding by its id only; reports before the record
    // carry its severity and who fixes it too.
    let known_finding = |f: &Value| {
        parses::<FindingId>(f.get("id"))
            && f.get("severity")
                .is_none_or(|s| parses::<Severity>(Some(s)))
            && f.get("fix_by").is_none_or(|s| parses::<FixBy>(Some(s)))
    };
    if let Some(Value::Array(checks)) = value.get_mut("checks") {
        retain_known(checks, known_check, &mut dropped);
    }
    if let Some(Value::Array(findings)) = value.get_mut("findings") {
        retain_known(findings, known_finding, &mut dropped);
        for f in findings {
            if let Some(Value::Array(fixes)) = f.get_mut("fixes") {
                fixes.retain(|fix| {
                    fix.get("platform")
                        .is_some_and(|p| serde_json::from_value::<Platform>(p.clone()).is_ok())
                });
            }
        }
    }
    dropped.truncate(MAX_NAMED);
    dropped
}

fn parses<T: serde::de::DeserializeOwned>(v: Option<&Value>) -> bool {
    v.is_some_and(|v| serde_json::from_value::<T>(v.clone()).is_ok())
}

fn retain_known(items: &mut Vec<Value>, known: impl Fn(&Value) -> bool, dropped: &mut Vec<String>) {
    items.retain(|item| {
        if known(item) {
            return true;
        }
        dropped.push(id_excerpt(item.get("id").unwrap_or(&Value::Null)));
        false
    });
}

/// An id as the page may name it: short, and only the characters ids use.
fn id_excerpt(id: &Value) -> String {
    let text = id.as_str().unwrap_or("(no id)");
    let clean: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(40)
        .collect();
    if clean.is_empty() {
        "(unreadable id)".into()
    } else {
        clean
    }
}
