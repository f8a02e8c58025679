//! Who may use the account's routes: signed-out readers, cookies without the CSRF token,
//! and other readers.

use serde_json::json;

use super::*;
use crate::support::*;

#[tokio::test]
async fn signed_out_readers_are_sent_to_log_in_or_refused() {
    let (_, router) = app().await;
    let page = get_html(&router, "/account").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.headers["location"], "/login?next=/account");
    for form in [
        "/account/password",
        "/account/tokens/0123456789abcdef/revoke",
        "/account/sign-out-everywhere",
        "/account/delete",
    ] {
        let body = "csrf=x&current=a&new=b&password=c&confirm=yes";
        let reply = post_form(&router, form, "", body).await;
        assert_eq!(reply.status, 303, "POST {form}");
        assert_eq!(reply.headers["location"], "/login?next=/account");
    }
    let api = [
        (
            "POST",
            "/api/account/password",
            Some(json!({"current": "a", "new": "b"})),
        ),
        (
            "DELETE",
            "/api/account",
            Some(json!({"password": PASSWORD})),
        ),
        ("GET", "/api/account/tokens", None),
        ("DELETE", "/api/account/tokens/0123456789abcdef", None),
        ("GET", "/api/account/annotations", None),
    ];
    for (method, uri, body) in &api {
        let reply = send(&router, method, uri, &[], body.as_ref()).await;
        is_problem(&reply, 401);
    }
}

#[tokio::test]
async fn cookie_writes_to_the_account_need_the_csrf_token() {
    let (_, router) = app().await;
    let (_, cookie, csrf) = sign_up(&router, "ann", "/").await;
    let token = new_token(&router, "ann", PASSWORD).await;
    let id = send(
        &router,
        "GET",
        "/api/account/tokens",
        &[("cookie", &cookie)],
        None,
    )
    .await
    .json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let writes = [
        (
            "POST",
            "/api/account/password".to_string(),
            Some(json!({"current": PASSWORD, "new": "another long password"})),
        ),
        (
            "DELETE",
            "/api/account".to_string(),
            Some(json!({"password": PASSWORD})),
        ),
        ("DELETE", format!("/api/account/tokens/{id}"), None),
    ];
    for (method, uri, body) in &writes {
        let without = send(&router, method, uri, &[("cookie", &cookie)], body.as_ref()).await;
        is_problem(&without, 403);
        let wrong = [("cookie", cookie.as_str()), ("x-csrf-token", "forged")];
        is_problem(
            &send(&router, method, uri, &wrong, body.as_ref()).await,
            403,
        );
    }
    for (form, body) in [
        (
            "/account/password".to_string(),
            format!("csrf=forged&current={PASSWORD}&new=another+long+password"),
        ),
        (format!("/account/tokens/{id}/revoke"), "csrf=forged".into()),
        ("/account/sign-out-everywhere".into(), "csrf=forged".into()),
        (
            "/account/delete".into(),
            "csrf=forged&password=a+long+password+123&confirm=yes".into(),
        ),
    ] {
        let reply = post_form(&router, &form, &cookie, &body).await;
        assert_eq!(reply.status, 403, "POST {form}");
        assert!(reply.body.contains("The form expired"), "a readable page");
    }
    assert!(token_works(&router, &token).await, "nothing was revoked");
    assert!(session_works(&router, &cookie).await, "nothing was ended");

    let with = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    let revoked = send(
        &router,
        "DELETE",
        &format!("/api/account/tokens/{id}"),
        &with,
        None,
    )
    .await;
    assert_eq!(revoked.status, 204, "{}", revoked.body);
    assert!(!token_works(&router, &token).await);
}

#[tokio::test]
async fn another_reader_cannot_act_on_my_account() {
    let (_, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let bob = reader_token(&router, "bob").await;
    let anns = send(
        &router,
        "GET",
        "/api/account/tokens",
        &[("authorization", &ann)],
        None,
    )
    .await;
    let id = anns.json()[0]["id"].as_str().unwrap().to_string();
    let bobs = send(
        &router,
        "GET",
        "/api/account/tokens",
        &[("authorization", &bob)],
        None,
    )
    .await;
    assert_eq!(bobs.json().as_array().unwrap().len(), 1, "bob sees his own");
    assert_ne!(bobs.json()[0]["id"], id.as_str());

    let revoke = send(
        &router,
        "DELETE",
        &format!("/api/account/tokens/{id}"),
        &[("authorization", &bob)],
        None,
    )
    .await;
    is_problem(&revoke, 404);
    assert!(token_works(&router, &ann).await);

    // Bob knows ann's password, yet his requests act on his own account only.
    let change = json!({"current": PASSWORD, "new": "bob chose this one"});
    let changed = send(
        &router,
        "POST",
        "/api/account/password",
        &[("authorization", &bob)],
        Some(&change),
    )
    .await;
    assert_eq!(changed.status, 204);
    assert!(token_works(&router, &new_token(&router, "ann", PASSWORD).await).await);

    let note = create(&router, &ann, &comment("Why not?", "Ann's note.")).await;
    let export = send(
        &router,
        "GET",
        "/api/account/annotations",
        &[("authorization", &bob)],
        None,
    )
    .await;
    assert_eq!(
        export.json()["total"],
        0,
        "not ann's notes: {}",
        export.body
    );
    let wrong = send(
        &router,
        "DELETE",
        "/api/account",
        &[("authorization", &bob)],
        Some(&json!({"password": PASSWORD})),
    )
    .await;
    is_problem(&wrong, 403);
    assert!(token_works(&router, &ann).await);
    let still = send(&router, "GET", &path_of(&note.json()), &[], None).await;
    assert_eq!(still.status, 200);
}
