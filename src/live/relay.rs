//! Passes on what the instances on one PostgreSQL database tell each other, and makes up for
//! what is missed while the database is away: once heard again, each essay whose revision moved
//! meanwhile gets one `resync` to that revision, and what is told about it up to there is not
//! passed on a second time.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::broadcast;

use super::{Change, Event};
use crate::store::{Feed, Hearing, StoreError};

const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(2);

pub(super) struct Relay {
    feed: Feed,
    hearing: Hearing,
    /// The newest revision passed on, by essay.
    heard: HashMap<String, i64>,
    /// The revision a `resync` brought each essay's readers to: events up to it are in it.
    caught_up: HashMap<String, i64>,
}

impl Relay {
    /// Hears from now on; what was written before is what readers' pages were drawn from.
    pub(super) async fn start(feed: Feed) -> Result<Relay, StoreError> {
        let hearing = feed.hear().await?;
        let heard = feed.revisions().await?;
        Ok(Relay {
            feed,
            hearing,
            heard,
            caught_up: HashMap::new(),
        })
    }

    pub(super) async fn run(mut self, readers: broadcast::Sender<Event>) {
        loop {
            match self.hearing.next().await {
                Some(told) => match serde_json::from_str::<Event>(&told) {
                    Ok(event) => self.pass_on(event, &readers),
                    Err(err) => tracing::warn!(error = %err, "ignoring a malformed live event"),
                },
                None => {
                    tracing::warn!("live listener lost its connection: hearing again");
                    self.hear_again(&readers).await;
                }
            }
        }
    }

    fn pass_on(&mut self, event: Event, readers: &broadcast::Sender<Event>) {
        if self
            .caught_up
            .get(&event.article)
            .is_some_and(|&caught_up| event.revision <= caught_up)
        {
            return;
        }
        let heard = self.heard.entry(event.article.clone()).or_default();
        *heard = (*heard).max(event.revision);
        let _ = readers.send(event);
    }

    /// Listens again, trying less and less often while the database is away, then tells the
    /// readers of every essay that changed meanwhile to catch up.
    async fn hear_again(&mut self, readers: &broadcast::Sender<Event>) {
        let mut backoff = MIN_BACKOFF;
        let now = loop {
            match self.listen_and_read_revisions().await {
                Ok(now) => break now,
                Err(err) => {
                    tracing::warn!(error = %err, retry_in = ?backoff, "live listener cannot reach the database");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        };
        let mut missed = 0;
        for (article, revision) in now {
            if self
                .heard
                .get(&article)
                .is_some_and(|&heard| heard >= revision)
            {
                continue;
            }
            missed += 1;
            self.heard.insert(article.clone(), revision);
            self.caught_up.insert(article.clone(), revision);
            let _ = readers.send(Event {
                article,
                annotation: String::new(),
                change: Change::Resync,
                revision,
                group: None,
            });
        }
        tracing::info!(
            essays_changed_meanwhile = missed,
            "live listener hears again"
        );
    }

    /// Listening first, so that nothing written after the revisions are read goes unheard.
    async fn listen_and_read_revisions(&mut self) -> Result<HashMap<String, i64>, StoreError> {
        self.hearing = self.feed.hear().await?;
        self.feed.revisions().await
    }
}
