//! The reading half of the annotation contract: who sees what, search, paging, export.

use std::sync::Arc;

use gloss::annotation::{Annotation, Visibility};
use gloss::store::{Page, Query, Store};

use super::annotations::{at, comment, create_all, ids, reply, starting_at};
use super::t;

pub async fn private_annotations_are_for_their_creator_only(store: Arc<dyn Store>) {
    let private = |a: Annotation| Annotation {
        visibility: Visibility::Private,
        ..a
    };
    let public = starting_at(comment("public", "alice", "Seen.", t(0)), 10);
    let alices = private(starting_at(comment("alices", "alice", "Mine.", t(1)), 20));
    let bobs = private(starting_at(comment("bobs", "bob", "His.", t(2)), 30));
    create_all(&store, &[public, alices, bobs]).await;

    let shown = async |viewer| {
        ids(&super::visible(&store, "essay", viewer).await)
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(shown(None).await, ["public"]);
    assert_eq!(shown(Some("alice")).await, ["public", "alices"]);
    assert_eq!(shown(Some("bob")).await, ["public", "bobs"]);

    let everything = Query {
        limit: 10,
        ..Default::default()
    };
    let found = async |viewer| store.query(&everything, viewer).await.unwrap();
    let Page { items, total } = found(None).await;
    assert_eq!((ids(&items), total), (vec!["public"], 1));
    let Page { items, total } = found(Some("bob")).await;
    assert_eq!((ids(&items), total), (vec!["bobs", "public"], 2));
    assert_eq!(store.all().await.unwrap().len(), 3, "all() is for export");
}

pub async fn query_filters_by_article_words_tag_and_creator(store: Arc<dyn Store>) {
    let tagged = |a: Annotation, tags: &[&str]| Annotation {
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..a
    };
    let on_other = |a: Annotation| Annotation {
        article: "other".to_string(),
        ..a
    };
    // Every note quotes "Witkoff"; only bodies and tags tell them apart.
    let a1 = tagged(
        comment("a1", "alice", "Pressure on Russia.", t(1)),
        &["diplomacy"],
    );
    let a2 = tagged(
        comment("a2", "bob", "A meeting in Miami.", t(2)),
        &["travel"],
    );
    let a3 = tagged(
        comment("a3", "alice", "100% sure_thing", t(3)),
        &["diplomacy", "money"],
    );
    let a4 = Annotation {
        visibility: Visibility::Private,
        ..comment("a4", "bob", "Russia again.", t(4))
    };
    create_all(&store, &[a1, a2, on_other(a3), a4]).await;

    let search = async |query: Query, viewer| {
        let query = Query { limit: 10, ..query };
        let page = store.query(&query, viewer).await.unwrap();
        assert_eq!(page.total, page.items.len());
        ids(&page.items).join(" ")
    };
    let words = |text: &str| Query {
        text: Some(text.to_string()),
        ..Default::default()
    };
    let essay = Query {
        article: Some("essay".to_string()),
        ..Default::default()
    };
    let by_alice = Query {
        creator: Some("alice".to_string()),
        ..Default::default()
    };
    let tag = |tag: &str| Query {
        tag: Some(tag.to_string()),
        ..Default::default()
    };
    assert_eq!(search(essay.clone(), None).await, "a2 a1");
    assert_eq!(search(by_alice.clone(), None).await, "a3 a1");
    let alice_on_essay = Query {
        creator: by_alice.creator.clone(),
        ..essay.clone()
    };
    assert_eq!(search(alice_on_essay, None).await, "a1");
    assert_eq!(search(tag("diplomacy"), None).await, "a3 a1");
    assert_eq!(
        search(tag("Diplomacy"), None).await,
        "",
        "tags match exactly"
    );
    assert_eq!(search(tag("dip"), None).await, "", "tags match whole");

    assert_eq!(search(words("RUSSIA"), None).await, "a1", "any case");
    assert_eq!(search(words("russia"), Some("bob")).await, "a4 a1");
    assert_eq!(search(words("pressure  russia"), None).await, "a1");
    assert_eq!(
        search(words("pressure miami"), None).await,
        "",
        "every word"
    );
    assert_eq!(
        search(words("witkoff"), None).await,
        "a3 a2 a1",
        "the quote"
    );
    assert_eq!(search(words("money"), None).await, "a3", "a tag");
    assert_eq!(search(words("%"), None).await, "a3", "% is a character");
    assert_eq!(search(words("_"), None).await, "a3", "_ is a character");
    assert_eq!(search(words(" "), None).await, "a3 a2 a1", "no words");
    let miami_on_other = Query {
        article: Some("other".to_string()),
        ..words("miami")
    };
    assert_eq!(search(miami_on_other, None).await, "");
}

pub async fn query_pages_newest_first_and_counts_every_match(store: Arc<dyn Store>) {
    for i in 0..5 {
        let id = format!("p{i}");
        store
            .create(&comment(&id, "alice", "Paged.", t(i)))
            .await
            .unwrap();
    }
    // Same time: the greater id first.
    create_all(
        &store,
        &[
            comment("q-a", "bob", "Tie.", t(9)),
            comment("q-b", "bob", "Tie.", t(9)),
        ],
    )
    .await;
    let page = async |offset, limit| {
        let query = Query {
            offset,
            limit,
            ..Default::default()
        };
        let page = store.query(&query, None).await.unwrap();
        (ids(&page.items).join(" "), page.total)
    };
    assert_eq!(page(0, 3).await, ("q-b q-a p4".to_string(), 7));
    assert_eq!(page(3, 3).await, ("p3 p2 p1".to_string(), 7));
    assert_eq!(page(6, 3).await, ("p0".to_string(), 7));
    assert_eq!(page(10, 3).await, (String::new(), 7));
}

pub async fn all_lists_everything_oldest_first(store: Arc<dyn Store>) {
    let private = Annotation {
        visibility: Visibility::Private,
        ..comment("b", "bob", "Private.", at(3, 5))
    };
    let elsewhere = Annotation {
        article: "other".to_string(),
        ..comment("a", "alice", "Elsewhere.", at(3, 5))
    };
    let first = comment("z", "alice", "First.", t(0));
    let answer = reply("r", "z", "bob", t(1));
    create_all(&store, &[private, elsewhere, first, answer]).await;
    let everything = store.all().await.unwrap();
    assert_eq!(ids(&everything), ["z", "r", "a", "b"]);
}
