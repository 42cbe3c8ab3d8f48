//! Writes any `Serialize` value as indented JSON, byte for byte as
//! serde_json's `to_string_pretty` does (two spaces, `"key": value`, `[]`
//! and `{}` when empty, floats as serde_json writes them (`float.rs`), NaN
//! and infinities as `null`).
//!
//! Why not serde_json's own serializer: each type's derived `serialize` is
//! compiled once per serializer, and serde_json's inlines its formatting
//! into every one of them; this one keeps the formatting in a few functions
//! of its own, which makes the page's wasm smaller.

use std::fmt;

use serde::ser::{self, Serialize};

mod serializer;

#[cfg(test)]
#[path = "write_tests.rs"]
mod tests;

use super::write_string;

/// The value as serde_json's `to_string_pretty` writes it.
pub fn to_pretty<T: Serialize + ?Sized>(value: &T) -> Result<String, WriteError> {
    let mut writer = Writer::default();
    value.serialize(&mut writer)?;
    Ok(writer.out)
}

/// The text of a value that serializes as a string without escapes, such
/// as a unit enum variant (an id): `websocket-blocked`.
pub fn to_text<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    let json = to_pretty(value).ok()?;
    let text = json.strip_prefix('"')?.strip_suffix('"')?;
    (!text.contains(['"', '\\'])).then(|| text.to_owned())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteError;

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value JSON cannot hold")
    }
}

impl std::error::Error for WriteError {}

impl ser::Error for WriteError {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        WriteError
    }
}

/// serde_json's `PrettyFormatter` state: the depth, and whether the
/// innermost open array or object has had a value.
#[derive(Default)]
struct Writer {
    out: String,
    depth: usize,
    has_value: bool,
}

type Done = Result<(), WriteError>;

impl Writer {
    #[inline(never)]
    fn open(&mut self, bracket: char) {
        self.depth += 1;
        self.has_value = false;
        self.out.push(bracket);
    }

    #[inline(never)]
    fn close(&mut self, bracket: char) {
        self.depth -= 1;
        if self.has_value {
            self.newline();
        }
        self.out.push(bracket);
    }

    /// Before an array element or an object key.
    #[inline(never)]
    fn item(&mut self, first: bool) {
        if !first {
            self.out.push(',');
        }
        self.newline();
    }

    fn newline(&mut self) {
        self.out.push('\n');
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    #[inline(never)]
    fn key(&mut self, first: bool, key: &str) {
        self.item(first);
        let _ = write_string(&mut self.out, key);
        self.out.push_str(": ");
    }

    #[inline(never)]
    fn text(&mut self, s: &str) -> Done {
        let _ = write_string(&mut self.out, s);
        Ok(())
    }

    #[inline(never)]
    fn plain(&mut self, s: &str) -> Done {
        self.out.push_str(s);
        Ok(())
    }

    #[inline(never)]
    fn unsigned(&mut self, mut n: u64) -> Done {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for digit in &digits[at..] {
            self.out.push(char::from(*digit));
        }
        Ok(())
    }
}

/// An array or object being written: whether its next member is its first.
pub struct Compound<'a> {
    writer: &'a mut Writer,
    first: bool,
    /// Closed with this bracket; a newtype variant's `{"V": ...}` closes
    /// its own.
    close: char,
}

impl Compound<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.writer.item(self.first);
        self.first = false;
        value.serialize(&mut *self.writer)?;
        self.writer.has_value = true;
        Ok(())
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Done {
        self.writer.key(self.first, key);
        self.first = false;
        value.serialize(&mut *self.writer)?;
        self.writer.has_value = true;
        Ok(())
    }

    fn end(self) -> Done {
        self.writer.close(self.close);
        Ok(())
    }

    /// A `{"Variant": [...]}` or `{"Variant": {...}}`: the outer object too.
    fn end_variant(self) -> Done {
        self.writer.close(self.close);
        self.writer.has_value = true;
        self.writer.close('}');
        Ok(())
    }
}

impl<'a> Writer {
    fn compound(&'a mut self, bracket: char) -> Compound<'a> {
        let close = if bracket == '[' { ']' } else { '}' };
        self.open(bracket);
        Compound {
            writer: self,
            first: true,
            close,
        }
    }

    fn variant(&'a mut self, variant: &str, bracket: char) -> Compound<'a> {
        self.open('{');
        self.key(true, variant);
        self.compound(bracket)
    }
}
