//! `pdscore evaluate`: the cross-validated model comparison on a labelled CSV.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use pdscore::pipeline::{EvaluateSpec, OutOfTimeSpec, evaluate};

use super::common::{CvArgs, DataArgs, fit_progress, parse_monotone};

/// Arguments of `pdscore evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub cv: CvArgs,
    /// Move the saved model's PDs to this long-run default rate (e.g. a through-the-cycle
    /// rate) instead of the training sample's; the same rows stay flagged. Recorded in the
    /// model card.
    #[arg(long)]
    pub target_rate: Option<f64>,
    /// Out-of-time validation: the column that orders rows in time (numbers, or text such as
    /// ISO dates); it is then never a feature. Needs --test-from.
    #[arg(long, requires = "test_from")]
    pub time_column: Option<String>,
    /// The first value of the test period of --time-column: every candidate is also fitted on
    /// the earlier rows and measured on the rows from this value on.
    #[arg(long, requires = "time_column")]
    pub test_from: Option<String>,
    /// Comma-separated candidate names [default: all].
    #[arg(long, value_delimiter = ',')]
    pub models: Option<Vec<String>>,
    /// Monotone constraints on numeric input columns, e.g. `loan_int_rate=+1,person_income=-1`:
    /// the PD never falls (+1) or never rises (-1) as the column grows. Candidates that cannot
    /// honour them (MLP, scorecard) are left out with a warning.
    #[arg(long, value_parser = parse_monotone)]
    pub monotone: Option<pdscore::pipeline::MonotoneSpec>,
    /// Directory for report.md, report.html, results.json, oof.csv, model.json and
    /// predictions.csv.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write the summary as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write every out-of-fold prediction (row,fold,model,y,score) to this file.
    #[arg(long)]
    pub oof: Option<PathBuf>,
}

/// Runs the comparison and prints the table.
pub fn run(args: &EvaluateArgs, quiet: bool) -> anyhow::Result<()> {
    let mut spec = EvaluateSpec::new(args.data.input_spec());
    spec.cv = args.cv.cv_spec()?;
    spec.ensemble = args.cv.ensemble_spec()?;
    spec.target_rate = args.target_rate;
    if let (Some(column), Some(test_from)) = (&args.time_column, &args.test_from) {
        spec.out_of_time = Some(OutOfTimeSpec {
            column: column.clone(),
            test_from: test_from.clone(),
        });
    }
    spec.models.clone_from(&args.models);
    spec.monotone.clone_from(&args.monotone);
    let (bar, progress) = fit_progress(quiet);
    let evaluated = evaluate(&spec, Some(&progress))
        .with_context(|| format!("cannot evaluate `{}`", args.data.data.display()))?;
    bar.finish_and_clear();
    let results = evaluated.results()?;
    if !quiet {
        for w in &evaluated.input.warnings {
            eprintln!("warning: {w}");
        }
        print!("{}", evaluated.summary_text());
    }
    if let Some(path) = &args.json {
        pdscore::pipeline::write_atomically(path, &serde_json::to_vec_pretty(&results)?)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    if let Some(path) = &args.oof {
        pdscore::pipeline::write_atomically(path, evaluated.oof_csv().as_bytes())
            .with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    if let Some(dir) = &args.out {
        let written = evaluated.write_all(dir)?;
        if !quiet {
            for p in written {
                println!("wrote {}", p.display());
            }
        }
    }
    Ok(())
}
