//! An annotation as a client sends it, as a schema. `annotation::jsonld` reads it member by
//! member, with rules beyond what a schema says; these types describe what it accepts and
//! are never built.

use serde_json::json;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, OneOfBuilder, Ref, Schema};
use utoipa::{PartialSchema, ToSchema};

use super::annotation::TextPositionSelector;

/// The essay the examples annotate.
pub const ESSAY: &str = "/articles/witkoff-takes-russias-side";

/// An annotation as a client sends it. Checked field by field: a malformed field is a 400
/// naming it. Beyond the schema: a `commenting` or `replying` annotation needs a note
/// (`bodyValue`, or one body that is not a tag) and a `highlighting` one has none; a reply's
/// `target` is the annotation it replies to; an essay alone (its URL, or a `source` with no
/// selector) makes a note on the whole essay, which cannot be a highlight; anything else
/// targets a passage. Without
/// `motivation` it is inferred from the target and body. `describing` (the editors'
/// motivation) is refused with 422, as is a quote that is not in the essay, a position beyond
/// its end, a target that is not an essay, or a reply to an annotation you cannot see. Other
/// members (`@context`, `creator`, `created`, …) are ignored; the server sets them.
#[derive(ToSchema)]
#[schema(example = comment)]
pub struct AnnotationInput {
    #[serde(rename = "@context")]
    #[schema(required = false)]
    pub context: Context,
    /// On POST, an absolute IRI here is kept in `via` (the annotation gets an id of its own);
    /// on PUT, if present, it must be this annotation's id or path (else 400).
    #[schema(required = false)]
    pub id: String,
    /// An absolute IRI (ASCII, with a scheme) kept exactly as sent. On PUT, once set it may be
    /// left out or sent unchanged; another value is a 409.
    #[schema(
        required = false,
        max_length = 2048,
        example = "urn:uuid:dbfb1861-0ecf-41ad-be94-a584e5c4f1df"
    )]
    pub canonical: String,
    /// One absolute IRI or a list of up to 20, kept as sent; on PUT, as `canonical`.
    #[schema(required = false)]
    pub via: super::annotation::Via,
    #[serde(rename = "type")]
    #[schema(required = false)]
    pub kind: AnnotationTypes,
    #[schema(required = false, inline)]
    pub motivation: ReaderMotivation,
    /// The note as plain Markdown; not together with `body`. At most 10,000 characters once
    /// trimmed; not blank.
    #[serde(rename = "bodyValue")]
    #[schema(required = false, min_length = 1, max_length = 10000)]
    pub body_value: String,
    /// One body or an array: at most one note and up to 20 tags (tags are 1 to 64 characters,
    /// without control characters).
    #[schema(required = false)]
    pub body: Bodies,
    pub target: DraftTarget,
    /// A private annotation is seen by its creator alone.
    #[schema(required = false, default = "public")]
    pub visibility: crate::annotation::Visibility,
}

/// The annotation the create and replace examples send: a comment with a tag.
pub fn comment() -> serde_json::Value {
    json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "commenting",
        "body": [
            {"type": "TextualBody", "value": "Markdown *text*", "format": "text/markdown"},
            {"type": "TextualBody", "value": "a-tag", "purpose": "tagging"}
        ],
        "target": {
            "source": ESSAY,
            "selector": [
                {"type": "TextQuoteSelector", "exact": "pressure on Russia"},
                {"type": "TextPositionSelector", "start": 3473, "end": 3491}
            ]
        },
        "visibility": "private"
    })
}

/// A highlight: no comment body.
pub fn highlight() -> serde_json::Value {
    json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "highlighting",
        "target": {
            "source": ESSAY,
            "selector": {"type": "TextPositionSelector", "start": 3473, "end": 3491}
        }
    })
}

/// A note on the whole essay: its address alone.
pub fn page_note() -> serde_json::Value {
    json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "commenting",
        "bodyValue": "The essay's *argument* in one line.",
        "target": ESSAY
    })
}

/// A reply to one of the editors' notes.
pub fn reply() -> serde_json::Value {
    json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "replying",
        "bodyValue": "I agree.",
        "target": "/annotations/ed-witkoff-takes-russias-side-witkoff"
    })
}

#[derive(ToSchema)]
#[serde(untagged)]
#[schema(example = "http://www.w3.org/ns/anno.jsonld")]
pub enum Context {
    One(String),
    Many(Vec<String>),
}

#[derive(ToSchema)]
#[serde(untagged)]
pub enum AnnotationTypes {
    One(#[schema(inline)] super::annotation::AnnotationType),
    /// Must contain `Annotation`.
    Many(Vec<String>),
}

#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReaderMotivation {
    Commenting,
    Highlighting,
    Replying,
}

/// One body or an array: at most one note and up to 20 tags.
pub struct Bodies;

impl PartialSchema for Bodies {
    fn schema() -> RefOr<Schema> {
        one_or_array(reference::<BodyInput>(), None, Some(21))
    }
}

impl ToSchema for Bodies {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        register::<BodyInput>(schemas);
    }
}

#[derive(ToSchema)]
pub struct BodyInput {
    #[serde(rename = "type")]
    #[schema(required = false, inline)]
    pub kind: super::annotation::TextualBodyType,
    #[schema(min_length = 1, max_length = 10000)]
    pub value: String,
    #[schema(required = false, example = "text/markdown")]
    pub format: String,
    /// `tagging` makes it a tag (1 to 64 characters); anything else, or none, the note.
    #[schema(required = false, example = "tagging")]
    pub purpose: String,
}

/// An annotation or an essay by its IRI, a passage, or an array of exactly one of them.
pub struct DraftTarget;

impl PartialSchema for DraftTarget {
    fn schema() -> RefOr<Schema> {
        let listed = ArrayBuilder::new()
            .items(IriOrPassage::schema())
            .min_items(Some(1))
            .max_items(Some(1));
        OneOfBuilder::new()
            .item(TargetIri::schema())
            .item(reference::<PassageTargetInput>())
            .item(listed)
            .into()
    }
}

impl ToSchema for DraftTarget {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        register::<PassageTargetInput>(schemas);
    }
}

/// By IRI alone (absolute URL or path): an annotation, `/annotations/{id}`, to reply to it, or
/// an essay, `/articles/{slug}`, for a note on the whole essay.
#[derive(ToSchema)]
#[schema(example = "/annotations/ed-witkoff-takes-russias-side-witkoff")]
pub struct TargetIri(pub String);

#[derive(ToSchema)]
#[serde(untagged)]
pub enum IriOrPassage {
    Iri(String),
    Passage(PassageTargetInput),
}

/// A passage of an essay: at least one of a TextQuoteSelector and a TextPositionSelector. A
/// quote is found by its position when the text there matches, else by its context, else by a
/// fuzzy match; it must be in the essay (else 422). Without a selector, a `source` of
/// `/annotations/{id}` is a reply and one of `/articles/{slug}` a note on the whole essay.
#[derive(ToSchema)]
pub struct PassageTargetInput {
    #[serde(rename = "type")]
    #[schema(required = false, inline)]
    pub kind: super::annotation::SpecificResourceType,
    /// The essay: `/articles/{slug}` or its absolute URL.
    #[schema(example = "/articles/witkoff-takes-russias-side")]
    pub source: String,
    #[schema(required = false)]
    pub selector: Selectors,
}

/// One selector or a non-empty array of them.
pub struct Selectors;

impl PartialSchema for Selectors {
    fn schema() -> RefOr<Schema> {
        one_or_array(reference::<SelectorInput>(), Some(1), None)
    }
}

impl ToSchema for Selectors {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        register::<SelectorInput>(schemas);
    }
}

#[derive(ToSchema)]
#[serde(untagged)]
pub enum SelectorInput {
    Quote(TextQuoteSelectorInput),
    Position(TextPositionSelector),
}

#[derive(ToSchema)]
pub struct TextQuoteSelectorInput {
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: super::annotation::TextQuoteSelectorType,
    /// The exact words; not blank.
    #[schema(min_length = 1, max_length = 5000, example = "pressure on Russia")]
    pub exact: String,
    #[schema(required = false, max_length = 256)]
    pub prefix: String,
    #[schema(required = false, max_length = 256)]
    pub suffix: String,
}

/// What a share link is made for.
#[derive(ToSchema)]
#[schema(example = json!({
    "target": {
        "source": ESSAY,
        "selector": {"type": "TextQuoteSelector", "exact": "pressure on Russia"}
    }
}))]
pub struct ShareInput {
    /// A passage, as an annotation's `target` (a reply target is refused with 422).
    pub target: SharedPassage,
}

/// A passage, or an array of exactly one.
pub struct SharedPassage;

impl PartialSchema for SharedPassage {
    fn schema() -> RefOr<Schema> {
        one_or_array(reference::<PassageTargetInput>(), Some(1), Some(1))
    }
}

impl ToSchema for SharedPassage {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        register::<PassageTargetInput>(schemas);
    }
}

/// `item` alone, or an array of `min` to `max` of it: JSON-LD lets a member be either.
fn one_or_array(item: RefOr<Schema>, min: Option<usize>, max: Option<usize>) -> RefOr<Schema> {
    let array = ArrayBuilder::new()
        .items(item.clone())
        .min_items(min)
        .max_items(max);
    OneOfBuilder::new().item(item).item(array).into()
}

fn reference<T: ToSchema>() -> RefOr<Schema> {
    Ref::from_schema_name(T::name()).into()
}

/// Adds `T`, and what it refers to, to the description's schemas.
fn register<T: ToSchema>(schemas: &mut Vec<(String, RefOr<Schema>)>) {
    schemas.push((T::name().into(), T::schema()));
    T::schemas(schemas);
}
