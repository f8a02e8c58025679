//! What accounts keep secret, for the web and the command line alike: random tokens and how
//! they are stored, constant-time comparison, passwords hashed with Argon2id on a thread of
//! their own, and the rules for names and passwords.

use std::sync::LazyLock;

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::AppError;

/// A fresh random token, 256 bits as hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How tokens are kept in the database: a leaked table signs nobody in.
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares secrets in time independent of where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Argon2id at OWASP's 7 MiB, 5 passes, 1 lane: by their reckoning as strong as the crate's
/// 19 MiB and 2 passes, for a third of the memory each log-in holds.
fn argon2() -> Argon2<'static> {
    let params = Params::new(7 * 1024, 5, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

type Job = Box<dyn FnOnce() + Send>;

/// The one thread that hashes and checks passwords, in turn: each holds 7 MiB for tens of
/// milliseconds, and one at a time bounds what a burst of log-ins holds together.
static HASHER: LazyLock<std::sync::mpsc::Sender<Job>> = LazyLock::new(|| {
    let (jobs, queue) = std::sync::mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("gloss-passwords".into())
        .spawn(move || queue.into_iter().for_each(|job| job()))
        .expect("starting the password thread");
    jobs
});

/// Runs `work` (hashing or checking a password) on the password thread: on a serving thread
/// it would hold up every other request there.
pub async fn off_the_serving_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let (answer, answered) = tokio::sync::oneshot::channel();
    // Counted from now until the work is done, even if whoever asked has gone meanwhile.
    let queued = metrics::gauge!("gloss_password_hashings_queued");
    queued.increment(1.0);
    let done_with = queued.clone();
    let job: Job = Box::new(move || {
        let started = std::time::Instant::now();
        let done = work();
        metrics::histogram!("gloss_password_hashing_duration_seconds").record(started.elapsed());
        done_with.decrement(1.0);
        let _ = answer.send(done);
    });
    HASHER.send(job).map_err(|e| {
        queued.decrement(1.0);
        AppError::Internal(format!("the password thread is gone: {e}"))
    })?;
    answered
        .await
        .map_err(|e| AppError::Internal(format!("the password thread is gone: {e}")))
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))
}

/// Checks with the parameters the stored hash was made with, so older hashes keep working.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
}

/// Usernames: 3 to 32 letters, digits, `-`, `_` or `.`.
pub fn check_username(name: &str) -> Result<(), AppError> {
    let ok = (3..=32).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(AppError::Unprocessable(
            "A username is 3 to 32 letters, digits, hyphens, underscores or dots.".into(),
        ))
    }
}

pub const MIN_PASSWORD: usize = 10;

pub fn check_password(password: &str) -> Result<(), AppError> {
    if (MIN_PASSWORD..=1024).contains(&password.chars().count()) {
        Ok(())
    } else {
        Err(AppError::Unprocessable(format!(
            "A password is at least {MIN_PASSWORD} characters."
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("a long password 123").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{hash}");
        assert!(verify_password("a long password 123", &hash));
        assert!(!verify_password("a long password 124", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn passwords_hashed_with_other_parameters_still_verify() {
        let older = Argon2::default()
            .hash_password(b"a long password 123")
            .unwrap()
            .to_string();
        assert!(older.contains("m=19456,t=2,p=1"), "{older}");
        assert!(verify_password("a long password 123", &older));
        assert!(!verify_password("a long password 124", &older));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
        assert!(same(&a, &a) && !same(&a, &b));
    }
}
