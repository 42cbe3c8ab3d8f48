//! Percent-encoding as the WHATWG URL standard does it for the four special
//! schemes, and `application/x-www-form-urlencoded` query pairs.

/// The percent-encode sets of the standard (C0 controls, DEL and every
/// non-ASCII byte are in each of them).
#[derive(Clone, Copy)]
pub(super) enum Set {
    Fragment,
    SpecialQuery,
    Path,
    Userinfo,
}

impl Set {
    fn has(self, byte: u8) -> bool {
        if !(0x20..0x7f).contains(&byte) {
            return true;
        }
        let fragment = b" \"<>`".contains(&byte);
        match self {
            Set::Fragment => fragment,
            Set::SpecialQuery => b" \"#<>'".contains(&byte),
            Set::Path => fragment || b"#?{}".contains(&byte),
            Set::Userinfo => fragment || b"#?{}/:;=@[\\]^|".contains(&byte),
        }
    }
}

fn push_byte(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(HEX[usize::from(byte >> 4)] as char);
    out.push(HEX[usize::from(byte & 15)] as char);
}

/// `text` with the bytes of `set` percent-encoded; a `%` already there stays.
pub(super) fn encode(out: &mut String, text: &str, set: Set) {
    for (i, c) in text.char_indices() {
        let bytes = &text.as_bytes()[i..i + c.len_utf8()];
        if c.is_ascii() && !set.has(bytes[0]) {
            out.push(c);
        } else {
            bytes.iter().for_each(|&b| push_byte(out, b));
        }
    }
}

/// `%XX` turned back into bytes (a `%` not followed by two hex digits
/// stays), read as UTF-8 with replacement characters.
pub(super) fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |j: usize| bytes.get(j).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The name-value pairs of a form-encoded query (`+` is a space).
pub(super) fn parse_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let plain = |s: &str| decode(&s.replace('+', " "));
            (plain(name), plain(value))
        })
        .collect()
}

/// One pair appended to a form-encoded query, `&` first unless it is empty.
pub(super) fn append_pair(query: &mut String, name: &str, value: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    form_encode(query, name);
    query.push('=');
    form_encode(query, value);
}

fn form_encode(out: &mut String, text: &str) {
    for &byte in text.as_bytes() {
        match byte {
            b' ' => out.push('+'),
            b'*' | b'-' | b'.' | b'_' => out.push(byte as char),
            _ if byte.is_ascii_alphanumeric() => out.push(byte as char),
            _ => push_byte(out, byte),
        }
    }
}
