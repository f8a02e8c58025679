//! Link-preview pictures: a 1200×630 PNG of a quoted passage (or a note on the whole essay),
//! the note's first words, and the essay's title and author, in the reading page's serif.
//! Pure: what to draw in, PNG bytes out.

mod fonts;
mod layout;

use askama::Template;
use resvg::{tiny_skia, usvg};
use sha2::{Digest, Sha256};
use ttf_parser::Face;

use layout::{Measure, wrap};

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// What a picture shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// The passage quoted; `None` for a note on the essay as a whole or a reply.
    pub quote: Option<String>,
    /// Who wrote the note and what it says, for an annotation.
    pub note: Option<(String, String)>,
    pub title: String,
    /// The author, and the publication where there is one.
    pub byline: String,
}

/// Bumped when the drawing changes, so cached pictures and their tags change with it.
const DRAWING: &str = "1";

impl Card {
    /// A tag of everything the picture is drawn from: equal tags, equal pictures.
    pub fn key(&self) -> String {
        let mut hash = Sha256::new();
        for part in [
            DRAWING,
            self.quote.as_deref().unwrap_or("\u{0}"),
            self.note.as_ref().map_or("\u{0}", |(who, _)| who),
            self.note.as_ref().map_or("\u{0}", |(_, what)| what),
            &self.title,
            &self.byline,
        ] {
            hash.update(part.as_bytes());
            hash.update([0xff]);
        }
        hash.finalize()[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    #[error("the picture's SVG does not parse: {0}")]
    Svg(#[from] usvg::Error),
    #[error("the picture's SVG: {0}")]
    Template(#[from] askama::Error),
    #[error("encoding the picture as PNG: {0}")]
    Png(String),
}

/// One line of text in the picture.
struct Line {
    y: f32,
    size: f32,
    bold: bool,
    fill: &'static str,
    text: String,
}

#[derive(Template)]
#[template(path = "preview.svg", escape = "html")]
struct Svg {
    width: u32,
    height: u32,
    family: &'static str,
    rule_y: f32,
    lines: Vec<Line>,
}

const MARGIN: f32 = 80.0;
const TEXT_WIDTH: f32 = WIDTH as f32 - 2.0 * MARGIN;
const INK: &str = "#1d1b18";
const INK_2: &str = "#3b3731";
const MUTED: &str = "#645d53";
const ACCENT: &str = "#8f2d12";
/// Where the quote's first line may start and the foot (a rule, the title, the byline) begins.
const BODY_TOP: f32 = 130.0;
const FOOT_TOP: f32 = 500.0;
/// The quote's sizes, largest first: the largest at which it fits whole, else the smallest.
const QUOTE_SIZES: [f32; 4] = [60.0, 52.0, 44.0, 38.0];
const NOTE_SIZE: f32 = 30.0;
const NOTE_LINES: usize = 2;
const LEADING: f32 = 1.3;

/// The picture's lines: where each stands and what it says.
fn lines(card: &Card, regular: &Measure, bold: &Measure) -> Vec<Line> {
    let mut lines = vec![Line {
        y: 96.0,
        size: 30.0,
        bold: true,
        fill: ACCENT,
        text: "Gloss".to_string(),
    }];
    // The quote in quotation marks, the closing one after any ellipsis; a note with no
    // passage stands in the quote's place, and its author below.
    let (main, close, note) = match (&card.quote, &card.note) {
        (Some(quote), note) => (format!("“{}", quote.trim()), "”", note.clone()),
        (None, Some((who, what))) => (what.clone(), "", Some((who.clone(), String::new()))),
        (None, None) => (String::new(), "", None),
    };
    let note_room = if note.is_some() {
        NOTE_SIZE * LEADING * NOTE_LINES as f32 + 24.0
    } else {
        0.0
    };
    let room = FOOT_TOP - 40.0 - BODY_TOP - note_room;
    let (size, main_lines) = QUOTE_SIZES
        .iter()
        .map(|&size| {
            let max = ((room / (size * LEADING)).floor() as usize).max(1);
            (size, wrap(regular, &main, size, TEXT_WIDTH, max))
        })
        .find(|(_, wrapped)| !wrapped.last().is_some_and(|l| l.ends_with('…')))
        .unwrap_or_else(|| {
            let size = QUOTE_SIZES[QUOTE_SIZES.len() - 1];
            let max = ((room / (size * LEADING)).floor() as usize).max(1);
            (size, wrap(regular, &main, size, TEXT_WIDTH, max))
        });
    let mut y = BODY_TOP + size;
    let last = main_lines.len().saturating_sub(1);
    for (i, mut text) in main_lines.into_iter().enumerate() {
        if i == last {
            text.push_str(close);
        }
        lines.push(Line {
            y,
            size,
            bold: false,
            fill: INK,
            text,
        });
        y += size * LEADING;
    }
    if let Some((who, what)) = note {
        y += 24.0 - size * LEADING + NOTE_SIZE * LEADING;
        let said = if what.is_empty() {
            format!("— {who}")
        } else {
            format!("{who}: {what}")
        };
        for text in wrap(regular, &said, NOTE_SIZE, TEXT_WIDTH, NOTE_LINES) {
            lines.push(Line {
                y,
                size: NOTE_SIZE,
                bold: false,
                fill: INK_2,
                text,
            });
            y += NOTE_SIZE * LEADING;
        }
    }
    for (y, size, is_bold, fill, text) in [
        (FOOT_TOP + 52.0, 32.0, true, INK, &card.title),
        (FOOT_TOP + 94.0, 26.0, false, MUTED, &card.byline),
    ] {
        let measure = if is_bold { bold } else { regular };
        if let Some(text) = wrap(measure, text, size, TEXT_WIDTH, 1).pop() {
            lines.push(Line {
                y,
                size,
                bold: is_bold,
                fill,
                text,
            });
        }
    }
    lines
}

/// The words of a Markdown note without its markup, for a picture that quotes its start.
pub fn plain_words(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut words = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(text) | Event::Code(text) => words.push_str(&text),
            // The end of an inline element runs on into the next word or stop.
            Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
            ) => {}
            Event::SoftBreak | Event::HardBreak | Event::End(_) => words.push(' '),
            _ => {}
        }
    }
    words.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The picture as SVG, its text laid out.
fn svg(card: &Card) -> Result<String, DrawError> {
    let regular = Face::parse(fonts::REGULAR, 0).expect("the shipped font parses");
    let bold = Face::parse(fonts::BOLD, 0).expect("the shipped font parses");
    let lines = lines(card, &Measure::new(&regular), &Measure::new(&bold));
    Ok(Svg {
        width: WIDTH,
        height: HEIGHT,
        family: fonts::FAMILY,
        rule_y: FOOT_TOP,
        lines,
    }
    .render()?)
}

/// The picture as PNG.
pub fn png(card: &Card) -> Result<Vec<u8>, DrawError> {
    let tree = usvg::Tree::from_str(&svg(card)?, &fonts::OPTIONS)?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).expect("a picture of a fixed size");
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| DrawError::Png(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(quote: &str) -> Card {
        Card {
            quote: Some(quote.to_string()),
            note: Some((
                "marta_k".into(),
                "The call on the 16th is the hinge.".into(),
            )),
            title: "Why Does Steve Witkoff Keep Taking Russia’s Side?".into(),
            byline: "Anne Applebaum · The Atlantic".into(),
        }
    }

    #[test]
    fn a_short_quote_is_set_large_and_whole() {
        let drawn = svg(&card("Pay attention to the dates")).unwrap();
        assert!(drawn.contains("font-size=\"60\""), "{drawn}");
        assert!(drawn.contains("“Pay attention to the dates”"), "{drawn}");
        assert!(drawn.contains("marta_k: The call on the 16th is the hinge."));
    }

    #[test]
    fn a_long_quote_is_cut_with_an_ellipsis_above_the_note() {
        let drawn = svg(&card(&"the timing matters ".repeat(200))).unwrap();
        assert!(
            drawn.contains("…”<"),
            "the closing mark after the cut: {drawn}"
        );
        assert!(drawn.contains("font-size=\"38\""));
        assert!(drawn.contains("marta_k: The call"), "the note still shows");
    }

    #[test]
    fn a_note_without_a_passage_stands_in_its_place_signed_below() {
        let drawn = svg(&Card {
            quote: None,
            ..card("")
        })
        .unwrap();
        assert!(
            drawn.contains("font-size=\"60\" fill=\"#1d1b18\">The call on the 16th is the hinge.<"),
            "{drawn}"
        );
        assert!(drawn.contains(">— marta_k<"), "{drawn}");
        assert!(!drawn.contains('“'));
    }

    #[test]
    fn text_is_escaped_in_the_svg() {
        let drawn = svg(&card("a < b & \"c\" </text>")).unwrap();
        assert!(
            drawn.contains("“a &#60; b &#38; &#34;c&#34; &#60;/text&#62;”"),
            "{drawn}"
        );
        usvg::Tree::from_str(&drawn, &fonts::OPTIONS).expect("the SVG parses");
    }

    #[test]
    fn a_notes_words_lose_their_markdown() {
        assert_eq!(
            plain_words(
                "The decision came **one day** after.\n\nSee the [timeline](https://x.org)."
            ),
            "The decision came one day after. See the timeline."
        );
    }

    #[test]
    fn equal_cards_share_a_key_and_any_change_changes_it() {
        let a = card("Pay attention");
        assert_eq!(a.key(), card("Pay attention").key());
        assert_ne!(a.key(), card("Pay attention.").key());
        let without_note = Card {
            note: None,
            ..a.clone()
        };
        assert_ne!(a.key(), without_note.key());
    }
}
