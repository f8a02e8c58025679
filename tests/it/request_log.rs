//! Each request's id, answered in `X-Request-Id` and carried by its log lines; server errors
//! and slow requests logged with their route and time.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::Request;
use gloss::build_router;
use serde_json::Value;
use tracing_subscriber::fmt::MakeWriter;

use crate::support::*;

/// Log lines written as JSON, kept for the test to read.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

impl Captured {
    fn lines(&self) -> Vec<Value> {
        String::from_utf8(self.0.lock().unwrap().clone())
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).expect("each line is a JSON object"))
            .collect()
    }
}

fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_writer(captured.clone())
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

fn request(uri: &str, id: Option<&str>) -> Request<Body> {
    let mut request = Request::get(uri).header("accept", "text/html");
    if let Some(id) = id {
        request = request.header("x-request-id", id);
    }
    request.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn every_answer_carries_a_request_id_of_its_own() {
    let (_, router) = app().await;
    let mut seen = std::collections::HashSet::new();
    for uri in [
        "/",
        "/articles/witkoff-takes-russias-side",
        "/nowhere",
        "/healthz",
    ] {
        let reply = respond(&router, request(uri, None)).await;
        let id = reply.headers["x-request-id"].to_str().unwrap().to_string();
        assert_eq!(id.len(), 16, "{uri}: {id}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{uri}: {id}");
        assert!(seen.insert(id), "{uri}: a new id");
    }
}

#[tokio::test]
async fn a_proxys_request_id_is_kept_and_a_strange_one_replaced() {
    let (_, router) = app().await;
    let kept = respond(&router, request("/healthz", Some("lb-4f2a.7_x"))).await;
    assert_eq!(kept.headers["x-request-id"], "lb-4f2a.7_x");
    for strange in ["", "has space", &"x".repeat(65), "quote\"d"] {
        let Ok(value) = axum::http::HeaderValue::from_str(strange) else {
            continue;
        };
        let mut asked = request("/healthz", None);
        asked.headers_mut().insert("x-request-id", value);
        let reply = respond(&router, asked).await;
        let id = reply.headers["x-request-id"].to_str().unwrap();
        assert_ne!(id, strange);
        assert_eq!(id.len(), 16, "replaced by one of ours: {id}");
    }
}

#[tokio::test]
async fn a_slow_request_is_logged_with_its_route_time_and_id() {
    let mut args = serve_args(&repo_articles(), "sqlite::memory:");
    args.slow_request_ms = 0;
    let router = build_router(gloss::serve::prepare(&args).await.unwrap());
    let (logs, _guard) = capture();
    let reply = respond(
        &router,
        request("/articles/witkoff-takes-russias-side", None),
    )
    .await;
    assert_eq!(reply.status, 200);
    let id = reply.headers["x-request-id"].to_str().unwrap();
    let slow: Vec<Value> = logs
        .lines()
        .into_iter()
        .filter(|line| line["fields"]["message"] == "slow request")
        .collect();
    assert_eq!(slow.len(), 1, "{slow:?}");
    let line = &slow[0];
    assert_eq!(line["level"], "WARN");
    assert_eq!(line["fields"]["route"], "/articles/{slug}");
    assert_eq!(line["fields"]["method"], "GET");
    assert_eq!(line["fields"]["status"], 200);
    assert!(line["fields"]["ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(
        line["fields"]["request_id"], id,
        "the line names the request"
    );
}

#[tokio::test]
async fn a_quick_request_is_not_logged() {
    let (_, router) = app().await;
    let (logs, _guard) = capture();
    let reply = respond(&router, request("/healthz", None)).await;
    assert_eq!(reply.status, 200);
    assert!(logs.lines().is_empty(), "{:?}", logs.lines());
}

#[tokio::test]
async fn a_server_error_is_logged_with_its_route_and_the_cause_under_its_id() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("gloss.db").display());
    let state = gloss::serve::prepare(&serve_args(&repo_articles(), &url))
        .await
        .unwrap();
    let router = build_router(state);
    // The database loses its annotations table under the running app.
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query("DROP TABLE annotations")
        .execute(&pool)
        .await
        .unwrap();
    let (logs, _guard) = capture();
    let mut asked = Request::get("/annotations/?user=nobody")
        .header("accept", "application/json")
        .body(Body::empty())
        .unwrap();
    asked
        .headers_mut()
        .insert("x-request-id", "failing-1".parse().unwrap());
    let reply = respond(&router, asked).await;
    assert_eq!(reply.status, 500, "{}", reply.body);
    assert!(!reply.body.contains("annotations"), "no detail is sent");
    let lines = logs.lines();
    let mine: Vec<&Value> = lines
        .iter()
        .filter(|line| line["fields"]["request_id"] == "failing-1")
        .collect();
    assert!(
        mine.iter()
            .any(|l| l["level"] == "ERROR" && l["fields"]["message"] == "request failed"),
        "the cause, under the request's id: {lines:?}"
    );
    let summary = mine
        .iter()
        .find(|l| l["fields"]["message"] == "server error")
        .expect("the request itself is logged");
    assert_eq!(summary["fields"]["route"], "/annotations/");
    assert_eq!(summary["fields"]["status"], 500);
}

#[tokio::test]
async fn with_log_format_json_the_server_writes_one_object_a_line() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("gloss.db").display());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gloss"))
        .args(["serve", "--addr", "127.0.0.1:0", "--log-format", "json"])
        .args(["--database-url", &url])
        .arg("--articles")
        .arg(repo_articles())
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut read = Vec::new();
    let listening = loop {
        let Some(Ok(text)) = lines.next() else {
            panic!("the server stopped before it listened: {read:?}");
        };
        let line: Value = serde_json::from_str(&text).expect("each line a JSON object");
        read.push(line.clone());
        if line["fields"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("listening on http://127.0.0.1:"))
        {
            break line;
        }
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(listening["level"], "INFO");
    assert_eq!(listening["target"], "gloss::serve");
}
