//! A time limit on every request but the live streams.

use std::time::Duration;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// Longer than any request should take, even from a slow phone.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Answers 503 when a request outlasts `REQUEST_TIMEOUT`, such as a client sending its body a
/// byte at a time. `timeout` polls the handler before its timer, so a request answered at
/// once (a cached page) never sets one: setting and clearing a timer wakes the runtime, which
/// costs more than sending the page.
pub async fn limit_time(request: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => AppError::Timeout.into_response(),
    }
}
