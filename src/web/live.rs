//! `GET /articles/{slug}/live`: server-sent events for each public annotation created,
//! changed or deleted on the essay, on any instance, and for each of the reader's groups';
//! and for the essay's text, when this instance reloads it edited.
//!
//! Ten thousand readers may hold a stream each, so a stream is kept small: the bytes of an
//! event are made once and shared by every reader of it, and one clock ticks for all streams
//! rather than a timer each.

use std::cell::RefCell;
use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::{BroadcastStream, WatchStream};
use tokio_stream::{Stream, StreamExt};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::openapi::params::{LastEventId, Slug};
use super::openapi::problems::{BadQuery, InvalidToken, PROBLEM, Problem};
use super::plumbing::auth::Viewer;
use super::plumbing::body::Params;
use crate::error::AppError;
use crate::live::{Beat, Change, Event};
use crate::prometheus;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(live))
}

/// How long a reader waits before reconnecting after the stream drops, in ms.
const RETRY_MS: u32 = 2000;
const KEEP_ALIVE: &[u8] = b":\n\n";
/// Too slow to keep up: catch up from the current state instead.
const LAGGED: &[u8] = b"event: resync\ndata: {}\n\n";
const BYE: &[u8] = b"event: bye\ndata: server restarting\n\n";

/// An event as every reader of it is sent it, with the revision as its id.
fn message(event: &Event) -> Bytes {
    let data = match event.change {
        Change::Essay | Change::Resync => serde_json::json!({"revision": event.revision}),
        _ => serde_json::json!({"id": event.annotation, "revision": event.revision}),
    };
    let (id, change) = (event.revision, event.change.as_str());
    Bytes::from(format!("id: {id}\nevent: {change}\ndata: {data}\n\n"))
}

/// The message for `event`, made once per serving thread: readers of a thread are woken one
/// after another with the same event.
fn shared_message(event: &Event) -> Bytes {
    thread_local!(static LAST: RefCell<Option<(Event, Bytes)>> = const { RefCell::new(None) });
    LAST.with_borrow_mut(|last| match last {
        Some((made_for, bytes)) if made_for == event => bytes.clone(),
        _ => {
            let bytes = message(event);
            *last = Some((event.clone(), bytes.clone()));
            bytes
        }
    })
}

/// `?since=REVISION`: the revision the reader's page shows, for the first connection (a
/// reconnection sends `Last-Event-ID` instead).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LiveParams {
    /// The essay's revision the reader's page shows, on the first connection: if the essay has
    /// changed since, the stream opens with `resync`.
    #[param(nullable = false)]
    since: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/articles/{slug}/live",
    operation_id = "articleLive",
    tag = "reading",
    summary = "Server-sent events: annotations created, changed or deleted on the essay, and edits of its text",
    description = "An endless `text/event-stream`. It opens with a `retry` and a `connected` \
        comment whose `id` is the essay's current revision, or, when `since` or `Last-Event-ID` \
        is older than that revision, a `resync` event. Then one event per change of a public \
        annotation on the essay (and of a note in one of the reader's groups, to its members), \
        on any instance: `event` is `created`, `updated` or `deleted`, \
        `id` the essay's revision and `data` `{\"id\": annotation id, \"revision\": n}`. When \
        the instance reloads the library and the essay's text changed, `event: essay` with \
        `data` `{\"revision\": n}`: fetch the essay's blocks anew. A reader too slow to keep \
        up gets `resync`, and so does every reader of an essay that changed while the instance \
        had lost touch with the database (`data` `{\"revision\": n}`); a server shutting down \
        sends `bye`. Keep-alive comments every 15 s.",
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    params(Slug, LiveParams, LastEventId),
    responses(
        (
            status = 200,
            description = "The stream.",
            body = String,
            content_type = "text/event-stream",
        ),
        (status = 400, response = BadQuery),
        (status = 401, response = InvalidToken),
        (
            status = 404,
            description = "There is no essay with this slug.",
            body = Problem,
            content_type = PROBLEM,
        ),
    ),
)]
async fn live(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Params(params): Params<LiveParams>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if state.library().article(&slug).is_none() {
        return Err(AppError::NotFound(format!(
            "There is no essay called “{slug}”."
        )));
    }
    let events = state.live.subscribe();
    let beat = state.live.beat();
    // While the database is away the stream still opens, from the revision last learnt.
    let revision = state
        .catalog()
        .revisions
        .ask(state.store.as_ref(), &slug)
        .await?;
    let seen: Option<i64> = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .or(params.since);
    // Every message carries the revision as its id, so a reader who reconnects (to any
    // instance) says how far it got; one who is behind is told to catch up at once.
    let first = match seen {
        Some(seen) if seen < revision => format!(
            "id: {revision}\nevent: resync\ndata: {{\"revision\":{revision}}}\nretry: {RETRY_MS}\n\n"
        ),
        _ => format!("id: {revision}\nretry: {RETRY_MS}\n: connected\n\n"),
    };
    // Counted for as long as the stream lasts: it is dropped with the response's body,
    // whether the stream ends, the reader goes or the response is never sent.
    let reader = LiveReader::connected();
    let stream = tokio_stream::once(Bytes::from(first))
        .chain(updates(slug, viewer.groups.ids, events, beat))
        .chain(tokio_stream::once(Bytes::from_static(BYE)))
        .map(move |bytes| {
            let _counted = &reader;
            Ok::<_, Infallible>(bytes)
        });
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/event-stream"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// A live reader, counted in `gloss_live_readers` until dropped.
struct LiveReader;

impl LiveReader {
    fn connected() -> LiveReader {
        metrics::gauge!("gloss_live_readers").increment(1.0);
        LiveReader
    }
}

impl Drop for LiveReader {
    fn drop(&mut self) {
        metrics::gauge!("gloss_live_readers").decrement(1.0);
    }
}

/// The essay's events that a member of `groups` may hear and keep-alive comments, until the
/// server closes. The groups are those the reader belonged to when the stream opened.
fn updates(
    article: String,
    groups: Vec<String>,
    events: tokio::sync::broadcast::Receiver<Event>,
    mut beat: tokio::sync::watch::Receiver<Beat>,
) -> impl Stream<Item = Bytes> {
    let events = BroadcastStream::new(events).filter_map(move |message| match message {
        Ok(event)
            if event.article == article
                && event.group.as_ref().is_none_or(|g| groups.contains(g)) =>
        {
            prometheus::count!("gloss_live_events_delivered_total");
            Some(Some(shared_message(&event)))
        }
        Ok(_) => None,
        Err(BroadcastStreamRecvError::Lagged(_)) => Some(Some(Bytes::from_static(LAGGED))),
    });
    // `None` marks the server shutting down, even before this stream began: the stream ends
    // and says goodbye.
    let closed = (*beat.borrow_and_update() == Beat::Closing).then_some(None);
    let beats =
        tokio_stream::iter(closed).chain(WatchStream::from_changes(beat).map(|beat| match beat {
            Beat::Tick => Some(Bytes::from_static(KEEP_ALIVE)),
            Beat::Closing => None,
        }));
    events.merge(beats).map_while(|message| message)
}
