//! `pdscore generate`: synthetic data in the original Klarna format.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use pdscore::ingest::synth::{SynthParams, generate_to_path};

/// Arguments of `pdscore generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Labelled rows to write (target 0/1).
    #[arg(long)]
    pub rows: usize,
    /// Unlabelled rows appended at the end (target NA), like the original file's last rows.
    #[arg(long, default_value_t = 0)]
    pub unlabelled: usize,
    /// Seed of the random generator; the same seed writes the same bytes.
    #[arg(long)]
    pub seed: u64,
    /// Output CSV file (semicolon-separated, NA for missing).
    #[arg(long)]
    pub out: PathBuf,
}

/// Writes the file and prints a one-line summary.
pub fn run(args: &GenerateArgs) -> anyhow::Result<()> {
    let params = SynthParams::new()
        .labelled_rows(args.rows)
        .unlabelled_rows(args.unlabelled)
        .seed(args.seed);
    let summary = generate_to_path(&params, &args.out)
        .with_context(|| format!("cannot generate `{}`", args.out.display()))?;
    println!(
        "wrote {} rows ({} labelled, {} positives, {} unlabelled), {} bytes to {}",
        summary.rows(),
        summary.labelled,
        summary.positives,
        summary.unlabelled,
        summary.bytes,
        args.out.display()
    );
    Ok(())
}
