//! Rate limits: requests counted per client (or account) in fixed windows, in the database
//! so every instance counts against the same limit.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use crate::error::AppError;
use crate::web::AppState;

/// At most `max` requests of a kind per `window` seconds.
pub struct Limit {
    pub kind: &'static str,
    pub max: u32,
    pub window: i64,
    /// What the reader is told when over it.
    pub detail: &'static str,
}

pub const SHARES: Limit = Limit {
    kind: "share",
    max: 30,
    window: 60,
    detail: "Too many share links at once: wait a minute and try again.",
};

pub const LOGINS_PER_CLIENT: Limit = Limit {
    kind: "login-client",
    max: 20,
    window: 600,
    detail: "Too many attempts to log in: wait ten minutes and try again.",
};

pub const LOGINS_PER_ACCOUNT: Limit = Limit {
    kind: "login-account",
    max: 10,
    window: 600,
    detail: "Too many attempts to log in to this account: wait ten minutes and try again.",
};

pub const SIGNUPS: Limit = Limit {
    kind: "signup",
    max: 10,
    window: 3600,
    detail: "Too many new accounts from here: try again in an hour.",
};

pub const FLAGS: Limit = Limit {
    kind: "flag",
    max: 10,
    window: 600,
    detail: "Too many flags at once: wait a few minutes and try again.",
};

/// Annotation writes per account, at most `--write-limit` a minute (none when it is 0).
pub async fn check_writes(state: &AppState, username: &str) -> Result<(), AppError> {
    if state.config.write_limit == 0 {
        return Ok(());
    }
    let limit = Limit {
        kind: "write",
        max: state.config.write_limit,
        window: 60,
        detail: "Too many changes at once: wait a minute and try again.",
    };
    check(state, &limit, username).await
}

/// How often a count also clears out buckets idle for a day.
const PRUNE_ONE_IN: u8 = 255;

/// Counts one request of `limit`'s kind by `who`; a 429 problem when over the limit.
pub async fn check(state: &AppState, limit: &Limit, who: &str) -> Result<(), AppError> {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let window_start = now - now.rem_euclid(limit.window);
    let bucket = format!("{}:{who}", limit.kind);
    let hits = state.store.hit(&bucket, window_start).await?;
    let mut dice = [0u8];
    if getrandom::fill(&mut dice).is_ok() && dice[0] == PRUNE_ONE_IN {
        state.store.forget_limits_before(now - 86_400).await?;
    }
    if hits > limit.max {
        metrics::counter!("gloss_rate_limit_refusals_total", "limit" => limit.kind).increment(1);
        return Err(AppError::TooManyRequests(limit.detail.to_string()));
    }
    Ok(())
}

/// The same count, answering over the limit with `Retry-After`: the seconds until the
/// window ends and the count starts again.
pub async fn check_or_retry_after(
    state: &AppState,
    limit: &Limit,
    who: &str,
) -> Result<(), Response> {
    match check(state, limit, who).await {
        Err(err @ AppError::TooManyRequests(_)) => {
            let now = OffsetDateTime::now_utc().unix_timestamp();
            let wait = limit.window - now.rem_euclid(limit.window);
            let mut response = err.into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait));
            Err(response)
        }
        other => other.map_err(IntoResponse::into_response),
    }
}

/// The client's address: the connection's, or with `--behind-proxy` the one the proxy
/// appended last to `X-Forwarded-For` (the only entry it vouches for).
pub fn client(parts: &Parts, behind_proxy: bool) -> String {
    let forwarded = behind_proxy
        .then(|| parts.headers.get("x-forwarded-for")?.to_str().ok())
        .flatten()
        .and_then(|v| v.rsplit(',').next())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    forwarded.unwrap_or_else(|| {
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string())
    })
}

/// The client's address, as [`client`] finds it.
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(client(parts, state.config.behind_proxy)))
    }
}
