//! Each request's id, in its `X-Request-Id` header and in every log line written while it is
//! served; the requests an operator must hear of (server errors, slow answers) logged with
//! their route and time; and, with metrics on, every request counted and timed by route with
//! the same route and clock readings.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use crate::prometheus;

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

tokio::task_local! {
    static CURRENT: HeaderValue;
}

/// The id of the request this task serves, for its log lines (`-` outside a request). A
/// task-local rather than a tracing span: a span per request cost a tenth of the reading
/// page's throughput.
pub fn current() -> String {
    CURRENT
        .try_with(|id| id.to_str().unwrap_or_default().to_owned())
        .unwrap_or_else(|_| "-".to_owned())
}

/// Serves the request under its id, answers the id in `X-Request-Id`, logs it if it failed
/// on the server's side or took `slow` or longer, and counts it in the metrics when they are
/// on. The time is to the response's head: a live stream counts once, until it opens.
pub async fn log_requests(slow: Duration, request: Request, next: Next) -> Response {
    let id = request_id(&request);
    let route = request.extensions().get::<MatchedPath>().cloned();
    let method = request.method().clone();
    let started = Instant::now();
    let mut response = CURRENT.scope(id.clone(), next.run(request)).await;
    let took = started.elapsed();
    let status = response.status();
    if prometheus::on() {
        prometheus::request(&method, route.as_ref(), status, took);
    }
    if status.is_server_error() || took >= slow {
        let route = route.as_ref().map_or("(no route)", MatchedPath::as_str);
        let request_id = id.to_str().unwrap_or_default();
        let ms = took.as_secs_f64() * 1000.0;
        if status.is_server_error() {
            tracing::error!(request_id, %method, route, status = status.as_u16(), ms, "server error");
        } else {
            tracing::warn!(request_id, %method, route, status = status.as_u16(), ms, "slow request");
        }
    }
    response.headers_mut().insert(REQUEST_ID, id);
    response
}
