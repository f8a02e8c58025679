//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use scraper::{ElementRef, Html, Node};
use tower::ServiceExt;

use gloss::config::ServeArgs;
use gloss::{AppState, build_router};

pub const ESSAY: &str = "witkoff-takes-russias-side";

pub fn repo_articles() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("articles")
}

pub fn serve_args(articles: &Path, database_url: &str) -> ServeArgs {
    ServeArgs {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: database_url.to_string(),
        articles: articles.to_path_buf(),
        public_url: Some("http://gloss.test".to_string()),
    }
}

/// The app on the repository's articles and a fresh in-memory database.
pub async fn app() -> (AppState, Router) {
    app_on(&repo_articles()).await
}

pub async fn app_on(articles: &Path) -> (AppState, Router) {
    let state = gloss::serve::prepare(&serve_args(articles, "sqlite::memory:"))
        .await
        .expect("the app starts");
    (state.clone(), build_router(state))
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

pub async fn get(router: &Router, uri: &str, accept: &str) -> Reply {
    let request = Request::get(uri)
        .header("accept", accept)
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

pub async fn get_html(router: &Router, uri: &str) -> Reply {
    get(router, uri, "text/html,application/xhtml+xml").await
}

/// The `textContent` of an element without its `[data-aside]` descendants, as the browser
/// computes the text that selectors count.
pub fn text_without_asides(element: ElementRef) -> String {
    let mut out = String::new();
    collect_text(element, &mut out);
    out
}

fn collect_text(element: ElementRef, out: &mut String) {
    for child in element.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) if e.attr("data-aside").is_none() => {
                collect_text(ElementRef::wrap(child).unwrap(), out);
            }
            _ => {}
        }
    }
}

pub fn selector(css: &str) -> scraper::Selector {
    scraper::Selector::parse(css).unwrap()
}

/// The one `<article>` of a page.
pub fn article_text(html: &Html) -> String {
    let article = html
        .select(&selector("article"))
        .next()
        .expect("an <article>");
    text_without_asides(article)
}

/// Writes an articles folder with one essay, entities and optional notes.
pub fn write_library(dir: &Path, essay: &str, entities: &str, notes: Option<&str>) {
    std::fs::write(dir.join("entities.toml"), entities).unwrap();
    std::fs::write(dir.join("essay.md"), essay).unwrap();
    if let Some(notes) = notes {
        std::fs::write(dir.join("essay.notes.toml"), notes).unwrap();
    }
}

pub const FRONT: &str = "+++\ntitle = \"Test essay\"\nauthor = \"A. Writer\"\ndate = 2025-11-26\nsummary = \"A test.\"\n+++\n\n";

pub const ENTITIES: &str = r#"
[[people]]
id = "steve-witkoff"
name = "Steve Witkoff"
role = "U.S. special envoy"
mentions = ["Steve Witkoff", "Witkoff"]
summary = "An envoy."
source = "The essay itself"

[[events]]
id = "october-14-call"
name = "The October 14 call"
date = 2025-10-14
mentions = ["October 14"]
summary = "A call."
source = "The essay itself"
participants = ["steve-witkoff"]
"#;
