//! `/account`: the signed-in reader's page, and its forms, which work without JavaScript
//! (POST, then a redirect) and carry the session's CSRF token as the log-in form does.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa_axum::router::OpenApiRouter;

use super::{change_password, delete_account, sign_out_everywhere};
use crate::accounts;
use crate::error::AppError;
use crate::render::{format_date, note_html};
use crate::store::User;
use crate::web::AppState;
use crate::web::annotations::resolve::passage_url;
use crate::web::plumbing::auth::{CSRF_COOKIE, SESSION_COOKIE, Viewer, set_cookie};
use crate::web::plumbing::body::Params;
use crate::web::plumbing::head::Head;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .route("/account", get(account_page))
        .route("/account/password", post(password_form))
        .route("/account/tokens/{id}/revoke", post(revoke_form))
        .route("/account/sign-out-everywhere", post(sign_out_form))
        .route("/account/delete", post(delete_form))
        .route("/account/signed-out", get(signed_out_page))
        .route("/account/deleted", get(deleted_page))
}

/// How many replies to their notes the page lists.
const REPLIES: usize = 50;

struct TokenItem {
    id: String,
    created: String,
}

struct ReplyItem {
    href: String,
    author: String,
    body: String,
    date: String,
    essay: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "account/page.html")]
struct AccountPage {
    head: Head,
    username: String,
    csrf: String,
    notice: Option<&'static str>,
    password_error: Option<String>,
    delete_error: Option<String>,
    tokens: Vec<TokenItem>,
    replies: Vec<ReplyItem>,
    unread: usize,
}

#[derive(Template)]
#[template(path = "account/notice.html")]
struct NoticePage {
    head: Head,
    heading: &'static str,
    message: &'static str,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// What a form reports on the page it sends the reader back to.
fn notice(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "password" => Some(
            "Your password is changed. Your other sessions have ended and your API tokens \
             are revoked.",
        ),
        "token" => Some("The API token is revoked."),
        _ => None,
    }
}

fn to_login() -> Response {
    Redirect::to("/login?next=/account").into_response()
}

/// What a form's failure shows, and where on the page.
enum FormError {
    Password(String),
    Delete(String),
}

async fn render(
    state: &AppState,
    viewer: &Viewer,
    user: &User,
    notice: Option<&'static str>,
    error: Option<(StatusCode, FormError)>,
) -> Result<Response, AppError> {
    let seen = state
        .store
        .visit_account(&user.username, OffsetDateTime::now_utc())
        .await?;
    let replies: Vec<ReplyItem> = state
        .store
        .replies_to(&user.username, REPLIES)
        .await?
        .iter()
        .map(|r| ReplyItem {
            href: passage_url(state, r),
            author: r.creator.clone(),
            body: note_html(r.body.as_deref().unwrap_or_default()),
            date: format_date(r.created.date()),
            essay: state
                .library()
                .article(&r.article)
                .map_or_else(|| r.article.clone(), |a| a.meta.title.clone()),
            unread: seen.is_none_or(|seen| r.created > seen),
        })
        .collect();
    let tokens = state
        .store
        .tokens(&user.username)
        .await?
        .into_iter()
        .map(|t| TokenItem {
            id: t.id,
            created: format_date(t.created.date()),
        })
        .collect();
    let (status, password_error, delete_error) = match error {
        None => (StatusCode::OK, None, None),
        Some((status, FormError::Password(e))) => (status, Some(e), None),
        Some((status, FormError::Delete(e))) => (status, None, Some(e)),
    };
    let page = AccountPage {
        head: Head::for_viewer(
            "Your account",
            "Your password, API tokens, notes and the replies to them.",
            viewer,
        ),
        username: user.username.clone(),
        csrf: viewer.csrf.clone().unwrap_or_default(),
        notice,
        password_error,
        delete_error,
        tokens,
        unread: replies.iter().filter(|r| r.unread).count(),
        replies,
    };
    Ok((status, Html(page.render()?)).into_response())
}

async fn account_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(done): Params<Done>,
) -> Result<Response, AppError> {
    let Some(user) = &viewer.user else {
        return Ok(to_login());
    };
    render(&state, &viewer, user, notice(done.done.as_deref()), None).await
}

/// The form came from the reader's own page: its CSRF token is the session's.
fn form_from_page<'a>(viewer: &'a Viewer, csrf: &str) -> Result<Option<&'a User>, AppError> {
    let Some(user) = &viewer.user else {
        return Ok(None);
    };
    if !viewer
        .csrf
        .as_deref()
        .is_some_and(|c| accounts::same(c, csrf))
    {
        return Err(AppError::Forbidden(
            "The form expired: reload the page and try again.".into(),
        ));
    }
    Ok(Some(user))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    current: String,
    new: String,
}

async fn password_form(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<PasswordForm>,
) -> Result<Response, AppError> {
    let Some(user) = form_from_page(&viewer, &form.csrf)? else {
        return Ok(to_login());
    };
    match change_password(&state, &viewer, user, &form.current, &form.new).await {
        Ok(()) => Ok(Redirect::to("/account?done=password").into_response()),
        Err(
            err @ (AppError::Forbidden(_)
            | AppError::Unprocessable(_)
            | AppError::TooManyRequests(_)),
        ) => {
            let error = (err.status(), FormError::Password(err.to_string()));
            render(&state, &viewer, user, None, Some(error)).await
        }
        Err(err) => Err(err),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn revoke_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CsrfForm>,
) -> Result<Response, AppError> {
    let Some(user) = form_from_page(&viewer, &form.csrf)? else {
        return Ok(to_login());
    };
    let hash = state
        .store
        .revoke_token(&user.username, &id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("You have no API token {id}.")))?;
    state.signed_in.forget(&hash);
    Ok(Redirect::to("/account?done=token").into_response())
}

/// Sends the browser to `to` without its session and CSRF cookies.
fn signed_out_to(state: &AppState, to: &str) -> Response {
    let secure = state.config.secure_cookies();
    (
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
        Redirect::to(to),
    )
        .into_response()
}

async fn sign_out_form(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<CsrfForm>,
) -> Result<Response, AppError> {
    let Some(user) = form_from_page(&viewer, &form.csrf)? else {
        return Ok(to_login());
    };
    sign_out_everywhere(&state, user).await?;
    Ok(signed_out_to(&state, "/account/signed-out"))
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
    password: String,
    /// The box the reader ticks to say they mean it.
    confirm: Option<String>,
}

async fn delete_form(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<DeleteForm>,
) -> Result<Response, AppError> {
    let Some(user) = form_from_page(&viewer, &form.csrf)? else {
        return Ok(to_login());
    };
    let outcome = if form.confirm.is_none() {
        Err(AppError::Unprocessable(
            "Tick the box to confirm that your account and notes should go.".into(),
        ))
    } else {
        delete_account(&state, user, &form.password).await
    };
    match outcome {
        Ok(()) => Ok(signed_out_to(&state, "/account/deleted")),
        Err(
            err @ (AppError::Forbidden(_)
            | AppError::Unprocessable(_)
            | AppError::TooManyRequests(_)),
        ) => {
            let error = (err.status(), FormError::Delete(err.to_string()));
            render(&state, &viewer, user, None, Some(error)).await
        }
        Err(err) => Err(err),
    }
}

fn notice_page(
    viewer: &Viewer,
    heading: &'static str,
    message: &'static str,
) -> Result<Response, AppError> {
    let page = NoticePage {
        head: Head::for_viewer(heading, message, viewer),
        heading,
        message,
    };
    Ok(Html(page.render()?).into_response())
}

async fn signed_out_page(viewer: Viewer) -> Result<Response, AppError> {
    notice_page(
        &viewer,
        "Signed out everywhere",
        "Every session of your account has ended, on this browser and on every other. \
         Your API tokens still work.",
    )
}

async fn deleted_page(viewer: Viewer) -> Result<Response, AppError> {
    notice_page(
        &viewer,
        "Account deleted",
        "Your account, its sessions, its API tokens and its notes are gone. Replies others \
         wrote to your notes stay, under “This note was deleted”.",
    )
}
