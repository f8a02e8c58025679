//! `GET /`: the list of essays.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use crate::error::AppError;
use crate::library::Article;
use crate::render::format_date;
use crate::web::AppState;
use crate::web::plumbing::auth::Viewer;
use crate::web::plumbing::head::Head;

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage<'a> {
    head: Head,
    articles: Vec<ArticleCard<'a>>,
}

struct ArticleCard<'a> {
    article: &'a Article,
    date: String,
}

pub(super) async fn index(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Html<String>, AppError> {
    let library = state.library();
    let page = IndexPage {
        head: Head::for_viewer(
            "Gloss",
            "Essays with notes on the people and events they name.",
            &viewer,
        ),
        articles: library
            .articles()
            .iter()
            .map(|a| ArticleCard {
                article: a,
                date: format_date(a.meta.date),
            })
            .collect(),
    };
    Ok(Html(page.render()?))
}
