//! The `pdscore` command-line tool.
//!
//! One module per subcommand under `commands/`; `main` parses the arguments, runs the chosen
//! subcommand and prints any error as a chain (`error: ...` then `caused by: ...` lines).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;

/// Probability-of-default scoring on imbalanced credit data.
#[derive(Debug, Parser)]
#[command(name = "pdscore", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Write synthetic customers in the original Klarna file format.
    Generate(commands::generate::GenerateArgs),
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Generate(args) => commands::generate::run(&args),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}
