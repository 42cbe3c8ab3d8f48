//! Why a check's data did not read as its type, in this page's own words:
//! the kind of error, and a field's name only when it is one of the type's
//! known field names. serde's message is never kept: it can quote the data,
//! and a shared report's data is whatever a stranger pasted.

mod walk;

use serde::Deserialize;

use walk::known_fields;

/// Why the data did not read as `T`, from the kind of `error`.
pub(super) fn reason<T: for<'de> Deserialize<'de>>(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let named = |prefix: &str| {
        let name = message.strip_prefix(prefix)?.split('`').next()?;
        known_fields::<T>().into_iter().find(|known| *known == name)
    };
    if let Some(name) = named("missing field `") {
        return format!("the field `{name}` is missing");
    }
    if let Some(name) = named("duplicate field `") {
        return format!("the field `{name}` appears twice");
    }
    let kinds = [
        ("missing field", "a field is missing"),
        ("duplicate field", "a field appears twice"),
        ("invalid type", "a value has the wrong type"),
        ("invalid value", "a value is not one this page accepts"),
        ("invalid length", "a list has the wrong length"),
        (
            "unknown variant",
            "a value names a variant this page does not know",
        ),
        ("unknown field", "a field this page does not know"),
        ("recursion limit", "the data is nested too deep"),
        (
            "data did not match any variant",
            "the data matches none of the forms this page knows",
        ),
    ];
    kinds
        .iter()
        .find(|(start, _)| message.starts_with(start))
        .map_or(
            "the data does not have the form this page knows",
            |(_, text)| text,
        )
        .to_owned()
}

#[cfg(test)]
#[path = "unreadable_tests.rs"]
mod tests;
