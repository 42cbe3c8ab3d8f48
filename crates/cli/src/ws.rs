//! A WebSocket as a browser's `WebSocket` reports it to the page: `open`,
//! text messages, and one `close` with the code the page would get (the
//! server's code, 1005 for a close frame without one, 1006 for a connection
//! that ended without a close frame or never opened, 1009 for a message too
//! big), its reason redacted. The jar's cookies go with the handshake, and
//! the cookies its answer sets go into the jar, as in a browser.

use std::sync::Arc;

use conncheck_core::check::{CloseCode as Reported, Event, Handle};
use conncheck_core::privacy;
use futures_util::{SinkExt, StreamExt};
use reqwest::cookie::Jar;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error, Message};

use crate::net::{user_agent, ws_cookie, ws_set_cookies};

/// The page's bound on one message (the core's), in bytes here.
pub const MAX_WS_MESSAGE: usize = conncheck_core::check::MAX_WS_MESSAGE as usize;

/// How long a close this side started waits for the server's answer.
const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// What the driver asks of an open socket.
pub enum Command {
    Send(String),
    Close(u16),
}

fn closed(id: Handle, code: u16, reason: &str, clean: bool) -> Event {
    Event::WsClosed {
        id,
        code,
        reason: privacy::redact_text(reason),
        clean,
    }
}

/// Runs one socket until it closes; every event goes to `events`.
pub async fn run(
    id: Handle,
    url: String,
    origin: String,
    jar: Arc<Jar>,
    mut commands: UnboundedReceiver<Command>,
    events: UnboundedSender<Event>,
) {
    let end = drive(id, &url, &origin, &jar, &mut commands, &events).await;
    let _ = events.send(end);
}

async fn drive(
    id: Handle,
    url: &str,
    origin: &str,
    jar: &Jar,
    commands: &mut UnboundedReceiver<Command>,
    events: &UnboundedSender<Event>,
) -> Event {
    let abnormal = |reason: &str| closed(id, 1006, reason, false);
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return abnormal("SyntaxError: the URL is invalid");
    };
    let Ok(mut request) = url.into_client_request() else {
        return abnormal("SyntaxError: the URL is invalid");
    };
    let headers = request.headers_mut();
    if let Ok(v) = origin.parse() {
        headers.insert("origin", v);
    }
    if let Ok(v) = user_agent().parse() {
        headers.insert("user-agent", v);
    }
    if let Some(cookie) = ws_cookie(jar, &parsed) {
        headers.insert("cookie", cookie);
    }
    let mut config = WebSocketConfig::default();
    config.max_message_size = Some(MAX_WS_MESSAGE);
    config.max_frame_size = Some(MAX_WS_MESSAGE);
    let connect = tokio_tungstenite::connect_async_with_config(request, Some(config), false);
    let (mut socket, answer) = match tokio::time::timeout(crate::net::FETCH_TIMEOUT, connect).await
    {
        Ok(Ok(pair)) => pair,
        // A refused or failed handshake: the page sees only a close.
        Ok(Err(_)) | Err(_) => return abnormal(""),
    };
    ws_set_cookies(jar, &parsed, answer.headers());
    let _ = events.send(Event::WsOpened { id });
    // Once this side sent its close frame, the server has this long to
    // answer it.
    let mut closing: Option<tokio::time::Instant> = None;
    loop {
        let close_by = closing.unwrap_or_else(tokio::time::Instant::now);
        tokio::select! {
            _ = tokio::time::sleep_until(close_by), if closing.is_some() => return abnormal(""),
            command = commands.recv(), if closing.is_none() => match command {
                Some(Command::Send(text)) => {
                    if socket.send(Message::text(text)).await.is_err() {
                        return abnormal("");
                    }
                }
                Some(Command::Close(code)) => {
                    closing = Some(tokio::time::Instant::now() + CLOSE_WAIT);
                    let frame = CloseFrame { code: CloseCode::from(code), reason: "".into() };
                    if socket.send(Message::Close(Some(frame))).await.is_err() {
                        return abnormal("");
                    }
                }
                // The driver is gone: close as a page being left does.
                None => {
                    let _ = socket.close(None).await;
                    return abnormal("");
                }
            },
            message = socket.next() => match message {
                Some(Ok(Message::Text(text))) => {
                    let _ = events.send(Event::WsMessage { id, text: text.to_string() });
                }
                Some(Ok(Message::Binary(data))) => {
                    let _ = events.send(Event::WsBinary { id, len: data.len() });
                }
                Some(Ok(Message::Close(frame))) => {
                    // tungstenite answers the close; the page's event comes
                    // once the handshake is done, with the server's code.
                    let (code, reason) = match frame {
                        Some(f) => (u16::from(f.code), f.reason.to_string()),
                        None => (Reported::NO_STATUS.0, String::new()),
                    };
                    drain(&mut socket).await;
                    return closed(id, code, &reason, true);
                }
                Some(Ok(_)) => {}
                Some(Err(Error::Capacity(_))) => {
                    return closed(id, Reported::MESSAGE_TOO_BIG.0, &format!("a message longer than {MAX_WS_MESSAGE} bytes"), false);
                }
                Some(Err(_)) | None => return abnormal(""),
            },
        }
    }
}

/// Finishes the closing handshake (bounded): the server may send nothing more.
async fn drain<S>(socket: &mut S)
where
    S: StreamExt + Unpin,
{
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), async {
        while socket.next().await.is_some() {}
    })
    .await;
}
