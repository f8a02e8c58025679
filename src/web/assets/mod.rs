//! The stylesheet, scripts and icon, built into the binary and served under names that change
//! with their content, so browsers may cache them for a year. The scripts are sent minified.

mod minify;
mod modules;

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::Router;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use sha2::{Digest, Sha256};

use super::AppState;
use super::plumbing::encoded::Encoded;
use crate::error::AppError;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/static/{file}", get(serve))
        .route("/favicon.ico", get(favicon))
}

const CSS: &str = include_str!("../../../static/reading.css");
const ICON: &str = include_str!("../../../static/icon.svg");

/// The scripts, each an ES module that owns one behaviour, every one after those it imports:
/// an import is rewritten to the name its module is served under, which must be known first.
const SCRIPTS: [(&str, &str); 14] = [
    ("page", include_str!("../../../static/page.js")),
    ("toast", include_str!("../../../static/toast.js")),
    ("server", include_str!("../../../static/server.js")),
    ("cards", include_str!("../../../static/cards.js")),
    ("passage", include_str!("../../../static/passage.js")),
    ("reshape", include_str!("../../../static/reshape.js")),
    ("fragments", include_str!("../../../static/fragments.js")),
    ("editor", include_str!("../../../static/editor.js")),
    ("actions", include_str!("../../../static/actions.js")),
    ("toolbar", include_str!("../../../static/toolbar.js")),
    (
        "textfragment",
        include_str!("../../../static/textfragment.js"),
    ),
    ("gloss", include_str!("../../../static/gloss.js")),
    ("margin", include_str!("../../../static/margin.js")),
    ("layers", include_str!("../../../static/layers.js")),
];

/// The URLs pages link the assets by.
pub struct Assets {
    pub css: String,
    /// Every page's script.
    pub js: String,
    /// Margin notes on wide screens: a module of its own, which reading pages alone load.
    pub margin: String,
    /// The control that chooses which notes a reading page shows.
    pub layers: String,
    /// The modules the pages' scripts import, named up front so the browser fetches them at
    /// once rather than one level of imports at a time.
    pub imported: Vec<String>,
    /// The modules only signed-in readers fetch, named up front on their pages alone.
    pub for_annotators: Vec<String>,
    pub icon: String,
}

/// One file as served: the URL that names its content, and its bytes in every encoding.
struct Served {
    url: String,
    encoded: Encoded,
}

/// Every file, and the URLs pages link them by, made when first needed: at start, when the
/// first pages are rendered.
struct Files {
    served: Vec<Served>,
    assets: Assets,
}

static FILES: LazyLock<Files> = LazyLock::new(Files::make);

impl Files {
    fn make() -> Files {
        let mut served = Vec::new();
        let mut serve = |name: &str, extension: &str, content_type: &'static str, body: String| {
            let url = format!("/static/{name}.{}.{extension}", fingerprint(&body));
            let encoded = Encoded::of(content_type, "Accept-Encoding", Bytes::from(body));
            served.push(Served {
                url: url.clone(),
                encoded,
            });
            url
        };
        let css = serve("reading", "css", "text/css; charset=utf-8", CSS.to_owned());
        let icon = serve("icon", "svg", "image/svg+xml", ICON.to_owned());
        let mut scripts: HashMap<&str, (String, modules::Linked)> = HashMap::new();
        for (name, source) in SCRIPTS {
            let minified = minify::script(&format!("{name}.js"), source);
            let file_of = |module: &str| {
                let (url, _) = scripts.get(module)?;
                url.strip_prefix("/static/").map(str::to_owned)
            };
            let linked = modules::link(name, &minified, file_of)
                .unwrap_or_else(|why| panic!("static/{why}"));
            let url = serve(
                name,
                "js",
                "text/javascript; charset=utf-8",
                linked.text.clone(),
            );
            scripts.insert(name, (url, linked));
        }
        let url_of = |name: &str| scripts[name].0.clone();
        let entries = ["gloss", "margin", "layers"];
        let loaded = with_imports(&entries, &scripts);
        let later: Vec<&str> = loaded
            .iter()
            .flat_map(|name| &scripts[name].1.later)
            .map(String::as_str)
            // Fetched for any reader, and only when the address carries a text fragment or an
            // edit of the essay comes: named up front to no one.
            .filter(|name| !["textfragment", "reshape"].contains(name))
            .collect();
        let urls = |names: Vec<&str>, leaving: &[&str]| -> Vec<String> {
            names
                .into_iter()
                .filter(|name| !leaving.contains(name))
                .map(url_of)
                .collect()
        };
        let assets = Assets {
            css,
            js: url_of("gloss"),
            margin: url_of("margin"),
            layers: url_of("layers"),
            imported: urls(loaded.clone(), &entries),
            for_annotators: urls(with_imports(&later, &scripts), &loaded),
            icon,
        };
        Files { served, assets }
    }
}

/// `roots` and every script they import, directly or through others, in the order of
/// [`SCRIPTS`].
fn with_imports(
    roots: &[&str],
    scripts: &HashMap<&str, (String, modules::Linked)>,
) -> Vec<&'static str> {
    let mut reached: Vec<&str> = roots.to_vec();
    let mut next = 0;
    while let Some(name) = reached.get(next).copied() {
        for import in &scripts[name].1.imports {
            if !reached.contains(&import.as_str()) {
                reached.push(import);
            }
        }
        next += 1;
    }
    SCRIPTS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| reached.contains(name))
        .collect()
}

impl Assets {
    pub fn get() -> &'static Assets {
        &FILES.assets
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

async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Result<Response, AppError> {
    let path = format!("/static/{file}");
    let served = FILES
        .served
        .iter()
        .find(|served| served.url == path)
        .ok_or_else(|| AppError::NotFound(format!("There is no file {path}.")))?;
    Ok(served
        .encoded
        .respond(&headers, "public, max-age=31536000, immutable"))
}

/// The icon, for browsers and tools that ask for it by its old name rather than the page's link.
async fn favicon(headers: HeaderMap) -> Response {
    let icon = &Assets::get().icon;
    let served = FILES.served.iter().find(|served| &served.url == icon);
    served
        .expect("the icon is served")
        .encoded
        .respond(&headers, "public, max-age=86400")
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
        assert!(
            assets
                .imported
                .iter()
                .any(|url| url.starts_with("/static/page."))
        );
        assert!(
            !assets.imported.contains(&assets.js),
            "no script imports the entry"
        );
    }
}
