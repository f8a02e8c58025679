//! Pages kept ready to send: each rendered once per revision of its essay and compressed once
//! with gzip and brotli, so a cached view costs a lookup and a copy of bytes.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// One rendered page in every encoding it is sent in.
#[derive(Clone)]
pub struct Encoded {
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
    etag: HeaderValue,
}

impl Encoded {
    pub fn new(html: String) -> Encoded {
        let mut hasher = DefaultHasher::new();
        html.hash(&mut hasher);
        let etag = HeaderValue::from_str(&format!("\"{:016x}\"", hasher.finish()))
            .expect("hex is a valid header value");
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(html.as_bytes())
            .expect("writing to memory cannot fail");
        let gzip = gzip.finish().expect("writing to memory cannot fail");
        let mut brotli = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut html.as_bytes(), &mut brotli, &params)
            .expect("writing to memory cannot fail");
        Encoded {
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
        headers.insert(
            header::VARY,
            HeaderValue::from_static("Accept-Encoding, Cookie"),
        );
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
            HeaderValue::from_static("text/html; charset=utf-8"),
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

/// Rendered reading pages for signed-out readers, by essay, valid for one store revision.
#[derive(Default)]
pub struct PageCache {
    entries: Mutex<HashMap<String, (i64, Encoded)>>,
}

impl PageCache {
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
