//! The signed-in reader's account: `/account` and its forms, `/api/account/...`, and
//! `/users/{name}`; who may use them, what a password change and a deletion end, and what
//! stays of a deleted reader's notes.

use serde_json::json;

use crate::support::*;

/// A browser session of a reader who exists: (the Cookie header, the session's CSRF token).
async fn log_in(router: &axum::Router, name: &str, password: &str) -> (String, String) {
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
async fn new_token(router: &axum::Router, name: &str, password: &str) -> String {
    let credentials = json!({"username": name, "password": password});
    let reply = send(router, "POST", "/api/tokens", &[], Some(&credentials)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    format!("Bearer {}", reply.json()["token"].as_str().unwrap())
}

async fn account_page(router: &axum::Router, cookie: &str) -> Reply {
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
async fn token_works(router: &axum::Router, token: &str) -> bool {
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
async fn session_works(router: &axum::Router, cookie: &str) -> bool {
    let page = account_page(router, cookie).await;
    match page.status.as_u16() {
        200 => true,
        303 => false,
        other => panic!("GET /account answered {other}"),
    }
}

/// The essay's signed-out page once it shows `revision`: it is served the version at hand
/// while a newer one is made.
async fn page_at(router: &axum::Router, revision: i64) -> Reply {
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

fn is_problem(reply: &Reply, status: u16) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.headers["content-type"], "application/problem+json");
    assert_eq!(reply.json()["status"], status);
}

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

#[tokio::test]
async fn deleting_the_account_keeps_others_replies_under_a_placeholder() {
    let (state, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let bob = reader_token(&router, "bob").await;
    let note = create(&router, &ann, &comment("Why not?", "Ann's words here.")).await;
    let note_iri = note.json()["id"].as_str().unwrap().to_string();
    let alone = create(&router, &ann, &comment("Pay attention", "Ann alone.")).await;
    let reply = json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "replying",
        "body": {"type": "TextualBody", "value": "Bob answers.", "format": "text/markdown"},
        "target": note_iri,
    });
    let bobs = create(&router, &bob, &reply).await;
    let essay = format!("/articles/{ESSAY}");
    let before = get_html(&router, &essay).await;
    assert!(
        before.body.contains("Ann&#39;s words here.") || before.body.contains("Ann's words here.")
    );
    let mut live = state.live.subscribe();

    let wrong = json!({"password": "not the password"});
    let auth = [("authorization", ann.as_str())];
    is_problem(
        &send(&router, "DELETE", "/api/account", &auth, Some(&wrong)).await,
        403,
    );
    let right = json!({"password": PASSWORD});
    let deleted = send(&router, "DELETE", "/api/account", &auth, Some(&right)).await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);

    let mut heard = Vec::new();
    while let Ok(event) = live.try_recv() {
        heard.push((event.annotation.clone(), event.change.as_str().to_string()));
    }
    heard.sort();
    let mut expected = vec![
        (id_of(&note), "updated".to_string()),
        (id_of(&alone), "deleted".to_string()),
    ];
    expected.sort();
    assert_eq!(heard, expected, "live readers hear both go");

    assert!(!token_works(&router, &ann).await);
    is_problem(
        &send(&router, "GET", &path_of(&note.json()), &[], None).await,
        404,
    );
    is_problem(
        &send(&router, "GET", &path_of(&alone.json()), &[], None).await,
        404,
    );
    let kept = send(&router, "GET", &path_of(&bobs.json()), &[], None).await;
    assert_eq!(kept.status, 200);
    assert_eq!(
        kept.json()["target"],
        note_iri.as_str(),
        "the deleted note's IRI"
    );

    let revision = state.store.revision(ESSAY).await.unwrap();
    let after = page_at(&router, revision).await;
    assert!(!after.body.contains("Ann's words") && !after.body.contains("Ann&#39;s words"));
    assert!(!after.body.contains("Ann alone."));
    assert!(!after.body.contains("data-creator=\"ann\""));
    let html = scraper::Html::parse_document(&after.body);
    let placeholder = html
        .select(&selector(&format!("#note-{}", id_of(&note))))
        .next()
        .expect("the placeholder keeps the thread's place");
    let text: String = placeholder.text().collect();
    assert!(text.contains("This note was deleted"), "{text}");
    assert!(text.contains("Bob answers."), "{text}");
    assert!(placeholder.value().attr("data-creator").is_none());

    let listed = send(&router, "GET", "/annotations/?user=ann", &[], None).await;
    assert_eq!(listed.json()["total"], 0);
    is_problem(
        &send(
            &router,
            "POST",
            "/api/tokens",
            &[],
            Some(&json!({"username": "ann", "password": PASSWORD})),
        )
        .await,
        401,
    );
    let again = json!({"username": "ann", "password": "a different password"});
    let signed_up = send(&router, "POST", "/api/users", &[], Some(&again)).await;
    assert_eq!(signed_up.status, 201, "the name is free again");
    let page = get_html(&router, "/users/ann").await;
    assert!(page.body.contains("No public notes yet."));
}

#[tokio::test]
async fn deleting_from_the_page_asks_for_the_password_and_a_confirmation() {
    let (_, router) = app().await;
    let (_, cookie, csrf) = sign_up(&router, "ann", "/").await;
    let unticked = post_form(
        &router,
        "/account/delete",
        &cookie,
        &format!("csrf={csrf}&password=a+long+password+123"),
    )
    .await;
    assert_eq!(unticked.status, 422);
    assert!(unticked.body.contains("Tick the box"));
    let wrong = post_form(
        &router,
        "/account/delete",
        &cookie,
        &format!("csrf={csrf}&password=nope&confirm=yes"),
    )
    .await;
    assert_eq!(wrong.status, 403);
    assert!(wrong.body.contains("The password is wrong."));
    assert!(session_works(&router, &cookie).await);
    let done = post_form(
        &router,
        "/account/delete",
        &cookie,
        &format!("csrf={csrf}&password=a+long+password+123&confirm=yes"),
    )
    .await;
    assert_eq!(done.status, 303);
    assert_eq!(done.headers["location"], "/account/deleted");
    assert!(!session_works(&router, &cookie).await);
    let said = get_html(&router, "/account/deleted").await;
    assert!(said.body.contains("Account deleted"));
}

#[tokio::test]
async fn replies_to_my_notes_are_listed_newest_first_and_unread_until_seen() {
    let (_, router) = app().await;
    let (_, cookie, _) = sign_up(&router, "ann", "/").await;
    let ann = new_token(&router, "ann", PASSWORD).await;
    let bob = reader_token(&router, "bob").await;
    let note = create(&router, &ann, &comment("Why not?", "Ann's note.")).await;
    let reply = |text: &str| {
        json!({
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "Annotation",
            "motivation": "replying",
            "body": {"type": "TextualBody", "value": text, "format": "text/markdown"},
            "target": note.json()["id"],
        })
    };
    create(&router, &bob, &reply("First answer.")).await;
    let second = create(&router, &bob, &reply("Second answer.")).await;
    create(&router, &ann, &reply("Ann answers herself.")).await;

    let page = account_page(&router, &cookie).await;
    assert_eq!(page.status, 200);
    let html = scraper::Html::parse_document(&page.body);
    let items: Vec<_> = html.select(&selector(".reply-to-me")).collect();
    assert_eq!(items.len(), 2, "others' replies only");
    let first: String = items[0].text().collect();
    assert!(
        first.contains("Second answer.") && first.contains("bob"),
        "{first}"
    );
    assert!(
        items
            .iter()
            .all(|i| i.value().classes().any(|c| c == "unread"))
    );
    let link = items[0]
        .select(&selector("a.context-link"))
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap();
    assert_eq!(
        link,
        format!("/articles/{ESSAY}?annotation={0}#note-{0}", id_of(&second))
    );

    let seen = account_page(&router, &cookie).await;
    let html = scraper::Html::parse_document(&seen.body);
    assert_eq!(html.select(&selector(".reply-to-me")).count(), 2);
    assert_eq!(
        html.select(&selector(".reply-to-me.unread")).count(),
        0,
        "read now"
    );
    create(&router, &bob, &reply("Third answer.")).await;
    let later = account_page(&router, &cookie).await;
    let html = scraper::Html::parse_document(&later.body);
    let unread: Vec<String> = html
        .select(&selector(".reply-to-me.unread"))
        .map(|i| i.text().collect())
        .collect();
    assert_eq!(unread.len(), 1);
    assert!(unread[0].contains("Third answer."));
}

#[tokio::test]
async fn a_readers_page_lists_their_public_notes_newest_first() {
    let (_, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    create(&router, &ann, &comment("Why not?", "An older note.")).await;
    let newer = create(&router, &ann, &comment("Pay attention", "A newer note.")).await;
    let mut private = comment("Pay attention", "Ann's secret.");
    private["visibility"] = json!("private");
    create(&router, &ann, &private).await;

    let page = get_html(&router, "/users/ann").await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("secret"));
    let html = scraper::Html::parse_document(&page.body);
    let items: Vec<String> = html
        .select(&selector(".result"))
        .map(|i| i.text().collect())
        .collect();
    assert_eq!(items.len(), 2);
    assert!(items[0].contains("A newer note.") && items[0].contains("Pay attention"));
    assert!(items[1].contains("An older note.") && items[1].contains("Why not?"));
    let href = format!("/articles/{ESSAY}?annotation={0}#note-{0}", id_of(&newer));
    assert!(
        page.body.contains(&href),
        "a link to it on the reading page"
    );
    let creator = newer.json()["creator"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        creator, "http://gloss.test/users/ann",
        "the page the creator IRI names"
    );

    let unknown = get_html(&router, "/users/nobody").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("There is no reader named nobody."));
}
