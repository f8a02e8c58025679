//! What readers and writers meet when the database goes away and comes back: a PostgreSQL
//! server restarted under two instances, a SQLite file whose disk fills or turns read-only.
//! These need what a plain `cargo test` may lack (PostgreSQL's programs, root to mount a small
//! disk); `scripts/test` has them and sets `GLOSS_REQUIRE_FAULTS`, so there they cannot skip.

mod cluster;
mod postgres_restart;
mod sqlite_disk;

/// Skips the test, saying why, unless `scripts/test` requires it: then it fails.
fn cannot_run(test: &str, why: &str) {
    if std::env::var_os("GLOSS_REQUIRE_FAULTS").is_some() {
        panic!("{test}: {why}, and GLOSS_REQUIRE_FAULTS is set");
    }
    // Straight to stderr: the test harness keeps what `eprintln!` writes to itself.
    let said = format!("skipped {test}: {why}\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr(), said.as_bytes());
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0")
}
