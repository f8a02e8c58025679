//! Real answers checked against what the description documents for them: status, media type
//! and body schema.

use super::*;

/// What is wrong with `instance` as one of the description's schemas.
fn violations(doc: &Value, schema: &str, instance: &Value) -> Vec<String> {
    let root = json!({
        "$ref": format!("#/components/schemas/{schema}"),
        "components": doc["components"],
    });
    let validator = jsonschema::options()
        .with_draft(Draft::Draft202012)
        .build(&root)
        .unwrap_or_else(|e| panic!("the {schema} schema does not compile: {e}"));
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn assert_conforms(doc: &Value, schema: &str, instance: &Value) {
    let errors = violations(doc, schema, instance);
    assert!(
        errors.is_empty(),
        "not a {schema}: {errors:#?}\n{instance:#}"
    );
}

fn media_type(reply: &Reply) -> String {
    reply.headers["content-type"].to_str().unwrap().to_string()
}

/// The schema a response documents, by name.
fn documented(doc: &Value, path: &str, method: &str, status: &str, media: &str) -> String {
    let response = resolve(doc, &doc["paths"][path][method]["responses"][status]);
    let reference = response["content"][media]["schema"]["$ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{method} {path} {status} {media}: no schema"));
    reference.rsplit('/').next().unwrap().to_string()
}

/// What the server answers is what the description says: its own examples, sent as a client
/// would, come back with the documented statuses, media types and bodies.
#[tokio::test]
async fn the_server_answers_as_described() {
    let (_, router) = app().await;
    let doc = description(&router).await;
    let token = reader_token(&router, "reader").await;
    let auth = [("authorization", token.as_str())];
    let annotation = documented(&doc, "/annotations/", "post", "201", MEDIA_TYPE);

    let examples =
        doc["paths"]["/annotations/"]["post"]["requestBody"]["content"][MEDIA_TYPE]["examples"]
            .as_object()
            .expect("the create examples")
            .clone();
    assert!(examples.len() >= 3);
    for (name, example) in &examples {
        let created = send(
            &router,
            "POST",
            "/annotations/",
            &auth,
            Some(&example["value"]),
        )
        .await;
        assert_eq!(created.status, 201, "example {name}: {}", created.body);
        assert_eq!(media_type(&created), MEDIA_TYPE);
        assert!(created.headers.contains_key("location") && created.headers.contains_key("etag"));
        assert_conforms(&doc, "AnnotationInput", &example["value"]);
        assert_conforms(&doc, &annotation, &created.json());
        let mut broken = created.json();
        broken.as_object_mut().unwrap().remove("id");
        broken["visibility"] = json!("friends");
        assert_eq!(
            violations(&doc, &annotation, &broken).len(),
            2,
            "the schemas bite"
        );
        // What the server answers, it accepts back.
        assert_conforms(&doc, "AnnotationInput", &created.json());
        let path = path_of(&created.json());
        let etag = created.headers["etag"].to_str().unwrap().to_string();
        let put = send(
            &router,
            "PUT",
            &path,
            &[auth[0], ("if-match", &etag)],
            Some(&created.json()),
        )
        .await;
        assert_eq!(put.status, 200, "example {name}: {}", put.body);
        assert_conforms(&doc, &annotation, &put.json());
    }

    let container = documented(&doc, "/annotations/", "get", "200", MEDIA_TYPE);
    let collection = send(&router, "GET", "/annotations/", &auth, None).await;
    assert_eq!(collection.status, 200);
    assert_conforms(&doc, "AnnotationCollection", &collection.json());
    assert_conforms(&doc, &container, &collection.json());
    let page = send(
        &router,
        "GET",
        &format!("/annotations/?target=/articles/{ESSAY}&page=0"),
        &auth,
        None,
    )
    .await;
    assert_eq!(page.status, 200);
    assert_conforms(&doc, "AnnotationPage", &page.json());
    assert_conforms(&doc, &container, &page.json());
    for include in [
        "http://www.w3.org/ns/ldp#PreferMinimalContainer",
        "http://www.w3.org/ns/oa#PreferContainedIRIs",
    ] {
        let prefer = format!("return=representation; include=\"{include}\"");
        let preferred = send(
            &router,
            "GET",
            "/annotations/",
            &[("prefer", &prefer)],
            None,
        )
        .await;
        assert_eq!(preferred.status, 200);
        assert_conforms(&doc, &container, &preferred.json());
    }
    let iris = send(&router, "GET", "/annotations/?iris=1&page=0", &auth, None).await;
    assert_conforms(&doc, &container, &iris.json());
    let mine = send(
        &router,
        "GET",
        "/api/account/annotations?page=0",
        &auth,
        None,
    )
    .await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_conforms(&doc, &container, &mine.json());
    let mut identified = comment("Why not?", "Copied.");
    identified["canonical"] = json!("urn:uuid:6b1a1f4e-9f2e-4c1e-8f57-0b9e51e2c0aa");
    identified["via"] = json!(["https://a.example/1", "https://b.example/2"]);
    assert_conforms(&doc, "AnnotationInput", &identified);
    let created = send(&router, "POST", "/annotations/", &auth, Some(&identified)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_conforms(&doc, &annotation, &created.json());

    let editorial = "/annotations/ed-witkoff-takes-russias-side-witkoff";
    let read = send(&router, "GET", editorial, &[], None).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_conforms(&doc, &annotation, &read.json());
    let browser = get_html(&router, editorial).await;
    assert_eq!(browser.status, 303);

    let fragments = send(
        &router,
        "GET",
        &format!("/articles/{ESSAY}/fragments"),
        &auth,
        None,
    )
    .await;
    assert_eq!(fragments.status, 200);
    let schema = documented(
        &doc,
        "/articles/{slug}/fragments",
        "get",
        "200",
        "application/json",
    );
    assert_conforms(&doc, &schema, &fragments.json());

    let share_input = documented_body(&doc, "/api/shares");
    let share_example = &doc["components"]["schemas"][&share_input]["example"];
    let share = send(&router, "POST", "/api/shares", &[], Some(share_example)).await;
    assert_eq!(share.status, 201, "{}", share.body);
    let schema = documented(&doc, "/api/shares", "post", "201", "application/json");
    assert_conforms(&doc, &schema, &share.json());

    let signup = &doc["paths"]["/api/users"]["post"]["requestBody"]["content"]["application/json"]
        ["example"];
    let user = send(&router, "POST", "/api/users", &[], Some(signup)).await;
    assert_eq!(user.status, 201, "{}", user.body);
    let schema = documented(&doc, "/api/users", "post", "201", "application/json");
    assert_conforms(&doc, &schema, &user.json());
    let login = &doc["paths"]["/api/tokens"]["post"]["requestBody"]["content"]["application/json"]
        ["example"];
    let token = send(&router, "POST", "/api/tokens", &[], Some(login)).await;
    assert_eq!(token.status, 201, "{}", token.body);
    let schema = documented(&doc, "/api/tokens", "post", "201", "application/json");
    assert_conforms(&doc, &schema, &token.json());

    // Errors: problems, with the statuses described.
    let problems: BTreeMap<&str, Reply> = BTreeMap::from([
        (
            "404",
            send(&router, "GET", "/annotations/no-such-id", &auth, None).await,
        ),
        ("403", send(&router, "DELETE", editorial, &auth, None).await),
        (
            "401",
            send(
                &router,
                "GET",
                "/annotations/",
                &[("authorization", "Bearer not-a-token")],
                None,
            )
            .await,
        ),
        (
            "422",
            send(
                &router,
                "POST",
                "/annotations/",
                &auth,
                Some(&comment("words the essay does not have", "No.")),
            )
            .await,
        ),
    ]);
    for (status, reply) in &problems {
        assert_eq!(reply.status.as_str(), *status, "{}", reply.body);
        assert_eq!(media_type(reply), "application/problem+json");
        assert_conforms(&doc, "Problem", &reply.json());
    }
}

/// The name of the schema an operation's JSON request body documents.
fn documented_body(doc: &Value, path: &str) -> String {
    doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap_or_else(|| panic!("POST {path}: no body schema"))
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_flag_and_the_moderation_queue_are_answered_as_described() {
    let (state, router) = app().await;
    let doc = description(&router).await;
    let author = reader_token(&router, "author").await;
    let flagger = reader_token(&router, "flagger").await;
    let editor = editor_token(&state, &router, "editor").await;
    let note = id_of(&create(&router, &author, &comment("Why not?", "A note.")).await);

    let example = &doc["components"]["schemas"][documented_body(&doc, "/annotations/{id}/flags")]["properties"]
        ["reason"]["example"];
    let flag = send(
        &router,
        "POST",
        &format!("/annotations/{note}/flags"),
        &[("authorization", &flagger)],
        Some(&json!({ "reason": example })),
    )
    .await;
    assert_eq!(flag.status, 201, "{}", flag.body);
    let schema = documented(
        &doc,
        "/annotations/{id}/flags",
        "post",
        "201",
        "application/json",
    );
    assert_conforms(&doc, &schema, &flag.json());

    let hidden = send(
        &router,
        "POST",
        &format!("/annotations/{note}/hidden"),
        &[("authorization", &editor)],
        None,
    )
    .await;
    assert_eq!(hidden.status, 204);
    let queue = send(
        &router,
        "GET",
        "/api/moderation",
        &[("authorization", &editor)],
        None,
    )
    .await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    let schema = documented(&doc, "/api/moderation", "get", "200", "application/json");
    assert_conforms(&doc, &schema, &queue.json());
    assert_eq!(queue.json()["items"].as_array().unwrap().len(), 1);
}
