//! Conditional requests: entity tags that every release of the server makes alike for the
//! same bytes (a CRC-32 and the length; std's hasher may change between Rust releases, and
//! a cluster may run two), and `If-None-Match` read as RFC 9110 says: a list of tags, weak
//! or strong, or `*`.

use axum::http::{HeaderMap, HeaderValue, header};

/// The strong entity tag of a response body.
pub fn etag_of(body: &[u8]) -> HeaderValue {
    let tag = format!("\"{:08x}{:x}\"", crc32fast::hash(body), body.len());
    HeaderValue::from_str(&tag).expect("hex digits are a valid header value")
}

/// Whether the client already holds the representation tagged `etag`: `If-None-Match`
/// compares weakly, so `W/"x"` matches `"x"`.
pub fn none_match(request: &HeaderMap, etag: &HeaderValue) -> bool {
    let ours = opaque(etag.as_bytes());
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .flat_map(|value| value.as_bytes().split(|&b| b == b','))
        .map(<[u8]>::trim_ascii)
        .any(|tag| tag == b"*" || opaque(tag) == ours)
}

fn opaque(tag: &[u8]) -> &[u8] {
    tag.strip_prefix(b"W/").unwrap_or(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn tags_depend_on_the_bytes_alone() {
        assert_eq!(etag_of(b"a page"), etag_of(b"a page"));
        assert_ne!(etag_of(b"a page"), etag_of(b"a page."));
        assert_eq!(etag_of(b""), HeaderValue::from_static("\"000000000\""));
    }

    #[test]
    fn lists_weak_tags_and_stars_match() {
        let etag = etag_of(b"a page");
        let tag = etag.to_str().unwrap().to_string();
        let list = format!("\"other\", {tag}");
        let weak = format!("W/{tag}");
        for matching in [tag.as_str(), &list, &weak, "*"] {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::IF_NONE_MATCH,
                HeaderValue::from_str(matching).unwrap(),
            );
            assert!(none_match(&headers, &etag), "{matching}");
        }
        assert!(!none_match(&asking("\"other\", W/\"else\""), &etag));
        assert!(!none_match(&HeaderMap::new(), &etag));
    }
}
