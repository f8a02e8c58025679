//! One error type for every handler: problem+json (RFC 9457) for programs, and the same
//! problem drawn as a readable page for browsers (see `web::plumbing::errors`).

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::store::StoreError;
use crate::web::plumbing::request_log;

/// When a client told the server is unavailable should try again: a restarting database is
/// usually back within this.
pub const RETRY_AFTER_SECONDS: u32 = 2;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("The annotation changed since you last read it: fetch it again, then retry.")]
    PreconditionFailed,
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("The request took too long to arrive or to answer; please try again.")]
    Timeout,
    /// The database is away for now (restarting, its disk full or read-only): nothing was
    /// written, and the same request may succeed in a few seconds.
    #[error(
        "The database is not answering just now; nothing was changed. Please try again in a few seconds."
    )]
    Unavailable(StoreError),
    #[error(transparent)]
    Store(StoreError),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(what) => AppError::Conflict(format!("{what} already exists.")),
            away if away.is_unavailable() => AppError::Unavailable(away),
            other => AppError::Store(other),
        }
    }
}

/// An RFC 9457 problem; kept on the response so browsers can be shown a page instead.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Timeout | AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Store(_) | AppError::Template(_) | AppError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    pub fn not_found() -> AppError {
        AppError::NotFound("There is no page at this address.".to_string())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail = match self {
            // What went wrong inside is for the log, not for the client.
            AppError::Store(_) | AppError::Template(_) | AppError::Internal(_) => {
                tracing::error!(request_id = %request_log::current(), error = %self, "request failed");
                "Something went wrong on our side. It has been logged; please try again."
                    .to_string()
            }
            AppError::Timeout => {
                tracing::warn!(request_id = %request_log::current(), "request timed out");
                self.to_string()
            }
            AppError::Unavailable(ref err) => {
                tracing::warn!(request_id = %request_log::current(), error = %err, "database unavailable");
                self.to_string()
            }
            _ => self.to_string(),
        };
        let problem = Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail,
        };
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            Json(problem.clone()),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"gloss\""),
            );
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(RETRY_AFTER_SECONDS),
            );
        }
        response.extensions_mut().insert(problem);
        response
    }
}
