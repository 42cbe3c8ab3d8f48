//! The page's way to QR codes: the encoder lives in a third wasm module
//! (`src/qr_main.rs`), fetched through the loader's `window.conncheckQr()`
//! only when the user asks for a QR code of the report link.

use conncheck_core::page::QrCode;
use wasm_bindgen::JsValue;

use crate::support_loader::export;

/// The loader's function that starts the QR module.
const QR: &str = "conncheckQr";

/// The QR code of `text`.
pub async fn qr_code(text: &str) -> QrCode {
    let Some(qr) = export(QR, "qr").await else {
        return QrCode::Unavailable;
    };
    let Ok(answer) = qr.call1(&JsValue::UNDEFINED, &JsValue::from_str(text)) else {
        return QrCode::Unavailable;
    };
    let Some(answer) = answer.as_string() else {
        return QrCode::TooLong;
    };
    match answer.split_once(' ') {
        Some((side, path)) => match side.parse() {
            Ok(side) => QrCode::Drawn {
                side,
                path: path.to_owned(),
            },
            Err(_) => QrCode::Unavailable,
        },
        None => QrCode::Unavailable,
    }
}
