//! PostgreSQL restarted under two instances serving readers, writers and live readers: pages
//! keep being served, writes are refused plainly and come back on their own, live readers
//! catch up once, and nothing acknowledged is lost.

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use http_body_util::BodyExt;
use sqlx::Connection;
use tokio::task::block_in_place;
use tower::ServiceExt;

use super::cluster::Cluster;
use crate::support::*;

/// A live stream's messages: their ids (the essay's revisions) and events.
struct Stream {
    body: Body,
    opening: String,
}

impl Stream {
    async fn open(router: &Router) -> Stream {
        let request = axum::http::Request::get(format!("/articles/{ESSAY}/live"))
            .body(Body::empty())
            .unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), 200);
        let mut stream = Stream {
            body: response.into_body(),
            opening: String::new(),
        };
        stream.opening = stream.message().await;
        assert!(stream.opening.contains("connected"), "{}", stream.opening);
        stream
    }

    async fn message(&mut self) -> String {
        let frame = tokio::time::timeout(Duration::from_secs(15), self.body.frame())
            .await
            .expect("a message within 15 s")
            .expect("the stream goes on")
            .unwrap();
        String::from_utf8(frame.into_data().unwrap().to_vec()).unwrap()
    }

    /// The (revision, event) of each message until one reaches `revision`, keep-alives aside.
    async fn until(&mut self, revision: i64) -> Vec<(i64, String)> {
        let mut seen = Vec::new();
        while seen.last().is_none_or(|(id, _)| *id < revision) {
            let message = self.message().await;
            let field = |name: &str| {
                message
                    .lines()
                    .find_map(|line| line.strip_prefix(name))
                    .map(str::to_string)
            };
            if let (Some(id), Some(event)) = (field("id: "), field("event: ")) {
                seen.push((id.parse().unwrap(), event));
            }
        }
        seen
    }
}

/// Posts a note; 201 and its id, or the refusal.
async fn write(router: &Router, token: &str, n: usize) -> Result<String, Reply> {
    let note = comment("Why not?", &format!("Note {n}."));
    let reply = send(
        router,
        "POST",
        "/annotations/",
        &[("authorization", token)],
        Some(&note),
    )
    .await;
    match reply.status.as_u16() {
        201 => Ok(id_of(&reply)),
        _ => Err(reply),
    }
}

/// The essay's revision in the store, as a newly opened stream names it.
async fn revision(router: &Router) -> i64 {
    let opened = Stream::open(router).await.opening;
    let id = opened.lines().find_map(|line| line.strip_prefix("id: "));
    id.unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgresql_restarting_under_two_instances_loses_nothing_and_needs_no_restart() {
    let test = "postgresql_restarting_under_two_instances_loses_nothing_and_needs_no_restart";
    let Some(server) = Cluster::start(test) else {
        return;
    };
    let mut args = serve_args(&repo_articles(), &server.url());
    args.write_limit = 0;
    let one = gloss::build_router(gloss::serve::prepare(&args).await.unwrap());
    let two = gloss::build_router(gloss::serve::prepare(&args).await.unwrap());
    let token = reader_token(&one, "writer").await;
    let page = format!("/articles/{ESSAY}");
    for instance in [&one, &two] {
        assert_eq!(get(instance, &page, "text/html").await.status, 200);
    }
    let mut live = [Stream::open(&one).await, Stream::open(&two).await];
    let mut acknowledged = vec![write(&one, &token, 0).await.unwrap()];

    // A writer keeps writing through both instances while the server restarts.
    let (writers, stop) = (
        [one.clone(), two.clone()],
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    );
    let storm = tokio::spawn({
        let (token, stop) = (token.clone(), stop.clone());
        async move {
            let (mut written, mut refused, mut n) = (Vec::new(), 0, 1);
            while !stop.load(std::sync::atomic::Ordering::Acquire) {
                let started = Instant::now();
                match write(&writers[n % 2], &token, n).await {
                    Ok(id) => written.push(id),
                    Err(reply) => {
                        assert_eq!(reply.status, 503, "{}", reply.body);
                        refused += 1;
                    }
                }
                assert!(started.elapsed() < Duration::from_secs(10), "a write hung");
                n += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (written, refused)
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    block_in_place(|| server.stop());

    // While it is down: a write is refused at once, plainly, with a time to retry.
    let started = Instant::now();
    let refused = write(&two, &token, 1000).await.unwrap_err();
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(refused.headers["content-type"], "application/problem+json");
    assert!(refused.headers.contains_key("retry-after"));
    assert_eq!(refused.json()["status"], 503);
    let health = get(&one, "/healthz", "text/plain").await;
    assert_eq!(
        (health.status.as_u16(), health.body.as_str()),
        (503, "database unreachable")
    );
    // Pages are served from what is at hand, past the second in which a revision is trusted.
    let down_since = Instant::now();
    while down_since.elapsed() < Duration::from_millis(1500) {
        for instance in [&one, &two] {
            let asked = Instant::now();
            let reply = get(instance, &page, "text/html").await;
            assert_eq!(reply.status, 200, "{}", reply.body);
            assert!(reply.body.contains("Witkoff"));
            let took = asked.elapsed();
            assert!(took < Duration::from_secs(1), "a reader waited {took:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let browser = get(&two, "/annotations/", "text/html").await;
    assert_eq!(browser.status, 503);
    assert!(
        browser.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );

    block_in_place(|| server.start_again());
    let back = Instant::now();
    let first = loop {
        match write(&two, &token, 2000).await {
            Ok(id) => break id,
            Err(reply) => assert_eq!(reply.status, 503, "{}", reply.body),
        }
        assert!(
            back.elapsed() < Duration::from_secs(5),
            "writes did not come back within 5 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    acknowledged.push(first);
    acknowledged.push(write(&one, &token, 2001).await.unwrap());
    assert_eq!(get(&two, "/healthz", "text/plain").await.status, 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, std::sync::atomic::Ordering::Release);
    let (written, refused) = storm.await.unwrap();
    assert!(refused > 0, "the storm met the outage");
    acknowledged.extend(written);

    // Live readers on both instances catch up on everything, each revision once.
    let last = revision(&one).await;
    for stream in &mut live {
        let seen = stream.until(last).await;
        let ids: Vec<i64> = seen.iter().map(|(id, _)| *id).collect();
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "each revision once, in order: {seen:?}"
        );
        assert_eq!(ids.last(), Some(&last), "{seen:?}");
    }

    // Each instance listens again.
    let mut db = sqlx::PgConnection::connect(&server.url()).await.unwrap();
    let listening = Instant::now();
    loop {
        let (count,): (i64,) =
            sqlx::query_as("SELECT count(*) FROM pg_stat_activity WHERE query ILIKE 'LISTEN%'")
                .fetch_one(&mut db)
                .await
                .unwrap();
        if count == 2 {
            break;
        }
        assert!(
            listening.elapsed() < Duration::from_secs(10),
            "{count} instances listen"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Nothing acknowledged was lost.
    for id in &acknowledged {
        let reply = get(&one, &format!("/annotations/{id}"), "application/ld+json").await;
        assert_eq!(reply.status, 200, "{id} was acknowledged and lost");
    }
}
