use super::*;

fn ids(doc: &Document) -> Vec<String> {
    doc.blocks.iter().map(|b| b.id.clone()).collect()
}

#[test]
fn plain_text_joins_blocks_with_one_newline() {
    let doc = Document::parse("First *one*.\n\nSecond `two`.\n", 1).unwrap();
    assert_eq!(doc.text.as_str(), "First one.\nSecond two.");
    assert_eq!(doc.blocks.len(), 2);
    assert_eq!(doc.text.slice(doc.blocks[1].range.clone()), "Second two.");
}

#[test]
fn ids_come_from_the_first_words() {
    let doc = Document::parse(
        "Why not? Perhaps because Ushakov listened.\n\n## A heading\n",
        1,
    )
    .unwrap();
    assert_eq!(
        ids(&doc),
        ["p-why-not-perhaps-because-ushakov-listened", "h-a-heading"]
    );
}

#[test]
fn ids_stay_put_when_a_paragraph_is_inserted_elsewhere() {
    let before = Document::parse("Alpha one.\n\nBeta two.\n\nGamma three.\n", 1).unwrap();
    let after = Document::parse(
        "New opening.\n\nAlpha one.\n\nBeta two.\n\nInserted.\n\nGamma three.\n",
        1,
    )
    .unwrap();
    for id in ids(&before) {
        assert!(
            after.block(&id).is_some(),
            "{id} was lost: {:?}",
            ids(&after)
        );
    }
}

#[test]
fn an_edit_past_the_first_words_keeps_the_id() {
    let before = Document::parse(
        "Pay attention to the dates, because the timing matters.\n",
        1,
    )
    .unwrap();
    let after = Document::parse(
        "Pay attention to the dates, because timing is everything.\n",
        1,
    )
    .unwrap();
    assert_eq!(ids(&before), ids(&after));
}

#[test]
fn repeated_openings_get_numbered_ids() {
    let doc = Document::parse("Same start here.\n\nSame start here.\n", 1).unwrap();
    assert_eq!(ids(&doc), ["p-same-start-here", "p-same-start-here-2"]);
}

#[test]
fn offsets_count_code_points_not_bytes() {
    let doc = Document::parse("“Quoted” Witkoff’s — café.\n", 1).unwrap();
    let text = &doc.text;
    assert_eq!(text.len(), "“Quoted” Witkoff’s — café.".chars().count());
    let at = text.as_str().find("Witkoff").unwrap();
    assert_eq!(text.char_of(at), 9);
    assert_eq!(text.slice(9..16), "Witkoff");
}

#[test]
fn markup_sits_between_text_runs() {
    let doc = Document::parse("A *b* [c](https://example.com/) d\n", 1).unwrap();
    let block = &doc.blocks[0];
    let runs: Vec<&str> = block.text_runs().map(|r| doc.text.slice(r)).collect();
    assert_eq!(runs, ["A ", "b", " ", "c", " d"]);
    assert!(
        block
            .segments
            .contains(&Segment::Markup("<a href=\"https://example.com/\">".into()))
    );
}

#[test]
fn nested_blocks_are_separated_in_the_plain_text() {
    let doc = Document::parse("> One.\n>\n> Two.\n\n- a\n- b\n", 1).unwrap();
    assert_eq!(doc.blocks.len(), 2);
    assert_eq!(doc.text.as_str(), "One.\nTwo.\na\nb");
}

#[test]
fn raw_html_is_refused_with_its_line() {
    let err = Document::parse("Fine.\n\n<script>alert(1)</script>\n", 10).unwrap_err();
    assert_eq!(err.line, 12);
    assert!(err.message.contains("raw HTML"), "{err}");
}

#[test]
fn unsafe_link_targets_are_refused() {
    let err = Document::parse("[x](javascript:alert(1))\n", 1).unwrap_err();
    assert!(err.message.contains("not allowed"), "{err}");
}

#[test]
fn block_at_finds_the_block_of_an_offset() {
    let doc = Document::parse("One.\n\nTwo.\n", 1).unwrap();
    assert_eq!(doc.block_at(0).unwrap().id, "p-one");
    assert_eq!(doc.block_at(4).unwrap().id, "p-one");
    assert_eq!(doc.block_at(5).unwrap().id, "p-two");
    assert!(doc.block_at(99).is_none());
}
