//! `pdscore scorecard`: the points table of a scorecard model as Markdown, CSV or SQL.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use pdscore::pipeline::{Pipeline, Scorecard, ScorecardParams};

/// The export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Markdown: scaling, one table per column, score-to-PD lines.
    Md,
    /// CSV: column,bin,woe,iv,count,event_rate,points.
    Csv,
    /// One SQL SELECT summing a CASE per column into `score`.
    Sql,
}

/// Arguments of `pdscore scorecard`.
#[derive(Debug, Args)]
pub struct ScorecardArgs {
    /// A pipeline file of the `scorecard` candidate (`pdscore train --model scorecard`).
    #[arg(long)]
    pub model: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Md)]
    pub format: Format,
    /// Table the SQL selects from (--format sql): a plain or schema-qualified name, else quoted.
    #[arg(long, default_value = "applications")]
    pub table: String,
    /// Points to double the good:bad odds.
    #[arg(long, default_value_t = 20.0)]
    pub pdo: f64,
    /// Good:bad odds at the base score (50 = 50 goods per bad).
    #[arg(long, default_value_t = 50.0)]
    pub base_odds: f64,
    /// Score at the base odds.
    #[arg(long, default_value_t = 600.0)]
    pub base_score: f64,
    /// Keep fractional points (default: whole points; the score is the sum of rounded points).
    #[arg(long)]
    pub no_round: bool,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// Loads the model, builds its scorecard and writes the export.
pub fn run(args: &ScorecardArgs) -> anyhow::Result<()> {
    let pipeline = Pipeline::load(&args.model)
        .with_context(|| format!("cannot load `{}`", args.model.display()))?;
    let params = ScorecardParams::new()
        .pdo(args.pdo)
        .base_odds(args.base_odds)
        .base_score(args.base_score)
        .round(!args.no_round);
    let card = Scorecard::from_pipeline(&pipeline, params).with_context(|| {
        format!(
            "`{}` has no points table (train one with `pdscore train --model scorecard`)",
            args.model.display()
        )
    })?;
    let text = match args.format {
        Format::Md => card.to_markdown(),
        Format::Csv => card.to_csv(),
        Format::Sql => card.to_sql(&args.table),
    };
    match &args.output {
        Some(path) => pdscore::pipeline::write_atomically(path, text.as_bytes())
            .with_context(|| format!("cannot write `{}`", path.display()))?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(())
}
