//! A reader chooses which notes the reading page shows: everyone's, the editors', their own or
//! none. The page carries every note with its kind and says the layer in `data-show`; a
//! paragraph whose notes the layer hides counts them in a link that opens it.

use std::collections::HashMap;

use crate::support::*;
use axum::Router;
use axum::body::Body;
use axum::http::Request;
use scraper::Html;

const PASSAGE: &str = "Let me back up and explain.";
const BLOCK: &str = "p-let-me-back-up-and-explain";
const FIRST: &str = "p-pay-attention-to-the-dates-because";

/// The reading page as a browser asks for it, with these extra headers.
async fn page(router: &Router, query: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request =
        Request::get(format!("/articles/{ESSAY}{query}")).header("accept", "text/html");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    respond(router, request.body(Body::empty()).unwrap()).await
}

/// The first element `css` selects; there must be one.
fn first<'a>(html: &'a Html, css: &str) -> scraper::ElementRef<'a> {
    let found = html.select(&selector(css)).next();
    found.unwrap_or_else(|| panic!("no {css}"))
}

fn shown_layer(html: &Html) -> String {
    let main = html.select(&selector("main")).next().expect("a <main>");
    main.value()
        .attr("data-show")
        .expect("data-show")
        .to_string()
}

/// The layer cookie a response sets, as a browser sends it back.
fn layer_cookie(reply: &Reply) -> Option<String> {
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gloss_show="))
        .map(|v| v.split(';').next().unwrap().to_string())
}

/// The kinds of the notes standing in block `id`, counted.
fn kinds_in(html: &Html, id: &str) -> HashMap<String, usize> {
    let mut kinds = HashMap::new();
    for note in html.select(&selector(&format!("#{id} > .sidenote"))) {
        let kind = note.value().attr("data-kind").expect("a note's kind");
        *kinds.entry(kind.to_string()).or_default() += 1;
    }
    kinds
}

/// What the margin of block `id` says of the notes each layer hides: by layer, the count.
fn placeholders(html: &Html, id: &str) -> HashMap<String, usize> {
    let mut said = HashMap::new();
    for link in html.select(&selector(&format!("#{id} > a.layer-more"))) {
        let text: String = link.text().collect();
        let count: usize = text.split(' ').next().unwrap().parse().unwrap();
        assert!(
            text.starts_with(&format!("{count} note")),
            "says how many: {text}"
        );
        let href = link.value().attr("href").unwrap();
        assert_eq!(href, format!("/articles/{ESSAY}?notes={id}#{id}"));
        for layer in link.value().attr("data-for").unwrap().split(' ') {
            assert!(
                said.insert(layer.to_string(), count).is_none(),
                "one word per layer"
            );
        }
    }
    said
}

fn hidden_by(kinds: &HashMap<String, usize>, hidden: &[&str]) -> usize {
    hidden
        .iter()
        .map(|k| kinds.get(*k).copied().unwrap_or(0))
        .sum()
}

#[tokio::test]
async fn the_page_says_which_layer_it_shows_and_remembers_it_in_a_cookie() {
    let (_, router) = app().await;
    let plain = page(&router, "", &[]).await;
    assert_eq!(shown_layer(&Html::parse_document(&plain.body)), "all");
    assert_eq!(layer_cookie(&plain), None, "nothing chosen, nothing set");

    for layer in ["editors", "mine", "none", "all"] {
        let chosen = page(&router, &format!("?show={layer}"), &[]).await;
        assert_eq!(chosen.status, 200);
        let html = Html::parse_document(&chosen.body);
        assert_eq!(shown_layer(&html), layer);
        let checked: Vec<_> = html
            .select(&selector("form.layers input[name=show][checked]"))
            .map(|i| i.value().attr("value").unwrap().to_string())
            .collect();
        assert_eq!(checked, [layer], "the control shows the choice");
        let cookie = layer_cookie(&chosen).expect("the choice is remembered");
        assert_eq!(cookie, format!("gloss_show={layer}"));

        let later = page(&router, "", &[("cookie", &cookie)]).await;
        assert_eq!(shown_layer(&Html::parse_document(&later.body)), layer);
        assert_eq!(layer_cookie(&later), None);
    }

    let token = reader_token(&router, "chooser").await;
    let signed_in = [
        ("authorization", token.as_str()),
        ("cookie", "gloss_show=mine"),
    ];
    let mine = page(&router, "", &signed_in).await;
    assert_eq!(shown_layer(&Html::parse_document(&mine.body)), "mine");
    let asked = page(&router, "?show=editors", &signed_in).await;
    assert_eq!(
        shown_layer(&Html::parse_document(&asked.body)),
        "editors",
        "a signed-in reader's page kept for one layer is not sent for another"
    );
}

#[tokio::test]
async fn an_unknown_layer_is_a_readable_error_and_a_broken_cookie_is_ignored() {
    let (_, router) = app().await;
    let wrong = page(&router, "?show=everything", &[]).await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.body.contains("<html"), "a page for browsers");
    assert!(
        wrong.body.contains("show: unknown variant `everything`"),
        "names the parameter and the value: {}",
        wrong.body
    );
    let crumbs = page(&router, "", &[("cookie", "gloss_show=everything")]).await;
    assert_eq!(crumbs.status, 200);
    assert_eq!(shown_layer(&Html::parse_document(&crumbs.body)), "all");
}

#[tokio::test]
async fn every_note_and_mark_carries_its_kind_and_each_layer_counts_what_it_hides() {
    let (_, router) = app().await;
    let mine = reader_token(&router, "annotator").await;
    let other = reader_token(&router, "neighbour").await;
    let own = id_of(&create(&router, &mine, &comment(PASSAGE, "Mine.")).await);
    let theirs = id_of(&create(&router, &other, &comment(PASSAGE, "Theirs.")).await);
    create(
        &router,
        &other,
        &comment("Pay attention to the dates", "Also theirs."),
    )
    .await;

    let signed_out = Html::parse_document(&page(&router, "", &[]).await.body);
    let signed_in =
        Html::parse_document(&page(&router, "", &[("authorization", &mine)]).await.body);
    for (html, own_kind) in [(&signed_out, "reader"), (&signed_in, "own")] {
        let note = |id: &str| {
            let sel = selector(&format!("#note-{id}"));
            html.select(&sel)
                .next()
                .unwrap()
                .value()
                .attr("data-kind")
                .unwrap()
                .to_string()
        };
        assert_eq!(note(&own), own_kind);
        assert_eq!(note(&theirs), "reader");
        for mark in html.select(&selector("mark.note-mark")) {
            let id = mark.value().attr("data-annotation").unwrap();
            assert_eq!(
                mark.value().attr("data-kind"),
                Some(note(id).as_str()),
                "a mark is of its note's kind"
            );
        }
        for block in [BLOCK, FIRST] {
            let kinds = kinds_in(html, block);
            let said = placeholders(html, block);
            let expected = [
                ("editors", hidden_by(&kinds, &["reader", "own"])),
                ("mine", hidden_by(&kinds, &["reader", "editorial"])),
                ("none", hidden_by(&kinds, &["reader", "own", "editorial"])),
            ];
            for (layer, hidden) in expected {
                assert_eq!(
                    said.get(layer).copied().unwrap_or(0),
                    hidden,
                    "{block} under {layer}: {kinds:?} {said:?}"
                );
            }
            assert!(!said.contains_key("all"));
        }
    }
    let kinds = kinds_in(&signed_in, BLOCK);
    assert_eq!(kinds.get("own"), Some(&1));
    assert_eq!(kinds.get("reader"), Some(&1));
    assert!(
        kinds_in(&signed_out, FIRST)
            .get("editorial")
            .is_some_and(|n| *n > 0),
        "the first paragraph carries the editors' notes"
    );
    let library = gloss::library::Library::load(&repo_articles()).unwrap();
    let text = library.article(ESSAY).unwrap().document.text.as_str();
    assert_eq!(
        article_text(&signed_out),
        text,
        "the counts are no part of the essay's text"
    );
}

#[tokio::test]
async fn an_opened_paragraph_and_a_linked_note_show_whatever_the_layer() {
    let (_, router) = app().await;
    let token = reader_token(&router, "annotator").await;
    let id = id_of(&create(&router, &token, &comment(PASSAGE, "A thought.")).await);
    let hiding = [("cookie", "gloss_show=none")];

    let opened = Html::parse_document(
        &page(&router, &format!("?notes={BLOCK}"), &hiding)
            .await
            .body,
    );
    let block = first(&opened, &format!("#{BLOCK}"));
    assert!(
        block.value().attr("data-reveal").is_some(),
        "the paragraph opened shows all"
    );
    assert!(
        placeholders(&opened, BLOCK).is_empty(),
        "nothing is counted as hidden"
    );
    let elsewhere = first(&opened, &format!("#{FIRST}"));
    assert!(elsewhere.value().attr("data-reveal").is_none());

    let linked = Html::parse_document(
        &page(&router, &format!("?annotation={id}"), &hiding)
            .await
            .body,
    );
    let note = first(&linked, &format!("#note-{id}"));
    assert_eq!(
        note.value().attr("data-kind"),
        Some("target"),
        "no layer hides it"
    );
    let mark = format!("mark[data-annotation=\"{id}\"]");
    let mark = linked.select(&selector(&mark)).next().unwrap();
    assert_eq!(mark.value().attr("data-kind"), Some("target"));
}

#[tokio::test]
async fn each_layer_is_the_same_blocks_under_its_own_top_kept_for_signed_out_readers() {
    let (_, router) = app().await;
    let token = reader_token(&router, "annotator").await;
    create(&router, &token, &comment(PASSAGE, "A thought.")).await;
    let article = |body: &str| {
        let start = body.find("<article").unwrap();
        let end = body.find("</article>").unwrap();
        body[start..end].to_string()
    };
    let all = page(&router, "", &[]).await;
    let mut etags = vec![all.headers["etag"].clone()];
    for layer in ["editors", "mine", "none"] {
        let cookie = format!("gloss_show={layer}");
        let first = page(&router, "", &[("cookie", &cookie)]).await;
        let again = page(&router, "", &[("cookie", &cookie)]).await;
        assert_eq!(
            first.headers["etag"], again.headers["etag"],
            "{layer}: kept"
        );
        assert_eq!(
            article(&first.body),
            article(&all.body),
            "{layer}: the same blocks"
        );
        etags.push(first.headers["etag"].clone());
        let unchanged = page(
            &router,
            "",
            &[
                ("cookie", &cookie),
                ("if-none-match", first.headers["etag"].to_str().unwrap()),
            ],
        )
        .await;
        assert_eq!(unchanged.status, 304);
    }
    etags.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    etags.dedup();
    assert_eq!(etags.len(), 4, "each layer is a page of its own");
}
