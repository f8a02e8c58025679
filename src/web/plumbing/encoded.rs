//! Answers in the coding each client takes: pages and files compressed once, kept with an
//! entity tag and sent as they are (`Encoded`), and pages made for one reader (`Made`).

use std::io::Write;
use std::sync::{Arc, OnceLock};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::conditional;

/// One rendered page in every encoding it is sent in.
#[derive(Clone)]
pub struct Encoded {
    content_type: &'static str,
    /// What else the response depends on: pages differ for signed-in readers (by cookie).
    vary: &'static str,
    identity: Bytes,
    gzip: Bytes,
    /// Made after the rest, off the request path, for pages that change often: until then,
    /// clients that take brotli get gzip.
    brotli: Arc<OnceLock<Bytes>>,
    etag: HeaderValue,
}

impl Encoded {
    /// A file compressed once for good, as tightly as the codings go.
    pub fn of(content_type: &'static str, vary: &'static str, body: Bytes) -> Encoded {
        let gzip = compress(Coding::Gzip, &body, Effort::Best);
        let brotli = compress(Coding::Brotli, &body, Effort::Best);
        let encoded = Encoded::without_brotli(content_type, vary, body, gzip);
        encoded.brotli.get_or_init(|| brotli);
        encoded
    }

    /// An HTML page already gzipped; `make_brotli` adds brotli.
    pub fn page(html: Bytes, gzip: Bytes) -> Encoded {
        Encoded::without_brotli(
            "text/html; charset=utf-8",
            "Accept-Encoding, Cookie",
            html,
            gzip,
        )
    }

    fn without_brotli(
        content_type: &'static str,
        vary: &'static str,
        identity: Bytes,
        gzip: Bytes,
    ) -> Encoded {
        let etag = conditional::etag_of(&identity);
        Encoded {
            content_type,
            vary,
            identity,
            gzip,
            brotli: Arc::default(),
            etag,
        }
    }

    pub fn has_brotli(&self) -> bool {
        self.brotli.get().is_some()
    }

    /// Compresses with brotli, which takes milliseconds on a long page.
    pub fn make_brotli(&self) {
        self.brotli
            .get_or_init(|| compress(Coding::Brotli, &self.identity, Effort::Middle));
    }

    /// The best encoding the client accepts, or 304 when it already has this version.
    pub fn respond(&self, request: &HeaderMap, cache_control: &'static str) -> Response {
        let fresh = conditional::none_match(request, &self.etag);
        let mut headers = cache_headers(self.vary, cache_control);
        headers.insert(header::ETAG, self.etag.clone());
        if fresh {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        let accepted = Accepted::by(request);
        let (coding, body) = match (accepted.brotli, self.brotli.get()) {
            (true, Some(brotli)) => (Coding::Brotli, brotli.clone()),
            _ if accepted.gzip => (Coding::Gzip, self.gzip.clone()),
            (true, None) => (
                Coding::Brotli,
                compress(Coding::Brotli, &self.identity, Effort::Middle),
            ),
            (false, _) => (Coding::Identity, self.identity.clone()),
        };
        coding.describe(&mut headers, self.content_type);
        with_headers(body, headers)
    }
}

/// A page made for one reader (signed in, or with a shared passage marked): gzipped for
/// clients that take it, else plain.
pub enum Made {
    Gzip(Bytes),
    Plain(Bytes),
}

pub fn respond_made(request: &HeaderMap, page: Made, cache_control: &'static str) -> Response {
    let (coding, body) = match page {
        Made::Gzip(gzip) => (Coding::Gzip, gzip),
        Made::Plain(plain) if Accepted::by(request).brotli => (
            Coding::Brotli,
            compress(Coding::Brotli, &plain, Effort::Middle),
        ),
        Made::Plain(plain) => (Coding::Identity, plain),
    };
    let mut headers = cache_headers("Accept-Encoding, Cookie", cache_control);
    coding.describe(&mut headers, "text/html; charset=utf-8");
    with_headers(body, headers)
}

/// Whether the client takes brotli, as browsers do over HTTPS.
pub fn takes_brotli(request: &HeaderMap) -> bool {
    Accepted::by(request).brotli
}

/// Whether the client takes gzip, as every browser does.
pub fn takes_gzip(request: &HeaderMap) -> bool {
    Accepted::by(request).gzip
}

/// The response, its headers moved in whole rather than copied one by one.
fn with_headers(body: Bytes, headers: HeaderMap) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.headers_mut() = headers;
    response
}

fn cache_headers(vary: &'static str, cache_control: &'static str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(header::VARY, HeaderValue::from_static(vary));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    headers
}

/// The compressed codings a request's `Accept-Encoding` takes: named with a weight above zero.
struct Accepted {
    brotli: bool,
    gzip: bool,
}

impl Accepted {
    /// Read in one pass over the header.
    fn by(request: &HeaderMap) -> Accepted {
        let mut accepted = Accepted {
            brotli: false,
            gzip: false,
        };
        let entries = request
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','));
        for entry in entries {
            let mut parts = entry.split(';').map(str::trim);
            let taken = match parts.next() {
                Some("br") => &mut accepted.brotli,
                Some("gzip") => &mut accepted.gzip,
                _ => continue,
            };
            *taken |= parts.all(|p| !refuses(p));
        }
        accepted
    }
}

/// Whether a parameter of an `Accept-Encoding` entry is a weight of zero (`q=0`, `q=0.000`).
fn refuses(parameter: &str) -> bool {
    parameter
        .strip_prefix("q=")
        .or_else(|| parameter.strip_prefix("Q="))
        .and_then(|q| q.parse::<f32>().ok())
        .is_some_and(|q| q <= 0.0)
}

#[derive(Clone, Copy)]
enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    /// Sets the content's type and encoding.
    fn describe(self, headers: &mut HeaderMap, content_type: &'static str) {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        let name = match self {
            Coding::Brotli => "br",
            Coding::Gzip => "gzip",
            Coding::Identity => return,
        };
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    }
}

/// How hard to compress: pages are compressed on the request that finds the cache stale, and
/// the best settings cost tens of milliseconds on a page with many notes for a few percent;
/// files built into the binary are compressed once.
#[derive(Clone, Copy)]
enum Effort {
    Middle,
    Best,
}

fn compress(coding: Coding, bytes: &[u8], effort: Effort) -> Bytes {
    let mut out = Vec::new();
    match coding {
        Coding::Gzip => {
            let level = match effort {
                Effort::Middle => flate2::Compression::default(),
                Effort::Best => flate2::Compression::best(),
            };
            let mut gzip = flate2::write::GzEncoder::new(out, level);
            gzip.write_all(bytes)
                .expect("writing to memory cannot fail");
            out = gzip.finish().expect("writing to memory cannot fail");
        }
        Coding::Brotli => {
            // A window no larger than the page: the default 4 MiB one costs as much memory
            // to set up and compresses a 70 KB page no better.
            let window = bytes
                .len()
                .next_power_of_two()
                .trailing_zeros()
                .clamp(16, 22);
            let params = brotli::enc::BrotliEncoderParams {
                quality: match effort {
                    Effort::Middle => 6,
                    Effort::Best => 11,
                },
                lgwin: window as i32,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
                .expect("writing to memory cannot fail");
        }
        Coding::Identity => out.extend_from_slice(bytes),
    }
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taking(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn any_weight_above_zero_accepts_a_coding() {
        assert!(takes_gzip(&taking("gzip")));
        assert!(takes_gzip(&taking("br;q=1.0, gzip;q=0.8")));
        assert!(takes_gzip(&taking("deflate, gzip ; q=0.5")));
        assert!(!takes_gzip(&taking("gzip;q=0")));
        assert!(!takes_gzip(&taking("gzip;q=0.000, br")));
        assert!(!takes_gzip(&taking("gzipped, identity")));
        let accepted = Accepted::by(&taking("br;q=0, gzip;q=0.1"));
        assert!(!accepted.brotli && accepted.gzip);
    }
}
