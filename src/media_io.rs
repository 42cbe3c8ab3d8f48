//! The browser side of the media and WebRTC checks: what the page can learn
//! about cameras and microphones, `getUserMedia`, and ICE gathering with an
//! `RTCPeerConnection`. Called by the driver only. APIs that differ between
//! browsers are reached reflectively, so a missing one is an answer, not a
//! crash.

use conncheck_core::check::{
    Event, Handle, IceServer, MediaError, MediaFacts, MediaKind, TrackFacts,
};
use conncheck_core::checks::media::PermissionState;
use conncheck_core::privacy;
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    MediaStream, RtcConfiguration, RtcPeerConnection, RtcPeerConnectionIceEvent,
    RtcSessionDescriptionInit,
};

use crate::browser::{js_error_text, window};
use crate::channel::spawn;

fn get(target: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// Calls `target.name(args...)` and awaits it when it returns a promise.
async fn call(target: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = get(target, name)
        .ok_or_else(|| JsValue::from_str(&format!("{name} is missing")))?
        .dyn_into()?;
    let result = function.apply(target, &args.iter().collect::<Array>())?;
    match result.dyn_into::<Promise>() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(value) => Ok(value),
    }
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object.into()
}

fn media_devices() -> Option<JsValue> {
    get(&window().navigator(), "mediaDevices").filter(|d| get(d, "getUserMedia").is_some())
}

async fn permission(name: &str) -> PermissionState {
    let Some(permissions) = get(&window().navigator(), "permissions") else {
        return PermissionState::Unknown;
    };
    match call(&permissions, "query", &[object(&[("name", name.into())])]).await {
        Ok(status) => match get(&status, "state").and_then(|s| s.as_string()).as_deref() {
            Some("granted") => PermissionState::Granted,
            Some("denied") => PermissionState::Denied,
            Some("prompt") => PermissionState::Prompt,
            _ => PermissionState::Unknown,
        },
        Err(_) => PermissionState::Unknown,
    }
}

async fn policy_allows(feature: &str) -> Option<bool> {
    let document: JsValue = window().document()?.into();
    let policy = get(&document, "permissionsPolicy").or_else(|| get(&document, "featurePolicy"))?;
    call(&policy, "allowsFeature", &[feature.into()])
        .await
        .ok()?
        .as_bool()
}

/// Everything knowable without prompting.
pub async fn query_media() -> MediaFacts {
    let mut facts = MediaFacts {
        api: media_devices().is_some(),
        camera: permission("camera").await,
        microphone: permission("microphone").await,
        policy_camera: policy_allows("camera").await,
        policy_microphone: policy_allows("microphone").await,
        ..MediaFacts::default()
    };
    if let Some(devices) = media_devices() {
        if let Ok(list) = call(&devices, "enumerateDevices", &[]).await {
            for device in Array::from(&list).iter() {
                match get(&device, "kind").and_then(|k| k.as_string()).as_deref() {
                    Some("videoinput") => facts.cameras += 1,
                    Some("audioinput") => facts.microphones += 1,
                    Some("audiooutput") => facts.speakers += 1,
                    _ => {}
                }
                // Labels are read only to know whether they are shown.
                facts.labels_visible |= get(&device, "label")
                    .and_then(|l| l.as_string())
                    .is_some_and(|l| !l.is_empty());
            }
        }
    }
    facts
}

fn media_error(e: JsValue) -> MediaError {
    let name = get(&e, "name")
        .and_then(|n| n.as_string())
        .unwrap_or_else(|| "Error".into());
    let message = get(&e, "message")
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| js_error_text(e));
    MediaError {
        name: privacy::redact_text(&name).chars().take(60).collect(),
        message: privacy::redact_text(&message).chars().take(200).collect(),
    }
}

/// `getUserMedia` for one kind; the stream and what its track delivers.
pub async fn get_user_media(kind: MediaKind) -> Result<(MediaStream, TrackFacts), MediaError> {
    let Some(devices) = media_devices() else {
        return Err(MediaError {
            name: "TypeError".into(),
            message: "navigator.mediaDevices.getUserMedia is missing".into(),
        });
    };
    let constraints = match kind {
        MediaKind::Audio => object(&[("audio", true.into())]),
        MediaKind::Video => object(&[("video", true.into())]),
    };
    let stream: MediaStream = call(&devices, "getUserMedia", &[constraints])
        .await
        .map_err(media_error)?
        .unchecked_into();
    let mut track = TrackFacts::default();
    if let Some(first) = stream.get_tracks().iter().next() {
        if let Ok(settings) = call(&first, "getSettings", &[]).await {
            let number = |name: &str| get(&settings, name).and_then(|v| v.as_f64());
            track = TrackFacts {
                width: number("width").map(|v| v as u32),
                height: number("height").map(|v| v as u32),
                frame_rate: number("frameRate"),
                sample_rate: number("sampleRate").map(|v| v as u32),
                channel_count: number("channelCount").map(|v| v as u32),
            };
        }
    }
    Ok((stream, track))
}

pub fn stop_stream(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Some(stop) = get(&track, "stop").and_then(|f| f.dyn_into::<Function>().ok()) {
            let _ = stop.call0(&track);
        }
    }
}

/// One ICE gathering; closing it (drop) detaches the handlers first.
pub struct Peer {
    pc: RtcPeerConnection,
    _on_candidate: Closure<dyn FnMut(RtcPeerConnectionIceEvent)>,
    _on_error: Closure<dyn FnMut(JsValue)>,
}

impl Peer {
    pub fn gather(
        id: Handle,
        server: Option<IceServer>,
        send: impl Fn(Event) + Clone + 'static,
    ) -> Result<Peer, JsValue> {
        let servers = Array::new();
        if let Some(s) = &server {
            let mut pairs = vec![("urls", JsValue::from_str(&s.url))];
            if let Some(u) = &s.username {
                pairs.push(("username", u.into()));
            }
            if let Some(c) = &s.credential {
                pairs.push(("credential", c.into()));
            }
            servers.push(&object(&pairs));
        }
        let config: RtcConfiguration = object(&[("iceServers", servers.into())]).unchecked_into();
        let pc = RtcPeerConnection::new_with_configuration(&config)?;
        let on_candidate_send = send.clone();
        let on_candidate = Closure::<dyn FnMut(RtcPeerConnectionIceEvent)>::new(
            move |e: RtcPeerConnectionIceEvent| match e.candidate() {
                Some(c) => {
                    let relay_protocol = get(&c, "relayProtocol").and_then(|p| p.as_string());
                    on_candidate_send(Event::IceCandidate {
                        id,
                        line: c.candidate(),
                        relay_protocol,
                    });
                }
                None => on_candidate_send(Event::IceComplete { id }),
            },
        );
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            let code = get(&e, "errorCode").and_then(|c| c.as_f64()).unwrap_or(0.0) as u16;
            // Chromium's texts may quote the server's URL; redacted here.
            let text = get(&e, "errorText")
                .and_then(|t| t.as_string())
                .map(|t| privacy::redact_text(&t))
                .unwrap_or_default();
            send(Event::IceError { id, code, text });
        });
        pc.set_onicecandidate(Some(on_candidate.as_ref().unchecked_ref()));
        let _ = Reflect::set(&pc, &"onicecandidateerror".into(), on_error.as_ref());
        pc.create_data_channel("conncheck");
        let offer_pc = pc.clone();
        spawn(async move {
            if let Ok(offer) = JsFuture::from(offer_pc.create_offer()).await {
                let _ = JsFuture::from(
                    offer_pc
                        .set_local_description(offer.unchecked_ref::<RtcSessionDescriptionInit>()),
                )
                .await;
            }
        });
        Ok(Peer {
            pc,
            _on_candidate: on_candidate,
            _on_error: on_error,
        })
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.pc.set_onicecandidate(None);
        let _ = Reflect::set(&self.pc, &"onicecandidateerror".into(), &JsValue::NULL);
        self.pc.close();
    }
}
