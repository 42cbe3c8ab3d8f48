//! The camera and microphone test: its button, and while it runs a live
//! preview of the camera and a level meter of the microphone. A view: the
//! preview is the stream set as the video element's `srcObject`, the level
//! comes from the page state, fed by [`MicMeter`] (which the app holds while
//! the microphone's stream lives).

use gloo_timers::callback::Interval;
use wasm_bindgen::JsValue;
use web_sys::{AudioContext, MediaStream};
use yew::prelude::*;

pub fn media_panel(
    busy: bool,
    onclick: Callback<MouseEvent>,
    video: Option<MediaStream>,
    mic_level: Option<u32>,
) -> Html {
    html! {
        <section class="on-demand media" aria-label="Camera and microphone">
            <p>{ "Calls need your camera and microphone. The test asks for them, shows them for a few seconds, then turns them off." }</p>
            <button type="button" data-action="media-test" disabled={busy} {onclick}>
                { "Test camera and microphone" }
            </button>
            if let Some(stream) = video {
                <video class="preview" ~srcObject={JsValue::from(stream)} autoplay=true muted=true playsinline=true aria-label="Camera preview"></video>
            }
            if let Some(level) = mic_level {
                <div class="mic-level">
                    <label for="mic-meter">{ "Microphone level" }</label>
                    <meter id="mic-meter" min="0" max="1" low="0.05" value={meter_value(level)}></meter>
                </div>
            }
        </section>
    }
}

/// Level in thousandths, 0 to 1000: the RMS of the last audio frame, scaled up.
fn rms_level(samples: &[f32]) -> u32 {
    if samples.is_empty() {
        return 0;
    }
    let rms =
        (samples.iter().map(|s| (*s as f64).powi(2)).sum::<f64>() / samples.len() as f64).sqrt();
    ((rms * 4.0).min(1.0) * 1000.0).round() as u32
}

/// The meter's value from 0 to 1, written without float formatting
/// (which would add its code to the page).
fn meter_value(thousandths: u32) -> String {
    format!("{}.{:03}", thousandths / 1000, thousandths % 1000)
}

/// The microphone's audio graph, measuring its level ten times a second
/// until dropped.
pub struct MicMeter {
    context: AudioContext,
    _interval: Interval,
}

impl MicMeter {
    pub fn start(stream: &MediaStream, on_level: impl Fn(u32) + 'static) -> Option<MicMeter> {
        let context = AudioContext::new().ok()?;
        // Created after an await, it may start suspended (autoplay policy).
        let _ = context.resume();
        let source = context.create_media_stream_source(stream).ok()?;
        let analyser = context.create_analyser().ok()?;
        source.connect_with_audio_node(&analyser).ok()?;
        let mut samples = vec![0f32; analyser.fft_size() as usize];
        let interval = Interval::new(100, move || {
            analyser.get_float_time_domain_data(&mut samples);
            on_level(rms_level(&samples));
        });
        Some(MicMeter {
            context,
            _interval: interval,
        })
    }
}

impl Drop for MicMeter {
    fn drop(&mut self) {
        let _ = self.context.close();
    }
}
