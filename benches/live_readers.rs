//! Many readers on an essay's live stream, then one new note: how long it takes to reach each.
//!
//! `cargo bench --bench live_readers -- [BASE_URL] [READERS]` (default `http://127.0.0.1:3000`
//! and 10,000; also `LIVE_URL` and `LIVE_READERS`). `LIVE_TOKEN` is the API token the note is
//! posted with, `LIVE_ESSAY` the essay. Once every reader is connected it prints `connected`
//! and waits for a line on standard input, so that the caller can measure the server first;
//! then it posts the note and prints when each reader got the `created` event.
//!
//! One thread and raw TCP, so that the client takes as little of the machine as it can.

use std::io::BufRead;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, mpsc};

const CONNECTING_AT_ONCE: usize = 200;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(60);
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
const CREATED: &[u8] = b"event: created";

struct Options {
    host: String,
    readers: usize,
    token: String,
    essay: String,
}

fn options() -> Options {
    // `cargo bench` adds `--bench`; everything else is positional.
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with("--"));
    let env = |name: &str| std::env::var(name).ok();
    let url = args
        .next()
        .or_else(|| env("LIVE_URL"))
        .unwrap_or_else(|| "http://127.0.0.1:3000".into());
    let readers = args
        .next()
        .or_else(|| env("LIVE_READERS"))
        .map_or(10_000, |n| n.parse().expect("READERS is a number"));
    Options {
        host: url
            .strip_prefix("http://")
            .expect("an http:// URL")
            .trim_end_matches('/')
            .to_string(),
        readers,
        token: env("LIVE_TOKEN").expect("LIVE_TOKEN: an API token to post the note with"),
        essay: env("LIVE_ESSAY").unwrap_or_else(|| "witkoff-takes-russias-side".into()),
    }
}

/// Whether `window` (the end of what came before, then what just came) holds `needle`.
fn holds(window: &[u8], needle: &[u8]) -> bool {
    window.windows(needle.len()).any(|w| w == needle)
}

/// One reader: connects, says so, then reports when the note arrives and stays connected
/// until the client exits, so that early leavers do not make work for the server.
async fn reader(
    options: &Options,
    admitted: &Semaphore,
    connected: mpsc::UnboundedSender<()>,
    arrived: mpsc::UnboundedSender<Instant>,
) -> std::io::Result<()> {
    let permit = admitted.acquire().await.expect("never closed");
    let mut stream = TcpStream::connect(&options.host).await?;
    let request = format!(
        "GET /articles/{}/live HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
        options.essay, options.host
    );
    stream.write_all(request.as_bytes()).await?;
    // The tail of the bytes read so far, then the new ones, so that a marker split between
    // two reads is still found.
    let mut window = Vec::with_capacity(512);
    let mut buffer = [0; 256];
    loop {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        window.extend_from_slice(&buffer[..read]);
        if holds(&window, b": connected") {
            break;
        }
    }
    if !window.starts_with(b"HTTP/1.1 200") {
        return Err(std::io::Error::other("the stream did not answer 200"));
    }
    drop(permit);
    let _ = connected.send(());
    window.clear();
    loop {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let now = Instant::now();
        let keep = window.len().saturating_sub(CREATED.len());
        window.drain(..keep);
        window.extend_from_slice(&buffer[..read]);
        if holds(&window, CREATED) {
            let _ = arrived.send(now);
            return std::future::pending().await;
        }
    }
}

/// Posts a note with the API token; the status line of the answer.
async fn post_note(options: &Options) -> std::io::Result<String> {
    let body = format!(
        r#"{{"motivation":"commenting","bodyValue":"A note for every live reader.","target":{{"source":"/articles/{}","selector":{{"type":"TextQuoteSelector","exact":"Let me back up and explain."}}}}}}"#,
        options.essay
    );
    let request = format!(
        "POST /annotations/ HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/ld+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        options.host,
        options.token,
        body.len()
    );
    let mut stream = TcpStream::connect(&options.host).await?;
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let answer = String::from_utf8_lossy(&answer);
    Ok(answer.lines().next().unwrap_or_default().to_string())
}

fn percentile(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

async fn run(options: &'static Options) {
    let admitted: &'static Semaphore = Box::leak(Box::new(Semaphore::new(CONNECTING_AT_ONCE)));
    let (connected_tx, mut connected) = mpsc::unbounded_channel();
    let (arrived_tx, mut arrived) = mpsc::unbounded_channel();
    let started = Instant::now();
    for _ in 0..options.readers {
        let (connected, arrived) = (connected_tx.clone(), arrived_tx.clone());
        tokio::spawn(async move {
            if let Err(err) = reader(options, admitted, connected, arrived).await {
                eprintln!("a reader failed: {err}");
            }
        });
    }
    drop((connected_tx, arrived_tx));
    let mut count = 0;
    let deadline = tokio::time::sleep(CONNECT_TIMEOUT);
    tokio::pin!(deadline);
    while count < options.readers {
        tokio::select! {
            got = connected.recv() => match got {
                Some(()) => count += 1,
                None => break,
            },
            () = &mut deadline => break,
        }
    }
    println!(
        "connected {count} of {} readers in {:.1} s",
        options.readers,
        started.elapsed().as_secs_f64()
    );
    // The caller measures the server now, then says go.
    tokio::task::spawn_blocking(|| std::io::stdin().lock().lines().next())
        .await
        .expect("reading standard input");

    let posted = Instant::now();
    let status = post_note(options).await;
    let answered = posted.elapsed();
    let mut latencies = Vec::with_capacity(count);
    let deadline = tokio::time::sleep(DELIVERY_TIMEOUT);
    tokio::pin!(deadline);
    while latencies.len() < count {
        tokio::select! {
            got = arrived.recv() => match got {
                Some(at) => latencies.push(at.duration_since(posted)),
                None => break,
            },
            () = &mut deadline => break,
        }
    }
    // Every reader, connected or not, is dropped with the runtime as the client exits.
    latencies.sort();
    println!(
        "post: {} in {:.1} ms",
        status.unwrap_or_else(|e| e.to_string()),
        answered.as_secs_f64() * 1000.0
    );
    println!(
        "result readers={count} delivered={} p50_ms={:.1} p99_ms={:.1} max_ms={:.1}",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0),
    );
}

fn main() {
    let options: &'static Options = Box::leak(Box::new(options()));
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(run(options));
}
