//! The share panel's messages, one test each, through the page's reducer.

use std::rc::Rc;

use super::{QrCode, ShareMsg, COPY_REFUSED, LINK_COPIED, REPORT_COPIED};
use crate::page::{Deflated, Msg, State};

fn share(state: State, msg: ShareMsg) -> State {
    state.reduce(Msg::Share(msg))
}

#[test]
fn a_copy_is_confirmed_by_what_was_copied() {
    let state = share(State::default(), ShareMsg::Copied { link: false });
    assert_eq!(state.share.status, Some(REPORT_COPIED));
    let state = share(state, ShareMsg::Copied { link: true });
    assert_eq!(state.share.status, Some(LINK_COPIED));
}

#[test]
fn a_refused_copy_shows_the_text_until_a_copy_succeeds() {
    let state = share(State::default(), ShareMsg::CopyRefused("the text".into()));
    assert_eq!(state.share.status, Some(COPY_REFUSED));
    assert_eq!(state.share.fallback.as_deref(), Some("the text"));
    let state = share(state, ShareMsg::CopyRefused("again".into()));
    assert_eq!(state.share.copies, 2, "each copy counts, refused or not");
    let state = share(state, ShareMsg::Copied { link: true });
    assert_eq!(state.share.fallback, None);
    assert_eq!(state.share.copies, 3);
}

#[test]
fn the_qr_code_shows_and_hides() {
    let state = share(State::default(), ShareMsg::ToggleQr);
    assert!(state.share.show_qr);
    assert!(!share(state, ShareMsg::ToggleQr).share.show_qr);
}

#[test]
fn a_qr_code_belongs_to_its_link() {
    let code = QrCode::Drawn {
        side: 29,
        path: "M4 4h1v1h-1z".into(),
    };
    let state = share(
        State::default(),
        ShareMsg::QrDrawn {
            link: "https://x.example/#report=a".into(),
            code: code.clone(),
        },
    );
    assert_eq!(
        state.share.qr_of("https://x.example/#report=a"),
        Some(&code)
    );
    assert_eq!(state.share.qr_of("https://x.example/#report=b"), None);
}

#[test]
fn the_download_address_is_kept_until_replaced() {
    let state = share(State::default(), ShareMsg::Download(Some("blob:1".into())));
    assert_eq!(state.share.download.as_deref(), Some("blob:1"));
    let state = share(state, ShareMsg::Download(None));
    assert_eq!(state.share.download, None);
}

#[test]
fn run_again_forgets_the_last_copy_and_the_qr_code() {
    let state = share(State::default(), ShareMsg::CopyRefused("t".into()));
    let state = share(state, ShareMsg::ToggleQr).reduce(Msg::Reset);
    assert_eq!(state.share, Default::default());
}

#[test]
fn an_older_compression_never_replaces_a_newer_one() {
    let record = crate::share::decode(include_str!("../fixtures/lab_report.json")).unwrap();
    let view = Rc::new(crate::view::derive(&record));
    let deflated = |settled| Deflated {
        settled,
        report: Rc::new(record.clone()),
        view: view.clone(),
        bytes: Rc::from(&[settled as u8][..]),
    };
    let state = State::<()>::default().reduce(Msg::Deflated(deflated(2)));
    let state = state.reduce(Msg::Deflated(deflated(1)));
    assert_eq!(state.deflated.as_ref().map(|d| d.settled), Some(2));
    let state = state.reduce(Msg::Deflated(deflated(3)));
    assert_eq!(state.deflated.as_ref().map(|d| d.settled), Some(3));
}
