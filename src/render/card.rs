//! The hover card of a mention.

use super::format_date;
use crate::document::escape_html;
use crate::library::{Entity, EntityKind, When};

/// Name, role or date, and summary; hidden until hover or focus.
pub fn card_html(card: usize, entity: &Entity) -> String {
    let detail = match (entity.kind, &entity.role, entity.when) {
        (EntityKind::Event, _, Some(When::On(date))) => format_date(date),
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
        ),
        (_, Some(role), _) => role.clone(),
        (kind, _, _) => kind.label().to_string(),
    };
    format!(
        "<span class=\"card\" id=\"card-{card}\" role=\"tooltip\" data-aside><strong class=\"card-name\">{}</strong> <span class=\"card-role\">{}</span> <span class=\"card-summary\">{}</span> <span class=\"card-more\">Open the page for more</span></span>",
        escape_html(&entity.name),
        escape_html(&detail),
        escape_html(&entity.summary)
    )
}
