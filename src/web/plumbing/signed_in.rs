//! Who a session cookie or API token belongs to, remembered for a second by each serving
//! thread, so a signed-in reader's page costs no database query. A session ended on this
//! thread is forgotten at once; one ended elsewhere stops working within the second.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::auth::Memberships;
use crate::store::{Session, User};

const TRUSTED_FOR: Duration = Duration::from_secs(1);

/// How many credentials a thread remembers: past that it forgets them all and asks again.
const KEPT: usize = 4096;

/// What a token hash was found to be: a browser's session or a program's user, with the
/// groups they belong to.
#[derive(Clone)]
pub enum Known {
    Session(Session, Memberships),
    Token(User, Memberships),
    Nobody,
}

impl Known {
    fn username(&self) -> Option<&str> {
        match self {
            Known::Session(session, _) => Some(&session.user.username),
            Known::Token(user, _) => Some(&user.username),
            Known::Nobody => None,
        }
    }
}

#[derive(Default)]
pub struct SignedIn {
    known: Mutex<HashMap<String, (Instant, Known)>>,
}

impl SignedIn {
    /// What `token_hash` was found to be less than a second ago.
    pub fn get(&self, token_hash: &str) -> Option<Known> {
        let known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known
            .get(token_hash)
            .filter(|(at, _)| at.elapsed() < TRUSTED_FOR)
            .map(|(_, k)| k.clone())
    }

    pub fn put(&self, token_hash: &str, found: Known) {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        if known.len() >= KEPT {
            known.clear();
        }
        known.insert(token_hash.to_string(), (Instant::now(), found));
    }

    /// Forgets every credential of `username`, whose groups just changed.
    pub fn forget_user(&self, username: &str) {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known.retain(|_, (_, k)| k.username() != Some(username));
    }

    /// Forgets a session that just ended.
    pub fn forget(&self, token_hash: &str) {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known.remove(token_hash);
    }
}
