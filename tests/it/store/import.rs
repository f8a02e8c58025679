//! Hypothesis's annotations imported into an essay: where each lands, who wrote it, who may
//! see it, and that importing the file again adds nothing.

use std::collections::BTreeMap;
use std::sync::Arc;

use gloss::anchor;
use gloss::annotation::{Annotation, Motivation, Target, Visibility};
use gloss::import::hypothesis::{self, gloss_id};
use gloss::import::{Report, Skip, UNCLAIMED};
use gloss::library::{Article, Library};
use gloss::store::Store;
use time::macros::datetime;

use crate::support::{ESSAY, hypothesis_fixture as fixture, repo_articles};

fn essay(library: &Library) -> &Article {
    library.article(ESSAY).unwrap()
}

async fn imported(store: &Arc<dyn Store>, hypothesis_id: &str) -> Annotation {
    store
        .annotation(&gloss_id(hypothesis_id))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{hypothesis_id} was not imported"))
}

pub async fn importing_hypothesis_twice_adds_nothing(store: Arc<dyn Store>) {
    let library = Library::load(&repo_articles()).unwrap();
    let first = hypothesis::import(store.as_ref(), essay(&library), &fixture())
        .await
        .unwrap();
    assert_eq!(
        first,
        Report {
            anchored: 4,
            orphaned: 1,
            page_notes: 1,
            replies: 2,
            accounts: vec![
                "marta_k@hypothes.is".to_string(),
                "e_lindqvist@hypothes.is".to_string(),
                "jonah.r@hypothes.is".to_string(),
            ],
            skipped: BTreeMap::from([(Skip::Hidden, 1), (Skip::Unthreaded, 1)]),
        },
        "{first}"
    );
    let stored = store.all().await.unwrap().len();
    let revision = store.revision(ESSAY).await.unwrap();

    let second = hypothesis::import(store.as_ref(), essay(&library), &fixture())
        .await
        .unwrap();
    assert_eq!(second.imported(), 0, "{second}");
    assert!(second.accounts.is_empty(), "{second}");
    assert_eq!(
        second.skipped,
        BTreeMap::from([
            (Skip::AlreadyImported, 8),
            (Skip::Hidden, 1),
            (Skip::Unthreaded, 1)
        ])
    );
    assert_eq!(store.all().await.unwrap().len(), stored);
    assert_eq!(store.revision(ESSAY).await.unwrap(), revision);
}

pub async fn hypothesis_notes_keep_their_place_thread_tags_times_and_privacy(
    store: Arc<dyn Store>,
) {
    let library = Library::load(&repo_articles()).unwrap();
    let text = &essay(&library).document.text;
    hypothesis::import(store.as_ref(), essay(&library), &fixture())
        .await
        .unwrap();

    let note = imported(&store, "Gm3Jp0v2EeqlBjsaWIi5ZA").await;
    let quote = "Trump had been hinting that he would offer to sell Tomahawks";
    let start = text.char_of(text.as_str().find(quote).unwrap());
    let Target::Text(passage) = &note.target else {
        panic!("{:?}", note.target)
    };
    assert_eq!(passage.quote.exact, quote);
    assert_eq!(
        (passage.position.start, passage.position.end),
        (start, start + quote.chars().count()),
        "positions count the essay's text, not the other page's"
    );
    assert_eq!(note.article, ESSAY);
    assert_eq!(note.creator, "marta_k@hypothes.is");
    assert!(!note.editorial);
    assert_eq!(note.motivation, Motivation::Commenting);
    assert_eq!(note.visibility, Visibility::Public);
    assert_eq!(note.tags, ["Tomahawk", "timeline"]);
    assert!(note.body.as_deref().unwrap().contains("**one day**"));
    assert_eq!(note.created, datetime!(2025-11-27 09:14:22.123456 UTC));
    assert_eq!(note.modified, datetime!(2025-11-27 09:31:05.904417 UTC));

    let reply = imported(&store, "GqZ4B1rYEfC0ZHs3Vhf9Ow").await;
    assert_eq!(reply.target, Target::Reply(note.id.clone()));
    assert_eq!(reply.motivation, Motivation::Replying);
    let answer = imported(&store, "GvK8mJ0LEfCYwz9BtGS2ug").await;
    assert_eq!(
        answer.target,
        Target::Reply(reply.id.clone()),
        "the last reference is the note answered"
    );
    assert_eq!(answer.article, ESSAY);

    let page_note = imported(&store, "GoN6hQ0xEfCbD1tLxXWmPw").await;
    assert_eq!(page_note.target, Target::Page);
    assert_eq!(page_note.tags, ["sources", "transcript"]);

    let fuzzy = imported(&store, "GlP2aQ7nEfCzU3r0yH1Z8g").await;
    assert_eq!(
        fuzzy.target.quote(),
        "That’s how we know Witkoff suggested to Ushakov",
        "found though Hypothesis quoted a straight apostrophe"
    );
    assert_eq!(fuzzy.visibility, Visibility::Private);
    let group = imported(&store, "GmT0kM5oEfC5a4d9pVf3sQ").await;
    assert_eq!(
        group.visibility,
        Visibility::Private,
        "a Hypothesis group's note is its author's alone here"
    );
    let highlight = imported(&store, "Gw1dXhJeEfCRl3NmC5JQ4A").await;
    assert_eq!(highlight.motivation, Motivation::Highlighting);
    assert_eq!(highlight.body, None);
    assert_eq!(highlight.visibility, Visibility::Private);

    let orphan = imported(&store, "GkH1wE3sEfCkO8mL2uT6rA").await;
    let Target::Text(lost) = &orphan.target else {
        panic!("{:?}", orphan.target)
    };
    assert_eq!(anchor::anchor(text, lost), None, "kept as an orphan");
    assert!(lost.quote.exact.starts_with("Illustration by The Atlantic"));

    let public: Vec<String> = store
        .query(
            &gloss::store::Query {
                article: Some(ESSAY.to_string()),
                creator: None,
                limit: 100,
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|a| a.id.starts_with("hypothesis-"))
        .map(|a| a.id)
        .collect();
    assert_eq!(
        public.len(),
        5,
        "signed out, only the public notes: {public:?}"
    );
    let mine = store
        .query(
            &gloss::store::Query {
                creator: Some("jonah.r@hypothes.is".to_string()),
                limit: 100,
                ..Default::default()
            },
            Some("jonah.r@hypothes.is"),
        )
        .await
        .unwrap();
    assert_eq!(mine.total, 3, "the author sees their private notes too");

    let author = store.user("marta_k@hypothes.is").await.unwrap().unwrap();
    assert_eq!(
        author.password_hash, UNCLAIMED,
        "cannot log in until claimed"
    );
    assert!(store.user("pkowalski@hypothes.is").await.unwrap().is_none());
}
