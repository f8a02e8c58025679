//! `entities.toml`: the people, events, organisations and places the essays name.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;
use time::Date;
use toml::Spanned;

use super::error::{LoadError, line_of};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    Person,
    Event,
    Organisation,
    Place,
}

impl EntityKind {
    pub const ALL: [EntityKind; 4] = [
        EntityKind::Person,
        EntityKind::Event,
        EntityKind::Organisation,
        EntityKind::Place,
    ];

    /// The first segment of the entity's page, e.g. `people` in `/people/steve-witkoff`.
    pub fn segment(self) -> &'static str {
        match self {
            EntityKind::Person => "people",
            EntityKind::Event => "events",
            EntityKind::Organisation => "organisations",
            EntityKind::Place => "places",
        }
    }

    pub fn from_segment(segment: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.segment() == segment)
    }

    pub fn label(self) -> &'static str {
        match self {
            EntityKind::Person => "Person",
            EntityKind::Event => "Event",
            EntityKind::Organisation => "Organisation",
            EntityKind::Place => "Place",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Entity {
    pub id: String,
    pub kind: EntityKind,
    pub name: String,
    pub role: Option<String>,
    pub date: Option<Date>,
    /// The phrases by which essays name it; possessives are matched too.
    pub mentions: Vec<String>,
    pub summary: String,
    pub source: String,
    /// Ids of the people who took part in an event.
    pub participants: Vec<String>,
}

impl Entity {
    pub fn path(&self) -> String {
        format!("/{}/{}", self.kind.segment(), self.id)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntitiesFile {
    #[serde(default)]
    people: Vec<Spanned<EntitySpec>>,
    #[serde(default)]
    events: Vec<Spanned<EntitySpec>>,
    #[serde(default)]
    organisations: Vec<Spanned<EntitySpec>>,
    #[serde(default)]
    places: Vec<Spanned<EntitySpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntitySpec {
    id: String,
    name: String,
    role: Option<String>,
    date: Option<toml::value::Datetime>,
    mentions: Vec<String>,
    summary: String,
    source: String,
    #[serde(default)]
    participants: Vec<Spanned<String>>,
}

pub fn load(path: &Path) -> Result<Vec<Entity>, LoadError> {
    let source = std::fs::read_to_string(path).map_err(|e| LoadError::io(path, &e))?;
    let file: EntitiesFile =
        toml::from_str(&source).map_err(|e| LoadError::toml(path, &source, &e))?;
    let groups = [
        (EntityKind::Person, file.people),
        (EntityKind::Event, file.events),
        (EntityKind::Organisation, file.organisations),
        (EntityKind::Place, file.places),
    ];
    let mut entities = Vec::new();
    let mut participant_refs = Vec::new();
    let mut ids = HashSet::new();
    for (kind, specs) in groups {
        for spanned in specs {
            let line = line_of(&source, spanned.span().start);
            let spec = spanned.into_inner();
            let fail = |message: String| LoadError::new(path, line, message);
            if !is_valid_id(&spec.id) {
                return Err(fail(format!(
                    "id {:?} must be lowercase letters, digits and hyphens",
                    spec.id
                )));
            }
            if !ids.insert(spec.id.clone()) {
                return Err(fail(format!("id {:?} is used twice", spec.id)));
            }
            if spec.mentions.iter().any(|m| m.trim().is_empty()) || spec.mentions.is_empty() {
                return Err(fail(format!(
                    "{:?} needs at least one non-empty mention",
                    spec.id
                )));
            }
            if spec.summary.trim().is_empty() || spec.source.trim().is_empty() {
                return Err(fail(format!("{:?} needs a summary and a source", spec.id)));
            }
            let date = match spec.date {
                Some(d) => Some(to_date(&d).ok_or_else(|| {
                    fail(format!(
                        "{:?}: date must be a plain date like 2025-10-14",
                        spec.id
                    ))
                })?),
                None if kind == EntityKind::Event => {
                    return Err(fail(format!("event {:?} needs a date", spec.id)));
                }
                None => None,
            };
            for p in &spec.participants {
                participant_refs.push((line_of(&source, p.span().start), p.get_ref().clone()));
            }
            entities.push(Entity {
                id: spec.id,
                kind,
                name: spec.name,
                role: spec.role,
                date,
                mentions: spec.mentions,
                summary: spec.summary,
                source: spec.source,
                participants: spec
                    .participants
                    .into_iter()
                    .map(Spanned::into_inner)
                    .collect(),
            });
        }
    }
    for (line, id) in participant_refs {
        if !ids.contains(&id) {
            return Err(LoadError::new(
                path,
                line,
                format!("unknown participant {id:?}"),
            ));
        }
    }
    Ok(entities)
}

pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn to_date(d: &toml::value::Datetime) -> Option<Date> {
    match (d.date, d.time) {
        (Some(date), None) => {
            let month = time::Month::try_from(date.month).ok()?;
            Date::from_calendar_date(i32::from(date.year), month, date.day).ok()
        }
        _ => None,
    }
}
