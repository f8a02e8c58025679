//! Browsers get a readable page for every error, with the same status the API would answer.

use askama::Template;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use super::auth::Viewer;
use super::head::Head;
use crate::error::{AppError, Problem};
use crate::web::AppState;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    head: Head,
    problem: Problem,
}

pub async fn html_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let wants_html = accepts_html(request.headers()) && !request.uri().path().starts_with("/api/");
    // Who is asking, for the page's header: learnt only if the answer is an error.
    let credentials = wants_html.then(|| request.headers().get(header::COOKIE).cloned());
    let response = next.run(request).await;
    let Some(problem) = response.extensions().get::<Problem>().cloned() else {
        return response;
    };
    if !wants_html {
        return response;
    }
    let status = response.status();
    let viewer = viewer(&state, credentials.flatten()).await;
    let page = ErrorPage {
        head: Head::for_viewer(problem.title, &problem.detail, &viewer),
        problem,
    };
    // A 503's time to retry stays, so a browser or crawler knows when to come back.
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    match page.render() {
        Ok(html) => {
            let mut page = (status, Html(html)).into_response();
            if let Some(retry_after) = retry_after {
                page.headers_mut().insert(header::RETRY_AFTER, retry_after);
            }
            page
        }
        Err(err) => {
            tracing::error!(request_id = %super::request_log::current(), error = %err, "error page failed to render");
            response
        }
    }
}

/// The reader a browser's cookie names, or nobody when it names none or cannot be checked.
async fn viewer(state: &AppState, cookie: Option<header::HeaderValue>) -> Viewer {
    let mut request = Request::new(());
    if let Some(cookie) = cookie {
        request.headers_mut().insert(header::COOKIE, cookie);
    }
    let (mut parts, ()) = request.into_parts();
    Viewer::from_request_parts(&mut parts, state)
        .await
        .unwrap_or_default()
}

/// Whether the client prefers HTML, as a browser navigating does.
pub fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// The answer to a request that no route takes: a problem, which `html_errors` makes a page.
pub async fn not_found() -> AppError {
    AppError::not_found()
}
