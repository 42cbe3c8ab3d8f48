//! What the browser tells about cameras and microphones: the facts media
//! events carry from the driver to a check (and the media check reports).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Audio,
    Video,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PermissionState {
    Granted,
    Denied,
    Prompt,
    #[default]
    Unknown,
}

/// What the page can learn without prompting.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MediaFacts {
    /// `navigator.mediaDevices.getUserMedia` exists.
    pub api: bool,
    pub camera: PermissionState,
    pub microphone: PermissionState,
    /// Whether the page's Permissions-Policy allows them, where the browser says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_camera: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_microphone: Option<bool>,
    pub cameras: u32,
    pub microphones: u32,
    pub speakers: u32,
    /// Device labels are shown only once access was granted.
    pub labels_visible: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TrackFacts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_rate: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_count: Option<u32>,
}

/// A `getUserMedia` rejection: its DOMException name and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaError {
    pub name: String,
    pub message: String,
}
