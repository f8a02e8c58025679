//! Pages kept ready to send: each rendered once per revision of its essay and compressed once
//! with gzip and brotli, so a cached view costs a lookup and a copy of bytes.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// One rendered page in every encoding it is sent in.
#[derive(Clone)]
pub struct Encoded {
    content_type: &'static str,
    /// What else the response depends on: pages differ for signed-in readers (by cookie).
    vary: &'static str,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
    etag: HeaderValue,
}

impl Encoded {
    /// An HTML page.
    pub fn new(html: String) -> Encoded {
        Encoded::of("text/html; charset=utf-8", "Accept-Encoding, Cookie", html)
    }

    pub fn of(content_type: &'static str, vary: &'static str, html: String) -> Encoded {
        let mut hasher = DefaultHasher::new();
        html.hash(&mut hasher);
        let etag = HeaderValue::from_str(&format!("\"{:016x}\"", hasher.finish()))
            .expect("hex is a valid header value");
        // Middle settings: compressing happens on the request that finds the cache stale, and
        // the best ones cost tens of milliseconds on a page with many notes for a few percent.
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gzip.write_all(html.as_bytes())
            .expect("writing to memory cannot fail");
        let gzip = gzip.finish().expect("writing to memory cannot fail");
        let mut brotli = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 6,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut html.as_bytes(), &mut brotli, &params)
            .expect("writing to memory cannot fail");
        Encoded {
            content_type,
            vary,
            identity: Bytes::from(html),
            gzip: Bytes::from(gzip),
            brotli: Bytes::from(brotli),
            etag,
        }
    }

    /// The best encoding the client accepts, or 304 when it already has this version.
    pub fn respond(&self, request: &HeaderMap, cache_control: &'static str) -> Response {
        let fresh = request
            .get(header::IF_NONE_MATCH)
            .is_some_and(|v| v.as_bytes() == self.etag.as_bytes());
        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, self.etag.clone());
        headers.insert(header::VARY, HeaderValue::from_static(self.vary));
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        );
        if fresh {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        let accepts = |coding: &str| {
            request
                .get_all(header::ACCEPT_ENCODING)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .any(|c| {
                    c.split(';').next().is_some_and(|c| c.trim() == coding) && !c.contains("q=0")
                })
        };
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        let body = if accepts("br") {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            self.brotli.clone()
        } else if accepts("gzip") {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            self.gzip.clone()
        } else {
            self.identity.clone()
        };
        (headers, body).into_response()
    }
}

/// How long an essay's revision is trusted without asking the database. Writes through this
/// instance update it at once; writes through another instance show within this time.
const REVISION_TTL: Duration = Duration::from_secs(1);

/// Rendered reading pages for signed-out readers, by essay, valid for one store revision;
/// and the revisions themselves, so a cached view needs no query.
#[derive(Default)]
pub struct PageCache {
    entries: Mutex<HashMap<String, (i64, Encoded)>>,
    revisions: Mutex<HashMap<String, (i64, Instant)>>,
}

impl PageCache {
    /// The essay's revision, if it was learnt recently enough to trust.
    pub fn revision(&self, slug: &str) -> Option<i64> {
        let revisions = self.revisions.lock().unwrap_or_else(|e| e.into_inner());
        revisions
            .get(slug)
            .filter(|(_, at)| at.elapsed() < REVISION_TTL)
            .map(|(revision, _)| *revision)
    }

    /// Records the essay's revision as just read or just written.
    pub fn saw_revision(&self, slug: &str, revision: i64) {
        let mut revisions = self.revisions.lock().unwrap_or_else(|e| e.into_inner());
        revisions.insert(slug.to_string(), (revision, Instant::now()));
    }

    pub fn get(&self, slug: &str, revision: i64) -> Option<Encoded> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(slug)
            .filter(|(r, _)| *r == revision)
            .map(|(_, page)| page.clone())
    }

    pub fn put(&self, slug: &str, revision: i64, page: Encoded) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.insert(slug.to_string(), (revision, page));
    }
}
