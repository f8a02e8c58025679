//! The command line: every option also reads an environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "gloss",
    version,
    about = "Essays with margin notes, hover cards and annotations"
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// How log lines are written: `text` for people, `json` (one object a line) for log
    /// shippers.
    #[arg(long, global = true, env = "GLOSS_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// With no subcommand, gloss serves.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the essays over HTTP (the default).
    Serve(ServeArgs),
    /// Load and check the articles, entities and notes, then exit.
    Check {
        #[arg(long, env = "GLOSS_ARTICLES", default_value = "articles")]
        articles: PathBuf,
    },
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Copy a live SQLite database to a file, consistently, while the site serves.
    Backup {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The file to write; refused when it exists, unless --force.
        #[arg(long, short)]
        out: PathBuf,
        /// Replace FILE when it exists.
        #[arg(long)]
        force: bool,
    },
    /// Write the whole site (every annotation as a W3C AnnotationCollection, with accounts,
    /// API tokens, groups, share links and moderation in its `gloss` member) as JSON-LD.
    Export {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The file to write (default: standard output).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// The site's address, for the annotations' absolute ids.
        #[arg(
            long,
            env = "GLOSS_PUBLIC_URL",
            default_value = "http://127.0.0.1:3000"
        )]
        public_url: String,
    },
    /// Read a site written by `gloss export`, or Hypothesis's annotations of one essay;
    /// what is present already is skipped.
    Import {
        #[command(flatten)]
        db: DatabaseArgs,
        /// What the file holds.
        #[arg(long, value_enum, default_value_t = ImportFormat::W3c)]
        format: ImportFormat,
        /// The essay (its slug) the Hypothesis annotations are on.
        #[arg(long, required_if_eq("format", "hypothesis"))]
        article: Option<String>,
        /// The folder of essays, to find the Hypothesis annotations' passages in.
        #[arg(long, env = "GLOSS_ARTICLES", default_value = "articles")]
        articles: PathBuf,
        /// The JSON file to read.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input when it is piped in;
    /// otherwise one is generated and printed.
    Add {
        name: String,
        /// Editors may delete any reader's public annotation, hide it and show it again.
        #[arg(long)]
        editor: bool,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Give an account made by an import (which has no password) a password, for the person
    /// whose notes it holds. The password is read from standard input when it is piped in;
    /// otherwise one is generated and printed.
    Claim {
        name: String,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

/// The files `gloss import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// A W3C AnnotationCollection, as `gloss export` writes.
    W3c,
    /// Hypothesis's search API answer (`{"total", "rows"}`) or an array of its annotations.
    Hypothesis,
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// `sqlite://FILE` (created when missing) or `postgres://USER@HOST/DATABASE`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://gloss.db";

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, env = "GLOSS_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// `sqlite://FILE` (created when missing) or `postgres://USER@HOST/DATABASE`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// The folder of essays, `entities.toml` and notes.
    #[arg(long, env = "GLOSS_ARTICLES", default_value = "articles")]
    pub articles: PathBuf,
    /// The address readers reach the site at, for absolute links (default: http://ADDR).
    #[arg(long, env = "GLOSS_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Behind a reverse proxy: take the client's address from X-Forwarded-For.
    #[arg(long, env = "GLOSS_BEHIND_PROXY")]
    pub behind_proxy: bool,
    /// Annotation writes allowed per account per minute (0: no limit).
    #[arg(long, env = "GLOSS_WRITE_LIMIT", default_value_t = 120)]
    pub write_limit: u32,
    /// Serving threads (0: one per core).
    #[arg(long, env = "GLOSS_THREADS", default_value_t = 0)]
    pub threads: usize,
    /// Requests that take longer than this many milliseconds are logged as slow.
    #[arg(long, env = "GLOSS_SLOW_REQUEST_MS", default_value_t = 1000)]
    pub slow_request_ms: u64,
    /// Origins whose pages may call the JSON API with Bearer tokens, comma-separated
    /// (`https://app.example.org`); none by default.
    #[arg(long, env = "GLOSS_CORS_ORIGINS", value_delimiter = ',', value_parser = origin)]
    pub cors_origins: Vec<String>,
    /// Reload the articles whenever a file in their folder changes, as SIGHUP does.
    #[arg(long, env = "GLOSS_WATCH")]
    pub watch: bool,
    /// Serve Prometheus metrics at `/metrics` on this address, a listener of its own apart
    /// from the site's (keep it off the public network); none by default.
    #[arg(long, env = "GLOSS_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
}

/// An origin as browsers send it in `Origin`: a scheme, a host and maybe a port, nothing else
/// (a trailing `/` is dropped).
fn origin(value: &str) -> Result<String, String> {
    let origin = value.trim().trim_end_matches('/');
    let valid = ["http://", "https://"].iter().any(|scheme| {
        origin.strip_prefix(scheme).is_some_and(|host| {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
    });
    if valid {
        Ok(origin.to_ascii_lowercase())
    } else {
        Err(format!(
            "{value:?} is not an origin: write the scheme, host and port alone, as in \
             https://app.example.org"
        ))
    }
}

/// What the running app needs to know of its configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// No trailing slash.
    pub public_url: String,
    pub behind_proxy: bool,
    pub write_limit: u32,
    /// Requests that take longer are logged, with their route and time.
    pub slow_request: Duration,
    /// The origins allowed to call the JSON API from their pages: see `web::plumbing::cors`.
    pub cors_origins: Vec<String>,
}

impl Config {
    /// The site's own origin: its public URL's scheme, host and port.
    pub fn own_origin(&self) -> &str {
        let after_scheme = self.public_url.find("://").map_or(0, |i| i + 3);
        let end = self.public_url[after_scheme..]
            .find('/')
            .map_or(self.public_url.len(), |i| after_scheme + i);
        &self.public_url[..end]
    }

    /// Whether cookies must be sent over HTTPS alone: when readers reach Gloss by HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn from_args(args: &ServeArgs) -> Config {
        let public_url = args
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", args.addr));
        Config {
            public_url: public_url.trim_end_matches('/').to_string(),
            behind_proxy: args.behind_proxy,
            write_limit: args.write_limit,
            slow_request: Duration::from_millis(args.slow_request_ms),
            cors_origins: args.cors_origins.clone(),
        }
    }
}
