//! Changing the password, API tokens and sessions: what each ends and what it keeps.

use serde_json::json;

use super::*;
use crate::support::*;

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_and_tokens() {
    let (_, router) = app().await;
    let (_, first, _) = sign_up(&router, "ann", "/").await;
    let (second, _) = log_in(&router, "ann", PASSWORD).await;
    let kept = new_token(&router, "ann", PASSWORD).await;
    let other = new_token(&router, "ann", PASSWORD).await;
    assert!(
        token_works(&router, &other).await,
        "known to the app before the change"
    );

    let auth = [("authorization", kept.as_str())];
    let wrong = json!({"current": "not the password", "new": "a new long password"});
    let refused = send(
        &router,
        "POST",
        "/api/account/password",
        &auth,
        Some(&wrong),
    )
    .await;
    is_problem(&refused, 403);
    let short = json!({"current": PASSWORD, "new": "short"});
    let refused = send(
        &router,
        "POST",
        "/api/account/password",
        &auth,
        Some(&short),
    )
    .await;
    is_problem(&refused, 422);
    assert!(
        refused.json()["detail"]
            .as_str()
            .unwrap()
            .contains("at least 10 characters")
    );
    assert!(
        token_works(&router, &other).await,
        "refused changes end nothing"
    );

    let change = json!({"current": PASSWORD, "new": "a new long password"});
    let changed = send(
        &router,
        "POST",
        "/api/account/password",
        &auth,
        Some(&change),
    )
    .await;
    assert_eq!(changed.status, 204, "{}", changed.body);
    assert!(
        token_works(&router, &kept).await,
        "the token it was sent with"
    );
    assert!(
        !token_works(&router, &other).await,
        "the old token gets 401"
    );
    assert!(!session_works(&router, &first).await);
    assert!(!session_works(&router, &second).await);
    let old = json!({"username": "ann", "password": PASSWORD});
    is_problem(
        &send(&router, "POST", "/api/tokens", &[], Some(&old)).await,
        401,
    );
    new_token(&router, "ann", "a new long password").await;
}

#[tokio::test]
async fn changing_the_password_on_the_page_keeps_its_own_session() {
    let (_, router) = app().await;
    let (_, this, csrf) = sign_up(&router, "ann", "/").await;
    let token = new_token(&router, "ann", PASSWORD).await;
    let (other, _) = log_in(&router, "ann", PASSWORD).await;
    let wrong = post_form(
        &router,
        "/account/password",
        &this,
        &format!("csrf={csrf}&current=not+it&new=yet+another+password"),
    )
    .await;
    assert_eq!(wrong.status, 403);
    assert!(
        wrong.body.contains("The password is wrong."),
        "the form again"
    );
    assert!(wrong.body.contains("id=\"current-password\""));
    let short = post_form(
        &router,
        "/account/password",
        &this,
        &format!("csrf={csrf}&current=a+long+password+123&new=short"),
    )
    .await;
    assert_eq!(short.status, 422);
    assert!(short.body.contains("at least 10 characters"));
    let done = post_form(
        &router,
        "/account/password",
        &this,
        &format!("csrf={csrf}&current=a+long+password+123&new=yet+another+password"),
    )
    .await;
    assert_eq!(done.status, 303);
    assert_eq!(done.headers["location"], "/account?done=password");
    assert!(session_works(&router, &this).await);
    assert!(!session_works(&router, &other).await);
    assert!(!token_works(&router, &token).await);
    let page = send(
        &router,
        "GET",
        "/account?done=password",
        &[("cookie", &this), ("accept", "text/html")],
        None,
    )
    .await;
    assert!(page.body.contains("Your password is changed."));
}

#[tokio::test]
async fn tokens_are_listed_without_themselves_and_revoked_from_the_page() {
    let (_, router) = app().await;
    let (_, cookie, csrf) = sign_up(&router, "ann", "/").await;
    let token = new_token(&router, "ann", PASSWORD).await;
    let secret = token.trim_start_matches("Bearer ");
    let listed = send(
        &router,
        "GET",
        "/api/account/tokens",
        &[("cookie", &cookie)],
        None,
    )
    .await;
    assert_eq!(listed.status, 200);
    let tokens = listed.json();
    assert_eq!(tokens.as_array().unwrap().len(), 1);
    let id = tokens[0]["id"].as_str().unwrap();
    assert_eq!(id.len(), 16);
    assert!(
        !secret.starts_with(id),
        "the id gives nothing of the token away"
    );
    assert!(tokens[0]["created"].as_str().unwrap().starts_with("20"));
    assert!(!listed.body.contains(secret));

    let page = account_page(&router, &cookie).await;
    assert!(page.body.contains(id) && !page.body.contains(secret));
    let action = format!("/account/tokens/{id}/revoke");
    assert!(page.body.contains(&format!("action=\"{action}\"")));
    let revoked = post_form(&router, &action, &cookie, &format!("csrf={csrf}")).await;
    assert_eq!(revoked.status, 303);
    assert_eq!(revoked.headers["location"], "/account?done=token");
    assert!(!token_works(&router, &token).await);
    let again = post_form(&router, &action, &cookie, &format!("csrf={csrf}")).await;
    assert_eq!(again.status, 404);
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session() {
    let (_, router) = app().await;
    let (_, first, csrf) = sign_up(&router, "ann", "/").await;
    let (second, _) = log_in(&router, "ann", PASSWORD).await;
    let token = new_token(&router, "ann", PASSWORD).await;
    let out = post_form(
        &router,
        "/account/sign-out-everywhere",
        &first,
        &format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(out.status, 303);
    assert_eq!(out.headers["location"], "/account/signed-out");
    assert!(
        cookies(&out.headers)
            .iter()
            .any(|c| c.starts_with("gloss_session=;") && c.contains("Max-Age=0"))
    );
    assert!(!session_works(&router, &first).await, "this one too");
    assert!(!session_works(&router, &second).await);
    assert!(
        token_works(&router, &token).await,
        "tokens are not sessions"
    );
    let said = get_html(&router, "/account/signed-out").await;
    assert_eq!(said.status, 200);
    assert!(said.body.contains("Signed out everywhere"));
}
