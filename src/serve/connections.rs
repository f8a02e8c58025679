//! One serving thread's connections: accepted, spoken to in HTTP/1.1, and drained on shutdown.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

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
        let router = router.clone();
        let service =
            TowerToHyperService::new(tower::service_fn(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                router.clone().oneshot(request.map(Body::new))
            }));
        let connection = connections.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    connections.shutdown().await;
    Ok(())
}

async fn stopped(stopping: &mut watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}

#[cfg(test)]
mod tests {
    use axum::routing::get;
    use std::net::SocketAddr;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use tokio::net::TcpStream;
    use tokio::task::JoinHandle;
    use tokio::time::Instant;

    use super::*;

    /// A server of one route; stopping it ends the task.
    async fn server() -> (
        SocketAddr,
        watch::Sender<bool>,
        JoinHandle<anyhow::Result<()>>,
    ) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopping) = watch::channel(false);
        let router = Router::new().route("/", get(|| async { "hello" }));
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
}
