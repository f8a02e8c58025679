//! Cross-origin use of the JSON API (`--cors-origins`): preflights answered for the allowed
//! origins alone, the headers a client reads exposed, Bearer tokens accepted and session
//! cookies never; pages get no CORS headers, nor does anything without the flag.

use crate::support::*;
use axum::Router;
use gloss::build_router;

const APP: &str = "https://app.example";
const OWN: &str = "http://gloss.test";

async fn app_allowing(origins: &[&str]) -> Router {
    let mut args = serve_args(&repo_articles(), "sqlite::memory:");
    args.cors_origins = origins.iter().map(|o| o.to_string()).collect();
    let state = gloss::serve::prepare(&args).await.expect("the app starts");
    build_router(state)
}

fn preflight<'a>(origin: &'a str, method: &'a str) -> [(&'a str, &'a str); 3] {
    [
        ("origin", origin),
        ("access-control-request-method", method),
        (
            "access-control-request-headers",
            "authorization, content-type, if-match, prefer",
        ),
    ]
}

#[tokio::test]
async fn a_preflight_from_an_allowed_origin_is_answered() {
    let router = app_allowing(&[APP]).await;
    for uri in ["/annotations/", "/annotations/some-id", "/api/tokens"] {
        let reply = send(&router, "OPTIONS", uri, &preflight(APP, "PUT"), None).await;
        assert!(
            matches!(reply.status.as_u16(), 200 | 204),
            "{uri}: {}",
            reply.status
        );
        assert_eq!(reply.header("access-control-allow-origin"), APP);
        let methods = reply.header("access-control-allow-methods").to_string();
        for method in ["GET", "POST", "PUT", "DELETE"] {
            assert!(methods.contains(method), "{method} in {methods}");
        }
        let allowed = reply
            .header("access-control-allow-headers")
            .to_ascii_lowercase();
        for name in [
            "authorization",
            "content-type",
            "if-match",
            "if-none-match",
            "prefer",
        ] {
            assert!(allowed.contains(name), "{name} in {allowed}");
        }
        assert!(
            reply
                .headers
                .get("access-control-allow-credentials")
                .is_none(),
            "credentials are never allowed"
        );
    }
}

#[tokio::test]
async fn a_preflight_from_another_origin_is_not_allowed() {
    let router = app_allowing(&[APP]).await;
    let reply = send(
        &router,
        "OPTIONS",
        "/annotations/",
        &preflight("https://evil.example", "POST"),
        None,
    )
    .await;
    assert!(reply.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn a_plain_options_still_reaches_the_protocol() {
    let router = app_allowing(&[APP]).await;
    let reply = send(
        &router,
        "OPTIONS",
        "/annotations/",
        &[("origin", APP)],
        None,
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("allow"), "GET, HEAD, OPTIONS, POST");
}

#[tokio::test]
async fn the_headers_a_client_reads_are_exposed() {
    let router = app_allowing(&[APP]).await;
    let reply = send(
        &router,
        "GET",
        "/annotations/",
        &[("origin", APP), ("accept", "application/ld+json")],
        None,
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("access-control-allow-origin"), APP);
    let exposed = reply
        .header("access-control-expose-headers")
        .to_ascii_lowercase();
    for name in [
        "etag",
        "location",
        "link",
        "content-location",
        "preference-applied",
        "allow",
        "x-request-id",
    ] {
        assert!(
            exposed.split(',').any(|e| e.trim() == name),
            "{name} in {exposed}"
        );
    }
    let vary: Vec<&str> = reply
        .headers
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        vary.join(", ").to_ascii_lowercase().contains("origin"),
        "{vary:?}"
    );
}

#[tokio::test]
async fn a_cross_origin_request_with_a_bearer_token_writes() {
    let router = app_allowing(&[APP]).await;
    let token = reader_token(&router, "ann").await;
    let created = send(
        &router,
        "POST",
        "/annotations/",
        &[("origin", APP), ("authorization", &token)],
        Some(&comment("pressure on Russia", "From another site.")),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.header("access-control-allow-origin"), APP);
    assert!(
        created
            .header("location")
            .starts_with("http://gloss.test/annotations/")
    );
}

#[tokio::test]
async fn a_cross_origin_request_with_a_cookie_only_is_anonymous() {
    let router = app_allowing(&[APP]).await;
    let (_, cookie, csrf) = sign_up(&router, "ann", "/").await;
    let private = {
        let mut note = comment("pressure on Russia", "Mine alone.");
        note["visibility"] = serde_json::json!("private");
        note
    };
    let same_site = send(
        &router,
        "POST",
        "/annotations/",
        &[
            ("origin", OWN),
            ("cookie", &cookie),
            ("x-csrf-token", &csrf),
        ],
        Some(&private),
    )
    .await;
    assert_eq!(
        same_site.status, 201,
        "the site's own pages write with the cookie"
    );

    let cross = send(
        &router,
        "POST",
        "/annotations/",
        &[
            ("origin", APP),
            ("cookie", &cookie),
            ("x-csrf-token", &csrf),
        ],
        Some(&comment("pressure on Russia", "Forged.")),
    )
    .await;
    assert_eq!(cross.status, 401, "{}", cross.body);
    let read = send(
        &router,
        "GET",
        "/annotations/?user=ann",
        &[("origin", APP), ("cookie", &cookie)],
        None,
    )
    .await;
    assert_eq!(read.json()["total"], 0, "the private note stays hidden");
    let own = send(
        &router,
        "GET",
        "/annotations/?user=ann",
        &[("origin", OWN), ("cookie", &cookie)],
        None,
    )
    .await;
    assert_eq!(own.json()["total"], 1);
}

#[tokio::test]
async fn pages_get_no_cors_headers() {
    let router = app_allowing(&[APP]).await;
    for uri in ["/", &format!("/articles/{ESSAY}"), "/login"] {
        let reply = send(&router, "GET", uri, &[("origin", APP)], None).await;
        assert_eq!(reply.status, 200, "{uri}");
        assert!(
            !reply
                .headers
                .keys()
                .any(|k| k.as_str().starts_with("access-control-")),
            "{uri}: {:?}",
            reply.headers
        );
    }
}

#[tokio::test]
async fn without_cors_origins_there_are_no_cors_headers() {
    let (_, router) = app().await;
    let preflighted = send(
        &router,
        "OPTIONS",
        "/annotations/",
        &preflight(APP, "POST"),
        None,
    )
    .await;
    let read = send(&router, "GET", "/annotations/", &[("origin", APP)], None).await;
    for reply in [preflighted, read] {
        assert!(
            !reply
                .headers
                .keys()
                .any(|k| k.as_str().starts_with("access-control-")),
            "{:?}",
            reply.headers
        );
    }
}

#[test]
fn cors_origins_are_read_as_origins() {
    use clap::Parser;
    let cli = gloss::config::Cli::try_parse_from([
        "gloss",
        "--cors-origins",
        "https://App.example/,http://localhost:8080",
    ])
    .unwrap();
    assert_eq!(
        cli.serve.cors_origins,
        ["https://app.example", "http://localhost:8080"]
    );
    for bad in [
        "app.example",
        "https://app.example/path",
        "ftp://app.example",
    ] {
        assert!(
            gloss::config::Cli::try_parse_from(["gloss", "--cors-origins", bad]).is_err(),
            "{bad}"
        );
    }
}
