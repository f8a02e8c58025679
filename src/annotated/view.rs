//! What one reader sees of an essay's annotations: which are visible, which paragraphs are
//! too crowded to show every reader's note, and which blocks differ from what a signed-out
//! reader sees (the reader's overlay).

use std::cmp::Reverse;
use std::ops::Range;

use super::{Annotated, Entry, Touched};
use crate::annotation::{Annotation, Reader, Target};

/// Other readers' notes shown beside a paragraph, besides the editors' notes and the viewer's.
pub const READER_NOTES_PER_BLOCK: usize = 3;

/// The viewer's own notes shown beside a paragraph, the newest first.
pub const OWN_NOTES_PER_BLOCK: usize = 10;

/// Who is looking, and at what. The default is a signed-out reader of the plain page.
#[derive(Debug, Clone, Default)]
pub struct View<'a> {
    pub viewer: Option<&'a str>,
    /// The ids of the groups the viewer belongs to.
    pub groups: &'a [String],
    /// The annotation a permalink points at: its note is shown open.
    pub focus: Option<&'a str>,
    /// The block shown with all its notes, however many.
    pub expanded: Option<&'a str>,
    /// A shared passage to mark: its share code and where it anchored.
    pub share: Option<(&'a str, Range<usize>)>,
}

/// Which readers' notes a paragraph shows when it cannot show them all.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Crowding<'a> {
    /// When the paragraph is crowded, the few notes it keeps of those that may be left out,
    /// by annotation id; every other of those is left out.
    kept: Option<Vec<&'a str>>,
    /// How many were left out.
    pub more: Option<usize>,
}

impl Crowding<'_> {
    /// Whether `view` sees the paragraph without `a`, one of its notes.
    pub fn hides(&self, view: &View, a: &Annotation) -> bool {
        self.kept.as_ref().is_some_and(|kept| {
            view.noted(a) && !view.always_shown(a) && !kept.contains(&a.id.as_str())
        })
    }
}

impl View<'_> {
    pub fn sees(&self, a: &Annotation) -> bool {
        a.visible_to(Reader {
            name: self.viewer,
            groups: self.groups,
        })
    }

    pub fn owns(&self, a: &Annotation) -> bool {
        !a.editorial && self.viewer == Some(a.creator.as_str())
    }

    /// Whether it has a note in the margin: others' highlights are marks alone, but a deleted
    /// note's placeholder holds the replies to it.
    pub fn noted(&self, a: &Annotation) -> bool {
        self.sees(a) && (a.body.is_some() || a.is_placeholder() || self.owns(a))
    }

    fn always_shown(&self, a: &Annotation) -> bool {
        a.editorial || self.focus == Some(a.id.as_str())
    }
}

impl Annotated {
    /// Which notes paragraph `block` leaves out: unless it is the one opened in full, other
    /// readers' notes past the newest few, and the viewer's own past the newest ten (a
    /// margin cannot hold hundreds). The editors' notes and the one a link points at are
    /// always shown.
    pub fn crowding(&self, view: &View, block: usize) -> Crowding<'_> {
        if view.expanded == Some(self.article.document.blocks[block].id.as_str()) {
            return Crowding::default();
        }
        let (mut own, mut others): (Vec<&Annotation>, Vec<&Annotation>) = self
            .notes(block)
            .map(|e| &e.annotation)
            .filter(|a| view.noted(a) && !view.always_shown(a))
            .partition(|a| view.owns(a));
        if own.len() <= OWN_NOTES_PER_BLOCK && others.len() <= READER_NOTES_PER_BLOCK {
            return Crowding::default();
        }
        let mut kept = Vec::new();
        let mut more = 0;
        for (crowd, shown) in [
            (&mut own, OWN_NOTES_PER_BLOCK),
            (&mut others, READER_NOTES_PER_BLOCK),
        ] {
            if crowd.len() > shown {
                crowd.select_nth_unstable_by_key(shown, |a| (Reverse(a.created), a.id.as_str()));
                more += crowd.len() - shown;
                crowd.truncate(shown);
            }
            kept.extend(crowd.iter().map(|a| a.id.as_str()));
        }
        Crowding {
            kept: Some(kept),
            more: Some(more),
        }
    }

    /// The notes of paragraph `block` that `one` shows and `other` leaves out, or the other
    /// way round: `one` and `other` are two viewers of this version, or one viewer of this
    /// version and of `before`.
    pub fn crowded_apart<'a>(
        &'a self,
        block: usize,
        (one, other): (&View, &View),
        before: Option<&'a Annotated>,
    ) -> Vec<&'a Entry> {
        let was = before.unwrap_or(self);
        let (theirs, others) = (self.crowding(one, block), was.crowding(other, block));
        if theirs.kept.is_none() && others.kept.is_none() {
            return Vec::new();
        }
        let differs =
            |e: &&Entry| theirs.hides(one, &e.annotation) != others.hides(other, &e.annotation);
        let mut apart: Vec<&Entry> = self.notes(block).filter(differs).collect();
        if let Some(before) = before {
            apart.extend(
                before
                    .notes(block)
                    .filter(|e| self.entry(&e.annotation.id).is_none())
                    .filter(differs),
            );
        }
        apart
    }

    /// Whether `viewer` sees annotation `id` on the page: it, and every note above it in its
    /// thread, since a reply goes wherever the note it answers goes (hidden with it, say).
    pub fn shows(&self, reader: Reader, id: &str) -> bool {
        let mut next = Some(id);
        for _ in 0..=self.entries.len() {
            let Some(id) = next else { return true };
            let Some(entry) = self.entry(id) else {
                return false;
            };
            if !entry.annotation.visible_to(reader) {
                return false;
            }
            next = match &entry.annotation.target {
                Target::Reply(parent) => Some(parent.as_str()),
                Target::Text(_) | Target::Page => None,
            };
        }
        false
    }

    /// The replies under a note that `view` may see, oldest first, however deep.
    pub fn thread(&self, view: &View, root: &str) -> Vec<&Entry> {
        let mut thread = Vec::new();
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            for reply in self.replies(id) {
                if view.sees(&reply.annotation) {
                    thread.push(reply);
                    stack.push(reply.annotation.id.as_str());
                }
            }
        }
        thread.sort_by_key(|r| (r.annotation.created, r.annotation.id.as_str()));
        thread
    }

    /// What `view` sees otherwise than a signed-out reader of the plain page: blocks, and
    /// whether the orphans or the page notes differ too. Everything else is the same bytes
    /// for everyone.
    pub fn overlay(&self, view: &View) -> Touched {
        let mut touched = Touched::default();
        if let Some(viewer) = view.viewer {
            for entry in self.by(viewer).filter(|e| !e.annotation.editorial) {
                // Their orphans and page notes are marked as their own, for the layer that
                // shows only theirs.
                if !drawn_alike(&entry.annotation) {
                    self.touch(entry, &mut touched);
                }
            }
        }
        // Their groups' notes are seen by their members alone.
        for group in view.groups {
            for entry in self.in_group(group) {
                self.touch(entry, &mut touched);
            }
        }
        if let Some(entry) = view.focus.and_then(|id| self.entry(id)) {
            self.touch(entry, &mut touched);
        }
        let document = &self.article.document;
        if let Some(i) = view
            .expanded
            .and_then(|id| document.blocks.iter().position(|b| b.id == id))
        {
            touched.blocks.insert(i);
        }
        if let Some((_, range)) = &view.share {
            touched.blocks.extend(
                (0..document.blocks.len()).filter(|&i| overlaps(&document.blocks[i].range, range)),
            );
        }
        // Where the viewer's crowding differs, notes hidden for one and shown for the other
        // carry marks that may reach into other blocks.
        let plain = View::default();
        let note_blocks: Vec<usize> = touched.blocks.iter().copied().collect();
        for block in note_blocks {
            for entry in self.crowded_apart(block, (view, &plain), None) {
                self.touch(entry, &mut touched);
            }
        }
        touched
    }
}

/// Whether a reader's annotation is drawn the same for everyone, its creator included: a
/// public reply (not in a group, not hidden). Anything else of theirs is in their overlay.
pub fn drawn_alike(a: &Annotation) -> bool {
    a.is_public() && matches!(a.target, Target::Reply(_))
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}
