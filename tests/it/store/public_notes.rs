//! The notes the Atom feeds list: public ones with a body, by essay, creator or tag.

use std::sync::Arc;

use gloss::annotation::{Annotation, Visibility};
use gloss::store::{NotesOf, Store};

use super::annotations::{comment, create_all, ids, reply, starting_at};
use super::t;

fn tagged(a: Annotation, tags: &[&str]) -> Annotation {
    Annotation {
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..a
    }
}

pub async fn public_notes_are_the_newest_public_ones_with_a_body(store: Arc<dyn Store>) {
    let on_other = |a: Annotation| Annotation {
        article: "other".to_string(),
        ..a
    };
    let highlight = Annotation {
        body: None,
        ..starting_at(comment("highlight", "alice", "", t(5)), 50)
    };
    let private = Annotation {
        visibility: Visibility::Private,
        ..tagged(comment("private", "alice", "Mine.", t(6)), &["money"])
    };
    create_all(
        &store,
        &[
            tagged(comment("a1", "alice", "First.", t(1)), &["money"]),
            starting_at(comment("b1", "bob", "Second.", t(2)), 20),
            reply("r1", "a1", "bob", t(3)),
            on_other(tagged(
                comment("a2", "alice", "Elsewhere.", t(4)),
                &["money", "travel"],
            )),
            highlight,
            private,
        ],
    )
    .await;

    let notes = async |of: NotesOf, limit| {
        let found = store.public_notes(&of, limit).await.unwrap();
        ids(&found).join(" ")
    };
    let essay = || NotesOf::Article("essay".to_string());
    assert_eq!(
        notes(essay(), 50).await,
        "r1 b1 a1",
        "replies too, newest first"
    );
    assert_eq!(
        notes(essay(), 2).await,
        "r1 b1",
        "the newest, up to the limit"
    );
    assert_eq!(notes(NotesOf::Article("none".to_string()), 50).await, "");
    assert_eq!(
        notes(NotesOf::Creator("alice".to_string()), 50).await,
        "a2 a1",
        "every essay, no highlight, nothing private"
    );
    assert_eq!(notes(NotesOf::Creator("Alice".to_string()), 50).await, "");
    assert_eq!(notes(NotesOf::Tag("money".to_string()), 50).await, "a2 a1");
    assert_eq!(notes(NotesOf::Tag("travel".to_string()), 50).await, "a2");
    assert_eq!(notes(NotesOf::Tag("mon".to_string()), 50).await, "");

    store.delete("a1", None).await.unwrap();
    assert_eq!(
        notes(essay(), 50).await,
        "b1",
        "a deleted note goes, and its replies with it"
    );
}
