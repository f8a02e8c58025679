//! What `articles/` held when last loaded, with each essay's page cache and learnt revision:
//! made at start, and made anew and swapped in whole when the library is reloaded, keeping the
//! caches of the essays that did not change.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use super::plumbing::revisions::Revisions;
use super::reading::essays::{Essay, Essays};
use crate::library::{Entity, Library};

pub struct Catalog {
    pub library: Arc<Library>,
    /// Every essay's blocks, rendered and kept up to date, shared by all threads.
    pub essays: Essays,
    pub revisions: Revisions,
}

/// What a reload changed, by slug.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Edits {
    /// Essays whose text, notes or named entities changed: drawn anew.
    pub changed: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// How many essays kept their pages.
    pub kept: usize,
}

impl Edits {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }

    /// The essays whose readers have another text to see, or a first one.
    pub fn redrawn(&self) -> impl Iterator<Item = &str> {
        self.changed.iter().chain(&self.added).map(String::as_str)
    }
}

impl Catalog {
    /// Every essay of `library`, nothing drawn yet.
    pub fn new(library: Library) -> Catalog {
        let entities: Arc<[Entity]> = library.entities().into();
        let essays = library
            .articles()
            .iter()
            .map(|article| Arc::new(Essay::new(Arc::clone(article), Arc::clone(&entities))))
            .collect::<Vec<_>>();
        Catalog::of(Arc::new(library), Essays::new(essays))
    }

    fn of(library: Arc<Library>, essays: Essays) -> Catalog {
        let revisions = Revisions::new(library.articles().iter().map(|a| a.slug.as_str()));
        Catalog {
            library,
            essays,
            revisions,
        }
    }

    /// The catalog of `library`, loaded anew: an essay whose files are as they were keeps its
    /// pages, unless the entities changed, which every essay's mentions and cards draw from.
    pub fn reloaded(&self, library: Library) -> (Catalog, Edits) {
        let entities_changed = digest(self.library.entities()) != digest(library.entities());
        let entities: Arc<[Entity]> = library.entities().into();
        let mut edits = Edits::default();
        let mut essays = Vec::new();
        for article in library.articles() {
            let listed = match self.essays.get(&article.slug) {
                Some(essay)
                    if !entities_changed && essay.article().fingerprint == article.fingerprint =>
                {
                    edits.kept += 1;
                    essays.push(Arc::clone(essay));
                    continue;
                }
                Some(_) => &mut edits.changed,
                None => &mut edits.added,
            };
            listed.push(article.slug.clone());
            essays.push(Arc::new(Essay::new(
                Arc::clone(article),
                Arc::clone(&entities),
            )));
        }
        let essays = Essays::new(essays);
        let now: HashSet<&str> = library.articles().iter().map(|a| a.slug.as_str()).collect();
        edits.removed = self
            .library
            .articles()
            .iter()
            .filter(|a| !now.contains(a.slug.as_str()))
            .map(|a| a.slug.clone())
            .collect();
        (Catalog::of(Arc::new(library), essays), edits)
    }
}

fn digest(entities: &[Entity]) -> u64 {
    let mut hasher = DefaultHasher::new();
    entities.hash(&mut hasher);
    hasher.finish()
}
