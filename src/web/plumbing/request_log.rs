//! Each request's id, in its `X-Request-Id` header and in every log line written while it is
//! served; and the requests an operator must hear of (server errors, slow answers) logged with
//! their route and time.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::web::AppState;

pub const REQUEST_ID: &str = "x-request-id";

/// Ids are this instance's random prefix and a count: unique across instances behind one load
/// balancer, and cheaper than a random number per request.
static INSTANCE: LazyLock<u32> = LazyLock::new(|| {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    u32::from_le_bytes(bytes)
});
static COUNT: AtomicU32 = AtomicU32::new(0);

/// The id a proxy in front already gave the request, when it looks like one; else a new one.
fn request_id(request: &Request) -> HeaderValue {
    let given = request.headers().get(REQUEST_ID).filter(|id| {
        let id = id.as_bytes();
        (1..=64).contains(&id.len())
            && id
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    });
    match given {
        Some(id) => id.clone(),
        None => {
            let count = COUNT.fetch_add(1, Ordering::Relaxed);
            HeaderValue::try_from(format!("{:08x}{count:08x}", *INSTANCE))
                .expect("hex digits are a valid header value")
        }
    }
}

pub async fn log_requests(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let id = request_id(&request);
    let route = request.extensions().get::<MatchedPath>().cloned();
    let method = request.method().clone();
    let started = Instant::now();
    let span = tracing::info_span!("request", id = id.to_str().unwrap_or_default());
    let mut response = next.run(request).instrument(span.clone()).await;
    let took = started.elapsed();
    let status = response.status();
    let ms = took.as_secs_f64() * 1000.0;
    let route = route.as_ref().map_or("(no route)", MatchedPath::as_str);
    span.in_scope(|| {
        if status.is_server_error() {
            tracing::error!(%method, route, status = status.as_u16(), ms, "server error");
        } else if took >= state.config.slow_request {
            tracing::warn!(%method, route, status = status.as_u16(), ms, "slow request");
        }
    });
    response.headers_mut().insert(REQUEST_ID, id);
    response
}
