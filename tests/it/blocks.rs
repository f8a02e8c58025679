//! The block cache's invariants, on the real essay after random writes: a state kept up to
//! date change by change renders exactly as one built from scratch; a block a change does not
//! name is unchanged; a block outside a reader's overlay is the same for them as for everyone.

use std::collections::BTreeMap;
use std::sync::Arc;

use gloss::anchor;
use gloss::annotated::{Annotated, View};
use gloss::annotation::{Annotation, Motivation, Target, TextQuote, TextTarget, Visibility};
use gloss::library::{Article, Library};
use gloss::render;
use proptest::prelude::*;
use time::OffsetDateTime;

const READERS: [&str; 3] = ["alice", "bob", "carol"];

#[derive(Debug, Clone)]
enum Op {
    /// A note by reader `who` on the passage at `at` (a fraction of the text), `len` long.
    Create {
        who: usize,
        at: f64,
        len: usize,
        body: bool,
        private: bool,
    },
    /// A note on words that are not in the essay: an orphan.
    Orphan {
        who: usize,
        private: bool,
    },
    /// A note on the whole essay.
    Page {
        who: usize,
        private: bool,
    },
    Reply {
        who: usize,
        to: usize,
        private: bool,
    },
    Edit {
        which: usize,
        at: f64,
        body: bool,
    },
    Visibility {
        which: usize,
        private: bool,
    },
    /// The moderators hide a note, or show it again.
    Hide {
        which: usize,
        hidden: bool,
    },
    Delete {
        which: usize,
    },
}

/// A few places in the essay, so paragraphs fill up with notes and crowd.
fn place() -> impl Strategy<Value = f64> {
    (0..10usize, 0.0..0.003f64).prop_map(|(k, jitter)| k as f64 / 10.0 + jitter)
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..3usize, place(), 1..600usize, any::<bool>(), any::<bool>())
            .prop_map(|(who, at, len, body, private)| Op::Create { who, at, len, body, private }),
        1 => (0..3usize, any::<bool>()).prop_map(|(who, private)| Op::Orphan { who, private }),
        1 => (0..3usize, any::<bool>()).prop_map(|(who, private)| Op::Page { who, private }),
        2 => (0..3usize, any::<usize>(), any::<bool>())
            .prop_map(|(who, to, private)| Op::Reply { who, to, private }),
        2 => (any::<usize>(), place(), any::<bool>())
            .prop_map(|(which, at, body)| Op::Edit { which, at, body }),
        2 => (any::<usize>(), any::<bool>())
            .prop_map(|(which, private)| Op::Visibility { which, private }),
        2 => (any::<usize>(), any::<bool>())
            .prop_map(|(which, hidden)| Op::Hide { which, hidden }),
        2 => any::<usize>().prop_map(|which| Op::Delete { which }),
    ]
}

fn library() -> &'static Library {
    static LIBRARY: std::sync::OnceLock<Library> = std::sync::OnceLock::new();
    LIBRARY
        .get_or_init(|| Library::load(&crate::support::repo_articles()).expect("the articles load"))
}

fn essay() -> Arc<Article> {
    Arc::clone(&library().articles()[0])
}

/// A passage of the essay starting at fraction `at` of its text.
fn passage(article: &Article, at: f64, len: usize) -> Target {
    let text = &article.document.text;
    let start = ((text.len() as f64 * at) as usize).min(text.len() - 1);
    let end = (start + len).min(text.len());
    Target::Text(anchor::describe(text, start..end))
}

fn annotation(id: usize, who: usize, target: Target, body: bool, private: bool) -> Annotation {
    let at = OffsetDateTime::from_unix_timestamp(1_764_000_000 + id as i64).unwrap();
    let reply = matches!(target, Target::Reply(_));
    Annotation {
        id: format!("a{id:04}"),
        identities: Default::default(),
        article: essay().slug.clone(),
        creator: READERS[who].to_string(),
        editorial: false,
        motivation: if reply {
            Motivation::Replying
        } else if body {
            Motivation::Commenting
        } else {
            Motivation::Highlighting
        },
        body: (body || reply).then(|| format!("Note {id} & <b>more</b>.")),
        entity: None,
        tags: vec![format!("t{}", id % 3)],
        group: None,
        visibility: if private {
            Visibility::Private
        } else {
            Visibility::Public
        },
        target,
        hidden: false,
        created: at,
        modified: at,
    }
}

/// The store as a test sees it: every annotation by id, and the change each op makes.
#[derive(Default)]
struct Model {
    all: BTreeMap<String, Annotation>,
    next: usize,
}

impl Model {
    fn pick(&self, which: usize) -> Option<Annotation> {
        (!self.all.is_empty()).then(|| {
            self.all
                .values()
                .nth(which % self.all.len())
                .cloned()
                .expect("in range")
        })
    }

    /// Applies an op; returns what was written and what deleted.
    fn apply(&mut self, article: &Article, op: &Op) -> (Vec<Annotation>, Vec<String>) {
        self.next += 1;
        let id = self.next;
        let written = match op {
            Op::Create {
                who,
                at,
                len,
                body,
                private,
            } => annotation(id, *who, passage(article, *at, *len), *body, *private),
            Op::Orphan { who, private } => {
                let target = Target::Text(TextTarget {
                    quote: TextQuote {
                        exact: "words the essay never had".to_string(),
                        ..TextQuote::default()
                    },
                    ..TextTarget::default()
                });
                annotation(id, *who, target, true, *private)
            }
            Op::Page { who, private } => annotation(id, *who, Target::Page, true, *private),
            Op::Reply { who, to, private } => {
                let Some(parent) = self.pick(*to) else {
                    return (vec![], vec![]);
                };
                annotation(id, *who, Target::Reply(parent.id), true, *private)
            }
            Op::Edit { which, at, body } => {
                let Some(mut a) = self.pick(*which) else {
                    return (vec![], vec![]);
                };
                if matches!(a.target, Target::Text(_)) {
                    a.target = passage(article, *at, 40);
                }
                a.body = (*body || matches!(a.target, Target::Reply(_) | Target::Page))
                    .then(|| format!("Edited {id}."));
                a
            }
            Op::Visibility { which, private } => {
                let Some(mut a) = self.pick(*which) else {
                    return (vec![], vec![]);
                };
                a.visibility = if *private {
                    Visibility::Private
                } else {
                    Visibility::Public
                };
                a
            }
            Op::Hide { which, hidden } => {
                let Some(mut a) = self.pick(*which) else {
                    return (vec![], vec![]);
                };
                a.hidden = *hidden;
                a
            }
            Op::Delete { which } => {
                let Some(a) = self.pick(*which) else {
                    return (vec![], vec![]);
                };
                self.remove_thread(&a.id);
                return (vec![], vec![a.id]);
            }
        };
        self.all.insert(written.id.clone(), written.clone());
        (vec![written], vec![])
    }

    fn remove_thread(&mut self, id: &str) {
        self.all.remove(id);
        let replies: Vec<String> = self
            .all
            .values()
            .filter(|a| matches!(&a.target, Target::Reply(p) if p == id))
            .map(|a| a.id.clone())
            .collect();
        for reply in replies {
            self.remove_thread(&reply);
        }
    }
}

/// Everyone, each reader, and readers with a note opened, a paragraph opened in full and a
/// passage shared.
fn views<'a>(article: &'a Article, model: &'a Model) -> Vec<View<'a>> {
    let mut views = vec![View::default()];
    views.extend(READERS.iter().map(|r| View {
        viewer: Some(r),
        ..View::default()
    }));
    let first = model.all.values().next();
    views.push(View {
        viewer: Some("alice"),
        groups: &[],
        focus: first.map(|a| a.id.as_str()),
        expanded: Some(article.document.blocks[1].id.as_str()),
        share: Some(("code", 100..400)),
    });
    views
}

fn html(blocks: &[render::RenderedBlock]) -> Vec<&str> {
    blocks.iter().map(|b| b.html.as_str()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_state_kept_up_to_date_renders_as_one_built_from_scratch(
        ops in prop::collection::vec(op(), 1..60)
    ) {
        let article = essay();
        let entities = library().entities();
        let everyone = View::default();
        let mut model = Model::default();
        let mut kept = Annotated::new(Arc::clone(&article));
        let mut shown = render::article(&kept, entities, &everyone);
        let listed = |a: &Annotated| -> Vec<String> {
            render::page_notes(a, &everyone).into_iter().map(|n| n.html).collect()
        };
        let mut listed_before = listed(&kept);
        for (revision, op) in ops.iter().enumerate() {
            let (written, deleted) = model.apply(&article, op);
            let touched = kept.apply(revision as i64 + 1, written, &deleted);
            let listed_now = listed(&kept);
            if !touched.page_notes {
                prop_assert_eq!(&listed_before, &listed_now, "page notes changed unannounced after {:?}", op);
            }
            listed_before = listed_now;
            let now = render::article(&kept, entities, &everyone);
            for (i, (before, after)) in shown.iter().zip(&now).enumerate() {
                if !touched.blocks.contains(&i) {
                    prop_assert_eq!(&before.html, &after.html, "block {} changed unannounced after {:?}", i, op);
                }
            }
            shown = now;
        }
        let fresh = Annotated::with(
            Arc::clone(&article),
            ops.len() as i64,
            model.all.values().cloned().collect(),
        );
        prop_assert_eq!(kept.len(), fresh.len());
        for view in views(&article, &model) {
            let kept_blocks = render::article(&kept, entities, &view);
            let fresh_blocks = render::article(&fresh, entities, &view);
            prop_assert_eq!(html(&kept_blocks), html(&fresh_blocks));
            let orphans = |a: &Annotated| -> Vec<String> {
                render::orphans(a, &view).into_iter().map(|o| o.html).collect()
            };
            prop_assert_eq!(orphans(&kept), orphans(&fresh));
            let page_notes = |a: &Annotated, view: &View| -> Vec<String> {
                render::page_notes(a, view).into_iter().map(|n| n.html).collect()
            };
            prop_assert_eq!(page_notes(&kept, &view), page_notes(&fresh, &view));
            let differs = kept.overlay(&view);
            if !differs.page_notes {
                prop_assert_eq!(page_notes(&kept, &view), page_notes(&kept, &everyone));
            }
            let overlay = differs.blocks;
            let plain = render::article(&kept, entities, &everyone);
            for i in (0..plain.len()).filter(|i| !overlay.contains(i)) {
                prop_assert_eq!(&kept_blocks[i].html, &plain[i].html, "block {} differs outside {:?}'s overlay", i, view.viewer);
            }
        }
    }
}

#[test]
fn a_note_re_renders_its_paragraph_alone() {
    let article = essay();
    let mut state = Annotated::new(Arc::clone(&article));
    let mut model = Model::default();
    let create = Op::Create {
        who: 0,
        at: 0.5,
        len: 20,
        body: true,
        private: false,
    };
    let (written, deleted) = model.apply(&article, &create);
    let touched = state.apply(1, written, &deleted);
    assert_eq!(touched.blocks.len(), 1, "{touched:?}");
    assert!(!touched.orphans);

    let reply = Op::Reply {
        who: 1,
        to: 0,
        private: false,
    };
    let (written, deleted) = model.apply(&article, &reply);
    assert_eq!(
        state.apply(2, written, &deleted),
        touched,
        "a reply shows in its note's block"
    );

    let (written, deleted) = model.apply(&article, &Op::Delete { which: 0 });
    assert_eq!(deleted.len(), 1);
    assert_eq!(state.apply(3, written, &deleted), touched);
    assert!(state.is_empty(), "the reply went with its note");
}

#[test]
fn a_fourth_readers_note_hides_the_oldest_wherever_its_marks_reach() {
    let article = essay();
    let mut state = Annotated::new(Arc::clone(&article));
    let mut model = Model::default();
    // A passage across two paragraphs whose note stands in the second; then three newer
    // notes inside the second paragraph crowd it out.
    let second = &article.document.blocks[3];
    let at = |offset: usize| offset as f64 / article.document.text.len() as f64;
    let spanning = Op::Create {
        who: 0,
        at: at(second.range.start - 10),
        len: 15,
        body: true,
        private: false,
    };
    let (written, _) = model.apply(&article, &spanning);
    state.apply(1, written, &[]);
    let mut last = Default::default();
    for (revision, who) in [(2, 1), (3, 2), (4, 1)] {
        let inside = Op::Create {
            who,
            at: at(second.range.start + 5),
            len: 5,
            body: true,
            private: false,
        };
        let (written, _) = model.apply(&article, &inside);
        last = state.apply(revision, written, &[]);
    }
    assert!(
        last.blocks.contains(&2) && last.blocks.contains(&3),
        "the hidden note's marks left the first paragraph too: {last:?}"
    );
    let crowding = state.crowding(&View::default(), 3);
    assert_eq!(crowding.more, Some(1));
    let alice = View {
        viewer: Some("alice"),
        ..View::default()
    };
    assert_eq!(state.crowding(&alice, 3).more, None, "alice sees her own");
}

#[test]
fn a_readers_own_note_can_bring_back_a_note_whose_marks_reach_another_paragraph() {
    let article = essay();
    let mut state = Annotated::new(Arc::clone(&article));
    let mut model = Model::default();
    let para = &article.document.blocks[3];
    let at = |offset: usize| offset as f64 / article.document.text.len() as f64;
    let inside = |who| Op::Create {
        who,
        at: at(para.range.start + 5),
        len: 5,
        body: true,
        private: false,
    };
    let spanning = Op::Create {
        who: 1,
        at: at(para.range.start - 10),
        len: 15,
        body: true,
        private: false,
    };
    // Oldest first: carol's, bob's spanning note, alice's, then two newer. Everyone sees the
    // newest three (alice's among them); alice, whose own note is always shown, sees the
    // newest three others', bob's spanning note among them.
    for (revision, op) in [inside(2), spanning, inside(0), inside(1), inside(2)]
        .iter()
        .enumerate()
    {
        let (written, _) = model.apply(&article, op);
        state.apply(revision as i64 + 1, written, &[]);
    }
    let alice = View {
        viewer: Some("alice"),
        ..View::default()
    };
    let overlay = state.overlay(&alice).blocks;
    assert!(overlay.contains(&2), "{overlay:?}");
    let entities = library().entities();
    let hers = render::block(&state, entities, 2, &alice).html;
    let everyones = render::block(&state, entities, 2, &View::default()).html;
    assert_ne!(
        hers, everyones,
        "bob's marks show in the paragraph before, for alice"
    );
}
