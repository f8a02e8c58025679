//! `entities.toml`: the people, events, organisations and places the essays name.

use std::collections::HashMap;
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

    pub fn label(self) -> &'static str {
        match self {
            EntityKind::Person => "Person",
            EntityKind::Event => "Event",
            EntityKind::Organisation => "Organisation",
            EntityKind::Place => "Place",
        }
    }

    pub fn plural_label(self) -> &'static str {
        match self {
            EntityKind::Person => "People",
            EntityKind::Event => "Events",
            EntityKind::Organisation => "Organisations",
            EntityKind::Place => "Places",
        }
    }
}

/// When an event happened; or, for one that was announced and never held, when it was
/// announced and when it was called off, so that nothing dates a meeting that did not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum When {
    On(Date),
    CalledOff { announced: Date, called_off: Date },
}

/// How an entity names another in `entities.toml`, each field saying what the link means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// `participants`: who took part in an event, or was to.
    Participant,
    /// `recorded`: whose words a recording, made public in an event, holds.
    Recorded,
    /// `published_by`: who made an event's material public.
    Publisher,
    /// `place`: where an event was held, or was to be.
    Place,
    /// `organisations`: what a person leads or works for.
    Organisation,
}

impl Relation {
    pub const ALL: [Relation; 5] = [
        Relation::Participant,
        Relation::Recorded,
        Relation::Publisher,
        Relation::Place,
        Relation::Organisation,
    ];

    fn field(self) -> &'static str {
        match self {
            Relation::Participant => "participants",
            Relation::Recorded => "recorded",
            Relation::Publisher => "published_by",
            Relation::Place => "place",
            Relation::Organisation => "organisations",
        }
    }

    /// The kind of entity that may carry the field.
    fn carried_by(self) -> EntityKind {
        match self {
            Relation::Organisation => EntityKind::Person,
            _ => EntityKind::Event,
        }
    }

    /// Whether the field may name an entity of `kind`.
    fn accepts(self, kind: EntityKind) -> bool {
        match self {
            Relation::Participant | Relation::Recorded | Relation::Publisher => {
                matches!(kind, EntityKind::Person | EntityKind::Organisation)
            }
            Relation::Place => kind == EntityKind::Place,
            Relation::Organisation => kind == EntityKind::Organisation,
        }
    }
}

#[derive(Debug, Clone, Hash)]
pub struct Entity {
    pub id: String,
    pub kind: EntityKind,
    pub name: String,
    pub role: Option<String>,
    pub when: Option<When>,
    /// The phrases by which essays name it; possessives are matched too.
    pub mentions: Vec<String>,
    pub summary: String,
    pub source: String,
    /// The ids of the entities it names, each with how, in file order.
    pub links: Vec<(Relation, String)>,
}

impl Entity {
    pub fn path(&self) -> String {
        format!("/{}/{}", self.kind.segment(), self.id)
    }

    /// Whether it names the entity `id` in any of its links.
    pub fn names(&self, id: &str) -> bool {
        self.links.iter().any(|(_, linked)| linked == id)
    }

    /// The ids it names by `relation`, in file order.
    pub fn linked(&self, relation: Relation) -> impl Iterator<Item = &str> {
        self.links
            .iter()
            .filter(move |(r, _)| *r == relation)
            .map(|(_, id)| id.as_str())
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
    announced: Option<toml::value::Datetime>,
    called_off: Option<toml::value::Datetime>,
    mentions: Vec<String>,
    summary: String,
    source: String,
    #[serde(default)]
    participants: Vec<Spanned<String>>,
    #[serde(default)]
    recorded: Vec<Spanned<String>>,
    #[serde(default)]
    published_by: Vec<Spanned<String>>,
    place: Option<Spanned<String>>,
    #[serde(default)]
    organisations: Vec<Spanned<String>>,
}

impl EntitySpec {
    /// Every reference to another entity, with the field it is in, in file order.
    fn references(&mut self) -> Vec<(Relation, Spanned<String>)> {
        let mut refs: Vec<(Relation, Spanned<String>)> = [
            (
                Relation::Participant,
                std::mem::take(&mut self.participants),
            ),
            (Relation::Recorded, std::mem::take(&mut self.recorded)),
            (Relation::Publisher, std::mem::take(&mut self.published_by)),
            (Relation::Place, self.place.take().into_iter().collect()),
            (
                Relation::Organisation,
                std::mem::take(&mut self.organisations),
            ),
        ]
        .into_iter()
        .flat_map(|(relation, ids)| ids.into_iter().map(move |id| (relation, id)))
        .collect();
        refs.sort_by_key(|(_, id)| id.span().start);
        refs
    }
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
    let mut references = Vec::new();
    let mut kinds: HashMap<String, EntityKind> = HashMap::new();
    // Two entities sharing a phrase would leave the essay's link to whichever came first.
    let mut phrases: HashMap<String, String> = HashMap::new();
    for (kind, specs) in groups {
        for spanned in specs {
            let line = line_of(&source, spanned.span().start);
            let mut spec = spanned.into_inner();
            let fail = |message: String| LoadError::new(path, line, message);
            if !is_valid_id(&spec.id) {
                return Err(fail(format!(
                    "id {:?} must be lowercase letters, digits and hyphens",
                    spec.id
                )));
            }
            if kinds.insert(spec.id.clone(), kind).is_some() {
                return Err(fail(format!("id {:?} is used twice", spec.id)));
            }
            if spec.mentions.iter().any(|m| m.trim().is_empty()) || spec.mentions.is_empty() {
                return Err(fail(format!(
                    "{:?} needs at least one non-empty mention",
                    spec.id
                )));
            }
            for phrase in &spec.mentions {
                let owner = phrases
                    .entry(phrase.clone())
                    .or_insert_with(|| spec.id.clone());
                if *owner != spec.id {
                    return Err(fail(format!(
                        "{:?}: the mention {phrase:?} is already a mention of {owner:?}",
                        spec.id
                    )));
                }
            }
            if spec.summary.trim().is_empty() || spec.source.trim().is_empty() {
                return Err(fail(format!("{:?} needs a summary and a source", spec.id)));
            }
            let day = |field: &str, value: Option<toml::value::Datetime>| {
                value
                    .map(|d| {
                        to_date(&d).ok_or_else(|| {
                            fail(format!(
                                "{:?}: {field} must be a plain date like 2025-10-14",
                                spec.id
                            ))
                        })
                    })
                    .transpose()
            };
            let when = match (
                day("date", spec.date)?,
                day("announced", spec.announced)?,
                day("called_off", spec.called_off)?,
            ) {
                (Some(date), None, None) => Some(When::On(date)),
                (None, Some(announced), Some(called_off))
                    if kind == EntityKind::Event && announced < called_off =>
                {
                    Some(When::CalledOff {
                        announced,
                        called_off,
                    })
                }
                (None, Some(_), Some(_)) if kind == EntityKind::Event => {
                    return Err(fail(format!(
                        "event {:?} must be called off after it was announced",
                        spec.id
                    )));
                }
                (None, None, None) if kind == EntityKind::Event => {
                    return Err(fail(format!(
                        "event {:?} needs a date, or announced and called_off dates",
                        spec.id
                    )));
                }
                (None, None, None) => None,
                _ => {
                    return Err(fail(format!(
                        "{:?}: give a date, or for an event never held, announced and called_off",
                        spec.id
                    )));
                }
            };
            let mut links = Vec::new();
            for (relation, id) in spec.references() {
                let at = line_of(&source, id.span().start);
                if kind != relation.carried_by() {
                    return Err(LoadError::new(
                        path,
                        at,
                        format!(
                            "{:?}: only [[{}]] have {}",
                            spec.id,
                            relation.carried_by().segment(),
                            relation.field()
                        ),
                    ));
                }
                references.push((at, relation, id.get_ref().clone()));
                links.push((relation, id.into_inner()));
            }
            entities.push(Entity {
                id: spec.id,
                kind,
                name: spec.name,
                role: spec.role,
                when,
                mentions: spec.mentions,
                summary: spec.summary,
                source: spec.source,
                links,
            });
        }
    }
    for (line, relation, id) in references {
        match kinds.get(&id) {
            None => {
                return Err(LoadError::new(
                    path,
                    line,
                    format!("{} names an unknown entity {id:?}", relation.field()),
                ));
            }
            Some(&kind) if !relation.accepts(kind) => {
                return Err(LoadError::new(
                    path,
                    line,
                    format!(
                        "{} cannot name {id:?}, which is in [[{}]]",
                        relation.field(),
                        kind.segment()
                    ),
                ));
            }
            Some(_) => {}
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
