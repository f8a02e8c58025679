//! The OpenAPI description of the JSON interface (src/web/openapi.json): well formed, covering
//! exactly the JSON routes the router serves, true to what the server answers, and served
//! verbatim at /api/openapi.json. `scripts/fuzz` then fuzzes the server against it.

use std::collections::{BTreeMap, BTreeSet};

use jsonschema::Draft;
use serde_json::{Value, json};
use crate::support::*;

const DOC: &str = include_str!("../../src/web/openapi.json");
const ROUTER: &str = include_str!("../../src/web/mod.rs");

/// How a route answers: JSON (or text, or events) for programs, documented; or pages, forms,
/// redirects and assets for browsers, not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Documented,
    ForBrowsers,
}
use Kind::*;

/// Every route and method of `src/web/mod.rs`. A new route must be added here, and if it is
/// for programs, described in src/web/openapi.json.
const ROUTES: &[(&str, &str, Kind)] = &[
    ("/", "GET", ForBrowsers),
    ("/articles/{slug}", "GET", ForBrowsers),
    ("/articles/{slug}/fragments", "GET", Documented),
    ("/articles/{slug}/live", "GET", Documented),
    ("/timeline", "GET", ForBrowsers),
    ("/search", "GET", ForBrowsers),
    ("/entities/{id}", "GET", ForBrowsers),
    ("/{kind}/{id}", "GET", ForBrowsers),
    ("/annotations/", "GET", Documented),
    ("/annotations/", "POST", Documented),
    ("/annotations/{id}", "GET", Documented),
    ("/annotations/{id}", "PUT", Documented),
    ("/annotations/{id}", "DELETE", Documented),
    ("/annotations/{id}", "OPTIONS", Documented),
    ("/annotations/", "OPTIONS", Documented),
    ("/login", "GET", ForBrowsers),
    ("/login", "POST", ForBrowsers),
    ("/signup", "GET", ForBrowsers),
    ("/signup", "POST", ForBrowsers),
    ("/logout", "POST", ForBrowsers),
    ("/api/users", "POST", Documented),
    ("/api/tokens", "POST", Documented),
    ("/api/shares", "POST", Documented),
    ("/s/{code}", "GET", ForBrowsers),
    ("/healthz", "GET", Documented),
    ("/static/{file}", "GET", ForBrowsers),
    ("/favicon.ico", "GET", ForBrowsers),
    ("/api/openapi.json", "GET", Documented),
];

const METHODS: &[&str] = &[
    "get", "post", "put", "delete", "patch", "options", "head", "trace",
];

fn doc() -> Value {
    serde_json::from_str(DOC).expect("src/web/openapi.json is JSON")
}

/// Every (path, METHOD) that `.route(...)` calls in the router's source register.
fn routes_in_source(source: &str) -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    for (start, _) in source.match_indices(".route(") {
        let rest = &source[start + ".route(".len()..];
        let rest = rest.trim_start();
        assert!(rest.starts_with('"'), "a route's path is a string literal");
        let path_end = rest[1..].find('"').expect("a route's path ends");
        let path = &rest[1..=path_end];
        // The method router: up to the parenthesis that closes `.route(`.
        let mut depth = 1;
        let mut end = 0;
        for (i, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let methods = &rest[path_end + 2..end];
        for method in METHODS {
            let call = format!("{method}(");
            for (at, _) in methods.match_indices(&call) {
                let before = methods[..at].chars().next_back();
                if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                    routes.insert((path.to_string(), method.to_uppercase()));
                }
            }
        }
    }
    routes
}

/// The (path, METHOD) pairs the description documents.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("a path item")
                .keys()
                .filter(|k| METHODS.contains(&k.as_str()))
                .map(move |m| (path.clone(), m.to_uppercase()))
        })
        .collect()
}

/// Every operation: (path, method, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if METHODS.contains(&method.as_str()) {
                out.push((path.clone(), method.clone(), op.clone()));
            }
        }
    }
    out
}

/// Follows a local `$ref` (`#/components/...`).
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("{reference} is not local"));
            let target = doc
                .pointer(pointer)
                .unwrap_or_else(|| panic!("{reference} leads nowhere"));
            resolve(doc, target)
        }
        None => value,
    }
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    out.push(v.as_str().expect("a $ref is a string").to_string());
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[test]
fn the_description_is_well_formed() {
    let doc = doc();
    let version = doc["openapi"].as_str().expect("an openapi version");
    assert!(
        version.starts_with("3.0.") || version.starts_with("3.1."),
        "{version}"
    );
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    assert_eq!(
        doc["components"]["securitySchemes"]["bearerAuth"]["scheme"],
        "bearer"
    );

    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for reference in &refs {
        let pointer = reference.strip_prefix('#').expect("only local refs");
        assert!(doc.pointer(pointer).is_some(), "{reference} leads nowhere");
    }

    let mut ids = BTreeSet::new();
    for (path, method, op) in operations(&doc) {
        let at = format!("{} {path}", method.to_uppercase());
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{at}: no operationId"));
        assert!(ids.insert(id.to_string()), "{at}: operationId {id} twice");
        let responses = op["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{at}: no responses"));
        assert!(!responses.is_empty(), "{at}: no responses");

        // Path templates and path parameters agree.
        let item = &doc["paths"][&path];
        let params: Vec<&Value> = item["parameters"]
            .as_array()
            .into_iter()
            .chain(op["parameters"].as_array())
            .flatten()
            .map(|p| resolve(&doc, p))
            .collect();
        let in_template: BTreeSet<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        let declared: BTreeSet<&str> = params
            .iter()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(in_template, declared, "{at}: path parameters");

        for (status, response) in responses {
            let response = resolve(&doc, response);
            assert!(
                response["description"].is_string(),
                "{at} {status}: no description"
            );
            let code: u16 = status
                .parse()
                .unwrap_or_else(|_| panic!("{at}: status {status} is not a number"));
            // Every error is a problem, but for the health check, which answers in text.
            if code >= 400 && path != "/healthz" {
                let content = response["content"]
                    .as_object()
                    .unwrap_or_else(|| panic!("{at} {status}: no content"));
                assert_eq!(
                    content.keys().collect::<Vec<_>>(),
                    ["application/problem+json"],
                    "{at} {status}"
                );
                assert_eq!(
                    content["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{at} {status}"
                );
            }
        }

        // What reads a JSON body says what its rules answer.
        if op.get("requestBody").is_some() {
            for status in ["400", "413", "415"] {
                assert!(responses.contains_key(status), "{at}: no {status}");
            }
        }
        // What writes as a signed-in user says so.
        let anonymous = op["security"].as_array().is_some_and(|s| {
            s.iter()
                .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
        });
        if !anonymous {
            for status in ["401", "403", "429"] {
                assert!(responses.contains_key(status), "{at}: no {status}");
            }
        }
    }
}

#[test]
fn the_route_list_here_is_the_routers() {
    let listed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(path, method, _)| (path.to_string(), method.to_string()))
        .collect();
    assert_eq!(listed.len(), ROUTES.len(), "a route is listed twice");
    let in_source = routes_in_source(ROUTER);
    let unlisted: Vec<_> = in_source.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&in_source).collect();
    assert!(
        unlisted.is_empty(),
        "routes in src/web/mod.rs not listed in tests/openapi.rs (list them; describe those for \
         programs in src/web/openapi.json): {unlisted:?}"
    );
    assert!(
        gone.is_empty(),
        "routes listed in tests/openapi.rs that src/web/mod.rs no longer has: {gone:?}"
    );
}

#[test]
fn every_json_route_is_described_and_nothing_else() {
    let documented = documented(&doc());
    for (path, method, kind) in ROUTES {
        let key = (path.to_string(), method.to_string());
        match kind {
            Documented => assert!(
                documented.contains(&key),
                "{method} {path} is not described in src/web/openapi.json"
            ),
            ForBrowsers => assert!(
                !documented.contains(&key),
                "{method} {path} is for browsers, yet described"
            ),
        }
    }
    for (path, method) in &documented {
        assert!(
            ROUTES
                .iter()
                .any(|(p, m, k)| p == path && m == method && *k == Documented),
            "{method} {path} is described, but the router has no such JSON route"
        );
    }
}

#[tokio::test]
async fn the_description_is_served_verbatim() {
    let (_, router) = app().await;
    let reply = get(&router, "/api/openapi.json", "application/json").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let media = reply.headers["content-type"].to_str().unwrap();
    assert!(media.starts_with("application/json"), "{media}");
    assert!(
        reply.body == DOC,
        "GET /api/openapi.json is not src/web/openapi.json"
    );
}

/// What is wrong with `instance` as one of the description's schemas.
fn violations(doc: &Value, schema: &str, instance: &Value) -> Vec<String> {
    let root = json!({
        "$ref": format!("#/components/schemas/{schema}"),
        "components": doc["components"],
    });
    let validator = jsonschema::options()
        .with_draft(Draft::Draft7)
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

/// What the server answers is what the description says: its own examples, sent as a client
/// would, come back with the documented statuses, media types and bodies.
#[tokio::test]
async fn the_server_answers_as_described() {
    let doc = doc();
    let (_, router) = app().await;
    let token = reader_token(&router, "reader").await;
    let auth = [("authorization", token.as_str())];
    let ld = "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"";

    let examples = doc["paths"]["/annotations/"]["post"]["requestBody"]["content"][ld]["examples"]
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
        assert_eq!(media_type(&created), ld);
        assert!(created.headers.contains_key("location") && created.headers.contains_key("etag"));
        assert_conforms(&doc, "AnnotationInput", &example["value"]);
        assert_conforms(&doc, "Annotation", &created.json());
        let mut broken = created.json();
        broken.as_object_mut().unwrap().remove("id");
        broken["visibility"] = json!("friends");
        assert_eq!(
            violations(&doc, "Annotation", &broken).len(),
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
        assert_conforms(&doc, "Annotation", &put.json());
    }

    let collection = send(&router, "GET", "/annotations/", &auth, None).await;
    assert_eq!(collection.status, 200);
    assert_conforms(&doc, "AnnotationCollection", &collection.json());
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

    let editorial = "/annotations/ed-witkoff-takes-russias-side-witkoff";
    let read = send(&router, "GET", editorial, &[], None).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_conforms(&doc, "Annotation", &read.json());
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
    assert_conforms(&doc, "Fragments", &fragments.json());

    let share_example = &doc["components"]["schemas"]["ShareInput"]["example"];
    let share = send(&router, "POST", "/api/shares", &[], Some(share_example)).await;
    assert_eq!(share.status, 201, "{}", share.body);
    assert_conforms(&doc, "Share", &share.json());

    let signup = &doc["paths"]["/api/users"]["post"]["requestBody"]["content"]["application/json"]
        ["example"];
    let user = send(&router, "POST", "/api/users", &[], Some(signup)).await;
    assert_eq!(user.status, 201, "{}", user.body);
    assert_conforms(&doc, "User", &user.json());
    let login = &doc["paths"]["/api/tokens"]["post"]["requestBody"]["content"]["application/json"]
        ["example"];
    let token = send(&router, "POST", "/api/tokens", &[], Some(login)).await;
    assert_eq!(token.status, 201, "{}", token.body);
    assert_conforms(&doc, "Token", &token.json());

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
