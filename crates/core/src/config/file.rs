//! Reading `conncheck.json`: the file's own errors, and `allow_origins`,
//! which is read before any endpoint is checked.

use crate::json::{self, Map, Value};
use crate::privacy::quoted;
use crate::weburl::Url;

use super::values::Raw;
use super::{ConfigError, ConfigKey, FileLoad, FileStatus, Source};

pub(super) fn parse_file(file: &FileLoad, errors: &mut Vec<ConfigError>) -> (FileStatus, Map) {
    let mut fail = |message: String| {
        errors.push(ConfigError {
            key: ConfigKey::File,
            source: Source::File,
            message,
        });
    };
    match file {
        FileLoad::NotFound => (FileStatus::NotFound, Default::default()),
        FileLoad::Failed(reason) => {
            fail(format!(
                "could not be loaded ({reason}); using the defaults"
            ));
            (FileStatus::Unavailable, Default::default())
        }
        FileLoad::Loaded(body) => match json::parse(body) {
            Ok(Value::Object(map)) => (FileStatus::Loaded, map),
            Ok(other) => {
                fail(format!(
                    "must hold a JSON object, found {}; using the defaults",
                    other.kind()
                ));
                (FileStatus::Invalid, Default::default())
            }
            Err(e) => {
                fail(format!("is not valid JSON ({e}); using the defaults"));
                (FileStatus::Invalid, Default::default())
            }
        },
    }
}

pub(super) fn parse_allow_origins(v: &Value) -> Result<Vec<String>, String> {
    Raw::Json(v)
        .as_list()?
        .iter()
        .map(|o| match Url::parse(o) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(u.origin()),
            _ => Err(format!(
                "{} is not an origin such as https://chat.example.com",
                quoted(o)
            )),
        })
        .collect()
}
