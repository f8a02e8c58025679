//! A hidden note, with the replies under it, is gone for everyone but its author: from the
//! reading page, the annotation API, search, the feeds and readers' pages; its author still
//! sees it, marked. Showing it again brings it back. Live readers hear of both.

use std::time::Duration;

use gloss::live::Change;

use super::*;

/// Where a hidden note could show: each a path and what answers it for `who`.
const PAGES: [&str; 4] = [
    "/articles/witkoff-takes-russias-side",
    "/search?q=remark+moderators",
    "/users/author",
    "/feeds/articles/witkoff-takes-russias-side.atom",
];

impl World {
    /// The body of `path` as `who` sees it.
    async fn body(&self, path: &str, who: Option<&str>) -> String {
        let mut headers = vec![("accept", "text/html")];
        if let Some(token) = who {
            headers.push(("authorization", token));
        }
        let reply = send(&self.router, "GET", path, &headers, None).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        reply.body
    }

    /// Waits until the essay's page shows every write so far, as it soon does for everyone.
    async fn caught_up(&self) {
        let revision = self.state.store.revision(ESSAY).await.unwrap();
        let essay = std::sync::Arc::clone(self.state.catalog().essays.get(ESSAY).unwrap());
        essay.at_least(&self.state, revision).await.unwrap();
    }

    async fn listed(&self, who: Option<&str>) -> Vec<String> {
        let path = format!("/annotations/?target=/articles/{ESSAY}");
        let collection = self.send("GET", &path, who, None).await.json();
        collection["first"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| path_of(a).trim_start_matches("/annotations/").to_string())
            .collect()
    }
}

#[tokio::test]
async fn a_hidden_note_is_gone_for_others_and_marked_for_its_author() {
    let w = world().await;
    let note_path = format!("/annotations/{}", w.note);
    let reply_path = format!("/annotations/{}", w.reply);
    let as_author = w
        .send("GET", &note_path, Some(&w.author), None)
        .await
        .json();
    for page in PAGES {
        assert!(
            w.body(page, None).await.contains(NOTE_TEXT),
            "{page} before"
        );
    }

    assert_eq!(w.hide(&w.note, true, Some(&w.editor)).await, 204);
    w.caught_up().await;

    for who in [None, Some(w.flagger.as_str()), Some(w.editor.as_str())] {
        for page in PAGES {
            let body = w.body(page, who).await;
            assert!(!body.contains(NOTE_TEXT), "{page} still shows the note");
            assert!(!body.contains(REPLY_TEXT), "{page} still shows the reply");
        }
        assert_eq!(w.status("GET", &note_path, who, None).await, 404);
        assert_eq!(w.status("GET", &reply_path, who, None).await, 404);
        let listed = w.listed(who).await;
        assert!(
            !listed.contains(&w.note) && !listed.contains(&w.reply),
            "{listed:?}"
        );
    }
    let reply_to_it = json!({
        "type": "Annotation",
        "motivation": "replying",
        "body": [{"type": "TextualBody", "value": "Me too."}],
        "target": format!("http://gloss.test{note_path}"),
    });
    let refused = w
        .send(
            "POST",
            "/annotations/",
            Some(&w.flagger),
            Some(&reply_to_it),
        )
        .await;
    assert_eq!(refused.status, 422, "no replies to what one cannot see");

    let page = w.body(PAGES[0], Some(&w.author)).await;
    let html = scraper::Html::parse_document(&page);
    let note = html
        .select(&selector(&format!("#note-{}", w.note)))
        .next()
        .expect("the author still sees the note");
    let text: String = note.text().collect();
    assert!(text.contains("Hidden by the moderators"), "{text}");
    assert!(
        text.contains(REPLY_TEXT),
        "and the replies under it: {text}"
    );
    let read = w.send("GET", &note_path, Some(&w.author), None).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.json(), as_author, "its W3C JSON is unchanged");
    assert!(w.listed(Some(&w.author)).await.contains(&w.note));
    let export = w
        .send("GET", "/api/account/annotations", Some(&w.author), None)
        .await;
    assert!(
        export.body.contains(NOTE_TEXT),
        "the author's export keeps it"
    );
    assert!(
        !w.body(PAGES[0], None)
            .await
            .contains("Hidden by the moderators"),
        "the mark is the author's alone"
    );

    assert_eq!(w.hide(&w.note, false, Some(&w.editor)).await, 204);
    w.caught_up().await;
    for page in PAGES {
        let body = w.body(page, None).await;
        assert!(body.contains(NOTE_TEXT), "{page} after showing it again");
    }
    assert_eq!(w.status("GET", &reply_path, None, None).await, 200);
    let page = w.body(PAGES[0], Some(&w.author)).await;
    assert!(!page.contains("Hidden by the moderators"));
}

#[tokio::test]
async fn a_hidden_reply_goes_with_the_replies_under_it() {
    let w = world().await;
    let under = json!({
        "type": "Annotation",
        "motivation": "replying",
        "body": [{"type": "TextualBody", "value": "A reply to the reply"}],
        "target": format!("http://gloss.test/annotations/{}", w.reply),
    });
    let under = id_of(&create(&w.router, &w.flagger, &under).await);
    assert_eq!(w.hide(&w.reply, true, Some(&w.editor)).await, 204);
    w.caught_up().await;

    let page = w.body(PAGES[0], None).await;
    assert!(page.contains(NOTE_TEXT), "the note above stays");
    assert!(!page.contains(REPLY_TEXT) && !page.contains("A reply to the reply"));
    assert_eq!(
        w.status("GET", &format!("/annotations/{under}"), None, None)
            .await,
        404
    );
    let theirs = w.body(PAGES[0], Some(&w.other)).await;
    assert!(theirs.contains(REPLY_TEXT), "its author sees it");
    assert!(theirs.contains("Hidden by the moderators"));
}

#[tokio::test]
async fn live_readers_hear_of_a_hide_and_of_showing_again() {
    let w = world().await;
    let mut events = w.state.live.subscribe();
    let revision = w.state.store.revision(ESSAY).await.unwrap();
    for (hidden, expected) in [(true, revision + 1), (false, revision + 2)] {
        assert_eq!(w.hide(&w.note, hidden, Some(&w.editor)).await, 204);
        let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
            .await
            .expect("an event")
            .unwrap();
        assert_eq!(
            (event.annotation.as_str(), event.change, event.revision),
            (w.note.as_str(), Change::Updated, expected)
        );
        let fragments = w
            .send(
                "GET",
                &format!("/articles/{ESSAY}/fragments?revision={expected}"),
                None,
                None,
            )
            .await;
        assert_eq!(fragments.json()["revision"], expected);
        assert_eq!(
            fragments.body.contains(NOTE_TEXT),
            !hidden,
            "the fragments follow"
        );
    }
}
