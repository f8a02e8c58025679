//! Live updates: what changed on which essay, told to every reader of it on every instance.
//!
//! One instance tells its own readers through a broadcast channel; instances sharing a
//! database tell each other through the store's feed, and each forwards what it hears to its
//! readers. Readers are told the essay's new revision, so one who missed events (a dropped
//! connection) catches up by asking for the essay's current state.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch};

use crate::store::{Feed, StoreError};

mod relay;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Created,
    Updated,
    Deleted,
    /// The essay's text was edited and reloaded: its readers fetch it anew. Told by each
    /// instance to its own readers when it reloads, never through the feed.
    Essay,
    /// Changes were missed (the instances lost touch for a while): everything up to the
    /// revision is to be fetched anew.
    Resync,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Created => "created",
            Change::Updated => "updated",
            Change::Deleted => "deleted",
            Change::Essay => "essay",
            Change::Resync => "resync",
        }
    }
}

/// A public annotation, or a group's, changed on an essay; or the essay itself (`annotation`
/// is then empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub article: String,
    pub annotation: String,
    pub change: Change,
    /// The essay's revision after the change.
    pub revision: i64,
    /// The group whose members alone are told; everyone is when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

pub struct Live {
    local: broadcast::Sender<Event>,
    shared: Option<Feed>,
    beat: watch::Sender<Beat>,
}

/// What every reader's stream is told at once: time for a keep-alive comment, or that the
/// server is shutting down. One ticking clock for all streams rather than a timer each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beat {
    /// Each tick is sent as a change, though the value stays the same.
    Tick,
    Closing,
}

impl Live {
    fn new(shared: Option<Feed>) -> Live {
        Live {
            local: broadcast::channel(1024).0,
            shared,
            beat: watch::channel(Beat::Tick).0,
        }
    }

    /// Readers of this instance only.
    pub fn local() -> Arc<Live> {
        Arc::new(Live::new(None))
    }

    /// Readers of every instance that hears `feed`.
    pub async fn shared(feed: Feed) -> Result<Arc<Live>, StoreError> {
        let relay = relay::Relay::start(feed.clone()).await?;
        let live = Live::new(Some(feed));
        tokio::spawn(relay.run(live.local.clone()));
        Ok(Arc::new(live))
    }

    /// Tells every reader of the essay; failures are logged, since the change itself is stored.
    pub async fn publish(&self, event: Event) {
        metrics::counter!("gloss_live_events_published_total").increment(1);
        match &self.shared {
            // This instance hears itself too and forwards the event to its readers.
            Some(feed) => {
                let payload = serde_json::to_string(&event).expect("an event serializes");
                // Told or not, readers learn of it: a database that cannot be told anything
                // has cut every instance's listener too, and each catches up when it hears again.
                if let Err(err) = feed.tell(&payload).await {
                    tracing::error!(error = %err, "could not notify other instances");
                }
            }
            None => {
                let _ = self.local.send(event);
            }
        }
    }

    /// Tells this instance's readers of `article` that its text changed: other instances
    /// reload from their own files and tell theirs.
    pub fn essay_edited(&self, article: &str, revision: i64) {
        let _ = self.local.send(Event {
            article: article.to_string(),
            annotation: String::new(),
            change: Change::Essay,
            revision,
            group: None,
        });
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.local.subscribe()
    }

    /// Ticks every so often, and turns to [`Beat::Closing`] when the server shuts down, so
    /// that live streams keep their connections alive and end politely.
    pub fn beat(&self) -> watch::Receiver<Beat> {
        self.beat.subscribe()
    }

    /// Ticks every `every` until closing; needs a runtime.
    pub fn keep_alive(self: &Arc<Live>, every: Duration) {
        let live = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            loop {
                ticks.tick().await;
                let Some(live) = live.upgrade() else { return };
                // Once closing, that stays the news.
                if !live.beat.send_if_modified(|beat| *beat == Beat::Tick) {
                    return;
                }
            }
        });
    }

    pub fn close(&self) {
        self.beat.send_replace(Beat::Closing);
    }
}
