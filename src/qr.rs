//! QR codes of report links, as one SVG path of dark modules, so a phone's
//! result can be moved to a desktop.

use qrcode::{Color, EcLevel, QrCode};

/// Modules of white border around the code, as the standard asks.
pub const QUIET_ZONE: usize = 4;

/// The side length in modules (with the quiet zone) and the SVG path of the
/// dark modules; `None` when the text is too long for any QR code.
pub fn qr_path(text: &str) -> Option<(usize, String)> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L).ok()?;
    let width = code.width();
    let mut path = String::new();
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (x, y) = (i % width + QUIET_ZONE, i / width + QUIET_ZONE);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some((width + 2 * QUIET_ZONE, path))
}
