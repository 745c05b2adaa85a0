//! `pdscore monitor`: the stability of a saved model on new data (PSI of the PD, CSI of each
//! input against the training rows), for scheduled jobs.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use pdscore::ingest::read_csv;
use pdscore::pipeline::{MonitorReport, Pipeline};

/// Exit code when an index is above `--fail-above` (errors exit with 1).
pub const DRIFT_EXIT_CODE: u8 = 3;

/// Arguments of `pdscore monitor`.
#[derive(Debug, Args)]
pub struct MonitorArgs {
    /// The pipeline file written by `pdscore train` or `pdscore evaluate --out`.
    #[arg(long)]
    pub model: PathBuf,
    /// New data: a CSV with the model's input columns (labels not needed).
    #[arg(long)]
    pub data: PathBuf,
    /// Exit with code 3 when the PD's PSI or any column's CSI is above this (0.25: the usual
    /// "significant shift" band).
    #[arg(long)]
    pub fail_above: Option<f64>,
    /// Write monitor.md, monitor.html and monitor.json to this folder.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write the report as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// Scores the new data, compares it with the training profile, prints the report and says
/// whether the limit was crossed.
pub fn run(args: &MonitorArgs, quiet: bool) -> anyhow::Result<bool> {
    if let Some(limit) = args.fail_above {
        anyhow::ensure!(
            limit.is_finite() && limit >= 0.0,
            "--fail-above must be a non-negative number, got {limit}"
        );
    }
    let pipeline = Pipeline::load(&args.model)
        .with_context(|| format!("cannot load `{}`", args.model.display()))?;
    let table = read_csv(&args.data, &pipeline.read_options())
        .with_context(|| format!("cannot read `{}`", args.data.display()))?;
    let report = pipeline
        .monitor(&table)
        .with_context(|| format!("cannot monitor `{}`", args.model.display()))?;
    if !quiet {
        print!("{}", summary(&report));
    }
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
        write(&dir.join("monitor.md"), report.markdown().as_bytes())?;
        write(&dir.join("monitor.html"), report.html().as_bytes())?;
        write(
            &dir.join("monitor.json"),
            &serde_json::to_vec_pretty(&report)?,
        )?;
    }
    if let Some(path) = &args.json {
        write(path, &serde_json::to_vec_pretty(&report)?)?;
    }
    let over = args
        .fail_above
        .is_some_and(|limit| report.max_index() > limit);
    if over {
        eprintln!(
            "stability index {:.4} is above --fail-above {}",
            report.max_index(),
            args.fail_above.unwrap_or_default()
        );
    }
    Ok(over)
}

fn write(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    pdscore::pipeline::write_atomically(path, bytes)
        .with_context(|| format!("cannot write `{}`", path.display()))
}

/// The PD's PSI and the five columns that moved most, one line each.
fn summary(report: &MonitorReport) -> String {
    let mut s = format!(
        "{} new rows against {} training rows\nPD        PSI {:.4} ({})\n",
        report.rows,
        report.training_rows,
        report.score.psi,
        report.score.band.name()
    );
    for c in report.columns.iter().take(5) {
        let _ = writeln!(s, "{:<40} CSI {:.4} ({})", c.name, c.psi, c.band.name());
    }
    if report.columns.len() > 5 {
        let _ = writeln!(
            s,
            "... {} more columns (see --out or --json)",
            report.columns.len() - 5
        );
    }
    if !report.missing_columns.is_empty() {
        let _ = writeln!(
            s,
            "absent from the new data: {}",
            report.missing_columns.join(", ")
        );
    }
    s
}
