//! Errors as the API answers them: RFC 9457 problems, and the error responses that several
//! operations share. `error::AppError` writes the problem; this type describes it.

use utoipa::{ToResponse, ToSchema};

use super::literals::BearerChallenge;

/// The media type of every error the API answers.
pub const PROBLEM: &str = "application/problem+json";

/// An RFC 9457 problem. Every error this API answers is one, with the same status in `status`.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "type": "about:blank",
    "title": "Unprocessable Entity",
    "status": 422,
    "detail": "The quote “pressure on Moscow” is not in the essay."
}))]
pub struct Problem {
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: AboutBlank,
    /// The status's reason phrase, e.g. `Not Found`.
    pub title: String,
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong, in words meant for people.
    pub detail: String,
}

#[derive(ToSchema)]
pub enum AboutBlank {
    #[serde(rename = "about:blank")]
    AboutBlank,
}

/// The body is not JSON, or a field is malformed (the detail names it).
#[derive(ToResponse)]
#[response(content_type = PROBLEM)]
pub struct BadRequest(pub Problem);

/// A query parameter is malformed (e.g. `page` is not a whole number).
#[derive(ToResponse)]
#[response(content_type = PROBLEM)]
pub struct BadQuery(pub Problem);

/// Not signed in where that is needed, a wrong password, or an `Authorization: Bearer` token
/// that is not valid (on any operation that reads the viewer).
#[derive(ToResponse)]
#[response(content_type = PROBLEM, headers(("WWW-Authenticate" = inline(BearerChallenge))))]
pub struct Unauthorized(pub Problem);

/// The `Authorization: Bearer` token is not valid.
#[derive(ToResponse)]
#[response(content_type = PROBLEM, headers(("WWW-Authenticate" = inline(BearerChallenge))))]
pub struct InvalidToken(pub Problem);

/// Signed in by cookie without the right `X-CSRF-Token` header; or not allowed: only its
/// creator edits an annotation, only its creator or an editor deletes one, and editors' notes
/// are changed in the articles folder, never through the API.
#[derive(ToResponse)]
#[response(content_type = PROBLEM)]
pub struct Forbidden(pub Problem);

/// There is no such resource, or you may not see it (another reader's private annotation).
#[derive(ToResponse)]
#[response(content_type = PROBLEM)]
pub struct NotFound(pub Problem);

/// The replacement changes the `canonical` or `via` the annotation already has, which the
/// protocol asks servers to refuse.
#[derive(ToResponse)]
#[response(content_type = PROBLEM)]
pub struct IdentityChanged(pub Problem);

/// `If-Match` does not match the current `ETag`: the annotation changed since it was read.
#[derive(ToResponse)]
#[response(content_type = PROBLEM)]
pub struct PreconditionFailed(pub Problem);

/// The body is over 64 KiB (65,536 bytes).
#[derive(ToResponse)]
#[response(content_type = PROBLEM)]
pub struct PayloadTooLarge(pub Problem);

/// `Content-Type` is not `application/json` or `application/ld+json`.
#[derive(ToResponse)]
#[response(content_type = PROBLEM)]
pub struct UnsupportedMediaType(pub Problem);

/// Well formed but refused: the quote is not in the essay, the position lies beyond its end,
/// the target is not an essay, the annotation replied to does not exist or is not yours to
/// see, `motivation` is `describing`, or (on PUT) the annotation would move to another essay
/// or turn into or out of a reply.
#[derive(ToResponse)]
#[response(content_type = PROBLEM)]
pub struct UnprocessableAnnotation(pub Problem);

/// Rate limited: more writes (create, replace, delete) a minute by this account than the
/// server allows: `--write-limit`, 120 by default. Counted in fixed windows, shared by every
/// instance.
#[derive(ToResponse)]
#[response(content_type = PROBLEM)]
pub struct TooManyWrites(pub Problem);

/// The reader flagged this note already: a note is flagged once by each reader.
#[derive(ToResponse)]
#[response(content_type = PROBLEM)]
pub struct Conflict(pub Problem);

/// The reason is empty, only white space, or longer than 500 characters.
#[derive(ToResponse)]
#[response(content_type = PROBLEM)]
pub struct UnprocessableFlag(pub Problem);

/// Rate limited: more than 10 flags in ten minutes by this account. `Retry-After` says when
/// the count starts again.
#[derive(ToResponse)]
#[response(
    content_type = PROBLEM,
    headers(("Retry-After" = u32, description = "Seconds until flags are counted anew."))
)]
pub struct TooManyFlags(pub Problem);
