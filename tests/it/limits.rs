//! Rate limits: password guessing, sign-ups and writes are throttled with 429, counted in the
//! database so every instance shares them. And a limit on how long a request may take.

use std::time::Duration;

use crate::support::*;
use axum::body::{Body, Bytes};
use axum::http::Request;
use serde_json::json;
use tokio_stream::StreamExt;
use tower::ServiceExt;

#[tokio::test]
async fn password_guessing_is_throttled_per_account() {
    let (_, router) = app().await;
    reader_token(&router, "ann").await;
    let guess = json!({"username": "ann", "password": "not the password"});
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(
            send(&router, "POST", "/api/tokens", &[], Some(&guess))
                .await
                .status
                .as_u16(),
        );
    }
    // One attempt was the real log-in that made the token.
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        9,
        "{statuses:?}"
    );
    assert_eq!(statuses.last(), Some(&429));
    let right = json!({"username": "ANN", "password": PASSWORD});
    let reply = send(&router, "POST", "/api/tokens", &[], Some(&right)).await;
    assert_eq!(
        reply.status, 429,
        "the right password waits too: a guesser learns nothing"
    );
    assert_eq!(reply.json()["status"], 429);
}

#[tokio::test]
async fn the_login_form_says_when_to_come_back() {
    let (_, router) = app().await;
    reader_token(&router, "ann").await;
    let page = get_html(&router, "/login").await;
    let csrf = page
        .headers
        .get_all("set-cookie")
        .iter()
        .find_map(|c| {
            c.to_str()
                .unwrap()
                .strip_prefix("gloss_csrf=")
                .map(|v| v.split(';').next().unwrap().to_string())
        })
        .unwrap();
    let mut last = None;
    for _ in 0..11 {
        let request = axum::http::Request::post("/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", format!("gloss_csrf={csrf}"))
            .header("accept", "text/html")
            .body(axum::body::Body::from(format!(
                "username=ann&password=wrong+guess+here&csrf={csrf}&next=/"
            )))
            .unwrap();
        last = Some(
            tower::ServiceExt::oneshot(router.clone(), request)
                .await
                .unwrap(),
        );
    }
    let last = last.unwrap();
    assert_eq!(last.status(), 429);
    let body = http_body_util::BodyExt::collect(last.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("wait ten minutes"));
}

#[tokio::test]
async fn writes_are_limited_per_account() {
    let (_, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let note = comment("Why not?", "Again.");
    let mut last = 0;
    for _ in 0..121 {
        last = send(
            &router,
            "POST",
            "/annotations/",
            &[("authorization", &ann)],
            Some(&note),
        )
        .await
        .status
        .as_u16();
    }
    assert_eq!(last, 429);
    let bob = reader_token(&router, "bob").await;
    let other = send(
        &router,
        "POST",
        "/annotations/",
        &[("authorization", &bob)],
        Some(&note),
    )
    .await;
    assert_eq!(other.status, 201, "another account is not held up");
}

#[tokio::test]
async fn a_request_body_that_stops_arriving_is_answered_503_after_30_seconds() {
    let (_, router) = app().await;
    tokio::time::pause();
    let started = tokio::time::Instant::now();
    let first_bytes: Result<Bytes, std::io::Error> = Ok(Bytes::from_static(b"{\"username\":"));
    let trickle = tokio_stream::iter([first_bytes]).chain(tokio_stream::pending());
    let request = Request::post("/api/users")
        .header("content-type", "application/json")
        .body(Body::from_stream(trickle))
        .unwrap();
    let response = tokio::time::timeout(Duration::from_secs(120), router.oneshot(request))
        .await
        .expect("the server waits for the body forever")
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(30),
        "answered after {waited:?}"
    );
}
