//! Note bodies: Markdown to HTML that can sit inside a paragraph (margin notes are `<span>`s
//! in the text, as in Tufte CSS), sanitized so no script, event handler or `javascript:` link
//! survives.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::document::escape_html;

/// Renders a note's Markdown as phrasing content: block elements become classed spans.
pub fn note_html(markdown: &str) -> String {
    let mut html = String::with_capacity(markdown.len() * 2);
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(tag) => html.push_str(open(&tag).as_str()),
            Event::End(tag) => html.push_str(close(tag)),
            Event::Text(t) => html.push_str(&escape_html(&t)),
            Event::Code(t) => {
                html.push_str("<code>");
                html.push_str(&escape_html(&t));
                html.push_str("</code>");
            }
            Event::SoftBreak => html.push(' '),
            Event::HardBreak => html.push_str("<br>"),
            Event::Html(raw) | Event::InlineHtml(raw) => html.push_str(&escape_html(&raw)),
            _ => {}
        }
    }
    SANITIZER.clean(&html).to_string()
}

fn open(tag: &Tag) -> String {
    match tag {
        Tag::Paragraph => "<span class=\"np\">".into(),
        Tag::Heading { .. } => "<strong class=\"np\">".into(),
        Tag::BlockQuote(_) => "<span class=\"nq\">".into(),
        Tag::CodeBlock(_) => "<code class=\"np\">".into(),
        Tag::List(_) => "<span class=\"nl\">".into(),
        Tag::Item => "<span class=\"ni\">".into(),
        Tag::Emphasis => "<em>".into(),
        Tag::Strong => "<strong>".into(),
        Tag::Strikethrough => "<del>".into(),
        Tag::Link {
            dest_url, title, ..
        } if title.is_empty() => format!("<a href=\"{}\">", escape_html(dest_url)),
        Tag::Link {
            dest_url, title, ..
        } => format!(
            "<a href=\"{}\" title=\"{}\">",
            escape_html(dest_url),
            escape_html(title)
        ),
        _ => String::new(),
    }
}

fn close(tag: TagEnd) -> &'static str {
    match tag {
        TagEnd::Paragraph | TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item => "</span>",
        TagEnd::Heading(_) | TagEnd::Strong => "</strong>",
        TagEnd::CodeBlock => "</code>",
        TagEnd::Emphasis => "</em>",
        TagEnd::Strikethrough => "</del>",
        TagEnd::Link => "</a>",
        _ => "",
    }
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(HashSet::from([
            "a", "br", "code", "del", "em", "span", "strong",
        ]))
        .allowed_classes(
            [
                ("span", HashSet::from(["np", "nq", "nl", "ni"])),
                ("strong", HashSet::from(["np"])),
                ("code", HashSet::from(["np"])),
            ]
            .into(),
        )
        .tag_attributes([("a", HashSet::from(["href", "title"]))].into())
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow ugc"));
    builder
});

#[cfg(test)]
mod tests {
    use super::note_html;

    #[test]
    fn paragraphs_become_spans_so_notes_can_sit_in_text() {
        assert_eq!(
            note_html("One *two*.\n\nSource: The essay."),
            "<span class=\"np\">One <em>two</em>.</span><span class=\"np\">Source: The essay.</span>"
        );
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = note_html("Hi <script>alert(1)</script> <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn javascript_links_lose_their_target() {
        let html = note_html("[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1))");
        assert!(!html.to_lowercase().contains("href=\"javascript"), "{html}");
        assert!(html.contains('x') && html.contains('y'), "{html}");
    }

    #[test]
    fn links_keep_their_target_and_get_a_safe_rel() {
        let html = note_html("[Bloomberg](https://www.bloomberg.com/)");
        assert!(
            html.contains("href=\"https://www.bloomberg.com/\""),
            "{html}"
        );
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow ugc\""),
            "{html}"
        );
    }
}
