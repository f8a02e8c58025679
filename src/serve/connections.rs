//! One serving thread's connections: accepted, spoken to in HTTP/1.1 (by hyper, or for a
//! live stream by [`streams`]), and drained on shutdown.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

use super::streams;

/// How long a client may take to send a request's headers, and how long an idle kept-alive
/// connection stays open: past it a trickling client is cut off (request bodies and handlers
/// have their own limit, in `web`).
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves until `stopping` turns true, then waits for the open requests to finish.
pub async fn serve_until(
    listener: TcpListener,
    router: Router,
    mut stopping: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    let connections = GracefulShutdown::new();
    // Each live stream served without hyper holds a receiver; all are gone once they ended.
    let (streams, _) = watch::channel(());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, say: wait rather than spin on the same error.
                Err(err) => {
                    tracing::warn!(error = %err, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = stopped(&mut stopping) => break,
        };
        // Responses go out in one write; small live events should not wait for an ACK.
        let _ = stream.set_nodelay(true);
        let connection = Connection {
            router: router.clone(),
            http: http.clone(),
            hyper: connections.watcher(),
            streams: streams.subscribe(),
            stopping: stopping.clone(),
        };
        tokio::spawn(connection.serve(stream, peer));
    }
    drop(listener);
    // Live streams end by themselves once the server is closing (they say bye).
    tokio::join!(connections.shutdown(), streams.closed());
    Ok(())
}

/// What a new connection needs to be served either way.
struct Connection {
    router: Router,
    http: http1::Builder,
    hyper: Watcher,
    streams: watch::Receiver<()>,
    stopping: watch::Receiver<bool>,
}

impl Connection {
    /// Looks at the first request without taking it: a live stream is served by
    /// [`streams`], anything else by hyper.
    async fn serve(mut self, stream: TcpStream, peer: SocketAddr) {
        let mut first = vec![0; streams::PEEK_BYTES];
        let arrived = tokio::time::Instant::now();
        let peeked = tokio::select! {
            peeked = tokio::time::timeout(HEADER_TIMEOUT, stream.peek(&mut first)) => peeked,
            () = stopped(&mut self.stopping) => return,
        };
        // Silent for as long as hyper would have waited for the headers: closed, as hyper would.
        let Ok(Ok(peeked)) = peeked else {
            return;
        };
        let asked = streams::stream_request(&first[..peeked]);
        drop(first);
        match asked {
            // A task of its own, holding only what the stream needs for as long as it lasts.
            Some(asked) => {
                let open = self.streams;
                let serving = streams::serve(stream, peer, Box::new(asked), self.router);
                tokio::spawn(async move {
                    serving.await;
                    drop(open);
                });
            }
            None => {
                drop(self.streams);
                // One deadline for the headers, however long the first byte took.
                self.http
                    .header_read_timeout(HEADER_TIMEOUT.saturating_sub(arrived.elapsed()));
                let router = self.router;
                let service = TowerToHyperService::new(tower::service_fn(
                    move |mut request: Request<Incoming>| {
                        request.extensions_mut().insert(ConnectInfo(peer));
                        router.clone().oneshot(request.map(Body::new))
                    },
                ));
                let connection = self.http.serve_connection(TokioIo::new(stream), service);
                if let Err(err) = self.hyper.watch(connection).await {
                    tracing::debug!(error = %err, %peer, "connection ended with an error");
                }
            }
        }
    }
}

async fn stopped(stopping: &mut watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use axum::body::Bytes;
    use axum::extract::Path;
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use tokio::net::TcpStream;
    use tokio::task::JoinHandle;
    use tokio::time::Instant;

    use super::*;

    /// A stream of two chunks for `/articles/essay/live`, a plain 404 for any other essay.
    async fn live(Path(slug): Path<String>) -> Response {
        if slug != "essay" {
            return (StatusCode::NOT_FOUND, "no such essay").into_response();
        }
        let chunks = ["hello", " world"].map(|c| Ok::<_, Infallible>(Bytes::from(c)));
        Body::from_stream(tokio_stream::iter(chunks)).into_response()
    }

    /// A server of two routes; stopping it ends the task.
    async fn server() -> (
        SocketAddr,
        watch::Sender<bool>,
        JoinHandle<anyhow::Result<()>>,
    ) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopping) = watch::channel(false);
        let router = Router::new()
            .route("/", get(|| async { "hello" }))
            .route("/articles/{slug}/live", get(live));
        (
            addr,
            stop,
            tokio::spawn(serve_until(listener, router, stopping)),
        )
    }

    /// A connection after one request answered in full.
    async fn connected(addr: SocketAddr) -> TcpStream {
        let mut client = TcpStream::connect(addr).await.unwrap();
        client
            .write_all(b"GET / HTTP/1.1\r\nHost: gloss\r\n\r\n")
            .await
            .unwrap();
        let mut answer = Vec::new();
        while !answer.ends_with(b"hello") {
            let mut chunk = [0; 1024];
            let read = client.read(&mut chunk).await.unwrap();
            assert!(read > 0, "closed before answering");
            answer.extend_from_slice(&chunk[..read]);
        }
        assert!(answer.starts_with(b"HTTP/1.1 200"));
        client
    }

    /// Reads until the server closes the connection; the time it took, on a paused clock.
    async fn time_until_closed(client: &mut TcpStream) -> Duration {
        let started = Instant::now();
        let mut rest = Vec::new();
        // Closed or reset: either way the connection is over.
        let _ = tokio::time::timeout(HEADER_TIMEOUT * 2, client.read_to_end(&mut rest))
            .await
            .expect("the server keeps the connection open");
        started.elapsed()
    }

    #[tokio::test]
    async fn a_client_trickling_its_headers_is_cut_off() {
        let (addr, _stop, _) = server().await;
        let mut client = connected(addr).await;
        tokio::time::pause();
        client
            .write_all(b"GET / HTTP/1.1\r\nHost: gloss\r\n")
            .await
            .unwrap();
        let waited = time_until_closed(&mut client).await;
        assert!(waited >= HEADER_TIMEOUT, "closed after {waited:?}");
    }

    #[tokio::test]
    async fn an_idle_kept_alive_connection_is_closed() {
        let (addr, _stop, _) = server().await;
        let mut client = connected(addr).await;
        tokio::time::pause();
        let waited = time_until_closed(&mut client).await;
        assert!(waited >= HEADER_TIMEOUT, "closed after {waited:?}");
    }

    #[tokio::test]
    async fn stopping_closes_idle_connections_and_returns() {
        let (addr, stop, server) = server().await;
        let mut idle = connected(addr).await;
        stop.send(true).unwrap();
        server.await.unwrap().unwrap();
        let mut rest = Vec::new();
        assert_eq!(idle.read_to_end(&mut rest).await.unwrap(), 0);
        assert!(
            TcpStream::connect(addr).await.is_err(),
            "no longer listening"
        );
    }

    /// The whole answer to `request` on a new connection, read until the server closes it.
    async fn answer(addr: SocketAddr, request: &str) -> String {
        let mut client = TcpStream::connect(addr).await.unwrap();
        client.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        tokio::time::timeout(HEADER_TIMEOUT, client.read_to_string(&mut answer))
            .await
            .expect("the server closes the connection")
            .unwrap();
        answer
    }

    #[tokio::test]
    async fn a_live_stream_goes_out_in_chunks_and_the_connection_closes_after_it() {
        let (addr, _stop, _) = server().await;
        let answer = answer(
            addr,
            "GET /articles/essay/live HTTP/1.1\r\nHost: gloss\r\n\r\n",
        )
        .await;
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(
            head.contains("\r\ntransfer-encoding: chunked\r\n"),
            "{head}"
        );
        assert!(head.contains("\r\nconnection: close"), "{head}");
        assert!(head.contains("\r\ndate: "), "{head}");
        assert_eq!(body, "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    }

    #[tokio::test]
    async fn an_answer_of_known_length_to_a_stream_request_says_its_length() {
        let (addr, _stop, _) = server().await;
        let answer = answer(
            addr,
            "GET /articles/other/live HTTP/1.1\r\nHost: gloss\r\n\r\n",
        )
        .await;
        assert!(answer.starts_with("HTTP/1.1 404 Not Found\r\n"), "{answer}");
        assert!(answer.contains("\r\ncontent-length: 13\r\n"), "{answer}");
        assert!(answer.ends_with("\r\n\r\nno such essay"), "{answer}");
    }
}
