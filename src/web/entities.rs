//! Entity pages and the timeline: what the essays say about each person and event.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::pages::Head;
use crate::app::AppState;
use crate::error::AppError;
use crate::library::{Entity, EntityKind, InContext};
use crate::render::{format_date, note_html};

/// A mention, with where to read it.
struct Passage {
    context: InContext,
    href: String,
    article_title: String,
}

/// An editorial note about the entity, with the essay it annotates.
struct NoteView {
    html: String,
    href: String,
    article_title: String,
}

#[derive(Template)]
#[template(path = "entity.html")]
struct EntityPage<'a> {
    head: Head,
    entity: &'a Entity,
    date: Option<String>,
    notes: Vec<NoteView>,
    passages: Vec<Passage>,
    related: Vec<&'a Entity>,
}

pub async fn entity(
    State(state): State<AppState>,
    Path((segment, id)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let library = &state.library;
    let entity = EntityKind::from_segment(&segment)
        .and_then(|kind| library.entity(kind, &id))
        .ok_or_else(AppError::not_found)?;
    let notes = library
        .articles()
        .iter()
        .flat_map(|article| {
            article
                .notes
                .iter()
                .filter(|n| n.entity.as_deref() == Some(entity.id.as_str()))
                .map(move |n| NoteView {
                    html: note_html(&n.body),
                    href: format!(
                        "{}#note-{}",
                        article.url_path(),
                        n.annotation_id(&article.slug)
                    ),
                    article_title: article.meta.title.clone(),
                })
        })
        .collect();
    let related = related(library.entities(), entity);
    let page = EntityPage {
        head: Head::new(&entity.name, &entity.summary),
        entity,
        date: entity.date.map(format_date),
        notes,
        passages: passages(&state, entity),
        related,
    };
    Ok(Html(page.render()?))
}

fn passages(state: &AppState, entity: &Entity) -> Vec<Passage> {
    state
        .library
        .mentions_of(entity)
        .into_iter()
        .map(|(article, context)| Passage {
            href: format!("{}#{}", article.url_path(), context.block_id),
            article_title: article.meta.title.clone(),
            context,
        })
        .collect()
}

/// For an event, its participants; for a person, the events they took part in.
fn related<'a>(entities: &'a [Entity], entity: &Entity) -> Vec<&'a Entity> {
    entities
        .iter()
        .filter(|other| {
            entity.participants.contains(&other.id) || other.participants.contains(&entity.id)
        })
        .collect()
}

struct TimelineEntry<'a> {
    event: &'a Entity,
    date: String,
    iso_date: String,
    passages: Vec<Passage>,
}

#[derive(Template)]
#[template(path = "timeline.html")]
struct TimelinePage<'a> {
    head: Head,
    entries: Vec<TimelineEntry<'a>>,
}

pub async fn timeline(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let entries = state
        .library
        .timeline()
        .into_iter()
        .filter_map(|event| {
            event.date.map(|date| TimelineEntry {
                event,
                date: format_date(date),
                iso_date: date.to_string(),
                passages: passages(&state, event),
            })
        })
        .collect();
    let page = TimelinePage {
        head: Head::new("Timeline", "The events the essays speak of, in date order."),
        entries,
    };
    Ok(Html(page.render()?))
}

/// `/entities/{id}`, the address annotations name an entity by, leads to its page.
pub async fn entity_by_id(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<axum::response::Redirect, AppError> {
    let entity = state
        .library
        .entity_by_id(&id)
        .ok_or_else(AppError::not_found)?;
    Ok(axum::response::Redirect::permanent(&entity.path()))
}
