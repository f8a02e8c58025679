//! Prometheus metrics for operators, with `--metrics-addr`: the recorder, what each metric
//! means, the requests' counts and times, and the listener that serves `/metrics` apart from
//! the site.
//!
//! The counts themselves are taken where things happen, with the `metrics` crate's macros:
//! the page cache (`web::reading`), the store (`store::timed`), live streams (`live`,
//! `web::live`), rate limits (`web::plumbing::limit`) and the password thread (`accounts`).
//!
//! Off by default, and then free: no recorder is installed, so those macros find none and
//! do nothing (a thread-local and an atomic read); requests are not counted at all and the
//! store is not wrapped ([`on`]).

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::MatchedPath;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use metrics::{
    Counter, Histogram, Unit, counter, describe_counter, describe_gauge, describe_histogram,
    histogram,
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle, PrometheusRecorder};
use rustc_hash::FxHashMap;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// The histograms' buckets, in seconds: a cached page is answered in a tenth of a
/// millisecond, a store query in about a millisecond, a page drawn for one reader in a few,
/// a password checked in some tens and the slowest requests in a second or more.
pub const BUCKETS: [f64; 15] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The route of a request that matched none.
const UNMATCHED: &str = "unmatched";

/// How often the histograms' samples are filed into their buckets between scrapes, so that
/// they do not pile up.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Version 0.0.4 of the text format, which `PrometheusHandle::render` writes.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

static ON: AtomicBool = AtomicBool::new(false);

/// Whether metrics are recorded: whether [`install`] was called.
pub fn on() -> bool {
    ON.load(Ordering::Relaxed)
}

/// A recorder with this server's buckets.
pub fn recorder() -> PrometheusRecorder {
    PrometheusBuilder::new()
        .set_buckets(&BUCKETS)
        .expect("the buckets are not empty")
        .build_recorder()
}

/// Installs the recorder for the whole process (once: a second time is an error) and
/// describes every metric; what records is then rendered by the handle.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    let recorder = recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder)
        .map_err(|_| anyhow::anyhow!("a metrics recorder was installed already"))?;
    describe();
    ON.store(true, Ordering::Relaxed);
    Ok(handle)
}

/// The help text of every metric, in the recorder at hand.
pub fn describe() {
    describe_counter!(
        "gloss_http_requests_total",
        "Requests answered, by method, route template (unmatched: no route) and status."
    );
    describe_histogram!(
        "gloss_http_request_duration_seconds",
        Unit::Seconds,
        "Time from a request's arrival to its response's head, by method and route template \
         (a live stream counts once, until it opens)."
    );
    describe_counter!(
        "gloss_page_cache_hits_total",
        "Reading pages sent as they were kept ready, by kind: signed_out (the page of every \
         signed-out reader), reader (a signed-in reader's page as last made for them)."
    );
    describe_counter!(
        "gloss_page_renders_total",
        "Reading pages put together, by kind: version (a new version of an essay after a write, \
         its changed blocks rendered), signed_out (a signed-out reader's page of another layer), \
         reader (one reader's page, their own blocks drawn over the shared ones)."
    );
    describe_counter!(
        "gloss_page_blocks_rendered_total",
        "Blocks (paragraphs with their notes) rendered, for a new version or for one reader."
    );
    describe_histogram!(
        "gloss_store_query_duration_seconds",
        Unit::Seconds,
        "Time each call of the store (the database) took, by operation: the store's method."
    );
    describe_gauge!(
        "gloss_live_readers",
        "Live event streams open now (readers with an essay open)."
    );
    describe_counter!(
        "gloss_live_events_published_total",
        "Changes to annotations this instance announced to live readers, on every instance."
    );
    describe_counter!(
        "gloss_live_events_delivered_total",
        "Events handed to this instance's live streams: one per reader told."
    );
    describe_counter!(
        "gloss_rate_limit_refusals_total",
        "Requests refused as too many (429), by limit: login-client, login-account, signup, \
         share, flag, write."
    );
    describe_gauge!(
        "gloss_password_hashings_queued",
        "Password hashings and checks waiting for the password thread or on it."
    );
    describe_histogram!(
        "gloss_password_hashing_duration_seconds",
        Unit::Seconds,
        "Time one password hashing or check took on the password thread."
    );
}

/// A request's method as a label: the standard ones by name, any other as `OTHER`, so that a
/// client cannot make a series per made-up method.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// One method of a route: its time and its count by status.
struct Handles {
    method: &'static str,
    duration: Histogram,
    statuses: Vec<(StatusCode, Counter)>,
}

thread_local! {
    /// The handles of each route this thread served, by route template: a request records
    /// through them without building its labels or looking its series up in the recorder,
    /// whose registry every thread shares (and which allocates a handle at every look-up).
    static ROUTES: RefCell<FxHashMap<Box<str>, Vec<Handles>>> = RefCell::default();
}

/// Adds one to a counter with fixed labels, through a handle this thread registered the
/// first time: for what is counted on every request of a kind (a page sent from the cache),
/// where `metrics::counter!` would look the series up in the recorder's shared registry each
/// time. The handle is of the recorder installed when the thread first counts: [`install`]
/// comes before any serving.
macro_rules! count {
    ($name:literal $(, $key:literal => $value:literal)* $(,)?) => {{
        ::std::thread_local! {
            static COUNTER: ::metrics::Counter = ::metrics::counter!($name $(, $key => $value)*);
        }
        COUNTER.with(|counter| counter.increment(1));
    }};
}
pub(crate) use count;

/// Counts a request answered with `status` after `took`, under its route template.
pub fn request(method: &Method, route: Option<&MatchedPath>, status: StatusCode, took: Duration) {
    let route = route.map_or(UNMATCHED, MatchedPath::as_str);
    let method = method_label(method);
    ROUTES.with_borrow_mut(|routes| {
        let methods = match routes.get_mut(route) {
            Some(methods) => methods,
            None => routes.entry(route.into()).or_default(),
        };
        let handles = match methods.iter().position(|h| h.method == method) {
            Some(i) => &mut methods[i],
            None => {
                methods.push(Handles {
                    method,
                    duration: histogram!(
                        "gloss_http_request_duration_seconds",
                        "method" => method,
                        "route" => route.to_owned()
                    ),
                    statuses: Vec::new(),
                });
                methods.last_mut().expect("pushed above")
            }
        };
        handles.duration.record(took);
        let count = match handles.statuses.iter().position(|(s, _)| *s == status) {
            Some(i) => &handles.statuses[i].1,
            None => {
                let count = counter!(
                    "gloss_http_requests_total",
                    "method" => method,
                    "route" => route.to_owned(),
                    "status" => status.as_str().to_owned()
                );
                handles.statuses.push((status, count));
                &handles.statuses.last().expect("pushed above").1
            }
        };
        count.increment(1);
    });
}

/// Serves `GET /metrics` on `listener` until `stopping` turns true, and meanwhile files the
/// histograms' samples every few seconds. Rendering and filing are done off the serving
/// thread this runs on.
pub async fn serve(
    listener: TcpListener,
    handle: PrometheusHandle,
    mut stopping: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let upkeep = tokio::spawn({
        let handle = handle.clone();
        async move {
            let mut ticks = tokio::time::interval(UPKEEP_EVERY);
            loop {
                ticks.tick().await;
                let handle = handle.clone();
                let _ = tokio::task::spawn_blocking(move || handle.run_upkeep()).await;
            }
        }
    });
    let app = Router::new().route(
        "/metrics",
        get(move || {
            let handle = handle.clone();
            async move {
                match tokio::task::spawn_blocking(move || handle.render()).await {
                    Ok(text) => (
                        [(header::CONTENT_TYPE, HeaderValue::from_static(TEXT_FORMAT))],
                        text,
                    )
                        .into_response(),
                    Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                }
            }
        }),
    );
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        })
        .await;
    upkeep.abort();
    served
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(record: impl FnOnce()) -> String {
        let recorder = recorder();
        let handle = recorder.handle();
        metrics::with_local_recorder(&recorder, || {
            describe();
            record();
        });
        handle.render()
    }

    #[test]
    fn requests_are_counted_by_route_template_and_status() {
        let rendered = render(|| {
            let ms = Duration::from_micros(100);
            request(&Method::GET, None, StatusCode::NOT_FOUND, ms);
            request(&Method::GET, None, StatusCode::NOT_FOUND, ms);
            request(&Method::GET, None, StatusCode::OK, ms);
            request(
                &Method::from_bytes(b"BREW").unwrap(),
                None,
                StatusCode::OK,
                ms,
            );
        });
        for line in [
            r#"gloss_http_requests_total{method="GET",route="unmatched",status="404"} 2"#,
            r#"gloss_http_requests_total{method="GET",route="unmatched",status="200"} 1"#,
            r#"gloss_http_requests_total{method="OTHER",route="unmatched",status="200"} 1"#,
            r#"gloss_http_request_duration_seconds_bucket{method="GET",route="unmatched",le="0.0001"} 3"#,
            r#"gloss_http_request_duration_seconds_count{method="GET",route="unmatched"} 3"#,
        ] {
            assert!(
                rendered.contains(&format!("{line}\n")),
                "{line} in {rendered}"
            );
        }
    }

    #[test]
    fn a_counter_kept_by_the_thread_counts_like_any() {
        let rendered = render(|| {
            for _ in 0..3 {
                count!("gloss_page_cache_hits_total", "kind" => "reader");
            }
        });
        let line = "gloss_page_cache_hits_total{kind=\"reader\"} 3\n";
        assert!(rendered.contains(line), "{rendered}");
    }

    #[test]
    fn every_metric_has_help() {
        let rendered = render(|| {
            counter!("gloss_page_cache_hits_total", "kind" => "signed_out").increment(1);
            histogram!("gloss_store_query_duration_seconds", "operation" => "query").record(0.002);
            metrics::gauge!("gloss_live_readers").increment(1.0);
        });
        for name in [
            "gloss_page_cache_hits_total",
            "gloss_store_query_duration_seconds",
            "gloss_live_readers",
        ] {
            assert!(
                rendered.contains(&format!("# HELP {name} ")),
                "{name} in {rendered}"
            );
        }
        assert!(
            rendered.contains("# TYPE gloss_store_query_duration_seconds histogram\n"),
            "{rendered}"
        );
    }
}
