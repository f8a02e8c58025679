//! Notes on the essay as a whole: a target with no selector. They go through the protocol as
//! passage notes do, and the reading page lists them, with their replies, in
//! `<section id="page-notes">` after the essay, where signed-in readers may add one (with a
//! plain form when scripts are off) and others are asked to log in.

use crate::support::*;
use gloss::live::Change;
use scraper::Html;
use serde_json::json;

const PUBLIC_ESSAY: &str = "http://gloss.test/articles/witkoff-takes-russias-side";

/// The section of notes on the whole essay in a page or fragment, as sent.
fn section(html: &str) -> String {
    let start = html
        .find("<section class=\"page-notes\" id=\"page-notes\"")
        .unwrap_or_else(|| panic!("no section of notes on the whole essay in {html}"));
    let end = start + html[start..].find("</section>").expect("the section ends");
    html[start..end + "</section>".len()].to_string()
}

/// The signed-out page once it shows every write so far: signed-out readers are served the
/// version at hand while a newer one is made.
async fn signed_out(state: &gloss::AppState, router: &axum::Router) -> String {
    let revision = state.store.revision(ESSAY).await.unwrap();
    let wanted = format!("data-revision=\"{revision}\"");
    for _ in 0..500 {
        let body = page(router, None, "").await;
        if body.contains(&wanted) {
            return body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    panic!("the signed-out page never reached revision {revision}");
}

/// The reading page as the token's owner sees it (signed out without one).
async fn page(router: &axum::Router, token: Option<&str>, query: &str) -> String {
    let mut headers = vec![("accept", "text/html")];
    if let Some(token) = token {
        headers.push(("authorization", token));
    }
    let uri = format!("/articles/{ESSAY}{query}");
    let reply = send(router, "GET", &uri, &headers, None).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

#[tokio::test]
async fn a_page_note_is_made_with_the_essays_url_or_a_source_without_selector() {
    let (_, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let mut by_source = page_note("With a source.");
    by_source["target"] = json!({"type": "SpecificResource", "source": PUBLIC_ESSAY});
    let mut absolute = page_note("With the absolute URL.");
    absolute["target"] = json!(PUBLIC_ESSAY);
    for note in [page_note("With the path."), absolute, by_source] {
        let created = create(&router, &ann, &note).await;
        let made = created.json();
        assert_eq!(made["target"], json!(PUBLIC_ESSAY), "{made:#}");
        let read = send(
            &router,
            "GET",
            &path_of(&made),
            &[("accept", "application/ld+json")],
            None,
        )
        .await;
        assert_eq!(read.status, 200);
        assert_eq!(read.json(), made, "read back as created");
    }
}

#[tokio::test]
async fn a_page_note_needs_a_note_and_an_essay() {
    let (_, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let highlight = json!({"motivation": "highlighting", "target": format!("/articles/{ESSAY}")});
    let elsewhere = {
        let mut note = page_note("Nowhere.");
        note["target"] = json!("/articles/no-such-essay");
        note
    };
    for (note, status) in [(highlight, 400), (elsewhere, 422)] {
        let sent = send(
            &router,
            "POST",
            "/annotations/",
            &[("authorization", &ann)],
            Some(&note),
        )
        .await;
        assert_eq!(sent.status, status, "{}", sent.body);
        assert_eq!(sent.headers["content-type"], "application/problem+json");
    }
}

#[tokio::test]
async fn page_notes_are_listed_after_the_essay_with_their_replies() {
    let (state, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let bob = reader_token(&router, "bob").await;
    let mut tagged = page_note("The *whole* argument.");
    tagged["body"]
        .as_array_mut()
        .unwrap()
        .push(json!({"type": "TextualBody", "value": "overview", "purpose": "tagging"}));
    let note = create(&router, &ann, &tagged).await;
    let id = id_of(&note);
    let reply =
        json!({"motivation": "replying", "bodyValue": "Agreed.", "target": note.json()["id"]});
    let reply_id = id_of(&create(&router, &bob, &reply).await);

    let html = signed_out(&state, &router).await;
    let doc = Html::parse_document(&html);
    let listed = doc
        .select(&selector(
            "main > section#page-notes[aria-labelledby=page-notes-heading]",
        ))
        .next()
        .expect("the section in the page's main");
    let heading = doc.select(&selector("#page-notes-heading")).next().unwrap();
    assert_eq!(heading.text().collect::<String>(), "Notes on this essay");
    let after_essay = html.find("</article>").unwrap();
    assert!(html.find("id=\"page-notes\"").unwrap() > after_essay);
    let note = listed
        .select(&selector(&format!("li[data-kind=reader] > #note-{id}")))
        .next()
        .expect("the note, listed with its kind");
    assert_eq!(note.value().attr("data-creator"), Some("ann"));
    assert_eq!(note.value().attr("data-kind"), Some("reader"));
    let text: String = note.text().collect();
    assert!(text.contains("whole") && text.contains("ann"), "{text}");
    assert!(note.select(&selector("em")).next().is_some(), "Markdown");
    assert!(
        note.select(&selector("a.tag[href='/search?tag=overview']"))
            .next()
            .is_some()
    );
    let answer = note
        .select(&selector(&format!(
            ".replies > #note-{reply_id}[data-creator=bob]"
        )))
        .next()
        .expect("the reply in its thread");
    assert!(answer.text().collect::<String>().contains("Agreed."));
    assert!(
        !html[..after_essay].contains(&id),
        "not in the essay's margin"
    );
}

#[tokio::test]
async fn a_private_page_note_shows_to_its_author_alone() {
    let (_, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let bob = reader_token(&router, "bob").await;
    let mut note = page_note("Only mine.");
    note["visibility"] = json!("private");
    let id = id_of(&create(&router, &ann, &note).await);

    let hers = section(&page(&router, Some(&ann), "").await);
    assert!(hers.contains(&format!("id=\"note-{id}\"")), "{hers}");
    assert!(hers.contains("data-kind=\"own\""), "{hers}");
    assert!(hers.contains("Private"), "{hers}");
    for other in [Some(bob.as_str()), None] {
        let theirs = section(&page(&router, other, "").await);
        assert!(!theirs.contains(&id) && !theirs.contains("Only mine."));
    }
    let read = send(&router, "GET", &format!("/annotations/{id}"), &[], None).await;
    assert_eq!(read.status, 404);
}

#[tokio::test]
async fn the_cached_page_and_the_fragments_carry_a_new_page_note() {
    let (state, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    assert!(
        !page(&router, None, "")
            .await
            .contains("First on the whole.")
    );
    let id = id_of(&create(&router, &ann, &page_note("First on the whole.")).await);
    let everyones = signed_out(&state, &router).await;
    assert!(section(&everyones).contains(&format!("id=\"note-{id}\"")));

    let fragments = send(
        &router,
        "GET",
        &format!("/articles/{ESSAY}/fragments"),
        &[("authorization", &ann)],
        None,
    )
    .await;
    assert_eq!(fragments.status, 200);
    let swapped = fragments.json()["page_notes"]
        .as_str()
        .expect("the section, as HTML")
        .to_string();
    assert!(swapped.starts_with("<section class=\"page-notes\" id=\"page-notes\""));
    assert!(swapped.contains(&format!("id=\"note-{id}\"")));
    assert!(swapped.contains("data-kind=\"own\""), "hers, to her");
    assert_eq!(
        section(&page(&router, Some(&ann), "").await),
        swapped,
        "the same section as her page"
    );
}

#[tokio::test]
async fn each_layer_keeps_the_kind_of_page_note_it_shows() {
    let (state, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let bob = reader_token(&router, "bob").await;
    let hers = id_of(&create(&router, &ann, &page_note("Ann's view.")).await);
    let his = id_of(&create(&router, &bob, &page_note("Bob's view.")).await);
    let kind = |html: &str, id: &str| {
        let doc = Html::parse_document(html);
        let item = doc
            .select(&selector(&format!("#page-notes li:has(> #note-{id})")))
            .next()
            .unwrap_or_else(|| panic!("{id} listed"));
        item.value().attr("data-kind").unwrap().to_string()
    };
    let mine = page(&router, Some(&ann), "?show=mine").await;
    assert!(mine.contains("data-show=\"mine\""));
    assert_eq!(kind(&mine, &hers), "own");
    assert_eq!(kind(&mine, &his), "reader");
    signed_out(&state, &router).await;
    let linked = page(&router, None, &format!("?show=none&annotation={his}")).await;
    assert_eq!(
        kind(&linked, &his),
        "target",
        "a link shows it in any layer"
    );
    assert_eq!(kind(&linked, &hers), "reader");

    // The stylesheet hides, per layer, the kinds it leaves out.
    let css = std::fs::read_to_string("static/reading.css").unwrap();
    assert!(css.contains(
        "[data-show=mine] :is(.orphans li, .print-notes li, .page-notes li):not([data-kind=own], [data-kind=target])"
    ));
    assert!(css.contains(
        ":is([data-show=editors], [data-show=none]) .page-notes li:not([data-kind=target])"
    ));
}

#[tokio::test]
async fn replies_edits_and_deletions_of_page_notes_are_announced() {
    let (state, router) = app().await;
    let mut events = state.live.subscribe();
    let ann = reader_token(&router, "ann").await;
    let created = create(&router, &ann, &page_note("Live on the whole.")).await;
    let event = events.recv().await.unwrap();
    assert_eq!(
        (event.article.as_str(), event.change, event.annotation),
        (ESSAY, Change::Created, id_of(&created))
    );
    let mut edited = created.json();
    edited["body"][0]["value"] = json!("Edited on the whole.");
    let put = send(
        &router,
        "PUT",
        &path_of(&edited),
        &[("authorization", &ann)],
        Some(&edited),
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.json()["target"], json!(PUBLIC_ESSAY));
    assert_eq!(events.recv().await.unwrap().change, Change::Updated);
    assert!(section(&signed_out(&state, &router).await).contains("Edited on the whole."));

    let gone = send(
        &router,
        "DELETE",
        &path_of(&edited),
        &[("authorization", &ann)],
        None,
    )
    .await;
    assert_eq!(gone.status, 204);
    assert_eq!(events.recv().await.unwrap().change, Change::Deleted);
    assert!(
        !signed_out(&state, &router)
            .await
            .contains("Edited on the whole.")
    );
}

#[tokio::test]
async fn search_finds_page_notes() {
    let (_, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let id = id_of(&create(&router, &ann, &page_note("A zeugma of a note.")).await);
    let found = get_html(&router, "/search?q=zeugma").await;
    assert_eq!(found.status, 200);
    assert!(
        found.body.contains(&format!("/annotations/{id}")),
        "{}",
        found.body
    );
}

#[tokio::test]
async fn signed_out_readers_are_asked_to_log_in_and_readers_get_a_form() {
    let (_, router) = app().await;
    let signed_out = section(&page(&router, None, "").await);
    assert!(
        signed_out.contains(&format!(
            "<a href=\"/login?next=%2Farticles%2F{ESSAY}%23page-notes\">Log in to add a note</a>"
        )),
        "{signed_out}"
    );
    assert!(!signed_out.contains("<form"));

    let (_, cookie, csrf) = sign_up(&router, "ann", "/").await;
    let reply = send(
        &router,
        "GET",
        &format!("/articles/{ESSAY}"),
        &[("cookie", &cookie), ("accept", "text/html")],
        None,
    )
    .await;
    let hers = section(&reply.body);
    assert!(hers.contains("data-action=\"page-note\""), "{hers}");
    assert!(hers.contains(">Note on the whole essay</button>"));
    assert!(hers.contains(&format!("action=\"/articles/{ESSAY}/page-notes\"")));
    assert!(
        hers.contains(&format!("name=\"csrf\" value=\"{csrf}\"")),
        "{csrf}: {hers}"
    );
    assert!(!hers.contains("Log in to add a note"));
}

#[tokio::test]
async fn the_plain_form_posts_a_page_note_and_returns_to_the_section() {
    let (state, router) = app().await;
    let (_, cookie, csrf) = sign_up(&router, "ann", "/").await;
    let form = format!("csrf={csrf}&body=Without+a+script.&tags=plain%2C+%23forms&private=on");
    let posted = post_form(
        &router,
        &format!("/articles/{ESSAY}/page-notes"),
        &cookie,
        &form,
    )
    .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    assert_eq!(
        posted.headers["location"],
        format!("/articles/{ESSAY}#page-notes")
    );
    let back = send(
        &router,
        "GET",
        &format!("/articles/{ESSAY}"),
        &[("cookie", &cookie), ("accept", "text/html")],
        None,
    )
    .await;
    let hers = section(&back.body);
    assert!(hers.contains("Without a script."), "{hers}");
    assert!(hers.contains("/search?tag=plain") && hers.contains("/search?tag=forms"));
    assert!(hers.contains("Private"), "the box was ticked");
    assert!(!section(&signed_out(&state, &router).await).contains("Without a script."));
}

#[tokio::test]
async fn the_plain_form_needs_the_sessions_token_and_a_session() {
    let (state, router) = app().await;
    let (_, cookie, _) = sign_up(&router, "ann", "/").await;
    let uri = format!("/articles/{ESSAY}/page-notes");
    for form in ["body=Forged.", "csrf=not-the-token&body=Forged."] {
        let refused = post_form(&router, &uri, &cookie, form).await;
        assert_eq!(refused.status, 403, "{form}");
        assert!(refused.body.contains("<html"), "a readable page");
    }
    let anonymous = post_form(&router, &uri, "", "csrf=x&body=Who.").await;
    assert_eq!(anonymous.status, 401);
    assert!(!signed_out(&state, &router).await.contains("Forged."));
}
