//! Entity pages and the timeline: what the essays say about each person and event.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;

use super::AppState;
use super::plumbing::auth::Viewer;
use super::plumbing::head::Head;
use crate::error::AppError;
use crate::library::{Dated, Entity, EntityKind, InContext, Library, Moment, Relation, When};
use crate::render::{format_date, note_html};

/// The timeline, `/entities/{id}`, and each kind's pages under its own segment
/// (`/people/{id}`, `/events/{id}`, ...): a route per kind rather than one for any first
/// segment, so that an address no kind has is the fallback's 404 like any other.
pub(super) fn router() -> Router<AppState> {
    let router = Router::new()
        .route("/timeline", get(timeline))
        .route("/entities/{id}", get(entity_by_id));
    EntityKind::ALL.into_iter().fold(router, |router, kind| {
        let page = move |state, id, viewer| entity(kind, state, id, viewer);
        router.route(&format!("/{}/{{id}}", kind.segment()), get(page))
    })
}

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

/// A line under an entity's name that holds a date, e.g. "Announced <time>…</time>".
struct DateLine {
    class: &'static str,
    before: &'static str,
    iso: String,
    text: String,
    after: &'static str,
}

impl DateLine {
    fn of(when: When) -> Vec<DateLine> {
        let line = |class, before, date: time::Date, after| DateLine {
            class,
            before,
            iso: date.to_string(),
            text: format_date(date),
            after,
        };
        match when {
            When::On(date) => vec![line("entity-date", "", date, "")],
            When::CalledOff {
                announced,
                called_off,
            } => vec![
                line("entity-date", "Announced ", announced, ""),
                line(
                    "entity-status",
                    "Called off ",
                    called_off,
                    ". It was never held.",
                ),
            ],
        }
    }
}

/// Entities linked with this one, under a heading that says how.
struct Related<'a> {
    heading: &'static str,
    entities: Vec<&'a Entity>,
}

#[derive(Template)]
#[template(path = "entity.html")]
struct EntityPage<'a> {
    head: Head,
    entity: &'a Entity,
    dates: Vec<DateLine>,
    notes: Vec<NoteView>,
    passages: Vec<Passage>,
    related: Vec<Related<'a>>,
}

async fn entity(
    kind: EntityKind,
    State(state): State<AppState>,
    Path(id): Path<String>,
    viewer: Viewer,
) -> Result<Html<String>, AppError> {
    let library = state.library();
    let entity = library.entity(kind, &id).ok_or_else(AppError::not_found)?;
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
    let related = related(&library, entity);
    let page = EntityPage {
        head: Head::for_viewer(&entity.name, &entity.summary, &viewer),
        entity,
        dates: entity.when.map(DateLine::of).unwrap_or_default(),
        notes,
        passages: passages(&state, entity),
        related,
    };
    Ok(Html(page.render()?))
}

fn passages(state: &AppState, entity: &Entity) -> Vec<Passage> {
    state
        .library()
        .mentions_of(entity)
        .into_iter()
        .map(|(article, context)| Passage {
            href: format!("{}#{}", article.url_path(), context.block_id),
            article_title: article.meta.title.clone(),
            context,
        })
        .collect()
}

/// The entities `entity` names, by how it names them; then those that name it, by kind.
fn related<'a>(library: &'a Library, entity: &Entity) -> Vec<Related<'a>> {
    let entities = library.entities();
    let called_off = matches!(entity.when, Some(When::CalledOff { .. }));
    let named = Relation::ALL.into_iter().map(|relation| Related {
        heading: heading(relation, called_off),
        entities: entity
            .linked(relation)
            .filter_map(|id| library.entity_by_id(id))
            .collect(),
    });
    let naming = EntityKind::ALL.into_iter().map(|kind| Related {
        heading: kind.plural_label(),
        entities: entities
            .iter()
            .filter(|other| other.kind == kind && other.names(&entity.id))
            .collect(),
    });
    named
        .chain(naming)
        .filter(|r| !r.entities.is_empty())
        .collect()
}

fn heading(relation: Relation, called_off: bool) -> &'static str {
    match (relation, called_off) {
        (Relation::Participant, false) => "Who took part",
        (Relation::Participant, true) => "Who was to take part",
        (Relation::Recorded, _) => "Who was recorded",
        (Relation::Publisher, _) => "Published by",
        (Relation::Place, false) => "Where",
        (Relation::Place, true) => "Where it was to be held",
        (Relation::Organisation, _) => "Organisations",
    }
}

struct TimelineEntry<'a> {
    event: &'a Entity,
    date: String,
    iso_date: String,
    /// What became of an event that was never held, said on each of its days.
    status: Option<String>,
    /// The summary and passages, given once: on the day it happened or was announced.
    summary: Option<&'a str>,
    passages: Vec<Passage>,
}

impl<'a> TimelineEntry<'a> {
    fn new(state: &AppState, day: Dated<'a>) -> Self {
        let event = day.event;
        let status = match (day.moment, event.when) {
            (Moment::Announced, Some(When::CalledOff { called_off, .. })) => Some(format!(
                "Announced; called off on {} and never held.",
                format_date(called_off)
            )),
            (Moment::CalledOff, Some(When::CalledOff { announced, .. })) => Some(format!(
                "Called off. It had been announced on {} and was never held.",
                format_date(announced)
            )),
            _ => None,
        };
        let first = day.moment != Moment::CalledOff;
        TimelineEntry {
            event,
            date: format_date(day.date),
            iso_date: day.date.to_string(),
            status,
            summary: first.then_some(event.summary.as_str()),
            passages: if first {
                passages(state, event)
            } else {
                Vec::new()
            },
        }
    }
}

#[derive(Template)]
#[template(path = "timeline.html")]
struct TimelinePage<'a> {
    head: Head,
    entries: Vec<TimelineEntry<'a>>,
}

async fn timeline(State(state): State<AppState>, viewer: Viewer) -> Result<Html<String>, AppError> {
    let library = state.library();
    let entries = library
        .timeline()
        .into_iter()
        .map(|day| TimelineEntry::new(&state, day))
        .collect();
    let page = TimelinePage {
        head: Head::for_viewer(
            "Timeline",
            "The events the essays speak of, in date order.",
            &viewer,
        ),
        entries,
    };
    Ok(Html(page.render()?))
}

/// `/entities/{id}`, the address annotations name an entity by, leads to its page.
async fn entity_by_id(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<axum::response::Redirect, AppError> {
    let library = state.library();
    let entity = library.entity_by_id(&id).ok_or_else(AppError::not_found)?;
    Ok(axum::response::Redirect::permanent(&entity.path()))
}
