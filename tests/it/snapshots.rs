//! The essay as drawn, kept as snapshots to review when rendering changes: the first paragraph
//! with the editors' notes and cards, a paragraph with a reader's note and its reply, and the
//! fragments a signed-in reader's page swaps in. What changes from run to run (ids, today's
//! date, versions, revisions) is replaced by a name; the assertions that matter are beside.

use crate::support::*;

const FIRST: &str = "p-pay-attention-to-the-dates-because";
const BLOCK: &str = "p-let-me-back-up-and-explain";

/// Block `id` of a reading page, as sent.
fn block<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<p id=\"{id}\""))
        .unwrap_or_else(|| panic!("no paragraph {id}"));
    let end = start + page[start..].find("</p>").expect("the paragraph ends") + "</p>".len();
    &page[start..end]
}

/// `text` with each of `names` (what to find, what to call it) replaced, and every block
/// version too.
fn redacted(text: &str, names: &[(&str, &str)]) -> String {
    let mut text = text.to_string();
    for (found, name) in names {
        text = text.replace(found, name);
    }
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("data-v=\"") {
        let value = at + "data-v=\"".len();
        out.push_str(&rest[..value]);
        out.push_str("[version]");
        rest = &rest[value + rest[value..].find('"').unwrap()..];
    }
    out.push_str(rest);
    // A line for each mark, note, card and link, so that a change reads as a change of lines.
    for start in [
        "<mark",
        "<input",
        "<span class=\"sidenote",
        "<span class=\"mention\"",
        "<span class=\"reply\"",
        "<a class=\"",
    ] {
        out = out.replace(start, &format!("\n{start}"));
    }
    out
}

/// Today's date as notes show it, both ways.
fn today() -> [(String, &'static str); 2] {
    let now = time::OffsetDateTime::now_utc().date();
    [
        (now.to_string(), "[date]"),
        (gloss::render::format_date(now), "[date as read]"),
    ]
}

#[tokio::test]
async fn the_first_paragraph_as_shipped() {
    let (_, router) = app().await;
    let page = get_html(&router, &format!("/articles/{ESSAY}")).await.body;
    let first = block(&page, FIRST);
    assert!(first.contains("class=\"sidenote editorial\""));
    insta::assert_snapshot!(redacted(first, &[]));
}

#[tokio::test]
async fn a_readers_note_with_its_reply() {
    let (_, router) = app().await;
    let token = reader_token(&router, "snapshot").await;
    let note = comment(
        "Let me back up and explain.",
        "Why *here*? See [the call](https://example.com/call).",
    );
    let note = id_of(&create(&router, &token, &note).await);
    let reply = serde_json::json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "replying",
        "body": [{"type": "TextualBody", "value": "Because of the dates.", "format": "text/markdown"}],
        "target": format!("/annotations/{note}"),
    });
    let reply = id_of(&create(&router, &token, &reply).await);
    let page = get_html(&router, &format!("/articles/{ESSAY}")).await.body;
    let paragraph = block(&page, BLOCK);
    assert!(paragraph.contains("Because of the dates."));
    let [date, read] = today();
    let names = [
        (note.as_str(), "[note]"),
        (reply.as_str(), "[reply]"),
        (date.0.as_str(), date.1),
        (read.0.as_str(), read.1),
    ];
    insta::assert_snapshot!(redacted(paragraph, &names));
}

#[tokio::test]
async fn the_fragments_of_a_signed_in_readers_page() {
    let (_, router) = app().await;
    let token = reader_token(&router, "fragments").await;
    let note = comment("Let me back up and explain.", "A private thought.");
    let mut note = note;
    note["visibility"] = serde_json::json!("private");
    let id = id_of(&create(&router, &token, &note).await);
    let reply = send(
        &router,
        "GET",
        &format!("/articles/{ESSAY}/fragments"),
        &[("authorization", token.as_str())],
        None,
    )
    .await;
    assert_eq!(reply.status, 200);
    let fragments = reply.json();
    let blocks = fragments["blocks"].as_array().unwrap();
    let mine = blocks
        .iter()
        .find(|b| b["id"] == BLOCK)
        .expect("the paragraph with the note");
    let html = mine["html"].as_str().unwrap();
    assert!(html.contains("data-kind=\"own\""), "the reader's own note");
    let [date, read] = today();
    let names = [
        (id.as_str(), "[note]"),
        (date.0.as_str(), date.1),
        (read.0.as_str(), read.1),
    ];
    let summary = serde_json::json!({
        "blocks": blocks.len(),
        "this block": redacted(html, &names).lines().collect::<Vec<_>>(),
        "orphans": fragments["orphans"],
        "footnotes mention it": fragments["footnotes"].as_str().unwrap().contains("A private thought."),
    });
    insta::assert_snapshot!(serde_json::to_string_pretty(&summary).unwrap());
}
