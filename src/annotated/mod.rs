//! An essay's annotations anchored once and filed by block, then kept up to date change by
//! change: applying a write re-anchors only what it wrote and names the blocks whose HTML it
//! alters, so the page cache re-renders those alone. Copying it is cheap (persistent maps),
//! so every cached version of a page keeps the state it was drawn from.

mod view;

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use imbl::{HashMap, OrdMap, OrdSet, Vector};
use time::OffsetDateTime;

use crate::anchor;
use crate::annotation::{Annotation, Target};
use crate::library::Article;

pub use view::{Crowding, View, drawn_alike};

/// Where an annotation stands in this version of the essay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Anchored: its passage, the blocks its marks reach, and the block its note stands in.
    Passage {
        range: Range<usize>,
        blocks: Range<usize>,
        note: usize,
    },
    /// Its passage is no longer in the essay.
    Orphan,
    /// A reply, shown in the thread of the note it answers.
    Reply,
    /// On the essay as a whole, listed after it.
    Page,
}

#[derive(Debug)]
pub struct Entry {
    pub annotation: Annotation,
    pub place: Place,
    /// Its body as HTML, made by whoever first draws it and kept while it is unchanged:
    /// Markdown and sanitizing cost more than the rest of a note.
    pub body_html: OnceLock<String>,
}

/// What a change alters, for every viewer: these blocks, and perhaps the lists after the
/// essay (orphans, notes on the whole essay).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Touched {
    pub blocks: BTreeSet<usize>,
    pub orphans: bool,
    pub page_notes: bool,
}

/// Orphans are listed in the order their passages had in the essay.
type OrphanKey = (usize, OffsetDateTime, String);

/// Notes on the whole essay are listed oldest first.
type PageNoteKey = (OffsetDateTime, String);

#[derive(Clone)]
pub struct Annotated {
    article: Arc<Article>,
    revision: i64,
    entries: HashMap<String, Arc<Entry>>,
    /// By block: the annotations whose marks reach into it, by id (kept with their entries,
    /// since drawing a block walks them all).
    marks: Vector<OrdMap<String, Arc<Entry>>>,
    /// By block: the annotations whose notes stand in it.
    notes: Vector<OrdMap<String, Arc<Entry>>>,
    /// By annotation: the replies to it.
    children: HashMap<String, OrdSet<String>>,
    by_creator: HashMap<String, OrdSet<String>>,
    /// By group: the notes posted to it.
    by_group: HashMap<String, OrdSet<String>>,
    orphans: OrdSet<OrphanKey>,
    page_notes: OrdSet<PageNoteKey>,
}

impl Annotated {
    /// An essay with no annotations yet, at revision 0.
    pub fn new(article: Arc<Article>) -> Annotated {
        let blocks = article.document.blocks.len();
        Annotated {
            article,
            revision: 0,
            entries: HashMap::new(),
            marks: std::iter::repeat_n(OrdMap::new(), blocks).collect(),
            notes: std::iter::repeat_n(OrdMap::new(), blocks).collect(),
            children: HashMap::new(),
            by_creator: HashMap::new(),
            by_group: HashMap::new(),
            orphans: OrdSet::new(),
            page_notes: OrdSet::new(),
        }
    }

    /// The essay with these annotations, as of `revision`.
    pub fn with(article: Arc<Article>, revision: i64, annotations: Vec<Annotation>) -> Annotated {
        let mut annotated = Annotated::new(article);
        annotated.change(revision, annotations, &[]);
        annotated
    }

    pub fn article(&self) -> &Arc<Article> {
        &self.article
    }

    /// The store revision of the essay this state has caught up with.
    pub fn revision(&self) -> i64 {
        self.revision
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.get(id).map(Arc::as_ref)
    }

    /// The annotations whose marks reach into block `index`.
    pub fn marks(&self, index: usize) -> impl Iterator<Item = &Entry> {
        self.marks[index].values().map(Arc::as_ref)
    }

    /// The annotations whose notes stand in block `index`.
    pub fn notes(&self, index: usize) -> impl Iterator<Item = &Entry> {
        self.notes[index].values().map(Arc::as_ref)
    }

    /// The replies to an annotation.
    fn replies(&self, id: &str) -> impl Iterator<Item = &Entry> {
        self.children
            .get(id)
            .into_iter()
            .flat_map(|ids| ids.iter().filter_map(|id| self.entry(id)))
    }

    /// Everything `creator` wrote on the essay.
    fn by(&self, creator: &str) -> impl Iterator<Item = &Entry> {
        self.by_creator
            .get(creator)
            .into_iter()
            .flat_map(|ids| ids.iter().filter_map(|id| self.entry(id)))
    }

    /// Everything posted to `group` on the essay.
    fn in_group(&self, group: &str) -> impl Iterator<Item = &Entry> {
        self.by_group
            .get(group)
            .into_iter()
            .flat_map(|ids| ids.iter().filter_map(|id| self.entry(id)))
    }

    /// The ids of everything posted to `group`, as a set that is the same one (`ptr_eq`) for
    /// as long as nothing is added to it or taken from it.
    pub fn ids_in_group(&self, group: &str) -> Option<OrdSet<String>> {
        self.by_group.get(group).cloned()
    }

    /// The ids of everything `creator` wrote, as a set that is the same one (`ptr_eq`) for as
    /// long as they add or remove nothing.
    pub fn ids_by(&self, creator: &str) -> Option<OrdSet<String>> {
        self.by_creator.get(creator).cloned()
    }

    /// Annotations whose passage is gone, in the order the passages had.
    pub fn orphans(&self) -> impl Iterator<Item = &Entry> {
        self.orphans.iter().filter_map(|(_, _, id)| self.entry(id))
    }

    /// Notes on the essay as a whole, oldest first.
    pub fn page_notes(&self) -> impl Iterator<Item = &Entry> {
        self.page_notes.iter().filter_map(|(_, id)| self.entry(id))
    }

    /// The annotation at the top of a reply's thread, if it is on a passage, an orphan or a
    /// page note.
    fn root(&self, id: &str) -> Option<&Entry> {
        let mut entry = self.entry(id)?;
        for _ in 0..=self.entries.len() {
            match &entry.annotation.target {
                Target::Reply(parent) => entry = self.entry(parent)?,
                Target::Text(_) | Target::Page => return Some(entry),
            }
        }
        None
    }

    /// Brings the state to `revision`: `deleted` go with their replies, `written` are placed
    /// anew. Returns what the change alters on the page.
    pub fn apply(
        &mut self,
        revision: i64,
        written: Vec<Annotation>,
        deleted: &[String],
    ) -> Touched {
        let before = self.clone();
        let mut touched = self.change(revision, written, deleted);
        // A note joining or leaving a crowded paragraph can show or hide another reader's
        // note, whose marks may reach into other paragraphs.
        let default = View::default();
        let note_blocks: Vec<usize> = touched.blocks.iter().copied().collect();
        for block in note_blocks {
            let apart: Vec<String> = self
                .crowded_apart(block, (&default, &default), Some(&before))
                .iter()
                .map(|e| e.annotation.id.clone())
                .collect();
            for id in apart {
                for state in [&before, &*self] {
                    if let Some(entry) = state.entry(&id) {
                        state.touch(entry, &mut touched);
                    }
                }
            }
        }
        touched
    }

    /// The change itself, and the blocks and orphans its own annotations touch.
    fn change(&mut self, revision: i64, written: Vec<Annotation>, deleted: &[String]) -> Touched {
        let mut touched = Touched::default();
        for id in deleted {
            self.remove_thread(id, &mut touched);
        }
        for annotation in written {
            self.remove(&annotation.id, &mut touched);
            self.insert(annotation, &mut touched);
        }
        self.revision = self.revision.max(revision);
        touched
    }

    fn insert(&mut self, annotation: Annotation, touched: &mut Touched) {
        let place = self.place(&annotation);
        let id = annotation.id.clone();
        if let Target::Reply(parent) = &annotation.target {
            self.children
                .entry(parent.clone())
                .or_default()
                .insert(id.clone());
        }
        self.by_creator
            .entry(annotation.creator.clone())
            .or_default()
            .insert(id.clone());
        if let Some(group) = &annotation.group {
            self.by_group
                .entry(group.clone())
                .or_default()
                .insert(id.clone());
        }
        let entry = Arc::new(Entry {
            annotation,
            place,
            body_html: OnceLock::new(),
        });
        match &entry.place {
            Place::Passage { blocks, note, .. } => {
                for b in blocks.clone() {
                    self.marks[b].insert(id.clone(), Arc::clone(&entry));
                }
                self.notes[*note].insert(id.clone(), Arc::clone(&entry));
            }
            Place::Orphan => {
                self.orphans.insert(orphan_key(&entry.annotation));
            }
            Place::Page => {
                self.page_notes.insert(page_note_key(&entry.annotation));
            }
            Place::Reply => {}
        }
        self.entries.insert(id, Arc::clone(&entry));
        self.touch(&entry, touched);
    }

    /// Removes one annotation, leaving its replies for the version that replaces it.
    fn remove(&mut self, id: &str, touched: &mut Touched) {
        let Some(entry) = self.entries.get(id).cloned() else {
            return;
        };
        self.touch(&entry, touched);
        let a = &entry.annotation;
        match &entry.place {
            Place::Passage { blocks, note, .. } => {
                for b in blocks.clone() {
                    self.marks[b].remove(id);
                }
                self.notes[*note].remove(id);
            }
            Place::Orphan => {
                self.orphans.remove(&orphan_key(a));
            }
            Place::Page => {
                self.page_notes.remove(&page_note_key(a));
            }
            Place::Reply => {}
        }
        if let Target::Reply(parent) = &a.target
            && let Some(siblings) = self.children.get_mut(parent)
        {
            siblings.remove(id);
            if siblings.is_empty() {
                self.children.remove(parent);
            }
        }
        if let Some(own) = self.by_creator.get_mut(&a.creator) {
            own.remove(id);
            if own.is_empty() {
                self.by_creator.remove(&a.creator);
            }
        }
        if let Some(group) = &a.group
            && let Some(notes) = self.by_group.get_mut(group)
        {
            notes.remove(id);
            if notes.is_empty() {
                self.by_group.remove(group);
            }
        }
        self.entries.remove(id);
    }

    /// Removes an annotation and every reply under it, as the store's cascade does.
    fn remove_thread(&mut self, id: &str, touched: &mut Touched) {
        let mut stack = vec![id.to_string()];
        while let Some(id) = stack.pop() {
            stack.extend(self.children.get(&id).into_iter().flatten().cloned());
            self.remove(&id, touched);
            self.children.remove(&id);
        }
    }

    /// Marks what showing `entry` alters: its passage's blocks, the list it is in, or its
    /// thread's note.
    fn touch(&self, entry: &Entry, touched: &mut Touched) {
        match &entry.place {
            Place::Passage { blocks, note, .. } => {
                touched.blocks.extend(blocks.clone());
                touched.blocks.insert(*note);
            }
            Place::Orphan => touched.orphans = true,
            Place::Page => touched.page_notes = true,
            Place::Reply => match self.root(&entry.annotation.id).map(|root| &root.place) {
                Some(Place::Passage { note, .. }) => {
                    touched.blocks.insert(*note);
                }
                Some(Place::Orphan) => touched.orphans = true,
                Some(Place::Page) => touched.page_notes = true,
                Some(Place::Reply) | None => {}
            },
        }
    }

    fn place(&self, annotation: &Annotation) -> Place {
        let target = match &annotation.target {
            Target::Text(target) => target,
            Target::Reply(_) => return Place::Reply,
            Target::Page => return Place::Page,
        };
        let document = &self.article.document;
        let Some(found) = anchor::anchor(&document.text, target) else {
            return Place::Orphan;
        };
        let range = found.range;
        let first = document
            .blocks
            .partition_point(|b| b.range.end <= range.start);
        let last = document
            .blocks
            .partition_point(|b| b.range.start < range.end);
        let note = document
            .block_index_at(note_point(&self.article, &range))
            .unwrap_or(first);
        Place::Passage {
            blocks: first..last.max(first + 1).min(document.blocks.len()),
            note,
            range,
        }
    }
}

fn orphan_key(a: &Annotation) -> OrphanKey {
    let start = match &a.target {
        Target::Text(t) => t.position.start,
        Target::Reply(_) | Target::Page => 0,
    };
    (start, a.created, a.id.clone())
}

fn page_note_key(a: &Annotation) -> PageNoteKey {
    (a.created, a.id.clone())
}

/// Where a note goes: right after its passage, but never past the end of the passage's block.
pub fn note_point(article: &Article, range: &Range<usize>) -> usize {
    let last = range.end.saturating_sub(1).max(range.start);
    article
        .document
        .block_at(last)
        .map_or(range.end, |b| range.end.min(b.range.end))
}
