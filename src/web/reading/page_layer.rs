//! One reader's layer of an essay's page: its blocks, orphans and notes on the whole essay,
//! joined with the page's frame into HTML or one gzip stream.

use std::sync::Arc;

use axum::body::Bytes;

use super::essays::{BlockPieces, Snapshot};
use super::frame::{Frame, Preview, Surround};
use crate::error::AppError;
use crate::library::Article;
use crate::render::{Orphan, PageNote, Show};
use crate::web::plumbing::deflate::{self, Part, Piece};
use crate::web::plumbing::head::Head;

/// What one reader sees of the essay's annotations: every block, the orphans and the notes on
/// the whole essay.
pub struct Layer {
    pub blocks: Vec<Arc<BlockPieces>>,
    pub orphans: Vec<Orphan>,
    pub page_notes: Vec<PageNote>,
    /// Whether it is what everyone sees.
    pub(super) shared: bool,
    /// By block: whether its piece must follow anything (it or the block before it was
    /// drawn for this reader) rather than the shared block before it.
    pub(super) alone: Vec<bool>,
}

impl Layer {
    /// What everyone sees who has no notes of their own.
    pub(super) fn shared(
        blocks: &[Arc<BlockPieces>],
        orphans: &[Orphan],
        page_notes: &[PageNote],
    ) -> Layer {
        Layer {
            alone: vec![false; blocks.len()],
            blocks: blocks.to_vec(),
            orphans: orphans.to_vec(),
            page_notes: page_notes.to_vec(),
            shared: true,
        }
    }

    pub fn has_footnotes(&self) -> bool {
        self.blocks.iter().any(|b| !b.rendered.footnotes.is_empty())
    }

    /// The page around these blocks for this reader.
    pub fn frame(
        &self,
        head: Head,
        article: &Article,
        preview: &Preview,
        notice: Option<&str>,
        revision: i64,
        show: Show,
    ) -> Result<Frame, AppError> {
        Frame::render(Surround {
            head,
            article,
            preview,
            notice,
            revision,
            show,
            orphans: &self.orphans,
            page_notes: &self.page_notes,
            has_footnotes: self.has_footnotes(),
        })
    }

    /// The blocks as this reader sees them, in order.
    pub(super) fn block_pieces(&self) -> impl Iterator<Item = &Piece> + Clone {
        self.blocks
            .iter()
            .zip(&self.alone)
            .map(|(b, alone)| if *alone { &b.alone } else { &b.body })
    }

    /// What follows the frame's middle: the print notes and the page's end.
    pub(super) fn tail<'a>(&'a self, frame: &'a Frame) -> impl Iterator<Item = &'a Piece> + Clone {
        self.blocks
            .iter()
            .map(|b| &b.notes)
            .chain(std::iter::once(&frame.end))
    }

    /// Everything after the frame's top, in order.
    pub(super) fn after_top<'a>(
        &'a self,
        frame: &'a Frame,
    ) -> impl Iterator<Item = &'a Piece> + Clone {
        self.block_pieces()
            .chain(std::iter::once(&frame.middle))
            .chain(self.tail(frame))
    }

    /// The page as HTML.
    pub fn html(&self, frame: &Frame) -> Bytes {
        deflate::concat(std::iter::once(&frame.top).chain(self.after_top(frame)))
    }

    /// The page gzipped. The blocks and the tail everyone sees are joined whole from
    /// `snapshot`, around this reader's top and middle (the section of notes on the whole
    /// essay says what they may do there).
    pub fn gzip(&self, frame: &Frame, snapshot: &Snapshot) -> Bytes {
        if self.shared {
            deflate::gzip_parts(&[
                Part::One(&frame.top),
                Part::Run(&snapshot.shared_blocks),
                Part::One(&frame.middle),
                Part::Run(&snapshot.tail),
            ])
        } else {
            deflate::gzip(std::iter::once(&frame.top).chain(self.after_top(frame)))
        }
    }

    /// Every footnote as list items, for the page to swap in.
    pub fn footnotes(&self) -> String {
        self.blocks
            .iter()
            .map(|b| String::from_utf8_lossy(&b.notes.html))
            .collect()
    }
}
