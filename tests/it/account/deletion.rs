//! Deleting an account: nothing of it stays but the places of notes others replied to.

use serde_json::json;

use super::*;
use crate::support::*;

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
