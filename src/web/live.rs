//! `GET /articles/{slug}/live`: server-sent events for each public annotation created,
//! changed or deleted on the essay, on any instance.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use serde::Deserialize;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::{BroadcastStream, WatchStream};
use tokio_stream::{Stream, StreamExt};

use super::body::Params;
use crate::app::AppState;
use crate::error::AppError;
use crate::live::Event;

/// How long a reader waits before reconnecting after the stream drops.
const RETRY: Duration = Duration::from_secs(2);

fn sse(event: &Event) -> SseEvent {
    SseEvent::default()
        .id(event.revision.to_string())
        .event(event.change.as_str())
        .json_data(serde_json::json!({"id": event.annotation, "revision": event.revision}))
        .expect("an event serializes")
}

/// Tells a reader who missed events to fetch the essay's current state.
fn resync(revision: i64) -> SseEvent {
    SseEvent::default()
        .id(revision.to_string())
        .event("resync")
        .data(format!("{{\"revision\":{revision}}}"))
}

/// `?since=REVISION`: the revision the reader's page shows, for the first connection (a
/// reconnection sends `Last-Event-ID` instead).
#[derive(Debug, Deserialize)]
pub struct LiveParams {
    since: Option<i64>,
}

pub async fn live(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Params(params): Params<LiveParams>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, AppError> {
    if state.library.article(&slug).is_none() {
        return Err(AppError::NotFound(format!(
            "There is no essay called “{slug}”."
        )));
    }
    let events = state.live.subscribe();
    let revision = state.store.revision(&slug).await?;
    let seen: Option<i64> = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .or(params.since);
    // Every message carries the revision as its id, so a reader who reconnects (to any
    // instance) says how far it got.
    let first = match seen {
        Some(seen) if seen < revision => resync(revision).retry(RETRY),
        _ => SseEvent::default()
            .id(revision.to_string())
            .retry(RETRY)
            .comment("connected"),
    };
    let article = slug.clone();
    let updates = BroadcastStream::new(events).filter_map(move |message| match message {
        Ok(event) if event.article == article => Some(Some(sse(&event))),
        Ok(_) => None,
        // Too slow to keep up: catch up from the current state instead.
        Err(BroadcastStreamRecvError::Lagged(_)) => {
            Some(Some(SseEvent::default().event("resync").data("{}")))
        }
    });
    // `None` marks the server shutting down: the stream ends and says goodbye.
    let closing = WatchStream::new(state.live.closing()).filter_map(|c| c.then_some(None));
    let stream = tokio_stream::once(first)
        .chain(
            updates
                .merge(closing)
                .take_while(Option::is_some)
                .map(Option::unwrap_or_default),
        )
        .chain(tokio_stream::once(
            SseEvent::default().event("bye").data("server restarting"),
        ))
        .map(Ok);
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
