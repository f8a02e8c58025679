use clap::Parser;
use tracing_subscriber::EnvFilter;

use gloss::config::{Cli, Command, UserCommand};
use gloss::library::Library;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    match cli.command {
        None => gloss::serve::run(cli.serve).await,
        Some(Command::Serve(args)) => gloss::serve::run(args).await,
        Some(Command::Check { articles }) => {
            let library = Library::load(&articles)?;
            println!(
                "{}: {} essays, {} entities, {} notes: all good",
                articles.display(),
                library.articles().len(),
                library.entities().len(),
                library
                    .articles()
                    .iter()
                    .map(|a| a.notes.len())
                    .sum::<usize>()
            );
            Ok(())
        }
        Some(Command::User(UserCommand::Add { name, editor, db })) => {
            gloss::cli::add_user(&name, editor, &db.database_url).await
        }
        Some(Command::Export {
            db,
            out,
            public_url,
        }) => gloss::cli::export(&db.database_url, &public_url, out.as_deref()).await,
        Some(Command::Import { db, file }) => gloss::cli::import(&db.database_url, &file).await,
    }
}
