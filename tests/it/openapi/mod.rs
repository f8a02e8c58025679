//! The OpenAPI description served at /api/openapi.json, read as a client of the API reads it:
//! every operation it documents is routed, the operations clients rely on are there with
//! what they send and answer, and what the server answers matches its schemas.
//! `scripts/fuzz` then fuzzes the server against it.

mod answers;

use std::collections::{BTreeMap, BTreeSet};

use crate::support::*;
use axum::body::Body;
use axum::http::Request;
use gloss::annotation::jsonld::{
    MAX_BODY_CHARS, MAX_CONTEXT_CHARS, MAX_QUOTE_CHARS, MAX_TAGS, MEDIA_TYPE,
};
use jsonschema::Draft;
use serde_json::{Value, json};
use tower::ServiceExt;

const METHODS: &[&str] = &[
    "get", "post", "put", "delete", "patch", "options", "head", "trace",
];

async fn description(router: &axum::Router) -> Value {
    let reply = get(router, "/api/openapi.json", "application/json").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let media = reply.headers["content-type"].to_str().unwrap();
    assert!(media.starts_with("application/json"), "{media}");
    reply.json()
}

/// Every operation: (path, method, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
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
                if k == "$ref" && v.is_string() {
                    out.push(v.as_str().unwrap().to_string());
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// The operation's parameters, resolved: (where, name) to the parameter.
fn parameters(doc: &Value, op: &Value) -> BTreeMap<(String, String), Value> {
    op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| resolve(doc, p))
        .map(|p| {
            let key = (p["in"].as_str().unwrap(), p["name"].as_str().unwrap());
            ((key.0.to_string(), key.1.to_string()), p.clone())
        })
        .collect()
}

/// The path with each parameter replaced by its documented example.
fn example_path(doc: &Value, path: &str, op: &Value) -> String {
    let mut uri = path.to_string();
    for ((place, name), parameter) in parameters(doc, op) {
        if place == "path" {
            let example = parameter["example"]
                .as_str()
                .unwrap_or_else(|| panic!("{path}: the parameter {name} has no example"));
            uri = uri.replace(&format!("{{{name}}}"), example);
        }
    }
    uri
}

/// The documented example of a request body, or an empty object.
fn example_body(op: &Value) -> Option<Value> {
    let content = op["requestBody"]["content"].as_object()?;
    let example = content.values().find_map(|media| {
        media
            .get("example")
            .or_else(|| media["examples"].as_object()?.values().next()?.get("value"))
            .cloned()
    });
    Some(example.unwrap_or_else(|| json!({})))
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let (_, router) = app().await;
    let doc = description(&router).await;
    let operations = operations(&doc);
    assert!(operations.len() >= 14, "{} operations", operations.len());
    for (path, method, op) in operations {
        let uri = example_path(&doc, &path, &op);
        let mut request = Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(&uri)
            .header("accept", "application/json");
        let body = match example_body(&op) {
            Some(body) => {
                request = request.header("content-type", "application/json");
                Body::from(body.to_string())
            }
            None => Body::empty(),
        };
        // The status alone: the event stream never ends.
        let response = router
            .clone()
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert!(
            status != 404 && status != 405,
            "{} {uri} is documented, yet answers {status}",
            method.to_uppercase()
        );
    }
}

#[tokio::test]
async fn head_is_answered_wherever_get_is() {
    let (_, router) = app().await;
    let doc = description(&router).await;
    let gets: Vec<String> = operations(&doc)
        .into_iter()
        .filter(|(_, method, _)| method == "get")
        .map(|(path, _, op)| example_path(&doc, &path, &op))
        .collect();
    assert!(gets.len() >= 5, "{} GET operations", gets.len());
    for uri in gets {
        let request = |method: &str| {
            Request::builder()
                .method(method)
                .uri(&uri)
                .header("accept", "application/json")
                .body(Body::empty())
                .unwrap()
        };
        // The status alone: the event stream never ends.
        let get = router.clone().oneshot(request("GET")).await.unwrap();
        let head = respond(&router, request("HEAD")).await;
        assert_eq!(head.status, get.status(), "HEAD {uri}");
        assert!(head.body.is_empty(), "HEAD {uri} has no body");
        for name in ["content-type", "etag", "link", "allow"] {
            assert_eq!(
                head.headers.get(name),
                get.headers().get(name),
                "HEAD {uri}: {name}"
            );
        }
    }
}

#[tokio::test]
async fn the_operations_clients_rely_on_are_documented() {
    let (_, router) = app().await;
    let doc = description(&router).await;
    let op = |path: &str, method: &str| {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        op.clone()
    };
    let statuses = |op: &Value| -> BTreeSet<String> {
        op["responses"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    let has = |op: &Value, wanted: &[&str]| {
        let statuses = statuses(op);
        for status in wanted {
            assert!(statuses.contains(*status), "{status} in {statuses:?}");
        }
    };

    let container = op("/annotations/", "get");
    let query: BTreeSet<String> = parameters(&doc, &container)
        .into_keys()
        .filter(|(place, _)| place == "query")
        .map(|(_, name)| name)
        .collect();
    assert_eq!(
        query,
        ["iris", "page", "q", "tag", "target", "user"]
            .map(String::from)
            .into(),
    );
    has(&container, &["200", "304", "400", "401", "404"]);
    let headers: BTreeSet<String> = parameters(&doc, &container)
        .into_keys()
        .filter(|(place, _)| place == "header")
        .map(|(_, name)| name)
        .collect();
    assert_eq!(
        headers,
        ["If-None-Match", "Prefer"].map(String::from).into()
    );
    let answered = container["responses"]["200"]["content"]
        .as_object()
        .unwrap();
    assert!(answered.contains_key(MEDIA_TYPE) && answered.contains_key("application/json"));
    for header in [
        "ETag",
        "Link",
        "Allow",
        "Accept-Post",
        "Content-Location",
        "Vary",
        "Preference-Applied",
    ] {
        assert!(
            container["responses"]["200"]["headers"][header].is_object(),
            "{header}"
        );
    }

    let create = op("/annotations/", "post");
    has(
        &create,
        &["201", "400", "401", "403", "413", "415", "422", "429"],
    );
    let sent = create["requestBody"]["content"].as_object().unwrap();
    assert!(sent.contains_key(MEDIA_TYPE) && sent.contains_key("application/json"));
    let created = &create["responses"]["201"];
    for header in ["Location", "ETag", "Link"] {
        assert!(created["headers"][header].is_object(), "{header}");
    }
    let links: BTreeSet<&str> = created["links"]
        .as_object()
        .unwrap()
        .values()
        .map(|link| link["operationId"].as_str().unwrap())
        .collect();
    assert_eq!(
        links,
        ["deleteAnnotation", "readAnnotation", "replaceAnnotation"].into()
    );
    assert_eq!(
        created["links"]["replace"]["parameters"]["header.If-Match"],
        "$response.header.ETag"
    );
    assert_eq!(created["links"]["replace"]["requestBody"], "$response.body");
    has(&op("/annotations/", "options"), &["200"]);

    has(
        &op("/annotations/{id}", "get"),
        &["200", "303", "304", "401", "404"],
    );
    for method in ["put", "delete"] {
        let write = op("/annotations/{id}", method);
        has(&write, &["401", "403", "404", "412", "429"]);
        let headers = parameters(&doc, &write);
        assert!(headers.contains_key(&("header".into(), "If-Match".into())));
        assert!(headers.contains_key(&("header".into(), "X-CSRF-Token".into())));
    }
    has(
        &op("/annotations/{id}", "put"),
        &["200", "400", "409", "413", "415", "422"],
    );
    has(&op("/annotations/{id}", "delete"), &["204"]);
    has(&op("/annotations/{id}", "options"), &["200", "404"]);

    has(
        &op("/api/users", "post"),
        &["201", "400", "409", "413", "415", "422", "429"],
    );
    has(
        &op("/api/tokens", "post"),
        &["201", "400", "401", "413", "415", "429"],
    );
    let shares = op("/api/shares", "post");
    has(&shares, &["201", "400", "413", "415", "422", "429"]);
    assert!(shares["responses"]["201"]["headers"]["Location"].is_object());
    has(&op("/api/openapi.json", "get"), &["200", "304"]);

    let flag = op("/annotations/{id}/flags", "post");
    has(&flag, &["201", "401", "403", "404", "409", "422", "429"]);
    let limited = resolve(&doc, &flag["responses"]["429"]);
    assert!(limited["headers"]["Retry-After"].is_object(), "{limited}");
    for method in ["post", "delete"] {
        has(
            &op("/annotations/{id}/hidden", method),
            &["204", "401", "403", "404"],
        );
    }
    has(&op("/api/moderation", "get"), &["200", "401", "403"]);
    let groups = op("/api/groups", "post");
    has(
        &groups,
        &["201", "400", "401", "403", "413", "415", "422", "429"],
    );
    assert!(groups["responses"]["201"]["headers"]["Location"].is_object());
    has(&op("/api/groups", "get"), &["200", "401"]);
    has(&op("/api/groups/{id}", "get"), &["200", "401", "404"]);
    has(
        &op("/api/groups/{id}", "patch"),
        &["200", "400", "401", "403", "404", "422", "429"],
    );
    has(
        &op("/api/groups/{id}", "delete"),
        &["204", "401", "403", "404", "429"],
    );
    has(
        &op("/api/groups/{id}/members/{name}", "delete"),
        &["204", "401", "403", "404", "409", "429"],
    );
    has(
        &op("/groups/{id}/join/{code}", "post"),
        &["200", "303", "401", "403", "404", "429"],
    );

    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearerAuth"]["scheme"], "bearer");
    assert_eq!(schemes["sessionCookie"]["in"], "cookie");
    assert_eq!(schemes["sessionCookie"]["name"], "gloss_session");
}

#[tokio::test]
async fn the_description_is_well_formed() {
    let (_, router) = app().await;
    let doc = description(&router).await;
    let version = doc["openapi"].as_str().expect("an openapi version");
    assert!(version.starts_with("3.1."), "{version}");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());

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

        let in_template: BTreeSet<String> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .map(String::from)
            .collect();
        let declared: BTreeSet<String> = parameters(&doc, &op)
            .into_keys()
            .filter(|(place, _)| place == "path")
            .map(|(_, name)| name)
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
        // What needs a signed-in user says so, and what writes as one says why it may be refused.
        let anonymous = op["security"].as_array().is_some_and(|s| {
            s.iter()
                .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
        });
        if !anonymous {
            assert!(responses.contains_key("401"), "{at}: no 401");
        }
        if !anonymous && method != "get" {
            for status in ["403", "429"] {
                assert!(responses.contains_key(status), "{at}: no {status}");
            }
        }
    }
}

#[tokio::test]
async fn the_documented_limits_are_the_servers() {
    let (_, router) = app().await;
    let doc = description(&router).await;
    let schema = |name: &str| doc["components"]["schemas"][name]["properties"].clone();
    assert_eq!(
        schema("AnnotationInput")["bodyValue"]["maxLength"],
        MAX_BODY_CHARS
    );
    assert_eq!(schema("BodyInput")["value"]["maxLength"], MAX_BODY_CHARS);
    // The tags and the note.
    let input = schema("AnnotationInput");
    let bodies = resolve(&doc, &input["body"]);
    assert_eq!(bodies["oneOf"][1]["maxItems"], MAX_TAGS + 1);
    let quote = schema("TextQuoteSelectorInput");
    assert_eq!(quote["exact"]["maxLength"], MAX_QUOTE_CHARS);
    assert_eq!(quote["prefix"]["maxLength"], MAX_CONTEXT_CHARS);
    assert_eq!(quote["suffix"]["maxLength"], MAX_CONTEXT_CHARS);
}

#[tokio::test]
async fn the_description_is_sent_compressed_and_revalidated() {
    let (_, router) = app().await;
    let first = get(&router, "/api/openapi.json", "application/json").await;
    let etag = first.headers["etag"].to_str().unwrap();
    let request = Request::get("/api/openapi.json")
        .header("if-none-match", etag)
        .body(Body::empty())
        .unwrap();
    assert_eq!(respond(&router, request).await.status, 304);
    let again = get(&router, "/api/openapi.json", "application/json").await;
    assert_eq!(again.body, first.body, "made once");
}
