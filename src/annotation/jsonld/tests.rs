use super::*;
use crate::annotation::TextTarget;

fn urls() -> Urls {
    Urls {
        base: "https://gloss.test".into(),
    }
}

fn comment() -> Value {
    json!({
        "@context": CONTEXT,
        "type": "Annotation",
        "body": [
            {"type": "TextualBody", "value": " A *note* ", "format": "text/markdown"},
            {"type": "TextualBody", "value": "dates", "purpose": "tagging"}
        ],
        "target": {
            "source": "https://gloss.test/articles/essay#p-x",
            "selector": [
                {"type": "TextQuoteSelector", "exact": "Witkoff", "prefix": "Steve "},
                {"type": "TextPositionSelector", "start": 6, "end": 13}
            ]
        }
    })
}

#[test]
fn a_comment_is_read_with_its_tags_and_target() {
    let draft = from_jsonld(&comment()).unwrap();
    assert_eq!(draft.motivation, Motivation::Commenting);
    assert_eq!(draft.body.as_deref(), Some("A *note*"));
    assert_eq!(draft.tags, ["dates"]);
    assert_eq!(draft.visibility, Visibility::Public);
    let DraftTarget::Text {
        path,
        quote,
        position,
    } = draft.target
    else {
        panic!("a text target");
    };
    assert_eq!(path, "/articles/essay");
    assert_eq!(quote.unwrap().prefix, "Steve ");
    assert_eq!(position, Some(TextPosition { start: 6, end: 13 }));
}

#[test]
fn a_reply_targets_an_annotation_by_url() {
    let draft = from_jsonld(&json!({
        "motivation": "replying",
        "bodyValue": "Agreed.",
        "target": "https://gloss.test/annotations/0190-abc"
    }))
    .unwrap();
    assert_eq!(draft.target, DraftTarget::Reply("0190-abc".into()));
}

#[test]
fn an_essay_without_a_selector_is_a_page_note() {
    for target in [
        json!("/articles/a"),
        json!("https://gloss.example/articles/a?x=1#top"),
        json!({"source": "/articles/a"}),
        json!([{"type": "SpecificResource", "source": "https://gloss.example/articles/a"}]),
    ] {
        let draft = from_jsonld(&json!({"bodyValue": "On it all.", "target": target})).unwrap();
        assert_eq!(
            draft.target,
            DraftTarget::Page {
                path: "/articles/a".into()
            },
            "{target}"
        );
        assert_eq!(draft.motivation, Motivation::Commenting);
    }
}

#[test]
fn bad_fields_are_named() {
    let cases = [
        (json!({"target": "x", "type": "Note"}), "\"type\""),
        (json!({"bodyValue": "x"}), "\"target\""),
        (
            json!({"target": {"source": "/articles/a", "selector": {"type": "CssSelector"}}}),
            "TextQuoteSelector",
        ),
        (json!({"target": {"source": "/articles/a"}}), "needs a body"),
        (json!({"bodyValue": "x", "target": "/essays/a"}), "neither"),
        (
            json!({"target": {"source": "/articles/a", "selector": {"type": "TextQuoteSelector", "exact": ""}}}),
            "\"exact\"",
        ),
        (
            json!({"motivation": "commenting", "target": {"source": "/articles/a", "selector": {"type": "TextQuoteSelector", "exact": "a"}}}),
            "body",
        ),
        (
            json!({"visibility": "secret", "target": {"source": "/articles/a", "selector": {"type": "TextQuoteSelector", "exact": "a"}}}),
            "\"visibility\"",
        ),
        (
            json!({"bodyValue": "x".repeat(MAX_BODY_CHARS + 1), "target": {"source": "/articles/a", "selector": {"type": "TextQuoteSelector", "exact": "a"}}}),
            "longer than",
        ),
    ];
    for (value, field) in cases {
        let err = from_jsonld(&value).unwrap_err();
        assert!(err.contains(field), "{value}: {err}");
    }
}

#[test]
fn what_is_written_reads_back_the_same() {
    let a = Annotation {
        id: "abc".into(),
        identities: Default::default(),
        article: "essay".into(),
        creator: "ann".into(),
        editorial: false,
        motivation: Motivation::Commenting,
        body: Some("A note".into()),
        entity: None,
        tags: vec!["t1".into(), "t2".into()],
        visibility: Visibility::Private,
        group: None,
        target: Target::Text(TextTarget {
            quote: TextQuote {
                exact: "Witkoff".into(),
                prefix: "Steve ".into(),
                suffix: " spoke".into(),
            },
            position: TextPosition { start: 6, end: 13 },
        }),
        hidden: false,
        created: OffsetDateTime::UNIX_EPOCH,
        modified: OffsetDateTime::UNIX_EPOCH,
    };
    let value = to_jsonld(&a, &urls());
    assert_eq!(value["id"], "https://gloss.test/annotations/abc");
    let draft = from_jsonld(&value).unwrap();
    assert_eq!(draft.body, a.body);
    assert_eq!(draft.tags, a.tags);
    assert_eq!(draft.visibility, Visibility::Private);
    let p = provenance(&value).unwrap();
    assert_eq!((p.id.as_str(), p.creator.as_str()), ("abc", "ann"));
}

#[test]
fn url_paths_drop_host_query_and_fragment() {
    assert_eq!(url_path("https://x.org/articles/a?b=1#c"), "/articles/a");
    assert_eq!(url_path("/articles/a#p"), "/articles/a");
    assert_eq!(url_path("http://x.org"), "/");
}

#[test]
fn other_identities_are_absolute_iris_kept_as_sent() {
    for iri in [
        "urn:uuid:dbfb1861-0ecf-41ad-be94-a584e5c4f1df",
        "https://example.org/a?b=c&d=%C3%BC#e",
        "tag:example.org,2026:note-1",
    ] {
        assert_eq!(absolute_iri("canonical", iri).as_deref(), Ok(iri));
    }
    for iri in [
        "",
        "no-scheme",
        "/annotations/relative",
        "1http://digit.first",
        "https://spa ce.example/",
        "https://example.org/café",
        "https://example.org/%zz",
        "mailto:",
    ] {
        assert!(absolute_iri("canonical", iri).is_err(), "{iri:?}");
    }
    let mut value = comment();
    value["canonical"] = json!("urn:x:1");
    value["via"] = json!(["https://a.example/1", "https://a.example/1"]);
    value["id"] = json!("https://b.example/2");
    let mut draft = from_jsonld(&value).unwrap();
    assert_eq!(draft.identities.canonical.as_deref(), Some("urn:x:1"));
    assert_eq!(draft.identities.via, ["https://a.example/1"], "once each");
    keep_sent_id(&value, &mut draft.identities).unwrap();
    assert_eq!(
        draft.identities.via,
        ["https://a.example/1", "https://b.example/2"]
    );
    value["id"] = json!("/annotations/relative");
    let mut relative = from_jsonld(&value).unwrap();
    keep_sent_id(&value, &mut relative.identities).unwrap();
    assert_eq!(relative.identities.via, ["https://a.example/1"]);
}
