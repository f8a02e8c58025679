//! Pieces of a page compressed once each and joined into one gzip stream per request.
//!
//! Each piece is raw deflate ended with a sync flush: byte-aligned and not final, so pieces
//! compressed apart follow one another as one valid deflate stream (as pigz joins its
//! blocks). A page made of cached paragraphs and one reader's few pieces then costs a copy
//! of compressed bytes and a CRC, not a compression of the whole page.

use std::cell::RefCell;
use std::io::Write;

use axum::body::Bytes;
use flate2::{Compress, Compression, FlushCompress};

/// Some HTML, plain and compressed.
#[derive(Debug, Clone, Default)]
pub struct Piece {
    pub html: Bytes,
    deflate: Bytes,
}

thread_local! {
    /// A compressor's tables take hundreds of kilobytes to set up: each thread keeps one.
    static COMPRESSOR: RefCell<Compress> =
        RefCell::new(Compress::new(Compression::default(), false));
}

/// gzip's header: deflate, no name or time, from an unknown system.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
/// A final, empty deflate block with fixed codes: ends the stream.
const FINAL_BLOCK: [u8; 2] = [0x03, 0x00];

impl Piece {
    pub fn new(html: impl Into<Bytes>) -> Piece {
        Piece::after(&[], html)
    }

    /// A piece that may only follow `before`: it refers back to those bytes, as a paragraph
    /// repeats the names and cards of the one before it. Compressing `before` first, then
    /// keeping only what comes after its flush, does what a preset dictionary would.
    pub fn after(before: &[u8], html: impl Into<Bytes>) -> Piece {
        let html = html.into();
        let deflate = COMPRESSOR.with_borrow_mut(|compress| {
            compress.reset();
            let mut out = Vec::new();
            flush(compress, before, &mut out);
            let primed = out.len();
            flush(compress, &html, &mut out);
            Bytes::copy_from_slice(&out[primed..])
        });
        Piece { html, deflate }
    }

    pub fn is_empty(&self) -> bool {
        self.html.is_empty()
    }
}

/// Compresses `input` and flushes it to a byte boundary.
fn flush(compress: &mut Compress, input: &[u8], out: &mut Vec<u8>) {
    let start = compress.total_in();
    // The output is complete once all input is taken and room is left over.
    loop {
        out.reserve(input.len() / 3 + 64);
        let consumed = (compress.total_in() - start) as usize;
        compress
            .compress_vec(&input[consumed..], out, FlushCompress::Sync)
            .expect("compressing into memory cannot fail");
        if (compress.total_in() - start) as usize == input.len() && out.len() < out.capacity() {
            break;
        }
    }
}

/// Pieces joined beforehand, to follow any one piece: a page's shared part, after a part
/// made for one reader.
#[derive(Clone, Default)]
pub struct Run {
    deflate: Bytes,
    crc: crc32fast::Hasher,
    len: u64,
}

impl Run {
    pub fn of<'a>(pieces: impl IntoIterator<Item = &'a Piece>) -> Run {
        let mut deflate = Vec::new();
        let mut crc = crc32fast::Hasher::new();
        let mut len = 0;
        for piece in pieces {
            deflate.extend_from_slice(&piece.deflate);
            crc.update(&piece.html);
            len += piece.html.len() as u64;
        }
        Run {
            deflate: Bytes::from(deflate),
            crc,
            len,
        }
    }
}

/// A part of a page to join: a piece made for one reader, or a shared run.
#[derive(Clone, Copy)]
pub enum Part<'a> {
    One(&'a Piece),
    Run(&'a Run),
}

/// The parts as one gzip member: the CRC of each run is combined, not computed again.
pub fn gzip_parts(parts: &[Part]) -> Bytes {
    let compressed: usize = parts
        .iter()
        .map(|part| match part {
            Part::One(piece) => piece.deflate.len(),
            Part::Run(run) => run.deflate.len(),
        })
        .sum();
    let mut out = Vec::with_capacity(GZIP_HEADER.len() + compressed + FINAL_BLOCK.len() + 8);
    out.extend_from_slice(&GZIP_HEADER);
    let mut crc = crc32fast::Hasher::new();
    let mut len: u64 = 0;
    for part in parts {
        match part {
            Part::One(piece) => {
                out.extend_from_slice(&piece.deflate);
                crc.update(&piece.html);
                len += piece.html.len() as u64;
            }
            Part::Run(run) => {
                out.extend_from_slice(&run.deflate);
                crc.combine(&run.crc);
                len += run.len;
            }
        }
    }
    out.extend_from_slice(&FINAL_BLOCK);
    out.extend_from_slice(&crc.finalize().to_le_bytes());
    out.extend_from_slice(&(len as u32).to_le_bytes());
    Bytes::from(out)
}

/// The pieces' HTML, one after another.
pub fn concat<'a>(pieces: impl IntoIterator<Item = &'a Piece> + Clone) -> Bytes {
    let len = pieces.clone().into_iter().map(|p| p.html.len()).sum();
    let mut out = Vec::with_capacity(len);
    for piece in pieces {
        out.extend_from_slice(&piece.html);
    }
    Bytes::from(out)
}

/// The pieces as one gzip member, as a browser takes with `Content-Encoding: gzip`.
pub fn gzip<'a>(pieces: impl IntoIterator<Item = &'a Piece> + Clone) -> Bytes {
    let compressed: usize = pieces.clone().into_iter().map(|p| p.deflate.len()).sum();
    let mut out = Vec::with_capacity(GZIP_HEADER.len() + compressed + FINAL_BLOCK.len() + 8);
    out.extend_from_slice(&GZIP_HEADER);
    let mut crc = crc32fast::Hasher::new();
    let mut len: u64 = 0;
    for piece in pieces {
        out.extend_from_slice(&piece.deflate);
        crc.update(&piece.html);
        len += piece.html.len() as u64;
    }
    out.extend_from_slice(&FINAL_BLOCK);
    out.write_all(&crc.finalize().to_le_bytes())
        .expect("writing to memory cannot fail");
    out.extend_from_slice(&(len as u32).to_le_bytes());
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn gunzip(bytes: &[u8]) -> String {
        let mut out = String::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut out)
            .expect("a valid gzip stream");
        out
    }

    #[test]
    fn pieces_compressed_apart_decode_as_one_page() {
        let long = "<p>Why not? Perhaps because Ushakov listened.</p>\n".repeat(2_000);
        let pieces = [
            Piece::new("<!doctype html><title>Essay</title>"),
            Piece::new(long.clone()),
            Piece::new(""),
            Piece::new("<footer>é ✓</footer>"),
        ];
        let page = gzip(&pieces);
        assert_eq!(
            gunzip(&page),
            format!("<!doctype html><title>Essay</title>{long}<footer>é ✓</footer>")
        );
        assert!(page.len() < long.len() / 20, "{} bytes", page.len());
        assert_eq!(gunzip(&gzip(&[])), "");
    }

    #[test]
    fn a_piece_after_another_refers_back_to_it_and_decodes_after_it() {
        let card =
            "<span class=\"card\">Steve Witkoff, U.S. special envoy to the Middle East</span>";
        let first = Piece::new(format!("<p>{card}</p>"));
        let alone = Piece::new(format!("<p>Again {card}</p>"));
        let after = Piece::after(&first.html, format!("<p>Again {card}</p>"));
        assert!(
            after.deflate.len() < alone.deflate.len() / 2,
            "{} vs {}",
            after.deflate.len(),
            alone.deflate.len()
        );
        assert_eq!(
            gunzip(&gzip(&[first, after])),
            format!("<p>{card}</p><p>Again {card}</p>")
        );
    }

    #[test]
    fn runs_joined_beforehand_follow_and_precede_any_piece() {
        let main = Run::of(&[Piece::new("<main>shared</main>"), Piece::new("<p>é</p>")]);
        let foot = Run::of(&[Piece::new("<footer>ü</footer>")]);
        for mine in ["<head>ann</head>", "<head>bob, a longer name</head>", ""] {
            let own = Piece::new(mine);
            let page = gzip_parts(&[
                Part::One(&own),
                Part::Run(&main),
                Part::One(&own),
                Part::Run(&foot),
            ]);
            assert_eq!(
                gunzip(&page),
                format!("{mine}<main>shared</main><p>é</p>{mine}<footer>ü</footer>")
            );
        }
    }

    #[test]
    fn concat_joins_the_plain_html() {
        let pieces = [Piece::new("a"), Piece::new("b")];
        assert_eq!(concat(&pieces), "ab");
        assert!(Piece::new("").is_empty());
    }
}
