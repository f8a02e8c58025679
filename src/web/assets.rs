//! The stylesheet, scripts and icon, built into the binary and served under names that change
//! with their content, so browsers may cache them for a year. The scripts are sent minified.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::Response;

use super::cached::Encoded;
use super::minify;

use crate::error::AppError;

const CSS: &str = include_str!("../../static/reading.css");
const JS: &str = include_str!("../../static/gloss.js");
const MARGIN: &str = include_str!("../../static/margin.js");
const ICON: &str = include_str!("../../static/icon.svg");

/// The URLs pages link the assets by.
pub struct Assets {
    pub css: String,
    pub js: String,
    /// Margin notes on wide screens: a module of its own, which reading pages alone load.
    pub margin: String,
    pub icon: String,
}

/// The scripts as sent: gloss.js and margin.js, minified once, when first needed.
static SCRIPTS: LazyLock<[String; 2]> = LazyLock::new(|| {
    [
        minify::script("gloss.js", JS),
        minify::script("margin.js", MARGIN),
    ]
});

static ASSETS: LazyLock<Assets> = LazyLock::new(|| Assets {
    css: format!("/static/reading.{}.css", fingerprint(CSS)),
    js: format!("/static/gloss.{}.js", fingerprint(&SCRIPTS[0])),
    margin: format!("/static/margin.{}.js", fingerprint(&SCRIPTS[1])),
    icon: format!("/static/icon.{}.svg", fingerprint(ICON)),
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

/// Every asset, compressed once when first asked for.
static ENCODED: LazyLock<[Encoded; 4]> = LazyLock::new(|| {
    let script = |js: &'static str| {
        Encoded::of(
            "text/javascript; charset=utf-8",
            "Accept-Encoding",
            Bytes::from_static(js.as_bytes()),
        )
    };
    [
        Encoded::of(
            "text/css; charset=utf-8",
            "Accept-Encoding",
            Bytes::from_static(CSS.as_bytes()),
        ),
        script(&SCRIPTS[0]),
        script(&SCRIPTS[1]),
        Encoded::of(
            "image/svg+xml",
            "Accept-Encoding",
            Bytes::from_static(ICON.as_bytes()),
        ),
    ]
});

pub async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Result<Response, AppError> {
    let path = format!("/static/{file}");
    let asset = if path == ASSETS.css {
        &ENCODED[0]
    } else if path == ASSETS.js {
        &ENCODED[1]
    } else if path == ASSETS.margin {
        &ENCODED[2]
    } else if path == ASSETS.icon {
        &ENCODED[3]
    } else {
        return Err(AppError::NotFound(format!("There is no file {path}.")));
    };
    Ok(asset.respond(&headers, "public, max-age=31536000, immutable"))
}

/// The icon, for browsers and tools that ask for it by its old name rather than the page's link.
pub async fn favicon(headers: HeaderMap) -> Response {
    ENCODED[3].respond(&headers, "public, max-age=86400")
}
