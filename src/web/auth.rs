//! Who is asking: a session cookie (browsers) or a Bearer token (programs); CSRF tokens for
//! cookie-authenticated writes; password hashing with Argon2id.

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;
use subtle::ConstantTimeEq;

use super::signed_in::Known;
use crate::app::AppState;
use crate::error::AppError;
use crate::store::{Role, User};

pub const SESSION_COOKIE: &str = "gloss_session";
pub const CSRF_COOKIE: &str = "gloss_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The person behind a request, if any, and how they proved it.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub user: Option<User>,
    /// The session's CSRF token, when signed in by cookie.
    pub csrf: Option<String>,
    /// The session cookie's token hash, for logging out.
    pub session_hash: Option<String>,
    /// A write that a cross-site page could not have forged: by token, or by cookie with the
    /// session's CSRF token in the `X-CSRF-Token` header.
    pub may_write: bool,
}

impl Viewer {
    pub fn username(&self) -> Option<&str> {
        self.user.as_ref().map(|u| u.username.as_str())
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
            let user = match recall(state, &token_hash, true).await? {
                Known::Token(user) => user,
                Known::Session(_) | Known::Nobody => {
                    return Err(AppError::Unauthorized("The API token is not valid.".into()));
                }
            };
            return Ok(Viewer {
                user: Some(user),
                may_write: true,
                ..Viewer::default()
            });
        }
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Ok(Viewer::default());
        };
        let token_hash = hash_token(token);
        let Known::Session(session) = recall(state, &token_hash, false).await? else {
            return Ok(Viewer::default());
        };
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        let header_token = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        Ok(Viewer {
            may_write: safe || header_token.is_some_and(|t| same(t, &session.csrf)),
            user: Some(session.user),
            csrf: Some(session.csrf),
            session_hash: Some(token_hash),
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
        state.store.token_user(token_hash).await?.map(Known::Token)
    } else {
        state.store.session(token_hash).await?.map(Known::Session)
    };
    let found = found.unwrap_or(Known::Nobody);
    state.signed_in.put(token_hash, found.clone());
    Ok(found)
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

/// A fresh random token, 256 bits as hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How tokens are kept in the database: a leaked table signs nobody in.
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares secrets in time independent of where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Argon2id at OWASP's 7 MiB, 5 passes, 1 lane: by their reckoning as strong as the crate's
/// 19 MiB and 2 passes, for a third of the memory each log-in holds.
fn argon2() -> Argon2<'static> {
    let params = Params::new(7 * 1024, 5, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

type Job = Box<dyn FnOnce() + Send>;

/// The one thread that hashes and checks passwords, in turn: each holds 7 MiB for tens of
/// milliseconds, and one at a time bounds what a burst of log-ins holds together.
static HASHER: LazyLock<std::sync::mpsc::Sender<Job>> = LazyLock::new(|| {
    let (jobs, queue) = std::sync::mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("gloss-passwords".into())
        .spawn(move || queue.into_iter().for_each(|job| job()))
        .expect("starting the password thread");
    jobs
});

/// Runs `work` (hashing or checking a password) on the password thread: on a serving thread
/// it would hold up every other request there.
pub async fn off_the_serving_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let (answer, answered) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = answer.send(work());
    });
    HASHER
        .send(job)
        .map_err(|e| AppError::Internal(format!("the password thread is gone: {e}")))?;
    answered
        .await
        .map_err(|e| AppError::Internal(format!("the password thread is gone: {e}")))
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))
}

/// Checks with the parameters the stored hash was made with, so older hashes keep working.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
}

/// Usernames: 3 to 32 letters, digits, `-`, `_` or `.`.
pub fn check_username(name: &str) -> Result<(), AppError> {
    let ok = (3..=32).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(AppError::Unprocessable(
            "A username is 3 to 32 letters, digits, hyphens, underscores or dots.".into(),
        ))
    }
}

pub const MIN_PASSWORD: usize = 10;

pub fn check_password(password: &str) -> Result<(), AppError> {
    if (MIN_PASSWORD..=1024).contains(&password.chars().count()) {
        Ok(())
    } else {
        Err(AppError::Unprocessable(format!(
            "A password is at least {MIN_PASSWORD} characters."
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("a long password 123").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{hash}");
        assert!(verify_password("a long password 123", &hash));
        assert!(!verify_password("a long password 124", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn passwords_hashed_with_other_parameters_still_verify() {
        let older = Argon2::default()
            .hash_password(b"a long password 123")
            .unwrap()
            .to_string();
        assert!(older.contains("m=19456,t=2,p=1"), "{older}");
        assert!(verify_password("a long password 123", &older));
        assert!(!verify_password("a long password 124", &older));
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

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
        assert!(same(&a, &a) && !same(&a, &b));
    }
}
