//! When the essay changes, annotations re-anchor to the same words; those whose words are gone
//! become orphans, listed on the page and never dropped.

use std::path::Path;

use crate::support::*;
use scraper::Html;

fn edit_essay(dir: &Path, edit: impl Fn(String) -> String) {
    let path = dir.join(format!("{ESSAY}.md"));
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = edit(text.clone());
    assert_ne!(edited, text, "the edit changed something");
    std::fs::write(path, edited).unwrap();
}

async fn start(articles: &Path, url: &str) -> axum::Router {
    let state = gloss::serve::prepare(&serve_args(articles, url))
        .await
        .unwrap();
    gloss::build_router(state)
}

fn marked(page: &str, id: &str) -> String {
    let html = Html::parse_document(page);
    html.select(&selector(&format!("mark[data-annotation=\"{id}\"]")))
        .map(|m| m.text().collect::<String>())
        .collect()
}

fn block_ids(page: &str) -> Vec<String> {
    let html = Html::parse_document(page);
    html.select(&selector("article > [id]"))
        .map(|b| b.value().attr("id").unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn annotations_follow_their_words_through_edits_and_orphans_are_listed() {
    let articles = tempfile::tempdir().unwrap();
    copy_articles(articles.path());
    let db = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", db.path().join("gloss.db").display());

    let router = start(articles.path(), &url).await;
    let token = reader_token(&router, "ann").await;
    let mut ids = Vec::new();
    for quote in [
        "Ushakov gave Putin this advice.",
        "The call lasted for more than two hours.",
    ] {
        let created = create(&router, &token, &comment(quote, "Noted.")).await;
        ids.push(
            path_of(&created.json())
                .rsplit('/')
                .next()
                .unwrap()
                .to_string(),
        );
    }
    let before = get_html(&router, &format!("/articles/{ESSAY}")).await.body;

    edit_essay(articles.path(), |text| {
        text.replacen(
            "Pay attention to the dates",
            "An editor’s new opening paragraph.\n\nPay attention to the dates",
            1,
        )
        .replacen(
            "The call lasted for more than two hours.",
            "The call lasted for well over two hours.",
            1,
        )
    });
    let router = start(articles.path(), &url).await;
    let after = get_html(&router, &format!("/articles/{ESSAY}")).await.body;
    assert_eq!(
        marked(&after, &ids[0]),
        "Ushakov gave Putin this advice.",
        "moved by the new paragraph"
    );
    assert_eq!(
        marked(&after, &ids[1]),
        "The call lasted for well over two hours.",
        "reworded, found fuzzily"
    );
    let (old_ids, new_ids) = (block_ids(&before), block_ids(&after));
    assert_eq!(new_ids.len(), old_ids.len() + 1);
    assert!(
        old_ids.iter().all(|id| new_ids.contains(id)),
        "unchanged paragraphs keep their ids"
    );

    edit_essay(articles.path(), |text| {
        text.replacen("Ushakov gave Putin this advice. ", "", 1)
    });
    let router = start(articles.path(), &url).await;
    let page = get_html(&router, &format!("/articles/{ESSAY}")).await.body;
    assert_eq!(marked(&page, &ids[0]), "", "no mark on the wrong words");
    let html = Html::parse_document(&page);
    let orphans: Vec<String> = html
        .select(&selector("#orphans blockquote"))
        .map(|q| q.text().collect())
        .collect();
    assert_eq!(orphans, ["Ushakov gave Putin this advice."]);
    assert!(
        html.select(&selector(&format!("#orphans #note-{}", ids[0])))
            .next()
            .is_some()
    );
    let kept = send(
        &router,
        "GET",
        &format!("/annotations/{}", ids[0]),
        &[("accept", "application/ld+json")],
        None,
    )
    .await;
    assert_eq!(kept.status, 200, "an orphan is kept");
}
