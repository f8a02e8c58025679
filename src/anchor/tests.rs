use super::*;
use crate::document::Document;

fn text(s: &str) -> PlainText {
    PlainText::new(s.to_string())
}

fn target(doc: &PlainText, exact: &str) -> TextTarget {
    let at = doc.char_of(doc.as_str().find(exact).unwrap());
    describe(doc, at..at + exact.chars().count())
}

#[test]
fn describe_keeps_32_characters_of_context() {
    let t = text(&format!("{}TARGET{}", "a".repeat(40), "b".repeat(40)));
    let sel = target(&t, "TARGET");
    assert_eq!(sel.quote.prefix, "a".repeat(32));
    assert_eq!(sel.quote.suffix, "b".repeat(32));
    assert_eq!(sel.position, TextPosition { start: 40, end: 46 });
}

#[test]
fn the_position_is_used_when_its_text_still_matches() {
    let t = text("Witkoff spoke with Ushakov.");
    let found = anchor(&t, &target(&t, "Ushakov")).unwrap();
    assert_eq!((found.range, found.method), (19..26, Method::Position));
}

#[test]
fn an_insertion_before_moves_the_anchor_by_quote() {
    let old = text("Witkoff spoke with Ushakov.");
    let sel = target(&old, "Ushakov");
    let new = text("On October 14, Witkoff spoke with Ushakov.");
    let found = anchor(&new, &sel).unwrap();
    assert_eq!(new.slice(found.range), "Ushakov");
    assert_eq!(found.method, Method::Quote);
}

#[test]
fn context_picks_the_right_repeat() {
    let old = text("Putin called. Later Trump called. Then Putin called again.");
    let at = old.as_str().rfind("Putin").unwrap();
    let sel = describe(&old, old.char_of(at)..old.char_of(at) + 5);
    let new = text("Putin called first. Later Trump called. Then Putin called again.");
    let found = anchor(&new, &sel).unwrap();
    assert_eq!(
        found.range.start,
        new.char_of(new.as_str().rfind("Putin").unwrap())
    );
}

#[test]
fn a_reworded_passage_anchors_fuzzily() {
    let old = text("The call lasted for more than two hours. Trump said it was productive.");
    let sel = target(&old, "The call lasted for more than two hours.");
    let new = text("The call lasted for well over two hours. Trump said it was productive.");
    let found = anchor(&new, &sel).unwrap();
    assert_eq!(found.method, Method::Fuzzy);
    assert!(
        new.slice(found.range)
            .starts_with("The call lasted for well over two hours")
    );
}

#[test]
fn a_removed_passage_is_an_orphan() {
    let old = text("Ushakov gave Putin this advice. Putin followed it.");
    let sel = target(&old, "Ushakov gave Putin this advice.");
    let new = text("Putin followed it.");
    assert!(anchor(&new, &sel).is_none());
}

#[test]
fn annotations_anchor_or_are_orphans() {
    use crate::annotation::{Annotation, Motivation, Target, Visibility};
    let doc = Document::parse("Witkoff spoke with Ushakov.\n", 1).unwrap();
    let make = |id: &str, exact: &str| Annotation {
        id: id.into(),
        identities: Default::default(),
        article: "a".into(),
        creator: "reader".into(),
        editorial: false,
        motivation: Motivation::Highlighting,
        body: None,
        entity: None,
        tags: vec![],
        visibility: Visibility::Public,
        group: None,
        target: Target::Text(TextTarget {
            quote: TextQuote {
                exact: exact.into(),
                ..Default::default()
            },
            position: TextPosition { start: 0, end: 0 },
        }),
        hidden: false,
        created: time::OffsetDateTime::UNIX_EPOCH,
        modified: time::OffsetDateTime::UNIX_EPOCH,
    };
    let annotations = [
        make("a", "Ushakov"),
        make("b", "Budapest summit at the palace"),
    ];
    let (placed, orphans): (Vec<_>, Vec<_>) = annotations
        .iter()
        .map(|a| match &a.target {
            Target::Text(t) => (a, anchor(&doc.text, t)),
            Target::Reply(_) | Target::Page => unreachable!("both target the text"),
        })
        .partition(|(_, found)| found.is_some());
    assert_eq!(placed.len(), 1);
    assert_eq!(placed[0].1.as_ref().unwrap().range, 19..26);
    assert_eq!(orphans.len(), 1);
    assert_eq!(orphans[0].0.id, "b");
}
