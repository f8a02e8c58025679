//! The parsed essay: blocks with stable ids, the markup between text runs, and the plain text.
//!
//! The plain text is exactly what the reading page's `<article>` holds as `textContent` once its
//! `[data-aside]` elements are removed: every text run, with one `"\n"` between top-level blocks.
//! Offsets are Unicode code points, as W3C selectors count them.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag};

/// What a parse can refuse, with the 1-based line of the Markdown where it happened.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

/// Plain text indexed by code point.
#[derive(Debug, Clone, Default)]
pub struct PlainText {
    text: String,
    /// Byte offset of every code point, plus one entry for the end.
    char_starts: Vec<usize>,
}

impl PlainText {
    pub fn new(text: String) -> Self {
        let mut char_starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        char_starts.push(text.len());
        PlainText { text, char_starts }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Length in code points.
    pub fn len(&self) -> usize {
        self.char_starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn byte_of(&self, char_index: usize) -> usize {
        self.char_starts[char_index.min(self.len())]
    }

    /// The code point index of a byte offset that lies on a character boundary.
    pub fn char_of(&self, byte: usize) -> usize {
        self.char_starts.partition_point(|&b| b < byte)
    }

    /// The text of a code point range.
    pub fn slice(&self, range: Range<usize>) -> &str {
        &self.text[self.byte_of(range.start)..self.byte_of(range.end)]
    }
}

/// One piece of a block: markup to copy as it is, or a run of the plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Markup(String),
    Text(Range<usize>),
}

/// A top-level block of the essay (paragraph, heading, quote, list, code).
#[derive(Debug, Clone)]
pub struct Block {
    pub id: String,
    /// The element name of the block, e.g. `p` or `h2`.
    pub tag: &'static str,
    /// Attributes of the opening tag other than `id`, already escaped.
    pub attrs: String,
    /// The block's code point range in the plain text.
    pub range: Range<usize>,
    pub segments: Vec<Segment>,
}

impl Block {
    pub fn text_runs(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.segments.iter().filter_map(|s| match s {
            Segment::Text(r) => Some(r.clone()),
            Segment::Markup(_) => None,
        })
    }
}

/// An essay parsed once: render per request is an overlay on this.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub text: PlainText,
    pub blocks: Vec<Block>,
}

const RAW_HTML: &str = "raw HTML is not allowed in an essay; write it in Markdown";

/// The text that separates top-level blocks in the plain text and in the page.
pub const BLOCK_SEPARATOR: &str = "\n";

impl Document {
    /// Parses Markdown. `first_line` is the file line the Markdown starts on, for error messages.
    pub fn parse(markdown: &str, first_line: usize) -> Result<Document, ParseError> {
        Builder::new(markdown, first_line).run()
    }

    pub fn block(&self, id: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.id == id)
    }

    /// The block whose text holds the code point `offset` (or ends at it).
    pub fn block_at(&self, offset: usize) -> Option<&Block> {
        self.block_index_at(offset).map(|i| &self.blocks[i])
    }

    /// The index of that block.
    pub fn block_index_at(&self, offset: usize) -> Option<usize> {
        let i = self.blocks.partition_point(|b| b.range.end < offset);
        self.blocks
            .get(i)
            .filter(|b| b.range.start <= offset)
            .map(|_| i)
    }
}

struct Builder<'a> {
    markdown: &'a str,
    first_line: usize,
    text: String,
    chars: usize,
    blocks: Vec<Block>,
    current: Option<Block>,
    /// Elements open inside the current block, and whether each wraps a `<code>`.
    open: Vec<(&'static str, bool)>,
    pending_text: Option<usize>,
}

impl<'a> Builder<'a> {
    fn new(markdown: &'a str, first_line: usize) -> Self {
        Builder {
            markdown,
            first_line,
            text: String::new(),
            chars: 0,
            blocks: Vec::new(),
            current: None,
            open: Vec::new(),
            pending_text: None,
        }
    }

    fn line_of(&self, byte: usize) -> usize {
        self.first_line + self.markdown[..byte].matches('\n').count()
    }

    fn error(&self, byte: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            line: self.line_of(byte),
            message: message.into(),
        }
    }

    fn run(mut self) -> Result<Document, ParseError> {
        let options = Options::ENABLE_STRIKETHROUGH;
        for (event, span) in Parser::new_ext(self.markdown, options).into_offset_iter() {
            self.event(event, span.start)?;
        }
        let mut blocks = self.blocks;
        assign_ids(&mut blocks, &self.text);
        Ok(Document {
            text: PlainText::new(self.text),
            blocks,
        })
    }

    fn event(&mut self, event: Event<'a>, at: usize) -> Result<(), ParseError> {
        match event {
            Event::Start(tag) => self.start(tag, at),
            Event::End(_) => {
                self.end();
                Ok(())
            }
            Event::Text(t) => {
                self.push_text(&t);
                Ok(())
            }
            Event::Code(t) => {
                self.markup("<code>");
                self.push_text(&t);
                self.markup("</code>");
                Ok(())
            }
            Event::SoftBreak => {
                self.push_text(" ");
                Ok(())
            }
            Event::HardBreak => {
                self.markup("<br>");
                Ok(())
            }
            Event::Rule if self.current.is_none() => {
                self.open_block("hr", String::new(), at)?;
                self.close_block();
                Ok(())
            }
            Event::Rule => {
                self.markup("<hr>");
                Ok(())
            }
            Event::Html(_) | Event::InlineHtml(_) => Err(self.error(at, RAW_HTML)),
            other => Err(self.error(at, format!("unsupported Markdown: {other:?}"))),
        }
    }

    fn start(&mut self, tag: Tag<'a>, at: usize) -> Result<(), ParseError> {
        let (name, attrs) = self.open_tag(tag, at)?;
        let code_class = match (&attrs, name) {
            (OpenAttrs::Code(class), _) => Some(class.clone()),
            _ => None,
        };
        let attrs = match attrs {
            OpenAttrs::Plain(a) => a,
            OpenAttrs::Code(_) => String::new(),
        };
        if self.current.is_none() {
            self.open_block(name, attrs, at)?;
        } else {
            if is_block(name)
                && self
                    .current
                    .as_ref()
                    .is_some_and(|b| b.range.start < self.chars)
            {
                self.push_text(BLOCK_SEPARATOR);
            }
            self.markup(&format!("<{name}{attrs}>"));
        }
        if let Some(class) = &code_class {
            self.markup(&format!("<code{class}>"));
        }
        self.open.push((name, code_class.is_some()));
        Ok(())
    }

    fn open_tag(&self, tag: Tag<'a>, at: usize) -> Result<(&'static str, OpenAttrs), ParseError> {
        let plain = |name| Ok((name, OpenAttrs::Plain(String::new())));
        match tag {
            Tag::Paragraph => plain("p"),
            Tag::Heading { level, .. } => plain(heading_tag(level)),
            Tag::BlockQuote(_) => plain("blockquote"),
            Tag::CodeBlock(CodeBlockKind::Fenced(lang)) if !lang.is_empty() => Ok((
                "pre",
                OpenAttrs::Code(format!(" class=\"language-{}\"", escape_html(&lang))),
            )),
            Tag::CodeBlock(_) => Ok(("pre", OpenAttrs::Code(String::new()))),
            Tag::List(Some(1)) => plain("ol"),
            Tag::List(Some(start)) => Ok(("ol", OpenAttrs::Plain(format!(" start=\"{start}\"")))),
            Tag::List(None) => plain("ul"),
            Tag::Item => plain("li"),
            Tag::Emphasis => plain("em"),
            Tag::Strong => plain("strong"),
            Tag::Strikethrough => plain("del"),
            Tag::Link {
                dest_url, title, ..
            } => {
                if !is_safe_url(&dest_url) {
                    return Err(self.error(at, format!("link target {dest_url:?} is not allowed")));
                }
                let mut attrs = format!(" href=\"{}\"", escape_html(&dest_url));
                if !title.is_empty() {
                    attrs.push_str(&format!(" title=\"{}\"", escape_html(&title)));
                }
                Ok(("a", OpenAttrs::Plain(attrs)))
            }
            Tag::HtmlBlock => Err(self.error(at, RAW_HTML)),
            other => Err(self.error(at, format!("unsupported Markdown: {other:?}"))),
        }
    }

    fn end(&mut self) {
        let Some((name, has_code)) = self.open.pop() else {
            return;
        };
        if has_code {
            self.markup("</code>");
        }
        if self.open.is_empty() {
            self.close_block();
        } else {
            self.markup(&format!("</{name}>"));
        }
    }

    fn open_block(
        &mut self,
        tag: &'static str,
        attrs: String,
        at: usize,
    ) -> Result<(), ParseError> {
        if self.current.is_some() {
            return Err(self.error(at, "nested top-level block"));
        }
        if !self.blocks.is_empty() {
            self.text.push_str(BLOCK_SEPARATOR);
            self.chars += BLOCK_SEPARATOR.chars().count();
        }
        self.current = Some(Block {
            id: String::new(),
            tag,
            attrs,
            range: self.chars..self.chars,
            segments: Vec::new(),
        });
        Ok(())
    }

    fn close_block(&mut self) {
        self.flush_text();
        if let Some(mut block) = self.current.take() {
            block.range.end = self.chars;
            self.blocks.push(block);
        }
    }

    fn markup(&mut self, html: &str) {
        self.flush_text();
        if let Some(block) = self.current.as_mut() {
            match block.segments.last_mut() {
                Some(Segment::Markup(m)) => m.push_str(html),
                _ => block.segments.push(Segment::Markup(html.to_string())),
            }
        }
    }

    fn push_text(&mut self, t: &str) {
        if self.current.is_none() || t.is_empty() {
            return;
        }
        self.pending_text.get_or_insert(self.chars);
        self.text.push_str(t);
        self.chars += t.chars().count();
    }

    fn flush_text(&mut self) {
        if let (Some(start), Some(block)) = (self.pending_text.take(), self.current.as_mut()) {
            block.segments.push(Segment::Text(start..self.chars));
        }
    }
}

fn heading_tag(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "h1",
        HeadingLevel::H2 => "h2",
        HeadingLevel::H3 => "h3",
        HeadingLevel::H4 => "h4",
        HeadingLevel::H5 => "h5",
        HeadingLevel::H6 => "h6",
    }
}

enum OpenAttrs {
    Plain(String),
    /// A code block: the `<pre>` wraps a `<code>` with these attributes.
    Code(String),
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "pre" | "ol" | "ul" | "li"
    )
}

fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _)) if !scheme.contains('/') => {
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// Escapes text for HTML element content or a quoted attribute value.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Ids come from the block's first words, so they stay put when other blocks are added, removed
/// or edited; a repeat gets `-2`, `-3` in document order.
fn assign_ids(blocks: &mut [Block], text: &str) {
    let char_to_byte: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for block in blocks.iter_mut() {
        let content = &text[char_to_byte[block.range.start]..char_to_byte[block.range.end]];
        let prefix = match block.tag {
            "p" => "p",
            "blockquote" => "q",
            "ol" | "ul" => "l",
            "pre" => "c",
            "hr" => "r",
            _ => "h",
        };
        let base = format!("{prefix}-{}", slug_words(content, 6));
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        block.id = if *n == 1 { base } else { format!("{base}-{n}") };
    }
}

/// `"Why not? Perhaps…"` -> `"why-not-perhaps"`: lowercase ASCII words, at most `max_words`.
pub fn slug_words(text: &str, max_words: usize) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(max_words)
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        "block".to_string()
    } else {
        words.join("-")
    }
}

#[cfg(test)]
mod tests;
