//! `gloss export` and `gloss import`: a round trip into an empty database gives the same
//! annotations, on passages and on the whole essay, hidden ones still hidden, with their other
//! identities; the file is a W3C AnnotationCollection. The rest of a site (accounts, groups,
//! shares, moderation) is `site_move.rs`.

use crate::support::*;
use crate::w3c_conformance::harness::{
    ANNOTATION_MUSTS, COLLECTION_MUSTS, failed_files, failures, page_musts_for,
    with_inherited_context,
};

#[tokio::test]
async fn a_round_trip_into_an_empty_database_gives_the_same_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let first = format!("sqlite://{}", dir.path().join("first.db").display());
    let second = format!("sqlite://{}", dir.path().join("second.db").display());
    let file = dir.path().join("export.jsonld");

    let state = gloss::serve::prepare(&serve_args(&repo_articles(), &first))
        .await
        .unwrap();
    let router = gloss::build_router(state.clone());
    let ann = reader_token(&router, "ann").await;
    let bob = reader_token(&router, "bob").await;
    let mut private = comment("Let me back up and explain.", "Mine *alone*.");
    private["visibility"] = serde_json::json!("private");
    private["body"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"type": "TextualBody", "value": "mine", "purpose": "tagging"}));
    let mut question = comment("Why not?", "A question.");
    question["canonical"] = serde_json::json!("urn:uuid:6b1a1f4e-9f2e-4c1e-8f57-0b9e51e2c0aa");
    question["via"] = serde_json::json!(["https://a.example/q", "https://b.example/q"]);
    let note = send(
        &router,
        "POST",
        "/annotations/",
        &[("authorization", &ann)],
        Some(&question),
    )
    .await
    .json();
    send(
        &router,
        "POST",
        "/annotations/",
        &[("authorization", &ann)],
        Some(&private),
    )
    .await;
    let reply = serde_json::json!({"motivation": "replying", "bodyValue": "An answer.", "target": note["id"]});
    send(
        &router,
        "POST",
        "/annotations/",
        &[("authorization", &bob)],
        Some(&reply),
    )
    .await;
    let highlight = serde_json::json!({"motivation": "highlighting", "target": {"source": format!("/articles/{ESSAY}"), "selector": {"type": "TextQuoteSelector", "exact": "Putin followed it."}}});
    send(
        &router,
        "POST",
        "/annotations/",
        &[("authorization", &bob)],
        Some(&highlight),
    )
    .await;
    let on_the_whole = create(&router, &bob, &page_note("On the *whole*."))
        .await
        .json();
    let answer = serde_json::json!({"motivation": "replying", "bodyValue": "Whole answer.", "target": on_the_whole["id"]});
    create(&router, &ann, &answer).await;
    let hidden = note["id"].as_str().unwrap().rsplit('/').next().unwrap();
    let at = time::OffsetDateTime::now_utc();
    state
        .store
        .set_hidden(hidden, true, "editor", at)
        .await
        .unwrap();
    let original = state.store.all().await.unwrap();
    assert!(original.iter().any(|a| a.hidden));
    assert!(original.len() >= 4 + 12);
    assert!(
        original
            .iter()
            .any(|a| a.identities.canonical.is_some() && a.identities.via.len() == 2),
        "a note with other identities is exported"
    );

    let bin = env!("CARGO_BIN_EXE_gloss");
    let export = std::process::Command::new(bin)
        .args(["export", "--database-url", &first, "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(json["type"], "AnnotationCollection");
    assert_eq!(json["total"], original.len());
    let collection = failed_files(&failures(COLLECTION_MUSTS.iter(), &json));
    assert!(collection.is_empty(), "the collection fails {collection:?}");
    let first = with_inherited_context(&json["first"], &json["@context"]);
    let page = failed_files(&failures(page_musts_for(&first), &first));
    assert!(page.is_empty(), "its page fails {page:?}");
    for item in json["first"]["items"].as_array().unwrap() {
        let failed = failed_files(&failures(ANNOTATION_MUSTS.iter(), item));
        assert!(failed.is_empty(), "{item} fails {failed:?}");
    }

    let import = std::process::Command::new(bin)
        .args(["import", "--database-url", &second])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let copy = gloss::store::connect(&second)
        .await
        .unwrap()
        .all()
        .await
        .unwrap();
    assert_eq!(copy, original);

    let again = std::process::Command::new(bin)
        .args(["import", "--database-url", &second])
        .arg(&file)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(
        said.contains(&format!(
            "imported 0 annotations, skipped {}",
            original.len()
        )),
        "{said}"
    );
}
