//! What every check observed, as one type: the one mapping between a check
//! id and the type of its `data` in the report.
//!
//! A report entry's data is serialized as the check's own data object
//! (schema `conncheck/1` does not name the type), and read back by the
//! entry's check id ([`CheckData::from_json`]). Data that does not read as
//! its check's type (a damaged or altered shared report, or one from
//! another version) becomes [`CheckData::Unreadable`], which keeps the JSON
//! as it came so that the report is shown and shared unchanged.

use std::rc::Rc;

use serde::{Serialize, Serializer};

use super::unreadable;
use crate::catalog::{each_check, CheckId};
use crate::check::{Check, Millis, Outcome, Status};

/// One type per check id (the registry's, `catalog::each_check`), plus the
/// two ways a check ends without data of its own.
macro_rules! check_data {
    ($($id:ident $name:literal $title:literal, $module:ident::{$check:ident, $data:ident},
        summary($summary:expr), jar($jar:ident),
        runs($runs:ident $($place:literal, $make:expr)?);)*) => {
        $(use super::$module;)*

        #[derive(Debug, Clone, PartialEq)]
        pub enum CheckData {
            $($id(Rc<$module::$data>),)*
            /// The driver stopped a check that outlived its hard cap.
            Overran { cap_ms: Millis },
            /// Data of a shared report that does not read as its check's
            /// type: `reason` says why, `json` is the data as it came.
            Unreadable { reason: String, json: Rc<serde_json::Value> },
        }

        impl CheckData {
            /// The check this data belongs to (`None`: overran, unreadable).
            pub fn id(&self) -> Option<CheckId> {
                match self {
                    $(CheckData::$id(_) => Some(CheckId::$id),)*
                    CheckData::Overran { .. } | CheckData::Unreadable { .. } => None,
                }
            }

            /// The status and summary the data implies, for checks whose
            /// data says everything their summary says; `None` for data of
            /// neither kind (overran, unreadable), whose summary is the
            /// report's own.
            fn judged(&self) -> Option<(Status, String)> {
                Some(match self {
                    $(CheckData::$id(d) => ($summary)(&**d),)*
                    CheckData::Overran { .. } | CheckData::Unreadable { .. } => return None,
                })
            }

            /// Reads a report entry's data by the entry's check id.
            pub fn from_json(id: CheckId, value: serde_json::Value) -> CheckData {
                if let Some(cap_ms) = overran_cap(&value) {
                    return CheckData::Overran { cap_ms };
                }
                let read = match id {
                    $(CheckId::$id => serde_json::from_value::<$module::$data>(value.clone())
                        .map(CheckData::from)
                        .map_err(|e| unreadable::reason::<$module::$data>(&e)),)*
                };
                read.unwrap_or_else(|reason| CheckData::Unreadable {
                    reason,
                    json: Rc::new(value),
                })
            }
        }

        impl Serialize for CheckData {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(CheckData::$id(data) => data.serialize(s),)*
                    CheckData::Overran { cap_ms } => Overran {
                        error: "overran",
                        cap_ms: *cap_ms,
                    }
                    .serialize(s),
                    // As it came, already read: the support module, which
                    // reads shared reports, needs no JSON parser to write
                    // it. The page's own module never holds such data (only
                    // reading a shared report makes it), so it links no
                    // writer of `serde_json::Value` for it.
                    #[cfg(feature = "support-texts")]
                    CheckData::Unreadable { json, .. } => json.serialize(s),
                    #[cfg(not(feature = "support-texts"))]
                    CheckData::Unreadable { .. } => s.serialize_unit(),
                }
            }
        }

        $(
            impl From<$module::$data> for CheckData {
                fn from(data: $module::$data) -> CheckData {
                    CheckData::$id(Rc::new(data))
                }
            }

            impl Facts for $module::$data {
                const ID: CheckId = CheckId::$id;

                fn of(data: &CheckData) -> Option<&Self> {
                    match data {
                        CheckData::$id(d) => Some(d),
                        _ => None,
                    }
                }
            }
        )*
    };
}

each_check!(check_data);

/// One check's data type, found in a [`CheckData`].
pub trait Facts: Sized {
    /// The check whose data this is.
    const ID: CheckId;
    fn of(data: &CheckData) -> Option<&Self>;
}

#[derive(Serialize)]
struct Overran {
    error: &'static str,
    cap_ms: Millis,
}

/// `{"error": "overran", "cap_ms": n}` and nothing else: what the driver
/// records for a check it stopped.
fn overran_cap(value: &serde_json::Value) -> Option<Millis> {
    let map = value.as_object()?;
    if map.len() != 2 || map.get("error")?.as_str()? != "overran" {
        return None;
    }
    map.get("cap_ms")?.as_u64()
}

impl CheckData {
    /// The check's summary, derived from its data alone (`crate::view`):
    /// outside values in it are marked ([`crate::privacy::observed`]).
    pub fn summary(&self) -> String {
        match self {
            CheckData::Overran { cap_ms } => overran_summary(*cap_ms),
            CheckData::Unreadable { .. } => {
                "This page cannot read what this check observed.".into()
            }
            _ => self
                .judged()
                .map(|(_, summary)| summary)
                .unwrap_or_default(),
        }
    }

    /// Why the data could not be read, for data that could not.
    pub fn unreadable(&self) -> Option<&str> {
        match self {
            CheckData::Unreadable { reason, .. } => Some(reason),
            _ => None,
        }
    }
}

/// The outcome a driver records when a check outlives the driver's hard cap:
/// a bug in the check, reported instead of a page that never finishes.
pub fn overran(cap_ms: Millis) -> Outcome<CheckData> {
    Outcome {
        status: Status::Fail,
        summary: overran_summary(cap_ms),
        data: CheckData::Overran { cap_ms },
    }
}

fn overran_summary(cap_ms: Millis) -> String {
    format!(
        "This check did not finish within {} s and was stopped.",
        cap_ms / 1000
    )
}

/// A check as the page's driver runs it: any check, its data as [`CheckData`].
pub type AnyCheck = Box<dyn Check<Data = CheckData>>;

/// `check`, boxed for the driver.
pub fn any(check: impl Check<Data = CheckData> + 'static) -> AnyCheck {
    Box::new(check)
}
