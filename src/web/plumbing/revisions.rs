//! Each essay's store revision as last learnt, shared by every serving thread, so a cached
//! view needs no query.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::store::{Store, StoreError};

/// How long a learnt revision is trusted without asking the database. Writes through this
/// instance update it at once; writes through another instance show within this time.
const TRUSTED_FOR: Duration = Duration::from_secs(1);

/// How long a request waits for the database to say a revision, when one was learnt before.
/// The pool waits up to 5 s for a database that is away to come back, too long for a reader
/// who can be served the page as last learnt.
const ASK_WITHIN: Duration = Duration::from_millis(250);

pub struct Revisions {
    started: Instant,
    /// One entry per essay, made at start: lookups take no lock, and reading an entry
    /// writes nothing, so threads reading it never contend.
    essays: HashMap<String, Learnt>,
}

#[derive(Default)]
struct Learnt {
    revision: AtomicI64,
    /// When it was learnt, as `Revisions::now`; 0 while never learnt.
    at: AtomicU64,
    /// Whether a request is asking the database for it now.
    asking: AtomicBool,
}

/// What a request should do for an essay's revision.
pub enum Lookup<'a> {
    /// Serve this one.
    Trusted(i64),
    /// Ask the database, and say what it answered.
    Ask(Asking<'a>),
}

/// A request's turn to ask the database. While it asks, other requests are served the last
/// revision learnt rather than all asking at once.
pub struct Asking<'a> {
    revisions: &'a Revisions,
    slug: &'a str,
}

impl Asking<'_> {
    /// Records the answer: [`Revisions::ask`]'s, which is the revision last learnt when the
    /// database did not answer, trusted again for a while so that requests meanwhile are
    /// served rather than each asking a database that is away.
    pub fn answered(self, revision: i64) {
        self.revisions.saw(self.slug, revision);
    }
}

impl Drop for Asking<'_> {
    /// Answered or failed, the turn ends: the next request to find the revision stale asks.
    fn drop(&mut self) {
        if let Some(learnt) = self.revisions.essays.get(self.slug) {
            learnt.asking.store(false, Ordering::Release);
        }
    }
}

impl Revisions {
    pub fn new<'a>(slugs: impl IntoIterator<Item = &'a str>) -> Revisions {
        Revisions {
            started: Instant::now(),
            essays: slugs
                .into_iter()
                .map(|slug| (slug.to_string(), Learnt::default()))
                .collect(),
        }
    }

    /// The revision to serve: the one learnt, while it is recent or while another request is
    /// asking for a newer one; otherwise a turn to ask.
    pub fn lookup<'a>(&'a self, slug: &'a str) -> Lookup<'a> {
        // Made only when returned: dropping an unused turn would end another request's.
        let ask = || {
            Lookup::Ask(Asking {
                revisions: self,
                slug,
            })
        };
        let Some(learnt) = self.essays.get(slug) else {
            return ask();
        };
        let at = learnt.at.load(Ordering::Acquire);
        if at == 0 {
            return ask();
        }
        let fresh = self.now().saturating_sub(at) < TRUSTED_FOR.as_millis() as u64;
        if fresh || learnt.asking.swap(true, Ordering::AcqRel) {
            Lookup::Trusted(learnt.revision.load(Ordering::Acquire))
        } else {
            ask()
        }
    }

    /// Records the essay's revision as just read or just written. Revisions only grow, so a
    /// read that raced a write cannot take the essay back.
    pub fn saw(&self, slug: &str, revision: i64) {
        if let Some(learnt) = self.essays.get(slug) {
            learnt.revision.fetch_max(revision, Ordering::AcqRel);
            learnt.at.store(self.now(), Ordering::Release);
        }
    }

    /// The essay's revision as `store` says it; while the database is away or slow to answer,
    /// the revision last learnt, if one was.
    pub async fn ask(&self, store: &dyn Store, slug: &str) -> Result<i64, StoreError> {
        let last = self.last_learnt(slug);
        let answer = match last {
            Some(last) => match tokio::time::timeout(ASK_WITHIN, store.revision(slug)).await {
                Ok(answer) => answer,
                Err(_) => return Ok(last),
            },
            None => store.revision(slug).await,
        };
        match (answer, last) {
            (Err(err), Some(last)) if err.is_unavailable() => Ok(last),
            (answer, _) => answer,
        }
    }

    /// The revision last learnt, however long ago; `None` when never learnt.
    fn last_learnt(&self, slug: &str) -> Option<i64> {
        let learnt = self.essays.get(slug)?;
        (learnt.at.load(Ordering::Acquire) != 0).then(|| learnt.revision.load(Ordering::Acquire))
    }

    /// Milliseconds since start, counted from 1 so that 0 can mean never.
    fn now(&self) -> u64 {
        self.started.elapsed().as_millis() as u64 + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted(revisions: &Revisions, slug: &str) -> Option<i64> {
        match revisions.lookup(slug) {
            Lookup::Trusted(revision) => Some(revision),
            Lookup::Ask(_) => None,
        }
    }

    /// Revisions learnt two seconds ago, as if the essay had been read then.
    fn learnt_long_ago(revision: i64) -> Revisions {
        let revisions = Revisions {
            started: Instant::now() - TRUSTED_FOR * 2,
            essays: HashMap::from([("essay".to_string(), Learnt::default())]),
        };
        let learnt = &revisions.essays["essay"];
        learnt.revision.store(revision, Ordering::Release);
        learnt.at.store(1, Ordering::Release);
        revisions
    }

    #[test]
    fn a_revision_is_trusted_once_learnt_and_never_goes_back() {
        let revisions = Revisions::new(["essay"]);
        assert_eq!(trusted(&revisions, "essay"), None, "nothing learnt yet");
        revisions.saw("essay", 4);
        assert_eq!(trusted(&revisions, "essay"), Some(4));
        revisions.saw("essay", 3);
        assert_eq!(trusted(&revisions, "essay"), Some(4), "a stale read loses");
        revisions.saw("essay", 5);
        assert_eq!(trusted(&revisions, "essay"), Some(5));
        assert_eq!(
            trusted(&revisions, "other"),
            None,
            "unknown essays are asked for"
        );
    }

    #[test]
    fn one_request_asks_for_a_stale_revision_while_the_others_are_served_the_last_one() {
        let revisions = learnt_long_ago(4);
        let Lookup::Ask(asking) = revisions.lookup("essay") else {
            panic!("a revision learnt two seconds ago is asked for");
        };
        assert_eq!(
            trusted(&revisions, "essay"),
            Some(4),
            "served while one asks"
        );
        assert_eq!(
            trusted(&revisions, "essay"),
            Some(4),
            "a third request is served too, rather than asking again"
        );
        asking.answered(6);
        assert_eq!(trusted(&revisions, "essay"), Some(6));
    }

    #[test]
    fn a_turn_that_failed_lets_the_next_request_ask() {
        let revisions = learnt_long_ago(4);
        drop(revisions.lookup("essay"));
        assert!(matches!(revisions.lookup("essay"), Lookup::Ask(_)));
    }
}
