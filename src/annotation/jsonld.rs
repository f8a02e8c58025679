//! Annotations as W3C Web Annotation JSON-LD, out and in.
//!
//! Out: every annotation with its absolute id, creator, times, bodies (the Markdown comment
//! and one tagging body per tag) and a target: a passage with a quote and a position
//! selector, the annotation a reply answers, or the essay a page note is on. In: what
//! clients send, checked field by field so a bad request gets a detail that names the field.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{
    Annotation, EDITORS, Identities, Motivation, Target, TextPosition, TextQuote, Visibility,
};

pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
pub const MEDIA_TYPE: &str = "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"";

/// Limits on what clients send, so nothing unbounded reaches the store.
pub const MAX_BODY_CHARS: usize = 10_000;
pub const MAX_QUOTE_CHARS: usize = 5_000;
pub const MAX_CONTEXT_CHARS: usize = 256;
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG_CHARS: usize = 64;
pub const MAX_IRI_CHARS: usize = 2_048;
pub const MAX_VIA: usize = 20;

/// Absolute URLs of the site's resources.
#[derive(Debug, Clone)]
pub struct Urls {
    /// No trailing slash.
    pub base: String,
}

impl Urls {
    pub fn annotation(&self, id: &str) -> String {
        format!("{}/annotations/{id}", self.base)
    }

    pub fn article(&self, slug: &str) -> String {
        format!("{}/articles/{slug}", self.base)
    }

    pub fn user(&self, username: &str) -> String {
        format!("{}/users/{username}", self.base)
    }

    pub fn entity(&self, id: &str) -> String {
        format!("{}/entities/{id}", self.base)
    }

    pub fn group(&self, id: &str) -> String {
        format!("{}/groups/{id}", self.base)
    }
}

fn time(t: OffsetDateTime) -> String {
    t.format(&Rfc3339)
        .expect("any OffsetDateTime formats as RFC 3339")
}

/// The annotation as JSON-LD.
pub fn to_jsonld(a: &Annotation, urls: &Urls) -> Value {
    let mut out = Map::new();
    out.insert("@context".into(), json!(CONTEXT));
    out.insert("id".into(), json!(urls.annotation(&a.id)));
    out.insert("type".into(), json!("Annotation"));
    if let Some(canonical) = &a.identities.canonical {
        out.insert("canonical".into(), json!(canonical));
    }
    match a.identities.via.as_slice() {
        [] => {}
        [one] => {
            out.insert("via".into(), json!(one));
        }
        many => {
            out.insert("via".into(), json!(many));
        }
    }
    out.insert("motivation".into(), json!(a.motivation.as_str()));
    let creator = if a.editorial {
        json!({"id": urls.user(EDITORS), "type": "Organization", "name": "Gloss editors"})
    } else {
        json!({"id": urls.user(&a.creator), "type": "Person", "nickname": a.creator})
    };
    out.insert("creator".into(), creator);
    out.insert("created".into(), json!(time(a.created)));
    out.insert("modified".into(), json!(time(a.modified)));
    let mut bodies: Vec<Value> = Vec::new();
    if let Some(body) = &a.body {
        bodies.push(json!({
            "type": "TextualBody",
            "value": body,
            "format": "text/markdown",
            "purpose": a.motivation.as_str(),
        }));
    }
    bodies.extend(
        a.tags
            .iter()
            .map(|t| json!({"type": "TextualBody", "value": t, "purpose": "tagging"})),
    );
    if let Some(entity) = &a.entity {
        bodies.push(json!({
            "type": "SpecificResource",
            "source": urls.entity(entity),
            "purpose": "identifying",
        }));
    }
    if !bodies.is_empty() {
        out.insert("body".into(), Value::Array(bodies));
    }
    let target = match &a.target {
        Target::Reply(parent) => json!(urls.annotation(parent)),
        Target::Page => json!(urls.article(&a.article)),
        Target::Text(t) => json!({
            "type": "SpecificResource",
            "source": urls.article(&a.article),
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": t.quote.exact,
                    "prefix": t.quote.prefix,
                    "suffix": t.quote.suffix,
                },
                {
                    "type": "TextPositionSelector",
                    "start": t.position.start,
                    "end": t.position.end,
                },
            ],
        }),
    };
    out.insert("target".into(), target);
    out.insert("visibility".into(), json!(a.visibility.as_str()));
    if let Some(group) = &a.group {
        out.insert("audience".into(), json!(urls.group(group)));
    }
    Value::Object(out)
}

/// What a client asked to be stored, before it is anchored and given an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub identities: Identities,
    pub motivation: Motivation,
    pub body: Option<String>,
    pub tags: Vec<String>,
    /// The entity an editorial note identifies, by id.
    pub entity: Option<String>,
    pub visibility: Visibility,
    /// The group it is posted to, by id (from its IRI or path, `/groups/{id}`).
    pub audience: Option<String>,
    pub target: DraftTarget,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftTarget {
    /// A passage of the essay at `path` (`/articles/{slug}`, from an absolute URL or a path).
    Text {
        path: String,
        quote: Option<TextQuote>,
        position: Option<TextPosition>,
    },
    /// Another annotation, by id (from its URL or path).
    Reply(String),
    /// The essay at `path` as a whole: its URL alone, or a `source` with no selector.
    Page { path: String },
}

/// What an export carries beyond a draft: who made it and when, under which id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub id: String,
    pub creator: String,
    pub editorial: bool,
    pub created: OffsetDateTime,
    pub modified: OffsetDateTime,
}

type Invalid = String;

/// Reads a client's annotation; the error names the field at fault.
pub fn from_jsonld(value: &Value) -> Result<Draft, Invalid> {
    let obj = value
        .as_object()
        .ok_or("The annotation must be a JSON object.")?;
    match obj.get("type") {
        None => {}
        Some(t)
            if t == "Annotation"
                || t.as_array()
                    .is_some_and(|a| a.contains(&json!("Annotation"))) => {}
        Some(_) => return Err("\"type\" must be \"Annotation\".".into()),
    }
    let (body, tags, entity) = bodies(obj)?;
    let target = target(
        obj.get("target")
            .ok_or("The annotation needs a \"target\".")?,
    )?;
    let motivation = match obj.get("motivation") {
        None => match (&target, &body) {
            (DraftTarget::Reply(_), _) => Motivation::Replying,
            (_, Some(_)) => Motivation::Commenting,
            (_, None) => Motivation::Highlighting,
        },
        Some(Value::String(m)) => match Motivation::parse(m) {
            Some(m) => m,
            None => {
                return Err(format!(
                    "\"motivation\" {m:?} is not one of commenting, highlighting, replying."
                ));
            }
        },
        Some(_) => return Err("\"motivation\" must be a string.".into()),
    };
    match (&motivation, &target, &body) {
        (Motivation::Describing, DraftTarget::Reply(_), _)
        | (Motivation::Replying, DraftTarget::Text { .. } | DraftTarget::Page { .. }, _) => {
            return Err("A reply's \"target\" must be the annotation it replies to.".into());
        }
        (Motivation::Commenting | Motivation::Highlighting, DraftTarget::Reply(_), _) => {
            return Err(
                "An annotation on another annotation must have \"motivation\": \"replying\"."
                    .into(),
            );
        }
        (Motivation::Commenting | Motivation::Replying | Motivation::Describing, _, None) => {
            return Err("A comment or reply needs a body with the text of the note.".into());
        }
        (Motivation::Highlighting, DraftTarget::Page { .. }, _) => {
            return Err(
                "A note on the whole essay needs a body: there is no passage to highlight.".into(),
            );
        }
        (Motivation::Highlighting, _, Some(_)) => {
            return Err(
                "A highlight has no comment body; use \"motivation\": \"commenting\".".into(),
            );
        }
        _ => {}
    }
    let visibility = match obj.get("visibility") {
        None => Visibility::Public,
        Some(Value::String(v)) => Visibility::parse(v)
            .ok_or_else(|| format!("\"visibility\" {v:?} must be \"public\" or \"private\"."))?,
        Some(_) => return Err("\"visibility\" must be \"public\" or \"private\".".into()),
    };
    Ok(Draft {
        identities: identities(obj)?,
        motivation,
        body,
        tags,
        entity,
        visibility,
        audience: audience(obj.get("audience"))?,
        target,
    })
}

/// Reads `audience`: a group's IRI or path (`/groups/{id}`), alone or as an object's `id`.
fn audience(value: Option<&Value>) -> Result<Option<String>, Invalid> {
    let iri = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(iri)) => iri.as_str(),
        Some(Value::Object(o)) => o
            .get("id")
            .and_then(Value::as_str)
            .ok_or("\"audience\" must be a group's IRI, or an object whose \"id\" is one.")?,
        Some(_) => return Err("\"audience\" must be a group's IRI: /groups/{id}.".into()),
    };
    match url_path(iri).strip_prefix("/groups/") {
        Some(id) if !id.is_empty() && !id.contains('/') => Ok(Some(id.to_string())),
        _ => Err(format!(
            "\"audience\" {iri:?} is not a group of this site: use /groups/{{id}}."
        )),
    }
}

/// Reads the fields an export adds: id, creator and times.
pub fn provenance(value: &Value) -> Result<Provenance, Invalid> {
    let id = value
        .get("id")
        .and_then(Value::as_str)
        .map(last_segment)
        .filter(|id| !id.is_empty())
        .ok_or("An imported annotation needs its \"id\".")?;
    let creator = value
        .get("creator")
        .ok_or("An imported annotation needs its \"creator\".")?;
    let editorial = creator.get("type") == Some(&json!("Organization"));
    let name = if editorial {
        Some(EDITORS.to_string())
    } else {
        creator
            .get("nickname")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let creator = name.ok_or("An imported annotation's \"creator\" needs a \"nickname\".")?;
    let when = |field: &str| {
        value
            .get(field)
            .and_then(Value::as_str)
            .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
            .ok_or(format!(
                "An imported annotation needs \"{field}\" as an RFC 3339 time."
            ))
    };
    Ok(Provenance {
        id: id.to_string(),
        creator,
        editorial,
        created: when("created")?,
        modified: when("modified")?,
    })
}

/// `canonical` and `via` as sent: each an absolute IRI, `via` one or a list.
fn identities(obj: &Map<String, Value>) -> Result<Identities, Invalid> {
    let canonical = match obj.get("canonical") {
        None | Some(Value::Null) => None,
        Some(Value::String(iri)) => Some(absolute_iri("canonical", iri)?),
        Some(_) => return Err("\"canonical\" must be one IRI, as a string.".into()),
    };
    let sent: Vec<&Value> = match obj.get("via") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
    };
    if sent.len() > MAX_VIA {
        return Err(format!("At most {MAX_VIA} \"via\" IRIs."));
    }
    let mut via = Vec::with_capacity(sent.len());
    for item in sent {
        let iri = item
            .as_str()
            .ok_or("\"via\" must be an IRI or a list of IRIs, as strings.")?;
        let iri = absolute_iri("via", iri)?;
        if !via.contains(&iri) {
            via.push(iri);
        }
    }
    Ok(Identities { canonical, via })
}

/// On creation an IRI the client sent as `id` moves to `via`, as the protocol asks: the
/// annotation takes an id of this server's, and the one it had is kept. An `id` that is no
/// absolute IRI names nothing elsewhere and is dropped.
pub fn keep_sent_id(value: &Value, identities: &mut Identities) -> Result<(), Invalid> {
    let Some(iri) = value.get("id").and_then(Value::as_str) else {
        return Ok(());
    };
    let Ok(iri) = absolute_iri("id", iri) else {
        return Ok(());
    };
    if !identities.via.contains(&iri) {
        identities.via.push(iri);
    }
    if identities.via.len() > MAX_VIA {
        return Err(format!(
            "At most {MAX_VIA} \"via\" IRIs, with the \"id\" sent."
        ));
    }
    Ok(())
}

/// An absolute IRI as the model's schemas check it (`format: uri`): a scheme, then only
/// the characters RFC 3986 allows, `%` starting an escape. Other characters are refused
/// rather than escaped, since an identity is kept exactly as it was sent.
pub fn absolute_iri(field: &str, iri: &str) -> Result<String, Invalid> {
    let refused = || {
        format!(
            "\"{field}\" must be an absolute IRI of at most {MAX_IRI_CHARS} characters, \
             with a scheme and any character outside ASCII percent-encoded."
        )
    };
    if iri.len() > MAX_IRI_CHARS {
        return Err(refused());
    }
    let (scheme, rest) = iri.split_once(':').ok_or_else(refused)?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let bytes = rest.as_bytes();
    let escapes_ok = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    });
    let chars_ok = rest
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c));
    if scheme_ok && !rest.is_empty() && escapes_ok && chars_ok {
        Ok(iri.to_string())
    } else {
        Err(refused())
    }
}

type Bodies = (Option<String>, Vec<String>, Option<String>);

/// The comment, the tags and the identified entity among an annotation's bodies.
fn bodies(obj: &Map<String, Value>) -> Result<Bodies, Invalid> {
    if obj.contains_key("body") && obj.contains_key("bodyValue") {
        return Err("Send \"body\" or \"bodyValue\", not both.".into());
    }
    if let Some(value) = obj.get("bodyValue") {
        let text = value.as_str().ok_or("\"bodyValue\" must be a string.")?;
        return Ok((Some(checked_body(text)?), Vec::new(), None));
    }
    let items: Vec<&Value> = match obj.get("body") {
        None => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(item) => vec![item],
    };
    let mut comment = None;
    let mut tags = Vec::new();
    let mut entity = None;
    for item in items {
        if item.get("purpose").and_then(Value::as_str) == Some("identifying") {
            entity = item
                .get("source")
                .and_then(Value::as_str)
                .map(|s| url_path(s).rsplit('/').next().unwrap_or("").to_string());
            continue;
        }
        let text = item
            .get("value")
            .and_then(Value::as_str)
            .ok_or("Each body must be a TextualBody with a string \"value\".")?;
        match item.get("purpose").and_then(Value::as_str) {
            Some("tagging") => tags.push(checked_tag(text)?),
            _ if comment.is_some() => {
                return Err("Send at most one body that is not a tag.".into());
            }
            _ => comment = Some(checked_body(text)?),
        }
    }
    let mut seen = std::collections::HashSet::new();
    tags.retain(|t| seen.insert(t.clone()));
    if tags.len() > MAX_TAGS {
        return Err(format!("At most {MAX_TAGS} tags."));
    }
    Ok((comment, tags, entity))
}

fn checked_body(text: &str) -> Result<String, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        return Err("The note is empty.".into());
    }
    if text.chars().count() > MAX_BODY_CHARS {
        return Err(format!(
            "The note is longer than {MAX_BODY_CHARS} characters."
        ));
    }
    Ok(text.to_string())
}

fn checked_tag(tag: &str) -> Result<String, Invalid> {
    let tag = tag.trim();
    if tag.is_empty() || tag.chars().count() > MAX_TAG_CHARS || tag.chars().any(char::is_control) {
        return Err(format!("Each tag must be 1 to {MAX_TAG_CHARS} characters."));
    }
    Ok(tag.to_string())
}

/// Reads a `target`: an annotation IRI (a reply), an essay with selectors, or an essay alone
/// (a page note), by its IRI or as a `source` with no selector.
pub fn target(value: &Value) -> Result<DraftTarget, Invalid> {
    let target = match value {
        Value::Array(items) if items.len() == 1 => &items[0],
        Value::Array(_) => return Err("Send exactly one \"target\".".into()),
        other => other,
    };
    if let Some(iri) = target.as_str() {
        return iri_target(iri);
    }
    let source = target
        .get("source")
        .and_then(Value::as_str)
        .ok_or("\"target\" needs a \"source\": the essay's URL.")?;
    let path = url_path(source);
    if target.get("selector").is_none() {
        return iri_target(source);
    }
    let selectors: Vec<&Value> = match target.get("selector") {
        None => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
    };
    let mut quote = None;
    let mut position = None;
    for selector in selectors {
        match selector.get("type").and_then(Value::as_str) {
            Some("TextQuoteSelector") => quote = Some(text_quote(selector)?),
            Some("TextPositionSelector") => position = Some(text_position(selector)?),
            _ => {}
        }
    }
    if quote.is_none() && position.is_none() {
        return Err("\"target\" needs a TextQuoteSelector or a TextPositionSelector.".into());
    }
    Ok(DraftTarget::Text {
        path: path.to_string(),
        quote,
        position,
    })
}

/// A target named by its IRI alone: an annotation (a reply) or an essay (a page note).
fn iri_target(iri: &str) -> Result<DraftTarget, Invalid> {
    let path = url_path(iri);
    if path.starts_with("/articles/") {
        return Ok(DraftTarget::Page {
            path: path.to_string(),
        });
    }
    match path.strip_prefix("/annotations/") {
        Some(id) if !id.is_empty() && !id.contains('/') => Ok(DraftTarget::Reply(id.to_string())),
        _ => Err(format!(
            "The target {iri:?} is neither an essay nor an annotation of this site."
        )),
    }
}

fn text_quote(selector: &Value) -> Result<TextQuote, Invalid> {
    let field = |name: &str, limit: usize| -> Result<String, Invalid> {
        let text = match selector.get(name) {
            None => "",
            Some(v) => v
                .as_str()
                .ok_or(format!("TextQuoteSelector \"{name}\" must be a string."))?,
        };
        if text.chars().count() > limit {
            return Err(format!(
                "TextQuoteSelector \"{name}\" is longer than {limit} characters."
            ));
        }
        Ok(text.to_string())
    };
    let exact = field("exact", MAX_QUOTE_CHARS)?;
    if exact.trim().is_empty() {
        return Err("TextQuoteSelector \"exact\" must quote some text.".into());
    }
    Ok(TextQuote {
        exact,
        prefix: field("prefix", MAX_CONTEXT_CHARS)?,
        suffix: field("suffix", MAX_CONTEXT_CHARS)?,
    })
}

fn text_position(selector: &Value) -> Result<TextPosition, Invalid> {
    let field = |name: &str| {
        selector
            .get(name)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or(format!(
                "TextPositionSelector \"{name}\" must be a whole number."
            ))
    };
    let (start, end) = (field("start")?, field("end")?);
    if start >= end {
        return Err("TextPositionSelector \"start\" must be less than \"end\".".into());
    }
    Ok(TextPosition { start, end })
}

/// The path of an absolute URL (or the path itself), without query or fragment.
pub fn url_path(url: &str) -> &str {
    let rest = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    };
    rest.split(['?', '#']).next().unwrap_or(rest)
}

fn last_segment(url: &str) -> &str {
    url_path(url).rsplit('/').next().unwrap_or("")
}

#[cfg(test)]
mod tests;
