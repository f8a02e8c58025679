//! An annotation as the server answers it, as a schema. `annotation::jsonld` writes that
//! W3C Web Annotation JSON-LD member by member, so these types describe the wire format
//! rather than carry it: they are never built, and `tests/openapi.rs` checks what the server
//! answers against the schemas made from them. `#[serde(deny_unknown_fields)]` describes an
//! object as having no members but those listed (`additionalProperties: false`).

use utoipa::ToSchema;

use crate::annotation::{Motivation, Visibility};

/// An annotation as the server answers it (W3C Web Annotation JSON-LD).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Annotation {
    #[serde(rename = "@context")]
    #[schema(inline)]
    pub context: AnnoContext,
    /// Absolute: `{public URL}/annotations/{id}`.
    pub id: String,
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: AnnotationType,
    /// The IRI that identifies the annotation wherever it is copied, kept as it was sent.
    #[schema(required = false)]
    pub canonical: String,
    /// Where it was published before: an `id` it was created with, and any `via` sent.
    #[schema(required = false)]
    pub via: Via,
    /// `describing` marks the editors' notes, loaded from the articles folder.
    pub motivation: Motivation,
    pub creator: Creator,
    #[schema(format = DateTime)]
    pub created: String,
    #[schema(format = DateTime)]
    pub modified: String,
    /// The Markdown note (absent for a highlight), one tagging body per tag, and for an
    /// editors' note the entity it identifies.
    #[schema(required = false, min_items = 1)]
    pub body: Vec<Body>,
    pub target: Target,
    pub visibility: Visibility,
}

/// One IRI, or several.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum Via {
    One(String),
    Many(Vec<String>),
}

#[derive(ToSchema)]
pub enum AnnoContext {
    #[serde(rename = "http://www.w3.org/ns/anno.jsonld")]
    Anno,
}

#[derive(ToSchema)]
pub enum AnnotationType {
    Annotation,
}

#[derive(ToSchema)]
#[serde(untagged)]
pub enum Creator {
    Person(Person),
    Editors(Editors),
}

#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// `{public URL}/users/{username}`
    pub id: String,
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: PersonType,
    /// The username.
    pub nickname: String,
}

#[derive(ToSchema)]
pub enum PersonType {
    Person,
}

#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Editors {
    pub id: String,
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: OrganizationType,
    #[schema(inline)]
    pub name: EditorsName,
}

#[derive(ToSchema)]
pub enum OrganizationType {
    Organization,
}

#[derive(ToSchema)]
pub enum EditorsName {
    #[serde(rename = "Gloss editors")]
    GlossEditors,
}

#[derive(ToSchema)]
#[serde(untagged)]
pub enum Body {
    Note(NoteBody),
    Tag(TagBody),
    Identifying(IdentifyingBody),
}

#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: TextualBodyType,
    /// Markdown.
    #[schema(min_length = 1)]
    pub value: String,
    #[schema(inline)]
    pub format: Markdown,
    #[schema(inline)]
    pub purpose: NotePurpose,
}

#[derive(ToSchema)]
pub enum TextualBodyType {
    TextualBody,
}

#[derive(ToSchema)]
pub enum Markdown {
    #[serde(rename = "text/markdown")]
    Markdown,
}

#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum NotePurpose {
    Commenting,
    Replying,
    Describing,
}

#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagBody {
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: TextualBodyType,
    #[schema(min_length = 1)]
    pub value: String,
    #[schema(inline)]
    pub purpose: Tagging,
}

#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Tagging {
    Tagging,
}

#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentifyingBody {
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: SpecificResourceType,
    /// `{public URL}/entities/{id}`
    pub source: String,
    #[schema(inline)]
    pub purpose: Identifying,
}

#[derive(ToSchema)]
pub enum SpecificResourceType {
    SpecificResource,
}

#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Identifying {
    Identifying,
}

#[derive(ToSchema)]
#[serde(untagged)]
pub enum Target {
    Iri(#[schema(inline)] IriTarget),
    Passage(PassageTarget),
}

/// A reply: the absolute id of the annotation it replies to. A note on the whole essay: the
/// essay's absolute URL, `{public URL}/articles/{slug}`.
#[derive(ToSchema)]
pub struct IriTarget(pub String);

/// The passage: both selectors, recomputed by the server from where the quote anchors.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PassageTarget {
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: SpecificResourceType,
    /// `{public URL}/articles/{slug}`
    pub source: String,
    #[schema(min_items = 2, max_items = 2)]
    pub selector: Vec<Selector>,
}

#[derive(ToSchema)]
#[serde(untagged)]
pub enum Selector {
    Quote(TextQuoteSelectorOut),
    Position(TextPositionSelector),
}

#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextQuoteSelectorOut {
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: TextQuoteSelectorType,
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
}

#[derive(ToSchema)]
pub enum TextQuoteSelectorType {
    TextQuoteSelector,
}

/// Unicode code points of the essay's plain text; `start` < `end`.
#[derive(ToSchema)]
pub struct TextPositionSelector {
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: TextPositionSelectorType,
    #[schema(minimum = 0)]
    pub start: u64,
    #[schema(minimum = 1)]
    pub end: u64,
}

#[derive(ToSchema)]
pub enum TextPositionSelectorType {
    TextPositionSelector,
}
