//! The request parameters that several operations share: the ids in their paths, and the
//! headers an annotation write is sent with.

use utoipa::IntoParams;

/// An annotation's id in its path.
#[derive(IntoParams)]
#[into_params(names("id"), parameter_in = Path)]
pub struct Id(
    /// The annotation's id: a UUID for readers' annotations, `ed-{slug}-{key}` for the editors'
    /// notes.
    #[param(
        min_length = 1,
        pattern = "^[A-Za-z0-9_-]+$",
        example = "ed-witkoff-takes-russias-side-witkoff"
    )]
    pub String,
);

/// What a browser sends with a write, which `auth::Viewer` checks.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct Csrf {
    /// Browsers writing with the session cookie send the `gloss_csrf` cookie's value here
    /// (else 403). Ignored with a Bearer token.
    #[param(rename = "X-CSRF-Token", nullable = false)]
    pub csrf: Option<String>,
}

/// The version a replace or delete applies to.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatch {
    /// The `ETag` last read (or `*`; a list is allowed, `W/` is ignored). Absent: no check. Not
    /// matching: 412.
    #[param(
        rename = "If-Match",
        nullable = false,
        example = "\"18ebe3ac32b553c5\""
    )]
    pub if_match: Option<String>,
}

/// The representation a client prefers of the annotation container.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct Prefer {
    /// `return=representation; include="…"` with
    /// `http://www.w3.org/ns/ldp#PreferMinimalContainer` (the collection with links to its
    /// pages, none embedded), `http://www.w3.org/ns/oa#PreferContainedIRIs` (pages of IRIs)
    /// or `http://www.w3.org/ns/oa#PreferContainedDescriptions` (pages of whole annotations,
    /// the default); IRIs and descriptions together are a 400. Honoured on the collection
    /// (not on a page, whose IRI says what it holds), answered with `Preference-Applied`.
    #[param(
        rename = "Prefer",
        nullable = false,
        example = "return=representation; include=\"http://www.w3.org/ns/ldp#PreferMinimalContainer\""
    )]
    pub prefer: Option<String>,
}

/// The version a read already holds.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfNoneMatch {
    /// The `ETag` last read (or `*`; a list is allowed, compared weakly). Matching: 304.
    #[param(
        rename = "If-None-Match",
        nullable = false,
        example = "\"0f6b5cd8a4c\""
    )]
    pub if_none_match: Option<String>,
}

/// An essay's slug in its path.
#[derive(IntoParams)]
#[into_params(names("slug"), parameter_in = Path)]
pub struct Slug(
    /// The essay's slug.
    #[param(
        min_length = 1,
        pattern = "^[A-Za-z0-9_-]+$",
        example = "witkoff-takes-russias-side"
    )]
    pub String,
);

/// `Last-Event-ID`, which a browser sends when it reconnects.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct LastEventId {
    /// The last event's id (a revision), sent by the browser when it reconnects; it takes the
    /// place of `since`. Ignored unless a whole number.
    #[param(rename = "Last-Event-ID", nullable = false)]
    pub last_event_id: Option<i64>,
}
