//! Live event streams opened on a fresh connection, answered without hyper.
//!
//! A live reader holds its connection for as long as the page is open, and a hyper connection
//! keeps two 8 KiB buffers and its state for all that time: most of what 10,000 readers would
//! cost. The router still answers the request, so the response is the one hyper would send;
//! only its bytes are written here, with chunked framing, and the connection closes after it.
//! Anything else, or a stream asked for on a connection that has served other requests, goes
//! to hyper as usual.

use std::future::poll_fn;
use std::io::Write;
use std::net::SocketAddr;

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::ConnectInfo;
use axum::http::response::Parts;
use axum::http::{HeaderName, HeaderValue, Method, Request, Version};
use hyper::body::Buf;
use time::OffsetDateTime;
use time::macros::format_description;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower::ServiceExt;

/// Enough for a browser's request with its cookies; a longer one goes to hyper.
pub const PEEK_BYTES: usize = 4096;
const MAX_HEADERS: usize = 48;

/// A request for an event stream, read from the start of a connection: how many bytes its
/// head takes, and the request to route.
pub struct StreamRequest {
    head: usize,
    request: Request<Body>,
}

/// `GET /articles/{slug}/live` over HTTP/1.1 with no body, whole in `peeked`; `None` for
/// anything else.
pub fn stream_request(peeked: &[u8]) -> Option<StreamRequest> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(head) = parsed.parse(peeked).ok()? else {
        return None;
    };
    let path = parsed.path?;
    let slug = path
        .split('?')
        .next()?
        .strip_prefix("/articles/")?
        .strip_suffix("/live")?;
    if parsed.method != Some("GET") || parsed.version != Some(1) || slug.contains('/') {
        return None;
    }
    let mut request = Request::builder()
        .method(Method::GET)
        .version(Version::HTTP_11)
        .uri(path);
    for header in parsed.headers.iter() {
        let name = HeaderName::from_bytes(header.name.as_bytes()).ok()?;
        // A body, or a change of protocol, is hyper's to handle.
        if ["content-length", "transfer-encoding", "upgrade", "expect"].contains(&name.as_str()) {
            return None;
        }
        request = request.header(name, HeaderValue::from_bytes(header.value).ok()?);
    }
    Some(StreamRequest {
        head,
        request: request.body(Body::empty()).ok()?,
    })
}

/// Answers the request and writes the response until it ends or the reader goes away.
pub async fn serve(
    mut stream: TcpStream,
    peer: SocketAddr,
    asked: Box<StreamRequest>,
    router: Router,
) {
    // Boxed, so that what answering takes (the router's future among it) is freed once the
    // head is written, rather than kept in this task for as long as the stream lasts.
    if let Some(body) = Box::pin(respond(&mut stream, peer, asked, router)).await {
        let _ = forward(&mut stream, body).await;
    }
}

/// Routes the request and writes the response's head; the body, still to send.
async fn respond(
    stream: &mut TcpStream,
    peer: SocketAddr,
    asked: Box<StreamRequest>,
    router: Router,
) -> Option<Outgoing> {
    let StreamRequest { head, mut request } = *asked;
    // The head was only peeked at: take it off the socket now (it is there already).
    stream.read_exact(&mut vec![0; head]).await.ok()?;
    request.extensions_mut().insert(ConnectInfo(peer));
    let Ok(response) = router.oneshot(request).await;
    let (parts, body) = response.into_parts();
    let length = body.size_hint().exact();
    stream
        .write_all(&response_head(&parts, length))
        .await
        .ok()?;
    Some(Outgoing {
        body,
        chunked: length.is_none(),
    })
}

/// A response body, and whether it goes out in chunks (its length being unknown).
struct Outgoing {
    body: Body,
    chunked: bool,
}

/// The status line and headers, with the framing, date and `connection: close` that hyper
/// would add: the connection serves no other request after this one.
fn response_head(parts: &Parts, length: Option<u64>) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        parts.status.as_str(),
        parts.status.canonical_reason().unwrap_or("")
    )
    .into_bytes();
    for (name, value) in &parts.headers {
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    let framing = match length {
        Some(length) => format!("content-length: {length}\r\n"),
        None => "transfer-encoding: chunked\r\n".to_string(),
    };
    head.extend_from_slice(framing.as_bytes());
    head.extend_from_slice(format!("date: {}\r\n", http_date()).as_bytes());
    head.extend_from_slice(b"connection: close\r\n\r\n");
    head
}

/// Writes the body as it comes, until it ends or the reader goes away.
async fn forward(stream: &mut TcpStream, outgoing: Outgoing) -> std::io::Result<()> {
    let Outgoing { mut body, chunked } = outgoing;
    let mut discard = [0; 64];
    loop {
        let frame = tokio::select! {
            frame = poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)) => frame,
            // The reader sends nothing more; an end or an error means it has gone.
            read = stream.read(&mut discard) => match read {
                Ok(0) | Err(_) => return Ok(()),
                Ok(_) => continue,
            },
        };
        let data = match frame {
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) if !data.is_empty() => data,
                _ => continue,
            },
            // As hyper does: an error cuts the response short, so the reader sees it unfinished.
            Some(Err(_)) => return Ok(()),
            None => break,
        };
        if chunked {
            let mut size = [0; 18];
            let size = chunk_size(&mut size, data.len());
            let mut chunk = Buf::chain(Buf::chain(size, data), &b"\r\n"[..]);
            stream.write_all_buf(&mut chunk).await?;
        } else {
            stream.write_all(&data).await?;
        }
    }
    if chunked {
        stream.write_all(b"0\r\n\r\n").await?;
    }
    stream.shutdown().await
}

/// A chunk's size line, `{hex}\r\n`, written into `buffer`.
fn chunk_size(buffer: &mut [u8; 18], size: usize) -> &[u8] {
    let mut cursor = std::io::Cursor::new(&mut buffer[..]);
    write!(cursor, "{size:x}\r\n").expect("a size line fits");
    let written = cursor.position() as usize;
    &buffer[..written]
}

fn http_date() -> String {
    let format = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    OffsetDateTime::now_utc()
        .format(format)
        .expect("a date formats")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(request: &str) -> Option<usize> {
        stream_request(request.as_bytes()).map(|r| r.head)
    }

    #[test]
    fn only_a_whole_get_of_a_live_stream_is_taken() {
        let live =
            "GET /articles/essay/live?since=3 HTTP/1.1\r\nHost: gloss\r\nLast-Event-ID: 4\r\n\r\n";
        assert_eq!(asked(live), Some(live.len()));
        let with_more = format!("{live}GET / HTTP/1.1\r\n");
        assert_eq!(asked(&with_more), Some(live.len()));
        for other in [
            "GET /articles/essay HTTP/1.1\r\nHost: gloss\r\n\r\n",
            "GET /articles/a/b/live HTTP/1.1\r\nHost: gloss\r\n\r\n",
            "POST /articles/essay/live HTTP/1.1\r\nHost: gloss\r\n\r\n",
            "GET /articles/essay/live HTTP/1.0\r\nHost: gloss\r\n\r\n",
            "GET /articles/essay/live HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
            "GET /articles/essay/live HTTP/1.1\r\nHost: gloss\r\n",
            "GET /articles/essay/li",
        ] {
            assert_eq!(asked(other), None, "{other:?}");
        }
    }

    #[test]
    fn chunk_sizes_are_hexadecimal() {
        let mut buffer = [0; 18];
        assert_eq!(chunk_size(&mut buffer, 255), b"ff\r\n");
        assert_eq!(chunk_size(&mut buffer, usize::MAX), b"ffffffffffffffff\r\n");
    }

    #[test]
    fn the_request_keeps_its_headers_and_query() {
        let request = stream_request(
            b"GET /articles/essay/live?since=3 HTTP/1.1\r\nHost: gloss\r\nLast-Event-ID: 4\r\n\r\n",
        )
        .unwrap()
        .request;
        assert_eq!(request.uri(), "/articles/essay/live?since=3");
        assert_eq!(request.headers()["last-event-id"], "4");
    }
}
