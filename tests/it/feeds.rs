//! The Atom feeds of public notes, read back by an Atom parser as a feed reader would: an
//! essay's, a reader's and a tag's; and the pages that name them.

use atom_syndication::{Entry, Feed};
use axum::Router;
use scraper::Html;
use serde_json::{Value, json};

use crate::support::*;

const BASE: &str = "http://gloss.test";

fn tagged(mut note: Value, tag: &str) -> Value {
    let body = json!({"type": "TextualBody", "value": tag, "purpose": "tagging"});
    note["body"].as_array_mut().unwrap().push(body);
    note
}

fn private(mut note: Value) -> Value {
    note["visibility"] = json!("private");
    note
}

fn reply_to(note: &Reply, text: &str) -> Value {
    json!({"type": "Annotation", "motivation": "replying", "bodyValue": text,
           "target": note.json()["id"]})
}

/// The feed at `uri`, which must be served as Atom and parse.
async fn feed(router: &Router, uri: &str) -> Feed {
    let reply = get(router, uri, "application/atom+xml").await;
    assert_eq!(reply.status, 200, "{uri}: {}", reply.body);
    assert_eq!(
        reply.headers["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    reply
        .body
        .parse::<Feed>()
        .unwrap_or_else(|e| panic!("{uri} is not Atom: {e}\n{}", reply.body))
}

fn entry_ids(feed: &Feed) -> Vec<String> {
    feed.entries()
        .iter()
        .map(|e| {
            e.id()
                .trim_start_matches(&format!("{BASE}/annotations/"))
                .to_string()
        })
        .collect()
}

fn link<'a>(links: &'a [atom_syndication::Link], rel: &str) -> &'a str {
    links
        .iter()
        .find(|l| l.rel() == rel)
        .unwrap_or_else(|| panic!("no {rel} link"))
        .href()
}

fn entry<'a>(feed: &'a Feed, id: &str) -> &'a Entry {
    let iri = format!("{BASE}/annotations/{id}");
    feed.entries()
        .iter()
        .find(|e| e.id() == iri)
        .unwrap_or_else(|| panic!("no entry {iri}"))
}

fn content(entry: &Entry) -> &str {
    let content = entry.content().expect("every entry has content");
    assert_eq!(content.content_type(), Some("html"));
    content.value().unwrap()
}

/// Notes on the essay by two readers: alice's tagged note (with bob's reply), bob's note,
/// alice's private note and her highlight. Their ids, oldest first, and alice's token.
struct Written {
    alice: String,
    alices: String,
    bobs: String,
    reply: String,
    private: String,
    highlight: String,
}

async fn write_notes(router: &Router) -> Written {
    let alice = reader_token(router, "alice").await;
    let bob = reader_token(router, "bob").await;
    let alices = create(
        router,
        &alice,
        &tagged(comment("Why not?", "Because *he* listened."), "advice"),
    )
    .await;
    let bobs = create(router, &bob, &comment("Putin followed it.", "He did.")).await;
    let reply = create(router, &bob, &reply_to(&alices, "I doubt it.")).await;
    let private = create(router, &alice, &private(comment("Why not?", "Secret."))).await;
    let highlight = json!({"motivation": "highlighting", "target": {
        "source": format!("/articles/{ESSAY}"),
        "selector": {"type": "TextQuoteSelector", "exact": "Putin followed it."}}});
    let highlight = create(router, &alice, &highlight).await;
    Written {
        alice,
        alices: id_of(&alices),
        bobs: id_of(&bobs),
        reply: id_of(&reply),
        private: id_of(&private),
        highlight: id_of(&highlight),
    }
}

#[tokio::test]
async fn an_essays_feed_lists_its_public_notes_newest_first() {
    let (_, router) = app().await;
    let notes = write_notes(&router).await;
    let feed = feed(&router, &format!("/feeds/articles/{ESSAY}.atom")).await;

    let self_url = format!("{BASE}/feeds/articles/{ESSAY}.atom");
    assert_eq!(feed.id(), self_url);
    assert_eq!(link(feed.links(), "self"), self_url);
    assert_eq!(
        link(feed.links(), "alternate"),
        format!("{BASE}/articles/{ESSAY}")
    );
    assert!(
        feed.title().as_str().starts_with("Notes on “"),
        "{:?}",
        feed.title()
    );

    let ids = entry_ids(&feed);
    assert_eq!(
        ids[..3],
        [notes.reply.as_str(), &notes.bobs, &notes.alices],
        "newest first, the reply an entry of its own"
    );
    for left_out in [&notes.private, &notes.highlight] {
        assert!(!ids.contains(left_out), "{left_out} is not a public note");
    }
    let newest = feed.entries().iter().map(|e| *e.updated()).max().unwrap();
    assert_eq!(*feed.updated(), newest);

    let alices = entry(&feed, &notes.alices);
    assert_eq!(alices.title().as_str(), "Why not?");
    assert_eq!(alices.authors()[0].name(), "alice");
    assert_eq!(
        alices.authors()[0].uri(),
        Some("http://gloss.test/users/alice")
    );
    assert_eq!(
        link(alices.links(), "alternate"),
        format!(
            "{BASE}/articles/{ESSAY}?annotation={}#note-{}",
            notes.alices, notes.alices
        )
    );
    assert!(alices.published().is_some());
    assert_eq!(alices.categories()[0].term(), "advice");
    let html = content(alices);
    assert!(html.contains("<blockquote>Why not?</blockquote>"), "{html}");
    assert!(html.contains("Because <em>he</em> listened."), "{html}");

    let reply = entry(&feed, &notes.reply);
    assert_eq!(reply.title().as_str(), "Reply by bob");
    assert_eq!(reply.authors()[0].name(), "bob");
    let html = content(reply);
    assert!(html.contains("Reply to <a href=\""), "{html}");
    assert!(html.contains("alice’s note"), "{html}");
    assert!(html.contains("<blockquote>Why not?</blockquote>"), "{html}");
    assert!(html.contains("I doubt it."), "{html}");
}

#[tokio::test]
async fn a_deleted_note_leaves_the_feed_with_its_replies() {
    let (_, router) = app().await;
    let notes = write_notes(&router).await;
    let path = format!("/annotations/{}", notes.alices);
    let by_alice = [("authorization", notes.alice.as_str())];
    let deleted = send(&router, "DELETE", &path, &by_alice, None).await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);

    let ids = entry_ids(&feed(&router, &format!("/feeds/articles/{ESSAY}.atom")).await);
    assert_eq!(ids[0], notes.bobs);
    assert!(!ids.contains(&notes.alices) && !ids.contains(&notes.reply));
}

#[tokio::test]
async fn a_readers_feed_has_their_public_notes_and_a_tags_feed_its_notes() {
    let (_, router) = app().await;
    let notes = write_notes(&router).await;

    let alices = feed(&router, "/feeds/users/alice.atom").await;
    assert_eq!(entry_ids(&alices), [notes.alices.as_str()]);
    assert_eq!(
        link(alices.links(), "alternate"),
        format!("{BASE}/users/alice")
    );
    let bobs = feed(&router, "/feeds/users/bob.atom").await;
    assert_eq!(entry_ids(&bobs), [notes.reply.as_str(), &notes.bobs]);

    let advice = feed(&router, "/feeds/tags/advice.atom").await;
    assert_eq!(entry_ids(&advice), [notes.alices.as_str()]);
    assert_eq!(
        link(advice.links(), "self"),
        format!("{BASE}/feeds/tags/advice.atom")
    );
    assert_eq!(
        link(advice.links(), "alternate"),
        format!("{BASE}/search?tag=advice")
    );
}

#[tokio::test]
async fn feeds_with_nothing_in_them_are_empty_and_unknown_things_are_not_found() {
    let (_, router) = app().await;
    reader_token(&router, "carol").await;
    for empty in ["/feeds/users/carol.atom", "/feeds/tags/nothing-yet.atom"] {
        let feed = feed(&router, empty).await;
        assert!(feed.entries().is_empty(), "{empty}");
        assert_eq!(feed.updated().to_rfc3339(), "2025-11-26T00:00:00+00:00");
    }
    for missing in [
        "/feeds/users/nobody.atom".to_string(),
        "/feeds/articles/no-such-essay.atom".to_string(),
        format!("/feeds/articles/{ESSAY}"),
        format!("/feeds/articles/{ESSAY}.rss"),
    ] {
        let page = get_html(&router, &missing).await;
        assert_eq!(page.status, 404, "{missing}");
        assert!(
            page.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{missing}: a readable page"
        );
        let api = get(&router, &missing, "application/atom+xml").await;
        assert_eq!(api.status, 404, "{missing}");
    }
}

#[tokio::test]
async fn everything_a_note_says_is_escaped() {
    let (_, router) = app().await;
    let mallory = reader_token(&router, "mallory").await;
    let tag = "R&D <b>\"x\"";
    let body = "<script>alert(1)</script> & \u{1}]]> <b>bold</b>";
    let note = create(&router, &mallory, &tagged(comment("Why not?", body), tag)).await;

    let tag_path = "/feeds/tags/R%26D%20%3Cb%3E%22x%22.atom";
    let feed = feed(&router, tag_path).await;
    assert_eq!(entry_ids(&feed), [id_of(&note)]);
    assert_eq!(link(feed.links(), "self"), format!("{BASE}{tag_path}"));
    assert!(feed.title().as_str().contains(tag), "{:?}", feed.title());
    let entry = &feed.entries()[0];
    assert_eq!(entry.categories()[0].term(), tag);
    let html = content(entry);
    assert!(
        !html.contains("<script"),
        "sanitized as on the page: {html}"
    );
    assert!(!html.contains("<b>"), "{html}");
}

#[tokio::test]
async fn feeds_are_compressed_and_answer_304_when_unchanged() {
    let (_, router) = app().await;
    let uri = format!("/feeds/articles/{ESSAY}.atom");
    let first = get(&router, &uri, "application/atom+xml").await;
    let etag = first.headers["etag"].to_str().unwrap();

    let again = send(&router, "GET", &uri, &[("if-none-match", etag)], None).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());

    let zipped = send(&router, "GET", &uri, &[("accept-encoding", "gzip")], None).await;
    assert_eq!(zipped.status, 200);
    assert_eq!(zipped.headers["content-encoding"], "gzip");

    let alice = reader_token(&router, "alice").await;
    create(&router, &alice, &comment("Why not?", "New.")).await;
    let changed = send(&router, "GET", &uri, &[("if-none-match", etag)], None).await;
    assert_eq!(changed.status, 200, "a new note makes a new feed");
}

fn feed_links(page: &str) -> Vec<String> {
    Html::parse_document(page)
        .select(&selector(
            "head link[rel=alternate][type=\"application/atom+xml\"]",
        ))
        .map(|l| {
            assert!(!l.attr("title").unwrap_or_default().is_empty());
            l.attr("href").unwrap().to_string()
        })
        .collect()
}

#[tokio::test]
async fn the_reading_page_a_tag_search_and_a_readers_page_link_their_feeds() {
    let (_, router) = app().await;
    let reading = get_html(&router, &format!("/articles/{ESSAY}")).await;
    assert_eq!(
        feed_links(&reading.body),
        [format!("/feeds/articles/{ESSAY}.atom")]
    );
    let search = get_html(&router, "/search?tag=cease+fire").await;
    assert_eq!(feed_links(&search.body), ["/feeds/tags/cease%20fire.atom"]);
    let words = get_html(&router, "/search?q=putin").await;
    assert!(feed_links(&words.body).is_empty());
    let token = reader_token(&router, "ada").await;
    create(&router, &token, &comment("Why not?", "A question.")).await;
    let reader = get_html(&router, "/users/ada").await;
    assert_eq!(reader.status, 200);
    assert_eq!(feed_links(&reader.body), ["/feeds/users/ada.atom"]);
}
