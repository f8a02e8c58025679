//! The library: every essay in `articles/`, the entities they name and the editors' notes,
//! loaded and checked at start-up, and again whenever the server is told to reload it.

mod article;
mod entities;
mod error;
mod mentions;
mod notes;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use time::Date;

pub use article::{Article, Meta};
pub use entities::{Entity, EntityKind, Relation, When};
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
                let notes = notes::load(
                    &notes_path,
                    &article.path,
                    &article.document.text,
                    &entities,
                )?;
                article = article.with_notes(notes);
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

    /// Every day an event is dated by, in date order: an event that was called off is
    /// placed both on the day it was announced and on the day it was called off.
    pub fn timeline(&self) -> Vec<Dated<'_>> {
        let mut days: Vec<Dated> = self
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Event)
            .flat_map(|event| {
                let days = match event.when {
                    Some(When::On(date)) => vec![(date, Moment::Held)],
                    Some(When::CalledOff {
                        announced,
                        called_off,
                    }) => vec![
                        (announced, Moment::Announced),
                        (called_off, Moment::CalledOff),
                    ],
                    None => Vec::new(),
                };
                days.into_iter().map(move |(date, moment)| Dated {
                    date,
                    event,
                    moment,
                })
            })
            .collect();
        // On a shared day, what happened comes before what was announced or called off,
        // as an announcement follows the talks that led to it.
        days.sort_by(|a, b| {
            (a.date, a.moment, &a.event.name).cmp(&(b.date, b.moment, &b.event.name))
        });
        days
    }
}

/// An event on one of its days.
#[derive(Debug, Clone, Copy)]
pub struct Dated<'a> {
    pub date: Date,
    pub event: &'a Entity,
    pub moment: Moment,
}

/// What happened to an event on a day of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Moment {
    Held,
    Announced,
    CalledOff,
}
