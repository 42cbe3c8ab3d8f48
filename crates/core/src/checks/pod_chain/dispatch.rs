//! Sorting a check's events by the request they answer: an answer, no
//! answer (a network error or the request's own timeout), another timer,
//! or something stale. Shared by every check whose request timers carry
//! the requests' ids.

use super::{InFlight, REQUEST_TIMEOUT_MS};
use crate::check::{Event, Handle};

/// Which request of a check an event is about (`T`: what the check keeps
/// for one request).
pub(crate) enum Dispatched<T = InFlight> {
    Response {
        req: T,
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// A network error, or (`timed_out`) no answer within the request's
    /// timeout.
    NoAnswer {
        req: T,
        what: String,
        timed_out: bool,
    },
    /// A timer that is not a request in flight's (the check's own, or
    /// the stale timer of a request answered meanwhile).
    Timer(Handle),
    /// An answer of a request no longer in flight, or another event.
    Stale,
}

/// Sorts an event of a check whose request timers have the requests' ids:
/// `find` gives (or takes) what the check keeps for the request with an id.
pub(crate) fn dispatch<T>(
    event: Event,
    mut find: impl FnMut(Handle) -> Option<T>,
) -> Dispatched<T> {
    match event {
        Event::HttpResponse {
            id,
            status,
            headers,
            body,
        } => match find(id) {
            Some(req) => Dispatched::Response {
                req,
                status,
                headers,
                body,
            },
            None => Dispatched::Stale,
        },
        Event::HttpFailed { id, message } => match find(id) {
            Some(req) => Dispatched::NoAnswer {
                req,
                what: format!("no readable answer ({message})"),
                timed_out: false,
            },
            None => Dispatched::Stale,
        },
        Event::Timeout { id } => match find(id) {
            Some(req) => Dispatched::NoAnswer {
                req,
                what: format!("no answer within {} s", REQUEST_TIMEOUT_MS / 1000),
                timed_out: true,
            },
            None => Dispatched::Timer(id),
        },
        _ => Dispatched::Stale,
    }
}
