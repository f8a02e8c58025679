//! The hover card of a mention.

use std::borrow::Cow;

use askama::Template;

use super::format_date;
use crate::library::{Entity, EntityKind, When};

/// Name, role or date, and summary; hidden until hover or focus.
#[derive(Template)]
#[template(path = "render/card.html")]
pub struct Card<'a> {
    /// Which card of the essay it is, for the mention's `aria-describedby`.
    number: usize,
    entity: &'a Entity,
    detail: Cow<'a, str>,
}

impl<'a> Card<'a> {
    pub fn new(number: usize, entity: &'a Entity) -> Card<'a> {
        let detail = match (entity.kind, &entity.role, entity.when) {
            (EntityKind::Event, _, Some(When::On(date))) => format_date(date).into(),
            (
                EntityKind::Event,
                _,
                Some(When::CalledOff {
                    announced,
                    called_off,
                }),
            ) => format!(
                "Announced {}; called off {}",
                format_date(announced),
                format_date(called_off)
            )
            .into(),
            (_, Some(role), _) => role.as_str().into(),
            (kind, _, _) => kind.label().into(),
        };
        Card {
            number,
            entity,
            detail,
        }
    }
}
