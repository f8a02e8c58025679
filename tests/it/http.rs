//! The pages over HTTP, through the router as the server runs it.

use crate::support::*;
use gloss::library::EntityKind;
use scraper::Html;

#[tokio::test]
async fn the_index_lists_the_essay() {
    let (_, router) = app().await;
    let reply = get_html(&router, "/").await;
    assert_eq!(reply.status, 200);
    let html = Html::parse_document(&reply.body);
    let links: Vec<_> = html
        .select(&selector(".essay-list a"))
        .filter_map(|a| a.attr("href"))
        .collect();
    assert_eq!(links, [format!("/articles/{ESSAY}")]);
}

#[tokio::test]
async fn the_reading_page_has_ids_notes_cards_and_safe_headers() {
    let (_, router) = app().await;
    let reply = get_html(&router, &format!("/articles/{ESSAY}")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["content-type"], "text/html; charset=utf-8");
    let csp = reply.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(reply.headers["x-content-type-options"], "nosniff");

    let html = Html::parse_document(&reply.body);
    let blocks: Vec<_> = html.select(&selector("article > p")).collect();
    assert_eq!(blocks.len(), 15);
    assert!(
        blocks
            .iter()
            .all(|b| b.attr("id").is_some_and(|id| id.starts_with("p-")))
    );
    assert_eq!(html.select(&selector("h1")).count(), 1);
    let notes = html
        .select(&selector("article .sidenote[role=note][data-aside]"))
        .count();
    assert!(notes >= 12, "{notes} notes");
    for person in [
        "steve-witkoff",
        "yuri-ushakov",
        "kirill-dmitriev",
        "vladimir-putin",
        "donald-trump",
        "volodymyr-zelensky",
    ] {
        let css = format!("a.mention-link[href=\"/people/{person}\"]");
        assert!(
            html.select(&selector(&css)).next().is_some(),
            "{person} is linked"
        );
    }
    assert!(!reply.body.contains("href=\"#\""), "no link goes nowhere");
}

#[tokio::test]
async fn a_second_request_is_served_from_the_cache_with_the_same_bytes() {
    let (state, router) = app().await;
    let first = get_html(&router, &format!("/articles/{ESSAY}")).await;
    let revision = state.store.revision(ESSAY).await.unwrap();
    let everyone = gloss::render::Show::All;
    let edition = state.catalog().essays.get(ESSAY).unwrap().edition();
    let version = gloss::web::Version { edition, revision };
    assert!(state.pages.get(ESSAY, everyone, version).is_some());
    let second = get_html(&router, &format!("/articles/{ESSAY}")).await;
    assert_eq!(first.body, second.body);
}

#[tokio::test]
async fn unknown_pages_are_readable_404s_for_browsers_and_problems_for_programs() {
    let (_, router) = app().await;
    for uri in [
        "/articles/no-such-essay",
        "/people/nobody",
        "/nowhere",
        "/static/x.css",
    ] {
        let page = get_html(&router, uri).await;
        assert_eq!(page.status, 404, "{uri}");
        assert!(
            page.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = Html::parse_document(&page.body);
        let h1 = heading(&html);
        assert_eq!(h1, "Not Found");

        let problem = get(&router, uri, "application/json").await;
        assert_eq!(problem.status, 404);
        assert_eq!(problem.headers["content-type"], "application/problem+json");
        let json: serde_json::Value = serde_json::from_str(&problem.body).unwrap();
        assert_eq!(json["status"], 404);
        assert_eq!(json["title"], "Not Found");
        assert!(json["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
}

/// Entity pages are routed kind by kind: each kind's segment leads to its entities' pages,
/// and no other first segment is taken for one.
#[tokio::test]
async fn every_kind_of_entity_has_pages_and_no_other_segment_does() {
    let (state, router) = app().await;
    let library = state.library();
    for kind in EntityKind::ALL {
        let entity = library
            .entities()
            .iter()
            .find(|e| e.kind == kind)
            .unwrap_or_else(|| panic!("the library has no {}", kind.label()));
        let path = format!("/{}/{}", kind.segment(), entity.id);
        let reply = get_html(&router, &path).await;
        assert_eq!(reply.status, 200, "{path}");
        let html = Html::parse_document(&reply.body);
        let h1 = heading(&html);
        assert_eq!(h1, entity.name, "{path}");
    }
    for path in [
        "/nonsense/witkoff",
        "/person/steve-witkoff",
        "/events/steve-witkoff",
    ] {
        let page = get_html(&router, path).await;
        assert_eq!(page.status, 404, "{path}");
        let media = page.headers["content-type"].to_str().unwrap();
        assert!(media.starts_with("text/html"), "{path}: {media}");
        let html = Html::parse_document(&page.body);
        let h1 = heading(&html);
        assert_eq!(h1, "Not Found", "{path}");
    }
    // No route takes the address, whatever the method: not a 405 from a route that matched.
    let post = send(&router, "POST", "/nonsense/witkoff", &[], None).await;
    assert_eq!(post.status, 404);
}

#[tokio::test]
async fn an_entity_page_gathers_every_mention_and_links_back_to_it() {
    let (_, router) = app().await;
    let article =
        Html::parse_document(&get_html(&router, &format!("/articles/{ESSAY}")).await.body);
    let reply = get_html(&router, "/people/yuri-ushakov").await;
    assert_eq!(reply.status, 200);
    let html = Html::parse_document(&reply.body);
    let h1 = heading(&html);
    assert_eq!(h1, "Yuri Ushakov");
    let hits: Vec<String> = html
        .select(&selector(".mention-list mark"))
        .map(|m| m.text().collect())
        .collect();
    assert!(hits.len() >= 6, "{hits:?}");
    assert!(
        hits.iter()
            .all(|h| h.starts_with("Ushakov") || h == "Yuri Ushakov")
    );
    for link in html.select(&selector("a.context-link")) {
        let href = link.attr("href").unwrap();
        let id = href.split_once('#').unwrap().1;
        assert!(
            article
                .select(&selector(&format!("#{id}")))
                .next()
                .is_some(),
            "{href} lands on a block of the essay"
        );
    }
    assert!(reply.body.contains("Source: "), "the note names its source");
}

#[tokio::test]
async fn an_event_page_shows_its_date_and_who_took_part() {
    let (_, router) = app().await;
    let reply = get_html(&router, "/events/witkoff-ushakov-call").await;
    assert_eq!(reply.status, 200);
    let html = Html::parse_document(&reply.body);
    let time = html.select(&selector(".entity-date time")).next().unwrap();
    assert_eq!(time.attr("datetime"), Some("2025-10-14"));
    let related: Vec<_> = html
        .select(&selector(".related a"))
        .filter_map(|a| a.attr("href"))
        .collect();
    assert!(
        related.contains(&"/people/steve-witkoff") && related.contains(&"/people/yuri-ushakov")
    );
}

#[tokio::test]
async fn the_timeline_lists_events_in_date_order_linked_to_the_essay() {
    let (_, router) = app().await;
    let reply = get_html(&router, "/timeline").await;
    assert_eq!(reply.status, 200);
    let html = Html::parse_document(&reply.body);
    let dates: Vec<&str> = html
        .select(&selector(".timeline-item > time"))
        .filter_map(|t| t.attr("datetime"))
        .collect();
    assert!(dates.len() >= 6);
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    assert!(
        dates.contains(&"2025-10-14")
            && dates.contains(&"2025-10-16")
            && dates.contains(&"2025-10-17")
    );
    let passages = html.select(&selector(".timeline-mentions a")).count();
    assert!(passages >= 6, "{passages}");
}

fn text(element: scraper::ElementRef) -> String {
    element.text().collect::<String>().trim().to_string()
}

/// Each `.related` section's heading, with the addresses it lists.
fn related_sections(html: &Html) -> Vec<(String, Vec<String>)> {
    html.select(&selector(".related"))
        .map(|section| {
            let heading = text(section.select(&selector("h2")).next().unwrap());
            let hrefs = section
                .select(&selector("a"))
                .filter_map(|a| a.attr("href").map(str::to_string))
                .collect();
            (heading, hrefs)
        })
        .collect()
}

#[tokio::test]
async fn a_summit_that_was_called_off_says_so_and_is_never_shown_as_held() {
    let (_, router) = app().await;
    let reply = get_html(&router, "/events/budapest-summit").await;
    assert_eq!(reply.status, 200);
    let html = Html::parse_document(&reply.body);
    let announced = html.select(&selector(".entity-date")).next().unwrap();
    assert_eq!(text(announced), "Announced October 16, 2025");
    let status = html.select(&selector(".entity-status")).next().unwrap();
    assert_eq!(
        text(status),
        "Called off October 22, 2025. It was never held."
    );
    let called_off = status.select(&selector("time")).next().unwrap();
    assert_eq!(called_off.attr("datetime"), Some("2025-10-22"));
    let sections = related_sections(&html);
    assert!(
        sections.iter().any(|(h, hrefs)| h == "Who was to take part"
            && hrefs.contains(&"/people/donald-trump".to_string())),
        "{sections:?}"
    );
    assert!(
        sections.contains(&(
            "Where it was to be held".to_string(),
            vec!["/places/budapest".to_string()]
        )),
        "{sections:?}"
    );
    assert!(!sections.iter().any(|(h, _)| h == "Who took part"));

    let timeline = Html::parse_document(&get_html(&router, "/timeline").await.body);
    let days: Vec<(String, String)> = timeline
        .select(&selector(".timeline-item"))
        .filter(|item| {
            item.select(&selector("h2 a"))
                .any(|a| a.attr("href") == Some("/events/budapest-summit"))
        })
        .map(|item| {
            let time = item.select(&selector("time")).next().unwrap();
            let status = item
                .select(&selector(".timeline-status"))
                .next()
                .map(text)
                .unwrap_or_default();
            (time.attr("datetime").unwrap().to_string(), status)
        })
        .collect();
    assert_eq!(
        days,
        [
            (
                "2025-10-16".to_string(),
                "Announced; called off on October 22, 2025 and never held.".to_string()
            ),
            (
                "2025-10-22".to_string(),
                "Called off. It had been announced on October 16, 2025 and was never held."
                    .to_string()
            ),
        ]
    );
}

#[tokio::test]
async fn organisations_and_places_have_pages_that_the_essays_mentions_link_to() {
    let (_, router) = app().await;
    let article =
        Html::parse_document(&get_html(&router, &format!("/articles/{ESSAY}")).await.body);
    for (path, words) in [
        ("/organisations/the-kremlin", "Kremlin"),
        ("/organisations/bloomberg", "Bloomberg"),
        ("/organisations/politico", "Politico"),
        ("/organisations/nato", "NATO"),
        ("/places/donetsk-province", "Donetsk province"),
        ("/places/gaza", "Gaza"),
        ("/places/budapest", "Budapest"),
        ("/places/washington", "Washington"),
        ("/places/arctic", "Arctic"),
    ] {
        let links: Vec<String> = article
            .select(&selector(&format!(
                "article a.mention-link[href=\"{path}\"]"
            )))
            .map(text)
            .collect();
        assert!(
            !links.is_empty() && links.iter().all(|l| l == words),
            "{path}: {links:?}"
        );
        let reply = get_html(&router, path).await;
        assert_eq!(reply.status, 200, "{path}");
        let page = Html::parse_document(&reply.body);
        let hits: Vec<String> = page
            .select(&selector(".mention-list mark"))
            .map(text)
            .collect();
        assert!(
            !hits.is_empty() && hits.iter().all(|h| h == words),
            "{path}: {hits:?}"
        );
        assert!(reply.body.contains("Source: "), "{path} names its source");
    }

    let fund = Html::parse_document(
        &get_html(&router, "/organisations/russian-direct-investment-fund")
            .await
            .body,
    );
    assert!(
        related_sections(&fund).contains(&(
            "People".to_string(),
            vec!["/people/kirill-dmitriev".to_string()]
        )),
        "{:?}",
        related_sections(&fund)
    );
}

#[tokio::test]
async fn the_published_recording_names_who_was_recorded_and_who_published_it() {
    let (_, router) = app().await;
    let leak = Html::parse_document(
        &get_html(&router, "/events/witkoff-ushakov-call-leak")
            .await
            .body,
    );
    let sections = related_sections(&leak);
    assert_eq!(
        sections,
        [
            (
                "Who was recorded".to_string(),
                vec![
                    "/people/steve-witkoff".to_string(),
                    "/people/yuri-ushakov".to_string()
                ]
            ),
            (
                "Published by".to_string(),
                vec!["/organisations/bloomberg".to_string()]
            ),
        ]
    );
    let bloomberg = Html::parse_document(&get_html(&router, "/organisations/bloomberg").await.body);
    assert!(
        related_sections(&bloomberg).contains(&(
            "Events".to_string(),
            vec!["/events/witkoff-ushakov-call-leak".to_string()]
        )),
        "{:?}",
        related_sections(&bloomberg)
    );
}

#[tokio::test]
async fn people_pages_carry_the_corrected_facts_with_their_sources() {
    let (_, router) = app().await;
    for (path, facts) in [
        (
            "/people/steve-witkoff",
            &[
                "former New York real-estate developer",
                "special envoy for peace missions",
            ][..],
        ),
        (
            "/people/volodymyr-zelensky",
            &["inauguration on May 20, 2019"][..],
        ),
        (
            "/people/yuri-ushakov",
            &[
                "since 2008",
                "presidential aide since May 2012",
                "from 1999 to 2008",
            ][..],
        ),
        (
            "/people/kirill-dmitriev",
            &["under sanctions on February 28, 2022"][..],
        ),
    ] {
        let page = Html::parse_document(&get_html(&router, path).await.body);
        let summary = text(page.select(&selector(".entity-summary")).next().unwrap());
        for fact in facts {
            assert!(summary.contains(fact), "{path}: {fact:?} in {summary:?}");
        }
        assert!(summary.contains("Source: "), "{path}");
    }
}

#[tokio::test]
async fn health_and_assets() {
    let (_, router) = app().await;
    let health = get(&router, "/healthz", "*/*").await;
    assert_eq!((health.status.as_u16(), health.body.as_str()), (200, "ok"));

    let page = get_html(&router, "/").await;
    let html = Html::parse_document(&page.body);
    let css = html
        .select(&selector("link[rel=stylesheet]"))
        .next()
        .unwrap()
        .attr("href")
        .unwrap();
    let js = html
        .select(&selector("script[type=module]"))
        .next()
        .unwrap()
        .attr("src")
        .unwrap();
    for (uri, kind) in [(css, "text/css"), (js, "text/javascript")] {
        let asset = get(&router, uri, "*/*").await;
        assert_eq!(asset.status, 200, "{uri}");
        assert!(
            asset.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind)
        );
        assert!(
            asset.headers["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
    }
}

/// The URLs of the scripts a served script imports, with `import` or `import()`: each by the
/// name its module is served under, beside it.
fn imported_urls(script: &str) -> Vec<String> {
    script
        .split("\"./")
        .skip(1)
        .map(|rest| {
            let file = &rest[..rest.find('"').unwrap()];
            let parts: Vec<&str> = file.split('.').collect();
            assert!(
                matches!(parts[..], [_, hash, "js"] if hash.len() == 10),
                "import of {file}, which is not a served name"
            );
            format!("/static/{file}")
        })
        .collect()
}

/// What a reading page loads: its scripts, the modules it names up front, and every import
/// of those, fetched.
async fn scripts_of_page(
    router: &axum::Router,
    cookie: Option<&str>,
) -> (Vec<String>, Vec<String>) {
    let uri = format!("/articles/{ESSAY}");
    let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
    let page = send(router, "GET", &uri, &headers, None).await;
    let html = Html::parse_document(&page.body);
    let attrs = |css: &str, attr: &str| -> Vec<String> {
        html.select(&selector(css))
            .map(|e| e.attr(attr).unwrap().to_owned())
            .collect()
    };
    let preloaded = attrs("link[rel=modulepreload]", "href");
    let mut imported = Vec::new();
    for uri in attrs("script[type=module]", "src").iter().chain(&preloaded) {
        let script = get(router, uri, "*/*").await;
        assert_eq!(script.status, 200, "{uri}");
        let kind = script.headers["content-type"].to_str().unwrap().to_owned();
        assert!(kind.starts_with("text/javascript"), "{uri}: {kind}");
        imported.extend(imported_urls(&script.body));
    }
    (preloaded, imported)
}

#[tokio::test]
async fn every_module_a_page_loads_is_named_up_front_under_its_served_name() {
    let (_, router) = app().await;
    let (preloaded, imported) = scripts_of_page(&router, None).await;
    assert!(preloaded.len() >= 5, "{preloaded:?}");
    for uri in &preloaded {
        assert!(
            imported.contains(uri),
            "{uri} is preloaded but imported by none"
        );
    }
    // Fetched only when the address carries a text fragment, or an edit of the essay comes,
    // by any reader: named to none.
    let on_a_text_fragment = |u: &String| u.starts_with("/static/textfragment.");
    let on_an_edit = |u: &String| u.starts_with("/static/reshape.");
    let later: Vec<_> = imported.iter().filter(|u| !preloaded.contains(u)).collect();
    assert!(
        later.iter().all(|u| on_a_text_fragment(u)
            || on_an_edit(u)
            || ["/static/actions.", "/static/editor."]
                .iter()
                .any(|m| u.starts_with(m))),
        "a signed-out page fetches only what annotators use later: {later:?}"
    );
    assert!(later.iter().any(|u| on_a_text_fragment(u)));
    assert!(later.iter().any(|u| on_an_edit(u)));

    let (_, cookie, _) = sign_up(&router, "ada", "/").await;
    let (preloaded, imported) = scripts_of_page(&router, Some(&cookie)).await;
    for uri in imported
        .iter()
        .filter(|u| !on_a_text_fragment(u) && !on_an_edit(u))
    {
        assert!(
            preloaded.contains(uri),
            "{uri} is imported but not preloaded"
        );
    }
    assert!(!preloaded.iter().any(on_a_text_fragment));
    assert!(!preloaded.iter().any(on_an_edit));
    assert!(preloaded.iter().any(|u| u.starts_with("/static/editor.")));
}

#[tokio::test]
async fn restarts_neither_duplicate_nor_lose_notes_and_edits_update() {
    let db_dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", db_dir.path().join("gloss.db").display());
    let articles = tempfile::tempdir().unwrap();
    copy_articles(articles.path());
    let count = |state: gloss::AppState| async move {
        state.store.changes_since(ESSAY, 0).await.unwrap().written
    };
    let first = count(
        gloss::serve::prepare(&serve_args(articles.path(), &url))
            .await
            .unwrap(),
    )
    .await;
    let second = count(
        gloss::serve::prepare(&serve_args(articles.path(), &url))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(first, second, "a restart changes nothing");

    let notes_path = articles.path().join(format!("{ESSAY}.notes.toml"));
    let notes = std::fs::read_to_string(&notes_path).unwrap();
    let edited = notes.replacen("Source:", "Edited note. Source:", 1);
    std::fs::write(&notes_path, &edited).unwrap();
    let state = gloss::serve::prepare(&serve_args(articles.path(), &url))
        .await
        .unwrap();
    let after = count(state.clone()).await;
    assert_eq!(after.len(), first.len());
    assert!(after.iter().any(|a| {
        a.body
            .as_deref()
            .is_some_and(|b| b.contains("Edited note."))
    }));
    let page = get_html(&gloss::build_router(state), &format!("/articles/{ESSAY}")).await;
    assert!(
        page.body.contains("Edited note."),
        "the page shows the edit"
    );
}

#[tokio::test]
async fn a_broken_note_stops_start_up_naming_file_and_line() {
    let articles = tempfile::tempdir().unwrap();
    write_library(
        articles.path(),
        &format!("{FRONT}Witkoff spoke.\n"),
        ENTITIES,
        Some("[[notes]]\nid = \"x\"\nquote = \"Ushakov\"\nbody = \"b\"\n"),
    );
    let err = gloss::serve::prepare(&serve_args(articles.path(), "sqlite::memory:"))
        .await
        .err()
        .unwrap();
    let message = format!("{err:#}");
    assert!(message.contains("essay.notes.toml:3:"), "{message}");
}

#[tokio::test]
async fn pages_are_compressed_for_clients_that_accept_it() {
    let (_, router) = app().await;
    let request = axum::http::Request::get(format!("/articles/{ESSAY}"))
        .header("accept-encoding", "gzip")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(router, request).await.unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn cached_pages_come_precompressed_and_revalidate_with_304() {
    let (_, router) = app().await;
    let uri = format!("/articles/{ESSAY}");
    let br = send(
        &router,
        "GET",
        &uri,
        &[("accept-encoding", "gzip, br")],
        None,
    )
    .await;
    assert_eq!(br.status, 200);
    assert_eq!(br.headers["content-encoding"], "br");
    assert!(
        br.headers["vary"]
            .to_str()
            .unwrap()
            .contains("Accept-Encoding")
    );
    let plain = send(&router, "GET", &uri, &[], None).await;
    assert!(plain.headers.get("content-encoding").is_none());
    assert!(plain.body.contains("<article"));
    let etag = plain.headers["etag"].to_str().unwrap().to_string();
    assert_eq!(
        br.headers["etag"],
        etag.as_str(),
        "one version, whatever the encoding"
    );
    let again = send(&router, "GET", &uri, &[("if-none-match", &etag)], None).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());

    let ann = reader_token(&router, "ann").await;
    send(
        &router,
        "POST",
        "/annotations/",
        &[("authorization", &ann)],
        Some(&comment("Why not?", "New.")),
    )
    .await;
    // Signed-out readers are served the version at hand while the new one is made.
    let mut changed = None;
    for _ in 0..200 {
        let again = send(&router, "GET", &uri, &[("if-none-match", &etag)], None).await;
        if again.status == 200 {
            changed = Some(again);
            break;
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert!(changed.is_some(), "a new annotation makes a new version");
}
