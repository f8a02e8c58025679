//! The layer a reader chose (see `render::Show`): `?show=` on the reading page, else the
//! cookie that remembers their last choice, signed in or not, else everyone's notes.

use axum::http::{HeaderMap, HeaderValue};

use crate::render::Show;
use crate::web::plumbing::auth::{cookie, set_cookie};

const COOKIE: &str = "gloss_show";

/// As long as browsers keep a cookie.
const MAX_AGE_SECONDS: i64 = 400 * 24 * 60 * 60;

/// The layer a request asks for by `?show=` (`asked`), else by its cookie.
pub fn chosen(asked: Option<Show>, headers: &HeaderMap) -> Show {
    asked
        .or_else(|| cookie(headers, COOKIE).and_then(Show::from_name))
        .unwrap_or_default()
}

/// The `Set-Cookie` value that remembers `show`. Scripts may read and set it: the page's
/// control changes layer without a request.
pub fn remember(show: Show, secure: bool) -> HeaderValue {
    let cookie = set_cookie(COOKIE, show.name(), MAX_AGE_SECONDS, false, secure);
    HeaderValue::from_str(&cookie).expect("layer names are plain words")
}

#[cfg(test)]
mod tests {
    use axum::http::header;

    use super::*;

    #[test]
    fn the_query_wins_over_the_cookie_which_wins_over_the_default() {
        let mut headers = HeaderMap::new();
        assert_eq!(chosen(None, &headers), Show::All);
        let pair = remember(Show::Editors, false);
        let pair = pair.to_str().unwrap().split(';').next().unwrap();
        headers.insert(header::COOKIE, HeaderValue::from_str(pair).unwrap());
        assert_eq!(chosen(None, &headers), Show::Editors);
        assert_eq!(chosen(Some(Show::Nothing), &headers), Show::Nothing);
        headers.insert(header::COOKIE, HeaderValue::from_static("gloss_show=bogus"));
        assert_eq!(chosen(None, &headers), Show::All);
    }
}
