use clap::Parser;
use tracing_subscriber::EnvFilter;

use gloss::config::{Cli, Command};
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
    }
}
