//! The media preview in the page state: each stream held while it lives,
//! and the microphone's level with the audio stream.

use super::*;
use crate::checks::media::MediaKind;

#[test]
fn preview_holds_each_stream_while_it_lives() {
    let state = State::<u8>::default()
        .reduce(Msg::Preview {
            kind: MediaKind::Video,
            stream: Some(1),
        })
        .reduce(Msg::Preview {
            kind: MediaKind::Audio,
            stream: Some(2),
        });
    assert_eq!(
        state.preview,
        Preview {
            video: Some(1),
            audio: Some(2),
            mic_level: 0,
        }
    );
    let state = state.reduce(Msg::Preview {
        kind: MediaKind::Video,
        stream: None,
    });
    assert_eq!(
        state.preview,
        Preview {
            video: None,
            audio: Some(2),
            mic_level: 0,
        }
    );
}

#[test]
fn the_mic_level_lives_with_the_audio_stream() {
    let audio = |stream| Msg::Preview {
        kind: MediaKind::Audio,
        stream,
    };
    let state = State::<u8>::default().reduce(Msg::MicLevel(300));
    assert_eq!(state.preview.mic_level, 0, "no stream, no level");
    let state = state.reduce(audio(Some(2))).reduce(Msg::MicLevel(1500));
    assert_eq!(state.preview.mic_level, 1000, "at most full scale");
    let state = state.reduce(Msg::MicLevel(420));
    assert_eq!(state.preview.mic_level, 420);
    let state = state.reduce(audio(None));
    assert_eq!(state.preview.mic_level, 0, "gone with its stream");
}
