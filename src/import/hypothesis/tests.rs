use serde::Deserialize;
use serde_json::{Value, json};

use super::shape::Row;
use super::translate::{Placed, account, translate};
use crate::annotation::{Motivation, Target, TextPosition, Visibility};
use crate::document::PlainText;
use crate::import::Skip;

const ESSAY: &str = "Pay attention to the dates.\nWitkoff spoke with Ushakov on October 14.";

fn row(extra: Value) -> Row {
    let mut row = json!({
        "id": "Nm3Jp0v2EeqlBjsaWIi5ZA",
        "created": "2025-11-27T09:14:22.123456+00:00",
        "updated": "2025-11-28T10:00:00.000000+00:00",
        "user": "acct:marta_k@hypothes.is",
        "text": "A note.",
        "tags": [],
        "permissions": {"read": ["group:__world__"]},
        "target": [{"source": "https://example.org/essay"}],
    });
    for (key, value) in extra.as_object().unwrap() {
        row[key] = value.clone();
    }
    Row::deserialize(row).unwrap()
}

fn on(selectors: Value) -> Value {
    json!({"target": [{"source": "https://example.org/essay", "selector": selectors}]})
}

fn placed(row: &Row) -> Result<(crate::annotation::Annotation, Placed), Skip> {
    translate(row, "essay", &PlainText::new(ESSAY.to_string()))
}

#[test]
fn a_quote_anchors_by_its_words_whatever_the_other_pages_position() {
    let (note, placed) = placed(&row(on(json!([
        {"type": "RangeSelector", "startContainer": "/div[1]/p[7]", "startOffset": 0,
         "endContainer": "/div[1]/p[7]", "endOffset": 7},
        {"type": "TextPositionSelector", "start": 4012, "end": 4019},
        {"type": "TextQuoteSelector", "exact": "Ushakov", "prefix": "spoke with ", "suffix": " on"},
    ]))))
    .unwrap();
    assert_eq!(placed, Placed::Anchored);
    let Target::Text(passage) = &note.target else {
        panic!("{:?}", note.target)
    };
    assert_eq!(passage.quote.exact, "Ushakov");
    assert_eq!(passage.position, TextPosition { start: 47, end: 54 });
    assert!(
        passage
            .quote
            .prefix
            .ends_with("dates.\nWitkoff spoke with "),
        "the essay's own context: {:?}",
        passage.quote.prefix
    );
    assert_eq!(note.motivation, Motivation::Commenting);
    assert_eq!(note.id, "hypothesis-Nm3Jp0v2EeqlBjsaWIi5ZA");
    assert_eq!(note.creator, "marta_k@hypothes.is");
    assert_eq!(note.visibility, Visibility::Public);
}

#[test]
fn a_slightly_different_quote_anchors_fuzzily() {
    let (note, placed) = placed(&row(on(json!([
        {"type": "TextQuoteSelector", "exact": "Witkoff spoke with Ushakov on Oct. 14"},
    ]))))
    .unwrap();
    assert_eq!(placed, Placed::Anchored);
    assert!(
        note.target
            .quote()
            .starts_with("Witkoff spoke with Ushakov on Oct")
    );
}

#[test]
fn a_quote_not_in_the_essay_is_kept_as_an_orphan() {
    let (note, placed) = placed(&row(on(json!([
        {"type": "TextQuoteSelector", "exact": "a sentence the essay never had", "prefix": "", "suffix": ""},
        {"type": "TextPositionSelector", "start": 3, "end": 33},
    ]))))
    .unwrap();
    assert_eq!(placed, Placed::Orphaned);
    assert_eq!(note.target.quote(), "a sentence the essay never had");
}

#[test]
fn a_passage_without_words_is_a_private_highlight_when_hypothesis_kept_it_private() {
    let (note, placed) = placed(&row(json!({
        "text": "",
        "permissions": {"read": ["acct:marta_k@hypothes.is"]},
        "target": [{"source": "https://example.org/essay",
                    "selector": [{"type": "TextQuoteSelector", "exact": "the dates"}]}],
    })))
    .unwrap();
    assert_eq!(placed, Placed::Anchored);
    assert_eq!(note.motivation, Motivation::Highlighting);
    assert_eq!(note.body, None);
    assert_eq!(note.visibility, Visibility::Private);
}

#[test]
fn a_note_without_a_selector_is_on_the_whole_essay() {
    let (note, placed) = placed(&row(json!({}))).unwrap();
    assert_eq!((placed, note.target), (Placed::Page, Target::Page));
    assert_eq!(placed_skip(json!({"text": "  "})), Skip::Empty);
}

#[test]
fn a_reply_answers_the_last_of_its_references() {
    let (note, placed) = placed(&row(json!({"references": ["root", "middle"]}))).unwrap();
    assert_eq!(placed, Placed::Reply);
    assert_eq!(note.motivation, Motivation::Replying);
    assert_eq!(note.target, Target::Reply("hypothesis-middle".to_string()));
}

#[test]
fn tags_and_times_are_kept() {
    let (note, _) = placed(&row(
        json!({"tags": ["Diplomacy", " ", "Diplomacy", "Gaza"]}),
    ))
    .unwrap();
    assert_eq!(note.tags, ["Diplomacy", "Gaza"]);
    assert_eq!(note.created.unix_timestamp(), 1_764_234_862);
    assert_eq!(note.created.nanosecond(), 123_456_000);
    assert_eq!(note.modified.unix_timestamp(), 1_764_324_000);
}

fn placed_skip(extra: Value) -> Skip {
    placed(&row(extra)).unwrap_err()
}

#[test]
fn what_cannot_be_kept_is_skipped_with_its_reason() {
    assert_eq!(placed_skip(json!({"hidden": true})), Skip::Hidden);
    assert_eq!(
        placed_skip(on(
            json!([{"type": "RangeSelector", "startContainer": "/p[1]",
            "startOffset": 0, "endContainer": "/p[1]", "endOffset": 4}])
        )),
        Skip::NoQuote
    );
    assert_eq!(
        placed_skip(json!({"references": ["root"], "text": ""})),
        Skip::Empty
    );
    assert_eq!(
        placed_skip(json!({"text": "x".repeat(10_001)})),
        Skip::TooLong
    );
    assert!(matches!(
        placed_skip(json!({"created": "yesterday"})),
        Skip::Unreadable(_)
    ));
}

#[test]
fn an_account_is_the_hypothesis_acct_without_its_scheme() {
    assert_eq!(
        account("acct:marta_k@hypothes.is").as_deref(),
        Some("marta_k@hypothes.is")
    );
    assert_eq!(account("marta_k@hypothes.is"), None);
    assert_eq!(account("acct:marta"), None);
    assert_eq!(account("acct:<b>@hypothes.is"), None);
}
