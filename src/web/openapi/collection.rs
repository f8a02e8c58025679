//! The annotation container as it answers, as schemas: `web::annotations::container` writes
//! the collection and its pages as JSON, so these types describe them and are never built.

use utoipa::ToSchema;

use super::annotation::{AnnoContext, Annotation};

/// The container: the total, the first page embedded (or, for a minimal container, its id),
/// and the last page's id.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnotationCollection {
    #[serde(rename = "@context")]
    #[schema(inline)]
    pub context: Vec<CollectionContext>,
    /// The collection with its filters, without `page`.
    pub id: String,
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: Vec<CollectionType>,
    pub label: String,
    #[schema(minimum = 0)]
    pub total: u64,
    pub first: FirstPage,
    /// The id of the last page.
    pub last: String,
}

/// The first page: embedded, or only its id when a minimal container was preferred.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum FirstPage {
    Embedded(Box<AnnotationPage>),
    Link(#[schema(inline)] PageId),
}

/// A page's id.
#[derive(ToSchema)]
pub struct PageId(pub String);

#[derive(ToSchema)]
pub enum CollectionContext {
    #[serde(rename = "http://www.w3.org/ns/anno.jsonld")]
    Anno,
    #[serde(rename = "http://www.w3.org/ns/ldp.jsonld")]
    Ldp,
}

#[derive(ToSchema)]
pub enum CollectionType {
    BasicContainer,
    AnnotationCollection,
}

/// 20 annotations a page, newest first: whole, or their IRIs alone.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnotationPage {
    #[serde(rename = "@context")]
    #[schema(required = false, inline)]
    pub context: AnnoContext,
    pub id: String,
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: AnnotationPageType,
    #[serde(rename = "startIndex")]
    #[schema(minimum = 0)]
    pub start_index: u64,
    #[schema(max_items = 20)]
    pub items: Vec<PageItem>,
    #[schema(required = false)]
    pub next: String,
    #[schema(required = false)]
    pub prev: String,
    #[serde(rename = "partOf")]
    pub part_of: PartOf,
}

/// An annotation, or its absolute IRI on a page of IRIs.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum PageItem {
    Annotation(Box<Annotation>),
    Iri(#[schema(inline)] AnnotationIri),
}

/// `{public URL}/annotations/{id}`
#[derive(ToSchema)]
pub struct AnnotationIri(pub String);

#[derive(ToSchema)]
pub enum AnnotationPageType {
    AnnotationPage,
}

#[derive(ToSchema)]
#[serde(untagged)]
pub enum PartOf {
    Collection(#[schema(inline)] CollectionId),
    Summary(#[schema(inline)] CollectionSummary),
}

/// Within the collection: its id.
#[derive(ToSchema)]
pub struct CollectionId(pub String);

/// A page asked for by `page`: the collection it belongs to, with its first and last pages.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionSummary {
    pub id: String,
    #[schema(minimum = 0)]
    pub total: u64,
    pub label: String,
    /// The first page's id (on the container's pages).
    #[schema(required = false)]
    pub first: String,
    /// The last page's id (on the container's pages).
    #[schema(required = false)]
    pub last: String,
}

/// The container's answer: without `page` the collection, with it that page alone.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum Container {
    Collection(AnnotationCollection),
    Page(AnnotationPage),
}
