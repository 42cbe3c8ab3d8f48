//! What one answer of a `sticky-session` session says: a rate limit (429,
//! `Retry-After`, or a 503 once something was answered), a session
//! opened, a request that landed, one that reached another backend
//! ("Session ID unknown"), or another failure.

use super::data::LimitSignal;
use super::StickyCheck;
use crate::classify::{
    HttpObservation, SERVICE_UNAVAILABLE, SESSION_ID_UNKNOWN, TOO_MANY_REQUESTS,
};

/// What an answer (or its absence) says about one request.
pub(super) enum Answer {
    Opened(String),
    Ok,
    SessionUnknown,
    RateLimited,
    Failed,
    NetworkError,
    /// No answer within the timeout.
    Unanswered,
}

impl StickyCheck {
    pub(super) fn judge(
        &mut self,
        status: u16,
        obs: &HttpObservation,
        sid: Option<String>,
    ) -> Answer {
        let signal = match status {
            TOO_MANY_REQUESTS => Some(LimitSignal::TooManyRequests),
            _ if obs.retry_after => Some(LimitSignal::RetryAfter),
            SERVICE_UNAVAILABLE if self.answered => Some(LimitSignal::UnavailableAfterSuccess),
            _ => None,
        };
        let limited = signal.is_some();
        if limited {
            self.data.limit_signal = signal;
        }
        if status == 200 {
            self.answered = true;
        }
        match (status, sid) {
            _ if limited => Answer::RateLimited,
            (200, Some(sid)) => Answer::Opened(sid),
            (200, None) => Answer::Ok,
            _ if obs.error_code() == Some(SESSION_ID_UNKNOWN) => Answer::SessionUnknown,
            _ => Answer::Failed,
        }
    }
}
