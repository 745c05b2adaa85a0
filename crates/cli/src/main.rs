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
    /// Print nothing but errors (and the requested outputs).
    #[arg(long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Cross-validate the candidate models on a labelled CSV, print the table, write reports.
    Evaluate(commands::evaluate::EvaluateArgs),
    /// Train one pipeline (the best candidate, or a named one) and save it.
    Train(commands::train::TrainArgs),
    /// Score a CSV with a saved pipeline: id, pd, decision per row.
    Predict(commands::predict::PredictArgs),
    /// Serve a saved pipeline: upload page, results, JSON API (see pdscore-web).
    Serve(commands::serve::ServeCmdArgs),
    /// Print the model card of a saved pipeline.
    Inspect(commands::inspect::InspectArgs),
    /// Export the points table of a scorecard model (Markdown, CSV, or one SQL SELECT).
    Scorecard(commands::scorecard::ScorecardArgs),
    /// Stability of a saved pipeline on new data: PSI of the PD, CSI of each input (exit code 3
    /// above --fail-above).
    Monitor(commands::monitor::MonitorArgs),
    /// Write synthetic customers in the original Klarna file format.
    Generate(commands::generate::GenerateArgs),
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Evaluate(args) => commands::evaluate::run(&args, cli.quiet),
        Command::Train(args) => commands::train::run(&args, cli.quiet),
        Command::Predict(args) => commands::predict::run(&args, cli.quiet),
        Command::Serve(args) => commands::serve::run(&args),
        Command::Inspect(args) => commands::inspect::run(&args),
        Command::Scorecard(args) => commands::scorecard::run(&args),
        Command::Monitor(args) => {
            let over = commands::monitor::run(&args, cli.quiet)?;
            return Ok(if over {
                ExitCode::from(commands::monitor::DRIFT_EXIT_CODE)
            } else {
                ExitCode::SUCCESS
            });
        }
        Command::Generate(args) => commands::generate::run(&args),
    }?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // `pdscore predict ... | head` closes the pipe early: not an error.
        Err(error)
            if error
                .chain()
                .filter_map(|e| e.downcast_ref::<std::io::Error>())
                .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}
