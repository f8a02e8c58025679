//! Markdown -> Document -> HTML, checked on the page a browser would get.

use crate::support::*;
use scraper::Html;

const ESSAY_MD: &str = "Steve Witkoff spoke *on October 14* with [Ushakov](https://example.com/) today.\n\n\
    Witkoff’s advice mattered. Nobody else spoke.\n";

const NOTES: &str = r#"
[[notes]]
id = "crossing"
quote = "Witkoff spoke on October"
body = "A passage that crosses a name and an *italic*."

[[notes]]
id = "witkoff"
entity = "steve-witkoff"
quote = "Steve Witkoff"
body = "Who he is.\n\nSource: The essay itself."
"#;

async fn page() -> (String, gloss::library::Library) {
    let dir = tempfile::tempdir().unwrap();
    write_library(
        dir.path(),
        &format!("{FRONT}{ESSAY_MD}"),
        ENTITIES,
        Some(NOTES),
    );
    let library = gloss::library::Library::load(dir.path()).unwrap();
    let (_, router) = app_on(dir.path()).await;
    let reply = get_html(&router, "/articles/essay").await;
    assert_eq!(reply.status, 200);
    (reply.body, library)
}

#[tokio::test]
async fn the_plain_text_is_the_articles_text_without_asides() {
    let (body, library) = page().await;
    let html = Html::parse_document(&body);
    let expected = library
        .article("essay")
        .unwrap()
        .document
        .text
        .as_str()
        .to_string();
    assert_eq!(article_text(&html), expected);
}

#[tokio::test]
async fn the_real_essay_keeps_the_same_rule() {
    let (_, router) = app().await;
    let reply = get_html(&router, &format!("/articles/{ESSAY}")).await;
    let library = gloss::library::Library::load(&repo_articles()).unwrap();
    let expected = library
        .article(ESSAY)
        .unwrap()
        .document
        .text
        .as_str()
        .to_string();
    assert_eq!(article_text(&Html::parse_document(&reply.body)), expected);
    assert!(expected.starts_with("Pay attention to the dates, because the timing matters."));
}

#[tokio::test]
async fn marks_nest_across_emphasis_and_links() {
    let (body, _) = page().await;
    let html = Html::parse_document(&body);
    let article = html
        .select(&selector("article"))
        .next()
        .unwrap()
        .inner_html();
    let fragment = Html::parse_fragment(&article);
    assert!(
        fragment.errors.is_empty(),
        "mis-nested HTML: {:?}",
        fragment.errors
    );

    let marks: Vec<_> = html
        .select(&selector("mark[data-annotation$=\"-crossing\"]"))
        .collect();
    assert!(
        marks.len() >= 2,
        "a passage crossing <em> becomes several marks"
    );
    let joined: String = marks.iter().map(|m| text_without_asides(*m)).collect();
    assert_eq!(joined, "Witkoff spoke on October");
    assert!(
        html.select(&selector("em mark[data-annotation$=\"-crossing\"]"))
            .next()
            .is_some(),
        "the part inside the italic is marked inside the <em>"
    );
}

#[tokio::test]
async fn mentions_link_to_their_entity_with_a_card() {
    let (body, _) = page().await;
    let html = Html::parse_document(&body);
    let links: Vec<_> = html.select(&selector("article a.mention-link")).collect();
    let texts: Vec<String> = links.iter().map(|a| a.text().collect()).collect();
    assert_eq!(texts, ["Steve Witkoff", "October 14", "Witkoff’s"]);
    assert_eq!(links[0].attr("href"), Some("/people/steve-witkoff"));
    assert_eq!(links[1].attr("href"), Some("/events/october-14-call"));
    for link in &links {
        let card_id = link.attr("aria-describedby").unwrap();
        let card = html
            .select(&selector(&format!("#{card_id}")))
            .next()
            .unwrap();
        assert_eq!(card.attr("role"), Some("tooltip"));
        assert!(card.attr("data-aside").is_some());
    }
}

#[tokio::test]
async fn notes_sit_after_their_passage_numbered_in_text_order() {
    let (body, _) = page().await;
    let html = Html::parse_document(&body);
    let notes: Vec<_> = html.select(&selector("article .sidenote")).collect();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0].attr("id"), Some("note-ed-essay-witkoff"));
    assert_eq!(notes[1].attr("id"), Some("note-ed-essay-crossing"));
    // The stylesheet numbers them: each note follows the reference that counts it.
    let refs: Vec<_> = html
        .select(&selector("article .note-ref"))
        .map(|r| {
            r.attr("for")
                .unwrap()
                .trim_start_matches("toggle-")
                .to_string()
        })
        .collect();
    assert_eq!(refs, ["ed-essay-witkoff", "ed-essay-crossing"]);
    let source: String = notes[0].text().collect();
    assert!(source.contains("Source: The essay itself."), "{source}");
    let footnotes: Vec<_> = html.select(&selector(".print-notes li")).collect();
    assert_eq!(footnotes.len(), 2, "print gets the notes as footnotes");
}
