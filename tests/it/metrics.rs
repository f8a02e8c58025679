//! Prometheus metrics, from outside: the real binary with `--metrics-addr`, asked over HTTP
//! and scraped on its metrics listener, the scrape read by a Prometheus text parser. Each
//! server is a process of its own, so no recorder is installed in this one.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use prom_text_format_parser::{Metric, Sample, Scrape, Type, ValueType};
use serde_json::json;

use crate::support::*;

/// `gloss serve` in a process of its own, on fresh ports and a fresh database, with what it
/// logged kept as it comes.
struct Server {
    child: Child,
    logs: Arc<Mutex<Vec<serde_json::Value>>>,
    site: SocketAddr,
    metrics: Option<SocketAddr>,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(metrics: bool) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("gloss.db").display());
        let mut command = Command::new(env!("CARGO_BIN_EXE_gloss"));
        command
            .args(["serve", "--addr", "127.0.0.1:0", "--threads", "2"])
            .args(["--log-format", "json", "--database-url", &url])
            .arg("--articles")
            .arg(repo_articles())
            .env_remove("RUST_LOG")
            .env_remove("GLOSS_METRICS_ADDR")
            .stdout(Stdio::piped());
        if metrics {
            command.args(["--metrics-addr", "127.0.0.1:0"]);
        }
        let mut child = command.spawn().unwrap();
        let logs = Arc::new(Mutex::new(Vec::new()));
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let kept = Arc::clone(&logs);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let line = serde_json::from_str(&line).expect("each line a JSON object");
                kept.lock().unwrap().push(line);
            }
        });
        let mut server = Server {
            child,
            logs,
            site: "0.0.0.0:0".parse().unwrap(),
            metrics: None,
            _dir: dir,
        };
        server.site = server.address_logged("listening on http://");
        if metrics {
            server.metrics = Some(server.address_logged("metrics on http://"));
        }
        server
    }

    /// The address in the first message that starts with `prefix`, waited for.
    fn address_logged(&mut self, prefix: &str) -> SocketAddr {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let found = self.messages().into_iter().find_map(|message| {
                let rest = message.strip_prefix(prefix)?;
                Some(rest.trim_end_matches("/metrics").parse().unwrap())
            });
            if let Some(address) = found {
                return address;
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("the server stopped ({status}): {:?}", self.messages());
            }
            assert!(
                Instant::now() < deadline,
                "no {prefix:?} in {:?}",
                self.messages()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn messages(&self) -> Vec<String> {
        let logs = self.logs.lock().unwrap();
        logs.iter()
            .filter_map(|line| Some(line["fields"]["message"].as_str()?.to_string()))
            .collect()
    }

    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
        http(self.site, method, path, headers, body)
    }

    fn scrape(&self) -> Scrape {
        let answer = http(
            self.metrics.expect("metrics are on"),
            "GET",
            "/metrics",
            &[],
            "",
        );
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert!(
            answer
                .head
                .contains("content-type: text/plain; version=0.0.4"),
            "{}",
            answer.head
        );
        Scrape::parse(&answer.body).unwrap_or_else(|e| panic!("{e:?} in {}", answer.body))
    }

    /// The ports the server's process listens on (Linux: its sockets in the listening state).
    fn listening_ports(&self) -> HashSet<u16> {
        let pid = self.child.id();
        let sockets: HashSet<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
            .unwrap()
            .filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
            .filter_map(|link| {
                let link = link.to_string_lossy().into_owned();
                Some(
                    link.strip_prefix("socket:[")?
                        .strip_suffix(']')?
                        .to_string(),
                )
            })
            .collect();
        let mut ports = HashSet::new();
        for table in ["tcp", "tcp6"] {
            let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/net/{table}")) else {
                continue;
            };
            for line in text.lines().skip(1) {
                let fields: Vec<&str> = line.split_whitespace().collect();
                let (local, state, inode) = (fields[1], fields[3], fields[9]);
                if state == "0A" && sockets.contains(inode) {
                    let port = local.rsplit(':').next().unwrap();
                    ports.insert(u16::from_str_radix(port, 16).unwrap());
                }
            }
        }
        ports
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Answer {
    status: u16,
    head: String,
    body: String,
}

/// One HTTP/1.1 request on a connection of its own, read to its end.
fn http(to: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut stream = TcpStream::connect(to).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {to}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").expect("a whole answer");
    let head = head.to_ascii_lowercase();
    let status = head[9..12].parse().unwrap();
    let body = if head.contains("transfer-encoding: chunked") {
        unchunk(body)
    } else {
        body.to_string()
    };
    Answer { status, head, body }
}

fn unchunk(mut chunked: &str) -> String {
    let mut body = String::new();
    loop {
        let (size, rest) = chunked.split_once("\r\n").expect("a chunk size");
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            return body;
        }
        body.push_str(&rest[..size]);
        chunked = &rest[size + 2..];
    }
}

/// The metric called `name`, which must be in the scrape.
fn metric<'a>(scrape: &'a Scrape, name: &str) -> &'a Metric {
    let found = scrape.metrics.iter().find(|m| m.name == name);
    found.unwrap_or_else(|| panic!("no {name} in {scrape}"))
}

fn label<'a>(sample: &'a Sample, key: &str) -> Option<&'a str> {
    let label = sample.labels.iter().find(|l| l.key == key)?;
    Some(&label.value)
}

/// The samples of `name` of a type whose labels include all of `labels`.
fn samples<'a>(
    scrape: &'a Scrape,
    name: &str,
    of: ValueType,
    labels: &[(&str, &str)],
) -> Vec<&'a Sample> {
    metric(scrape, name)
        .samples
        .iter()
        .filter(|s| s.value.value_type == of)
        .filter(|s| labels.iter().all(|(k, v)| label(s, k) == Some(*v)))
        .collect()
}

/// The value of the one counter or gauge of `name` with `labels`.
fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    match samples(scrape, name, ValueType::Sample, labels).as_slice() {
        [one] => one.value.value.as_f64(),
        many => panic!("{name} {labels:?}: {} samples", many.len()),
    }
}

/// How many observations the histogram of `name` with `labels` holds, once its buckets are
/// seen to count up to that.
fn observations(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    assert_eq!(metric(scrape, name).kind, Type::Histogram, "{name}");
    let count = match samples(scrape, name, ValueType::Count, labels).as_slice() {
        [one] => one.value.value.as_f64(),
        many => panic!("{name} {labels:?}: {} counts", many.len()),
    };
    let mut buckets: Vec<(f64, f64)> = samples(scrape, name, ValueType::Sample, labels)
        .iter()
        .map(|b| {
            let le = label(b, "le").expect("a bucket's bound");
            (le.parse().unwrap(), b.value.value.as_f64())
        })
        .collect();
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_eq!(
        buckets.len(),
        gloss::prometheus::BUCKETS.len() + 1,
        "{name}"
    );
    assert!(
        buckets.windows(2).all(|w| w[0].1 <= w[1].1),
        "{name}: buckets count up: {buckets:?}"
    );
    assert_eq!(*buckets.last().unwrap(), (f64::INFINITY, count), "{name}");
    count
}

/// Scrapes until `holds` does, for a few seconds.
fn eventually(server: &Server, what: &str, holds: impl Fn(&Scrape) -> bool) -> Scrape {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let scrape = server.scrape();
        if holds(&scrape) {
            return scrape;
        }
        assert!(Instant::now() < deadline, "{what}: never held");
        std::thread::sleep(Duration::from_millis(50));
    }
}

const JSON: (&str, &str) = ("content-type", "application/json");

#[test]
fn the_metrics_listener_counts_what_the_site_serves() {
    let server = Server::start(true);
    let metrics = server.metrics.unwrap();
    assert_ne!(metrics.port(), server.site.port());
    assert_eq!(
        server.listening_ports(),
        HashSet::from([server.site.port(), metrics.port()]),
        "the site's port and the metrics' alone"
    );
    // The site has no metrics, and the metrics listener nothing but.
    assert_eq!(server.request("GET", "/metrics", &[], "").status, 404);
    assert_eq!(http(metrics, "GET", "/", &[], "").status, 404);

    let page = format!("/articles/{ESSAY}");
    for _ in 0..2 {
        assert_eq!(server.request("GET", &page, &[], "").status, 200);
    }
    let missing = server.request("GET", "/annotations/no-such-note", &[], "");
    assert_eq!(missing.status, 404);
    assert_eq!(server.request("GET", "/no/such/page", &[], "").status, 404);
    // Ten sign-ups an hour from one client, then a refusal (a few more should the hour turn
    // meanwhile).
    let mut signed_up: u32 = 0;
    loop {
        let account = json!({"username": format!("counted{signed_up}"), "password": PASSWORD});
        let answer = server.request("POST", "/api/users", &[JSON], &account.to_string());
        match answer.status {
            201 => signed_up += 1,
            429 => break,
            other => panic!("{other}: {}", answer.body),
        }
        assert!(signed_up <= 20, "no sign-up refused");
    }
    let login = json!({"username": "counted0", "password": PASSWORD}).to_string();
    let answer = server.request("POST", "/api/tokens", &[JSON], &login);
    assert_eq!(answer.status, 201, "{}", answer.body);
    let token: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    let bearer = format!("Bearer {}", token["token"].as_str().unwrap());

    // A live reader, told of a note.
    let mut live = TcpStream::connect(server.site).unwrap();
    live.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        live,
        "GET {page}/live HTTP/1.1\r\nhost: gloss\r\naccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut heard = String::new();
    let mut read_until = |live: &mut TcpStream, what: &str| {
        let mut buffer = [0; 4096];
        while !heard.contains(what) {
            let n = live.read(&mut buffer).unwrap();
            assert!(n > 0, "the stream ended before {what:?}: {heard}");
            heard.push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    };
    read_until(&mut live, ": connected");
    eventually(&server, "one live reader", |s| {
        value(s, "gloss_live_readers", &[]) == 1.0
    });
    let note = comment("Let me back up and explain.", "Counted.").to_string();
    let created = server.request(
        "POST",
        "/annotations/",
        &[
            ("authorization", &bearer),
            ("content-type", "application/ld+json"),
        ],
        &note,
    );
    assert_eq!(created.status, 201, "{}", created.body);
    read_until(&mut live, "event: created");
    drop(live);
    let scrape = eventually(&server, "the reader gone", |s| {
        value(s, "gloss_live_readers", &[]) == 0.0
    });

    let requests = |route: &str, status: &str| {
        let labels = [("method", "GET"), ("route", route), ("status", status)];
        value(&scrape, "gloss_http_requests_total", &labels)
    };
    assert!(requests("/articles/{slug}", "200") >= 2.0);
    assert_eq!(requests("/annotations/{id}", "404"), 1.0);
    assert_eq!(
        requests("unmatched", "404"),
        2.0,
        "/metrics and /no/such/page"
    );
    assert_eq!(requests("/articles/{slug}/live", "200"), 1.0);
    let post = |route: &str, status: &str| {
        let labels = [("method", "POST"), ("route", route), ("status", status)];
        value(&scrape, "gloss_http_requests_total", &labels)
    };
    assert_eq!(post("/api/users", "201"), f64::from(signed_up));
    assert_eq!(post("/api/users", "429"), 1.0);
    assert!(
        samples(&scrape, "gloss_http_requests_total", ValueType::Sample, &[])
            .iter()
            .all(|s| !label(s, "route").unwrap().contains("no-such")),
        "routes by template, never by path"
    );
    let page_times = [("method", "GET"), ("route", "/articles/{slug}")];
    assert!(observations(&scrape, "gloss_http_request_duration_seconds", &page_times) >= 2.0);
    let signups = [("method", "POST"), ("route", "/api/users")];
    assert_eq!(
        observations(&scrape, "gloss_http_request_duration_seconds", &signups),
        f64::from(signed_up + 1)
    );

    let hits: f64 = samples(
        &scrape,
        "gloss_page_cache_hits_total",
        ValueType::Sample,
        &[],
    )
    .iter()
    .map(|s| s.value.value.as_f64())
    .sum();
    assert!(hits >= 1.0, "page cache hits: {hits}");
    assert!(value(&scrape, "gloss_page_renders_total", &[("kind", "version")]) >= 1.0);
    assert!(value(&scrape, "gloss_page_blocks_rendered_total", &[]) >= 1.0);

    for operation in [
        "sync_editorial",
        "changes_since",
        "create_user",
        "hit",
        "create",
    ] {
        let labels = [("operation", operation)];
        let count = observations(&scrape, "gloss_store_query_duration_seconds", &labels);
        assert!(count >= 1.0, "{operation}: {count}");
    }

    assert_eq!(
        value(
            &scrape,
            "gloss_rate_limit_refusals_total",
            &[("limit", "signup")]
        ),
        1.0
    );
    assert_eq!(value(&scrape, "gloss_password_hashings_queued", &[]), 0.0);
    // One hashed for each sign-up, one checked on log-in.
    assert_eq!(
        observations(&scrape, "gloss_password_hashing_duration_seconds", &[]),
        f64::from(signed_up + 1)
    );
    assert_eq!(
        value(&scrape, "gloss_live_events_published_total", &[]),
        1.0
    );
    assert_eq!(
        value(&scrape, "gloss_live_events_delivered_total", &[]),
        1.0
    );

    for described in [
        "gloss_http_requests_total",
        "gloss_http_request_duration_seconds",
        "gloss_page_cache_hits_total",
        "gloss_page_renders_total",
        "gloss_store_query_duration_seconds",
        "gloss_live_readers",
        "gloss_live_events_published_total",
        "gloss_live_events_delivered_total",
        "gloss_rate_limit_refusals_total",
        "gloss_password_hashings_queued",
        "gloss_password_hashing_duration_seconds",
    ] {
        let help = metric(&scrape, described).help_desc.as_deref();
        assert!(help.is_some_and(|h| !h.is_empty()), "{described} has help");
    }
}

#[test]
fn without_the_flag_nothing_listens_for_metrics() {
    let server = Server::start(false);
    assert_eq!(server.request("GET", "/metrics", &[], "").status, 404);
    assert_eq!(
        server.listening_ports(),
        HashSet::from([server.site.port()]),
        "the site's port alone"
    );
    assert!(
        !server
            .messages()
            .iter()
            .any(|m| m.starts_with("metrics on")),
        "{:?}",
        server.messages()
    );
}

#[test]
fn the_metrics_listener_stops_with_the_server() {
    let mut server = Server::start(true);
    let metrics = server.metrics.unwrap();
    assert_eq!(http(metrics, "GET", "/metrics", &[], "").status, 200);
    let stopped = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    assert!(TcpStream::connect(metrics).is_err(), "nothing listens");
}
