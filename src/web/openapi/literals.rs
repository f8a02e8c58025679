//! Answers whose values are known exactly: an annotation's entity tag, the 401 challenge, the
//! methods `OPTIONS` lists, and what the health check says.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

/// A strong validator of an annotation's version, as `annotations::etag` makes it.
pub struct StrongETag;

impl PartialSchema for StrongETag {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r#"^"[0-9a-f]+"$"#))
            .into()
    }
}

impl ToSchema for StrongETag {}

/// The challenge a 401 carries, as `error::AppError` writes it.
pub struct BearerChallenge;

impl PartialSchema for BearerChallenge {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some([r#"Bearer realm="gloss""#]))
            .into()
    }
}

impl ToSchema for BearerChallenge {}

/// The methods an annotation answers.
#[derive(ToSchema)]
pub enum AnnotationMethods {
    #[serde(rename = "GET, HEAD, OPTIONS, PUT, DELETE")]
    All,
}

/// The methods the annotation container answers.
#[derive(ToSchema)]
pub enum ContainerMethods {
    #[serde(rename = "GET, HEAD, OPTIONS, POST")]
    All,
}

/// What the health check says when all is well.
#[derive(ToSchema)]
pub enum Healthy {
    #[serde(rename = "ok")]
    Ok,
}

/// What the health check says when the database does not answer.
#[derive(ToSchema)]
pub enum Unreachable {
    #[serde(rename = "database unreachable")]
    Unreachable,
}
