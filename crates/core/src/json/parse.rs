//! Reads JSON text (RFC 8259) into a [`Value`], with serde_json's rules
//! where the RFC leaves a choice: at most 127 nested arrays and objects, a
//! number too large for an f64 refused, a lone surrogate escape refused.
//! Syntax errors read as serde_json's ("expected value at line 1 column 5",
//! `error_texts_are_serde_json_s`); a bad `\u` escape or a lone surrogate
//! is named in words or at a column of its own.

use std::fmt;

use super::{Map, Value};

mod scalars;

/// serde_json's default recursion limit: nesting 128 deep is refused.
const MAX_DEPTH: usize = 127;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub what: &'static str,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.what, self.line, self.column
        )
    }
}

impl std::error::Error for JsonError {}

pub fn parse(text: &str) -> Result<Value, JsonError> {
    let mut reader = Reader {
        text: text.as_bytes(),
        at: 0,
    };
    let value = reader.value(0)?;
    reader.skip_whitespace();
    if reader.at < reader.text.len() {
        return Err(reader.error_after("trailing characters"));
    }
    Ok(value)
}

struct Reader<'a> {
    text: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// The error at the byte just read (serde_json's position: the line
    /// and column of the last byte consumed).
    fn error_after(&self, what: &'static str) -> JsonError {
        let seen = &self.text[..(self.at + 1).min(self.text.len())];
        let line_start = seen.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        JsonError {
            what,
            line: 1 + seen.iter().filter(|b| **b == b'\n').count(),
            column: seen.len() - line_start,
        }
    }

    /// The error at the end of the text.
    fn eof(&self, what: &'static str) -> JsonError {
        Reader {
            text: self.text,
            at: self.text.len(),
        }
        .error_after(what)
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.skip_whitespace();
        let Some(byte) = self.peek() else {
            return Err(self.eof("EOF while parsing a value"));
        };
        match byte {
            b'n' => self.word("null", Value::Null),
            b't' => self.word("true", Value::Bool(true)),
            b'f' => self.word("false", Value::Bool(false)),
            b'"' => Ok(Value::String(self.string()?)),
            b'-' | b'0'..=b'9' => self.number(),
            b'[' | b'{' if depth == MAX_DEPTH => Err(self.error_after("recursion limit exceeded")),
            b'[' => self.array(depth + 1),
            b'{' => self.object(depth + 1),
            _ => Err(self.error_after("expected value")),
        }
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, JsonError> {
        for expected in word.bytes() {
            match self.peek() {
                None => return Err(self.eof("EOF while parsing a value")),
                Some(b) if b == expected => self.at += 1,
                Some(_) => return Err(self.error_after("expected ident")),
            }
        }
        Ok(value)
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.at += 1; // [
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek().is_none() {
            return Err(self.eof("EOF while parsing a list"));
        }
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => {
                    self.at += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(b']') {
                        return Err(self.error_after("trailing comma"));
                    }
                }
                Some(b']') => {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                Some(_) => return Err(self.error_after("expected `,` or `]`")),
                None => return Err(self.eof("EOF while parsing a list")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.at += 1; // {
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Value::Object(Map::default()));
        }
        loop {
            match self.peek() {
                Some(b'"') => {}
                Some(_) => return Err(self.error_after("key must be a string")),
                None => return Err(self.eof("EOF while parsing an object")),
            }
            let key = self.string()?;
            self.skip_whitespace();
            match self.peek() {
                Some(b':') => self.at += 1,
                Some(_) => return Err(self.error_after("expected `:`")),
                None => return Err(self.eof("EOF while parsing an object")),
            }
            let value = self.value(depth)?;
            members.push((key, value));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => {
                    self.at += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(b'}') {
                        return Err(self.error_after("trailing comma"));
                    }
                }
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Value::Object(Map::from_members(members)));
                }
                Some(_) => return Err(self.error_after("expected `,` or `}`")),
                None => return Err(self.eof("EOF while parsing an object")),
            }
        }
    }
}
