//! A paragraph with more readers' notes than the margin can hold shows the newest few and a
//! link to the paragraph with all of them; the editors' notes always show, and the reader's own
//! come before others' up to ten.

use crate::support::*;
use scraper::Html;

const PASSAGE: &str = "Let me back up and explain.";
const BLOCK: &str = "p-let-me-back-up-and-explain";

/// Five readers' notes on one paragraph, oldest first, each with the token of its author.
async fn crowded(router: &axum::Router) -> Vec<(String, String)> {
    let mut notes = Vec::new();
    for i in 1..=5 {
        let token = reader_token(router, &format!("reader{i}")).await;
        let body = comment(PASSAGE, &format!("Note number {i}."));
        let id = id_of(&create(router, &token, &body).await);
        notes.push((id, token));
    }
    notes
}

fn shown(html: &Html) -> Vec<String> {
    let paragraph = format!("#{BLOCK} .sidenote");
    html.select(&selector(&paragraph))
        .map(|n| {
            n.value()
                .id()
                .unwrap()
                .trim_start_matches("note-")
                .to_string()
        })
        .collect()
}

fn marked(html: &Html, id: &str) -> bool {
    let mark = format!("mark[data-annotation=\"{id}\"]");
    html.select(&selector(&mark)).next().is_some()
}

fn more_link(html: &Html) -> Option<(String, String)> {
    let link = format!("#{BLOCK} a.more-notes");
    html.select(&selector(&link)).next().map(|a| {
        (
            a.text().collect::<String>(),
            a.value().attr("href").unwrap().to_string(),
        )
    })
}

#[tokio::test]
async fn a_crowded_paragraph_shows_the_newest_notes_and_links_to_all() {
    let (_, router) = app().await;
    let notes = crowded(&router).await;
    let essay = format!("/articles/{ESSAY}");

    let page = Html::parse_document(&get_html(&router, &essay).await.body);
    let newest: Vec<_> = notes[2..].iter().map(|(id, _)| id.clone()).collect();
    let mut seen = shown(&page);
    seen.sort();
    let mut expected = newest.clone();
    expected.sort();
    assert_eq!(seen, expected, "the three newest notes");
    for (id, _) in &notes[..2] {
        assert!(!marked(&page, id), "a note left out has no mark");
    }
    let (text, href) = more_link(&page).expect("a link to the other notes");
    assert_eq!(text, "2 more notes on this paragraph");
    assert_eq!(href, format!("{essay}?notes={BLOCK}#{BLOCK}"));
    let library = gloss::library::Library::load(&repo_articles()).unwrap();
    let text = library.article(ESSAY).unwrap().document.text.as_str();
    assert_eq!(
        article_text(&page),
        text,
        "the link is no part of the essay's text"
    );

    let all = Html::parse_document(&get_html(&router, &href).await.body);
    assert_eq!(shown(&all).len(), 5, "the paragraph with all its notes");
    assert!(notes.iter().all(|(id, _)| marked(&all, id)));
    let (text, href) = more_link(&all).expect("a way back");
    assert_eq!(
        (text.as_str(), href),
        ("Fewer notes", format!("{essay}#{BLOCK}"))
    );
}

#[tokio::test]
async fn a_reader_always_sees_their_own_note_however_crowded() {
    let (_, router) = app().await;
    let notes = crowded(&router).await;
    let (oldest, token) = &notes[0];
    let reply = send(
        &router,
        "GET",
        &format!("/articles/{ESSAY}"),
        &[("authorization", token), ("accept", "text/html")],
        None,
    )
    .await;
    let page = Html::parse_document(&reply.body);
    let seen = shown(&page);
    assert!(seen.contains(oldest), "their own note, though the oldest");
    assert_eq!(seen.len(), 4, "and the three newest of the others'");
    assert_eq!(more_link(&page).unwrap().0, "1 more note on this paragraph");
}

#[tokio::test]
async fn a_reader_sees_their_ten_newest_notes_and_a_link_to_the_rest() {
    let (_, router) = app().await;
    let token = reader_token(&router, "prolific").await;
    let auth = [("authorization", token.as_str()), ("accept", "text/html")];
    let mut own = Vec::new();
    for i in 1..=12 {
        let body = comment(PASSAGE, &format!("My note {i}."));
        own.push(id_of(&create(&router, &token, &body).await));
    }
    let essay = format!("/articles/{ESSAY}");
    let page = Html::parse_document(&send(&router, "GET", &essay, &auth, None).await.body);
    let seen = shown(&page);
    assert_eq!(seen.len(), 10, "ten of their twelve notes: {seen:?}");
    assert!(
        seen.contains(&own[11]),
        "the newest, just written, is shown"
    );
    assert!(
        !seen.contains(&own[0]) && !seen.contains(&own[1]),
        "the two oldest wait"
    );
    assert_eq!(
        more_link(&page).unwrap().0,
        "2 more notes on this paragraph"
    );
    let all = format!("{essay}?notes={BLOCK}");
    let opened = Html::parse_document(&send(&router, "GET", &all, &auth, None).await.body);
    assert_eq!(
        shown(&opened).len(),
        12,
        "the paragraph opened shows every one"
    );
}

#[tokio::test]
async fn fragments_keep_a_paragraph_open_with_all_its_notes() {
    let (_, router) = app().await;
    crowded(&router).await;
    let path = format!("/articles/{ESSAY}/fragments");
    for (query, expected) in [("", 3), (&*format!("?notes={BLOCK}"), 5)] {
        let reply = send(&router, "GET", &format!("{path}{query}"), &[], None).await;
        let json = reply.json();
        let block = json["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["id"] == BLOCK)
            .unwrap();
        let html = Html::parse_fragment(block["html"].as_str().unwrap());
        let notes = html.select(&selector(".sidenote")).count();
        assert_eq!(notes, expected, "fragments{query}");
    }
}
