//! The cookies the page can see, by name and attributes, never by value.

use conncheck_core::check::VisibleCookie;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{prop, window};

/// The cookies the page can see: names from `document.cookie`, attributes
/// from the CookieStore API where the browser has it. Values are dropped
/// here, before anything else can hold them.
pub async fn visible_cookies() -> Vec<VisibleCookie> {
    let jar = window()
        .document()
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|d| d.cookie().ok())
        .unwrap_or_default();
    let mut cookies: Vec<VisibleCookie> = jar
        .split(';')
        .filter_map(|pair| pair.split('=').next().map(str::trim))
        .filter(|name| !name.is_empty())
        .map(|name| VisibleCookie {
            name: name.to_owned(),
            ..Default::default()
        })
        .collect();
    for entry in cookie_store_entries().await {
        let Some(name) = prop(&entry, "name").and_then(|v| v.as_string()) else {
            continue;
        };
        let attributes = VisibleCookie {
            domain: prop(&entry, "domain").and_then(|v| v.as_string()),
            path: prop(&entry, "path").and_then(|v| v.as_string()),
            secure: prop(&entry, "secure").and_then(|v| v.as_bool()),
            same_site: prop(&entry, "sameSite").and_then(|v| v.as_string()),
            partitioned: prop(&entry, "partitioned").and_then(|v| v.as_bool()),
            name: name.clone(),
        };
        match cookies.iter_mut().find(|c| c.name == name) {
            Some(known) => *known = attributes,
            None => cookies.push(attributes),
        }
    }
    cookies
}

async fn cookie_store_entries() -> Vec<JsValue> {
    let Some(store) = prop(&window(), "cookieStore") else {
        return Vec::new();
    };
    let Some(get_all) = prop(&store, "getAll").and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return Vec::new();
    };
    let Ok(promise) = get_all
        .call0(&store)
        .and_then(|p| p.dyn_into::<js_sys::Promise>())
    else {
        return Vec::new();
    };
    match JsFuture::from(promise).await {
        Ok(list) => js_sys::Array::from(&list).iter().collect(),
        Err(_) => Vec::new(),
    }
}
