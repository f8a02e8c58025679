//! The JSON Hypothesis gives: its search API's answer (`{"total": N, "rows": [...]}`, as its
//! exports are too) or a plain array of its annotations, each as the API describes one.

use serde::Deserialize;
use serde_json::Value;

/// One Hypothesis annotation, as much of it as Gloss keeps.
#[derive(Debug, Clone, Deserialize)]
pub struct Row {
    /// Hypothesis's own id, which the imported note keeps.
    pub id: String,
    pub created: String,
    pub updated: String,
    /// `acct:NAME@AUTHORITY`.
    pub user: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub permissions: Permissions,
    #[serde(default)]
    pub target: Vec<Target>,
    /// The notes it replies to, from the thread's first; the last is the one it answers.
    #[serde(default)]
    pub references: Vec<String>,
    /// Hidden by the moderators of its group.
    #[serde(default)]
    pub hidden: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Permissions {
    /// `group:__world__` for a public note; the group or the author alone otherwise.
    #[serde(default)]
    pub read: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Target {
    #[serde(default)]
    pub selector: Vec<Selector>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type")]
pub enum Selector {
    #[serde(rename = "TextQuoteSelector")]
    TextQuote {
        exact: String,
        #[serde(default)]
        prefix: String,
        #[serde(default)]
        suffix: String,
    },
    #[serde(rename = "TextPositionSelector")]
    TextPosition { start: usize, end: usize },
    /// `RangeSelector` and the like: places in the other page's markup, of no use here.
    #[serde(other)]
    Other,
}

/// Who may read a note that everyone may.
const PUBLIC: &str = "group:__world__";

impl Row {
    pub fn is_public(&self) -> bool {
        self.permissions.read.iter().any(|r| r == PUBLIC)
    }

    /// The selectors of its target, where it has any.
    pub fn selectors(&self) -> &[Selector] {
        self.target
            .iter()
            .map(|t| t.selector.as_slice())
            .find(|s| !s.is_empty())
            .unwrap_or_default()
    }
}

/// Each annotation of a file, or why it cannot be read; `None` when the file is neither a
/// search answer nor an array.
pub fn rows(file: &Value) -> Option<Vec<Result<Row, String>>> {
    let items = file.get("rows").unwrap_or(file).as_array()?;
    Some(
        items
            .iter()
            .map(|item| Row::deserialize(item).map_err(|e| e.to_string()))
            .collect(),
    )
}
