//! The Atom document (RFC 4287): a feed and its entries, written by the template
//! `feeds/feed.xml`, which escapes every value it is given.

use askama::Template;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::error::AppError;

pub const MEDIA_TYPE: &str = "application/atom+xml; charset=utf-8";

#[derive(Template)]
#[template(path = "feeds/feed.xml")]
pub struct Feed {
    /// The feed's own absolute URL, which is also its id: one feed per address.
    pub id: String,
    pub title: String,
    /// The page whose notes the feed follows.
    pub alternate: String,
    pub updated: String,
    pub entries: Vec<Entry>,
}

pub struct Entry {
    /// The note's IRI.
    pub id: String,
    pub title: String,
    pub published: String,
    pub updated: String,
    pub author: Person,
    /// The note on its reading page.
    pub link: String,
    pub categories: Vec<String>,
    /// HTML, sent escaped as `type="html"` content.
    pub content: String,
}

pub struct Person {
    pub name: String,
    pub uri: String,
}

/// A date construct: RFC 3339, in UTC.
pub fn date_time(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(&Rfc3339)
        .expect("any OffsetDateTime formats as RFC 3339")
}

/// The feed as XML. Escaping cannot make the control characters a note may carry legal in
/// XML 1.0, where a reader would refuse the whole feed over one of them: they are dropped.
pub fn write(feed: &Feed) -> Result<String, AppError> {
    let xml = feed.render()?;
    Ok(xml.chars().filter(|&c| allowed_in_xml(c)).collect())
}

/// XML 1.0's `Char` production (Rust's `char` already excludes the surrogates).
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn dates_are_rfc3339_in_utc() {
        assert_eq!(
            date_time(datetime!(2025-11-26 18:30:05.5 +02:00)),
            "2025-11-26T16:30:05.5Z"
        );
    }

    #[test]
    fn values_are_escaped_and_control_characters_dropped() {
        let feed = Feed {
            id: "http://x.test/feeds/tags/a&b.atom".to_string(),
            title: "<b>\u{1}Tagged</b>".to_string(),
            alternate: "http://x.test/search?tag=a&b".to_string(),
            updated: "2025-11-26T00:00:00Z".to_string(),
            entries: vec![],
        };
        let xml = write(&feed).unwrap();
        assert!(
            xml.contains("<title>&#60;b&#62;Tagged&#60;/b&#62;</title>"),
            "{xml}"
        );
        assert!(
            xml.contains("href=\"http://x.test/search?tag=a&#38;b\""),
            "{xml}"
        );
        assert!(!xml.contains('\u{1}'));
    }
}
