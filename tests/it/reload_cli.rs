//! `gloss serve` reloading its articles while it runs: on SIGHUP, and with `--watch` when a
//! file changes, as an operator publishes an edit.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{ESSAY, copy_articles};

const DEADLINE: Duration = Duration::from_secs(20);

/// A server run on a folder of articles of its own, its log lines gathered as they come.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Value>>>,
}

impl Server {
    fn start(articles: &Path, database: &Path, watch: bool) -> Server {
        let url = format!("sqlite://{}", database.display());
        let mut command = Command::new(env!("CARGO_BIN_EXE_gloss"));
        command
            .args(["serve", "--addr", "127.0.0.1:0", "--threads", "2"])
            .args(["--log-format", "json", "--database-url", &url])
            .arg("--articles")
            .arg(articles)
            .env_remove("RUST_LOG")
            .env_remove("GLOSS_WATCH")
            .stdout(Stdio::piped());
        if watch {
            command.arg("--watch");
        }
        let mut child = command.spawn().unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let log = Arc::new(Mutex::new(Vec::new()));
        let gathered = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let line = serde_json::from_str(&line).expect("each line a JSON object");
                gathered.lock().unwrap().push(line);
            }
        });
        let mut server = Server {
            child,
            addr: "127.0.0.1:1".parse().unwrap(),
            log,
        };
        let listening = server.logged(|line| message(line).starts_with("listening on http://"));
        server.addr = message(&listening)["listening on http://".len()..]
            .parse()
            .unwrap();
        server
    }

    /// The first log line `wanted` takes, waited for.
    fn logged(&self, wanted: impl Fn(&Value) -> bool) -> Value {
        let started = Instant::now();
        loop {
            if let Some(line) = self.log.lock().unwrap().iter().find(|l| wanted(l)) {
                return line.clone();
            }
            assert!(
                started.elapsed() < DEADLINE,
                "not logged: {:#?}",
                self.log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn page(&self) -> String {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        let request = format!(
            "GET /articles/{ESSAY} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut page = String::new();
        stream.read_to_string(&mut page).unwrap();
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        page
    }

    /// The page once it holds `text`, asked for again until it does.
    fn page_showing(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let page = self.page();
            if page.contains(text) {
                return page;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "the page never showed {text:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn hang_up(&self) {
        let sent = Command::new("kill")
            .args(["-HUP", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn message(line: &Value) -> &str {
    line["fields"]["message"].as_str().unwrap_or_default()
}

fn rewrite(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn sighup_reloads_the_articles_and_a_broken_file_leaves_the_old_text() {
    let (articles, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    copy_articles(articles.path());
    let essay = articles.path().join(format!("{ESSAY}.md"));
    let server = Server::start(articles.path(), &db.path().join("gloss.db"), false);
    server.page_showing("Pay attention to the dates");

    rewrite(&essay, "date = 2025-11-26", "date = \"last Wednesday\"");
    server.hang_up();
    let refused = server.logged(|line| line["level"] == "ERROR");
    let at = format!("{}:5:", essay.display());
    assert!(message(&refused).contains(&at), "{refused}");
    assert_eq!(refused["fields"]["line"], 5);
    server.page_showing("Pay attention to the dates");

    rewrite(&essay, "date = \"last Wednesday\"", "date = 2025-11-26");
    rewrite(&essay, "Pay attention to the dates", "Mind the dates");
    server.hang_up();
    let page = server.page_showing("Mind the dates");
    assert!(!page.contains("Pay attention to the dates"));
    let reloaded = server.logged(|line| message(line) == "articles reloaded");
    assert_eq!(reloaded["fields"]["changed"], format!("[\"{ESSAY}\"]"));
}

#[test]
fn watch_reloads_when_an_editor_saves_the_essay() {
    let (articles, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    copy_articles(articles.path());
    let essay = articles.path().join(format!("{ESSAY}.md"));
    let server = Server::start(articles.path(), &db.path().join("gloss.db"), true);
    server.logged(|line| message(line) == "watching the articles for changes");
    server.page_showing("Pay attention to the dates");

    // As editors save: the new text written beside the file, then renamed over it.
    let text = std::fs::read_to_string(&essay).unwrap();
    let saved = articles.path().join(format!(".{ESSAY}.md.swp"));
    std::fs::write(&saved, text.replacen("Pay attention", "Mind", 1)).unwrap();
    std::fs::rename(&saved, &essay).unwrap();
    server.page_showing("Mind to the dates");
    let reloaded = server.logged(|line| message(line) == "articles reloaded");
    assert_eq!(reloaded["fields"]["changed"], format!("[\"{ESSAY}\"]"));
}
