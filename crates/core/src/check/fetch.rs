//! What a check's request asks of the browser's `fetch()`.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    /// `credentials: "include"`: cookies go along, also cross-origin.
    Include,
    /// `credentials: "omit"`: no cookies at all.
    Omit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchMode {
    Cors,
    /// An opaque request: tells "something answered" from "nothing answered"
    /// even where CORS hides the answer.
    NoCors,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRequest {
    pub url: String,
    pub method: &'static str,
    pub body: Option<String>,
    pub credentials: Credentials,
    pub mode: FetchMode,
}

impl FetchRequest {
    pub fn get(url: impl Into<String>) -> Self {
        FetchRequest {
            url: url.into(),
            method: "GET",
            body: None,
            credentials: Credentials::Include,
            mode: FetchMode::Cors,
        }
    }

    pub fn post(url: impl Into<String>, body: impl Into<String>) -> Self {
        FetchRequest {
            method: "POST",
            body: Some(body.into()),
            ..FetchRequest::get(url)
        }
    }
}
