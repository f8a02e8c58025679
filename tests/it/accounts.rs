//! Accounts: pages with a session cookie and CSRF protection, the JSON API, the operator's CLI.

use crate::support::*;

#[tokio::test]
async fn signing_up_starts_a_session_with_safe_cookies() {
    let (_, router) = app().await;
    let (reply, _, _) = sign_up(&router, "ann", "%2Farticles%2Fx%23p-1").await;
    assert_eq!(reply.status, 303);
    assert_eq!(
        reply.headers["location"], "/articles/x#p-1",
        "back to where the reader was"
    );
    let session = cookies(&reply.headers)
        .into_iter()
        .find(|c| c.starts_with("gloss_session="))
        .unwrap();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
}

#[tokio::test]
async fn cookie_writes_need_the_csrf_token() {
    let (_, router) = app().await;
    let (_, cookie, csrf) = sign_up(&router, "ann", "/").await;
    let note = comment("Why not?", "From the page.");
    let without = send(
        &router,
        "POST",
        "/annotations/",
        &[("cookie", &cookie)],
        Some(&note),
    )
    .await;
    assert_eq!(without.status, 403, "{}", without.body);
    let wrong = send(
        &router,
        "POST",
        "/annotations/",
        &[("cookie", &cookie), ("x-csrf-token", "nope")],
        Some(&note),
    )
    .await;
    assert_eq!(wrong.status, 403);
    let with = send(
        &router,
        "POST",
        "/annotations/",
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        Some(&note),
    )
    .await;
    assert_eq!(with.status, 201, "{}", with.body);

    let page = send(
        &router,
        "GET",
        &format!("/articles/{ESSAY}"),
        &[("cookie", &cookie), ("accept", "text/html")],
        None,
    )
    .await;
    assert!(
        page.body
            .contains("<meta name=\"gloss-user\" content=\"ann\">")
    );
    assert!(
        page.body
            .contains(&format!("<meta name=\"gloss-csrf\" content=\"{csrf}\">"))
    );
    assert!(
        page.body.contains("data-creator=\"ann\""),
        "the note names its creator, to whom the page's script offers Edit"
    );
}

#[tokio::test]
async fn logging_in_and_out() {
    let (_, router) = app().await;
    reader_token(&router, "ann").await;
    let page = get_html(&router, "/login?next=//evil.example/").await;
    let csrf = cookie_value(&cookies(&page.headers), "gloss_csrf");
    let jar = format!("gloss_csrf={csrf}");

    let wrong = post_form(
        &router,
        "/login",
        &jar,
        &format!("username=ann&password=wrong+password&csrf={csrf}&next=/"),
    )
    .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("Wrong username or password."));

    let forged = post_form(
        &router,
        "/login",
        &jar,
        "username=ann&password=a+long+password+123&csrf=forged&next=/",
    )
    .await;
    assert_eq!(forged.status, 403, "a cross-site form cannot log people in");

    let ok = post_form(
        &router,
        "/login",
        &jar,
        &format!("username=ann&password=a+long+password+123&csrf={csrf}&next=//evil.example/"),
    )
    .await;
    assert_eq!(ok.status, 303);
    assert_eq!(ok.headers["location"], "/", "never sent off the site");
    let set = cookies(&ok.headers);
    let session = cookie_value(&set, "gloss_session");
    let session_csrf = cookie_value(&set, "gloss_csrf");
    let signed_in = format!("gloss_session={session}; gloss_csrf={session_csrf}");

    let refused = post_form(&router, "/logout", &signed_in, "csrf=forged").await;
    assert_eq!(refused.status, 403);
    let out = post_form(
        &router,
        "/logout",
        &signed_in,
        &format!("csrf={session_csrf}"),
    )
    .await;
    assert_eq!(out.status, 303);
    let after = send(
        &router,
        "GET",
        "/",
        &[("cookie", &signed_in), ("accept", "text/html")],
        None,
    )
    .await;
    assert!(!after.body.contains("gloss-user"), "the session is gone");
}

#[tokio::test]
async fn the_users_api_refuses_bad_and_taken_names() {
    let (_, router) = app().await;
    let post = |body: serde_json::Value| {
        let router = router.clone();
        async move { send(&router, "POST", "/api/users", &[], Some(&body)).await }
    };
    assert_eq!(
        post(serde_json::json!({"username": "ann", "password": PASSWORD}))
            .await
            .status,
        201
    );
    let taken = post(serde_json::json!({"username": "ANN", "password": PASSWORD})).await;
    assert_eq!(taken.status, 409, "names compare without case");
    assert_eq!(
        post(serde_json::json!({"username": "a b", "password": PASSWORD}))
            .await
            .status,
        422
    );
    assert_eq!(
        post(serde_json::json!({"username": "bob", "password": "short"}))
            .await
            .status,
        422
    );
    assert_eq!(
        post(serde_json::json!({"username": "bob"})).await.status,
        400
    );
    let wrong = send(
        &router,
        "POST",
        "/api/tokens",
        &[],
        Some(&serde_json::json!({"username": "ann", "password": "nope nope nope"})),
    )
    .await;
    assert_eq!(wrong.status, 401);
}

#[tokio::test]
async fn operators_add_editors_from_the_command_line() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("gloss.db").display());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gloss"))
        .args(["user", "add", "edna", "--editor", "--database-url", &url])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long password 123\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "created editor edna"
    );
    let store = gloss::store::connect(&url).await.unwrap();
    let user = store.user("edna").await.unwrap().unwrap();
    assert_eq!(user.role, gloss::store::Role::Editor);
    assert!(user.password_hash.starts_with("$argon2id$"));
}

/// Every HTML page, the account forms and error pages included, names a signed-in reader in
/// its header where others are offered to log in or sign up.
#[tokio::test]
async fn every_page_knows_who_is_signed_in_errors_too() {
    let (state, router) = app().await;
    let (_, cookie, _) = sign_up(&router, "everywhere", "/").await;
    let too_many_words = vec!["word"; 21].join("+");
    let mut pages = vec![
        ("/".to_string(), 200),
        (format!("/articles/{ESSAY}"), 200),
        ("/timeline".to_string(), 200),
        ("/search?q=Witkoff".to_string(), 200),
        ("/login".to_string(), 200),
        ("/signup".to_string(), 200),
        ("/no/such/page".to_string(), 404),
        ("/nonsense/witkoff".to_string(), 404),
        ("/articles/missing".to_string(), 404),
        ("/people/nobody".to_string(), 404),
        (format!("/search?q={too_many_words}"), 400),
    ];
    for kind in gloss::library::EntityKind::ALL {
        let library = state.library();
        let entity = library.entities().iter().find(|e| e.kind == kind);
        pages.push((entity.expect("an entity of each kind").path(), 200));
    }
    for (path, status) in pages {
        let request = axum::http::Request::get(&path)
            .header("accept", "text/html")
            .header("cookie", &cookie)
            .body(axum::body::Body::empty())
            .unwrap();
        let page = respond(&router, request).await;
        assert_eq!(page.status, status, "{path}");
        let html = scraper::Html::parse_document(&page.body);
        let header = html
            .select(&selector("header.site-header"))
            .next()
            .unwrap_or_else(|| panic!("{path} has the site header"));
        let named: Vec<String> = header
            .select(&selector(".account-name"))
            .map(|name| name.text().collect())
            .collect();
        assert_eq!(named, ["everywhere"], "{path} shows the reader signed in");
        let offers = header
            .select(&selector("a[href^='/login'], a[href^='/signup']"))
            .count();
        assert_eq!(offers, 0, "{path} offers no log-in or sign-up");
    }
}
