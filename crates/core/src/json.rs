//! The page's own JSON values: read from what servers and the operator send
//! (`conncheck.json`, Engine.IO open packets, Socket.IO arguments, error
//! bodies, the companion's answers) and written compactly into the
//! Socket.IO packets the page sends.
//!
//! serde_json still reads shared reports (in the support module, strictly
//! typed) and serves the tests as the reference this reader is compared
//! with; on the page, this small reader keeps serde_json's parser, its float
//! tables and its error machinery out of the wasm (about 11 KB brotli).
//! It reads what serde_json reads, as serde_json does: the same values, the
//! same duplicate-key rule, the same nesting limit.

mod float;
mod parse;
mod write;

use std::fmt;

pub use float::set_shortest_digits;
pub use parse::{parse, JsonError};
pub use write::{to_pretty, to_text, WriteError};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

/// A number as it was written (valid JSON number syntax): the page only
/// ever needs whole numbers out of it, and keeping the text needs no float
/// parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number(String);

/// An object's members in key order, one per key (the last of duplicates
/// wins), as serde_json's map keeps them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Map(Vec<(String, Value)>);

impl Number {
    /// The number when it is written as a whole number from 0 to
    /// `u64::MAX` without fraction or exponent, as serde_json's `as_u64`.
    pub fn as_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }
}

impl From<u64> for Number {
    fn from(n: u64) -> Number {
        Number(n.to_string())
    }
}

impl Map {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).ok().map(|i| &self.0[i].1)
    }

    /// Sets `key`, replacing an earlier value of it.
    pub fn insert(&mut self, key: String, value: Value) {
        match self.position(&key) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    /// The map of these members, read in this order: sorted once (not one
    /// shifting insert per member, quadratic in a stranger's object whose
    /// keys come in descending order), the last of duplicate keys kept.
    pub(crate) fn from_members(mut members: Vec<(String, Value)>) -> Map {
        let mut order: Vec<usize> = (0..members.len()).collect();
        // By key, and among equal keys the latest first.
        heap_sort(&mut order, |a, b| {
            members[a].0.cmp(&members[b].0).then(b.cmp(&a)).is_lt()
        });
        let mut map: Vec<(String, Value)> = Vec::with_capacity(order.len());
        for i in order {
            let member = std::mem::take(&mut members[i]);
            if map.last().is_none_or(|(key, _)| *key != member.0) {
                map.push(member);
            }
        }
        Map(map)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }
}

/// Heapsort: n log n comparisons whatever the order, and a few hundred
/// bytes of wasm where the standard library's sorts cost kilobytes.
fn heap_sort(order: &mut [usize], less: impl Fn(usize, usize) -> bool) {
    let sift_down = |order: &mut [usize], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && less(order[child], order[child + 1]) {
            child += 1;
        }
        if !less(order[root], order[child]) {
            break;
        }
        order.swap(root, child);
        root = child;
    };
    let n = order.len();
    for root in (0..n / 2).rev() {
        sift_down(order, root, n);
    }
    for end in (1..n).rev() {
        order.swap(0, end);
        sift_down(order, 0, end);
    }
}

impl<K: Into<String>, const N: usize> From<[(K, Value); N]> for Map {
    fn from(members: [(K, Value); N]) -> Map {
        let mut map = Map::default();
        for (key, value) in members {
            map.insert(key.into(), value);
        }
        map
    }
}

impl Value {
    /// An object of these members: `Value::object([("room", "r1".into())])`.
    pub fn object<K: Into<String>, const N: usize>(members: [(K, Value); N]) -> Value {
        Value::Object(Map::from(members))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// A member of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(map) => map.get(key),
            _ => None,
        }
    }

    /// What kind of value this is, in words for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "a list",
            Value::Object(_) => "an object",
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Value {
        Value::Number(n.into())
    }
}

/// Compact JSON, as serde_json writes a value (numbers as they were read).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => f.write_str(if *b { "true" } else { "false" }),
            Value::Number(n) => f.write_str(&n.0),
            Value::String(s) => write_string(f, s),
            Value::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    item.fmt(f)?;
                }
                f.write_str("]")
            }
            Value::Object(map) => {
                f.write_str("{")?;
                for (i, (key, value)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write_string(f, key)?;
                    f.write_str(":")?;
                    value.fmt(f)?;
                }
                f.write_str("}")
            }
        }
    }
}

/// A JSON string literal with serde_json's escapes: `"` and `\`, the short
/// forms of control characters, `\u00XX` for the others; nothing else.
pub fn write_string(out: &mut impl fmt::Write, s: &str) -> fmt::Result {
    out.write_char('"')?;
    let mut start = 0;
    for (i, byte) in s.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.write_str(&s[start..i])?;
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.write_str("\\u00")?;
            out.write_char(HEX[usize::from(byte >> 4)] as char)?;
            out.write_char(HEX[usize::from(byte & 0xf)] as char)?;
        } else {
            out.write_str(escape)?;
        }
        start = i + 1;
    }
    out.write_str(&s[start..])?;
    out.write_char('"')
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
