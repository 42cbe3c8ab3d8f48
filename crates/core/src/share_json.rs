//! The bytes behind a payload without a compressor of its own: the
//! report's compact JSON written from its pretty form (the page then needs
//! one JSON serializer, not two), a raw DEFLATE stream of stored blocks,
//! for a browser without `CompressionStream("deflate-raw")`, and the
//! payload's base64url (the page only encodes; the base64 crate's engine
//! decodes, in the support module).

use serde::Serialize;

/// The report's JSON exactly as `serde_json::to_vec` writes it, made from
/// its pretty form with the whitespace between tokens taken out: the page
/// serializes reports pretty anyway (`#report-json`), and one JSON
/// serializer instead of two keeps about 20 KB of code out of its wasm.
pub fn compact_json<T: Serialize>(report: &T) -> Vec<u8> {
    // A report's types serialize without fail (strings, numbers, maps with
    // string keys): an empty payload here would be a bug, which opens as a
    // damaged link rather than a wrong report.
    let pretty = crate::json::to_pretty(report)
        .unwrap_or_default()
        .into_bytes();
    debug_assert!(!pretty.is_empty(), "a report always serializes");
    let mut out = Vec::with_capacity(pretty.len());
    let (mut in_string, mut escaped) = (false, false);
    for byte in pretty {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
        } else if byte == b'"' {
            in_string = true;
        } else if byte.is_ascii_whitespace() {
            continue;
        }
        out.push(byte);
    }
    out
}

/// `bytes` as a valid raw DEFLATE stream (RFC 1951) of uncompressed
/// ("stored") blocks: longer than compressed, read by every inflater.
pub fn stored_deflate(bytes: &[u8]) -> Vec<u8> {
    const MAX_BLOCK: usize = 0xFFFF;
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / MAX_BLOCK * 5 + 5);
    let mut blocks = bytes.chunks(MAX_BLOCK).peekable();
    if blocks.peek().is_none() {
        // One final empty block.
        return vec![1, 0, 0, 0xFF, 0xFF];
    }
    while let Some(block) = blocks.next() {
        let last = blocks.peek().is_none();
        // BFINAL in bit 0, BTYPE 00 (stored), then byte-aligned LEN, NLEN.
        out.push(u8::from(last));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out
}

/// `bytes` in base64url without padding (RFC 4648 §5).
pub fn base64url(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(DIGITS[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}
