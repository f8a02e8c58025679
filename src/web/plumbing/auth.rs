//! Who is asking: a session cookie (browsers) or a Bearer token (programs); CSRF tokens for
//! cookie-authenticated writes; password hashing with Argon2id.
//!
//! Cookies are never accepted cross-origin. A request whose `Origin` is one of the origins
//! allowed to call the API (`--cors-origins`) and not the site's own was sent by a script on
//! another site: it is signed in by its Bearer token alone, and a session cookie the browser
//! attached is ignored, so another site's page can never act as the reader signed in here.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};

use super::signed_in::Known;
use crate::accounts::{hash_token, same};
use crate::annotation::Reader;
use crate::config::Config;
use crate::error::AppError;
use crate::store::{Role, User};
use crate::web::AppState;

pub const SESSION_COOKIE: &str = "gloss_session";
pub const CSRF_COOKIE: &str = "gloss_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The groups a signed-in reader belongs to, by name: their ids decide which notes the reader
/// sees, their names are offered where the reader posts a note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Memberships {
    pub ids: Vec<String>,
    pub names: Vec<String>,
}

impl Memberships {
    /// Each group's id and name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.ids
            .iter()
            .map(String::as_str)
            .zip(self.names.iter().map(String::as_str))
    }
}

impl Viewer {
    /// Who they are to the page cache: their name, their session's CSRF token, which their
    /// page carries, and their groups, whose notes it shows.
    pub fn page_reader(&self) -> Option<(String, String, Memberships)> {
        let name = self.username()?;
        let csrf = self.csrf.clone().unwrap_or_default();
        Some((name.to_string(), csrf, self.groups.clone()))
    }
}

/// The person behind a request, if any, and how they proved it.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub user: Option<User>,
    /// The session's CSRF token, when signed in by cookie.
    pub csrf: Option<String>,
    /// The session cookie's token hash, for logging out.
    pub session_hash: Option<String>,
    /// The API token's hash, when signed in by one: a password change keeps it working.
    pub token_hash: Option<String>,
    /// A write that a cross-site page could not have forged: by token, or by cookie with the
    /// session's CSRF token in the `X-CSRF-Token` header.
    pub may_write: bool,
    /// The groups the user belongs to.
    pub groups: Memberships,
}

impl Viewer {
    pub fn username(&self) -> Option<&str> {
        self.user.as_ref().map(|u| u.username.as_str())
    }

    /// Who is reading, as visibility asks it.
    pub fn reader(&self) -> Reader<'_> {
        Reader {
            name: self.username(),
            groups: &self.groups.ids,
        }
    }

    pub fn is_editor(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == Role::Editor)
    }

    /// The user, for a request that writes.
    pub fn writer(&self) -> Result<&User, AppError> {
        let user = self.user.as_ref().ok_or_else(|| {
            AppError::Unauthorized("Log in, or send an API token as Authorization: Bearer.".into())
        })?;
        if !self.may_write {
            return Err(AppError::Forbidden(
                "Missing or wrong X-CSRF-Token header: reload the page and try again.".into(),
            ));
        }
        Ok(user)
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(token) = bearer(&parts.headers) {
            let token_hash = hash_token(token);
            let (user, groups) = match recall(state, &token_hash, true).await? {
                Known::Token(user, groups) => (user, groups),
                Known::Session(..) | Known::Nobody => {
                    return Err(AppError::Unauthorized("The API token is not valid.".into()));
                }
            };
            return Ok(Viewer {
                user: Some(user),
                may_write: true,
                token_hash: Some(token_hash),
                groups,
                ..Viewer::default()
            });
        }
        if from_another_origin(&state.config, &parts.headers) {
            return Ok(Viewer::default());
        }
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Ok(Viewer::default());
        };
        let token_hash = hash_token(token);
        let Known::Session(session, groups) = recall(state, &token_hash, false).await? else {
            return Ok(Viewer::default());
        };
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        let header_token = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        Ok(Viewer {
            may_write: safe || header_token.is_some_and(|t| same(t, &session.csrf)),
            user: Some(session.user),
            csrf: Some(session.csrf),
            session_hash: Some(token_hash),
            token_hash: None,
            groups,
        })
    }
}

/// Who an API token (`api`) or a session cookie's token belongs to: remembered for a moment
/// by this thread, else asked of the store.
async fn recall(state: &AppState, token_hash: &str, api: bool) -> Result<Known, AppError> {
    if let Some(known) = state.signed_in.get(token_hash) {
        return Ok(known);
    }
    let found = if api {
        match state.store.token_user(token_hash).await? {
            Some(user) => {
                let groups = memberships(state, &user.username).await?;
                Known::Token(user, groups)
            }
            None => Known::Nobody,
        }
    } else {
        match state.store.session(token_hash).await? {
            Some(session) => {
                let groups = memberships(state, &session.user.username).await?;
                Known::Session(session, groups)
            }
            None => Known::Nobody,
        }
    };
    state.signed_in.put(token_hash, found.clone());
    Ok(found)
}

async fn memberships(state: &AppState, username: &str) -> Result<Memberships, AppError> {
    let groups = state.store.groups_of(username).await?;
    Ok(Memberships {
        ids: groups.iter().map(|g| g.id.clone()).collect(),
        names: groups.into_iter().map(|g| g.name).collect(),
    })
}

/// Whether the request comes from a page on an origin allowed to call the API that is not
/// the site's own: then its cookies do not count (see the module's comment).
fn from_another_origin(config: &Config, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    origin != config.own_origin() && config.cors_origins.iter().any(|o| o == origin)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The value of a cookie in the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value for the whole site; `http_only` hides it from scripts, `max_age` 0
/// deletes it.
pub fn set_cookie(name: &str, value: &str, max_age: i64, http_only: bool, secure: bool) -> String {
    set_cookie_under("/", name, value, max_age, http_only, secure)
}

/// The same, sent back only with requests under `path`.
pub fn set_cookie_under(
    path: &str,
    name: &str,
    value: &str,
    max_age: i64,
    http_only: bool,
    secure: bool,
) -> String {
    let mut cookie = format!("{name}={value}; Path={path}; Max-Age={max_age}; SameSite=Lax");
    if http_only {
        cookie.push_str("; HttpOnly");
    }
    if secure {
        cookie.push_str("; Secure");
    }
    cookie
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_allowed_origin_other_than_the_sites_own_is_another() {
        use clap::Parser;
        let cli = crate::config::Cli::try_parse_from([
            "gloss",
            "--public-url",
            "https://gloss.example/essays",
            "--cors-origins",
            "https://app.example,https://gloss.example",
        ])
        .unwrap();
        let config = Config::from_args(&cli.serve);
        let with_origin = |origin: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ORIGIN, origin.parse().unwrap());
            headers
        };
        assert!(from_another_origin(
            &config,
            &with_origin("https://app.example")
        ));
        assert!(!from_another_origin(
            &config,
            &with_origin("https://gloss.example")
        ));
        assert!(!from_another_origin(
            &config,
            &with_origin("https://elsewhere.example")
        ));
        assert!(!from_another_origin(&config, &HeaderMap::new()));
    }

    #[test]
    fn cookies_are_read_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            "a=1; gloss_session=abc; b=2".parse().unwrap(),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
    }
}
