//! The change feed: what a reader holding an essay's annotations fetches to catch up.

use std::collections::BTreeMap;
use std::sync::Arc;

use gloss::annotation::{self, Annotation, Target, Visibility};
use gloss::store::{Changes, Guarded, Query, Store};

use super::annotations::{comment, create_all, ids, reply};
use super::{note, t};

fn private(a: Annotation) -> Annotation {
    Annotation {
        visibility: Visibility::Private,
        ..a
    }
}

fn elsewhere(a: Annotation) -> Annotation {
    Annotation {
        article: "other".to_string(),
        ..a
    }
}

/// Nothing new: the feed after `revision` when it is still the essay's revision.
fn nothing_after(revision: i64) -> Changes {
    Changes {
        revision,
        ..Default::default()
    }
}

/// Every annotation of `article`, private ones too, by id.
async fn stored(store: &Arc<dyn Store>, article: &str) -> BTreeMap<String, Annotation> {
    let all = store.all().await.unwrap();
    all.into_iter()
        .filter(|a| a.article == article)
        .map(|a| (a.id.clone(), a))
        .collect()
}

pub async fn the_changes_since_zero_are_every_annotation_of_the_essay(store: Arc<dyn Store>) {
    let feed = async |since| store.changes_since("essay", since).await.unwrap();
    assert_eq!(feed(0).await, Changes::default(), "nothing written yet");
    store
        .sync_editorial("essay", &[note("ed-a", "One.", t(0))])
        .await
        .unwrap();
    let annotations = [
        comment("c-1", "alice", "Public.", t(1)),
        elsewhere(comment("else", "alice", "Elsewhere.", t(2))),
        private(comment("c-2", "bob", "Private.", t(3))),
        reply("re-1", "c-1", "bob", t(4)),
        private(reply("re-2", "re-1", "alice", t(5))),
    ];
    create_all(&store, &annotations).await;

    let changes = feed(0).await;
    assert_eq!(changes.revision, store.revision("essay").await.unwrap());
    assert_eq!(
        ids(&changes.written),
        ["ed-a", "c-1", "c-2", "re-1", "re-2"],
        "private ones and replies too, oldest revision first"
    );
    let written: BTreeMap<_, _> = changes
        .written
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    assert_eq!(written, stored(&store, "essay").await, "as they are stored");
    assert!(changes.deleted.is_empty(), "{:?}", changes.deleted);
    assert_eq!(
        ids(&store.changes_since("other", 0).await.unwrap().written),
        ["else"]
    );
}

pub async fn each_write_is_the_change_after_the_revision_before_it(store: Arc<dyn Store>) {
    let feed = async |since| store.changes_since("essay", since).await.unwrap();
    let first = comment("c-1", "alice", "One.", t(0));
    let created = store.create(&first).await.unwrap();
    let expected = Changes {
        revision: created,
        written: vec![first.clone()],
        deleted: vec![],
    };
    assert_eq!(feed(0).await, expected);
    let second = comment("c-2", "bob", "Two.", t(1));
    let created_second = store.create(&second).await.unwrap();
    let expected = Changes {
        revision: created_second,
        written: vec![second.clone()],
        deleted: vec![],
    };
    assert_eq!(feed(created).await, expected, "only what came after");

    let edited = private(Annotation {
        body: Some("One, edited.".to_string()),
        modified: t(10),
        ..first.clone()
    });
    let Guarded::Done(updated) = store.update(&edited, Some(first.modified)).await.unwrap() else {
        panic!("the update is done");
    };
    let expected = Changes {
        revision: updated,
        written: vec![edited.clone()],
        deleted: vec![],
    };
    assert_eq!(feed(created_second).await, expected);

    let stale = store.update(&edited, Some(first.modified)).await.unwrap();
    assert_eq!(stale, Guarded::Stale);
    let moved = elsewhere(Annotation {
        modified: t(11),
        ..edited.clone()
    });
    let refused = store.update(&moved, None).await.unwrap();
    assert_eq!(refused, Guarded::Stale, "an annotation stays on its essay");
    assert_eq!(store.revision("other").await.unwrap(), 0);
    assert_eq!(
        store.delete("c-1", Some(t(0))).await.unwrap(),
        Guarded::Stale
    );
    assert_eq!(
        feed(updated).await,
        nothing_after(updated),
        "refused writes change nothing"
    );

    let Guarded::Done(deleted) = store.delete("c-1", Some(t(10))).await.unwrap() else {
        panic!("the delete is done");
    };
    let expected = Changes {
        revision: deleted,
        written: vec![],
        deleted: vec!["c-1".to_string()],
    };
    assert_eq!(feed(updated).await, expected);
    let expected = Changes {
        revision: deleted,
        written: vec![second],
        deleted: vec!["c-1".to_string()],
    };
    assert_eq!(
        feed(0).await,
        expected,
        "from the start: what is left, and what went"
    );
    assert_eq!(feed(deleted).await, nothing_after(deleted));
}

pub async fn an_id_deleted_and_written_again_is_only_written(store: Arc<dyn Store>) {
    let feed = async |since| store.changes_since("essay", since).await.unwrap();
    let parent = comment("c-1", "alice", "First.", t(0));
    let answer = reply("re", "c-1", "bob", t(1));
    create_all(&store, &[parent.clone(), answer]).await;
    let seen = store.revision("essay").await.unwrap();
    let Guarded::Done(gone) = store.delete("c-1", Some(t(0))).await.unwrap() else {
        panic!("the delete is done");
    };
    // As an import does: the same id, written again.
    let again = comment("c-1", "bob", "Imported again.", t(5));
    let recreated = store.create(&again).await.unwrap();

    let expected = Changes {
        revision: recreated,
        written: vec![again.clone()],
        deleted: vec!["re".to_string()],
    };
    assert_eq!(
        feed(seen).await,
        expected,
        "the reply went with the first c-1, and the second has none"
    );
    assert_eq!(feed(0).await, expected);
    let after_the_delete = Changes {
        deleted: vec![],
        ..expected
    };
    assert_eq!(feed(gone).await, after_the_delete);

    let Guarded::Done(last) = store.delete("c-1", None).await.unwrap() else {
        panic!("the delete is done");
    };
    let expected = Changes {
        revision: last,
        written: vec![],
        deleted: vec!["c-1".to_string()],
    };
    assert_eq!(feed(recreated).await, expected, "and deleted once more");
    store.create(&elsewhere(parent.clone())).await.unwrap();
    assert_eq!(
        feed(recreated).await,
        expected,
        "written again on another essay: still gone from this one"
    );
    assert_eq!(
        store.changes_since("other", 0).await.unwrap().written,
        [elsewhere(parent)]
    );
}

pub async fn syncing_editorial_notes_shows_in_the_changes(store: Arc<dyn Store>) {
    let feed = async |since| store.changes_since("essay", since).await.unwrap();
    let notes = [note("ed-a", "One.", t(0)), note("ed-b", "Two.", t(0))];
    store.sync_editorial("essay", &notes).await.unwrap();
    let synced = store.revision("essay").await.unwrap();
    let expected = Changes {
        revision: synced,
        written: notes.to_vec(),
        deleted: vec![],
    };
    assert_eq!(feed(0).await, expected);

    let answer = reply("re", "ed-b", "alice", t(1));
    let replied = store.create(&answer).await.unwrap();
    let edited = note("ed-a", "One, edited.", t(60));
    let added = note("ed-c", "Three.", t(60));
    let report = store
        .sync_editorial("essay", &[edited.clone(), added.clone()])
        .await
        .unwrap();
    assert_eq!((report.inserted, report.updated, report.deleted), (1, 1, 1));
    let resynced = store.revision("essay").await.unwrap();
    assert_eq!(resynced, replied + 1, "one sync, one revision");
    let expected = Changes {
        revision: resynced,
        written: vec![
            Annotation {
                created: t(0),
                ..edited.clone()
            },
            added.clone(),
        ],
        deleted: vec!["ed-b".to_string(), "re".to_string()],
    };
    assert_eq!(feed(replied).await, expected, "the reply went with ed-b");

    let unchanged = [
        note("ed-a", "One, edited.", t(120)),
        note("ed-c", "Three.", t(120)),
    ];
    store.sync_editorial("essay", &unchanged).await.unwrap();
    assert_eq!(feed(resynced).await, nothing_after(resynced));
}

/// What a reader of the feed holds: an essay's annotations as of `revision`.
#[derive(Default)]
struct Reader {
    revision: i64,
    held: BTreeMap<String, Annotation>,
}

impl Reader {
    /// Applies the changes since its revision, then checks it holds what the store holds and
    /// shows each viewer what the store shows them.
    async fn catch_up(&mut self, store: &Arc<dyn Store>, step: &str) {
        let changes = store.changes_since("essay", self.revision).await.unwrap();
        assert!(changes.revision >= self.revision, "revisions only grow");
        for a in changes.written {
            self.held.insert(a.id.clone(), a);
        }
        for id in &changes.deleted {
            self.drop_with_replies(id);
        }
        self.revision = changes.revision;

        assert_eq!(self.held, stored(store, "essay").await, "after {step}");
        assert_eq!(self.revision, store.revision("essay").await.unwrap());
        for viewer in [None, Some("alice"), Some("bob")] {
            let mut shown = store
                .query(
                    &Query {
                        article: Some("essay".into()),
                        limit: 1000,
                        ..Query::default()
                    },
                    viewer,
                )
                .await
                .unwrap()
                .items;
            shown.sort_by(|a, b| a.id.cmp(&b.id));
            let visible: Vec<Annotation> = (self.held.values())
                .filter(|a| a.visible_to(annotation::Reader::named(viewer)))
                .cloned()
                .collect();
            assert_eq!(visible, shown, "{viewer:?} after {step}");
        }
    }

    fn drop_with_replies(&mut self, id: &str) {
        self.held.remove(id);
        let parent = Target::Reply(id.to_string());
        let replies: Vec<String> = (self.held.values())
            .filter(|a| a.target == parent)
            .map(|a| a.id.clone())
            .collect();
        for reply in replies {
            self.drop_with_replies(&reply);
        }
    }
}

pub async fn a_reader_applying_the_changes_holds_what_the_store_holds(store: Arc<dyn Store>) {
    let mut reader = Reader::default();
    let notes = [note("ed-a", "One.", t(0)), note("ed-b", "Two.", t(0))];
    store.sync_editorial("essay", &notes).await.unwrap();
    reader.catch_up(&store, "the editors' notes").await;

    let public = comment("c-1", "alice", "Public.", t(1));
    let secret = private(comment("c-2", "bob", "Secret.", t(2)));
    create_all(&store, &[public.clone(), secret.clone()]).await;
    let thread = [
        reply("re-1", "c-1", "bob", t(3)),
        private(reply("re-2", "re-1", "alice", t(4))),
        reply("re-3", "ed-b", "bob", t(5)),
    ];
    create_all(&store, &thread).await;
    let other = elsewhere(comment("else", "bob", "Elsewhere.", t(6)));
    store.create(&other).await.unwrap();
    reader.catch_up(&store, "comments and replies").await;

    let hidden = private(Annotation {
        modified: t(7),
        ..public.clone()
    });
    store.update(&hidden, Some(public.modified)).await.unwrap();
    let shown = Annotation {
        visibility: Visibility::Public,
        modified: t(8),
        ..secret
    };
    store.update(&shown, None).await.unwrap();
    reader.catch_up(&store, "visibility changes").await;

    store.delete("c-1", None).await.unwrap();
    store.create(&public).await.unwrap();
    let one_note = [note("ed-a", "One, edited.", t(9))];
    store.sync_editorial("essay", &one_note).await.unwrap();
    reader
        .catch_up(&store, "threads deleted, one written again")
        .await;

    let answer = reply("re-1", "c-1", "alice", t(10));
    store.create(&answer).await.unwrap();
    store.delete("c-2", None).await.unwrap();
    reader.catch_up(&store, "a reply written again").await;

    reader.catch_up(&store, "nothing new").await;
    Reader::default().catch_up(&store, "a fresh start").await;
}
