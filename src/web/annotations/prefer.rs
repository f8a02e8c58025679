//! The `Prefer` header (RFC 7240) as the annotation container reads it: the LDP and Web
//! Annotation preferences carried by `return=representation; include="…"`.

use axum::http::{HeaderMap, header};

use crate::error::AppError;

pub const MINIMAL_CONTAINER: &str = "http://www.w3.org/ns/ldp#PreferMinimalContainer";
pub const CONTAINED_IRIS: &str = "http://www.w3.org/ns/oa#PreferContainedIRIs";
pub const CONTAINED_DESCRIPTIONS: &str = "http://www.w3.org/ns/oa#PreferContainedDescriptions";

/// What a client asked the container to answer with.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ContainerPreference {
    /// The container alone, with links to its pages but no page embedded.
    pub minimal: bool,
    /// `Some(true)` for pages of IRIs, `Some(false)` for pages of whole annotations.
    pub iris: Option<bool>,
}

impl ContainerPreference {
    /// Whether any preference was stated, and so is applied.
    pub fn stated(&self) -> bool {
        self.minimal || self.iris.is_some()
    }

    /// Reads the preferences from every `Prefer` header; those it does not know are ignored,
    /// as RFC 7240 says. Both contained IRIs and descriptions cannot be honoured at once.
    pub fn of(headers: &HeaderMap) -> Result<ContainerPreference, AppError> {
        let mut preference = ContainerPreference::default();
        let (mut iris, mut descriptions) = (false, false);
        let values = headers
            .get_all(header::HeaderName::from_static("prefer"))
            .iter()
            .filter_map(|v| v.to_str().ok());
        for value in values {
            for stated in split_outside_quotes(value, ',') {
                for include in representation_includes(stated) {
                    match include {
                        MINIMAL_CONTAINER => preference.minimal = true,
                        CONTAINED_IRIS => iris = true,
                        CONTAINED_DESCRIPTIONS => descriptions = true,
                        _ => {}
                    }
                }
            }
        }
        if iris && descriptions {
            return Err(AppError::BadRequest(
                "Prefer PreferContainedIRIs or PreferContainedDescriptions, not both.".into(),
            ));
        }
        preference.iris = (iris || descriptions).then_some(iris);
        Ok(preference)
    }
}

/// The IRIs of `include` in a `return=representation` preference; none in any other.
fn representation_includes(preference: &str) -> Vec<&str> {
    let mut parts = split_outside_quotes(preference, ';');
    let Some(first) = parts.next() else {
        return Vec::new();
    };
    let is_representation = first.split_once('=').is_some_and(|(name, value)| {
        name.trim().eq_ignore_ascii_case("return")
            && unquoted(value).eq_ignore_ascii_case("representation")
    });
    if !is_representation {
        return Vec::new();
    }
    parts
        .filter_map(|parameter| parameter.split_once('='))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("include"))
        .flat_map(|(_, value)| unquoted(value).split_ascii_whitespace())
        .collect()
}

fn unquoted(value: &str) -> &str {
    let value = value.trim();
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// `text` split at each `separator` that is not inside a quoted string.
fn split_outside_quotes(text: &str, separator: char) -> impl Iterator<Item = &str> {
    let mut quoted = false;
    let mut start = 0;
    let mut cuts = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c == separator && !quoted => {
                cuts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    cuts.push(&text[start..]);
    cuts.into_iter()
        .map(str::trim)
        .filter(|part| !part.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn preference(values: &[&'static str]) -> Result<ContainerPreference, AppError> {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("prefer", HeaderValue::from_static(value));
        }
        ContainerPreference::of(&headers)
    }

    #[test]
    fn the_protocols_examples_are_read() {
        let both = preference(&[
            "return=representation;include=\"http://www.w3.org/ns/ldp#PreferMinimalContainer http://www.w3.org/ns/oa#PreferContainedIRIs\"",
        ])
        .unwrap();
        assert_eq!(
            both,
            ContainerPreference {
                minimal: true,
                iris: Some(true)
            }
        );
        let descriptions = preference(&[
            "return=representation; include=\"http://www.w3.org/ns/oa#PreferContainedDescriptions\"",
        ])
        .unwrap();
        assert_eq!(descriptions.iris, Some(false));
        assert!(!descriptions.minimal);
    }

    #[test]
    fn other_preferences_and_headers_are_read_alongside() {
        let read = preference(&[
            "respond-async, wait=10",
            "RETURN=representation; include=\"http://www.w3.org/ns/oa#PreferContainedIRIs\"",
        ])
        .unwrap();
        assert_eq!(read.iris, Some(true));
        assert!(!preference(&["return=minimal"]).unwrap().stated());
        assert!(
            !preference(&[
                "handling=lenient; include=\"http://www.w3.org/ns/oa#PreferContainedIRIs\""
            ])
            .unwrap()
            .stated(),
            "include counts only on return=representation"
        );
        assert!(!preference(&[]).unwrap().stated());
    }

    #[test]
    fn iris_and_descriptions_together_are_refused() {
        let both = preference(&[
            "return=representation; include=\"http://www.w3.org/ns/oa#PreferContainedIRIs http://www.w3.org/ns/oa#PreferContainedDescriptions\"",
        ]);
        assert!(matches!(both, Err(AppError::BadRequest(_))));
    }
}
