//! Read-your-writes across instances: a write tells the writer's browser the essay revision it
//! made, and their next view of the essay, on whichever instance it lands, waits until it
//! shows that revision.

use axum::http::{HeaderMap, HeaderValue};

use super::auth::{cookie, set_cookie_under};

const COOKIE: &str = "gloss_wrote";

/// Long enough for the next view to come; every instance learns of the write sooner.
const MAX_AGE_SECONDS: i64 = 60;

/// The `Set-Cookie` value for a write that made `revision` of essay `slug`.
pub fn cookie_for(slug: &str, revision: i64, secure: bool) -> HeaderValue {
    let path = format!("/articles/{slug}");
    let value = format!("{revision}:{slug}");
    let cookie = set_cookie_under(&path, COOKIE, &value, MAX_AGE_SECONDS, true, secure);
    HeaderValue::from_str(&cookie).expect("slugs are lowercase letters, digits and hyphens")
}

/// The revision of essay `slug` this browser last wrote, if the cookie says so.
pub fn revision(headers: &HeaderMap, slug: &str) -> Option<i64> {
    let (revision, of) = cookie(headers, COOKIE)?.split_once(':')?;
    (of == slug).then(|| revision.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use axum::http::header;

    use super::*;

    #[test]
    fn the_cookie_names_the_essay_and_revision() {
        let set = cookie_for("essay", 42, false);
        let pair = set.to_str().unwrap().split(';').next().unwrap().to_string();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&pair).unwrap());
        assert_eq!(revision(&headers, "essay"), Some(42));
        assert_eq!(revision(&headers, "other"), None);
        assert_eq!(revision(&HeaderMap::new(), "essay"), None);
        assert!(
            cookie_for("essay", 42, true)
                .to_str()
                .unwrap()
                .ends_with("; Secure")
        );
    }
}
