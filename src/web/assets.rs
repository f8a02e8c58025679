//! The stylesheet, scripts and icon, built into the binary and served under names that change
//! with their content, so browsers may cache them for a year. The scripts are sent minified.

use std::sync::LazyLock;

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::Response;
use sha2::{Digest, Sha256};

use super::cached::Encoded;
use super::minify;

use crate::error::AppError;

const CSS: &str = include_str!("../../static/reading.css");
const JS: &str = include_str!("../../static/gloss.js");
const MARGIN: &str = include_str!("../../static/margin.js");
const LAYERS: &str = include_str!("../../static/layers.js");
const ICON: &str = include_str!("../../static/icon.svg");

/// The URLs pages link the assets by.
pub struct Assets {
    pub css: String,
    pub js: String,
    /// Margin notes on wide screens: a module of its own, which reading pages alone load.
    pub margin: String,
    /// The control that chooses which notes a reading page shows.
    pub layers: String,
    pub icon: String,
}

/// One file as served: the URL that names its content, and its bytes in every encoding.
struct Served {
    url: String,
    encoded: Encoded,
}

/// Every file, in the order of the fields of [`Assets`], made when first needed: at start,
/// when the first pages are rendered.
static SERVED: LazyLock<[Served; 5]> = LazyLock::new(|| {
    let file = |name: &str, extension: &str, content_type: &'static str, body: String| Served {
        url: format!("/static/{name}.{}.{extension}", fingerprint(&body)),
        encoded: Encoded::of(content_type, "Accept-Encoding", Bytes::from(body)),
    };
    let script = |name: &str, source: &str| {
        let minified = minify::script(&format!("{name}.js"), source);
        file(name, "js", "text/javascript; charset=utf-8", minified)
    };
    [
        file("reading", "css", "text/css; charset=utf-8", CSS.to_string()),
        script("gloss", JS),
        script("margin", MARGIN),
        script("layers", LAYERS),
        file("icon", "svg", "image/svg+xml", ICON.to_string()),
    ]
});

static ASSETS: LazyLock<Assets> = LazyLock::new(|| {
    let [css, js, margin, layers, icon] = SERVED.each_ref().map(|file| file.url.clone());
    Assets {
        css,
        js,
        margin,
        layers,
        icon,
    }
});

impl Assets {
    pub fn get() -> &'static Assets {
        &ASSETS
    }
}

/// The first 40 bits of the content's SHA-256: the same name for the same bytes on every
/// build, so instances of one cluster link the same URLs.
fn fingerprint(content: &str) -> String {
    Sha256::digest(content.as_bytes())[..5]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Result<Response, AppError> {
    let path = format!("/static/{file}");
    let served = SERVED
        .iter()
        .find(|served| served.url == path)
        .ok_or_else(|| AppError::NotFound(format!("There is no file {path}.")))?;
    Ok(served
        .encoded
        .respond(&headers, "public, max-age=31536000, immutable"))
}

/// The icon, for browsers and tools that ask for it by its old name rather than the page's link.
pub async fn favicon(headers: HeaderMap) -> Response {
    SERVED[4].encoded.respond(&headers, "public, max-age=86400")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_content_alone() {
        assert_eq!(fingerprint("body {}"), fingerprint("body {}"));
        assert_ne!(fingerprint("body {}"), fingerprint("body { }"));
        assert_eq!(fingerprint(""), "e3b0c44298", "SHA-256 of nothing");
        let assets = Assets::get();
        assert!(assets.js.starts_with("/static/gloss.") && assets.js.ends_with(".js"));
        assert_eq!(SERVED[4].url, assets.icon);
    }
}
