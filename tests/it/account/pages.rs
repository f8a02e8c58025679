//! The replies to my notes on `/account`, and a reader's public page.

use serde_json::json;

use super::*;
use crate::support::*;

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

    let editors = get_html(&router, "/users/editors").await;
    assert_eq!(
        editors.status, 200,
        "the editors' notes' creator IRI names it too"
    );
    let listed = scraper::Html::parse_document(&editors.body)
        .select(&selector(".result"))
        .count();
    assert!(listed > 0, "the editors' notes are listed");

    let unknown = get_html(&router, "/users/nobody").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("There is no reader named nobody."));
}
