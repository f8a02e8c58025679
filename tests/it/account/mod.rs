//! The signed-in reader's account: `/account` and its forms, `/api/account/...`, and
//! `/users/{name}`; who may use them, what a password change and a deletion end, and what
//! stays of a deleted reader's notes. Here, what these tests share.

mod access;
mod credentials;
mod deletion;
mod pages;

use serde_json::json;

use crate::support::*;

/// A browser session of a reader who exists: (the Cookie header, the session's CSRF token).
pub async fn log_in(router: &axum::Router, name: &str, password: &str) -> (String, String) {
    let page = get_html(router, "/login").await;
    let csrf = cookie_value(&cookies(&page.headers), "gloss_csrf");
    let password = password.replace(' ', "+");
    let form = format!("username={name}&password={password}&csrf={csrf}&next=/");
    let reply = post_form(router, "/login", &format!("gloss_csrf={csrf}"), &form).await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let set = cookies(&reply.headers);
    let session_csrf = cookie_value(&set, "gloss_csrf");
    let session = cookie_value(&set, "gloss_session");
    (
        format!("gloss_session={session}; gloss_csrf={session_csrf}"),
        session_csrf,
    )
}

/// A fresh API token for a reader who exists.
pub async fn new_token(router: &axum::Router, name: &str, password: &str) -> String {
    let credentials = json!({"username": name, "password": password});
    let reply = send(router, "POST", "/api/tokens", &[], Some(&credentials)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    format!("Bearer {}", reply.json()["token"].as_str().unwrap())
}

pub async fn account_page(router: &axum::Router, cookie: &str) -> Reply {
    send(
        router,
        "GET",
        "/account",
        &[("cookie", cookie), ("accept", "text/html")],
        None,
    )
    .await
}

/// Whether a Bearer token still signs its reader in.
pub async fn token_works(router: &axum::Router, token: &str) -> bool {
    let reply = send(
        router,
        "GET",
        "/api/account/tokens",
        &[("authorization", token)],
        None,
    )
    .await;
    match reply.status.as_u16() {
        200 => true,
        401 => false,
        other => panic!("GET /api/account/tokens answered {other}: {}", reply.body),
    }
}

/// Whether a session cookie still signs its reader in.
pub async fn session_works(router: &axum::Router, cookie: &str) -> bool {
    let page = account_page(router, cookie).await;
    match page.status.as_u16() {
        200 => true,
        303 => false,
        other => panic!("GET /account answered {other}"),
    }
}

/// The essay's signed-out page once it shows `revision`: it is served the version at hand
/// while a newer one is made.
pub async fn page_at(router: &axum::Router, revision: i64) -> Reply {
    let wanted = format!("data-revision=\"{revision}\"");
    for _ in 0..500 {
        let page = get_html(router, &format!("/articles/{ESSAY}")).await;
        if page.body.contains(&wanted) {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    panic!("the signed-out page never reached revision {revision}");
}

pub fn is_problem(reply: &Reply, status: u16) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.headers["content-type"], "application/problem+json");
    assert_eq!(reply.json()["status"], status);
}
