//! The library: every essay in `articles/`, the entities they name and the editors' notes,
//! loaded and checked once at start-up.

mod article;
mod entities;
mod error;
mod mentions;
mod notes;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

pub use article::{Article, Meta};
pub use entities::{Entity, EntityKind};
pub use error::LoadError;
pub use mentions::{InContext, Mention, in_context};
pub use notes::EditorialNote;

/// Everything loaded from `articles/`.
#[derive(Debug, Default)]
pub struct Library {
    /// Newest first.
    articles: Vec<Arc<Article>>,
    entities: Vec<Entity>,
    entity_index: HashMap<(EntityKind, String), usize>,
}

impl Library {
    /// Loads `dir`: `entities.toml`, every `<slug>.md` and its `<slug>.notes.toml`.
    pub fn load(dir: &Path) -> Result<Library, LoadError> {
        let entities = entities::load(&dir.join("entities.toml"))?;
        let mut articles = Vec::new();
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| LoadError::io(dir, &e))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        paths.sort();
        for path in paths {
            let mut article = article::load(&path, &entities)?;
            let notes_path = path.with_extension("notes.toml");
            if notes_path.exists() {
                article.notes = notes::load(&notes_path, &article, &entities)?;
            }
            articles.push(Arc::new(article));
        }
        articles.sort_by(|a, b| b.meta.date.cmp(&a.meta.date).then(a.slug.cmp(&b.slug)));
        let entity_index = entities
            .iter()
            .enumerate()
            .map(|(i, e)| ((e.kind, e.id.clone()), i))
            .collect();
        Ok(Library {
            articles,
            entities,
            entity_index,
        })
    }

    pub fn articles(&self) -> &[Arc<Article>] {
        &self.articles
    }

    pub fn article(&self, slug: &str) -> Option<&Arc<Article>> {
        self.articles.iter().find(|a| a.slug == slug)
    }

    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    pub fn entity(&self, kind: EntityKind, id: &str) -> Option<&Entity> {
        self.entity_index
            .get(&(kind, id.to_string()))
            .map(|&i| &self.entities[i])
    }

    /// Looks an entity up by id alone, as notes name them.
    pub fn entity_by_id(&self, id: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.id == id)
    }

    /// Every mention of `entity` in every essay, with its sentence.
    pub fn mentions_of(&self, entity: &Entity) -> Vec<(&Arc<Article>, InContext)> {
        let Some(&index) = self.entity_index.get(&(entity.kind, entity.id.clone())) else {
            return Vec::new();
        };
        self.articles
            .iter()
            .flat_map(|article| {
                article
                    .mentions
                    .iter()
                    .filter(move |m| m.entity == index)
                    .filter_map(move |m| {
                        in_context(&article.document, m.range.clone()).map(|c| (article, c))
                    })
            })
            .collect()
    }

    /// Events in date order.
    pub fn timeline(&self) -> Vec<&Entity> {
        let mut events: Vec<&Entity> = self
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Event)
            .collect();
        events.sort_by_key(|e| (e.date, e.name.clone()));
        events
    }
}
