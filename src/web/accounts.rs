//! Accounts: sign-up, log-in and log-out pages for browsers, users and tokens for programs.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::openapi::problems::{
    PROBLEM, PayloadTooLarge, Problem, Unauthorized, UnsupportedMediaType,
};
use super::plumbing::auth::{CSRF_COOKIE, SESSION_COOKIE, Viewer, cookie, set_cookie};
use super::plumbing::body::{JsonBody, Params};
use super::plumbing::head::Head;
use super::plumbing::limit::{self, ClientAddr};
use crate::accounts::{
    self, check_password, check_username, hash_password, new_token, off_the_serving_thread,
    verify_password,
};
use crate::error::AppError;
use crate::store::{Role, User};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .route("/login", get(login_page).post(login))
        .route("/signup", get(signup_page).post(signup))
        .route("/logout", post(logout))
        .routes(routes!(create_user))
        .routes(routes!(create_token))
}

const SESSION_DAYS: i64 = 30;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    head: Head,
    signup: bool,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct AccountForm {
    username: String,
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// Only paths on this site, so a crafted link cannot send people elsewhere after logging in.
/// Browsers drop tabs and newlines from URLs, so `/\t/evil` would become `//evil`: any
/// whitespace or control character is refused, as are `//` and any backslash.
fn local_path(next: Option<&str>) -> String {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            p.to_string()
        }
        _ => "/".to_string(),
    }
}

/// The log-in or sign-up form; its header names the reader if they are signed in already,
/// as every page's does.
fn form_page(
    state: &AppState,
    headers: &HeaderMap,
    viewer: &Viewer,
    signup: bool,
    next: String,
    username: String,
    error: Option<(StatusCode, String)>,
) -> Result<Response, AppError> {
    let existing = cookie(headers, CSRF_COOKIE).filter(|c| c.len() == 64);
    let csrf = existing.map_or_else(new_token, str::to_string);
    let title = if signup { "Sign up" } else { "Log in" };
    let status = error.as_ref().map_or(StatusCode::OK, |(s, _)| *s);
    let page = AccountPage {
        head: Head::for_viewer(
            title,
            "Annotate the essays: highlight, comment, reply.",
            viewer,
        ),
        signup,
        csrf: csrf.clone(),
        next,
        username,
        error: error.map(|(_, e)| e),
    };
    let mut response = (status, Html(page.render()?)).into_response();
    if existing.is_none() {
        let value = set_cookie(
            CSRF_COOKIE,
            &csrf,
            SESSION_DAYS * 86_400,
            false,
            state.config.secure_cookies(),
        );
        response
            .headers_mut()
            .insert(header::SET_COOKIE, value.parse().expect("a valid cookie"));
    }
    Ok(response)
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    viewer: Viewer,
    Params(q): Params<NextParam>,
) -> Result<Response, AppError> {
    form_page(
        &state,
        &headers,
        &viewer,
        false,
        local_path(q.next.as_deref()),
        String::new(),
        None,
    )
}

async fn signup_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    viewer: Viewer,
    Params(q): Params<NextParam>,
) -> Result<Response, AppError> {
    form_page(
        &state,
        &headers,
        &viewer,
        true,
        local_path(q.next.as_deref()),
        String::new(),
        None,
    )
}

fn form_csrf_ok(headers: &HeaderMap, form: &AccountForm) -> bool {
    cookie(headers, CSRF_COOKIE).is_some_and(|c| accounts::same(c, &form.csrf))
}

async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    viewer: Viewer,
    axum::Form(form): axum::Form<AccountForm>,
) -> Result<Response, AppError> {
    let next = local_path(Some(&form.next));
    if !form_csrf_ok(&headers, &form) {
        let error = (StatusCode::FORBIDDEN, EXPIRED.to_string());
        return form_page(
            &state,
            &headers,
            &viewer,
            false,
            next,
            form.username,
            Some(error),
        );
    }
    let outcome = match throttle_login(&state, &client, &form.username).await {
        Ok(()) => authenticate(&state, &form.username, &form.password).await,
        Err(err) => Err(err),
    };
    match outcome {
        Ok(Some(user)) => start_session(&state, &user, &next).await,
        Ok(None) => {
            let error = (StatusCode::UNAUTHORIZED, WRONG.to_string());
            form_page(
                &state,
                &headers,
                &viewer,
                false,
                next,
                form.username,
                Some(error),
            )
        }
        Err(err @ AppError::TooManyRequests(_)) => {
            let error = (err.status(), err.to_string());
            form_page(
                &state,
                &headers,
                &viewer,
                false,
                next,
                form.username,
                Some(error),
            )
        }
        Err(err) => Err(err),
    }
}

const EXPIRED: &str = "The form expired. Please try again.";
const WRONG: &str = "Wrong username or password.";

/// Password guessing is slowed per client and per account, on every instance alike.
async fn throttle_login(state: &AppState, client: &str, username: &str) -> Result<(), AppError> {
    limit::check(state, &limit::LOGINS_PER_CLIENT, client).await?;
    limit::check(
        state,
        &limit::LOGINS_PER_ACCOUNT,
        &username.trim().to_lowercase(),
    )
    .await
}

async fn signup(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    viewer: Viewer,
    axum::Form(form): axum::Form<AccountForm>,
) -> Result<Response, AppError> {
    let next = local_path(Some(&form.next));
    if !form_csrf_ok(&headers, &form) {
        let error = (StatusCode::FORBIDDEN, EXPIRED.to_string());
        return form_page(
            &state,
            &headers,
            &viewer,
            true,
            next,
            form.username,
            Some(error),
        );
    }
    let outcome = match limit::check(&state, &limit::SIGNUPS, &client).await {
        Ok(()) => register(&state, &form.username, &form.password, Role::Reader).await,
        Err(err) => Err(err),
    };
    match outcome {
        Ok(user) => start_session(&state, &user, &next).await,
        Err(
            err @ (AppError::Unprocessable(_)
            | AppError::Conflict(_)
            | AppError::TooManyRequests(_)),
        ) => {
            let error = (err.status(), err.to_string());
            form_page(
                &state,
                &headers,
                &viewer,
                true,
                next,
                form.username,
                Some(error),
            )
        }
        Err(err) => Err(err),
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<LogoutForm>,
) -> Result<Response, AppError> {
    if let (Some(hash), Some(csrf)) = (&viewer.session_hash, &viewer.csrf) {
        if !accounts::same(csrf, &form.csrf) {
            return Err(AppError::Forbidden(
                "The form expired: reload the page and try again.".into(),
            ));
        }
        state.store.delete_session(hash).await?;
        state.signed_in.forget(hash);
    }
    let secure = state.config.secure_cookies();
    Ok((
        AppendHeaders([
            (
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, "", 0, true, secure),
            ),
            (
                header::SET_COOKIE,
                set_cookie(CSRF_COOKIE, "", 0, false, secure),
            ),
        ]),
        Redirect::to("/"),
    )
        .into_response())
}

async fn authenticate(
    state: &AppState,
    username: &str,
    password: &str,
) -> Result<Option<User>, AppError> {
    let Some(user) = state.store.user(username.trim()).await? else {
        return Ok(None);
    };
    let (password, stored) = (password.to_string(), user.password_hash.clone());
    let valid = off_the_serving_thread(move || verify_password(&password, &stored)).await?;
    Ok(valid.then_some(user))
}

/// Creates an account; the name must be free and well formed, the password long enough.
pub async fn register(
    state: &AppState,
    username: &str,
    password: &str,
    role: Role,
) -> Result<User, AppError> {
    let username = username.trim();
    check_username(username)?;
    check_password(password)?;
    let password = password.to_string();
    let user = User {
        username: username.to_string(),
        role,
        password_hash: off_the_serving_thread(move || hash_password(&password)).await??,
    };
    state.store.create_user(&user).await?;
    Ok(user)
}

async fn start_session(state: &AppState, user: &User, next: &str) -> Result<Response, AppError> {
    let token = new_token();
    let csrf = new_token();
    let expires = OffsetDateTime::now_utc() + Duration::days(SESSION_DAYS);
    state
        .store
        .create_session(
            &accounts::hash_token(&token),
            &user.username,
            &csrf,
            expires,
        )
        .await?;
    let secure = state.config.secure_cookies();
    let age = SESSION_DAYS * 86_400;
    Ok((
        AppendHeaders([
            (
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, &token, age, true, secure),
            ),
            (
                header::SET_COOKIE,
                set_cookie(CSRF_COOKIE, &csrf, age, false, secure),
            ),
        ]),
        Redirect::to(next),
    )
        .into_response())
}

/// Credentials to log in with. Other members are ignored.
#[derive(Deserialize, ToSchema)]
pub struct Credentials {
    #[schema(example = "reader")]
    username: String,
    #[schema(example = "a long password 123")]
    password: String,
}

/// A new account's name and password. Other members are ignored.
#[derive(Deserialize, ToSchema)]
pub struct NewAccount {
    /// 3 to 32 letters, digits, `-`, `_` or `.` (surrounding spaces are trimmed); else 422.
    /// Names are unique (else 409).
    #[schema(pattern = "^[A-Za-z0-9._-]{3,32}$", example = "new-reader")]
    username: String,
    /// 10 to 1,024 characters; else 422.
    #[schema(min_length = 10, max_length = 1024, example = "a long password 123")]
    password: String,
}

/// An account as created.
#[derive(Serialize, ToSchema)]
// Described with `additionalProperties: false`: nothing else is sent.
#[serde(deny_unknown_fields)]
pub struct Account {
    username: String,
    #[schema(inline)]
    role: AccountRole,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum AccountRole {
    Reader,
    Editor,
}

impl From<Role> for AccountRole {
    fn from(role: Role) -> AccountRole {
        match role {
            Role::Reader => AccountRole::Reader,
            Role::Editor => AccountRole::Editor,
        }
    }
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Token {
    /// Send it as `Authorization: Bearer {token}`. It is shown once; the server keeps only its
    /// hash.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    token: String,
}

fn credentials<T: DeserializeOwned>(body: JsonBody) -> Result<T, AppError> {
    serde_json::from_value(body.0).map_err(|e| {
        AppError::BadRequest(format!("Send {{\"username\": …, \"password\": …}}: {e}."))
    })
}

#[utoipa::path(
    post,
    path = "/api/users",
    operation_id = "createUser",
    tag = "accounts",
    summary = "Sign up: create a reader account",
    description = "At most 10 sign-ups an hour from one client address (with `--behind-proxy`, \
        the address the proxy vouches for in `X-Forwarded-For`).",
    security(()),
    request_body(content(
        (
            NewAccount = "application/json",
            example = json!({"username": "new-reader", "password": "a long password 123"})
        ),
        (NewAccount = "application/ld+json"),
    )),
    responses(
        (status = 201, description = "Created.", body = Account),
        (
            status = 400,
            description = "The body is not JSON, or lacks a string `username` or `password`.",
            body = Problem,
            content_type = PROBLEM,
        ),
        (
            status = 409,
            description = "The username is taken.",
            body = Problem,
            content_type = PROBLEM,
        ),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (
            status = 422,
            description = "The username or the password is not acceptable (see the fields).",
            body = Problem,
            content_type = PROBLEM,
        ),
        (
            status = 429,
            description = "Rate limited: more than 10 sign-ups an hour from this client. Counted \
                in fixed windows, shared by every instance.",
            body = Problem,
            content_type = PROBLEM,
        ),
    ),
)]
async fn create_user(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    body: JsonBody,
) -> Result<Response, AppError> {
    let account: NewAccount = credentials(body)?;
    limit::check(&state, &limit::SIGNUPS, &client).await?;
    let user = register(&state, &account.username, &account.password, Role::Reader).await?;
    let account = Account {
        username: user.username,
        role: user.role.into(),
    };
    Ok((StatusCode::CREATED, Json(account)).into_response())
}

#[utoipa::path(
    post,
    path = "/api/tokens",
    operation_id = "createToken",
    tag = "accounts",
    summary = "Log in: get an API token",
    description = "Log-in attempts are limited to 20 per client and 10 per account in ten minutes.",
    security(()),
    request_body(content(
        (
            Credentials = "application/json",
            example = json!({"username": "reader", "password": "a long password 123"})
        ),
        (Credentials = "application/ld+json"),
    )),
    responses(
        (status = 201, description = "A new token.", body = Token),
        (
            status = 400,
            description = "The body is not JSON, or lacks a string `username` or `password`.",
            body = Problem,
            content_type = PROBLEM,
        ),
        (status = 401, response = Unauthorized),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (
            status = 429,
            description = "Rate limited: more than 20 log-ins in ten minutes from this client, or \
                10 to this account. Counted in fixed windows, shared by every instance.",
            body = Problem,
            content_type = PROBLEM,
        ),
    ),
)]
async fn create_token(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    body: JsonBody,
) -> Result<Response, AppError> {
    let c: Credentials = credentials(body)?;
    throttle_login(&state, &client, &c.username).await?;
    let user = authenticate(&state, &c.username, &c.password)
        .await?
        .ok_or_else(|| AppError::Unauthorized(WRONG.into()))?;
    let token = new_token();
    state
        .store
        .create_token(&accounts::hash_token(&token), &user.username)
        .await?;
    Ok((StatusCode::CREATED, Json(Token { token })).into_response())
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(local_path(Some("/articles/x#p-1")), "/articles/x#p-1");
        for hostile in [
            "//evil.example/",
            "/\\evil.example",
            "/\t/evil.example/",
            "/\n/evil",
            "https://evil.example/",
            "evil",
            "/ /x",
        ] {
            assert_eq!(local_path(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}
