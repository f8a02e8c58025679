//! Live updates: what changed on which essay, told to every reader of it on every instance.
//!
//! One instance tells its own readers through a broadcast channel; instances sharing a
//! PostgreSQL database tell each other with NOTIFY, and each LISTENs and forwards to its
//! readers. Readers are told the essay's new revision, so one who missed events (a dropped
//! connection) catches up by asking for the essay's current state.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use sqlx::postgres::{PgListener, PgPoolOptions};
use tokio::sync::{broadcast, watch};

/// The PostgreSQL channel instances talk on.
const CHANNEL: &str = "gloss_live";
const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Created,
    Updated,
    Deleted,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Created => "created",
            Change::Updated => "updated",
            Change::Deleted => "deleted",
        }
    }
}

/// A public annotation changed on an essay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub article: String,
    pub annotation: String,
    pub change: Change,
    /// The essay's revision after the change.
    pub revision: i64,
}

pub struct Live {
    local: broadcast::Sender<Event>,
    postgres: Option<PgPool>,
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
    fn new(postgres: Option<PgPool>) -> Live {
        Live {
            local: broadcast::channel(1024).0,
            postgres,
            beat: watch::channel(Beat::Tick).0,
        }
    }

    /// Readers of this instance only.
    pub fn local() -> Arc<Live> {
        Arc::new(Live::new(None))
    }

    /// Readers of every instance on this PostgreSQL database.
    pub async fn postgres(url: &str) -> Result<Arc<Live>, sqlx::Error> {
        let pool = PgPoolOptions::new().max_connections(2).connect(url).await?;
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(CHANNEL).await?;
        let live = Live::new(Some(pool));
        let forward = live.local.clone();
        tokio::spawn(async move {
            let mut backoff = MIN_BACKOFF;
            loop {
                match listener.recv().await {
                    Ok(note) => {
                        backoff = MIN_BACKOFF;
                        match serde_json::from_str::<Event>(note.payload()) {
                            Ok(event) => {
                                let _ = forward.send(event);
                            }
                            Err(err) => {
                                tracing::warn!(error = %err, "ignoring a malformed live event");
                            }
                        }
                    }
                    // PgListener reconnects on the next recv; while the database is away,
                    // try less and less often rather than in a tight loop.
                    Err(err) => {
                        tracing::warn!(error = %err, retry_in = ?backoff, "live listener lost its connection");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                    }
                }
            }
        });
        Ok(Arc::new(live))
    }

    /// Tells every reader of the essay; failures are logged, since the change itself is stored.
    pub async fn publish(&self, event: Event) {
        match &self.postgres {
            // Our own listener hears the NOTIFY too and forwards it to our readers.
            Some(pool) => {
                let payload = serde_json::to_string(&event).expect("an event serializes");
                if let Err(err) = sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(CHANNEL)
                    .bind(payload)
                    .execute(pool)
                    .await
                {
                    tracing::error!(error = %err, "could not notify other instances");
                }
            }
            None => {
                let _ = self.local.send(event);
            }
        }
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
