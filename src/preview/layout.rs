//! Lines of text fitted to a width in the card's font: words wrapped, and what does not fit
//! in the lines allowed cut at a word, with an ellipsis.

use ttf_parser::Face;

/// Measures text set in one font.
pub struct Measure<'a> {
    face: &'a Face<'a>,
}

impl<'a> Measure<'a> {
    pub fn new(face: &'a Face<'a>) -> Measure<'a> {
        Measure { face }
    }

    /// The advance of `text` at `size` pixels: the sum of its glyphs' (kerning is a few
    /// pixels a line, which the margins absorb).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| {
                let glyph = self.face.glyph_index(c).unwrap_or_default();
                u32::from(self.face.glyph_hor_advance(glyph).unwrap_or_default())
            })
            .sum();
        units as f32 * size / f32::from(self.face.units_per_em())
    }
}

const ELLIPSIS: char = '…';

/// `text` in at most `max_lines` lines no wider than `width` at `size`: whitespace collapsed,
/// broken between words (inside a word only when it alone is wider than a line), and the last
/// line cut at a word with an ellipsis when the text goes on.
pub fn wrap(measure: &Measure, text: &str, size: f32, width: f32, max_lines: usize) -> Vec<String> {
    let fits = |line: &str| measure.width(line, size) <= width;
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace().flat_map(|w| pieces(w, &fits)) {
        let candidate = if line.is_empty() {
            word.clone()
        } else {
            format!("{line} {word}")
        };
        if fits(&candidate) {
            line = candidate;
            continue;
        }
        if lines.len() + 1 >= max_lines {
            lines.push(with_ellipsis(&line, &fits));
            return lines;
        }
        lines.push(std::mem::replace(&mut line, word));
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `line` with an ellipsis after the last word that leaves room for it.
fn with_ellipsis(line: &str, fits: &impl Fn(&str) -> bool) -> String {
    let mut words: Vec<&str> = line.split(' ').collect();
    while let Some(last) = words.last() {
        let kept = words.join(" ");
        let cut = format!("{}{ELLIPSIS}", kept.trim_end_matches([',', ';', ':']));
        if fits(&cut) {
            return cut;
        }
        if words.len() == 1 {
            let head = longest_start(last, |s| fits(&format!("{s}{ELLIPSIS}")));
            return format!("{head}{ELLIPSIS}");
        }
        words.pop();
    }
    ELLIPSIS.to_string()
}

/// A word as pieces that each fit a line: the word itself, unless it alone is too wide.
fn pieces(word: &str, fits: &impl Fn(&str) -> bool) -> Vec<String> {
    if fits(word) {
        return vec![word.to_string()];
    }
    let mut pieces = Vec::new();
    let mut rest = word;
    while !rest.is_empty() {
        let head = longest_start(rest, fits);
        // At least one character, so a line too narrow for any still moves on.
        let head = if head.is_empty() {
            &rest[..rest.chars().next().map_or(0, char::len_utf8)]
        } else {
            head
        };
        pieces.push(head.to_string());
        rest = &rest[head.len()..];
    }
    pieces
}

/// The longest start of `word` that `fits`.
fn longest_start(word: &str, fits: impl Fn(&str) -> bool) -> &str {
    let mut end = 0;
    for (i, c) in word.char_indices() {
        if !fits(&word[..i + c.len_utf8()]) {
            break;
        }
        end = i + c.len_utf8();
    }
    &word[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preview::fonts;

    fn measure_regular<T>(test: impl FnOnce(&Measure) -> T) -> T {
        let face = Face::parse(fonts::REGULAR, 0).unwrap();
        test(&Measure::new(&face))
    }

    #[test]
    fn short_text_stays_on_one_line() {
        let lines =
            measure_regular(|m| wrap(m, "  Pay attention\n to the dates. ", 48.0, 1000.0, 4));
        assert_eq!(lines, ["Pay attention to the dates."]);
    }

    #[test]
    fn text_wraps_between_words_within_the_width() {
        let text = "Witkoff, a former real-estate developer, is supposed to be negotiating a \
                    peace settlement between Russia and Ukraine.";
        measure_regular(|m| {
            let lines = wrap(m, text, 48.0, 600.0, 10);
            assert!(lines.len() > 1, "{lines:?}");
            assert!(lines.iter().all(|l| m.width(l, 48.0) <= 600.0), "{lines:?}");
            assert_eq!(lines.join(" "), text, "every word, in order, none broken");
        });
    }

    #[test]
    fn a_long_quote_is_cut_at_a_word_with_an_ellipsis() {
        let text = "word ".repeat(400) + "end";
        measure_regular(|m| {
            let lines = wrap(m, &text, 48.0, 1000.0, 3);
            assert_eq!(lines.len(), 3);
            let last = lines.last().unwrap();
            assert!(last.ends_with("word…"), "cut after a whole word: {last:?}");
            assert!(m.width(last, 48.0) <= 1000.0);
            assert!(!lines.concat().contains("end"));
        });
    }

    #[test]
    fn a_word_wider_than_the_line_is_broken() {
        let url = "https://example.org/".to_string() + &"a".repeat(300);
        measure_regular(|m| {
            let lines = wrap(m, &url, 48.0, 400.0, 2);
            assert_eq!(lines.len(), 2);
            assert!(lines.iter().all(|l| m.width(l, 48.0) <= 400.0), "{lines:?}");
            assert!(lines[1].ends_with('…'));
        });
    }
}
