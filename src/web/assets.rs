//! The stylesheet and script, built into the binary and served under names that change with
//! their content, so browsers may cache them for a year.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

const CSS: &str = include_str!("../../static/reading.css");
const JS: &str = include_str!("../../static/gloss.js");

/// The URLs pages link the assets by.
pub struct Assets {
    pub css: String,
    pub js: String,
}

static ASSETS: LazyLock<Assets> = LazyLock::new(|| Assets {
    css: format!("/static/reading.{}.css", fingerprint(CSS)),
    js: format!("/static/gloss.{}.js", fingerprint(JS)),
});

impl Assets {
    pub fn get() -> &'static Assets {
        &ASSETS
    }
}

fn fingerprint(content: &str) -> String {
    let mut hasher = DefaultHasher::new();
    content.hash(&mut hasher);
    format!("{:016x}", hasher.finish())[..10].to_string()
}

pub async fn serve(Path(file): Path<String>) -> Result<Response, AppError> {
    let path = format!("/static/{file}");
    let (body, content_type) = if path == ASSETS.css {
        (CSS, "text/css; charset=utf-8")
    } else if path == ASSETS.js {
        (JS, "text/javascript; charset=utf-8")
    } else {
        return Err(AppError::NotFound(format!("There is no file {path}.")));
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
        .into_response())
}
