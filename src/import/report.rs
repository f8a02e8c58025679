//! What an import did, note by note: where each went, or why it was left out.

use std::collections::BTreeMap;
use std::fmt;

/// Why a note was not imported.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// Its id is already in the store: this file, or one holding it, was imported before.
    AlreadyImported,
    /// The other tool's moderators hid it.
    Hidden,
    /// No words and no passage: nothing to keep.
    Empty,
    /// It points at a passage but gives no quote to find it by.
    NoQuote,
    /// Longer than Gloss keeps: its note or its quote.
    TooLong,
    /// A reply whose note is neither in the file nor in the store.
    Unthreaded,
    /// Not an annotation this importer can read; what was wrong.
    Unreadable(String),
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::AlreadyImported => f.write_str("already imported"),
            Skip::Hidden => f.write_str("hidden by its moderators"),
            Skip::Empty => f.write_str("empty (no words and no passage)"),
            Skip::NoQuote => f.write_str("on a passage but without its quote"),
            Skip::TooLong => f.write_str("longer than Gloss keeps"),
            Skip::Unthreaded => f.write_str("replies to a note not imported"),
            Skip::Unreadable(why) => write!(f, "unreadable ({why})"),
        }
    }
}

/// How many notes went where, which accounts were made, and what was skipped and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Found in the essay: by their position, their quote or a fuzzy match of it.
    pub anchored: usize,
    /// Their words are not in the essay: kept, and listed under it as orphans.
    pub orphaned: usize,
    /// On the essay as a whole.
    pub page_notes: usize,
    pub replies: usize,
    /// The accounts made for authors new to Gloss, unclaimed.
    pub accounts: Vec<String>,
    pub skipped: BTreeMap<Skip, usize>,
}

impl Report {
    pub fn imported(&self) -> usize {
        self.anchored + self.orphaned + self.page_notes + self.replies
    }

    pub fn skipped(&self) -> usize {
        self.skipped.values().sum()
    }

    pub fn skip(&mut self, why: Skip) {
        *self.skipped.entry(why).or_default() += 1;
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "imported {}: {} anchored, {} orphaned (their words are not in the essay; listed \
             under it), {} on the whole essay, {} replies",
            self.imported(),
            self.anchored,
            self.orphaned,
            self.page_notes,
            self.replies
        )?;
        let reasons: Vec<String> = self
            .skipped
            .iter()
            .map(|(why, count)| format!("{count} {why}"))
            .collect();
        if reasons.is_empty() {
            writeln!(f, "skipped 0")?;
        } else {
            writeln!(f, "skipped {}: {}", self.skipped(), reasons.join(", "))?;
        }
        if !self.accounts.is_empty() {
            writeln!(
                f,
                "made {} accounts, which cannot log in until claimed (gloss user claim NAME): {}",
                self.accounts.len(),
                self.accounts.join(", ")
            )?;
        }
        Ok(())
    }
}
