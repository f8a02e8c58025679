//! Every note of a reader, private ones and replies too, as one W3C `AnnotationCollection`:
//! the container's shape, with all of them on its one page, which is also served alone.

use serde_json::{Value, json};

use crate::annotation::jsonld::{self, CONTEXT};
use crate::error::AppError;
use crate::store::{Query, User};
use crate::web::AppState;
use crate::web::annotations::urls;

/// The collection, or with `page` (which can only be 0) its page alone.
pub(super) async fn collection(
    state: &AppState,
    user: &User,
    page: Option<usize>,
) -> Result<Value, AppError> {
    if page.is_some_and(|p| p > 0) {
        return Err(AppError::NotFound(
            "Every note is on the first page, 0.".into(),
        ));
    }
    let mine = Query {
        creator: Some(user.username.clone()),
        ..Query::default()
    };
    let viewer = Some(user.username.as_str());
    let total = state.store.query(&mine, viewer).await?.total;
    let all = Query {
        limit: total,
        ..mine
    };
    let notes = state.store.query(&all, viewer).await?;
    let urls = urls(state);
    let id = format!("{}/api/account/annotations", urls.base);
    let page_id = format!("{id}?page=0");
    let items: Vec<Value> = notes
        .items
        .iter()
        .map(|a| jsonld::to_jsonld(a, &urls))
        .collect();
    let (total, label) = (items.len(), format!("Annotations by {}", user.username));
    let mut first = json!({
        "id": page_id,
        "type": "AnnotationPage",
        "startIndex": 0,
        "items": items,
    });
    if page.is_some() {
        first["@context"] = json!(CONTEXT);
        first["partOf"] = json!({"id": id, "total": total, "label": label});
        return Ok(first);
    }
    first["partOf"] = json!(id);
    Ok(json!({
        "@context": [CONTEXT, "http://www.w3.org/ns/ldp.jsonld"],
        "id": id,
        "type": ["BasicContainer", "AnnotationCollection"],
        "label": label,
        "total": total,
        "first": first,
        "last": page_id,
    }))
}
