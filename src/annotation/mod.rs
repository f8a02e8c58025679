//! The annotation model: what the store keeps and the API speaks, in the shape of the W3C Web
//! Annotation model (a target with quote and position selectors, another annotation or the
//! essay as a whole; an optional Markdown body).

pub mod jsonld;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// `TextQuoteSelector`: the quoted text and about 32 characters of context on each side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TextQuote {
    pub exact: String,
    #[serde(default)]
    pub prefix: String,
    #[serde(default)]
    pub suffix: String,
}

/// `TextPositionSelector`: a code point range in the essay's plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TextPosition {
    pub start: usize,
    pub end: usize,
}

/// Where in an essay an annotation points: both selectors, as W3C recommends for robustness.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextTarget {
    pub quote: TextQuote,
    pub position: TextPosition,
}

/// What an annotation is attached to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A passage of the essay.
    Text(TextTarget),
    /// Another annotation (a reply), by id.
    Reply(String),
    /// The essay as a whole: a page note.
    Page,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Motivation {
    Commenting,
    Describing,
    Highlighting,
    Replying,
}

impl Target {
    /// The words the note is on: empty for a reply or a note on the whole essay.
    pub fn quote(&self) -> &str {
        match self {
            Target::Text(passage) => &passage.quote.exact,
            Target::Reply(_) | Target::Page => "",
        }
    }
}

impl Motivation {
    pub fn as_str(self) -> &'static str {
        match self {
            Motivation::Commenting => "commenting",
            Motivation::Describing => "describing",
            Motivation::Highlighting => "highlighting",
            Motivation::Replying => "replying",
        }
    }

    pub fn parse(s: &str) -> Option<Motivation> {
        [
            Motivation::Commenting,
            Motivation::Describing,
            Motivation::Highlighting,
            Motivation::Replying,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    Public,
    Private,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Private => "private",
        }
    }

    pub fn parse(s: &str) -> Option<Visibility> {
        match s {
            "public" => Some(Visibility::Public),
            "private" => Some(Visibility::Private),
            _ => None,
        }
    }
}

/// The creator name of notes written by the editors in `articles/`.
pub const EDITORS: &str = "editors";

/// The other identities an annotation may carry (W3C model 3.3.7): kept as the client sent
/// them, since the protocol says a `canonical` IRI MUST be maintained without change.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identities {
    /// The IRI that identifies the annotation wherever it is copied to.
    pub canonical: Option<String>,
    /// The IRIs it was published at before it came here.
    pub via: Vec<String>,
}

impl Identities {
    /// The identities after a client replaced the annotation with one carrying `sent`; the
    /// name of the field refused. The protocol: "Servers SHOULD reject update requests that
    /// modify the values of the canonical or via properties, if they have been already set."
    /// One left out is kept, as the server keeps `created` and `creator`; one not yet set may
    /// be set.
    pub fn replaced_by(&self, sent: Identities) -> Result<Identities, &'static str> {
        let canonical = match (&self.canonical, sent.canonical) {
            (Some(kept), Some(sent)) if *kept != sent => return Err("canonical"),
            (Some(kept), _) => Some(kept.clone()),
            (None, sent) => sent,
        };
        let via = match (self.via.as_slice(), sent.via) {
            ([], sent) => sent,
            (kept, sent) if !sent.is_empty() && kept != sent.as_slice() => return Err("via"),
            (kept, _) => kept.to_vec(),
        };
        Ok(Identities { canonical, via })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub id: String,
    pub identities: Identities,
    /// The slug of the essay it belongs to.
    pub article: String,
    pub creator: String,
    /// Written by the editors in `articles/` rather than by a reader.
    pub editorial: bool,
    pub motivation: Motivation,
    /// Markdown; `None` for a highlight.
    pub body: Option<String>,
    /// The entity an editorial note is about.
    pub entity: Option<String>,
    pub tags: Vec<String>,
    pub visibility: Visibility,
    /// Hidden by the moderators: shown to its creator alone, whatever its visibility, and its
    /// replies with it.
    pub hidden: bool,
    /// The group it was posted to, whose members alone see it.
    pub group: Option<String>,
    pub target: Target,
    pub created: OffsetDateTime,
    pub modified: OffsetDateTime,
}

/// Who is reading: a signed-in reader's name and the ids of the groups they belong to. The
/// default is a signed-out reader.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reader<'a> {
    pub name: Option<&'a str>,
    pub groups: &'a [String],
}

impl<'a> Reader<'a> {
    /// A reader who belongs to no group.
    pub fn named(name: Option<&'a str>) -> Reader<'a> {
        Reader { name, groups: &[] }
    }

    pub fn is_member(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }
}

impl Annotation {
    /// What is left of a note whose account was deleted while others' replies hang on it: its
    /// place in the essay, with no creator and no words.
    pub fn is_placeholder(&self) -> bool {
        self.creator.is_empty()
    }

    /// Whether everyone may see it: neither private, nor posted to a group, nor hidden.
    pub fn is_public(&self) -> bool {
        self.visibility == Visibility::Public && self.group.is_none() && !self.hidden
    }

    /// Whether `reader` may see it, on its own (a reply is seen only where the note it answers
    /// is too): its creator always; nobody else once the moderators hid it; a group's members
    /// its notes; everyone a public note.
    pub fn visible_to(&self, reader: Reader) -> bool {
        if reader.name == Some(self.creator.as_str()) {
            return true;
        }
        if self.hidden {
            return false;
        }
        match &self.group {
            Some(group) => reader.is_member(group),
            None => self.visibility == Visibility::Public,
        }
    }

    /// Equal in everything the editors control, so a restart can tell an unchanged note.
    pub fn same_content(&self, other: &Annotation) -> bool {
        self.body == other.body
            && self.entity == other.entity
            && self.target == other.target
            && self.motivation == other.motivation
            && self.tags == other.tags
            && self.visibility == other.visibility
            && self.group == other.group
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn note(visibility: Visibility, group: Option<&str>) -> Annotation {
        let at = datetime!(2025-11-26 12:00 UTC);
        Annotation {
            id: "a1".into(),
            identities: Identities::default(),
            article: "essay".into(),
            creator: "ann".into(),
            editorial: false,
            motivation: Motivation::Commenting,
            body: Some("A note".into()),
            entity: None,
            tags: Vec::new(),
            visibility,
            hidden: false,
            group: group.map(str::to_string),
            target: Target::Page,
            created: at,
            modified: at,
        }
    }

    #[test]
    fn a_groups_note_is_for_its_members_and_its_creator() {
        let class = ["g1".to_string()];
        let member = Reader {
            name: Some("bob"),
            groups: &class,
        };
        let grouped = note(Visibility::Public, Some("g1"));
        assert!(grouped.visible_to(member));
        assert!(
            grouped.visible_to(Reader::named(Some("ann"))),
            "its creator"
        );
        assert!(
            !grouped.visible_to(Reader::named(Some("bob"))),
            "not a member"
        );
        assert!(!grouped.visible_to(Reader::default()), "signed out");
        assert!(!grouped.is_public());

        let public = note(Visibility::Public, None);
        assert!(public.visible_to(Reader::default()) && public.is_public());
        let private = note(Visibility::Private, None);
        assert!(
            !private.visible_to(member),
            "a group opens no one's private notes"
        );
        assert!(private.visible_to(Reader::named(Some("ann"))));
    }
}
