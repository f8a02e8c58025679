//! Browsers get a readable page for every error, with the same status the API would answer.

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use super::pages::Head;
use crate::error::Problem;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    head: Head,
    problem: Problem,
}

pub async fn html_errors(request: Request, next: Next) -> Response {
    let wants_html = accepts_html(request.headers()) && !request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let Some(problem) = response.extensions().get::<Problem>().cloned() else {
        return response;
    };
    if !wants_html {
        return response;
    }
    let status = response.status();
    let page = ErrorPage {
        head: Head::new(problem.title, &problem.detail),
        problem,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "error page failed to render");
            response
        }
    }
}

/// Whether the client prefers HTML, as a browser navigating does.
pub fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}
