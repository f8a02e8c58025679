//! From what a client sent to where an annotation points: the essay and the anchored passage,
//! the essay as a whole, or the annotation it replies to.

use std::sync::Arc;

use crate::anchor;
use crate::annotation::jsonld::{DraftTarget, MAX_QUOTE_CHARS};
use crate::annotation::{Annotation, Target, TextTarget};
use crate::error::AppError;
use crate::library::Article;
use crate::web::AppState;
use crate::web::plumbing::auth::Viewer;

/// The essay's slug and the target to store: selectors recomputed from where the quote anchors.
pub async fn target(
    state: &AppState,
    viewer: &Viewer,
    draft: &DraftTarget,
) -> Result<(String, Target), AppError> {
    match draft {
        DraftTarget::Reply(parent) => {
            let parent = super::access::visible(state, viewer, parent)
                .await
                .map_err(|_| {
                    AppError::Unprocessable(format!("There is no annotation {parent} to reply to."))
                })?;
            Ok((parent.article.clone(), Target::Reply(parent.id)))
        }
        DraftTarget::Page { path } => Ok((essay(state, path)?.slug.clone(), Target::Page)),
        DraftTarget::Text {
            path,
            quote,
            position,
        } => {
            let article = essay(state, path)?;
            let text = &article.document.text;
            let range = match (quote, position) {
                (Some(quote), position) => {
                    let target = TextTarget {
                        quote: quote.clone(),
                        position: position.unwrap_or_default(),
                    };
                    anchor::anchor(text, &target)
                        .filter(|found| text.slice(found.range.clone()) == quote.exact)
                        .map(|found| found.range)
                        .ok_or_else(|| {
                            AppError::Unprocessable(format!(
                                "The quote “{}” is not in the essay.",
                                shorten(&quote.exact)
                            ))
                        })?
                }
                (None, Some(p)) if p.end <= text.len() => p.start..p.end,
                (None, _) => {
                    return Err(AppError::Unprocessable(
                        "The TextPositionSelector lies beyond the end of the essay.".into(),
                    ));
                }
            };
            let quoted = text.slice(range.clone());
            if quoted.trim().is_empty() {
                return Err(AppError::Unprocessable(
                    "The passage is only white space: select some words.".into(),
                ));
            }
            if range.len() > MAX_QUOTE_CHARS {
                return Err(AppError::Unprocessable(format!(
                    "The passage is longer than {MAX_QUOTE_CHARS} characters."
                )));
            }
            Ok((
                article.slug.clone(),
                Target::Text(anchor::describe(text, range)),
            ))
        }
    }
}

/// The essay at `path`, `/articles/{slug}`.
fn essay(state: &AppState, path: &str) -> Result<Arc<Article>, AppError> {
    let slug = path
        .strip_prefix("/articles/")
        .filter(|s| !s.is_empty() && !s.contains('/'))
        .ok_or_else(|| {
            AppError::Unprocessable(format!(
                "The target {path:?} is not an essay: use /articles/{{slug}}."
            ))
        })?;
    state
        .library()
        .article(slug)
        .cloned()
        .ok_or_else(|| AppError::Unprocessable(format!("There is no essay at /articles/{slug}.")))
}

/// A passage cut to the length of a title.
pub fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(80).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

/// Where a browser should land for an annotation: its note open, or its highlight's block.
pub fn passage_url(state: &AppState, a: &Annotation) -> String {
    let page = format!("/articles/{}?annotation={}", a.article, a.id);
    let fragment = match &a.target {
        Target::Text(t) if a.body.is_none() => state
            .library()
            .article(&a.article)
            .and_then(|article| {
                let found = anchor::anchor(&article.document.text, t)?;
                article
                    .document
                    .block_at(found.range.start)
                    .map(|b| b.id.clone())
            })
            .unwrap_or_default(),
        _ => format!("note-{}", a.id),
    };
    if fragment.is_empty() {
        page
    } else {
        format!("{page}#{fragment}")
    }
}
