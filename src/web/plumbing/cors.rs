//! Cross-origin use of the JSON API: pages on the origins `--cors-origins` names may call
//! `/annotations/` and `/api/` from their scripts, with Bearer tokens and never with cookies
//! (no `Access-Control-Allow-Credentials`; `auth` ignores the session cookie of such a
//! request). Pages and everything else get no CORS headers.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use tower::{Layer, ServiceExt};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::request_log::REQUEST_ID;
use crate::config::Config;

/// How long a browser may keep a preflight's answer.
const PREFLIGHT_KEPT: Duration = Duration::from_secs(3600);

/// The CORS rules for the configured origins; none when there are none.
pub fn rules(config: &Config) -> Option<CorsLayer> {
    if config.cors_origins.is_empty() {
        return None;
    }
    let origins = config
        .cors_origins
        .iter()
        .map(|origin| HeaderValue::from_str(origin).expect("origins are checked at start-up"));
    let prefer = HeaderName::from_static("prefer");
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([
                Method::GET,
                Method::HEAD,
                Method::POST,
                Method::PUT,
                Method::DELETE,
                Method::OPTIONS,
            ])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_MATCH,
                header::IF_NONE_MATCH,
                prefer,
            ])
            // What a protocol client reads: the version, where a note was made, the types,
            // what was answered and which preference was, what may be done, why not and
            // when to try again, and the id to quote when reporting a failure.
            .expose_headers([
                header::ETAG,
                header::LOCATION,
                header::LINK,
                header::CONTENT_LOCATION,
                HeaderName::from_static("preference-applied"),
                header::ALLOW,
                HeaderName::from_static("accept-post"),
                header::VARY,
                header::WWW_AUTHENTICATE,
                header::RETRY_AFTER,
                HeaderName::from_static(REQUEST_ID),
            ])
            .max_age(PREFLIGHT_KEPT),
    )
}

/// Whether `path` belongs to the JSON API, which other origins may call.
pub fn is_api(path: &str) -> bool {
    path.starts_with("/annotations/") || path.starts_with("/api/")
}

/// Applies `rules` to the API's requests alone. An `OPTIONS` that is no preflight (no
/// `Access-Control-Request-Method`) is a protocol client asking what a resource allows: it
/// goes to the resource, which the CORS layer, answering every `OPTIONS` itself, would not do.
pub async fn api_only(State(rules): State<CorsLayer>, request: Request, next: Next) -> Response {
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if !is_api(request.uri().path()) || (request.method() == Method::OPTIONS && !preflight) {
        return next.run(request).await;
    }
    let mut next = Some(next);
    let rest = tower::service_fn(move |request: Request| {
        let next = next.take().expect("the CORS layer calls the rest once");
        async move { Ok::<_, Infallible>(next.run(request).await) }
    });
    match rules.layer(rest).oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_is_annotations_and_api_paths() {
        for path in [
            "/annotations/",
            "/annotations/abc",
            "/api/tokens",
            "/api/openapi.json",
        ] {
            assert!(is_api(path), "{path}");
        }
        for path in ["/", "/articles/x", "/login", "/annotations", "/apis"] {
            assert!(!is_api(path), "{path}");
        }
    }
}
