use std::io::IsTerminal;
use std::path::Path;

use clap::Parser;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::writer::BoxMakeWriter;

use gloss::config::{Cli, Command, ImportFormat, LogFormat, UserCommand};
use gloss::library::Library;

/// glibc's allocator gives each thread that allocates its own arena and keeps what it frees
/// there: resident memory grew by two thirds under writes, all of it arenas. jemalloc shares
/// a few arenas and returns what is freed.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // A command's standard output is what it makes (an export, a report), which a log line
    // would corrupt: beside serving, logs go to standard error.
    let serving = matches!(cli.command, None | Some(Command::Serve(_)));
    let (writer, terminal) = if serving {
        (
            BoxMakeWriter::new(std::io::stdout),
            std::io::stdout().is_terminal(),
        )
    } else {
        (
            BoxMakeWriter::new(std::io::stderr),
            std::io::stderr().is_terminal(),
        )
    };
    // Colours for a terminal only: escape codes in a log file or a journal are noise.
    let logs = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(terminal)
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        );
    match cli.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    match cli.command {
        None => gloss::serve::run(cli.serve),
        Some(Command::Serve(args)) => gloss::serve::run(args),
        Some(Command::Check { articles }) => check(&articles),
        Some(Command::User(UserCommand::Add { name, editor, db })) => {
            block_on(gloss::cli::add_user(&name, editor, &db.database_url))
        }
        Some(Command::Backup { db, out, force }) => {
            block_on(gloss::cli::backup(&db.database_url, &out, force))
        }
        Some(Command::Export {
            db,
            out,
            public_url,
        }) => block_on(gloss::cli::export(
            &db.database_url,
            &public_url,
            out.as_deref(),
        )),
        Some(Command::User(UserCommand::Claim { name, db })) => {
            block_on(gloss::cli::claim_user(&name, &db.database_url))
        }
        Some(Command::Import {
            db,
            format: ImportFormat::W3c,
            file,
            ..
        }) => block_on(gloss::cli::import(&db.database_url, &file)),
        Some(Command::Import {
            db,
            format: ImportFormat::Hypothesis,
            article,
            articles,
            file,
        }) => block_on(gloss::cli::import_hypothesis(
            &db.database_url,
            &articles,
            article.as_deref().unwrap_or_default(),
            &file,
        )),
    }
}

fn check(articles: &Path) -> anyhow::Result<()> {
    let library = Library::load(articles)?;
    let notes: usize = library.articles().iter().map(|a| a.notes.len()).sum();
    println!(
        "{}: {} essays, {} entities, {notes} notes: all good",
        articles.display(),
        library.articles().len(),
        library.entities().len(),
    );
    Ok(())
}

/// Runs one of the short commands beside serving.
fn block_on(command: impl Future<Output = anyhow::Result<()>>) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(command)
}
