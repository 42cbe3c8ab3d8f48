//! The scalars of JSON text: strings with their escapes, and numbers,
//! checked against the grammar and kept as written.

use super::{JsonError, Reader};
use crate::json::{Number, Value};

/// f64::MAX as written shortest (1.7976931348623157e308): a number beyond
/// it is refused as out of range. (serde_json's conversion is not exactly
/// rounded, and not even a function of the value, just above this: there
/// the two may differ; no server sends such numbers.)
const F64_MAX_DIGITS: &str = "17976931348623157";
/// The decimal exponent of f64::MAX, as `0.17976931348623157 × 10^309`.
const F64_MAX_MAGNITUDE: i64 = 309;

impl Reader<'_> {
    pub(super) fn string(&mut self) -> Result<String, JsonError> {
        self.at += 1; // "
        let mut out = Vec::new();
        loop {
            let Some(byte) = self.peek() else {
                return Err(self.eof("EOF while parsing a string"));
            };
            self.at += 1;
            match byte {
                b'"' => break,
                b'\\' => self.escape(&mut out)?,
                0..=0x1f => {
                    self.at -= 1;
                    return Err(self.error_after(
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ));
                }
                _ => out.push(byte),
            }
        }
        // Bytes of a &str, cut only at ASCII quotes and backslashes, and
        // escapes written as UTF-8: always valid.
        String::from_utf8(out).map_err(|_| self.error_after("invalid unicode code point"))
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let Some(byte) = self.peek() else {
            return Err(self.eof("EOF while parsing a string"));
        };
        self.at += 1;
        let plain = match byte {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let c = self.unicode_escape()?;
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                return Ok(());
            }
            _ => {
                self.at -= 1;
                return Err(self.error_after("invalid escape"));
            }
        };
        out.push(plain);
        Ok(())
    }

    /// After `\u`: a code point, from a surrogate pair where it takes two.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.text.get(self.at..self.at + 2) != Some(b"\\u") {
                    return Err(self.error_after("lone leading surrogate in hex escape"));
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error_after("lone leading surrogate in hex escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => {
                return Err(self.error_after("lone trailing surrogate in hex escape"))
            }
            code => code,
        };
        char::from_u32(code).ok_or_else(|| self.error_after("invalid unicode code point"))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut code = 0;
        for _ in 0..4 {
            let Some(byte) = self.peek() else {
                return Err(self.eof("EOF while parsing a string"));
            };
            let digit = (byte as char)
                .to_digit(16)
                .ok_or_else(|| self.error_after("invalid escape"))?;
            self.at += 1;
            code = code * 16 + digit;
        }
        Ok(code)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as written.
    pub(super) fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let int_start = self.at;
        match self.peek() {
            Some(b'0') => {
                self.at += 1;
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(self.error_after("invalid number"));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            Some(_) => return Err(self.error_after("invalid number")),
            None => return Err(self.eof("EOF while parsing a value")),
        }
        let int_end = self.at;
        let mut frac = (self.at, self.at);
        if self.peek() == Some(b'.') {
            self.at += 1;
            frac.0 = self.at;
            self.required_digits()?;
            frac.1 = self.at;
        }
        let mut exponent: i64 = 0;
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            let negative = match self.peek() {
                Some(b'-') => {
                    self.at += 1;
                    true
                }
                Some(b'+') => {
                    self.at += 1;
                    false
                }
                _ => false,
            };
            let digits_start = self.at;
            self.required_digits()?;
            // Beyond any f64's range either way; saturates, never overflows.
            for &d in &self.text[digits_start..self.at] {
                exponent = (exponent * 10 + i64::from(d - b'0')).min(1_000_000);
            }
            if negative {
                exponent = -exponent;
            }
        }
        let int = &self.text[int_start..int_end];
        let frac = &self.text[frac.0..frac.1];
        if too_large(int, frac, exponent) {
            return Err(self.error_after("number out of range"));
        }
        let text = String::from_utf8_lossy(&self.text[start..self.at]).into_owned();
        Ok(Value::Number(Number(text)))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
    }

    fn required_digits(&mut self) -> Result<(), JsonError> {
        match self.peek() {
            Some(b'0'..=b'9') => {
                self.digits();
                Ok(())
            }
            Some(_) => Err(self.error_after("invalid number")),
            None => Err(self.eof("EOF while parsing a value")),
        }
    }
}

/// Whether `int.frac × 10^exponent` is beyond f64::MAX: compared in
/// decimal with [`F64_MAX_DIGITS`], no float arithmetic.
fn too_large(int: &[u8], frac: &[u8], exponent: i64) -> bool {
    let all: Vec<u8> = int.iter().chain(frac).copied().collect();
    let Some(first) = all.iter().position(|d| *d != b'0') else {
        return false; // zero
    };
    // The value is 0.digits × 10^magnitude.
    let magnitude = int.len() as i64 - first as i64 + exponent;
    if magnitude != F64_MAX_MAGNITUDE {
        return magnitude > F64_MAX_MAGNITUDE;
    }
    let digits = &all[first..];
    let significant = digits.iter().rposition(|d| *d != b'0').map_or(0, |i| i + 1);
    digits[..significant] > F64_MAX_DIGITS.as_bytes()[..]
}
