//! The share panel's own state: what the last copy did (confirmed, or the
//! text shown to copy by hand where the clipboard refused), the QR code of
//! the link, and the address of the JSON download.

use std::rc::Rc;

pub const REPORT_COPIED: &str = "Report copied. Paste it into the support chat or ticket.";
pub const LINK_COPIED: &str = "Link copied. Anyone with the link can open this report.";
pub const COPY_REFUSED: &str = "Copying is not available here: the text below is selected, press Ctrl+C (⌘C on a Mac) to copy it.";

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Share {
    /// The last copy's confirmation, or why the text is shown instead.
    pub status: Option<&'static str>,
    /// The text to copy by hand, shown selected, where the clipboard
    /// refused it.
    pub fallback: Option<Rc<str>>,
    pub show_qr: bool,
    /// The QR code drawn, with the link it encodes.
    pub qr: Option<(Rc<str>, QrCode)>,
    /// The object URL of the report's JSON, for its download.
    pub download: Option<Rc<str>>,
    /// How many copies were tried: the page selects the text shown to copy
    /// by hand after each.
    pub copies: u32,
}

/// What the QR module made of a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrCode {
    /// The side length in modules (with the quiet zone) and the SVG path
    /// of the dark modules.
    Drawn { side: usize, path: String },
    /// Too long for any QR code.
    TooLong,
    /// The QR module did not load.
    Unavailable,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ShareMsg {
    /// The copy text (`link: false`) or the link went to the clipboard.
    Copied {
        link: bool,
    },
    /// The clipboard refused this text.
    CopyRefused(Rc<str>),
    ToggleQr,
    QrDrawn {
        link: Rc<str>,
        code: QrCode,
    },
    /// The download's object URL, made for the report JSON shown now.
    Download(Option<Rc<str>>),
}

impl Share {
    pub(super) fn reduce(&mut self, msg: ShareMsg) {
        match msg {
            ShareMsg::Copied { link } => {
                self.status = Some(if link { LINK_COPIED } else { REPORT_COPIED });
                self.fallback = None;
                self.copies += 1;
            }
            ShareMsg::CopyRefused(text) => {
                self.status = Some(COPY_REFUSED);
                self.fallback = Some(text);
                self.copies += 1;
            }
            ShareMsg::ToggleQr => self.show_qr = !self.show_qr,
            ShareMsg::QrDrawn { link, code } => self.qr = Some((link, code)),
            ShareMsg::Download(url) => self.download = url,
        }
    }

    /// The QR code of `link`, once drawn.
    pub fn qr_of(&self, link: &str) -> Option<&QrCode> {
        self.qr
            .as_ref()
            .filter(|(of, _)| **of == *link)
            .map(|(_, code)| code)
    }
}

#[cfg(test)]
#[path = "share_tests.rs"]
mod tests;
