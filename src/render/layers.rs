//! The layers a reader chooses among: which notes the page shows. Every block carries the
//! notes any layer may show, each with its `data-kind`, and the page's `data-show` says which
//! the stylesheet hides, so that a reader who changes layer needs no new page and every layer
//! is the same cached bytes. What this file draws is the word the margin keeps for the notes
//! a layer hides ("4 notes"), which reveals them.

use std::fmt;

use askama::Template;
use serde::Deserialize;

use crate::annotated::View;
use crate::annotation::Annotation;
use crate::library::Article;

/// Whose an annotation is, as its marks and note carry it in `data-kind`, for the layer a
/// reader chooses to hide the rest: the editors', the reader's own, one posted to a group
/// (the reader's own included: only members see it, so it is the group's), another
/// reader's, or the target a link points at, which every layer shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Editorial,
    Own,
    Group,
    Reader,
    Target,
}

impl Kind {
    pub fn of(view: &View, a: &Annotation) -> Kind {
        if view.focus == Some(a.id.as_str()) {
            Kind::Target
        } else if a.editorial {
            Kind::Editorial
        } else if a.group.is_some() {
            Kind::Group
        } else if view.owns(a) {
            Kind::Own
        } else {
            Kind::Reader
        }
    }
}

/// As `data-kind` says it.
impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Editorial => "editorial",
            Kind::Own => "own",
            Kind::Group => "group",
            Kind::Reader => "reader",
            Kind::Target => "target",
        })
    }
}

/// What the page shows: `?show=` and the form field named `show` say it by name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Show {
    #[default]
    All,
    Editors,
    Mine,
    /// The notes of the reader's groups.
    Groups,
    #[serde(rename = "none")]
    Nothing,
}

impl Show {
    /// Every layer, in the order the page offers them.
    pub const EVERY: [Show; 5] = [
        Show::All,
        Show::Editors,
        Show::Mine,
        Show::Groups,
        Show::Nothing,
    ];

    /// Its place in [`Show::EVERY`], for what is kept per layer.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Show::All => "all",
            Show::Editors => "editors",
            Show::Mine => "mine",
            Show::Groups => "groups",
            Show::Nothing => "none",
        }
    }

    pub fn from_name(name: &str) -> Option<Show> {
        Show::EVERY.into_iter().find(|s| s.name() == name)
    }

    /// What the page's control calls it.
    pub fn label(self) -> &'static str {
        match self {
            Show::All => "Everyone’s",
            Show::Editors => "Editors’",
            Show::Mine => "Mine",
            Show::Groups => "My groups’",
            Show::Nothing => "None",
        }
    }

    /// Whether this layer hides a note of this kind. The stylesheet says the same for the page.
    pub fn hides(self, kind: Kind) -> bool {
        match self {
            Show::All => false,
            Show::Editors => matches!(kind, Kind::Reader | Kind::Group | Kind::Own),
            Show::Mine => matches!(kind, Kind::Reader | Kind::Group | Kind::Editorial),
            Show::Groups => matches!(kind, Kind::Reader | Kind::Own | Kind::Editorial),
            Show::Nothing => matches!(
                kind,
                Kind::Reader | Kind::Group | Kind::Own | Kind::Editorial
            ),
        }
    }
}

/// For each layer that hides some of a paragraph's notes, a link in the margin that says how
/// many and opens the paragraph with all of them; layers that hide as many share one link.
#[derive(Template)]
#[template(path = "render/placeholders.html")]
pub struct Placeholders<'a> {
    article: &'a Article,
    block: &'a str,
    /// How many notes, and the names of the layers that hide that many.
    counts: Vec<(usize, Vec<&'static str>)>,
}

/// The links for a paragraph that shows notes of `kinds` and leaves out `crowded` other
/// readers' notes for want of room.
pub fn placeholders<'a>(
    article: &'a Article,
    block: &'a str,
    kinds: impl Iterator<Item = Kind> + Clone,
    crowded: usize,
) -> Placeholders<'a> {
    let mut counts: Vec<(usize, Vec<&'static str>)> = Vec::new();
    for show in Show::EVERY {
        let hidden = kinds.clone().filter(|&k| show.hides(k)).count()
            + if show.hides(Kind::Reader) { crowded } else { 0 };
        if hidden == 0 {
            continue;
        }
        match counts.iter_mut().find(|(n, _)| *n == hidden) {
            Some((_, layers)) => layers.push(show.name()),
            None => counts.push((hidden, vec![show.name()])),
        }
    }
    Placeholders {
        article,
        block,
        counts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_layer_hides_its_own_kinds() {
        let hidden = |show: Show| {
            [
                Kind::Editorial,
                Kind::Own,
                Kind::Group,
                Kind::Reader,
                Kind::Target,
            ]
            .into_iter()
            .filter(|&k| show.hides(k))
            .collect::<Vec<_>>()
        };
        assert!(hidden(Show::All).is_empty());
        assert_eq!(
            hidden(Show::Editors),
            [Kind::Own, Kind::Group, Kind::Reader]
        );
        assert_eq!(
            hidden(Show::Mine),
            [Kind::Editorial, Kind::Group, Kind::Reader]
        );
        assert_eq!(
            hidden(Show::Groups),
            [Kind::Editorial, Kind::Own, Kind::Reader]
        );
        assert_eq!(
            hidden(Show::Nothing),
            [Kind::Editorial, Kind::Own, Kind::Group, Kind::Reader]
        );
    }

    #[test]
    fn names_round_trip() {
        for show in Show::EVERY {
            assert_eq!(Show::from_name(show.name()), Some(show));
        }
        assert_eq!(Show::from_name("everything"), None);
    }
}
