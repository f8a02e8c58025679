//! Notes made with other annotation tools, brought into the store: Hypothesis's, for now.

pub mod hypothesis;
mod report;

pub use report::{Report, Skip};

/// The password hash of an account made for an imported author. No password verifies against
/// it, so nobody logs in as that author until an operator claims the account for them
/// (`gloss user claim`).
pub const UNCLAIMED: &str = "";
