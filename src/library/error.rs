use std::fmt;
use std::path::{Path, PathBuf};

/// A broken file in `articles/`, with the line to look at.
#[derive(Debug)]
pub struct LoadError {
    pub file: PathBuf,
    /// 1-based; 0 when the problem is the file as a whole.
    pub line: usize,
    pub message: String,
}

impl LoadError {
    pub fn new(file: &Path, line: usize, message: impl Into<String>) -> Self {
        LoadError {
            file: file.to_path_buf(),
            line,
            message: message.into(),
        }
    }

    pub fn io(file: &Path, err: &std::io::Error) -> Self {
        LoadError::new(file, 0, format!("cannot read: {err}"))
    }

    /// A TOML error, placed on the line its span starts at.
    pub fn toml(file: &Path, source: &str, err: &toml::de::Error) -> Self {
        let line = err.span().map_or(0, |s| line_of(source, s.start));
        LoadError::new(file, line, err.message().to_string())
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
        }
    }
}

impl std::error::Error for LoadError {}

/// The 1-based line of a byte offset.
pub fn line_of(source: &str, byte: usize) -> usize {
    1 + source[..byte.min(source.len())].matches('\n').count()
}
