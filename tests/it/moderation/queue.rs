//! The queue: flagged notes, the most flagged first, each in context with its flags and the
//! record of who hid it and showed it again when; as JSON and as the editors' page, whose
//! forms, like the reader's flag form, work without JavaScript.

use axum::body::Body;
use axum::http::Request;

use super::*;

#[tokio::test]
async fn the_queue_lists_the_most_flagged_first_with_who_said_what_and_who_hid_it() {
    let w = world().await;
    assert_eq!(w.flag(&w.reply, Some(&w.flagger)).await.status, 201);
    assert_eq!(w.flag(&w.note, Some(&w.flagger)).await.status, 201);
    assert_eq!(w.flag(&w.note, Some(&w.other)).await.status, 201);
    assert_eq!(w.hide(&w.note, true, Some(&w.editor)).await, 204);

    let queue = w
        .send("GET", "/api/moderation", Some(&w.editor), None)
        .await
        .json();
    let items = queue["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let first = &items[0];
    assert_eq!(
        first["annotation"]["id"],
        format!("http://gloss.test/annotations/{}", w.note)
    );
    assert_eq!(first["flag_count"], 2);
    let flaggers: Vec<&str> = first["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["flagger"].as_str().unwrap())
        .collect();
    assert_eq!(flaggers, ["flagger", "other"], "oldest first");
    assert_eq!(first["flags"][0]["reason"], "It insults another reader.");
    assert_eq!(first["quote"], "Why not?");
    assert_eq!(
        first["essay"],
        "Why Does Steve Witkoff Keep Taking Russia’s Side?"
    );
    assert_eq!(
        first["link"],
        format!("/articles/{ESSAY}?annotation={0}#note-{0}", w.note)
    );
    assert_eq!(first["hidden"], true);
    assert_eq!(first["moderations"][0]["moderator"], "editor");
    assert_eq!(first["moderations"][0]["hidden"], true);
    assert_eq!(items[1]["flag_count"], 1);
    assert_eq!(items[1]["hidden"], false);

    assert_eq!(w.hide(&w.note, false, Some(&w.editor)).await, 204);
    let queue = w
        .send("GET", "/api/moderation", Some(&w.editor), None)
        .await
        .json();
    let record: Vec<bool> = queue["items"][0]["moderations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["hidden"].as_bool().unwrap())
        .collect();
    assert_eq!(record, [true, false], "every hide and unhide");
}

#[tokio::test]
async fn an_editor_hides_a_note_from_the_page_without_javascript() {
    let w = world().await;
    assert_eq!(w.flag(&w.note, Some(&w.flagger)).await.status, 201);
    gloss::web::register(&w.state, "chief", PASSWORD, gloss::store::Role::Editor)
        .await
        .unwrap();
    let (cookie, csrf) = log_in(&w.router, "chief").await;
    let page = |cookie: String| {
        Request::get("/moderation")
            .header("accept", "text/html")
            .header("cookie", cookie)
            .body(Body::empty())
            .unwrap()
    };
    let queue = respond(&w.router, page(cookie.clone())).await;
    assert_eq!(queue.status, 200);
    let html = scraper::Html::parse_document(&queue.body);
    assert_eq!(heading(&html), "Moderation");
    let nav = selector(".site-header a[href='/moderation']");
    assert!(
        html.select(&nav).next().is_some(),
        "editors find it in the header"
    );
    let item = html
        .select(&selector(&format!("#flagged-{}", w.note)))
        .next()
        .expect("the flagged note");
    let text: String = item.text().collect();
    for expected in [
        "1 flag",
        "by author",
        NOTE_TEXT,
        "It insults another reader.",
        "Hide",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }

    let action = format!("/moderation/{}", w.note);
    let forged = post_form(&w.router, &action, &cookie, "csrf=forged&hidden=true").await;
    assert_eq!(forged.status, 403, "a form from elsewhere");
    let done = post_form(
        &w.router,
        &action,
        &cookie,
        &format!("csrf={csrf}&hidden=true"),
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(
        done.headers["location"],
        format!("/moderation#flagged-{}", w.note)
    );
    assert_eq!(
        w.status("GET", &format!("/annotations/{}", w.note), None, None)
            .await,
        404
    );
    let queue = respond(&w.router, page(cookie.clone())).await;
    assert!(queue.body.contains("Hidden by chief"), "the record");
    assert!(queue.body.contains("Show again"));
}

#[tokio::test]
async fn a_reader_flags_a_note_without_javascript() {
    let w = world().await;
    let (cookie, csrf) = log_in(&w.router, "flagger").await;
    let path = format!("/annotations/{}/flag", w.note);
    let signed_out = get_html(&w.router, &path).await;
    assert_eq!(signed_out.status, 303);
    let form = respond(
        &w.router,
        Request::get(&path)
            .header("accept", "text/html")
            .header("cookie", &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains(NOTE_TEXT) && form.body.contains(&csrf));

    let body = format!("csrf={csrf}&reason=Off+topic+and+rude");
    let sent = post_form(&w.router, &path, &cookie, &body).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(
        sent.headers["location"],
        format!("/articles/{ESSAY}?annotation={0}#note-{0}", w.note),
        "back to the note"
    );
    let again = post_form(&w.router, &path, &cookie, &body).await;
    assert_eq!(again.status, 409);
    assert!(
        again.body.contains("You flagged this note already."),
        "a readable page"
    );
    let queue = w
        .send("GET", "/api/moderation", Some(&w.editor), None)
        .await
        .json();
    assert_eq!(
        queue["items"][0]["flags"][0]["reason"],
        "Off topic and rude"
    );
}
