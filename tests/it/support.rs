//! Helpers shared by the integration tests.

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

/// A Hypothesis search answer on the essay: public, private and group notes, a highlight, a
/// thread of replies, a note on the page, a quote from around the essay on the other site, a
/// note its moderators hid and a reply to a note the file does not hold.
pub fn hypothesis_fixture() -> serde_json::Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/hypothesis-search.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn serve_args(articles: &Path, database_url: &str) -> ServeArgs {
    ServeArgs {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: database_url.to_string(),
        articles: articles.to_path_buf(),
        public_url: Some("http://gloss.test".to_string()),
        behind_proxy: false,
        write_limit: 120,
        threads: 1,
        cors_origins: Vec::new(),
        slow_request_ms: 1000,
        watch: false,
        metrics_addr: None,
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

#[derive(Debug)]
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
    respond(router, request).await
}

/// The router's answer to `request`, read whole.
pub async fn respond(router: &Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A browser's form post, with its cookies.
pub async fn post_form(router: &Router, uri: &str, cookie: &str, form: &str) -> Reply {
    let request = Request::post(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .header("accept", "text/html")
        .body(Body::from(form.to_string()))
        .unwrap();
    respond(router, request).await
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
/// The text of the page's first `<h1>`.
pub fn heading(html: &Html) -> String {
    html.select(&selector("h1"))
        .next()
        .expect("the page has an h1")
        .text()
        .collect()
}

pub fn article_text(html: &Html) -> String {
    let article = html
        .select(&selector("article"))
        .next()
        .expect("an <article>");
    text_without_asides(article)
}

/// Copies the repository's articles into `to`, for a test that edits the essay.
pub fn copy_articles(to: &Path) {
    for entry in std::fs::read_dir(repo_articles()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
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

/// Sends a request with headers and an optional JSON body.
pub async fn send(
    router: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<&serde_json::Value>,
) -> Reply {
    let mut request = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let body = match body {
        Some(json) => {
            request = request.header("content-type", "application/ld+json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    respond(router, request.body(body).unwrap()).await
}

impl Reply {
    /// A header's value as text; the test fails, showing every header, when there is none.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} in {:?}", self.headers))
            .to_str()
            .unwrap()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

pub const PASSWORD: &str = "a long password 123";

/// Signs a new reader up through the API and returns an API token.
pub async fn reader_token(router: &Router, name: &str) -> String {
    let credentials = serde_json::json!({"username": name, "password": PASSWORD});
    let created = send(router, "POST", "/api/users", &[], Some(&credentials)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    token(router, name).await
}

/// An editor (operators make editors), with an API token.
pub async fn editor_token(state: &AppState, router: &Router, name: &str) -> String {
    gloss::web::register(state, name, PASSWORD, gloss::store::Role::Editor)
        .await
        .unwrap();
    token(router, name).await
}

async fn token(router: &Router, name: &str) -> String {
    let credentials = serde_json::json!({"username": name, "password": PASSWORD});
    let reply = send(router, "POST", "/api/tokens", &[], Some(&credentials)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    format!("Bearer {}", reply.json()["token"].as_str().unwrap())
}

/// A comment on the first essay quoting `exact`.
pub fn comment(exact: &str, text: &str) -> serde_json::Value {
    serde_json::json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "commenting",
        "body": [{"type": "TextualBody", "value": text, "format": "text/markdown"}],
        "target": {
            "source": format!("/articles/{ESSAY}"),
            "selector": [{"type": "TextQuoteSelector", "exact": exact}]
        }
    })
}

/// A note on the first essay as a whole: its address alone as the target.
pub fn page_note(text: &str) -> serde_json::Value {
    serde_json::json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "commenting",
        "body": [{"type": "TextualBody", "value": text, "format": "text/markdown"}],
        "target": format!("/articles/{ESSAY}")
    })
}

/// Creates an annotation as the token's owner; it must be created.
pub async fn create(router: &Router, token: &str, note: &serde_json::Value) -> Reply {
    let headers = [("authorization", token)];
    let reply = send(router, "POST", "/annotations/", &headers, Some(note)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply
}

/// The bare id of an annotation created or fetched through the API.
pub fn id_of(reply: &Reply) -> String {
    path_of(&reply.json())
        .trim_start_matches("/annotations/")
        .to_string()
}

/// The path of an annotation from its absolute id.
pub fn path_of(annotation: &serde_json::Value) -> String {
    let id = annotation["id"].as_str().unwrap();
    format!("/annotations/{}", id.rsplit('/').next().unwrap())
}

/// The PostgreSQL server `GLOSS_TEST_POSTGRES_URL` names. Without one a plain `cargo test`
/// skips the test and says so; `scripts/test`, which starts a server, sets
/// `GLOSS_REQUIRE_POSTGRES`, and then a missing server fails the test.
pub fn postgres_server(test: &str) -> Option<String> {
    match std::env::var("GLOSS_TEST_POSTGRES_URL") {
        Ok(url) => Some(url),
        Err(_) if std::env::var_os("GLOSS_REQUIRE_POSTGRES").is_some() => {
            panic!("{test}: GLOSS_TEST_POSTGRES_URL is not set, and PostgreSQL is required")
        }
        Err(_) => {
            // Straight to stderr: the test harness keeps what `eprintln!` writes to itself.
            let said = format!(
                "skipped {test}: set GLOSS_TEST_POSTGRES_URL to a PostgreSQL server \
                 (scripts/test starts one)\n"
            );
            let _ = std::io::Write::write_all(&mut std::io::stderr(), said.as_bytes());
            None
        }
    }
}

pub fn cookies(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

pub fn cookie_value(set_cookies: &[String], name: &str) -> String {
    set_cookies
        .iter()
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .map(|rest| rest.split(';').next().unwrap().to_string())
        .unwrap_or_else(|| panic!("no {name} cookie in {set_cookies:?}"))
}

/// Signs up through the page and returns the Cookie header a browser would then send.
pub async fn sign_up(router: &axum::Router, name: &str, next: &str) -> (Reply, String, String) {
    let page = get_html(router, "/signup").await;
    let csrf = cookie_value(&cookies(&page.headers), "gloss_csrf");
    assert!(page.body.contains(&csrf), "the form carries the token");
    let body = format!("username={name}&password=a+long+password+123&csrf={csrf}&next={next}");
    let reply = post_form(router, "/signup", &format!("gloss_csrf={csrf}"), &body).await;
    let set = cookies(&reply.headers);
    let session = cookie_value(&set, "gloss_session");
    let session_csrf = cookie_value(&set, "gloss_csrf");
    (
        reply,
        format!("gloss_session={session}; gloss_csrf={session_csrf}"),
        session_csrf,
    )
}
