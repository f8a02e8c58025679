//! Notes as Atom entries: each note's IRI, a title from its passage (or who replied), its
//! place on the reading page, and its body as the page draws it, the passage quoted above.

use std::collections::HashMap;

use askama::Template;

use super::atom::{Entry, Person, date_time};
use crate::annotation::jsonld::Urls;
use crate::annotation::{Annotation, Target};
use crate::error::AppError;
use crate::render::note_html;
use crate::web::AppState;
use crate::web::annotations::resolve::{passage_url, shorten};

#[derive(Template)]
#[template(path = "feeds/entry.html")]
struct Content<'a> {
    /// For a reply, the note it answers.
    replying_to: Option<Replied<'a>>,
    /// The passage the note (or the note replied to) is on; empty for none.
    quote: &'a str,
    body: String,
}

struct Replied<'a> {
    author: &'a str,
    link: String,
}

/// The entries for `notes`, in their order. A reply whose note is not public is left out,
/// since its context would be a note the feed's readers may not see.
pub async fn entries(state: &AppState, notes: &[Annotation]) -> Result<Vec<Entry>, AppError> {
    let parents = replied_to(state, notes).await?;
    let urls = Urls {
        base: state.config.public_url.clone(),
    };
    let mut entries = Vec::with_capacity(notes.len());
    for note in notes {
        let parent = match &note.target {
            Target::Reply(id) => match parents.get(id) {
                Some(parent) => Some(parent),
                None => continue,
            },
            Target::Text(_) | Target::Page => None,
        };
        entries.push(entry(state, &urls, note, parent)?);
    }
    Ok(entries)
}

/// The public notes that `notes` reply to, by id, each fetched once.
async fn replied_to(
    state: &AppState,
    notes: &[Annotation],
) -> Result<HashMap<String, Annotation>, AppError> {
    let mut parents = HashMap::new();
    for note in notes {
        let Target::Reply(id) = &note.target else {
            continue;
        };
        if parents.contains_key(id) {
            continue;
        }
        if let Some(parent) = state.store.annotation(id).await?
            && parent.is_public()
        {
            parents.insert(id.clone(), parent);
        }
    }
    Ok(parents)
}

fn entry(
    state: &AppState,
    urls: &Urls,
    note: &Annotation,
    parent: Option<&Annotation>,
) -> Result<Entry, AppError> {
    let on_page = |a: &Annotation| format!("{}{}", urls.base, passage_url(state, a));
    let quote = parent.unwrap_or(note).target.quote();
    let content = Content {
        replying_to: parent.map(|p| Replied {
            author: &p.creator,
            link: on_page(p),
        }),
        quote,
        body: note_html(note.body.as_deref().unwrap_or_default()),
    };
    let title = match (parent, &note.target) {
        (Some(_), _) => format!("Reply by {}", note.creator),
        (None, Target::Page) => format!("A note on the whole essay by {}", note.creator),
        (None, _) => shorten(quote),
    };
    Ok(Entry {
        id: urls.annotation(&note.id),
        title,
        published: date_time(note.created),
        updated: date_time(note.modified),
        author: Person {
            name: note.creator.clone(),
            uri: urls.user(&note.creator),
        },
        link: on_page(note),
        categories: note.tags.clone(),
        content: content.render()?,
    })
}
