//! The camera and microphone test: its button, and while it runs a live
//! preview of the camera and a level meter of the microphone.

use gloo_timers::callback::Interval;
use web_sys::{AudioContext, HtmlVideoElement, MediaStream};
use yew::prelude::*;

/// The panel: a view; the preview and the meter are components, which
/// hold the element and the audio graph they drive.
pub fn media_panel(
    busy: bool,
    onclick: Callback<MouseEvent>,
    video: Option<MediaStream>,
    audio: Option<MediaStream>,
) -> Html {
    html! {
        <section class="on-demand media" aria-label="Camera and microphone">
            <p>{ "Calls need your camera and microphone. The test asks for them, shows them for a few seconds, then turns them off." }</p>
            <button type="button" data-action="media-test" disabled={busy} {onclick}>
                { "Test camera and microphone" }
            </button>
            if let Some(stream) = video {
                <CameraPreview {stream} />
            }
            if let Some(stream) = audio {
                <MicLevel {stream} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct StreamProps {
    pub stream: MediaStream,
}

#[component]
fn CameraPreview(props: &StreamProps) -> Html {
    let video = use_node_ref();
    {
        let video = video.clone();
        use_effect_with(props.stream.clone(), move |stream| {
            if let Some(element) = video.cast::<HtmlVideoElement>() {
                element.set_src_object(Some(stream));
            }
        });
    }
    html! { <video class="preview" ref={video} autoplay=true muted=true playsinline=true aria-label="Camera preview"></video> }
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

#[component]
fn MicLevel(props: &StreamProps) -> Html {
    let level = use_state(|| 0u32);
    {
        let level = level.clone();
        use_effect_with(props.stream.clone(), move |stream| {
            let meter = AudioContext::new().ok().and_then(|context| {
                // Created after an await, it may start suspended (autoplay policy).
                let _ = context.resume();
                let source = context.create_media_stream_source(stream).ok()?;
                let analyser = context.create_analyser().ok()?;
                source.connect_with_audio_node(&analyser).ok()?;
                let mut samples = vec![0f32; analyser.fft_size() as usize];
                let interval = Interval::new(100, move || {
                    analyser.get_float_time_domain_data(&mut samples);
                    level.set(rms_level(&samples));
                });
                Some((context, interval))
            });
            move || {
                if let Some((context, interval)) = meter {
                    drop(interval);
                    let _ = context.close();
                }
            }
        });
    }
    html! {
        <div class="mic-level">
            <label for="mic-meter">{ "Microphone level" }</label>
            <meter id="mic-meter" min="0" max="1" low="0.05" value={meter_value(*level)}></meter>
        </div>
    }
}
